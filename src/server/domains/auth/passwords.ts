// argon2id through @node-rs/argon2: prebuilt N-API binaries from the npm registry (no compiler,
// no postinstall download), and the OWASP-recommended defaults (19 MiB, t=2, p=1).
import { hash, verify } from '@node-rs/argon2';

export const hashPassword = (password: string) => hash(password);

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

/** Verifying against this when the user does not exist keeps the response time the same. */
let dummyHash: Promise<string> | undefined;
export const dummyPasswordHash = () => (dummyHash ??= hash('steward-dummy-password'));

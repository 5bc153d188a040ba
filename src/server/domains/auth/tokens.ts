import { createHash, randomBytes } from 'node:crypto';

/** Tokens are `stw_` + 32 random bytes; the database keeps only their SHA-256. */
export function newToken(): { token: string; tokenHash: string } {
  const token = `stw_${randomBytes(32).toString('base64url')}`;
  return { token, tokenHash: hashToken(token) };
}

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

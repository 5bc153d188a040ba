// Server settings from the environment (see docs/configuration.md).
import { resolve } from 'node:path';

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  adminEmail: string | undefined;
  adminPassword: string | undefined;
  sessionTtlSeconds: number;
  logLevel: string;
  /** Folder of the built web UI; undefined = do not serve it. */
  webDir: string | undefined;
}

function int(name: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new Error(`${name} must be a whole number from ${min} to ${max}, got "${value}"`);
  }
  return n;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  return {
    port: int('PORT', env.PORT, 3000, 0, 65535),
    host: env.HOST || '127.0.0.1',
    dataDir: resolve(env.STEWARD_DATA_DIR || './data'),
    databaseUrl: env.DATABASE_URL || undefined,
    adminEmail: env.STEWARD_ADMIN_EMAIL || undefined,
    adminPassword: env.STEWARD_ADMIN_PASSWORD || undefined,
    sessionTtlSeconds: int('STEWARD_SESSION_TTL', env.STEWARD_SESSION_TTL, 12 * 3600, 60, 90 * 24 * 3600),
    logLevel: env.LOG_LEVEL || 'info',
    webDir: undefined,
    ...overrides,
  };
}

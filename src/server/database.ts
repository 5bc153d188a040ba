// The database the configuration names: PostgreSQL when DATABASE_URL is set, else PGlite in the
// data folder. Kept apart from start.ts so that the CLI's commands other than `start` open it
// without loading the server (Fastify, every route).
import { openDatabase, type DatabaseHandle } from '../db/client.js';
import type { Config } from './config.js';

export function openConfiguredDatabase(config: Config): Promise<DatabaseHandle> {
  return config.databaseUrl
    ? openDatabase({ kind: 'postgres', url: config.databaseUrl })
    : openDatabase({
        kind: 'pglite',
        dataDir: config.dataDir,
        thread: config.pgliteThread,
        statementStats: config.pgliteStatementStats,
      });
}

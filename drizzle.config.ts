import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './src/server/domains/*/*.table.ts',
  out: './drizzle',
  migrations: { prefix: 'timestamp' },
});

import { defineConfig } from 'drizzle-kit';

/** PostgreSQL's migrations (drizzle.config.ts has SQLite's): `npm run db:generate:pg -- --name <what>`. */
export default defineConfig({
  dialect: 'postgresql',
  schema: './db/schema.pg.ts',
  out: './db/migrations-pg',
});

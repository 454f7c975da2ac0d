import { defineConfig } from 'drizzle-kit';

/** PostgreSQL's migrations (drizzle.config.ts has SQLite's): `npx drizzle-kit generate --config drizzle.config.pg.ts`. */
export default defineConfig({
  dialect: 'postgresql',
  schema: './db/schema.pg.ts',
  out: './db/migrations-pg',
});

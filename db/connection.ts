import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import * as schema from './schema';

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

export const migrationsFolder = path.join(__dirname, 'migrations');

export const DEFAULT_CACHE_MB = 64;

/**
 * Opens (creating if needed) the SQLite database, tuned for a server: WAL, every commit on stable
 * storage before it is acknowledged (synchronous=FULL: a billing ledger must not tell a client of
 * an invoice that a power loss can take back; group commit makes that one fsync per batch), foreign keys, a busy
 * wait, and a page cache that holds the hot indexes of orgs with tens of thousands of members
 * (SQLite's default of 2 MiB is outgrown at a few thousand, and every miss is a read from the file).
 */
export function openDatabase(file: string, options: { cacheMb?: number } = {}): Db {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const client = new Database(file);
  client.pragma('journal_mode = WAL');
  client.pragma('synchronous = FULL');
  client.pragma('foreign_keys = ON');
  client.pragma('busy_timeout = 5000');
  client.pragma(`cache_size = ${-1024 * (options.cacheMb ?? DEFAULT_CACHE_MB)}`);
  // savepoints (every transaction under group commit) keep their undo pages in memory, not in a temp file
  client.pragma('temp_store = MEMORY');
  return drizzle(client, { schema }) as Db;
}

export function migrateDatabase(db: Db): void {
  migrate(db, { migrationsFolder });
}

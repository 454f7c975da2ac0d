import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { migrationsFolder, openDatabase, type Db } from '../../db/connection';

/**
 * A real SQLite file migrated up to, not including, the migration `tag`: a database as it was before
 * that migration, to fill with old rows and then migrate the rest of the way (migrateDatabase).
 */
export function databaseBeforeMigration(tag: string): { db: Db; close: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seatd-migration-'));
  const before = path.join(dir, 'migrations');
  fs.cpSync(migrationsFolder, before, { recursive: true });
  const journalFile = path.join(before, 'meta', '_journal.json');
  const journal = JSON.parse(fs.readFileSync(journalFile, 'utf8')) as { entries: { tag: string }[] };
  const at = journal.entries.findIndex((e) => e.tag === tag);
  if (at <= 0) throw new Error(`no migration ${tag} after the first`);
  journal.entries = journal.entries.slice(0, at);
  fs.writeFileSync(journalFile, JSON.stringify(journal));
  const db = openDatabase(path.join(dir, 'seatd.db'));
  migrate(db, { migrationsFolder: before });
  return {
    db,
    close: () => {
      db.$client.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

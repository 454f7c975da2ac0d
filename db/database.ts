import type { Db } from './connection';
import { closePostgresDomain, postgresOf } from './postgresDomainDb';

/*
 * What the server and the CLI do with a domain database without caring which one it is: the SQLite
 * file (db/connection.ts) or PostgreSQL (db/postgresDomainDb.ts).
 */

export function isPostgres(db: Db): boolean {
  return postgresOf(db) !== undefined;
}

/** Resolves once the database is migrated and usable; rejects with why not. */
export async function databaseReady(db: Db): Promise<void> {
  await postgresOf(db)?.ready;
}

export async function closeDatabase(db: Db): Promise<void> {
  const postgres = postgresOf(db);
  if (postgres) return closePostgresDomain(postgres);
  db.$client.close();
}

/** Answers why the database cannot be used now, or undefined when it answers. */
export async function databaseUnreachable(db: Db): Promise<string | undefined> {
  try {
    const postgres = postgresOf(db);
    if (postgres) await (await postgres.ready).query('SELECT 1');
    else db.$client.prepare('SELECT 1').get();
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

import type { Db } from '../../db/connection';
import { numberPlaceholders, postgresOf, sqliteLikeTypes } from '../../db/postgresDomainDb';

/**
 * Raw SQL for what a test checks behind the public surface (row counts, a stored hash), on whichever
 * database the test context runs: `?` placeholders, values as SQLite returns them (booleans 1/0,
 * JSON as text, counts as numbers), so one assertion holds on both.
 */
export async function queryRows<Row = Record<string, unknown>>(db: Db, text: string, ...params: unknown[]): Promise<Row[]> {
  const postgres = postgresOf(db);
  if (!postgres) return db.$client.prepare(text).all(...params) as Row[];
  const pool = await postgres.ready;
  return (await pool.query({ text: numberPlaceholders(text), values: params, types: sqliteLikeTypes })).rows as Row[];
}

export async function queryRow<Row = Record<string, unknown>>(db: Db, text: string, ...params: unknown[]): Promise<Row | undefined> {
  return (await queryRows<Row>(db, text, ...params))[0];
}

/** Runs a statement that answers no rows (UPDATE, DELETE, INSERT) on either database. */
export async function execute(db: Db, text: string, ...params: unknown[]): Promise<void> {
  const postgres = postgresOf(db);
  if (!postgres) {
    db.$client.prepare(text).run(...params);
    return;
  }
  await (await postgres.ready).query(numberPlaceholders(text), params);
}

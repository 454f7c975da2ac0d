import { AsyncLocalStorage } from 'node:async_hooks';
import { drizzle } from 'drizzle-orm/sqlite-proxy';
import pg from 'pg';
import type { Db } from './connection';
import { migratePostgres, openPostgres, type PostgresOptions } from './postgres';
import * as schema from './schema';

/*
 * The domain's queries on PostgreSQL (ADR 0072). They are written once, against db/schema.ts, and
 * built in SQLite's dialect by drizzle's async "proxy" driver; this module runs them on a pg pool.
 * What makes that sound: db/schema.pg.ts has the same tables with the same row types (checked at
 * compile time), drizzle's SQLite dialect writes standard SQL (double-quoted names, RETURNING,
 * ON CONFLICT), placeholders are renumbered ? → $n, values come back as SQLite's driver gives them
 * (booleans 1/0, JSON as text, 64-bit integers as numbers), and the few SQLite functions the
 * queries use exist in PostgreSQL with the same meaning (db/migrations-pg/0005).
 */

type Unit = { client: pg.PoolClient; active: boolean; depth: number; conflicted: boolean; queue: Promise<unknown> };

type PostgresHandle = {
  /** Resolves to the pool once the database is migrated (rejects with why it cannot be used). */
  ready: Promise<pg.Pool>;
  units: AsyncLocalStorage<Unit>;
  /** Units of this process running again after a conflict go one at a time (the tail of that queue). */
  retries: Promise<void>;
};

const POSTGRES = Symbol.for('seatd.postgres');
type PostgresDomainDb = Db & { [POSTGRES]: PostgresHandle };

/** The PostgreSQL behind a domain database handle, or undefined for SQLite. */
export function postgresOf(db: object): PostgresHandle | undefined {
  return (db as Partial<PostgresDomainDb>)[POSTGRES];
}

const BOOL = 16;
const INT8 = 20;
const NUMERIC = 1700;
const JSON_OID = 114;
const JSONB = 3802;

/** Values as better-sqlite3 returns them, so the SQLite columns' mappers read them unchanged. */
export const sqliteLikeTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === BOOL) return (value: string) => (value === 't' ? 1 : 0);
    if (oid === INT8 || oid === NUMERIC) return (value: string) => Number(value);
    if (oid === JSON_OID || oid === JSONB) return (value: string) => value;
    return pg.types.getTypeParser(oid, format ?? 'text');
  },
} as pg.CustomTypesConfig;

const translated = new Map<string, string>();

/** SQLite's positional `?` as PostgreSQL's `$1, $2, …`, leaving quoted strings and names alone. */
export function numberPlaceholders(text: string): string {
  const known = translated.get(text);
  if (known !== undefined) return known;
  let out = '';
  let n = 0;
  let quote: string | undefined;
  for (const ch of text) {
    if (quote) {
      if (ch === quote) quote = undefined;
      out += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      out += ch;
    } else out += ch === '?' ? `$${++n}` : ch;
  }
  // SQLite accepts the conflict target's columns qualified by their table; PostgreSQL wants them bare
  out = out.replace(/ on conflict \(([^)]*)\)/g, (_, target: string) => ` on conflict (${target.replace(/"[^"]+"\./g, '')})`);
  if (translated.size < 5000) translated.set(text, out);
  return out;
}

/** Serialization failures and deadlocks: the transaction is run again from the start. */
export function isRetryable(error: unknown): boolean {
  for (let e = error as { code?: unknown; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (e.code === '40001' || e.code === '40P01') return true;
  }
  return false;
}

/**
 * A domain database on PostgreSQL: the same `Db` the domain uses on SQLite. Statements run on the
 * pool, or on the connection of the transaction the caller is in (postgresTransaction). Migrations
 * run in the background; the first statement waits for them (databaseReady waits explicitly).
 */
export function openPostgresDomain(url: string | Promise<string>, options: PostgresOptions & { migrate?: boolean } = {}): Db {
  const ready = Promise.resolve(url).then(async (known) => {
    if (options.migrate !== false) {
      const migrator = openPostgres(known, { ...options, poolSize: 1, applicationName: `${options.applicationName ?? 'seatd'} migrate` });
      await migratePostgres(migrator).finally(() => migrator.$client.end());
    }
    return openPostgres(known, options).$client;
  });
  ready.catch(() => {}); // reported to whoever waits on it
  const units = new AsyncLocalStorage<Unit>();
  const run = async (text: string, params: unknown[], method: 'run' | 'all' | 'values' | 'get') => {
    const pool = await ready;
    const unit = units.getStore();
    const query = { text: numberPlaceholders(text), values: params, rowMode: 'array' as const, types: sqliteLikeTypes };
    try {
      const result = unit?.active ? await inTurn(unit, () => unit.client.query(query)) : await pool.query(query);
      if (method === 'run') return { rows: [], changes: result.rowCount ?? 0 };
      if (method === 'get') return { rows: result.rows[0] as unknown[] };
      return { rows: result.rows as unknown[][] };
    } catch (error) {
      if (unit?.active && isRetryable(error)) unit.conflicted = true;
      throw error;
    }
  };
  const db = drizzle(run as never, { schema }) as unknown as PostgresDomainDb;
  db[POSTGRES] = { ready, units, retries: Promise.resolve() };
  return db;
}

/** A unit's statements one after another on its connection, also when the domain starts several at once (Promise.all). */
function inTurn<T>(unit: Unit, statement: () => Promise<T>): Promise<T> {
  const next = unit.queue.then(statement, statement);
  unit.queue = next.catch(() => {});
  return next;
}

const MAX_ATTEMPTS = 12;

/**
 * One all-or-nothing unit on PostgreSQL. A unit on one org's data (`lockOrg`) runs at READ COMMITTED
 * after taking that org's row lock; any other at SERIALIZABLE, so whatever it reads and then writes
 * behaves as if units ran one at a time, as on SQLite. A unit PostgreSQL cannot order (40001) or that
 * deadlocked (40P01) is rolled back and run again after a short random pause. A unit started inside
 * another is a savepoint of it. `work` must be safe to run again: no network I/O.
 */
export async function postgresTransaction<T>(handle: PostgresHandle, work: () => Promise<T>, lockOrg?: string): Promise<T> {
  const outer = handle.units.getStore();
  if (outer?.active) return savepoint(outer, lockOrg ? async () => (await lockOrgRow(outer, lockOrg), work()) : work);
  const pool = await handle.ready;
  for (let attempt = 1; ; attempt++) {
    // A unit that conflicted mostly conflicts with its neighbours again (one hot org): run the
    // retries of this process one after another instead of letting them collide over and over.
    let endTurn = () => {};
    if (attempt > 1) {
      const turn = handle.retries;
      handle.retries = new Promise<void>((resolve) => (endTurn = resolve));
      await turn;
    }
    const client = await pool.connect().catch((error: unknown) => {
      endTurn();
      throw error;
    });
    const unit: Unit = { client, active: true, depth: 0, conflicted: false, queue: Promise.resolve() };
    let broken: Error | undefined;
    try {
      if (lockOrg) {
        await client.query('BEGIN ISOLATION LEVEL READ COMMITTED');
        await lockOrgRow(unit, lockOrg);
      } else await client.query('BEGIN ISOLATION LEVEL SERIALIZABLE');
      const result = await handle.units.run(unit, work);
      await unit.queue;
      unit.active = false;
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await unit.queue;
      unit.active = false;
      await client.query('ROLLBACK').catch((rollbackError: unknown) => {
        broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
      });
      if (!(isRetryable(error) || unit.conflicted) || attempt >= MAX_ATTEMPTS) throw error;
    } finally {
      client.release(broken);
      endTurn();
    }
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 2 * attempt));
  }
}

/**
 * The org's row lock, taken first by a unit of work on one org (orgScoped): such units queue on it
 * and run one at a time, each statement after it seeing what the previous unit committed (READ
 * COMMITTED), so they need no retry; units on other orgs run beside them. FOR NO KEY UPDATE does not
 * block inserts that reference the org (members, invoices).
 */
async function lockOrgRow(unit: Unit, orgId: string): Promise<void> {
  await inTurn(unit, () => unit.client.query('SELECT 1 FROM orgs WHERE id = $1 FOR NO KEY UPDATE', [orgId]));
}

async function savepoint<T>(unit: Unit, work: () => Promise<T>): Promise<T> {
  const name = `seatd_unit_${++unit.depth}`;
  await inTurn(unit, () => unit.client.query(`SAVEPOINT ${name}`));
  try {
    const result = await work();
    await inTurn(unit, () => unit.client.query(`RELEASE SAVEPOINT ${name}`));
    return result;
  } catch (error) {
    if (!unit.conflicted) await inTurn(unit, () => unit.client.query(`ROLLBACK TO SAVEPOINT ${name}`));
    throw error;
  } finally {
    unit.depth--;
  }
}

/**
 * Event sequence numbers in commit order, as SQLite's single writer gives them: a unit recording
 * an event takes this transaction lock first, so units that record events commit one at a time from
 * that point on and a feed reader never passes over a number that commits later (docs/events.md).
 */
export async function lockEventOrder(db: object): Promise<void> {
  const handle = postgresOf(db);
  const unit = handle?.units.getStore();
  if (!unit?.active) return;
  await inTurn(unit, () => unit.client.query('SELECT pg_advisory_xact_lock(495622124645)'));
}

export async function closePostgresDomain(handle: PostgresHandle): Promise<void> {
  const pool = await handle.ready.catch(() => undefined);
  await pool?.end();
}

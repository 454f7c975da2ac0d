import path from 'node:path';
import { sql } from 'drizzle-orm';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import * as schema from './schema.pg';

/*
 * PostgreSQL for several seatd processes on several hosts (ADR 0070, docs/postgresql.md): the pool,
 * its settings and migrations. The domain's statements run through db/postgresDomainDb.ts (ADR 0072).
 */

export type PostgresDb = NodePgDatabase<typeof schema> & { $client: pg.Pool };

export const postgresMigrationsFolder = path.join(__dirname, 'migrations-pg');

export type PostgresOptions = {
  /** Connections this process keeps at most (default 10). */
  poolSize?: number;
  /** A statement running longer is cancelled (ms; default 30 s; 0 = none). */
  statementTimeoutMs?: number;
  /** A session idle inside an open transaction longer is ended, its locks released (ms; default 60 s; 0 = none). */
  idleInTransactionTimeoutMs?: number;
  /** A pooled connection idle this long is closed (ms; default 10 s). */
  idleTimeoutMs?: number;
  /** Shown in pg_stat_activity; also accepted by PgBouncer. */
  applicationName?: string;
  /**
   * How the timeouts reach the server. 'startup' (default) sends them with each new connection;
   * 'server' sends nothing, for poolers that refuse such startup parameters (PgBouncer without
   * ignore_startup_parameters): set them on the role instead (`ALTER ROLE seatd SET statement_timeout = '30s'`).
   */
  timeoutsFrom?: 'startup' | 'server';
  /** An idle connection failed (the server restarted, a pooler closed it); the pool replaces it. */
  onError?: (error: Error) => void;
};

export const POSTGRES_DEFAULTS = {
  poolSize: 10,
  statementTimeoutMs: 30_000,
  idleInTransactionTimeoutMs: 60_000,
  applicationName: 'seatd',
} as const;

/**
 * A drizzle database over a pg.Pool. Connections carry no session state (no SET, no temporary
 * tables, no session advisory locks outside migratePostgres), so it also runs behind PgBouncer in
 * transaction mode.
 */
export function openPostgres(url: string, options: PostgresOptions = {}): PostgresDb {
  const timeouts =
    options.timeoutsFrom === 'server'
      ? {}
      : {
          statement_timeout: options.statementTimeoutMs ?? POSTGRES_DEFAULTS.statementTimeoutMs,
          idle_in_transaction_session_timeout: options.idleInTransactionTimeoutMs ?? POSTGRES_DEFAULTS.idleInTransactionTimeoutMs,
        };
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? POSTGRES_DEFAULTS.poolSize,
    idleTimeoutMillis: options.idleTimeoutMs ?? 10_000,
    application_name: options.applicationName ?? POSTGRES_DEFAULTS.applicationName,
    ...timeouts,
  });
  // Without a listener an idle connection's error would end the process.
  pool.on('error', (error) => options.onError?.(error));
  return drizzle({ client: pool, schema });
}

/** 'seatd' in ASCII: the advisory lock key every seatd process migrates under. */
export const MIGRATION_LOCK_KEY = '495622124644';

/**
 * Applies db/migrations-pg, one process at a time: the others wait on the advisory lock, then find
 * nothing left to do. The lock and the migration share one connection (a session lock), so migrate
 * through a direct connection or a session-mode pooler, not PgBouncer's transaction mode. Refuses a
 * database whose text does not compare as SQLite's does (see assertByteOrderText).
 */
export async function migratePostgres(db: PostgresDb): Promise<void> {
  const client = await db.$client.connect();
  try {
    // Waiting for another process's migration is no runaway statement.
    await client.query('SET statement_timeout = 0');
    await client.query('SELECT pg_advisory_lock($1::bigint)', [MIGRATION_LOCK_KEY]);
    try {
      await assertByteOrderText(drizzle({ client, schema }));
      await migrate(drizzle({ client, schema }), { migrationsFolder: postgresMigrationsFolder });
    } finally {
      await client.query('SELECT pg_advisory_unlock($1::bigint)', [MIGRATION_LOCK_KEY]);
      await client.query('RESET statement_timeout');
    }
    client.release();
  } catch (error) {
    // A connection in an unknown state (lock held, timeout changed) is closed, not pooled.
    client.release(error instanceof Error ? error : true);
    throw error;
  }
}

export class UnsuitableCollation extends Error {
  override name = 'UnsuitableCollation';
}

/**
 * SCIM filters (`gt`, `lt`) and sorting must agree on both backends, and SQLite compares text by
 * bytes and lower-cases ASCII only. A database created with LC_COLLATE and LC_CTYPE 'C' does the
 * same; one with a natural-language collation (en_US.UTF-8, the default of most managed services)
 * does not. Checked by behaviour, so any locale provider that behaves so passes.
 */
export async function assertByteOrderText(db: Pick<PostgresDb, 'execute'>): Promise<void> {
  const result = await db.execute<{ bytewise: boolean; asciiLower: boolean; collate: string; ctype: string }>(sql`
    SELECT ('B' < 'a' AND 'a-b' < 'a_b' AND 'z' < 'É') AS bytewise, lower('ÉA') = 'Éa' AS "asciiLower",
           datcollate AS collate, datctype AS ctype
    FROM pg_database WHERE datname = current_database()`);
  const row = result.rows[0];
  if (row?.bytewise && row.asciiLower) return;
  throw new UnsuitableCollation(
    `the database compares text by its locale (LC_COLLATE ${row?.collate}, LC_CTYPE ${row?.ctype}); seatd needs byte order: ` +
      `CREATE DATABASE seatd TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'`,
  );
}

export async function isPostgresReachable(db: PostgresDb): Promise<boolean> {
  try {
    await db.$client.query('SELECT 1');
    return true;
  } catch {
    return false;
  }
}

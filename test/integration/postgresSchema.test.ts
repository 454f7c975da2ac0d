import fs from 'node:fs';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { asc, eq, getTableName, gt, sql } from 'drizzle-orm';
import { DatabaseError } from 'pg';
import { migrateDatabase, openDatabase } from '../../db/connection';
import { isPostgresReachable, migratePostgres, openPostgres, UnsuitableCollation, type PostgresDb } from '../../db/postgres';
import * as sqliteSchema from '../../db/schema';
import * as pgSchema from '../../db/schema.pg';
import { freshPostgresDatabase, onTestPostgresServer, type FreshPostgresDatabase } from '../support/postgres';

/** Every migration in the folder, each applied exactly once. */
const MIGRATIONS = (
  JSON.parse(fs.readFileSync(path.join(__dirname, '../../db/migrations-pg/meta/_journal.json'), 'utf8')) as { entries: unknown[] }
).entries.length;

const ROOT = path.join(__dirname, '..', '..');
const NOW = '2026-03-01T09:00:00.000Z';

/** The SQLSTATE and message PostgreSQL refused a statement with. */
async function refusal(
  db: PostgresDb,
  statement: string,
  params: unknown[] = [],
): Promise<{ code?: string; message: string; constraint?: string }> {
  try {
    await db.$client.query(statement, params);
  } catch (error) {
    if (error instanceof DatabaseError) return { code: error.code, message: error.message, constraint: error.constraint };
    throw error;
  }
  throw new Error(`not refused: ${statement}`);
}

function migrateInProcesses(url: string, processes: number): Promise<{ ok: boolean; ms?: number; error?: string }[]> {
  const startAt = Date.now() + 2500;
  return Promise.all(
    Array.from(
      { length: processes },
      () =>
        new Promise<{ ok: boolean; ms?: number; error?: string }>((resolve, reject) =>
          execFile(
            process.execPath,
            ['-r', 'tsx/cjs', 'test/support/pgMigrateWorker.ts', url, String(startAt)],
            { cwd: ROOT, timeout: 60_000 },
            (err, stdout, stderr) => {
              if (err) return reject(new Error(`worker failed: ${err.message}\n${stderr}`));
              resolve(JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as { ok: boolean; ms?: number; error?: string });
            },
          ),
        ),
    ),
  );
}

async function appliedMigrations(db: PostgresDb): Promise<number> {
  const { rows } = await db.$client.query<{ n: string }>('SELECT count(*) AS n FROM drizzle.__drizzle_migrations');
  return Number(rows[0]?.n);
}

describe('migrations on an empty database', () => {
  const databases: FreshPostgresDatabase[] = [];
  afterAll(() => Promise.all(databases.map((d) => d.drop())));

  it('apply every migration once, and find nothing to do the second time', async () => {
    const database = await freshPostgresDatabase({ empty: true });
    databases.push(database);
    const db = openPostgres(database.url, { poolSize: 2 });
    try {
      expect(await isPostgresReachable(db)).toBe(true);
      await migratePostgres(db);
      await migratePostgres(db);
      expect(await appliedMigrations(db)).toBe(MIGRATIONS);
      const { rows } = await db.$client.query<{ table_name: string }>(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
      );
      const tables = Object.values(pgSchema).map((t) => getTableName(t));
      expect(rows.map((r) => r.table_name)).toEqual([...tables].sort());
      expect(await db.select().from(pgSchema.eventRetention)).toEqual([{ id: 1, deletedThrough: 0 }]);
    } finally {
      await db.$client.end();
    }
  });

  it('apply once when four processes start at once: the others wait on the advisory lock', async () => {
    const database = await freshPostgresDatabase({ empty: true });
    databases.push(database);
    const outcomes = await migrateInProcesses(database.url, 4);
    expect(outcomes).toEqual(Array.from({ length: 4 }, () => expect.objectContaining({ ok: true })));
    const db = openPostgres(database.url, { poolSize: 1 });
    try {
      expect(await appliedMigrations(db)).toBe(MIGRATIONS);
      expect(await db.select().from(pgSchema.eventRetention)).toEqual([{ id: 1, deletedThrough: 0 }]);
    } finally {
      await db.$client.end();
    }
  });

  it('apply once when four connections of one process migrate together', async () => {
    const database = await freshPostgresDatabase({ empty: true });
    databases.push(database);
    const dbs = Array.from({ length: 4 }, () => openPostgres(database.url, { poolSize: 1 }));
    try {
      await Promise.all(dbs.map((db) => migratePostgres(db)));
      expect(await appliedMigrations(dbs[0]!)).toBe(MIGRATIONS);
    } finally {
      await Promise.all(dbs.map((db) => db.$client.end()));
    }
  });

  it('refuse a database whose text follows a locale, before creating anything', async () => {
    const name = `seatd_test_locale_${process.pid}`;
    const url = await onTestPostgresServer(async (client, urlOf) => {
      await client.query(`DROP DATABASE IF EXISTS ${name}`);
      // C.utf8 sorts by code point (as bytes do) but lower-cases beyond ASCII, as SQLite does not
      await client.query(`CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.utf8' LC_CTYPE 'C.utf8'`);
      return urlOf(name);
    });
    const db = openPostgres(url, { poolSize: 1 });
    try {
      await expect(migratePostgres(db)).rejects.toThrow(UnsuitableCollation);
      await expect(migratePostgres(db)).rejects.toThrow(/LC_CTYPE C\.utf8.*LC_COLLATE 'C' LC_CTYPE 'C'/);
      const { rows } = await db.$client.query("SELECT 1 FROM information_schema.tables WHERE table_schema = 'public'");
      expect(rows).toEqual([]);
    } finally {
      await db.$client.end();
      await onTestPostgresServer((client) => client.query(`DROP DATABASE ${name} WITH (FORCE)`));
    }
  });
});

describe('the migrated schema', () => {
  let database: FreshPostgresDatabase;
  let db: PostgresDb;

  beforeAll(async () => {
    database = await freshPostgresDatabase();
    db = openPostgres(database.url, { poolSize: 4, statementTimeoutMs: 10_000, applicationName: 'seatd-schema-test' });
    await db.insert(pgSchema.orgs).values({ id: 'org_1', name: 'Acme', provisioningMode: 'scim', createdAt: NOW });
  });
  afterAll(async () => {
    await db.$client.end();
    await database.drop();
  });

  it('sends the pool options with each connection', async () => {
    const { rows } = await db.$client.query<{ statement_timeout: string; idle: string; app: string }>(
      "SELECT current_setting('statement_timeout') AS statement_timeout, current_setting('idle_in_transaction_session_timeout') AS idle, current_setting('application_name') AS app",
    );
    expect(rows[0]).toEqual({ statement_timeout: '10s', idle: '1min', app: 'seatd-schema-test' });
  });

  it("sends no timeouts with timeoutsFrom 'server' (a pooler that refuses them): the role's apply", async () => {
    const role = `seatd_role_${process.pid}`;
    await db.$client.query(`CREATE ROLE ${role} LOGIN PASSWORD 'pw'`);
    await db.$client.query(`ALTER ROLE ${role} SET statement_timeout = '7s'`);
    const url = new URL(database.url);
    url.username = role;
    url.password = 'pw';
    const viaRole = openPostgres(url.toString(), { poolSize: 1, timeoutsFrom: 'server', statementTimeoutMs: 1000 });
    try {
      const { rows } = await viaRole.$client.query<{ statement_timeout: string; idle: string }>(
        "SELECT current_setting('statement_timeout') AS statement_timeout, current_setting('idle_in_transaction_session_timeout') AS idle",
      );
      expect(rows[0]).toEqual({ statement_timeout: '7s', idle: '0' });
    } finally {
      await viaRole.$client.end();
      await db.$client.query(`DROP ROLE ${role}`);
    }
  });

  it('reads rows with the types of the SQLite schema: booleans, JSON, numbers from bigint', async () => {
    await db.insert(pgSchema.contracts).values({
      id: 'ctr_1',
      orgId: 'org_1',
      termStart: '2026-01-01',
      termMonths: 12,
      autoRenew: true,
      currency: 'USD',
      standardPriceAmount: 100_000_000,
      premiumPriceAmount: 100_000_000,
      createdAt: NOW,
    });
    const [contract] = await db.select().from(pgSchema.contracts).where(eq(pgSchema.contracts.id, 'ctr_1'));
    expect(contract?.autoRenew).toBe(true);
    const [org] = await db.select().from(pgSchema.orgs);
    expect(org).toMatchObject({ groupSeatTypes: {}, alertThresholds: [90, 100], webhookUrl: null });
    await db.insert(pgSchema.opRecords).values({ model: 'Session', id: 's1', payload: { a: [1] }, expiresAt: 1_900_000_000_000 });
    const [record] = await db.select().from(pgSchema.opRecords);
    expect(record).toEqual({ model: 'Session', id: 's1', payload: { a: [1] }, grantId: null, uid: null, expiresAt: 1_900_000_000_000 });
  });

  it('refuses UPDATE, DELETE and TRUNCATE of the ledger, invoices and the audit log', async () => {
    await db.insert(pgSchema.invoices).values({
      id: 'inv_1',
      orgId: 'org_1',
      number: 'INV-2026-0001',
      issuedAt: NOW,
      effectiveDate: '2026-03-01',
      remainingMonths: 10,
      currency: 'USD',
      totalAmount: 100_000_000_000_000,
      idempotencyKey: 'k1',
      requestHash: 'h',
      createdBy: 'test',
    });
    await db.insert(pgSchema.invoiceLines).values({
      invoiceId: 'inv_1',
      position: 1,
      kind: 'add',
      seatType: 'standard',
      quantity: 1_000_000,
      unitAmount: 100_000_000,
      amount: 100_000_000_000_000,
      description: 'seats',
    });
    await db.insert(pgSchema.seatLedgerEntries).values({
      orgId: 'org_1',
      kind: 'add',
      seatType: 'standard',
      purchasedDelta: 1,
      invoiceId: 'inv_1',
      effectiveDate: '2026-03-01',
      createdAt: NOW,
    });
    await db
      .insert(pgSchema.auditLog)
      .values({ orgId: 'org_1', at: NOW, actor: 'test', action: 'x', outcome: 'success', details: { a: 1 } });
    const [invoice] = await db.select().from(pgSchema.invoices);
    expect(invoice?.totalAmount).toBe(100_000_000_000_000);

    const guarded = [
      ['invoices', 'total_amount = 0', 'invoices are immutable'],
      ['invoice_lines', 'amount = 0', 'invoice lines are immutable'],
      ['seat_ledger_entries', 'purchased_delta = 2', 'seat ledger entries are append-only'],
      ['audit_log', "actor = 'someone else'", 'the audit log is append-only'],
    ] as const;
    for (const [table, change, message] of guarded) {
      expect(await refusal(db, `UPDATE ${table} SET ${change}`)).toMatchObject({ message });
      expect(await refusal(db, `DELETE FROM ${table}`)).toMatchObject({ message });
      expect(await refusal(db, `TRUNCATE ${table} CASCADE`)).toMatchObject({ message });
    }
    const { rows } = await db.$client.query<{ n: string }>(
      'SELECT (SELECT count(*) FROM invoices) + (SELECT count(*) FROM invoice_lines) + (SELECT count(*) FROM seat_ledger_entries) + (SELECT count(*) FROM audit_log) AS n',
    );
    expect(rows[0]?.n).toBe('4');
  });

  it('refuses rewriting an event; the retention sweep deletes them', async () => {
    await db
      .insert(pgSchema.events)
      .values({ id: 'evt_1', type: 'member.created', orgId: 'org_1', occurredAt: NOW, actor: { type: 'system', id: null }, data: {} });
    expect(await refusal(db, "UPDATE events SET type = 'other'")).toMatchObject({ message: 'events are append-only' });
    await db.delete(pgSchema.events).where(eq(pgSchema.events.id, 'evt_1'));
    expect(await db.select().from(pgSchema.events)).toEqual([]);
  });

  it("records each event's transaction, the same for events of one transaction, later for a later one", async () => {
    const event = (id: string) => ({ id, type: 't', orgId: 'org_1', occurredAt: NOW, actor: { type: 'system', id: null }, data: {} });
    await db.transaction(async (tx) => {
      await tx.insert(pgSchema.events).values(event('evt_a'));
      await tx.insert(pgSchema.events).values(event('evt_b'));
    });
    await db.insert(pgSchema.events).values(event('evt_c'));
    const rows = await db
      .select({ id: pgSchema.events.id, seq: pgSchema.events.seq, xactId: pgSchema.events.xactId })
      .from(pgSchema.events)
      .orderBy(asc(pgSchema.events.seq));
    expect(rows.map((r) => r.id)).toEqual(['evt_a', 'evt_b', 'evt_c']);
    const [a, b, c] = rows;
    expect(a?.xactId).toBe(b?.xactId);
    expect(c!.xactId).toBeGreaterThan(a!.xactId);
    // each recorded id is a real transaction, committed and so visible to a snapshot taken now (the horizon,
    // pg_snapshot_xmin, is the whole server's: other test files' transactions may hold it back)
    const { rows: visible } = await db.$client.query<{ n: string }>(
      'SELECT count(*) AS n FROM events WHERE pg_visible_in_snapshot((xact_id::text)::xid8, pg_current_snapshot())',
    );
    expect(visible[0]?.n).toBe('3');
  });

  it('refuses to oversell a pool: the conditional UPDATE takes nothing, the CHECK refuses a blind one', async () => {
    await db.insert(pgSchema.seatPools).values({ orgId: 'org_1', seatType: 'premium', purchased: 2, assigned: 2 });
    const take = await db.$client.query(
      "UPDATE seat_pools SET assigned = assigned + 1 WHERE org_id = 'org_1' AND seat_type = 'premium' AND assigned < purchased RETURNING assigned",
    );
    expect(take.rowCount).toBe(0);
    expect(
      await refusal(db, "UPDATE seat_pools SET assigned = assigned + 1 WHERE org_id = 'org_1' AND seat_type = 'premium'"),
    ).toMatchObject({
      code: '23514',
      constraint: 'seat_pools_assigned_within_purchased',
    });
    expect(await refusal(db, "UPDATE seat_pools SET assigned = -1 WHERE org_id = 'org_1' AND seat_type = 'premium'")).toMatchObject({
      code: '23514',
    });
  });

  it('sorts, compares and lower-cases text as SQLite does (bytes; ASCII case only)', async () => {
    const names = [
      'b',
      'B',
      'a',
      'A',
      'a_b',
      'a-b',
      'a b',
      'aB',
      'Ab',
      'ab',
      'Z',
      'z',
      'é',
      'É',
      'e',
      'ß',
      'Ω',
      'ø',
      '日本',
      '😀',
      '~',
      '0',
      '9',
      'ä',
      'a\u0301',
      'ǆ',
    ];
    const rows = names.map((displayName, i) => ({ id: `grp_${i}`, orgId: 'org_1', displayName, createdAt: NOW, updatedAt: NOW }));
    await db.insert(pgSchema.scimGroups).values(rows);

    const sqlite = openDatabase(':memory:');
    migrateDatabase(sqlite);
    try {
      sqlite.insert(sqliteSchema.orgs).values({ id: 'org_1', name: 'Acme', provisioningMode: 'scim', createdAt: NOW }).run();
      sqlite.insert(sqliteSchema.scimGroups).values(rows).run();

      const sqliteOrder = sqlite
        .select({ n: sqliteSchema.scimGroups.displayName })
        .from(sqliteSchema.scimGroups)
        .orderBy(asc(sqliteSchema.scimGroups.displayName))
        .all();
      const pgOrder = await db
        .select({ n: pgSchema.scimGroups.displayName })
        .from(pgSchema.scimGroups)
        .orderBy(asc(pgSchema.scimGroups.displayName));
      const byBytes = [...names].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
      expect(pgOrder.map((r) => r.n)).toEqual(byBytes);
      expect(sqliteOrder.map((r) => r.n)).toEqual(byBytes);

      for (const bound of ['a', 'a-b', 'B', 'é', 'Z']) {
        const sqliteAbove = sqlite
          .select({ n: sqliteSchema.scimGroups.displayName })
          .from(sqliteSchema.scimGroups)
          .where(gt(sqliteSchema.scimGroups.displayName, bound))
          .all();
        const pgAbove = await db
          .select({ n: pgSchema.scimGroups.displayName })
          .from(pgSchema.scimGroups)
          .where(gt(pgSchema.scimGroups.displayName, bound));
        expect(pgAbove.map((r) => r.n).sort()).toEqual(sqliteAbove.map((r) => r.n).sort());
      }

      const lowerSqlite = sqlite
        .select({ id: sqliteSchema.scimGroups.id, l: sql<string>`lower(${sqliteSchema.scimGroups.displayName})` })
        .from(sqliteSchema.scimGroups)
        .all();
      const lowerPg = await db
        .select({ id: pgSchema.scimGroups.id, l: sql<string>`lower(${pgSchema.scimGroups.displayName})` })
        .from(pgSchema.scimGroups);
      const byId = (r: { id: string }[]) => [...r].sort((x, y) => x.id.localeCompare(y.id));
      expect(byId(lowerPg)).toEqual(byId(lowerSqlite));
      expect(lowerPg.find((r) => r.id === 'grp_13')?.l).toBe('É');
    } finally {
      sqlite.$client.close();
    }
  });

  it('holds a userName unique without regard to ASCII case, in the org (the lower() index)', async () => {
    const member = (id: string, email: string, userName: string) => ({
      id,
      orgId: 'org_1',
      email,
      userName,
      role: 'member' as const,
      status: 'active' as const,
      seatType: 'standard' as const,
      source: 'scim' as const,
      createdAt: NOW,
      updatedAt: NOW,
    });
    await db.insert(pgSchema.members).values(member('mem_1', 'jane@acme.com', 'Jane@Acme.com'));
    expect(
      await refusal(
        db,
        "INSERT INTO members (id, org_id, email, user_name, role, status, seat_type, source, created_at, updated_at) VALUES ('mem_2', 'org_1', 'j2@acme.com', 'JANE@acme.COM', 'member', 'active', 'standard', 'scim', $1, $1)",
        [NOW],
      ),
    ).toMatchObject({
      code: '23505',
      constraint: 'members_org_user_name_unique',
    });
  });
});

/*
 * SCIM benchmark: prints numbers, asserts nothing. Run with `npm run bench`.
 *  1. POST /Users throughput next to a bare Express handler doing one SQLite insert (same machine, same run).
 *  2. filter=userName eq "…" latency with 1k and with 100k users in the org.
 *  3. Paging latency at startIndex 1 and at startIndex 90,000 (100k users).
 *  4. Group PATCH latency, adding and removing one member of a 5,000-member group (no target; Entra and
 *     Okta push memberships this way).
 *  5. Seat purchase latency (POST /seats/purchases, one invoice each, sequential), with few and with 300k invoices.
 * BENCH_SYNCHRONOUS=NORMAL runs it all with SQLite's synchronous=NORMAL instead of seatd's FULL, for comparison.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { createServerApp } from '../src/main';
import { createGroupCommit, reactToEvents } from '../src/composition';
import { committed, type DomainContext } from '../src/domain/context';
import { createLogger } from '../src/logger';
import { migrateDatabase, openDatabase } from '../db/connection';
import { systemClock } from '../src/domain/clock';
import { createToken } from '../src/domain/orgs/tokens';
import { agent, call, latency, listen, orgMaker, portOf, scimUser, startBareInsert, throughput } from './benchSupport';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seatd-bench-'));

/** Seeds invoices of this year straight into the table and advances the year's counter past them: the fixture only. */
function seedInvoices(file: string, orgId: string, count: number): void {
  const db = new Database(file);
  const at = new Date().toISOString();
  const prefix = `INV-${new Date().getUTCFullYear()}-`;
  const last = (db.prepare('SELECT last FROM invoice_counters WHERE prefix = ?').get(prefix) as { last: number } | undefined)?.last ?? 0;
  const insert = db.prepare(
    "INSERT INTO invoices (id, org_id, number, issued_at, effective_date, remaining_months, currency, total_amount, idempotency_key, request_hash, created_by) VALUES (?, ?, ?, ?, ?, 1, 'USD', 100, ?, 'seed', 'bench')",
  );
  db.transaction(() => {
    for (let i = 1; i <= count; i++)
      insert.run(`inv_seed${i}`, orgId, `${prefix}${String(last + i).padStart(6, '0')}`, at, at.slice(0, 10), `seed-${i}`);
    db.prepare('INSERT INTO invoice_counters (prefix, last) VALUES (?, ?) ON CONFLICT (prefix) DO UPDATE SET last = excluded.last').run(
      prefix,
      last + count,
    );
  })();
  db.close();
}

/** Seeds users straight into the tables in one transaction: only the benchmark's fixture, never the product's path. */
function seedUsers(file: string, orgId: string, domain: string, count: number): void {
  const db = new Database(file);
  const now = new Date().toISOString();
  const insert = db.prepare(
    "INSERT INTO members (id, org_id, email, role, status, seat_type, source, given_name, family_name, version, created_at, updated_at) VALUES (?, ?, ?, 'member', 'active', 'standard', 'scim', ?, ?, 1, ?, ?)",
  );
  db.transaction(() => {
    for (let i = 0; i < count; i++)
      insert.run(
        `mem_seed${orgId.slice(-6)}${String(i).padStart(8, '0')}`,
        orgId,
        `user${i}@${domain}`,
        `Given${i}`,
        `Family${i}`,
        now,
        now,
      );
    db.prepare("UPDATE seat_pools SET assigned = assigned + ? WHERE org_id = ? AND seat_type = 'standard'").run(count, orgId);
  })();
  db.close();
}

async function main() {
  console.log(`seatd SCIM benchmark — node ${process.version}, ${os.cpus().length} cores, ${os.cpus()[0]?.model ?? ''}`);
  const file = path.join(dir, 'bench.db');
  const db = openDatabase(file);
  if (process.env.BENCH_SYNCHRONOUS) db.$client.pragma(`synchronous = ${process.env.BENCH_SYNCHRONOUS === 'NORMAL' ? 'NORMAL' : 'FULL'}`);
  console.log(`SQLite synchronous=${db.$client.pragma('synchronous', { simple: true }) === 2 ? 'FULL' : 'NORMAL'}`);
  migrateDatabase(db);
  const logger = createLogger('silent');
  // as `seatd serve` runs: group commit on (CLI-style seeding below commits as it goes, before the server starts)
  const ctx: DomainContext = { db, clock: systemClock, mailer: { send: async () => {} }, publicUrl: 'http://bench.local' };
  reactToEvents(ctx); // as openDomainContext wires it: alerts react to events
  const makeOrg = orgMaker(ctx);

  ctx.groupCommit = createGroupCommit(db, logger);
  const served = createServerApp(
    ctx,
    { operatorToken: undefined, publicUrl: ctx.publicUrl, metricsToken: undefined, alertDeliverySeconds: 5 },
    logger,
  );
  const seatdServer = await listen(served.app);
  const port = portOf(seatdServer);

  // 1. throughput, next to a bare handler on its own table in the same file
  const bareServer = await startBareInsert(db);
  const barePort = portOf(bareServer);
  const N = Number(process.env.BENCH_CREATES ?? 2000);
  const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
  const writer = await makeOrg('writer', N * ROUNDS + 10);
  const warm = await makeOrg('warm', 2010);
  const user = scimUser;
  await throughput('warm-up (bare)', 2000, 8, (i) => call(barePort, 'POST', '/Users', 'x', user(i, 'warm.bench')));
  await throughput('warm-up (seatd)', 2000, 8, (i) => call(port, 'POST', '/scim/v2/Users', warm.token, user(i, warm.domain)));
  // Rounds alternate so that a slow spell of a shared machine hits both sides; the median ratio is reported.
  const ratios: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const bareRate = await throughput(`bare Express + one SQLite insert (round ${round + 1})`, N, 8, (i) =>
      call(barePort, 'POST', '/Users', 'x', user(round * N + i, 'bare.bench')),
    );
    const scimRate = await throughput(`seatd POST /scim/v2/Users (round ${round + 1})`, N, 8, (i) =>
      call(port, 'POST', '/scim/v2/Users', writer.token, user(round * N + i, writer.domain)),
    );
    ratios.push(scimRate / bareRate);
  }
  ratios.sort((a, b) => a - b);
  const median = ratios[Math.floor(ratios.length / 2)]!;
  console.log(
    `→ seatd reaches ${(median * 100).toFixed(0)}% of the bare handler, median of ${ROUNDS} rounds (${ratios.map((r) => `${(r * 100).toFixed(0)}%`).join(', ')}; target ≥ 50%)\n`,
  );

  // 2. filter latency, 1k vs 100k users
  const small = await makeOrg('small', 1_100);
  const big = await makeOrg('big', 100_100);
  await committed(ctx); // the seeding below writes through a connection of its own
  seedUsers(file, small.id, small.domain, 1_000);
  seedUsers(file, big.id, big.domain, 100_000);
  db.$client.exec('ANALYZE');
  const filterOf = (domain: string, i: number) => `/scim/v2/Users?filter=${encodeURIComponent(`userName eq "user${i}@${domain}"`)}`;
  let k = 0;
  const f1k = await latency('filter userName eq, 1k users', 400, () => call(port, 'GET', filterOf(small.domain, k++ % 1000), small.token));
  const f100k = await latency('filter userName eq, 100k users', 400, () =>
    call(port, 'GET', filterOf(big.domain, (k++ * 7919) % 100_000), big.token),
  );
  console.log(`→ 100k / 1k = ${(f100k / f1k).toFixed(2)}× (target ≤ 2×)\n`);

  // 3. paging at the start and deep in the 100k org
  const p1 = await latency('page startIndex=1 count=100, 100k users', 100, () =>
    call(port, 'GET', '/scim/v2/Users?startIndex=1&count=100', big.token),
  );
  const p90k = await latency('page startIndex=90000 count=100, 100k users', 100, () =>
    call(port, 'GET', '/scim/v2/Users?startIndex=90000&count=100', big.token),
  );
  console.log(`→ deep / first page = ${(p90k / p1).toFixed(2)}× (target ≤ 2×)\n`);

  // 4. group PATCH on a large group: a delta, not a rewrite of the membership
  const seeded = (i: number) => `mem_seed${big.id.slice(-6)}${String(i).padStart(8, '0')}`;
  const groupId = await new Promise<string>((resolve, reject) => {
    const payload = JSON.stringify({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
      displayName: 'Everyone',
      members: Array.from({ length: 5000 }, (_, i) => ({ value: seeded(i) })),
    });
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/scim/v2/Groups',
        agent,
        headers: {
          Authorization: `Bearer ${big.token}`,
          'Content-Type': 'application/scim+json',
          'Content-Length': Buffer.byteLength(payload),
        },
      },
      (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => (res.statusCode === 201 ? resolve(JSON.parse(body).id) : reject(new Error(`group create: ${res.statusCode}`))));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
  const memberPatch = (op: string, i: number) => ({
    schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
    Operations: [
      op === 'add'
        ? { op: 'add', path: 'members', value: [{ value: seeded(i) }] }
        : { op: 'remove', path: `members[value eq "${seeded(i)}"]` },
    ],
  });
  let g = 0;
  await latency('group PATCH add one member (5,000 members)', 200, async () => {
    const status = await call(port, 'PATCH', `/scim/v2/Groups/${groupId}`, big.token, memberPatch('add', 5000 + g++));
    return status === 204 ? 200 : status;
  });
  g = 0;
  await latency('group PATCH remove one member (5,000 members)', 200, async () => {
    const status = await call(port, 'PATCH', `/scim/v2/Groups/${groupId}`, big.token, memberPatch('remove', g++));
    return status === 204 ? 200 : status;
  });

  // 5. purchases: each one an invoice, ledger entries and pools in one transaction, acknowledged once committed
  const buyer = await makeOrg('buyer', 10);
  const ownerToken = (await createToken(ctx, buyer.id, { kind: 'api', role: 'owner', label: 'bench' }, { actor: 'bench', role: 'owner' }))
    .token;
  let p = 0;
  const purchase = async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const payload = JSON.stringify({ add: { standard: 1, premium: 0 } });
      const req = http.request(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: `/api/v1/orgs/${buyer.id}/seats/purchases`,
          agent,
          headers: {
            Authorization: `Bearer ${ownerToken}`,
            'Content-Type': 'application/json',
            'Content-Length': Buffer.byteLength(payload),
            'Idempotency-Key': `bench-${p++}`,
          },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
    return status === 201 ? 200 : status;
  };
  const fewInvoices = await latency('POST /seats/purchases (one seat, own key each)', 300, purchase);
  await committed(ctx);
  const INVOICES = Number(process.env.BENCH_INVOICES ?? 300_000);
  seedInvoices(file, buyer.id, INVOICES);
  const manyInvoices = await latency(`  … with ${INVOICES.toLocaleString('en')} more invoices in the database`, 300, purchase);
  console.log(`→ ${(manyInvoices / fewInvoices).toFixed(2)}× with ${INVOICES.toLocaleString('en')} invoices (target: flat)\n`);

  agent.destroy();
  await served.deliveries.stop();
  await new Promise<void>((r) => seatdServer.close(() => r()));
  await new Promise<void>((r) => bareServer.close(() => r()));
  db.$client.close();
  fs.rmSync(dir, { recursive: true, force: true });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

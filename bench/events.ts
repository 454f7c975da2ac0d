/*
 * Events benchmark: prints numbers, asserts nothing. Run with `npm run bench` (after bench/scim.ts) or
 * `LOG_LEVEL=silent node -r tsx/cjs bench/events.ts`.
 *  1. SCIM POST /Users throughput with events recorded, with event recording switched off (a
 *     benchmark-only trigger that drops the insert), and a bare Express handler doing one SQLite
 *     insert — same run, rounds alternating. The target: events cost at most 10%.
 *  2. Feed read throughput: a consumer catching up on 100,000 events with GET /api/v1/events.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import Database from 'better-sqlite3';
import express from 'express';
import { createServerApp } from '../src/main';
import { createGroupCommit, reactToEvents } from '../src/composition';
import { committed, type DomainContext } from '../src/domain/context';
import { createLogger } from '../src/logger';
import { migrateDatabase, openDatabase } from '../db/connection';
import { systemClock } from '../src/domain/clock';
import { createOrg } from '../src/domain/onboarding/onboarding';
import { createToken } from '../src/domain/orgs/tokens';
import { updateProvisioningSettings } from '../src/domain/provisioning/settings';

const OPERATOR = 'bench-operator-token-0123456789';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seatd-bench-events-'));
const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });

function call(port: number, method: string, pathname: string, token: string, body?: unknown): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method,
        path: pathname,
        agent,
        headers: {
          Authorization: `Bearer ${token}`,
          ...(payload ? { 'Content-Type': 'application/scim+json', 'Content-Length': Buffer.byteLength(payload) } : {}),
        },
      },
      (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

async function throughput(label: string, n: number, concurrency: number, one: (i: number) => Promise<number>): Promise<number> {
  let next = 0;
  let failures = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) if ((await one(next++)) >= 300) failures++;
    }),
  );
  const rate = n / (Number(process.hrtime.bigint() - started) / 1e9);
  console.log(`${label.padEnd(52)} ${rate.toFixed(0).padStart(7)} req/s  (${n} requests, concurrency ${concurrency}, ${failures} failed)`);
  return rate;
}

const listen = (app: express.Express) =>
  new Promise<http.Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
const portOf = (s: http.Server) => (s.address() as AddressInfo).port;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main() {
  console.log(`seatd events benchmark — node ${process.version}, ${os.cpus().length} cores, ${os.cpus()[0]?.model ?? ''}`);
  const file = path.join(dir, 'bench.db');
  const db = openDatabase(file);
  migrateDatabase(db);
  const logger = createLogger('silent');
  const ctx: DomainContext = { db, clock: systemClock, mailer: { send: async () => {} }, publicUrl: 'http://bench.local' };
  reactToEvents(ctx);
  const makeOrg = async (name: string, seats: number) => {
    const domain = `${name}.bench`;
    const org = await createOrg(
      ctx,
      {
        name,
        domains: [domain],
        primaryOwnerEmail: `owner@${domain}`,
        provisioningMode: 'scim',
        contract: {
          termStart: new Date().toISOString().slice(0, 10),
          currency: 'USD',
          prices: { standard: 1000, premium: 2000 },
          seats: { standard: seats, premium: 0 },
        },
      },
      'bench',
    );
    updateProvisioningSettings(ctx, org.id, { mode: 'scim' }, { actor: 'bench', role: 'owner' });
    return {
      id: org.id,
      domain,
      token: createToken(ctx, org.id, { kind: 'scim', role: null, label: 'bench' }, { actor: 'bench', role: 'owner' }).token,
    };
  };

  ctx.groupCommit = createGroupCommit(db, logger);
  const served = createServerApp(
    ctx,
    { operatorToken: OPERATOR, publicUrl: ctx.publicUrl, metricsToken: undefined, alertDeliverySeconds: 5 },
    logger,
  );
  const port = portOf(await listen(served.app));
  const bare = express();
  bare.use(express.json({ type: ['application/json', 'application/scim+json'] }));
  db.$client.exec('CREATE TABLE IF NOT EXISTS bench_bare (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
  const bareInsert = db.$client.prepare('INSERT INTO bench_bare (body) VALUES (?)');
  bare.post('/Users', (req, res) => {
    bareInsert.run(JSON.stringify(req.body));
    res.status(201).json({ id: 1 });
  });
  const barePort = portOf(await listen(bare));

  // 1. the cost of recording an event with every SCIM create
  const N = Number(process.env.BENCH_CREATES ?? 2000);
  const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
  const withEvents = await makeOrg('with-events', N * ROUNDS + 2100);
  const without = await makeOrg('without-events', N * ROUNDS + 10);
  const user = (i: number, domain: string) => ({
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    userName: `u${i}@${domain}`,
    name: { givenName: 'U', familyName: String(i) },
    emails: [{ value: `u${i}@${domain}`, type: 'work', primary: true }],
    active: true,
  });
  // benchmark only: SQLite drops the event insert (the event is still built and its consumers run)
  const eventsOff = (off: boolean) =>
    db.$client.exec(
      off ? 'CREATE TRIGGER bench_no_events BEFORE INSERT ON events BEGIN SELECT RAISE(IGNORE); END' : 'DROP TRIGGER bench_no_events',
    );
  await throughput('warm-up (seatd)', 2000, 8, (i) =>
    call(port, 'POST', '/scim/v2/Users', withEvents.token, user(i + N * ROUNDS, withEvents.domain)).then((r) => r.status),
  );
  const costs: number[] = [];
  const ofBare: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const bareRate = await throughput(`bare Express + one SQLite insert (round ${round + 1})`, N, 8, (i) =>
      call(barePort, 'POST', '/Users', 'x', user(round * N + i, 'bare.bench')).then((r) => r.status),
    );
    await committed(ctx);
    eventsOff(true);
    const offRate = await throughput(`seatd POST /Users, events off (round ${round + 1})`, N, 8, (i) =>
      call(port, 'POST', '/scim/v2/Users', without.token, user(round * N + i, without.domain)).then((r) => r.status),
    );
    await committed(ctx);
    eventsOff(false);
    const onRate = await throughput(`seatd POST /Users, events recorded (round ${round + 1})`, N, 8, (i) =>
      call(port, 'POST', '/scim/v2/Users', withEvents.token, user(round * N + i, withEvents.domain)).then((r) => r.status),
    );
    costs.push(1 - onRate / offRate);
    ofBare.push(onRate / bareRate);
  }
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  console.log(
    `→ recording events costs ${pct(median(costs))} of SCIM create throughput, median of ${ROUNDS} rounds (${costs.map(pct).join(', ')}; target ≤ 10%)`,
  );
  console.log(`→ seatd with events reaches ${pct(median(ofBare))} of the bare handler (median)\n`);

  // 2. a consumer catching up on 100k events
  const TOTAL = Number(process.env.BENCH_FEED_EVENTS ?? 100_000);
  await committed(ctx);
  const seeded = new Database(file);
  const sample = seeded.prepare("SELECT type, org_id, actor, data FROM events WHERE type = 'member.created' LIMIT 1").get() as Record<
    string,
    string
  >;
  const before = (seeded.prepare('SELECT max(seq) AS seq FROM events').get() as { seq: number }).seq;
  const insert = seeded.prepare('INSERT INTO events (id, type, org_id, occurred_at, actor, data) VALUES (?, ?, ?, ?, ?, ?)');
  const at = new Date().toISOString();
  seeded.transaction(() => {
    for (let i = 0; i < TOTAL; i++)
      insert.run(`evt_bench${String(i).padStart(12, '0')}`, sample.type, sample.org_id, at, sample.actor, sample.data);
  })();
  seeded.close();
  for (const limit of [100, 1000]) {
    let cursor = String(before);
    let read = 0;
    const started = process.hrtime.bigint();
    for (;;) {
      const page = await call(port, 'GET', `/api/v1/events?after=${cursor}&limit=${limit}`, OPERATOR);
      const { data, nextCursor } = JSON.parse(page.body) as { data: unknown[]; nextCursor: string };
      if (!data.length) break;
      read += data.length;
      cursor = nextCursor;
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    console.log(
      `feed catch-up, ${read} events, limit=${limit}`.padEnd(52) +
        ` ${(read / seconds).toFixed(0).padStart(7)} events/s  (${seconds.toFixed(2)} s)`,
    );
  }

  await served.deliveries.stop();
  agent.destroy();
  process.exit(0);
}

main()
  .catch((err) => {
    console.error(err);
    process.exit(1);
  })
  .finally(() => fs.rmSync(dir, { recursive: true, force: true }));

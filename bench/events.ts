/*
 * Events benchmark: prints numbers, asserts nothing. Run with `npm run bench` (after bench/scim.ts) or
 * `LOG_LEVEL=silent node -r tsx/cjs bench/events.ts`.
 *  1. SCIM POST /Users throughput with events recorded, with event recording switched off (a
 *     benchmark-only trigger that drops the insert), and a bare Express handler doing one SQLite
 *     insert — same run, rounds alternating. The target: events cost at most 10%.
 *     Then the same without HTTP: the domain's SCIM create alone, with and without the event insert.
 *  2. Feed read throughput: a consumer catching up on 100,000 events with GET /api/v1/events.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { createServerApp } from '../src/main';
import { createGroupCommit, reactToEvents } from '../src/composition';
import { committed, type DomainContext } from '../src/domain/context';
import { createLogger } from '../src/logger';
import { migrateDatabase, openDatabase } from '../db/connection';
import { systemClock } from '../src/domain/clock';
import { provisionScimUser } from '../src/domain/provisioning/scimProvisioning';
import { agent, call, listen, orgMaker, portOf, scimUser, send, startBareInsert, throughput } from './benchSupport';

const OPERATOR = 'bench-operator-token-0123456789';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seatd-bench-events-'));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main() {
  console.log(`seatd events benchmark — node ${process.version}, ${os.cpus().length} cores, ${os.cpus()[0]?.model ?? ''}`);
  const file = path.join(dir, 'bench.db');
  const db = openDatabase(file);
  migrateDatabase(db);
  const logger = createLogger('silent');
  const ctx: DomainContext = { db, clock: systemClock, mailer: { send: async () => {} }, publicUrl: 'http://bench.local' };
  reactToEvents(ctx);
  const makeOrg = orgMaker(ctx);

  ctx.groupCommit = createGroupCommit(db, logger);
  const served = createServerApp(
    ctx,
    { operatorToken: OPERATOR, publicUrl: ctx.publicUrl, metricsToken: undefined, alertDeliverySeconds: 5 },
    logger,
  );
  const port = portOf(await listen(served.app));
  const barePort = portOf(await startBareInsert(db));

  // 1. the cost of recording an event with every SCIM create
  const N = Number(process.env.BENCH_CREATES ?? 500);
  const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 16);
  const withEvents = await makeOrg('with-events', 2 * N * ROUNDS + 2100);
  const without = await makeOrg('without-events', 2 * N * ROUNDS + 10);
  const user = scimUser;
  // benchmark only: SQLite drops the event insert (the event is still built and its consumers run)
  const eventsOff = (off: boolean) =>
    db.$client.exec(
      off ? 'CREATE TRIGGER bench_no_events BEFORE INSERT ON events BEGIN SELECT RAISE(IGNORE); END' : 'DROP TRIGGER bench_no_events',
    );
  await throughput('warm-up (seatd)', 2000, 8, (i) =>
    call(port, 'POST', '/scim/v2/Users', withEvents.token, user(i + N * ROUNDS, withEvents.domain)),
  );
  const sides = { on: [] as { rate: number; cpuPerRequest: number }[], off: [] as { rate: number; cpuPerRequest: number }[] };
  const ofBare: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const bareRate = await throughput(`bare Express + one SQLite insert (round ${round + 1})`, N, 8, (i) =>
      call(barePort, 'POST', '/Users', 'x', user(round * N + i, 'bare.bench')),
    );
    const seatd = async (events: boolean) => {
      await committed(ctx);
      if (!events) eventsOff(true);
      const org = events ? withEvents : without;
      const cpu = process.cpuUsage();
      const rate = await throughput(`seatd POST /Users, events ${events ? 'recorded' : 'off'} (round ${round + 1})`, N, 8, (i) =>
        call(port, 'POST', '/scim/v2/Users', org.token, user(round * N + i, org.domain)),
      );
      await committed(ctx);
      const used = process.cpuUsage(cpu);
      if (!events) eventsOff(false);
      return { rate, cpuPerRequest: (used.user + used.system) / N };
    };
    // which side goes first alternates, so a slow spell of a shared machine does not always hit the same one
    let off: { rate: number; cpuPerRequest: number };
    let on: { rate: number; cpuPerRequest: number };
    if (round % 2) {
      off = await seatd(false);
      on = await seatd(true);
    } else {
      on = await seatd(true);
      off = await seatd(false);
    }
    sides.on.push(on);
    sides.off.push(off);
    ofBare.push(on.rate / bareRate);
  }
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  // whichever side runs second in a round tends to run faster (warmer caches): the sides alternate, and
  // each side's figure is its mean over all rounds, so that order cancels out
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const rate = (side: keyof typeof sides) => mean(sides[side].map((x) => x.rate));
  const cpu = (side: keyof typeof sides) => mean(sides[side].map((x) => x.cpuPerRequest));
  console.log(
    `→ recording events costs ${pct(1 - rate('on') / rate('off'))} of SCIM create throughput (${rate('on').toFixed(0)} vs ${rate('off').toFixed(0)} req/s, mean of ${ROUNDS} rounds; target ≤ 10%)`,
  );
  // CPU time this process spent per request (server and client alike): less swayed by other processes than wall time
  console.log(
    `→ by CPU time per request: ${cpu('on').toFixed(0)} µs with events, ${cpu('off').toFixed(0)} µs without, ${pct(1 - cpu('off') / cpu('on'))}`,
  );
  console.log(`→ seatd with events reaches ${pct(median(ofBare))} of the bare handler (median)\n`);

  // 1b. the same without HTTP: the domain's SCIM create alone, its transactions committed in batches of the loop
  await committed(ctx);
  const inProcess = async (events: boolean, org: { id: string; domain: string }, n: number, from: number) => {
    if (!events) eventsOff(true);
    const started = process.cpuUsage();
    for (let i = 0; i < n; i++) {
      const email = `d${from + i}@${org.domain}`;
      provisionScimUser(ctx, org.id, { userName: email, email, givenName: 'D', familyName: String(i), active: true }, 'bench');
    }
    ctx.groupCommit!.flush();
    if (!events) eventsOff(false);
    const used = process.cpuUsage(started);
    return (used.user + used.system) / n;
  };
  const perCreate = { on: [] as number[], off: [] as number[] };
  for (let round = 0; round < ROUNDS; round++) {
    perCreate.on.push(await inProcess(true, withEvents, N, 1_000_000 + round * N));
    perCreate.off.push(await inProcess(false, without, N, 1_000_000 + round * N));
  }
  const [on, off] = [median(perCreate.on), median(perCreate.off)];
  console.log(
    `→ in process: ${on.toFixed(0)} µs CPU per SCIM create with events, ${off.toFixed(0)} µs without: the event is ${pct(1 - off / on)} of the domain's work\n`,
  );

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
  // the seeding held this process's event loop for seconds: kept-alive sockets the server has since
  // timed out would be reset on their next use, so the reader starts on fresh ones
  agent.destroy();
  for (const limit of [100, 1000]) {
    let cursor = String(before);
    let read = 0;
    const started = process.hrtime.bigint();
    for (;;) {
      const page = await send(port, 'GET', `/api/v1/events?after=${cursor}&limit=${limit}`, OPERATOR);
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

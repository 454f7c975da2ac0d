import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freshPostgresDatabase, type FreshPostgresDatabase } from '../support/postgres';
import { eventually, startReceiver } from '../support/webhookReceiver';

const ROOT = path.join(__dirname, '..', '..');
const OPERATOR_TOKEN = 'pg-processes-operator-token-0123456789';

type Seatd = { url: string; child: ChildProcess; log: string[] };

/** `seatd serve` on DATABASE_URL, as deployed; resolves once it says where it listens. */
function serve(env: Record<string, string>): Promise<Seatd> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/seatd.js', 'serve'], {
      cwd: ROOT,
      env: { ...process.env, ...env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', SEATD_OPERATOR_TOKEN: OPERATOR_TOKEN },
    });
    const log: string[] = [];
    let buffered = '';
    child.stdout.on('data', (chunk) => {
      buffered += chunk;
      let newline: number;
      while ((newline = buffered.indexOf('\n')) !== -1) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        log.push(line);
        const parsed = JSON.parse(line) as { msg?: string; port?: number };
        if (parsed.msg?.startsWith('seatd listening')) resolve({ url: `http://127.0.0.1:${parsed.port}`, child, log });
      }
    });
    child.stderr.on('data', (chunk) => log.push(String(chunk)));
    child.on('exit', (code) => reject(new Error(`seatd serve exited with ${code}:\n${log.join('\n')}`)));
  });
}

function stop(seatd: Seatd): Promise<void> {
  return new Promise((resolve) => {
    if (seatd.child.exitCode !== null) return resolve();
    seatd.child.removeAllListeners('exit');
    seatd.child.once('exit', () => resolve());
    seatd.child.kill('SIGTERM');
  });
}

async function call(url: string, token: string, method: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

/**
 * Several seatd processes on one PostgreSQL database, each with its own pool: the invariants rest on
 * the database (the guarded seat UPDATE, SERIALIZABLE units run again on conflict, the invoice
 * counter row, the Idempotency-Key's unique index, the event-order lock), not on one process.
 */
describe('seatd processes on one PostgreSQL database', () => {
  let database: FreshPostgresDatabase;
  let servers: Seatd[] = [];
  let outbox: string;

  beforeAll(async () => {
    database = await freshPostgresDatabase({ empty: true });
    outbox = fs.mkdtempSync(path.join(os.tmpdir(), 'seatd-pg-processes-'));
    // started together on an empty database: one migrates, the others wait for it under the advisory lock
    // webhooks go to a receiver on loopback
    const env = { DATABASE_URL: database.url, OUTBOX_DIR: outbox, DATABASE_POOL_SIZE: '4', OUTBOUND_ALLOW_PRIVATE_NETWORKS: 'true' };
    servers = await Promise.all([serve(env), serve(env), serve(env), serve(env)]);
  }, 60_000);

  afterAll(async () => {
    await Promise.all(servers.map(stop));
    await database?.drop();
    fs.rmSync(outbox, { recursive: true, force: true });
  });

  const month = new Date().toISOString().slice(0, 7);

  async function orgWithSeats(name: string, standard: number): Promise<{ orgId: string; domain: string; token: string }> {
    const domain = `${name}-${process.pid}.example`;
    const created = await call(`${servers[0]!.url}/api/v1/orgs`, OPERATOR_TOKEN, 'POST', {
      name,
      domains: [domain],
      primaryOwnerEmail: `owner@${domain}`,
      provisioningMode: 'manual',
      contract: { termStart: `${month}-01`, autoRenew: true, currency: 'USD', prices: { standard: 36000, premium: 72000 }, seats: { standard, premium: 0 } },
    });
    expect(created.status).toBe(201);
    const orgId = created.body.id as string;
    const token = await call(`${servers[1]!.url}/api/v1/orgs/${orgId}/api-tokens`, OPERATOR_TOKEN, 'POST', { role: 'owner', label: 'test' });
    expect(token.status).toBe(201);
    return { orgId, domain, token: token.body.token as string };
  }

  it('four processes inviting into one org at once never sell more seats than were bought', async () => {
    const { orgId, domain, token } = await orgWithSeats('hot', 20); // the owner's invitation holds one: 19 free
    const invites = await Promise.all(
      Array.from({ length: 48 }, (_, i) =>
        call(`${servers[i % servers.length]!.url}/api/v1/orgs/${orgId}/members`, token, 'POST', { email: `p${i}@${domain}` }),
      ),
    );
    const statuses = invites.map((r) => r.status);
    const odd = invites.filter((r) => r.status !== 201 && r.status !== 409);
    if (odd.length) console.log(JSON.stringify(odd), servers.map((s) => s.log.filter((l) => l.includes('"level":50')).join('\n')).join('\n').slice(0, 6000));
    expect(statuses.filter((s) => s === 201)).toHaveLength(19);
    expect(statuses.filter((s) => s === 409)).toHaveLength(48 - 19);
    expect(invites.find((r) => r.status === 409)?.body.type).toBe('urn:seatd:problem:no-seat-available');
    for (const server of servers) {
      expect((await call(`${server.url}/api/v1/orgs/${orgId}/seats`, token, 'GET')).body.standard).toMatchObject({ purchased: 20, assigned: 20 });
    }
  }, 60_000);

  it('one Idempotency-Key sent to every process buys once; other purchases get the next invoice numbers, without gaps', async () => {
    const { orgId, token } = await orgWithSeats('buyer', 10);
    const change = { add: { standard: 1 }, effectiveDate: `${month}-01` };
    const sameKey = await Promise.all(
      servers.flatMap((server) =>
        [1, 2].map(() => call(`${server.url}/api/v1/orgs/${orgId}/seats/purchases`, token, 'POST', change, { 'idempotency-key': 'once' })),
      ),
    );
    expect(sameKey.every((r) => r.status === 200 || r.status === 201)).toBe(true);
    expect(new Set(sameKey.map((r) => r.body.invoice.id)).size).toBe(1);

    const distinct = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        call(`${servers[i % servers.length]!.url}/api/v1/orgs/${orgId}/seats/purchases`, token, 'POST', change, { 'idempotency-key': `k${i}` }),
      ),
    );
    expect(distinct.map((r) => r.status)).toEqual(Array(12).fill(201));
    const numbers = [sameKey[0]!, ...distinct].map((r) => Number(String(r.body.invoice.number).split('-').at(-1))).sort((a, b) => a - b);
    expect(numbers).toEqual(numbers.map((_, i) => numbers[0]! + i)); // consecutive: no number skipped or taken twice
    const seats = await call(`${servers[3]!.url}/api/v1/orgs/${orgId}/seats`, token, 'GET');
    expect(seats.body.standard.purchased).toBe(10 + 1 + 12);
  }, 60_000);

  it('the event feed gives every admission once, in increasing order, whichever process wrote it', async () => {
    const { orgId, domain, token } = await orgWithSeats('feed', 40);
    const admitted = await Promise.all(
      Array.from({ length: 30 }, (_, i) => call(`${servers[i % servers.length]!.url}/api/v1/orgs/${orgId}/members`, token, 'POST', { email: `f${i}@${domain}` })),
    );
    const odd = admitted.filter((r) => r.status !== 201);
    if (odd.length) console.log(JSON.stringify(odd), servers.map((s) => s.log.filter((l) => l.includes('"level":50')).join('\n')).join('\n').slice(0, 6000));
    const seen: { id: string; type: string }[] = [];
    let cursor = '';
    for (;;) {
      const page = await call(`${servers[2]!.url}/api/v1/orgs/${orgId}/events?limit=7${cursor ? `&after=${cursor}` : ''}`, token, 'GET');
      expect(page.status).toBe(200);
      seen.push(...(page.body.data as { id: string; type: string }[]));
      if (page.body.nextCursor === cursor || page.body.data.length === 0) break;
      expect(Number(page.body.nextCursor)).toBeGreaterThan(Number(cursor || 0));
      cursor = page.body.nextCursor as string;
    }
    expect(new Set(seen.map((e) => e.id)).size).toBe(seen.length);
    expect(seen.filter((e) => e.type === 'member.created')).toHaveLength(31); // the owner and the 30
  }, 60_000);

  it('four processes delivering one endpoint send each event once, in the feed’s order', async () => {
    const receiver = await startReceiver([200]);
    try {
      const { orgId, domain, token } = await orgWithSeats('hooks', 40);
      const endpoint = await call(`${servers[0]!.url}/api/v1/webhooks`, OPERATOR_TOKEN, 'POST', { url: receiver.url, types: ['member.created'], orgId });
      expect(endpoint.status).toBe(201);
      const invited = await Promise.all(
        Array.from({ length: 24 }, (_, i) => call(`${servers[i % servers.length]!.url}/api/v1/orgs/${orgId}/members`, token, 'POST', { email: `w${i}@${domain}` })),
      );
      expect(invited.map((r) => r.status)).toEqual(Array(24).fill(201));
      await eventually(() => receiver.received.length >= 24, 30_000, '24 webhook deliveries');
      await new Promise((resolve) => setTimeout(resolve, 1000)); // time for a second copy, were one coming
      const delivered = receiver.received.map((r) => JSON.parse(r.body) as { id: string; data: { member: { email: string } } });
      expect(new Set(delivered.map((e) => e.id)).size).toBe(delivered.length); // nothing twice
      const feed = await call(`${servers[1]!.url}/api/v1/orgs/${orgId}/events?limit=100&types=member.created`, token, 'GET');
      const inFeedOrder = (feed.body.data as { id: string; data: { member: { email: string } } }[]).filter((e) => e.data.member.email !== `owner@${domain}`);
      expect(delivered.map((e) => e.id)).toEqual(inFeedOrder.map((e) => e.id));
    } finally {
      await receiver.close();
    }
  }, 60_000);

  it('seatd verify, run on the same database, finds every pool matching its ledger and every invoice its lines', async () => {
    const verify = await new Promise<{ code: number | null; out: string }>((resolve) => {
      const child = spawn(process.execPath, ['bin/seatd.js', 'verify'], { cwd: ROOT, env: { ...process.env, DATABASE_URL: database.url } });
      let out = '';
      child.stdout.on('data', (chunk) => (out += chunk));
      child.stderr.on('data', (chunk) => (out += chunk));
      child.on('exit', (code) => resolve({ code, out }));
    });
    expect(verify.out).toMatch(/every pool matches its ledger/);
    expect(verify.code).toBe(0);
  }, 60_000);
});

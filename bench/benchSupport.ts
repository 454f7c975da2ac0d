/* What the benchmarks share: an HTTP client on keep-alive sockets, a throughput meter, orgs to write to, and the bare baseline. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { DomainContext } from '../src/domain/context';
import { createOrg } from '../src/domain/onboarding/onboarding';
import { createToken } from '../src/domain/orgs/tokens';
import { updateProvisioningSettings } from '../src/domain/provisioning/settings';

export const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });

/** One request with a bearer token (and a SCIM JSON body); answers the status and the body. */
export function send(
  port: number,
  method: string,
  pathname: string,
  token: string,
  body?: unknown,
): Promise<{ status: number; body: string }> {
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

export const call = (port: number, method: string, pathname: string, token: string, body?: unknown): Promise<number> =>
  send(port, method, pathname, token, body).then((r) => r.status);

export async function throughput(label: string, n: number, concurrency: number, one: (i: number) => Promise<number>): Promise<number> {
  let next = 0;
  let failures = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        const status = await one(next++);
        if (status >= 300) failures++;
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const rate = n / seconds;
  console.log(`${label.padEnd(52)} ${rate.toFixed(0).padStart(7)} req/s  (${n} requests, concurrency ${concurrency}, ${failures} failed)`);
  return rate;
}

export function listen(app: express.Express): Promise<http.Server> {
  return new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
}

export const portOf = (server: http.Server) => (server.address() as AddressInfo).port;

/** An org in SCIM mode with `seats` Standard seats and a SCIM token, made through the domain as the CLI would. */
export function orgMaker(ctx: DomainContext) {
  return async (name: string, seats: number) => {
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
    await updateProvisioningSettings(ctx, org.id, { mode: 'scim' }, { actor: 'bench', role: 'owner' });
    return {
      id: org.id,
      domain,
      token: (await createToken(ctx, org.id, { kind: 'scim', role: null, label: 'bench' }, { actor: 'bench', role: 'owner' })).token,
    };
  };
}

/** The baseline: a bare Express handler doing one SQLite insert on its own table in the same file. */
export async function startBareInsert(db: DomainContext['db']): Promise<http.Server> {
  const bare = express();
  bare.use(express.json({ type: ['application/json', 'application/scim+json'] }));
  db.$client.exec('CREATE TABLE IF NOT EXISTS bench_bare (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
  const bareInsert = db.$client.prepare('INSERT INTO bench_bare (body) VALUES (?)');
  bare.post('/Users', (req, res) => {
    bareInsert.run(JSON.stringify(req.body));
    res.status(201).json({ id: 1 });
  });
  return listen(bare);
}

export const scimUser = (i: number, domain: string) => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
  userName: `u${i}@${domain}`,
  name: { givenName: 'U', familyName: String(i) },
  emails: [{ value: `u${i}@${domain}`, type: 'work', primary: true }],
  active: true,
});

/** Median and p95 of `n` requests made one after another; each must answer 200. */
export async function latency(label: string, n: number, one: () => Promise<number>, labelWidth = 44): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = process.hrtime.bigint();
    const status = await one();
    if (status !== 200) throw new Error(`${label}: status ${status}`);
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(n / 2)]!;
  console.log(
    `${label.padEnd(labelWidth)} median ${median.toFixed(2).padStart(7)} ms  p95 ${times[Math.floor(n * 0.95)]!.toFixed(2)} ms  (${n} requests)`,
  );
  return median;
}

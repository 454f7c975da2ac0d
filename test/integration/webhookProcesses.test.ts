import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { updateAlertSettings } from '../../src/domain/alerts/alertSettings';
import { listDeliveries } from '../../src/domain/alerts/alertDelivery';
import { updateProvisioningSettings } from '../../src/domain/provisioning/settings';
import { createWebhook } from '../../src/domain/webhooks/webhooks';
import { admitSsoUser } from '../../src/domain/provisioning/admission';
import { runWorkers } from '../support/runWorkers';
import { createSeedOrg, createTestContext, type TestContext } from '../support/testContext';
import { eventually, startReceiver } from '../support/webhookReceiver';

const ROOT = path.join(__dirname, '..', '..');
const OPERATOR_TOKEN = 'processes-operator-token-0123456789';

/** Several seatd processes on one database file: claims keep each delivery to one sender while all are healthy. */
describe('deliveries across processes', () => {
  let ctx: TestContext;
  beforeEach(() => {
    ctx = createTestContext(new Date().toISOString());
  });
  afterEach(() => ctx.close());

  it('two processes delivering one endpoint’s events never send an event twice, and send them in order', async () => {
    const receiver = await startReceiver([200]);
    try {
      const org = await createSeedOrg(ctx, { provisioningMode: 'jit', contract: { termStart: `${new Date().getUTCFullYear()}-01-01` } });
      await createWebhook(ctx, { managedBy: 'operator' }, { url: receiver.url, types: ['member.created'], orgId: org.id }, 'test');
      const emails = Array.from({ length: 30 }, (_, i) => `p${i}@${org.domains[0]}`);
      const now = ctx.clock.now().toISOString();
      const [a, b, writer] = await runWorkers([
        { op: 'deliverWebhooks', dbFile: ctx.dbFile, now, durationMs: 5000 },
        { op: 'deliverWebhooks', dbFile: ctx.dbFile, now, durationMs: 5000 },
        { op: 'admit', dbFile: ctx.dbFile, now, orgId: org.id, emails, pauseMs: 30 }, // events keep coming while both deliver
      ]);
      expect(writer!.every((o) => o === 'admitted')).toBe(true);
      const ids = receiver.received.map((r) => JSON.parse(r.body).id as string);
      expect(new Set(ids).size).toBe(ids.length); // nothing twice
      expect(receiver.received.map((r) => JSON.parse(r.body).data.member.email)).toEqual(emails); // everything, in order
      const counts = [a, b].map((outcome) => Number(outcome![0]!.split(':')[1]));
      expect(counts[0]! + counts[1]!).toBe(emails.length);
    } finally {
      await receiver.close();
    }
  }, 60_000);

  it('two processes working off the alert outbox send one alert’s webhook once', async () => {
    // the receiver takes its time, as the double send needed: the second process found the delivery still pending
    const receiver = await startReceiver([200], { delayMs: 500 });
    try {
      const org = await createSeedOrg(ctx, { provisioningMode: 'jit', contract: { seats: { standard: 2, premium: 0 } } });
      await updateAlertSettings(ctx, org.id, { webhookUrl: receiver.url, thresholds: [100] }, { actor: 'test', role: 'owner' });
      await admitSsoUser(ctx, org.id, { email: `a@${org.domains[0]}` }); // 2 of 2: the 100% alert opens
      const now = ctx.clock.now().toISOString();
      const outcomes = await runWorkers([
        { op: 'deliverAlerts', dbFile: ctx.dbFile, now },
        { op: 'deliverAlerts', dbFile: ctx.dbFile, now },
      ]);
      expect(receiver.received).toHaveLength(1);
      expect(outcomes.flat().sort()).toEqual(['delivered:0', 'delivered:2']); // one of them sent the webhook and the owner's mail
      expect((await listDeliveries(ctx, org.id)).every((d) => d.status === 'delivered' && d.attempts === 1)).toBe(true);
    } finally {
      await receiver.close();
    }
  }, 60_000);
});

type Served = { child: ChildProcess; url: string; exited: Promise<number | null> };

/** `seatd serve` as its own process on `dbFile`; resolves once it listens. */
function serve(dbFile: string, dir: string): Promise<Served> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/seatd.js', 'serve'], {
      cwd: ROOT,
      env: {
        ...process.env,
        DATABASE_PATH: dbFile,
        OUTBOX_DIR: path.join(dir, 'outbox'),
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'info',
        SEATD_OPERATOR_TOKEN: OPERATOR_TOKEN,
        OUTBOUND_ALLOW_PRIVATE_NETWORKS: 'true',
        DELIVERY_LEASE_SECONDS: '2',
        ALERT_DELIVERY_SECONDS: '1',
      },
    });
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    let buffered = '';
    child.stdout!.on('data', (chunk) => {
      buffered += chunk;
      for (let nl = buffered.indexOf('\n'); nl !== -1; nl = buffered.indexOf('\n')) {
        const line = JSON.parse(buffered.slice(0, nl)) as { msg?: string; port?: number };
        buffered = buffered.slice(nl + 1);
        if (String(line.msg).startsWith('seatd listening')) resolve({ child, url: `http://127.0.0.1:${line.port}`, exited });
      }
    });
    child.on('exit', (code) => reject(new Error(`seatd exited with ${code} before listening`)));
  });
}

describe('a delivery in flight when the server is killed', () => {
  it('is delivered after a restart, once the dead process’s lease has run out', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seatd-kill-'));
    const dbFile = path.join(dir, 'seatd.db');
    const receiver = await startReceiver([200], { hold: (n) => n === 1 }); // the first request is never answered
    let first: Served | undefined;
    let second: Served | undefined;
    try {
      first = await serve(dbFile, dir);
      const api = (url: string, method: string, pathname: string, body?: unknown, auth = `Bearer ${OPERATOR_TOKEN}`) =>
        fetch(`${url}${pathname}`, {
          method,
          headers: { authorization: auth, 'content-type': 'application/json' },
          ...(body ? { body: JSON.stringify(body) } : {}),
        }).then(async (res) => ({ status: res.status, body: (await res.json()) as Record<string, any> }));
      const year = new Date().getUTCFullYear();
      const org = await api(first.url, 'POST', '/api/v1/orgs', {
        name: 'Killed Co',
        domains: ['killed.example'],
        primaryOwnerEmail: 'owner@killed.example',
        provisioningMode: 'manual',
        contract: {
          termStart: `${year}-01-01`,
          autoRenew: true,
          currency: 'USD',
          prices: { standard: 100, premium: 200 },
          seats: { standard: 10, premium: 0 },
        },
      });
      expect(org.status).toBe(201);
      const hook = await api(first.url, 'POST', '/api/v1/webhooks', { url: receiver.url, types: ['seats.purchased'] });
      expect(hook.status).toBe(201);
      const token = await api(first.url, 'POST', `/api/v1/orgs/${org.body.id}/api-tokens`, { role: 'owner', label: 'k' });
      const purchase = await fetch(`${first.url}/api/v1/orgs/${org.body.id}/seats/purchases`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token.body.token}`, 'content-type': 'application/json', 'idempotency-key': 'k1' },
        body: JSON.stringify({ add: { standard: 1 } }),
      });
      expect(purchase.status).toBe(201);
      await eventually(() => receiver.received.length === 1, 10_000, 'the first delivery attempt');
      first.child.kill('SIGKILL'); // mid-delivery: the receiver never answered
      await first.exited;

      second = await serve(dbFile, dir);
      await eventually(() => receiver.received.length === 2, 15_000, 'the delivery after restart');
      const [before, after] = receiver.received.map((r) => JSON.parse(r.body));
      expect(after).toEqual(before); // the same event, again: at least once
      expect(after.type).toBe('seats.purchased');
      const log = await api(second.url, 'GET', `/api/v1/webhooks/${hook.body.id}/deliveries`);
      expect(log.body.data).toEqual([expect.objectContaining({ eventId: before.id })]);
    } finally {
      first?.child.kill('SIGKILL');
      second?.child.kill('SIGTERM');
      await second?.exited;
      await receiver.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

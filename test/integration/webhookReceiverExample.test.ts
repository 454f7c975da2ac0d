import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import request from 'supertest';
import { createLogger } from '../../src/logger';
import { startWebhookWorker } from '../../src/webhooks/webhookWorker';
import { orgWithToken } from '../support/httpFixtures';
import { startSeatd } from '../support/seatdServer';
import { eventually } from '../support/webhookReceiver';

const ROOT = path.join(__dirname, '..', '..');

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

/** examples/webhook-receiver.ts registers itself, checks every signature and prints the events it gets. */
describe('the example webhook receiver', () => {
  let receiver: ChildProcess | undefined;
  afterEach(() => receiver?.kill());

  it('prints the events of the org it registered for, and refuses a request it cannot verify', async () => {
    const seatd = await startSeatd();
    const worker = startWebhookWorker(seatd.ctx, createLogger('silent'), { intervalMs: 200, allowPrivateNetworks: true });
    try {
      const { orgId, auth, org, token } = await orgWithToken(seatd.app);
      const port = await freePort();
      receiver = spawn(process.execPath, ['-r', 'tsx/cjs', 'examples/webhook-receiver.ts'], {
        cwd: ROOT,
        env: { ...process.env, SEATD_URL: seatd.url, TOKEN: token, ORG: orgId, PORT: String(port) },
      });
      let stdout = '';
      let stderr = '';
      receiver.stdout!.on('data', (c) => (stdout += c));
      receiver.stderr!.on('data', (c) => (stderr += c));
      await eventually(() => stderr.includes('registered webhook'), 20_000, 'the receiver to register');

      await request(seatd.app)
        .post(`/api/v1/orgs/${orgId}/members`)
        .set(auth)
        .send({ email: `jane@${org.domains[0]}` })
        .expect(201);
      await eventually(() => stdout.includes('invitation.created'), 20_000, 'the printed event');
      expect(stdout).toMatch(new RegExp(`member\\.created\\s+${orgId}.*jane@`));

      const forged = await fetch(`http://127.0.0.1:${port}/seatd`, {
        method: 'POST',
        headers: { 'seatd-signature': `t=${Math.floor(Date.now() / 1000)},v1=${'0'.repeat(64)}`, 'seatd-event-id': 'evt_forged' },
        body: JSON.stringify({ type: 'member.deleted', orgId, occurredAt: new Date().toISOString(), data: {} }),
      });
      expect(forged.status).toBe(400);
      // its stderr line may arrive after its answer
      await eventually(() => stderr.includes('refused a request whose signature does not hold'), 10_000, 'the refusal to be printed');
      expect(stdout).not.toContain('member.deleted');
    } finally {
      await worker.stop();
      await seatd.close();
    }
  }, 60_000);
});

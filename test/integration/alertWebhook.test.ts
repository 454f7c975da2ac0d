import fs from 'node:fs';
import { processDueDeliveries, listDeliveries } from '../../src/domain/alerts/alertDelivery';
import { updateAlertSettings } from '../../src/domain/alerts/alertSettings';
import { admitSsoUser } from '../../src/domain/provisioning/admission';
import { createWebhookSender, SIGNATURE_HEADER, verifyWebhookSignature } from '../../src/alerts/webhook';
import { createSeedOrg, createTestContext, type TestContext } from '../support/testContext';
import request from 'supertest';
import { createServerApp } from '../../src/main';
import { createLogger } from '../../src/logger';
import { startDeliveryWorker } from '../../src/alerts/deliveryWorker';
import { capturedLog } from '../support/capturedLog';
import { OPERATOR_TOKEN } from '../support/testApp';
import { scimOrg, tokenFor } from '../support/httpFixtures';
import { startReceiver } from '../support/webhookReceiver';

describe('alert webhook delivery', () => {
  let ctx: TestContext;
  let orgId: string;
  let domain: string;
  const owner = { actor: 'test-owner', role: 'owner' as const };
  const policy = { maxAttempts: 3, backoffMs: (attempt: number) => attempt * 60_000, batchSize: 10 };

  beforeEach(async () => {
    ctx = createTestContext('2026-03-01T09:00:00Z');
    const org = await createSeedOrg(ctx, { provisioningMode: 'jit', contract: { seats: { standard: 2, premium: 0 } } });
    orgId = org.id;
    domain = org.domains[0]!;
  });
  afterEach(() => ctx.close());

  // the receivers run on loopback: allowed here as OUTBOUND_ALLOW_PRIVATE_NETWORKS=true allows it
  const senders = () => ({ mailer: ctx.mailer, webhook: createWebhookSender(() => ctx.clock.now(), { allowPrivateNetworks: true }) });

  it('posts a signed event that the receiver can verify', async () => {
    const receiver = await startReceiver([204]);
    try {
      const { webhookSecret } = await updateAlertSettings(ctx, orgId, { webhookUrl: receiver.url, thresholds: [100] }, owner);
      await admitSsoUser(ctx, orgId, { email: `a@${domain}` }); // 2 of 2: the 100% alert opens
      const tally = await processDueDeliveries(ctx, senders(), policy);
      expect(tally).toEqual({ delivered: 2, retried: 0, failed: 0 }); // the webhook and the owner's email
      expect(receiver.received).toHaveLength(1);
      const { headers, body } = receiver.received[0]!;
      const now = Math.floor(ctx.clock.now().getTime() / 1000);
      expect(verifyWebhookSignature(webhookSecret!, body, String(headers[SIGNATURE_HEADER.toLowerCase()]), now)).toBe(true);
      expect(verifyWebhookSignature('another-secret', body, String(headers[SIGNATURE_HEADER.toLowerCase()]), now)).toBe(false);
      expect(verifyWebhookSignature(webhookSecret!, body.replace('100', '101'), String(headers[SIGNATURE_HEADER.toLowerCase()]), now)).toBe(
        false,
      );
      const event = JSON.parse(body);
      expect(event).toMatchObject({
        type: 'alert.opened',
        org: { id: orgId },
        alert: { kind: 'pool_threshold', threshold: 100, seatType: 'standard' },
      });
      expect((await listDeliveries(ctx, orgId)).every((d) => d.status === 'delivered' && d.attempts === 1)).toBe(true);
      expect(fs.readdirSync(ctx.outboxDir).filter((f) => f.includes('owner@') && f.endsWith('.eml')).length).toBe(2); // invitation + alert
    } finally {
      await receiver.close();
    }
  });

  it('by default refuses destinations on private networks, by address or by name, and never calls them', async () => {
    const receiver = await startReceiver([204]);
    try {
      const port = new URL(receiver.url).port;
      const shared = { mailer: ctx.mailer, webhook: createWebhookSender(() => ctx.clock.now()) }; // as a shared seatd runs
      for (const url of [receiver.url, `http://localhost:${port}/hooks/seatd`, `http://[::1]:${port}/hooks/seatd`]) {
        await expect(shared.webhook(url, '{}', 'secret')).rejects.toThrow(/private address/);
      }
      await updateAlertSettings(ctx, orgId, { webhookUrl: `http://localhost:${port}/hooks/seatd`, thresholds: [100] }, owner);
      await admitSsoUser(ctx, orgId, { email: `a@${domain}` });
      expect(await processDueDeliveries(ctx, shared, policy)).toEqual({ delivered: 1, retried: 1, failed: 0 }); // the owner's email went
      expect(receiver.received).toHaveLength(0);
      expect((await listDeliveries(ctx, orgId)).find((d) => d.channel === 'webhook')).toMatchObject({
        status: 'pending',
        attempts: 1,
        lastError: expect.stringContaining('resolves to a private address'),
      });
    } finally {
      await receiver.close();
    }
  });

  it('retries a 500 with backoff and delivers when the receiver recovers', async () => {
    const receiver = await startReceiver([500, 503, 200]);
    try {
      await updateAlertSettings(ctx, orgId, { webhookUrl: receiver.url, thresholds: [100] }, owner);
      await admitSsoUser(ctx, orgId, { email: `a@${domain}` });
      expect(await processDueDeliveries(ctx, senders(), policy)).toEqual({ delivered: 1, retried: 1, failed: 0 });
      expect(await processDueDeliveries(ctx, senders(), policy)).toEqual({ delivered: 0, retried: 0, failed: 0 }); // not due yet
      ctx.clock.set(new Date(ctx.clock.now().getTime() + 60_000));
      expect(await processDueDeliveries(ctx, senders(), policy)).toEqual({ delivered: 0, retried: 1, failed: 0 });
      ctx.clock.set(new Date(ctx.clock.now().getTime() + 120_000));
      expect(await processDueDeliveries(ctx, senders(), policy)).toEqual({ delivered: 1, retried: 0, failed: 0 });
      const webhook = (await listDeliveries(ctx, orgId)).find((d) => d.channel === 'webhook')!;
      expect(webhook).toMatchObject({ status: 'delivered', attempts: 3, lastError: null });
      expect(receiver.received).toHaveLength(3);
    } finally {
      await receiver.close();
    }
  });

  it('gives up after the last attempt and records why', async () => {
    const receiver = await startReceiver([500]);
    try {
      await updateAlertSettings(ctx, orgId, { webhookUrl: receiver.url, thresholds: [100] }, owner);
      await admitSsoUser(ctx, orgId, { email: `a@${domain}` });
      for (let i = 0; i < 3; i++) {
        await processDueDeliveries(ctx, senders(), policy);
        ctx.clock.set(new Date(ctx.clock.now().getTime() + 10 * 60_000));
      }
      const webhook = (await listDeliveries(ctx, orgId)).find((d) => d.channel === 'webhook')!;
      expect(webhook).toMatchObject({ status: 'failed', attempts: 3, lastError: 'webhook receiver answered 500' });
      expect(await processDueDeliveries(ctx, senders(), policy)).toEqual({ delivered: 0, retried: 0, failed: 0 });
      expect(receiver.received).toHaveLength(3);
    } finally {
      await receiver.close();
    }
  });

  it('logs each failed attempt at warn with its reason, and the receiver only by its origin', async () => {
    const receiver = await startReceiver([500]);
    const log = capturedLog();
    const worker = startDeliveryWorker(ctx, log.logger, 3_600_000, policy, { allowPrivateNetworks: true });
    try {
      await updateAlertSettings(ctx, orgId, { webhookUrl: `${receiver.url}?key=receiver-secret`, thresholds: [100] }, owner);
      await admitSsoUser(ctx, orgId, { email: `a@${domain}` });
      await worker.runOnce();
      const warned = log.lines().filter((l) => l.level === 40);
      expect(warned).toEqual([
        expect.objectContaining({
          msg: 'alert delivery attempt failed',
          orgId,
          channel: 'webhook',
          destination: new URL(receiver.url).origin,
          attempts: 1,
          willRetry: true,
          reason: 'webhook receiver answered 500',
        }),
      ]);
      expect(log.text()).not.toContain('receiver-secret');
    } finally {
      await worker.stop();
      await receiver.close();
    }
  });

  it('never fails the admission that raised the alert when the receiver is down', async () => {
    await updateAlertSettings(ctx, orgId, { webhookUrl: 'http://127.0.0.1:9/unreachable', thresholds: [100] }, owner);
    const { member } = await admitSsoUser(ctx, orgId, { email: `a@${domain}` });
    expect(member.status).toBe('active');
    const tally = await processDueDeliveries(ctx, senders(), policy);
    expect(tally.retried).toBe(1);
  });
});

describe('alert delivery in the served app', () => {
  it('sends the webhook as soon as the change that raised the alert is committed, not at the next timer tick', async () => {
    const receiver = await startReceiver([204]);
    const ctx = createTestContext(new Date().toISOString(), { groupCommit: true });
    // an hour between timer runs: only the nudge from the queued delivery can send it within this test
    const served = createServerApp(
      ctx,
      {
        operatorToken: OPERATOR_TOKEN,
        publicUrl: ctx.publicUrl,
        metricsToken: undefined,
        alertDeliverySeconds: 3600,
        outboundAllowPrivateNetworks: true,
      },
      createLogger('silent'),
    );
    try {
      const { orgId, scim, domain } = await scimOrg(served.app, { standard: 2, premium: 0 });
      await request(served.app)
        .put(`/api/v1/orgs/${orgId}/alert-settings`)
        .set(await tokenFor(served.app, orgId, 'owner'))
        .send({ webhookUrl: receiver.url, thresholds: [100] })
        .expect(200);
      await request(served.app)
        .post('/scim/v2/Users')
        .set(scim)
        .send({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: `ada@${domain}`, active: true })
        .expect(201); // 2 of 2 seats: the 100% alert opens
      const deadline = Date.now() + 5000;
      while (receiver.received.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(receiver.received).toHaveLength(1);
      expect(JSON.parse(receiver.received[0]!.body)).toMatchObject({ type: 'alert.opened', alert: { threshold: 100 } });
    } finally {
      await served.deliveries.stop();
      ctx.close();
      await receiver.close();
    }
  });
});

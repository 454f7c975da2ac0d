import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { createWebhookSender, EVENT_ID_HEADER, SIGNATURE_HEADER, verifyWebhookSignature } from '../../src/alerts/webhook';
import { deliverWebhooks, type WebhookDeliveryPolicy } from '../../src/domain/webhooks/webhookDelivery';
import { capturedLog } from '../support/capturedLog';
import { operator, orgWithToken, scimOrg, tokenFor } from '../support/httpFixtures';
import { createTestApp, type TestApp } from '../support/testApp';
import { startReceiver } from '../support/webhookReceiver';

const policy: WebhookDeliveryPolicy = {
  maxAttempts: 10,
  backoffMs: (attempt) => attempt * 60_000,
  endpointsPerPass: 10,
  deliveriesPerClaim: 100,
  leaseMs: 60_000,
  disableAfterMs: 3 * 86_400_000,
};

describe('event webhooks', () => {
  let t: TestApp;
  beforeEach(() => {
    t = createTestApp('2026-03-01T09:00:00Z');
  });
  afterEach(() => t.ctx.close());

  // the receivers run on loopback: allowed as OUTBOUND_ALLOW_PRIVATE_NETWORKS=true allows it
  const worker = (workerId = 'test-worker') => ({
    send: createWebhookSender(() => t.ctx.clock.now(), { allowPrivateNetworks: true }),
    workerId,
  });
  const later = (ms: number) => t.ctx.clock.set(new Date(t.ctx.clock.now().getTime() + ms));
  const scimUser = (domain: string, name: string) => ({
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    userName: `${name}@${domain}`,
    active: true,
  });

  it('registers, lists, changes and deletes endpoints; the secret is shown once and never again', async () => {
    const { orgId } = await orgWithToken(t.app);
    const created = await request(t.app)
      .post('/api/v1/webhooks')
      .set(operator)
      .send({ url: 'https://crm.example.com/hooks?key=k', types: ['member.created', 'seats.purchased'], orgId })
      .expect(201);
    expect(created.body).toMatchObject({
      id: expect.stringMatching(/^whk_/),
      orgId,
      status: 'active',
      secret: expect.stringMatching(/^whsec_/),
    });
    const all = await request(t.app)
      .post('/api/v1/webhooks')
      .set(operator)
      .send({ url: 'https://billing.example.com/h', types: ['*'] })
      .expect(201);
    expect(all.body.orgId).toBeNull();

    const listed = await request(t.app).get('/api/v1/webhooks').set(operator).expect(200);
    expect(listed.body.data.map((w: { id: string }) => w.id)).toEqual([created.body.id, all.body.id]);
    expect(JSON.stringify(listed.body)).not.toContain(created.body.secret);
    expect(JSON.stringify((await request(t.app).get(`/api/v1/webhooks/${created.body.id}`).set(operator).expect(200)).body)).not.toContain(
      'secret',
    );

    const changed = await request(t.app)
      .patch(`/api/v1/webhooks/${created.body.id}`)
      .set(operator)
      .send({ types: ['invoice.created'], rotateSecret: true })
      .expect(200);
    expect(changed.body).toMatchObject({ types: ['invoice.created'], secret: expect.stringMatching(/^whsec_/) });
    expect(changed.body.secret).not.toBe(created.body.secret);
    await request(t.app).delete(`/api/v1/webhooks/${created.body.id}`).set(operator).expect(204);
    await request(t.app).get(`/api/v1/webhooks/${created.body.id}`).set(operator).expect(404);
  });

  it('answers bad input with problem+json naming the fields', async () => {
    const res = await request(t.app)
      .post('/api/v1/webhooks')
      .set(operator)
      .send({ url: 'ftp://x', types: ['member.exploded'], extra: 1 })
      .expect(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['(body)', 'types.0', 'url']);
    const noTypes = await request(t.app).post('/api/v1/webhooks').set(operator).send({ url: 'https://x.example', types: [] }).expect(400);
    expect(noTypes.body.detail).toContain('at least one event type');
    const unknownOrg = await request(t.app)
      .post('/api/v1/webhooks')
      .set(operator)
      .send({ url: 'https://x.example', types: ['*'], orgId: 'org_nope' })
      .expect(400);
    expect(unknownOrg.body.detail).toContain('no organization org_nope');
  });

  it('lets org owners manage their org’s endpoints, not admins, and keeps each org to its own', async () => {
    const { orgId, auth } = await orgWithToken(t.app, 'owner');
    const admin = await tokenFor(t.app, orgId, 'admin');
    const other = await orgWithToken(t.app, 'owner');
    const body = { url: 'https://crm.example.com/h', types: ['member.created'] };
    await request(t.app).post(`/api/v1/orgs/${orgId}/webhooks`).set(admin).send(body).expect(403);
    const created = await request(t.app).post(`/api/v1/orgs/${orgId}/webhooks`).set(auth).send(body).expect(201);
    expect(created.body).toMatchObject({ orgId, secret: expect.any(String) });
    await request(t.app)
      .post(`/api/v1/orgs/${orgId}/webhooks`)
      .set(auth)
      .send({ ...body, orgId: other.orgId })
      .expect(400);
    await request(t.app).get(`/api/v1/orgs/${other.orgId}/webhooks/${created.body.id}`).set(other.auth).expect(404);
    expect((await request(t.app).get('/api/v1/webhooks').set(operator).expect(200)).body.data).toEqual([]); // the org's, not the operator's
    expect((await request(t.app).get(`/api/v1/orgs/${orgId}/webhooks`).set(auth).expect(200)).body.data).toHaveLength(1);
  });

  it('delivers every event signed, in order, through a receiver that answers 500 a few times', async () => {
    const receiver = await startReceiver([500, 500, 503, 200]);
    try {
      const s = await scimOrg(t.app, { standard: 20, premium: 0 });
      const hook = await request(t.app)
        .post(`/api/v1/orgs/${s.orgId}/webhooks`)
        .set(s.owner)
        .send({ url: receiver.url, types: ['member.created', 'member.deactivated'] })
        .expect(201);
      const users = [];
      for (const name of ['ada', 'bob', 'cy']) {
        users.push((await request(t.app).post('/scim/v2/Users').set(s.scim).send(scimUser(s.domain, name)).expect(201)).body);
      }
      await request(t.app)
        .patch(`/scim/v2/Users/${users[0].id}`)
        .set(s.scim)
        .send({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'active', value: false }] })
        .expect(200);

      const tallies = [];
      for (let i = 0; i < 3; i++) {
        tallies.push(await deliverWebhooks(t.ctx, worker(), policy));
        expect(await deliverWebhooks(t.ctx, worker(), policy)).toMatchObject({ delivered: 0, retried: 0 }); // backing off
        later(10 * 60_000);
      }
      tallies.push(await deliverWebhooks(t.ctx, worker(), policy));
      expect(tallies.map((x) => [x.delivered, x.retried])).toEqual([
        [0, 1],
        [0, 1],
        [0, 1],
        [4, 0],
      ]);

      const bodies = receiver.received.map((r) => JSON.parse(r.body));
      // the first event was tried four times before the others went: they wait for it
      expect(bodies.map((e) => [e.type, e.data.member.email])).toEqual([
        ...Array.from({ length: 4 }, () => ['member.created', `ada@${s.domain}`]),
        ['member.created', `bob@${s.domain}`],
        ['member.created', `cy@${s.domain}`],
        ['member.deactivated', `ada@${s.domain}`],
      ]);
      expect(new Set(bodies.slice(0, 4).map((e) => e.id)).size).toBe(1); // the same event each attempt
      const feed = (await request(t.app).get(`/api/v1/orgs/${s.orgId}/events?types=member.created,member.deactivated`).set(s.admin)).body;
      // exactly the feed's events since the endpoint was made (not the primary owner's, before it), as the feed shows them
      expect(bodies.slice(3)).toEqual(feed.data.slice(1));
      const now = Math.floor(t.ctx.clock.now().getTime() / 1000);
      for (const r of receiver.received) {
        const signature = String(r.headers[SIGNATURE_HEADER.toLowerCase()]);
        expect(verifyWebhookSignature(hook.body.secret, r.body, signature, now, 3600)).toBe(true);
        expect(verifyWebhookSignature('whsec_other', r.body, signature, now, 3600)).toBe(false);
        expect(r.headers[EVENT_ID_HEADER.toLowerCase()]).toBe(JSON.parse(r.body).id);
      }

      const log = await request(t.app).get(`/api/v1/orgs/${s.orgId}/webhooks/${hook.body.id}/deliveries?limit=3`).set(s.owner).expect(200);
      expect(log.body.data.map((d: { eventType: string; status: string }) => [d.eventType, d.status])).toEqual([
        ['member.deactivated', 'delivered'],
        ['member.created', 'delivered'],
        ['member.created', 'delivered'],
      ]);
      const rest = await request(t.app)
        .get(`/api/v1/orgs/${s.orgId}/webhooks/${hook.body.id}/deliveries?before=${log.body.nextCursor}`)
        .set(s.owner)
        .expect(200);
      expect(rest.body.data).toEqual([
        expect.objectContaining({ eventType: 'member.created', status: 'delivered', attempts: 4, lastError: null }),
      ]);
      expect(rest.body.nextCursor).toBeNull();
    } finally {
      await receiver.close();
    }
  });

  it('redelivers one event on request, with the same event id, after what is queued', async () => {
    const receiver = await startReceiver([204]);
    try {
      const s = await scimOrg(t.app, { standard: 20, premium: 0 });
      const hook = await request(t.app)
        .post('/api/v1/webhooks')
        .set(operator)
        .send({ url: receiver.url, types: ['*'], orgId: s.orgId })
        .expect(201);
      await request(t.app).post('/scim/v2/Users').set(s.scim).send(scimUser(s.domain, 'ada')).expect(201);
      await deliverWebhooks(t.ctx, worker(), policy);
      expect(receiver.received).toHaveLength(1);
      const eventId = JSON.parse(receiver.received[0]!.body).id;
      const redelivery = await request(t.app)
        .post(`/api/v1/webhooks/${hook.body.id}/deliveries/${eventId}/redeliver`)
        .set(operator)
        .expect(202);
      expect(redelivery.body).toMatchObject({ eventId, status: 'pending', redelivery: true });
      await deliverWebhooks(t.ctx, worker(), policy);
      expect(receiver.received.map((r) => r.headers[EVENT_ID_HEADER.toLowerCase()])).toEqual([eventId, eventId]);
      const other = await orgWithToken(t.app);
      const foreign = (await request(t.app).get(`/api/v1/orgs/${other.orgId}/events`).set(other.auth)).body.data[0].id;
      await request(t.app).post(`/api/v1/webhooks/${hook.body.id}/deliveries/${foreign}/redeliver`).set(operator).expect(404);
    } finally {
      await receiver.close();
    }
  });

  it('disables an endpoint failing for 3 days, tells the org’s owners by mail and in the feed, and resumes when turned back on', async () => {
    const receiver = await startReceiver([500]);
    try {
      const s = await scimOrg(t.app, { standard: 20, premium: 0 });
      const hook = await request(t.app)
        .post(`/api/v1/orgs/${s.orgId}/webhooks`)
        .set(s.owner)
        .send({ url: receiver.url, types: ['*'] })
        .expect(201);
      await request(t.app).post('/scim/v2/Users').set(s.scim).send(scimUser(s.domain, 'ada')).expect(201);
      const long = { ...policy, maxAttempts: 1000, backoffMs: () => 3_600_000 };
      for (let hour = 0; hour < 71; hour++) {
        expect(await deliverWebhooks(t.ctx, worker(), long)).toMatchObject({ retried: 1, disabled: 0 });
        later(3_600_000);
      }
      later(3_600_000); // 72 hours after the first failure
      expect(await deliverWebhooks(t.ctx, worker(), long)).toMatchObject({ disabled: 1 });
      const endpoint = (await request(t.app).get(`/api/v1/orgs/${s.orgId}/webhooks/${hook.body.id}`).set(s.owner)).body;
      expect(endpoint).toMatchObject({ status: 'disabled', disabledReason: expect.stringContaining('webhook receiver answered 500') });
      const mails = fs.readdirSync(t.ctx.outboxDir).filter((f) => f.endsWith('.txt') && f.includes('owner@'));
      const told = mails.map((f) => fs.readFileSync(path.join(t.ctx.outboxDir, f), 'utf8')).find((m) => m.includes(hook.body.id));
      expect(told).toContain('"enabled": true');
      const disabled = (await request(t.app).get(`/api/v1/orgs/${s.orgId}/events?types=webhook.disabled`).set(s.admin)).body.data;
      expect(disabled).toEqual([
        expect.objectContaining({ data: expect.objectContaining({ webhook: expect.objectContaining({ id: hook.body.id }) }) }),
      ]);
      const calls = receiver.received.length;
      later(86_400_000);
      expect(await deliverWebhooks(t.ctx, worker(), long)).toMatchObject({ delivered: 0, retried: 0 });
      expect(receiver.received).toHaveLength(calls); // disabled: not called

      receiver.setStatuses([200]);
      await request(t.app).patch(`/api/v1/orgs/${s.orgId}/webhooks/${hook.body.id}`).set(s.owner).send({ enabled: true }).expect(200);
      expect(await deliverWebhooks(t.ctx, worker(), long)).toMatchObject({ delivered: 2 }); // member.created, then webhook.disabled
    } finally {
      await receiver.close();
    }
  });

  it('keeps the outbound rule: a receiver on a private network is never called unless allowed, and the log says why', async () => {
    const receiver = await startReceiver([204]);
    try {
      const s = await scimOrg(t.app, { standard: 20, premium: 0 });
      const local = `http://localhost:${new URL(receiver.url).port}/hooks`;
      const hook = await request(t.app)
        .post(`/api/v1/orgs/${s.orgId}/webhooks`)
        .set(s.owner)
        .send({ url: local, types: ['*'] })
        .expect(201);
      await request(t.app).post('/scim/v2/Users').set(s.scim).send(scimUser(s.domain, 'ada')).expect(201);
      const shared = { send: createWebhookSender(() => t.ctx.clock.now()), workerId: 'shared' }; // as a shared seatd runs
      expect(await deliverWebhooks(t.ctx, shared, policy)).toMatchObject({ delivered: 0, retried: 1 });
      expect(receiver.received).toHaveLength(0);
      const log = (await request(t.app).get(`/api/v1/orgs/${s.orgId}/webhooks/${hook.body.id}/deliveries`).set(s.owner)).body.data;
      expect(log[0]).toMatchObject({ status: 'pending', attempts: 1, lastError: expect.stringContaining('private address') });
    } finally {
      await receiver.close();
    }
  });

  it('logs a failed attempt with the receiver’s origin only, and never the signing secret', async () => {
    const receiver = await startReceiver([500]);
    const log = capturedLog();
    const { startWebhookWorker } = await import('../../src/webhooks/webhookWorker');
    const running = startWebhookWorker(t.ctx, log.logger, { intervalMs: 3_600_000, allowPrivateNetworks: true, policy });
    try {
      const s = await scimOrg(t.app, { standard: 20, premium: 0 });
      const hook = await request(t.app)
        .post(`/api/v1/orgs/${s.orgId}/webhooks`)
        .set(s.owner)
        .send({ url: `${receiver.url}?token=receiver-secret`, types: ['*'] })
        .expect(201);
      await request(t.app).post('/scim/v2/Users').set(s.scim).send(scimUser(s.domain, 'ada')).expect(201);
      await running.runOnce();
      expect(log.lines().filter((l) => l.level === 40)).toEqual([
        expect.objectContaining({ msg: 'webhook delivery attempt failed', url: new URL(receiver.url).origin, willRetry: true }),
      ]);
      expect(log.text()).not.toContain('receiver-secret');
      expect(log.text()).not.toContain(hook.body.secret);
    } finally {
      await running.stop();
      await receiver.close();
    }
  });
});

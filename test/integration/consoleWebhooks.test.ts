import request from 'supertest';
import { createWebhookSender, EVENT_ID_HEADER } from '../../src/alerts/webhook';
import { defaultWebhookPolicy, deliverWebhooks } from '../../src/domain/webhooks/webhookDelivery';
import { orgWithToken } from '../support/httpFixtures';
import { linkFromOutbox } from '../support/outbox';
import { createTestApp, type TestApp } from '../support/testApp';
import { eventually, startReceiver } from '../support/webhookReceiver';

/** The console's webhook delivery log: an owner sees endpoints and deliveries, redelivers, re-enables; admins and other orgs do not. */
describe('the webhook delivery log in the console', () => {
  let t: TestApp;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  beforeAll(async () => {
    t = createTestApp('2026-03-01T09:00:00Z');
    receiver = await startReceiver([204]);
  });
  afterAll(async () => {
    await receiver.close();
    t.ctx.close();
  });

  // the receiver runs on loopback: allowed as OUTBOUND_ALLOW_PRIVATE_NETWORKS=true allows it
  const deliver = () =>
    deliverWebhooks(
      t.ctx,
      { send: createWebhookSender(() => t.ctx.clock.now(), { allowPrivateNetworks: true }), workerId: 'console-test' },
      defaultWebhookPolicy,
    );

  /** Someone accepts their emailed invitation: a browser with a console session, and its CSRF token. */
  async function browserOf(email: string) {
    const browser = request.agent(t.app);
    await browser.get(new URL(linkFromOutbox(t.ctx.outboxDir, email)).pathname).expect(200);
    const csrf = /name="_csrf" value="([^"]+)"/.exec((await browser.get('/console').expect(200)).text)![1]!;
    return { browser, csrf };
  }

  it('lists the endpoints and their deliveries, redelivers one, turns a disabled endpoint on again, and keeps admins and other orgs out', async () => {
    const { orgId, auth, org } = await orgWithToken(t.app, 'owner');
    const domain = org.domains[0] as string;
    const api = `/api/v1/orgs/${orgId}`;
    const hook = await request(t.app)
      .post(`${api}/webhooks`)
      .set(auth)
      .send({ url: `${receiver.url}?key=receiver-secret`, types: ['invitation.created'] })
      .expect(201);
    await request(t.app)
      .post(`${api}/members`)
      .set(auth)
      .send({ email: `bill@${domain}`, role: 'admin' })
      .expect(201);
    await deliver();
    await eventually(() => receiver.received.length === 1, 10_000, 'the first delivery');
    const eventId = String(receiver.received[0]!.headers[EVENT_ID_HEADER.toLowerCase()]);
    expect(JSON.parse(receiver.received[0]!.body)).toMatchObject({ id: eventId, type: 'invitation.created' });

    const { browser, csrf } = await browserOf(`owner@${domain}`);
    expect((await browser.get('/console').expect(200)).text).toContain('href="/console/webhooks"');
    const list = await browser.get('/console/webhooks').expect(200);
    expect(list.text).toContain(`href="/console/webhooks/${hook.body.id}"`);
    expect(list.text).toContain(receiver.url); // origin and path
    expect(list.text).not.toContain('receiver-secret'); // not the query
    expect(list.text).toContain('invitation.created');
    expect(list.text).toMatch(new RegExp(`data-testid="status-${hook.body.id}">\\s*active`));

    const log = await browser.get(`/console/webhooks/${hook.body.id}`).expect(200);
    expect(log.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(log.text).toContain(eventId);
    expect(log.text).toMatch(/<td>delivered<\/td>\s*<td class="num">1<\/td>/);
    expect(log.text).toContain('2026-03-01 09:00 UTC');
    expect(log.text).toContain(`action="/console/webhooks/${hook.body.id}/deliveries/${eventId}/redeliver"`);
    expect(log.text).not.toContain('Enable again');

    // Redeliver: a form post with the console's CSRF token, back to the log with a notice
    const redeliver = `/console/webhooks/${hook.body.id}/deliveries/${eventId}/redeliver`;
    await browser.post(redeliver).type('form').send({}).expect(403);
    const back = await browser.post(redeliver).type('form').send({ _csrf: csrf }).expect(303);
    expect(back.headers.location).toBe(`/console/webhooks/${hook.body.id}?redelivered=${eventId}`);
    const queued = await browser.get(back.headers.location!).expect(200);
    expect(queued.text).toContain(`Event ${eventId} is queued again`);
    expect(queued.text).toContain('pending (redelivery)');
    const deliveries = (await request(t.app).get(`${api}/webhooks/${hook.body.id}/deliveries`).set(auth).expect(200)).body.data;
    expect(deliveries.map((d: { eventId: string; status: string; redelivery: boolean }) => [d.eventId, d.status, d.redelivery])).toEqual([
      [eventId, 'pending', true],
      [eventId, 'delivered', false],
    ]);
    await deliver();
    await eventually(() => receiver.received.length === 2, 10_000, 'the redelivery');
    expect(receiver.received[1]!.headers[EVENT_ID_HEADER.toLowerCase()]).toBe(eventId);
    expect((await browser.get(`/console/webhooks/${hook.body.id}`).expect(200)).text).toContain('delivered (redelivery)');

    // a disabled endpoint shows why, and Enable again turns it back on
    await request(t.app).patch(`${api}/webhooks/${hook.body.id}`).set(auth).send({ enabled: false }).expect(200);
    expect((await browser.get('/console/webhooks').expect(200)).text).toMatch(
      /disabled since 2026-03-01 09:00 UTC: disabled by api-token:/,
    );
    expect((await browser.get(`/console/webhooks/${hook.body.id}`).expect(200)).text).toContain('Enable again');
    const enabled = await browser.post(`/console/webhooks/${hook.body.id}/enable`).type('form').send({ _csrf: csrf }).expect(303);
    expect(enabled.headers.location).toBe(`/console/webhooks/${hook.body.id}?enabled=1`);
    expect((await request(t.app).get(`${api}/webhooks/${hook.body.id}`).set(auth).expect(200)).body.status).toBe('active');

    // an admin gets the console's 403 page, on the list, the log and the buttons
    const admin = await browserOf(`bill@${domain}`);
    for (const path of ['/console/webhooks', `/console/webhooks/${hook.body.id}`]) {
      const refused = await admin.browser.get(path).expect(403);
      expect(refused.text).toContain('This page is for owners of the organization.');
    }
    await admin.browser.post(redeliver).type('form').send({ _csrf: admin.csrf }).expect(403);
    expect((await admin.browser.get('/console').expect(200)).text).not.toContain('href="/console/webhooks"');

    // another org's endpoint, or none, is not found
    const other = await orgWithToken(t.app, 'owner');
    const theirs = await request(t.app)
      .post(`/api/v1/orgs/${other.orgId}/webhooks`)
      .set(other.auth)
      .send({ url: 'https://crm.example.com/hooks', types: ['*'] })
      .expect(201);
    for (const id of [theirs.body.id, 'whk_00000000000000000000']) {
      const missing = await browser.get(`/console/webhooks/${id}`).expect(404);
      expect(missing.text).toContain('Back');
      await browser.post(`/console/webhooks/${id}/deliveries/${eventId}/redeliver`).type('form').send({ _csrf: csrf }).expect(404);
      await browser.post(`/console/webhooks/${id}/enable`).type('form').send({ _csrf: csrf }).expect(404);
    }
    expect((await browser.get('/console/webhooks').expect(200)).text).not.toContain(theirs.body.id);
    expect(receiver.received).toHaveLength(2);
  });
});

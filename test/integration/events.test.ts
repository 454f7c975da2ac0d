import request from 'supertest';
import { createTestApp, type TestApp } from '../support/testApp';
import { operator, orgWithToken, scimOrg, tokenFor } from '../support/httpFixtures';
import { linkFromOutbox } from '../support/outbox';
import { admitSsoUser } from '../../src/domain/provisioning/admission';
import { updateProvisioningSettings } from '../../src/domain/provisioning/settings';
import { renewDueContracts } from '../../src/domain/renewal/renewal';
import { deleteOldEvents } from '../../src/domain/events/events';
import { runWorkers } from '../support/runWorkers';
import { queryRows } from '../support/dbRows';

type FeedEvent = {
  id: string;
  type: string;
  orgId: string;
  occurredAt: string;
  actor: { type: string; id: string | null };
  data: Record<string, any>;
};

/** Every change as an event, in the transaction of the change, readable as an ordered feed. */
describe('events', () => {
  let t: TestApp;
  beforeEach(() => {
    t = createTestApp('2026-03-01T09:00:00Z');
  });
  afterEach(() => t.ctx.close());

  const orgFeed = async (orgId: string, auth: Record<string, string>, query = '') =>
    (await request(t.app).get(`/api/v1/orgs/${orgId}/events?limit=1000${query}`).set(auth).expect(200)).body as {
      data: FeedEvent[];
      nextCursor: string;
    };
  const types = (events: FeedEvent[]) => events.map((e) => e.type);

  it('records each manual-invitation step, seat change, role change and purchase with its data and actor', async () => {
    const { orgId, auth, org } = await orgWithToken(t.app, 'owner', { contract: { seats: { standard: 10, premium: 2 } } });
    const domain = org.domains[0];
    const start = (await orgFeed(orgId, auth)).nextCursor;
    expect(types((await orgFeed(orgId, auth)).data)).toEqual(['member.created', 'invitation.created']); // the primary owner's

    const jane = await request(t.app)
      .post(`/api/v1/orgs/${orgId}/members`)
      .set(auth)
      .send({ email: `jane@${domain}` })
      .expect(201);
    await request(t.app)
      .get(new URL(linkFromOutbox(t.ctx.outboxDir, `jane@${domain}`)).pathname)
      .expect(200);
    await request(t.app)
      .patch(`/api/v1/orgs/${orgId}/members/${jane.body.member.id}`)
      .set(auth)
      .send({ seatType: 'premium', role: 'admin' })
      .expect(200);
    const bob = await request(t.app)
      .post(`/api/v1/orgs/${orgId}/members`)
      .set(auth)
      .send({ email: `bob@${domain}` })
      .expect(201);
    await request(t.app).delete(`/api/v1/orgs/${orgId}/invitations/${bob.body.invitation.id}`).set(auth).expect(200);
    await request(t.app)
      .post(`/api/v1/orgs/${orgId}/members`)
      .set(auth)
      .send({ email: `old@${domain}` })
      .expect(201);
    t.ctx.clock.set('2026-03-23T09:00:00Z');
    await request(t.app).get(`/api/v1/orgs/${orgId}/members`).set(auth).expect(200); // reads sweep expired invitations
    await request(t.app)
      .post(`/api/v1/orgs/${orgId}/seats/purchases`)
      .set(auth)
      .set('Idempotency-Key', 'k1')
      .send({ add: { standard: 5, premium: 0 } })
      .expect(201);

    const { data } = await orgFeed(orgId, auth, `&after=${start}`);
    expect(types(data)).toEqual([
      'member.created',
      'invitation.created',
      'invitation.accepted',
      'member.seat_changed',
      'member.role_changed',
      'member.created',
      'invitation.created',
      'invitation.revoked',
      'member.deleted',
      'member.created',
      'invitation.created',
      'invitation.expired',
      'invitation.expired', // the primary owner never accepted either
      'invoice.created',
      'seats.purchased',
    ]);
    const byType = (type: string) => data.filter((e) => e.type === type);
    expect(byType('member.seat_changed')[0]!.data).toMatchObject({ from: 'standard', to: 'premium', member: { email: `jane@${domain}` } });
    expect(byType('member.role_changed')[0]!.data).toMatchObject({ from: 'member', to: 'admin' });
    expect(byType('invitation.accepted')[0]!.actor).toEqual({ type: 'member', id: jane.body.member.id });
    expect(byType('member.created')[0]!.actor).toMatchObject({ type: 'api_token', id: expect.stringMatching(/^tok_/) });
    expect(byType('invitation.expired').map((e) => [e.actor, e.data.email])).toEqual([
      [{ type: 'system', id: null }, `owner@${domain}`],
      [{ type: 'system', id: null }, `old@${domain}`],
    ]);
    const invoice = byType('invoice.created')[0]!.data.invoice;
    expect(invoice).toMatchObject({ number: 'INV-2026-000001', total: 5 * 30000, lines: [{ kind: 'add_standard', quantity: 5 }] });
    expect(byType('seats.purchased')[0]!.data).toMatchObject({ change: { add: { standard: 5 } }, invoiceId: invoice.id });
    for (const e of data) {
      expect(e).toMatchObject({ id: expect.stringMatching(/^evt_/), orgId, occurredAt: expect.any(String) });
    }
  });

  it('records SCIM creates, deactivations and deletes, JIT admissions, refusals for lack of a seat and the alerts they open', async () => {
    const s = await scimOrg(t.app, { standard: 2, premium: 0 });
    const after = (await orgFeed(s.orgId, s.admin)).nextCursor;
    const user = (name: string) => ({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: `${name}@${s.domain}`,
      active: true,
    });
    const ada = await request(t.app).post('/scim/v2/Users').set(s.scim).send(user('ada')).expect(201);
    await request(t.app).post('/scim/v2/Users').set(s.scim).send(user('bob')).expect(403); // the owner's invitation holds the other seat
    await request(t.app)
      .patch(`/scim/v2/Users/${ada.body.id}`)
      .set(s.scim)
      .send({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'active', value: false }] })
      .expect(200);
    await request(t.app).delete(`/scim/v2/Users/${ada.body.id}`).set(s.scim).expect(204);
    const { data } = await orgFeed(s.orgId, s.admin, `&after=${after}`);
    expect(types(data)).toEqual([
      'member.created', // alerts react to it, in its transaction: the cause comes first
      'alert.opened', // 2 of 2: one alert for the pool, at the highest threshold reached (100%)
      'signin.refused',
      'alert.opened', // the refusal alert
      'member.deactivated', // a PATCH of `active` alone changes no profile: no member.updated
      'member.deleted',
    ]);
    expect(data[0]).toMatchObject({
      actor: { type: 'scim_token' },
      data: { path: 'scim', member: { email: `ada@${s.domain}`, status: 'active' } },
    });
    expect(data[2]!.data).toEqual({ email: `bob@${s.domain}`, path: 'scim', seatType: 'standard', reason: 'no-seat-available' });
    expect(data[1]!.data.alert).toMatchObject({ kind: 'pool_threshold', seatType: 'standard', threshold: 100 });
    expect(data[3]!.data.alert).toMatchObject({ kind: 'seat_refused', seatType: 'standard' });
    // seats added: the alerts whose condition no longer holds resolve, as events too
    await request(t.app)
      .post(`/api/v1/orgs/${s.orgId}/seats/purchases`)
      .set(s.owner)
      .set('Idempotency-Key', 'more')
      .send({ add: { standard: 10 } })
      .expect(201);
    const resolved = (await orgFeed(s.orgId, s.admin, '&types=alert.resolved')).data;
    expect(resolved.map((e) => e.data.alert.kind).sort()).toEqual(['pool_threshold', 'seat_refused']);

    const jit = await orgWithToken(t.app, 'owner', { contract: { seats: { standard: 2, premium: 0 } } });
    await updateProvisioningSettings(t.ctx, jit.orgId, { mode: 'jit' }, { actor: 'test', role: 'owner' });
    const before = (await orgFeed(jit.orgId, jit.auth)).nextCursor;
    await admitSsoUser(t.ctx, jit.orgId, { email: `ann@${jit.org.domains[0]}` });
    await expect(admitSsoUser(t.ctx, jit.orgId, { email: `ben@${jit.org.domains[0]}` })).rejects.toThrow(/No standard seat is free/);
    const jitEvents = (await orgFeed(jit.orgId, jit.auth, `&after=${before}&types=member.created,signin.refused`)).data;
    expect(jitEvents.map((e) => [e.type, e.data.path, e.actor.type])).toEqual([
      ['member.created', 'jit', 'idp'],
      ['signin.refused', 'jit', 'idp'],
    ]);
  });

  it('records nothing for a change that did not happen', async () => {
    const { orgId, auth } = await orgWithToken(t.app, 'owner', { contract: { seats: { standard: 2, premium: 0 } } });
    const before = (await orgFeed(orgId, auth)).nextCursor;
    // upgrading more Standard seats than are free is refused: no invoice, no event
    await request(t.app)
      .post(`/api/v1/orgs/${orgId}/seats/purchases`)
      .set(auth)
      .set('Idempotency-Key', 'x')
      .send({ upgrade: { standardToPremium: 5 } })
      .expect(409);
    await request(t.app).post(`/api/v1/orgs/${orgId}/members`).set(auth).send({ email: 'someone@elsewhere.example' }).expect(400);
    expect((await orgFeed(orgId, auth, `&after=${before}`)).data).toEqual([]);
  });

  it('records a renewal with its invoice', async () => {
    const { orgId, auth } = await orgWithToken(t.app, 'owner', { contract: { seats: { standard: 3, premium: 0 } } });
    await request(t.app)
      .get(
        new URL(
          linkFromOutbox(t.ctx.outboxDir, `owner@${(await request(t.app).get(`/api/v1/orgs/${orgId}`).set(operator)).body.domains[0]}`),
        ).pathname,
      )
      .expect(200);
    const before = (await orgFeed(orgId, auth)).nextCursor;
    t.ctx.clock.set('2027-01-02T09:00:00Z');
    await renewDueContracts(t.ctx);
    const { data } = await orgFeed(orgId, auth, `&after=${before}&types=contract.renewed,invoice.created`);
    expect(types(data)).toEqual(['invoice.created', 'contract.renewed']);
    expect(data[1]!.data).toMatchObject({
      term: { start: '2027-01-01' },
      seats: { standard: 1, premium: 0 },
      invoiceId: data[0]!.data.invoice.id,
    });
  });

  it('pages the feed with a cursor, filters by type, keeps orgs apart and answers 410 for a cursor older than retention', async () => {
    const a = await orgWithToken(t.app, 'owner');
    const b = await orgWithToken(t.app, 'owner');
    const admin = await tokenFor(t.app, a.orgId, 'admin');
    const all = (await request(t.app).get('/api/v1/events').set(operator).expect(200)).body;
    expect(new Set(all.data.map((e: FeedEvent) => e.orgId))).toEqual(new Set([a.orgId, b.orgId]));
    const mine = await orgFeed(a.orgId, admin);
    expect(mine.data.every((e) => e.orgId === a.orgId)).toBe(true);
    const first = (await request(t.app).get('/api/v1/events?limit=1').set(operator).expect(200)).body;
    const second = (await request(t.app).get(`/api/v1/events?limit=1&after=${first.nextCursor}`).set(operator).expect(200)).body;
    expect([...first.data, ...second.data]).toEqual(all.data.slice(0, 2));
    const end = (await request(t.app).get(`/api/v1/events?after=${all.nextCursor}`).set(operator).expect(200)).body;
    expect(end).toEqual({ data: [], nextCursor: all.nextCursor });
    const invitations = (await request(t.app).get('/api/v1/events?types=invitation.created').set(operator).expect(200)).body.data;
    expect(invitations).toHaveLength(2);
    await request(t.app).get('/api/v1/events?types=member.exploded').set(operator).expect(400);
    await request(t.app).get(`/api/v1/orgs/${b.orgId}/events`).set(a.auth).expect(404);
    await request(t.app).get('/api/v1/events').set(a.auth).expect(401);

    t.ctx.clock.set('2026-06-01T09:00:00Z');
    expect(await deleteOldEvents(t.ctx, 90)).toBe(all.data.length);
    const gone = await request(t.app).get('/api/v1/events?after=1').set(operator).expect(410);
    expect(gone.body).toMatchObject({ type: 'urn:seatd:problem:cursor-expired', status: 410 });
    await request(t.app).get(`/api/v1/events?after=${all.nextCursor}`).set(operator).expect(200);
  });

  it('misses nothing and repeats nothing while 4 processes write and a consumer polls', async () => {
    const { orgId } = await orgWithToken(t.app, 'owner', { contract: { seats: { standard: 400, premium: 0 } } });
    await updateProvisioningSettings(t.ctx, orgId, { mode: 'jit' }, { actor: 'test', role: 'owner' });
    const domain = (await request(t.app).get(`/api/v1/orgs/${orgId}`).set(operator)).body.domains[0];
    const seen: FeedEvent[] = [];
    let cursor = '0';
    let writing = true;
    const poll = async () => {
      const page = (await request(t.app).get(`/api/v1/events?after=${cursor}&limit=50`).set(operator).expect(200)).body;
      seen.push(...page.data);
      cursor = page.nextCursor;
      return page.data.length;
    };
    const consumer = (async () => {
      while (writing) {
        await poll();
        await new Promise((r) => setTimeout(r, 5));
      }
      while ((await poll()) > 0);
    })();
    await runWorkers(
      Array.from({ length: 4 }, (_, w) => ({
        op: 'admit',
        dbFile: t.ctx.dbFile,
        now: '2026-03-01T09:00:00Z',
        orgId,
        emails: Array.from({ length: 60 }, (_, i) => `w${w}-p${i}@${domain}`),
      })),
    );
    writing = false;
    await consumer;
    const created = seen.filter((e) => e.type === 'member.created' && e.data.path === 'jit');
    expect(created).toHaveLength(240);
    expect(new Set(seen.map((e) => e.id)).size).toBe(seen.length);
    const stored = await queryRows<{ id: string }>(t.ctx.db, 'SELECT id FROM events ORDER BY seq');
    expect(seen.map((e) => e.id)).toEqual(stored.map((r) => r.id));
    // each worker's admissions appear in the order that worker made them
    for (let w = 0; w < 4; w++) {
      const order = created
        .filter((e) => e.data.member.email.startsWith(`w${w}-`))
        .map((e) => Number(/-p(\d+)@/.exec(e.data.member.email)![1]));
      expect(order).toEqual([...order].sort((x, y) => x - y));
    }
  });
});

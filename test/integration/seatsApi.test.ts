import request from 'supertest';
import { createTestApp, type TestApp } from '../support/testApp';
import { orgWithToken, SEED_CHANGE, tokenFor } from '../support/httpFixtures';
import { linkFromOutbox, tokenOf } from '../support/outbox';
import { renewDueContracts } from '../../src/domain/renewal/renewal';

describe('org API: seats, quotes, purchases, invoices, renewal, audit', () => {
  let t: TestApp;
  let orgId: string;
  let auth: Record<string, string>;
  beforeEach(async () => {
    t = createTestApp('2026-03-01T09:00:00Z');
    ({ orgId, auth } = await orgWithToken(t.app));
  });
  afterEach(() => t.ctx.close());

  const url = (p: string) => `/api/v1/orgs/${orgId}${p}`;

  it('runs the seed example end to end: quote, purchase, replay, invoice, seats', async () => {
    const quote = await request(t.app).post(url('/seats/quote')).set(auth).send(SEED_CHANGE).expect(200);
    expect(quote.body).toMatchObject({ currency: 'USD', remainingMonths: 10, total: 450000 });
    expect(
      quote.body.lines.map((l: { kind: string; quantity: number; unitAmount: number; amount: number }) => [
        l.kind,
        l.quantity,
        l.unitAmount,
        l.amount,
      ]),
    ).toEqual([
      ['add_standard', 5, 30000, 150000],
      ['upgrade_standard_to_premium', 10, 30000, 300000],
    ]);
    await request(t.app).get(url('/invoices')).set(auth).expect(200, { invoices: [], nextCursor: null });

    const bought = await request(t.app)
      .post(url('/seats/purchases'))
      .set(auth)
      .set('Idempotency-Key', 'seed-1')
      .send(SEED_CHANGE)
      .expect(201);
    const invoice = bought.body.invoice;
    expect(invoice).toMatchObject({ number: 'INV-2026-000001', currency: 'USD', total: 450000, issuedAt: '2026-03-01T09:00:00.000Z' });
    expect(invoice.lines).toEqual(quote.body.lines);
    expect(bought.headers.location).toBe(url(`/invoices/${invoice.id}`));

    const replay = await request(t.app)
      .post(url('/seats/purchases'))
      .set(auth)
      .set('Idempotency-Key', 'seed-1')
      .send(SEED_CHANGE)
      .expect(200);
    expect(replay.body.invoice).toEqual(invoice);
    const other = await request(t.app)
      .post(url('/seats/purchases'))
      .set(auth)
      .set('Idempotency-Key', 'seed-1')
      .send({ ...SEED_CHANGE, add: { standard: 6, premium: 0 } })
      .expect(409);
    expect(other.body.type).toBe('urn:seatd:problem:idempotency-key-reused');

    await request(t.app)
      .get(url(`/invoices/${invoice.id}`))
      .set(auth)
      .expect(200, invoice);
    const list = await request(t.app).get(url('/invoices')).set(auth).expect(200);
    expect(list.body.invoices).toEqual([invoice]);
    const seats = await request(t.app).get(url('/seats')).set(auth).expect(200);
    expect(seats.body).toEqual({
      standard: { purchased: 95, assigned: 1, available: 94 },
      premium: { purchased: 10, assigned: 0, available: 10 },
      term: { start: '2026-01-01', end: '2026-12-31' },
    });
  });

  it('quotes from today when no date is given, and refuses bad bodies naming the field', async () => {
    t.ctx.clock.set('2026-11-24T12:00:00Z');
    const quote = await request(t.app)
      .post(url('/seats/quote'))
      .set(auth)
      .send({ add: { standard: 1 } })
      .expect(200);
    expect(quote.body).toMatchObject({ effectiveDate: '2026-11-24', remainingMonths: 2, total: 6000 });
    const unknown = await request(t.app)
      .post(url('/seats/quote'))
      .set(auth)
      .send({ add: { standrd: 1 } })
      .expect(400);
    expect(unknown.body.errors[0].field).toBe('add');
    const negative = await request(t.app)
      .post(url('/seats/quote'))
      .set(auth)
      .send({ add: { standard: -3 } })
      .expect(400);
    expect(negative.body.errors).toEqual([
      { field: 'add.standard', message: 'seats cannot be removed during a term; the total never goes down, seats are reassigned' },
    ]);
    const downgrade = await request(t.app)
      .post(url('/seats/quote'))
      .set(auth)
      .send({ upgrade: { standardToPremium: -1 } })
      .expect(400);
    expect(downgrade.body.detail).toMatch(/downgrades are not possible/);
    const outside = await request(t.app)
      .post(url('/seats/quote'))
      .set(auth)
      .send({ add: { standard: 1 }, effectiveDate: '2027-02-01' })
      .expect(400);
    expect(outside.body.errors[0].field).toBe('effectiveDate');
  });

  it('requires an Idempotency-Key and refuses future-dated purchases', async () => {
    const missing = await request(t.app).post(url('/seats/purchases')).set(auth).send(SEED_CHANGE).expect(400);
    expect(missing.body.errors[0].field).toBe('Idempotency-Key');
    const future = await request(t.app)
      .post(url('/seats/purchases'))
      .set(auth)
      .set('Idempotency-Key', 'f')
      .send({ ...SEED_CHANGE, effectiveDate: '2026-06-01' })
      .expect(400);
    expect(future.body.errors[0].field).toBe('effectiveDate');
  });

  it('lets admins see seats and quotes but not buy, see invoices or the renewal', async () => {
    const admin = await tokenFor(t.app, orgId, 'admin');
    await request(t.app).get(url('/seats')).set(admin).expect(200);
    await request(t.app).post(url('/seats/quote')).set(admin).send(SEED_CHANGE).expect(200);
    const buy = await request(t.app).post(url('/seats/purchases')).set(admin).set('Idempotency-Key', 'a').send(SEED_CHANGE).expect(403);
    expect(buy.body.type).toBe('urn:seatd:problem:forbidden');
    await request(t.app).get(url('/invoices')).set(admin).expect(403);
    await request(t.app).get(url('/renewal')).set(admin).expect(403);
  });

  it('refuses missing and bad tokens, and hides other orgs behind 404', async () => {
    await request(t.app).get(url('/seats')).expect(401);
    await request(t.app)
      .get(url('/seats'))
      .set('Authorization', 'Bearer sdapi_tok_00000000000000000000.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')
      .expect(401);
    await request(t.app).get(url('/seats')).set('Authorization', 'Bearer garbage').expect(401);
    const other = await orgWithToken(t.app);
    const bought = await request(t.app)
      .post(`/api/v1/orgs/${other.orgId}/seats/purchases`)
      .set(other.auth)
      .set('Idempotency-Key', 'o')
      .send(SEED_CHANGE)
      .expect(201);
    const res = await request(t.app).get(url('/seats')).set(other.auth).expect(404);
    expect(res.body.type).toBe('urn:seatd:problem:not-found');
    await request(t.app).get(`/api/v1/orgs/${orgId}/invoices/${bought.body.invoice.id}`).set(auth).expect(404);
    await request(t.app).get(url('/invoices/inv_00000000000000000000')).set(auth).expect(404);
  });

  it('quotes the renewal and lists the audit log, newest first', async () => {
    await request(t.app).post(url('/seats/purchases')).set(auth).set('Idempotency-Key', 'seed').send(SEED_CHANGE).expect(201);
    const renewal = await request(t.app).get(url('/renewal')).set(auth).expect(200);
    expect(renewal.body).toMatchObject({
      autoRenew: true,
      nextTerm: { start: '2027-01-01', end: '2027-12-31' },
      seats: { standard: 1, premium: 0 },
      total: 36000,
    });
    const audit = await request(t.app).get(url('/audit')).set(auth).expect(200);
    expect(audit.body.entries.map((e: { action: string }) => e.action)).toEqual([
      'seats.purchase',
      'api-token.create',
      'invitation.create',
      'org.create',
    ]);
    expect(audit.body.entries[0]).toMatchObject({
      actor: expect.stringMatching(/^api-token:tok_/),
      outcome: 'success',
      target: 'INV-2026-000001',
    });
    const page = await request(t.app).get(url('/audit?limit=2')).set(auth).expect(200);
    expect(page.body.entries).toHaveLength(2);
    const next = await request(t.app)
      .get(url(`/audit${page.body.next}`))
      .set(auth)
      .expect(200);
    expect(next.body.entries.map((e: { action: string }) => e.action)).toEqual(['invitation.create', 'org.create']);

    // the provisioning log's filters: action (exact or a "prefix."), outcome, target, from/to, kept across pages
    const actions = async (query: string) =>
      (
        await request(t.app)
          .get(url(`/audit?${query}`))
          .set(auth)
          .expect(200)
      ).body.entries.map((e: { action: string }) => e.action);
    expect(await actions('action=org.create')).toEqual(['org.create']);
    expect(await actions('action=invitation.')).toEqual(['invitation.create']);
    expect(await actions('outcome=refused')).toEqual([]);
    expect(await actions('target=INV-2026-000001')).toEqual(['seats.purchase']);
    expect(await actions('from=2026-03-01T09:00:00Z&to=2026-03-01T09:00:01Z')).toHaveLength(4);
    expect(await actions('to=2026-03-01T09:00:00Z')).toEqual([]);
    const filtered = await request(t.app).get(url('/audit?outcome=success&limit=1')).set(auth).expect(200);
    expect(filtered.body.next).toMatch(/^\?limit=1&outcome=success&before=\d+$/);
    const bad = await request(t.app).get(url('/audit?from=yesterday')).set(auth).expect(400);
    expect(bad.body.detail).toMatch(/ISO 8601/);
  });

  it('shows the renewal once the term has ended: new term, the seats in use, the renewal invoice, the next quote', async () => {
    await request(t.app).post(url('/seats/purchases')).set(auth).set('Idempotency-Key', 'seed').send(SEED_CHANGE).expect(201);
    // the owner's invitation is accepted, so the owner holds the one seat in use at the end of the term
    const invite = await request(t.app).get(url('/invitations')).set(auth).expect(200);
    expect(invite.body.invitations).toHaveLength(1);
    t.ctx.clock.set('2026-03-10T09:00:00Z');
    await request(t.app)
      .get(`/invite/${tokenOf(linkFromOutbox(t.ctx.outboxDir, invite.body.invitations[0].email))}`)
      .expect(200);
    t.ctx.clock.set('2027-01-01T00:00:30Z');
    expect(await renewDueContracts(t.ctx)).toHaveLength(1); // what `seatd serve` runs every INVITATION_SWEEP_SECONDS

    const seats = await request(t.app).get(url('/seats')).set(auth).expect(200);
    expect(seats.body).toEqual({
      standard: { purchased: 1, assigned: 1, available: 0 },
      premium: { purchased: 0, assigned: 0, available: 0 },
      term: { start: '2027-01-01', end: '2027-12-31' },
    });
    const invoices = await request(t.app).get(url('/invoices')).set(auth).expect(200);
    const renewalInvoice = invoices.body.invoices.find((i: { number: string }) => i.number === 'INV-2027-000001');
    expect(renewalInvoice).toMatchObject({
      effectiveDate: '2027-01-01',
      total: 36000,
      lines: [{ kind: 'renew_standard', quantity: 1, amount: 36000 }],
    });
    const next = await request(t.app).get(url('/renewal')).set(auth).expect(200);
    expect(next.body).toMatchObject({ currentTermEnd: '2027-12-31', nextTerm: { start: '2028-01-01' }, seats: { standard: 1 } });
  });
});

import request from 'supertest';
import { createTestApp, type TestApp } from '../support/testApp';
import { orgWithToken, SEED_CHANGE, tokenFor } from '../support/httpFixtures';
import { linkFromOutbox } from '../support/outbox';
import { pdfText } from '../support/pdfText';

const SELLER = { name: 'Seatd Vendor Ltd', address: ['1 Main Street', 'Springfield'] };

/** The API side of the self-serve console: paged invoices, the invoice PDF, the log's path filter, and the console's gates. */
describe('invoices as documents, the provisioning log and console access', () => {
  let t: TestApp;
  let orgId: string;
  let owner: Record<string, string>;
  let domain: string;
  const url = (p: string) => `/api/v1/orgs/${orgId}${p}`;
  const buy = (key: string, add = 1) =>
    request(t.app)
      .post(url('/seats/purchases'))
      .set(owner)
      .set('Idempotency-Key', key)
      .send({ add: { standard: add, premium: 0 }, effectiveDate: '2026-03-01' })
      .expect(201);

  beforeAll(async () => {
    t = createTestApp('2026-03-01T09:00:00Z', { seller: SELLER, authFailuresPerMinute: 3 });
    const created = await orgWithToken(t.app, 'owner', {
      name: 'Initech',
      primaryOwnerName: { givenName: 'Peter', familyName: 'Gibbons' },
    });
    ({ orgId } = created);
    owner = created.auth;
    domain = created.org.domains[0];
  });
  afterAll(() => t.ctx.close());

  it('pages GET /invoices by limit and cursor, newest first, each with its lines', async () => {
    const numbers = [];
    for (const key of ['a', 'b', 'c']) numbers.push((await buy(key)).body.invoice.number as string);
    const first = await request(t.app).get(url('/invoices?limit=2')).set(owner).expect(200);
    expect(first.body.invoices.map((i: { number: string }) => i.number)).toEqual([numbers[2], numbers[1]]);
    expect(first.body.invoices[0].lines).toHaveLength(1);
    expect(first.body.nextCursor).toBe(numbers[1]);
    const second = await request(t.app)
      .get(url(`/invoices?limit=2&cursor=${first.body.nextCursor}`))
      .set(owner)
      .expect(200);
    expect(second.body).toMatchObject({ invoices: [{ number: numbers[0] }], nextCursor: null });
    await request(t.app).get(url('/invoices?cursor=1%20OR%201')).set(owner).expect(400);
    await request(t.app).get(url('/invoices?limit=501')).set(owner).expect(400);
  });

  it('answers an invoice as a PDF with seller, bill-to, status, each line with its period and derivation, and the total', async () => {
    const { invoice } = (
      await request(t.app).post(url('/seats/purchases')).set(owner).set('Idempotency-Key', 'seed').send(SEED_CHANGE).expect(201)
    ).body;
    const res = await request(t.app)
      .get(url(`/invoices/${invoice.id}.pdf`))
      .set(owner)
      .buffer(true)
      .parse((r, done) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="${invoice.number}.pdf"`);
    const text = await pdfText(new Uint8Array(res.body as Buffer));
    expect(text).toContain(`Invoice ${invoice.number}`);
    expect(text).toContain('Status: issued');
    expect(text).toContain('Seatd Vendor Ltd');
    expect(text).toContain('Springfield');
    expect(text).toContain('Initech');
    expect(text).toContain(`Peter Gibbons <owner@${domain}>`);
    // the seed example: 5 Standard at 360.00 and 10 upgrades at (720.00 − 360.00), 10 of 12 months
    expect(text).toMatch(/Standard seat × 5, 10\/12 of the annual price\s+2026-03-01 to 2026-12-31\s+5\s+USD 300\.00\s+USD 1,500\.00/);
    expect(text).toContain('(USD 720.00 - USD 360.00) × 10/12 = USD 300.00 each');
    expect(text).toMatch(/Total\s+USD 4,500\.00/);
    await request(t.app).get(url('/invoices/inv_00000000000000000000.pdf')).set(owner).expect(404);
    await request(t.app)
      .get(url(`/invoices/${invoice.id}.pdf`))
      .set(await tokenFor(t.app, orgId, 'admin'))
      .expect(403);
  });

  it('filters the audit log by the path a change came by', async () => {
    await request(t.app)
      .post(url('/members'))
      .set(owner)
      .send({ email: `joanna@${domain}` })
      .expect(201);
    const api = await request(t.app).get(url('/audit?path=api')).set(owner).expect(200);
    expect(api.body.entries.length).toBeGreaterThan(0);
    expect(api.body.entries.every((e: { actor: string }) => e.actor.startsWith('api-token:'))).toBe(true);
    const invites = await request(t.app).get(url('/audit?path=invite')).set(owner).expect(200);
    expect(invites.body.entries.map((e: { action: string }) => e.action)).toContain('invitation.create');
    expect(invites.body.entries.every((e: { action: string }) => e.action.startsWith('invitation.'))).toBe(true);
    await request(t.app).get(url('/audit?path=fax')).set(owner).expect(400);
  });

  it('gives an admin the identity provider page read-only, keeps them off the token pages, and answers unknown console paths with a way back', async () => {
    await request(t.app)
      .post(url('/members'))
      .set(owner)
      .send({ email: `bill@${domain}`, role: 'admin' })
      .expect(201);
    const browser = request.agent(t.app);
    await browser.get(new URL(linkFromOutbox(t.ctx.outboxDir, `bill@${domain}`)).pathname).expect(200);
    const sso = await browser.get('/console/sso').expect(200);
    expect(sso.text).toContain('owners change them');
    expect(sso.text).not.toContain('Save SAML connection');
    expect(sso.text).toContain(`/sso/${orgId}/saml/acs`);
    for (const path of ['/console/scim', '/console/api-tokens', '/console/invoices']) {
      const refused = await browser.get(path).expect(403);
      expect(refused.text).toContain('href="/console"');
    }
    const missing = await browser.get('/console/nowhere').expect(404);
    expect(missing.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(missing.text).toContain('Back to the console');
    const noSuchPage = await browser.get('/console/members/mem_0/remove').expect(404);
    expect(noSuchPage.text).toContain('href="/console"');
  });

  it('counts every request for an emailed sign-in link against the failed-authentication throttle', async () => {
    const ask = () =>
      request(t.app)
        .post('/console/sign-in')
        .type('form')
        .send({ email: `nobody@${domain}`, via: 'link' });
    for (let i = 0; i < 3; i++) expect((await ask()).status).toBe(200);
    const limited = await ask();
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toMatch(/^\d+$/);
  });
});

describe('signing in to the console through the org’s SSO', () => {
  let t: TestApp;
  afterAll(() => t.ctx.close());

  it('sends an address of an org with a connection to its sign-in page, and offers the button on /console?org=', async () => {
    t = createTestApp('2026-03-01T09:00:00Z');
    const { orgId, auth, org } = await orgWithToken(t.app, 'owner');
    const domain = org.domains[0] as string;
    const via = (email: string) => request(t.app).post('/console/sign-in').type('form').send({ email, via: 'sso' });
    const none = await via(`owner@${domain}`).expect(404);
    expect(none.text).toContain('No single sign-on is set up');
    await request(t.app)
      .put(`/api/v1/orgs/${orgId}/sso/saml`)
      .set(auth)
      .send({ entryPoint: 'https://idp.test/sso', idpIssuer: 'urn:idp', idpCert: 'A'.repeat(200) })
      .expect(200);
    expect((await via(`anyone@${domain}`).expect(303)).headers.location).toBe(`/sso/${orgId}`);
    const page = await request(t.app).get(`/console?org=${orgId}`).expect(401);
    expect(page.text).toContain(`href="/sso/${orgId}"`);
    expect((await request(t.app).get('/console?org=org_unknown').expect(401)).text).not.toContain('href="/sso/');
  });
});

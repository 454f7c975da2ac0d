import request from 'supertest';
import { createApp } from '../../src/app';
import { createLogger } from '../../src/logger';
import { createTestApp, OPERATOR_TOKEN, type TestApp } from '../support/testApp';
import { operator, orgWithToken } from '../support/httpFixtures';
import { seedOrgInput } from '../support/testContext';
import { linkFromOutbox } from '../support/outbox';

/** No stack trace, no 500: bad input gets a clear answer in the shape of the surface it came to. */
describe('bad input', () => {
  let t: TestApp;
  let orgId: string;
  let domain: string;
  let owner: Record<string, string>;
  beforeEach(async () => {
    t = createTestApp('2026-03-01T09:00:00Z');
    const created = await orgWithToken(t.app, 'owner');
    ({ orgId } = created);
    domain = created.org.domains[0];
    owner = created.auth;
  });
  afterEach(() => t.ctx.close());

  /** A page a person can read, with seatd's headers, and nothing of the server's insides. */
  function expectPage(res: request.Response, status: number) {
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.text).not.toMatch(/at \S+ \(|node_modules|\.ts:\d+|Error:/);
  }
  /** The primary owner accepts their invitation: a browser with a console session. */
  async function ownerBrowser() {
    const browser = request.agent(t.app);
    await browser.get(new URL(linkFromOutbox(t.ctx.outboxDir, `owner@${domain}`)).pathname).expect(200);
    const csrf = /name="_csrf" value="([^"]+)"/.exec((await browser.get('/console').expect(200)).text)![1]!;
    return { browser, csrf };
  }

  it('treats a malformed session cookie as no session, on every surface', async () => {
    const cookie = 'seatd_session=%E0%A4%A; seatd_signin=%ZZ';
    expectPage(await request(t.app).get('/console').set('Cookie', cookie), 401);
    const api = await request(t.app).get(`/api/v1/orgs/${orgId}/seats`).set('Cookie', cookie).expect(401);
    expect(api.headers['content-type']).toMatch(/^application\/problem\+json/);
    const scim = await request(t.app).get('/scim/v2/Users').set('Cookie', cookie).expect(401);
    expect(scim.body.schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:Error']);
  });

  it('answers malformed paths and unknown things with a page', async () => {
    expectPage(await request(t.app).get('/invite/%ZZ'), 400);
    expectPage(await request(t.app).get('/login/%E0%A4%A'), 400);
    expectPage(await request(t.app).get('/no/such/page'), 404);
    const { browser, csrf } = await ownerBrowser();
    expectPage(await browser.get('/console/invoices/inv_00000000000000000000'), 404);
    expectPage(await browser.post('/console/alerts/alrt_nope/ack').type('form').send({ _csrf: csrf }), 404);
  });

  it('answers unknown API and SCIM paths in their own shapes', async () => {
    const api = await request(t.app).get('/api/nope').expect(404);
    expect(api.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(api.headers['x-content-type-options']).toBe('nosniff');
    const scim = await request(t.app).get('/scim/nope').expect(404);
    expect(scim.headers['content-type']).toMatch(/^application\/scim\+json/);
    expect(scim.body).toMatchObject({ status: '404' });
  });

  it('bounds seat counts: a change of 100 billion seats is a clear 400, and nothing is bought', async () => {
    const huge = { add: { standard: 1e11, premium: 0 } };
    const quote = await request(t.app).post(`/api/v1/orgs/${orgId}/seats/quote`).set(owner).send(huge).expect(400);
    expect(quote.body.detail).toMatch(/at most 1,000,000 seats/);
    await request(t.app).post(`/api/v1/orgs/${orgId}/seats/purchases`).set(owner).set('Idempotency-Key', 'k').send(huge).expect(400);
    await request(t.app)
      .post(`/api/v1/orgs/${orgId}/seats/quote`)
      .set(owner)
      .send({ add: { standard: 999_999, premium: 999_999 } })
      .expect(400);
    expect((await request(t.app).get(`/api/v1/orgs/${orgId}/seats`).set(owner).expect(200)).body.standard.purchased).toBe(100);
    await request(t.app).get(`/api/v1/orgs/${orgId}/seats/forecast`).set(owner).expect(200);
  });

  it('holds the console’s purchase form to the API’s Idempotency-Key cap', async () => {
    const { browser, csrf } = await ownerBrowser();
    const res = await browser
      .post('/console/seats/confirm')
      .type('form')
      .send({ _csrf: csrf, idempotencyKey: 'k'.repeat(60_000), addStandard: '1', addPremium: '0', upgradeStandardToPremium: '0' });
    expectPage(res, 400);
    expect(res.text).toContain('at most 200 characters');
    expect((await request(t.app).get(`/api/v1/orgs/${orgId}/invoices`).set(owner).expect(200)).body.invoices).toEqual([]);
  });

  it.each([
    ['0050-01-01', /not be before 2000-01-01/],
    ['1926-01-01', /not be before 2000-01-01/],
    ['2024-01-01', /within one term before today/],
    ['2028-01-01', /at most one year ahead/],
  ])('refuses a contract term starting %s', async (termStart, reason) => {
    const res = await request(t.app)
      .post('/api/v1/orgs')
      .set(operator)
      .send(seedOrgInput({ contract: { termStart } }))
      .expect(400);
    expect(res.body.detail).toMatch(reason);
  });

  it('refuses prices past the bound', async () => {
    const res = await request(t.app)
      .post('/api/v1/orgs')
      .set(operator)
      .send(seedOrgInput({ contract: { prices: { standard: 36000, premium: 2 ** 53 } } }))
      .expect(400);
    expect(JSON.stringify(res.body)).toMatch(/at most 100000000/);
  });

  it('sends HSTS when served over https', async () => {
    const app = createApp({
      ctx: t.ctx,
      config: { operatorToken: OPERATOR_TOKEN, publicUrl: 'https://seatd.example' },
      logger: createLogger('silent'),
    });
    const res = await request(app).get('/healthz').expect(200);
    expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect((await request(t.app).get('/healthz')).headers['strict-transport-security']).toBeUndefined();
  });
});

import request from 'supertest';
import { createTestApp, type TestApp } from '../support/testApp';
import { orgWithToken } from '../support/httpFixtures';
import { startCraftedOidcIdp, type Craft } from '../support/craftedOidcIdp';
import { queryRow } from '../support/dbRows';
import { testBackend } from '../support/testContext';

/** Each forged or mismatched ID token is refused with a 401 page, and nobody is created. */
describe('OIDC: ID tokens seatd must refuse', () => {
  let t: TestApp;
  let idp: Awaited<ReturnType<typeof startCraftedOidcIdp>>;
  let orgId: string;
  let domain: string;

  beforeAll(async () => {
    idp = await startCraftedOidcIdp('seatd');
  });
  afterAll(() => idp.close());
  beforeEach(async () => {
    t = createTestApp(new Date().toISOString());
    const created = await orgWithToken(t.app, 'owner', { provisioningMode: 'jit', contract: { seats: { standard: 5, premium: 0 } } });
    ({ orgId } = created);
    domain = created.org.domains[0];
    await request(t.app)
      .put(`/api/v1/orgs/${orgId}/sso/oidc`)
      .set(created.auth)
      .send({ issuer: idp.issuer, clientId: 'seatd', clientSecret: 'secret' })
      .expect(200);
  });
  afterEach(() => t.ctx.close());

  /** seatd's login gives state and nonce; the IdP answers the code with the crafted token. */
  async function signIn(craft: Craft) {
    const browser = request.agent(t.app);
    const login = await browser.get(`/sso/${orgId}/oidc/login`).expect(302);
    const authorize = new URL(login.headers.location!);
    idp.prepare(craft, `ada@${domain}`, authorize.searchParams.get('nonce')!);
    return browser.get(`/sso/${orgId}/oidc/callback?code=the-code&state=${authorize.searchParams.get('state')}`);
  }
  const members = async () => (await queryRow<{ n: number }>(t.ctx.db, "SELECT count(*) AS n FROM members WHERE source = 'jit'"))!.n;
  // anonymous failures are counted per reason and minute, with the last one's message; among failures of the same instant
  // (the test clock stands still), the newest row: SQLite's rowid, PostgreSQL's xmin (each failure is recorded in its own transaction)
  const lastReason = async () =>
    (await queryRow<{ reason: string }>(
      t.ctx.db,
      `SELECT last_detail AS reason, reason AS category FROM sign_in_failures WHERE kind = 'oidc' ORDER BY last_at DESC, ${
        testBackend === 'postgres' ? 'xmin::text::bigint' : 'rowid'
      } DESC LIMIT 1`,
    ))!.reason;

  it('accepts the well-formed token (the harness itself works)', async () => {
    expect((await signIn('valid')).status).toBe(303);
    expect(await members()).toBe(1);
  });

  it.each<[Craft, RegExp]>([
    ['bad-signature', /signature/i],
    ['wrong-audience', /aud/i],
    ['wrong-issuer', /iss/i],
    ['nonce-mismatch', /nonce/i],
    ['alg-none', /alg|signature|JWS|unsupported/i],
    ['expired', /exp|expired|timestamp/i],
  ])('%s', async (craft, reason) => {
    const res = await signIn(craft);
    expect(res.status).toBe(401);
    expect(res.text).toContain('Sign-in failed');
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(await lastReason()).toMatch(reason);
    expect(await members()).toBe(0);
  });
});

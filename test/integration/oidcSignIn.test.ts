import request from 'supertest';
import { createTestApp, type TestApp } from '../support/testApp';
import { orgWithToken } from '../support/httpFixtures';
import { browseIdp, startOidcProvider } from '../support/oidcIdp';
import { queryRow } from '../support/dbRows';

/** OIDC sign-in against a real OpenID Provider (oidc-provider) running in the test. */
describe('OIDC sign-in', () => {
  let t: TestApp;
  let idp: Awaited<ReturnType<typeof startOidcProvider>>;
  let orgId: string;
  let domain: string;
  let admin: Record<string, string>;
  let redirectUri: string;
  /** The person's browser: a sign-in is finished only in the browser that started it. */
  let browser: ReturnType<typeof request.agent>;

  beforeEach(async () => {
    t = createTestApp(new Date().toISOString());
    browser = request.agent(t.app);
    const created = await orgWithToken(t.app, 'owner', { provisioningMode: 'jit', contract: { seats: { standard: 2, premium: 0 } } });
    ({ orgId } = created);
    admin = created.auth;
    domain = created.org.domains[0];
    redirectUri = `http://seatd.test/sso/${orgId}/oidc/callback`;
    idp = await startOidcProvider({
      clientId: 'seatd',
      clientSecret: 'seatd-client-secret-0123456789',
      redirectUri,
      postLogoutRedirectUri: `http://seatd.test/sso/${orgId}/oidc/signed-out`,
    });
    const configured = await request(t.app)
      .put(`/api/v1/orgs/${orgId}/sso/oidc`)
      .set(admin)
      .send({ issuer: idp.issuer, clientId: 'seatd', clientSecret: 'seatd-client-secret-0123456789' })
      .expect(200);
    expect(configured.body).toMatchObject({
      redirectUri,
      postLogoutRedirectUri: `http://seatd.test/sso/${orgId}/oidc/signed-out`,
      clientSecretSet: true,
    });
    expect(configured.body.clientSecret).toBeUndefined();
  });
  afterEach(async () => {
    await idp.close();
    t.ctx.close();
  });

  /** seatd's login → the IdP (authorization code + PKCE, state, nonce) → back at seatd's callback URL. */
  async function signInAtIdp(email: string, verified = true): Promise<URL> {
    idp.signInAs(email, { email, email_verified: verified, given_name: 'Ada', family_name: 'Lovelace' });
    const login = await browser.get(`/sso/${orgId}/oidc/login`).expect(302);
    const authorize = new URL(login.headers.location!);
    expect(authorize.origin).toBe(idp.issuer);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('nonce')).toBeTruthy();
    return browseIdp(login.headers.location!, redirectUri);
  }
  const callback = (url: URL) => browser.get(`${url.pathname}${url.search}`);
  const jitMembers = async () =>
    (await queryRow<{ n: number }>(t.ctx.db, "SELECT count(*) AS n FROM members WHERE org_id = ? AND source = 'jit'", orgId))!.n;

  it('admits an unknown person just in time, with a session, and lets an existing member back in', async () => {
    const res = await callback(await signInAtIdp(`ada@${domain}`));
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/welcome');
    expect(res.headers['set-cookie']![0]).toMatch(/^seatd_session=.+; HttpOnly; SameSite=Lax/);
    expect(await jitMembers()).toBe(1);
    const again = await callback(await signInAtIdp(`ada@${domain}`)).expect(303);
    expect(again.headers.location).toBe('/welcome');
    expect(await jitMembers()).toBe(1);
  });

  it('refuses with a 403 page when no seat is free', async () => {
    await callback(await signInAtIdp(`ada@${domain}`)).expect(303); // the owner's invitation holds the other seat
    const res = await callback(await signInAtIdp(`grace@${domain}`)).expect(403);
    expect(res.text).toContain('has no free standard seat');
    expect(await jitMembers()).toBe(1);
  });

  it('refuses an unverified email, a tampered state and a replayed callback', async () => {
    await callback(await signInAtIdp(`ada@${domain}`, false)).expect(401);
    const url = await signInAtIdp(`ada@${domain}`);
    const tampered = new URL(url);
    tampered.searchParams.set('state', 'not-the-state-we-sent');
    await callback(tampered).expect(401);
    await callback(url).expect(303);
    await callback(url).expect(401); // the state was used up
    expect(await jitMembers()).toBe(1);
  });

  it('finishes a sign-in only in the browser that started it (login CSRF)', async () => {
    const finished = await signInAtIdp(`ada@${domain}`);
    const elsewhere = await request(t.app).get(`${finished.pathname}${finished.search}`).expect(401); // a brand-new browser
    expect(elsewhere.text).toContain('another browser');
    expect(elsewhere.headers['set-cookie']).toBeUndefined();
    expect(await jitMembers()).toBe(0);
    const login = await browser.get(`/sso/${orgId}/oidc/login`).expect(302);
    expect(login.headers['set-cookie']![0]).toMatch(/^seatd_signin=[^;]+; Max-Age=600; Path=\/sso; Expires=[^;]+; HttpOnly; SameSite=Lax$/);
  });

  it('refuses an unknown person in manual mode', async () => {
    await request(t.app).put(`/api/v1/orgs/${orgId}/provisioning`).set(admin).send({ mode: 'manual' }).expect(200);
    const res = await callback(await signInAtIdp(`ada@${domain}`)).expect(401);
    expect(res.text).toContain('has not been invited');
    expect(await jitMembers()).toBe(0);
  });

  describe('signing out of seatd', () => {
    async function signedIn() {
      const res = await callback(await signInAtIdp(`ada@${domain}`)).expect(303);
      const cookie = res.headers['set-cookie']![0]!.split(';')[0]!;
      const csrf = /name="_csrf" value="([^"]+)"/.exec((await request(t.app).get('/welcome').set('Cookie', cookie).expect(200)).text)![1]!;
      return { cookie, csrf };
    }
    const signOut = (s: { cookie: string; csrf: string }) =>
      request(t.app).post('/logout').set('Cookie', s.cookie).type('form').send({ _csrf: s.csrf });

    it('ends only the local session by default', async () => {
      const ada = await signedIn();
      expect((await signOut(ada).expect(200)).text).toContain('You are signed out.');
      await request(t.app).get('/welcome').set('Cookie', ada.cookie).expect(401);
    });

    it('with signOutAtIdp, sends the person to the provider’s end-session endpoint with their ID token, which the provider accepts', async () => {
      await request(t.app)
        .put(`/api/v1/orgs/${orgId}/sso/oidc`)
        .set(admin)
        .send({ issuer: idp.issuer, clientId: 'seatd', clientSecret: 'seatd-client-secret-0123456789', signOutAtIdp: true })
        .expect(200);
      const ada = await signedIn();
      const res = await signOut(ada).expect(303);
      const endSession = new URL(res.headers.location!);
      expect(endSession.origin).toBe(idp.issuer);
      expect(endSession.searchParams.get('post_logout_redirect_uri')).toBe(`http://seatd.test/sso/${orgId}/oidc/signed-out`);
      const hint = JSON.parse(Buffer.from(endSession.searchParams.get('id_token_hint')!.split('.')[1]!, 'base64url').toString('utf8'));
      expect(hint).toMatchObject({ sub: `ada@${domain}`, aud: 'seatd', iss: idp.issuer });
      await request(t.app).get('/welcome').set('Cookie', ada.cookie).expect(401);
      // the provider checks the hint and the registered post-logout URI before asking the person to confirm
      const atProvider = await fetch(endSession, { redirect: 'manual' });
      expect(atProvider.status).toBe(200);
      expect(await atProvider.text()).toMatch(/logout/i);
      await request(t.app).get(`/sso/${orgId}/oidc/signed-out`).expect(200);
    });
  });
});

describe('OIDC in a seatd shared by many orgs (private networks not allowed)', () => {
  it('does not call an issuer on a private address: the sign-in page says the provider is unreachable', async () => {
    const t = createTestApp(new Date().toISOString(), { outboundAllowPrivateNetworks: false });
    const created = await orgWithToken(t.app, 'owner', { provisioningMode: 'jit' });
    const redirectUri = `http://seatd.test/sso/${created.orgId}/oidc/callback`;
    const idp = await startOidcProvider({ clientId: 'seatd', clientSecret: 'seatd-client-secret-0123456789', redirectUri });
    try {
      for (const issuer of [idp.issuer, idp.issuer.replace('127.0.0.1', 'localhost')]) {
        await request(t.app)
          .put(`/api/v1/orgs/${created.orgId}/sso/oidc`)
          .set(created.auth)
          .send({ issuer, clientId: 'seatd', clientSecret: 'seatd-client-secret-0123456789' })
          .expect(200);
        const res = await request(t.app).get(`/sso/${created.orgId}/oidc/login`).expect(502);
        expect(res.text).toContain('could not be reached');
      }
    } finally {
      await idp.close();
      t.ctx.close();
    }
  });
});

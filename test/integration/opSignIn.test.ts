import request from 'supertest';
import { operator } from '../support/httpFixtures';
import { queryRow } from '../support/dbRows';
import type { startOidcProvider } from '../support/oidcIdp';
import { oidcConnectedOrg, registerVendorApp } from '../support/opFixtures';
import { startSeatd } from '../support/seatdServer';
import { relyingParty, type RegisteredApp } from '../support/vendorApp';
import { WebBrowser } from '../support/webBrowser';

/** seatd as the OpenID Provider of a vendor application, with an org signing in through its own OpenID Provider. */
describe('signing in to a vendor application through an OIDC-connected org', () => {
  let seatd: Awaited<ReturnType<typeof startSeatd>>;
  let idp: Awaited<ReturnType<typeof startOidcProvider>>;
  let app: RegisteredApp;
  let orgId: string;
  let domain: string;
  let owner: Record<string, string>;
  const vendorCallback = 'http://vendor.test/callback';

  beforeEach(async () => {
    seatd = await startSeatd();
    ({ orgId, domain, owner, idp } = await oidcConnectedOrg(seatd, { contract: { seats: { standard: 2, premium: 1 } } }));
    app = await registerVendorApp(seatd.app, vendorCallback, ['http://vendor.test/signed-out']);
  });
  afterEach(async () => {
    await idp.close();
    await seatd.close();
  });

  const atVendor = (u: URL) => u.href.startsWith(vendorCallback);

  it('publishes a discovery document with PKCE S256, secret-based client authentication, RS256/ES256 and end_session', async () => {
    const res = await request(seatd.app).get('/.well-known/openid-configuration').expect(200);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.body).toMatchObject({
      issuer: seatd.url,
      authorization_endpoint: `${seatd.url}/oidc/auth`,
      token_endpoint: `${seatd.url}/oidc/token`,
      userinfo_endpoint: `${seatd.url}/oidc/userinfo`,
      jwks_uri: `${seatd.url}/oidc/jwks`,
      end_session_endpoint: `${seatd.url}/oidc/logout`,
      pushed_authorization_request_endpoint: `${seatd.url}/oidc/par`,
      revocation_endpoint: `${seatd.url}/oidc/revoke`,
      code_challenge_methods_supported: ['S256'],
      response_types_supported: ['code'],
    });
    expect(res.body.token_endpoint_auth_methods_supported).toEqual(expect.arrayContaining(['client_secret_basic', 'client_secret_post']));
    expect(res.body.id_token_signing_alg_values_supported).toEqual(expect.arrayContaining(['RS256', 'ES256']));
    expect(res.body.scopes_supported).toEqual(expect.arrayContaining(['openid', 'email', 'profile', 'organization']));
    expect(res.body.claims_supported).toEqual(expect.arrayContaining(['org_id', 'org_name', 'role', 'seat_type', 'groups']));
    const jwks = await request(seatd.app).get('/oidc/jwks').expect(200);
    expect(jwks.body.keys.map((k: { alg: string }) => k.alg).sort()).toEqual(['ES256', 'RS256']);
    for (const key of jwks.body.keys) expect(key.d).toBeUndefined();
    // every endpoint the document names is served by the provider (an error in OAuth's shape, not the web app's 404)
    const endpoints = Object.entries(res.body)
      .filter(([name]) => name.endsWith('_endpoint'))
      .map(([, url]) => new URL(String(url)).pathname);
    expect(endpoints.length).toBe(6);
    for (const endpoint of endpoints) {
      const browserFacing = ['/oidc/auth', '/oidc/logout'].includes(endpoint);
      const answer = await (browserFacing ? request(seatd.app).get(endpoint) : request(seatd.app).post(endpoint)).set(
        'Accept',
        'application/json',
      );
      expect([endpoint, answer.status === 404 ? 404 : 'served']).toEqual([endpoint, 'served']);
    }
  });

  it('admits a new employee just in time and hands the application a code whose tokens carry the seat', async () => {
    const rp = await relyingParty(seatd.url, app);
    idp.signInAs(`ada@${domain}`, { email: `ada@${domain}`, email_verified: true, given_name: 'Ada', family_name: 'Lovelace' });
    const browser = new WebBrowser();
    const { url, pending } = await rp.authorize({ organization: orgId });
    const { url: callback } = await browser.follow(url, atVendor);
    expect(callback.searchParams.get('code')).toBeTruthy();
    const tokens = await rp.redeem(callback, pending);
    const claims = tokens.claims()!;
    expect(claims).toMatchObject({
      iss: seatd.url,
      aud: app.clientId,
      email: `ada@${domain}`,
      email_verified: true,
      name: 'Ada Lovelace',
      given_name: 'Ada',
      family_name: 'Lovelace',
      org_id: orgId,
      org_name: expect.any(String),
      role: 'member',
      seat_type: 'standard',
      groups: [],
    });
    expect(claims.sub).toMatch(/^mem_/);
    const audit = await request(seatd.app).get(`/api/v1/orgs/${orgId}/audit?action=app.sign-in`).set(owner).expect(200);
    expect(JSON.stringify(audit.body)).toContain(app.clientId);
    const userinfo = await rp.userinfo(tokens.access_token, claims.sub);
    expect(userinfo).toMatchObject({ sub: claims.sub, org_id: orgId, seat_type: 'standard', role: 'member' });
    // userinfo answers as of now: a seat upgraded after the sign-in shows there
    await request(seatd.app).patch(`/api/v1/orgs/${orgId}/members/${claims.sub}`).set(owner).send({ seatType: 'premium' }).expect(200);
    expect(await rp.userinfo(tokens.access_token, claims.sub)).toMatchObject({ seat_type: 'premium' });
  });

  async function signIn(email: string, extra: Record<string, string> = { organization: orgId }, browser = new WebBrowser()) {
    const rp = await relyingParty(seatd.url, app);
    idp.signInAs(email, { email, email_verified: true, given_name: 'Grace', family_name: 'Hopper' });
    const { url, pending } = await rp.authorize(extra);
    const { url: callback, page } = await browser.follow(url, atVendor);
    return { rp, callback, page, pending, browser };
  }
  const count = async (sql: string, ...args: unknown[]) => (await queryRow<{ n: number }>(seatd.ctx.db, sql, ...args))!.n;

  it('answers access_denied saying there is no free seat, creates nobody and opens a refusal alert', async () => {
    await signIn(`ada@${domain}`); // the owner's invitation holds the other Standard seat
    const { callback } = await signIn(`grace@${domain}`);
    expect(callback.searchParams.get('code')).toBeNull();
    expect(callback.searchParams.get('error')).toBe('access_denied');
    expect(callback.searchParams.get('error_description')).toContain('no free seat');
    expect(await count('SELECT count(*) AS n FROM members WHERE org_id = ? AND email = ?', orgId, `grace@${domain}`)).toBe(0);
    const alerts = await request(seatd.app).get(`/api/v1/orgs/${orgId}/alerts`).set(owner).expect(200);
    expect(alerts.body.alerts).toEqual(
      expect.arrayContaining([expect.objectContaining({ kind: 'seat_refused', status: 'open', seatType: 'standard' })]),
    );
  });

  it('refuses a deactivated member with access_denied, even with a live session, and userinfo answers 401 for them', async () => {
    const first = await signIn(`ada@${domain}`);
    const tokens = await first.rp.redeem(first.callback, first.pending);
    const sub = tokens.claims()!.sub;
    await request(seatd.app).patch(`/api/v1/orgs/${orgId}/members/${sub}`).set(owner).send({ active: false }).expect(200);
    await expect(first.rp.userinfo(tokens.access_token, sub)).rejects.toMatchObject({ status: 401 });
    const again = await signIn(`ada@${domain}`, { organization: orgId }, first.browser);
    expect(again.callback.searchParams.get('error')).toBe('access_denied');
  });

  it('refuses a person the org has not admitted (manual mode: not invited) with access_denied, and an unknown organization', async () => {
    await request(seatd.app).put(`/api/v1/orgs/${orgId}/provisioning`).set(owner).send({ mode: 'manual' }).expect(200);
    const { callback } = await signIn(`ada@${domain}`);
    expect(callback.searchParams.get('error')).toBe('access_denied');
    expect(callback.searchParams.get('error_description')).toContain('has not been invited');
    const unknown = await signIn(`ada@${domain}`, { organization: 'org_00000000000000000000' });
    expect(unknown.callback.searchParams.get('error')).toBe('invalid_request');
  });

  it('finds the org from login_hint by its verified domain', async () => {
    const { callback } = await signIn(`ada@${domain}`, { login_hint: `ada@${domain}` });
    expect(callback.searchParams.get('code')).toBeTruthy();
  });

  it('asks for the work email when the application names no org, and says so plainly for an unknown domain', async () => {
    const rp = await relyingParty(seatd.url, app);
    idp.signInAs(`ada@${domain}`, { email: `ada@${domain}`, email_verified: true });
    const browser = new WebBrowser();
    const { url, pending } = await rp.authorize();
    const { url: form, page } = await browser.follow(url, atVendor);
    expect(page!.status).toBe(200);
    expect(page!.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(page!.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await page!.text();
    expect(html).toContain('Work email');
    const action = new URL(/action="([^"]+)"/.exec(html)![1]!, form).href;
    const unknown = await browser.request(action, { form: { email: 'someone@unknown-domain.example' } });
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain('No organization signs in with unknown-domain.example addresses here');
    const { url: callback } = await browser.follow(action, atVendor, { form: { email: `ada@${domain}` } });
    const tokens = await rp.redeem(callback, pending);
    expect(tokens.claims()).toMatchObject({ email: `ada@${domain}`, org_id: orgId });
  });

  it('reuses a seatd session (single sign-on) without asking the IdP, and sends prompt=login and max_age on to the IdP', async () => {
    const first = await signIn(`ada@${domain}`);
    await first.rp.redeem(first.callback, first.pending);
    idp.signInAs('nobody', { email: 'nobody@elsewhere.example', email_verified: true }); // were the IdP asked, this is whom it would sign in
    const onlySeatdSession = new WebBrowser();
    onlySeatdSession.setCookie(seatd.url, 'seatd_session', first.browser.cookie(seatd.url, 'seatd_session')!);
    const rp = await relyingParty(seatd.url, app);
    const reuse = await rp.authorize({ organization: orgId });
    const { url: callback } = await onlySeatdSession.follow(reuse.url, atVendor);
    expect((await rp.redeem(callback, reuse.pending)).claims()).toMatchObject({ email: `ada@${domain}` });

    idp.signInAs(`ada@${domain}`, { email: `ada@${domain}`, email_verified: true });
    const forced = await rp.authorize({ organization: orgId, prompt: 'login' });
    const { url: atIdp } = await first.browser.follow(forced.url, (u) => u.origin === idp.issuer);
    expect(atIdp.searchParams.get('prompt')).toBe('login');
    const { url: again } = await first.browser.follow(atIdp.href, atVendor);
    expect((await rp.redeem(again, forced.pending)).claims()).toMatchObject({ email: `ada@${domain}` });

    const aged = await rp.authorize({ organization: orgId, max_age: '0' });
    const { url: atIdpAgain } = await first.browser.follow(aged.url, (u) => u.origin === idp.issuer);
    expect(atIdpAgain.searchParams.get('prompt')).toBe('login');
  });

  it('signs out at the application’s request: ends the seatd session and returns only to a registered post-logout URI', async () => {
    const { rp, callback, pending, browser } = await signIn(`ada@${domain}`);
    const tokens = await rp.redeem(callback, pending);
    await request(seatd.app)
      .get('/welcome')
      .set('Cookie', `seatd_session=${browser.cookie(seatd.url, 'seatd_session')}`)
      .expect(200);

    const unregistered = rp.oidc.buildEndSessionUrl(rp.config, {
      id_token_hint: tokens.id_token!,
      post_logout_redirect_uri: 'http://evil.test/',
    });
    const { page: refused } = await browser.follow(unregistered.href, (u) => u.host === 'evil.test');
    expect(refused!.status).toBe(400);

    const endSession = rp.oidc.buildEndSessionUrl(rp.config, {
      id_token_hint: tokens.id_token!,
      post_logout_redirect_uri: 'http://vendor.test/signed-out',
      state: 'bye',
    });
    const { url: confirmUrl, page } = await browser.follow(endSession.href);
    const html = await page!.text();
    expect(html).toContain('Sign out of Vendor app and of seatd?');
    const action = new URL(/action="([^"]+)"/.exec(html)![1]!, confirmUrl).href;
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)![1]!;
    const seatdCookie = browser.cookie(seatd.url, 'seatd_session')!;
    const { url: back } = await browser.follow(action, (u) => u.host === 'vendor.test', { form: { xsrf, logout: 'yes' } });
    expect(back.href).toBe('http://vendor.test/signed-out?state=bye');
    await request(seatd.app).get('/welcome').set('Cookie', `seatd_session=${seatdCookie}`).expect(401);
    expect(browser.cookie(seatd.url, 'seatd_session')).toBeUndefined();
  });

  it('signs a browser holding another org’s session in to the org the application names, and keeps the new seatd session', async () => {
    const first = await signIn(`ada@${domain}`);
    await first.rp.redeem(first.callback, first.pending);
    const other = await oidcConnectedOrg(seatd);
    try {
      other.idp.signInAs(`bob@${other.domain}`, { email: `bob@${other.domain}`, email_verified: true });
      const rp = await relyingParty(seatd.url, app);
      const { url, pending } = await rp.authorize({ organization: other.orgId });
      const { url: switchUrl, page } = await first.browser.follow(url, atVendor);
      // the provider asks the browser to end the previous account's session first (a self-submitting form)
      const html = await page!.text();
      const action = new URL(/action="([^"]+)"/.exec(html)![1]!, switchUrl).href;
      const form = Object.fromEntries(
        [...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]),
      );
      const { url: callback } = await first.browser.follow(action, atVendor, { form });
      expect((await rp.redeem(callback, pending)).claims()).toMatchObject({ email: `bob@${other.domain}`, org_id: other.orgId });
      const welcome = await request(seatd.app)
        .get('/welcome')
        .set('Cookie', `seatd_session=${first.browser.cookie(seatd.url, 'seatd_session')}`);
      expect(welcome.status).toBe(200);
      expect(welcome.text).toContain(`bob@${other.domain}`);
    } finally {
      await other.idp.close();
    }
  });

  it('signing out of seatd ends the single sign-on to the applications too', async () => {
    const first = await signIn(`ada@${domain}`);
    await first.rp.redeem(first.callback, first.pending);
    const cookie = `seatd_session=${first.browser.cookie(seatd.url, 'seatd_session')}`;
    const csrf = /name="_csrf" value="([^"]+)"/.exec(
      (await request(seatd.app).get('/welcome').set('Cookie', cookie).expect(200)).text,
    )![1]!;
    await first.browser.request(`${seatd.url}/logout`, { form: { _csrf: csrf } });
    const rp = await relyingParty(seatd.url, app);
    const again = await rp.authorize({ organization: orgId });
    const { url } = await first.browser.follow(again.url, (u) => u.origin === idp.issuer);
    expect(url.origin).toBe(idp.issuer); // asked to sign in again, not handed a code
  });

  describe('the protocol checks', () => {
    it('requires PKCE with S256 and checks the verifier', async () => {
      const rp = await relyingParty(seatd.url, app);
      const plain = new URL((await rp.authorize()).url);
      plain.searchParams.delete('code_challenge');
      plain.searchParams.delete('code_challenge_method');
      const { url: noPkce } = await new WebBrowser().follow(plain.href, atVendor);
      expect(noPkce.searchParams.get('error')).toBe('invalid_request');
      expect(noPkce.searchParams.get('error_description')).toMatch(/PKCE/);
      const { callback, pending } = await signIn(`ada@${domain}`);
      await expect(rp.redeem(callback, { ...pending, codeVerifier: rp.oidc.randomPKCECodeVerifier() })).rejects.toMatchObject({
        error: 'invalid_grant',
      });
    });

    it('refuses a code used twice and revokes the tokens of its first use', async () => {
      const { rp, callback, pending } = await signIn(`ada@${domain}`);
      const tokens = await rp.redeem(callback, pending);
      await expect(rp.redeem(callback, pending)).rejects.toMatchObject({ error: 'invalid_grant' });
      await expect(rp.userinfo(tokens.access_token, tokens.claims()!.sub)).rejects.toMatchObject({ status: 401 });
    });

    it('refuses an unregistered redirect_uri without redirecting to it', async () => {
      const rp = await relyingParty(seatd.url, { ...app, redirectUri: 'http://evil.test/callback' });
      const { page } = await new WebBrowser().follow((await rp.authorize()).url, (u) => u.host === 'evil.test');
      expect(page!.status).toBe(400);
      const html = await page!.text();
      expect(html).toContain('redirect_uri');
      expect(html).not.toMatch(/at .*\.js:\d+/); // no stack trace
    });

    it('refuses a wrong client secret, with either method, and every use of a deleted app', async () => {
      const { callback, pending, rp } = await signIn(`ada@${domain}`);
      const wrong = await relyingParty(seatd.url, { ...app, clientSecret: 'not-the-secret' }, 'post');
      await expect(wrong.redeem(callback, pending)).rejects.toMatchObject({ error: 'invalid_client' });
      const post = await relyingParty(seatd.url, app, 'post');
      const tokens = await post.redeem(callback, pending);
      await request(seatd.app).delete(`/api/v1/apps/${app.clientId}`).set(operator).expect(204);
      await expect(rp.userinfo(tokens.access_token, tokens.claims()!.sub)).rejects.toMatchObject({ status: 401 });
      await expect(post.redeem(callback, pending)).rejects.toMatchObject({ error: 'invalid_client' });
      const { page } = await signIn(`ada@${domain}`);
      expect(page!.status).toBe(400);
      expect(await page!.text()).toContain('client');
    });
  });
});

import request from 'supertest';
import { operator, orgWithToken } from '../support/httpFixtures';
import { startOidcProvider } from '../support/oidcIdp';
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
    const created = await orgWithToken(seatd.app, 'owner', { provisioningMode: 'jit', contract: { seats: { standard: 2, premium: 1 } } });
    ({ orgId } = created);
    owner = created.auth;
    domain = created.org.domains[0];
    idp = await startOidcProvider({
      clientId: 'seatd',
      clientSecret: 'seatd-client-secret-0123456789',
      redirectUri: `${seatd.url}/sso/${orgId}/oidc/callback`,
    });
    await request(seatd.app)
      .put(`/api/v1/orgs/${orgId}/sso/oidc`)
      .set(owner)
      .send({ issuer: idp.issuer, clientId: 'seatd', clientSecret: 'seatd-client-secret-0123456789' })
      .expect(200);
    const registered = await request(seatd.app)
      .post('/api/v1/apps')
      .set(operator)
      .send({ name: 'Vendor app', redirectUris: [vendorCallback], postLogoutRedirectUris: ['http://vendor.test/signed-out'] })
      .expect(201);
    app = { clientId: registered.body.clientId, clientSecret: registered.body.clientSecret, redirectUri: vendorCallback };
  });
  afterEach(async () => {
    await idp.close();
    await seatd.close();
  });

  const atVendor = (u: URL) => u.href.startsWith(vendorCallback);

  it('publishes a discovery document with PKCE S256, secret-based client authentication, RS256/ES256 and end_session', async () => {
    const res = await request(seatd.app).get('/.well-known/openid-configuration').expect(200);
    expect(res.body).toMatchObject({
      issuer: seatd.url,
      authorization_endpoint: `${seatd.url}/oidc/auth`,
      token_endpoint: `${seatd.url}/oidc/token`,
      userinfo_endpoint: `${seatd.url}/oidc/userinfo`,
      jwks_uri: `${seatd.url}/oidc/jwks`,
      end_session_endpoint: `${seatd.url}/oidc/logout`,
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
    const userinfo = await rp.userinfo(tokens.access_token, claims.sub);
    expect(userinfo).toMatchObject({ sub: claims.sub, org_id: orgId, seat_type: 'standard', role: 'member' });
  });
});

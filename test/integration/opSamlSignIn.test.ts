import request from 'supertest';
import { orgWithToken } from '../support/httpFixtures';
import { authnRequestId, createTestIdp, samlResponse, type TestIdp } from '../support/samlIdp';
import { registerVendorApp } from '../support/opFixtures';
import { startSeatd } from '../support/seatdServer';
import { relyingParty, type RegisteredApp } from '../support/vendorApp';
import { WebBrowser } from '../support/webBrowser';

/** seatd as the OpenID Provider of a vendor application, with an org signing in through SAML. */
describe('signing in to a vendor application through a SAML-connected org', () => {
  let seatd: Awaited<ReturnType<typeof startSeatd>>;
  let idp: TestIdp;
  let app: RegisteredApp;
  let orgId: string;
  let domain: string;
  let owner: Record<string, string>;
  let sp: { entityId: string; acsUrl: string };
  const vendorCallback = 'http://vendor.test/callback';
  const atVendor = (u: URL) => u.href.startsWith(vendorCallback);

  beforeAll(async () => {
    idp = await createTestIdp();
  });
  beforeEach(async () => {
    seatd = await startSeatd();
    const created = await orgWithToken(seatd.app, 'owner', { provisioningMode: 'jit', contract: { seats: { standard: 1, premium: 2 } } });
    ({ orgId } = created);
    owner = created.auth;
    domain = created.org.domains[0];
    const configured = await request(seatd.app)
      .put(`/api/v1/orgs/${orgId}/sso/saml`)
      .set(owner)
      .send({ entryPoint: 'https://idp.test/sso', idpIssuer: idp.issuer, idpCert: idp.cert })
      .expect(200);
    sp = { entityId: configured.body.serviceProvider.entityId, acsUrl: configured.body.serviceProvider.acsUrl };
    await request(seatd.app)
      .put(`/api/v1/orgs/${orgId}/provisioning`)
      .set(owner)
      .send({ mode: 'jit', defaultSeatType: 'standard', groupSeatTypes: { Designers: 'premium' } })
      .expect(200);
    app = await registerVendorApp(seatd.app, vendorCallback);
  });
  afterEach(() => seatd.close());

  /** The application's request → seatd → the IdP (an AuthnRequest) → a signed assertion posted back → the application. */
  async function signIn(
    email: string,
    attributes: Record<string, string | string[]>,
    extra: Record<string, string> = { login_hint: email },
  ) {
    const rp = await relyingParty(seatd.url, app);
    const browser = new WebBrowser();
    const { url, pending } = await rp.authorize(extra);
    const { url: atIdp } = await browser.follow(url, (u) => u.host === 'idp.test');
    const SAMLResponse = samlResponse({
      idp,
      audience: sp.entityId,
      recipient: sp.acsUrl,
      nameId: email,
      inResponseTo: authnRequestId(atIdp.href),
      attributes: { email, ...attributes },
    });
    const { url: callback } = await browser.follow(sp.acsUrl, atVendor, { form: { SAMLResponse } });
    return { rp, callback, pending };
  }

  it('admits a new employee on the seat their IdP group maps to; the ID token keeps the sign-in’s seat, userinfo tells today’s', async () => {
    const { rp, callback, pending } = await signIn(`grace@${domain}`, { firstName: 'Grace', lastName: 'Hopper', groups: ['Designers'] });
    const tokens = await rp.redeem(callback, pending);
    const claims = tokens.claims()!;
    expect(claims).toMatchObject({
      email: `grace@${domain}`,
      given_name: 'Grace',
      family_name: 'Hopper',
      org_id: orgId,
      role: 'member',
      seat_type: 'premium',
    });
    const member = await request(seatd.app).get(`/api/v1/orgs/${orgId}/members/${claims.sub}`).set(owner).expect(200);
    expect(member.body).toMatchObject({ email: `grace@${domain}`, source: 'jit', seatType: 'premium' });

    await request(seatd.app).patch(`/api/v1/orgs/${orgId}/members/${claims.sub}`).set(owner).send({ role: 'admin' }).expect(200);
    expect(await rp.userinfo(tokens.access_token, claims.sub)).toMatchObject({ role: 'admin', seat_type: 'premium' });
    expect(claims.role).toBe('member');
  });

  it('refuses with access_denied when the mapped seat type has no free seat, and creates nobody', async () => {
    const first = await signIn(`ada@${domain}`, {}); // the owner's invitation holds the only Standard seat
    expect(first.callback.searchParams.get('error')).toBe('access_denied');
    expect(first.callback.searchParams.get('error_description')).toContain('no free seat');
    expect(first.callback.searchParams.get('code')).toBeNull();
    const members = await request(seatd.app).get(`/api/v1/orgs/${orgId}/members`).set(owner).expect(200);
    expect(JSON.stringify(members.body)).not.toContain(`ada@${domain}`);
  });
});

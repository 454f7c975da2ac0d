import request from 'supertest';
import { createTestApp, type TestApp } from '../support/testApp';
import { orgWithToken } from '../support/httpFixtures';
import { authnRequestId, createTestIdp, samlResponse, type ResponseOptions, type TestIdp } from '../support/samlIdp';

/** SAML sign-in against responses signed by a real key, and the attacks it must stop. */
describe('SAML sign-in', () => {
  let t: TestApp;
  let idp: TestIdp;
  let otherIdp: TestIdp;
  let orgId: string;
  let domain: string;
  let admin: Record<string, string>;
  let sp: { entityId: string; acsUrl: string };

  beforeAll(async () => {
    [idp, otherIdp] = await Promise.all([createTestIdp(), createTestIdp()]);
  });

  beforeEach(async () => {
    // node-saml checks times against the real clock, so the app's clock starts at the real now.
    t = createTestApp(new Date().toISOString());
    const created = await orgWithToken(t.app, 'admin', { provisioningMode: 'jit', contract: { seats: { standard: 2, premium: 0 } } });
    ({ orgId } = created);
    admin = created.auth;
    domain = created.org.domains[0];
    const configured = await request(t.app)
      .put(`/api/v1/orgs/${orgId}/sso/saml`)
      .set(admin)
      .send({ entryPoint: 'https://idp.test/sso', idpIssuer: idp.issuer, idpCert: idp.cert })
      .expect(200);
    sp = { entityId: configured.body.serviceProvider.entityId, acsUrl: configured.body.serviceProvider.acsUrl };
  });
  afterEach(() => t.ctx.close());

  /** SP-initiated: the login redirect carries an AuthnRequest whose ID the response must answer. */
  async function startLogin(): Promise<string> {
    const res = await request(t.app).get(`/sso/${orgId}/saml/login`).expect(302);
    expect(res.headers.location).toMatch(/^https:\/\/idp\.test\/sso\?SAMLRequest=/);
    return authnRequestId(res.headers.location!);
  }
  const respond = (overrides: Partial<ResponseOptions> & { inResponseTo?: string }) =>
    samlResponse({ idp, audience: sp.entityId, recipient: sp.acsUrl, nameId: `ada@${domain}`, ...overrides });
  const post = (SAMLResponse: string) => request(t.app).post(`/sso/${orgId}/saml/acs`).type('form').send({ SAMLResponse });
  const memberCount = () =>
    (t.ctx.db.$client.prepare("SELECT count(*) AS n FROM members WHERE org_id = ? AND source = 'jit'").get(orgId) as { n: number }).n;

  it('offers the configured sign-in on the org page', async () => {
    const page = await request(t.app).get(`/sso/${orgId}`).expect(200);
    expect(page.text).toContain(`href="/sso/${orgId}/saml/login"`);
    expect(page.text).not.toContain('/oidc/login');
    await request(t.app).get('/sso/org_00000000000000000000').expect(404);
  });

  it('serves SP metadata with the ACS URL', async () => {
    const res = await request(t.app).get(`/sso/${orgId}/saml/metadata`).expect(200);
    expect(res.text).toContain(`entityID="${sp.entityId}"`);
    expect(res.text).toContain(`Location="${sp.acsUrl}"`);
  });

  it('admits an unknown person just in time and signs them in', async () => {
    const id = await startLogin();
    const res = await post(respond({ inResponseTo: id, attributes: { firstName: 'Ada', lastName: 'Lovelace' } })).expect(303);
    expect(res.headers.location).toBe('/welcome');
    expect(res.headers['set-cookie']![0]).toMatch(/^seatd_session=.+; HttpOnly; SameSite=Lax/);
    await request(t.app).get('/welcome').set('Cookie', res.headers['set-cookie']![0]!.split(';')[0]!).expect(200);
    const member = t.ctx.db.$client.prepare('SELECT * FROM members WHERE email = ?').get(`ada@${domain}`) as {
      status: string;
      given_name: string;
    };
    expect(member).toMatchObject({ status: 'active', given_name: 'Ada' });
  });

  it('refuses with a 403 page when no seat is free, and records the refusal', async () => {
    await post(respond({ inResponseTo: await startLogin() })).expect(303); // the owner's invitation holds the other seat
    const res = await post(respond({ inResponseTo: await startLogin(), nameId: `grace@${domain}` })).expect(403);
    expect(res.text).toContain('has no free standard seat');
    expect(res.text).toContain('administrators have been told');
    const refusals = await request(t.app).get(`/api/v1/orgs/${orgId}/refusals`).set(admin).expect(200);
    expect(refusals.body.refusals[0]).toMatchObject({ email: `grace@${domain}`, path: 'jit' });
  });

  describe('refuses with 401 and creates nobody', () => {
    const cases: [string, () => Promise<string>, RegExp][] = [
      ['an unsigned assertion', async () => respond({ inResponseTo: await startLogin(), signWith: null }), /signature/i],
      [
        'a signature by another key',
        async () => respond({ inResponseTo: await startLogin(), signWith: { key: otherIdp.key, cert: otherIdp.cert } }),
        /signature/i,
      ],
      [
        'XML signature wrapping (a second, unsigned assertion)',
        async () => respond({ inResponseTo: await startLogin(), nameId: `ada@${domain}`, wrapWith: { nameId: `mallory@${domain}` } }),
        /signature|assertion/i,
      ],
      [
        'the wrong audience',
        async () => respond({ inResponseTo: await startLogin(), audience: 'https://other-sp.example/metadata' }),
        /audience/i,
      ],
      [
        'the wrong recipient',
        async () => respond({ inResponseTo: await startLogin(), recipient: 'https://other-sp.example/acs' }),
        /recipient/i,
      ],
      [
        'an expired assertion',
        async () => respond({ inResponseTo: await startLogin(), now: new Date(Date.now() - 60 * 60_000), notOnOrAfterMinutes: 5 }),
        /expired|NotOnOrAfter|no valid subject confirmation/i,
      ],
      ['an unknown InResponseTo', async () => respond({ inResponseTo: '_not-a-request-we-sent' }), /InResponseTo/i],
      ['an unsolicited response (IdP-initiated is off)', async () => respond({}), /InResponseTo/i],
      ['another issuer', async () => respond({ inResponseTo: await startLogin(), issuer: 'http://evil.test/metadata' }), /issuer/i],
    ];
    it.each(cases)('%s', async (_name, build, reason) => {
      const res = await post(await build()).expect(401);
      const audit = t.ctx.db.$client
        .prepare("SELECT details FROM audit_log WHERE action = 'sso.saml.sign-in' ORDER BY id DESC LIMIT 1")
        .get() as { details: string };
      expect(JSON.parse(audit.details).reason).toMatch(reason);
      expect(res.text).toContain('Sign-in failed');
      expect(memberCount()).toBe(0);
      expect(res.headers['set-cookie']).toBeUndefined();
    });
  });

  it('refuses a replayed assertion', async () => {
    const response = respond({ inResponseTo: await startLogin() });
    await post(response).expect(303);
    await post(response).expect(401);
  });

  it('is not fooled by a comment injected into the NameID', async () => {
    // The signed NameID is "ada@<domain>.evil.example"; a parser that drops text after the comment would read ada@<domain>.
    const res = await post(respond({ inResponseTo: await startLogin(), nameIdXml: `ada@${domain}<!---->.evil.example` }));
    expect(res.status).toBe(401); // the email seen is ada@<domain>.evil.example: not a verified domain
    expect(memberCount()).toBe(0);
  });

  it('takes IdP-initiated responses only when the org allows them', async () => {
    await request(t.app)
      .put(`/api/v1/orgs/${orgId}/sso/saml`)
      .set(admin)
      .send({ entryPoint: 'https://idp.test/sso', idpIssuer: idp.issuer, idpCert: idp.certBase64, allowIdpInitiated: true })
      .expect(200);
    await post(respond({})).expect(303);
  });

  it('refuses an unknown person in scim mode', async () => {
    await request(t.app).put(`/api/v1/orgs/${orgId}/provisioning`).set(admin).send({ mode: 'scim' }).expect(200);
    const res = await post(respond({ inResponseTo: await startLogin() })).expect(401);
    expect(res.text).toContain('has not been provisioned');
    expect(memberCount()).toBe(0);
  });
});

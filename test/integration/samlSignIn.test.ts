import crypto from 'node:crypto';
import request from 'supertest';
import { createTestApp, type TestApp } from '../support/testApp';
import { orgWithToken } from '../support/httpFixtures';
import { queryRow, queryRows } from '../support/dbRows';
import { testBackend } from '../support/testContext';
import {
  authnRequestId,
  createServiceProviderKeys,
  createTestIdp,
  encryptedSamlResponse,
  inflatedMessage,
  logoutRequestQuery,
  logoutResponseQuery,
  postedLogoutRequest,
  samlResponse,
  type ResponseOptions,
  type TestIdp,
} from '../support/samlIdp';

/**
 * The SAML failure recorded last: the newest last_at, and among failures of the same instant (the test clock stands still)
 * the newest row: SQLite's rowid, PostgreSQL's xmin (the transaction that wrote the row; each failure is recorded in its own).
 */
function lastSamlFailure(t: TestApp) {
  const writeOrder = testBackend === 'postgres' ? 'xmin::text::bigint' : 'rowid';
  return queryRow<{ reason: string; category: string }>(
    t.ctx.db,
    `SELECT last_detail AS reason, reason AS category FROM sign_in_failures WHERE kind = 'saml' ORDER BY last_at DESC, ${writeOrder} DESC LIMIT 1`,
  );
}

/** SAML sign-in against responses signed by a real key, and the attacks it must stop. */
describe('SAML sign-in', () => {
  let t: TestApp;
  let idp: TestIdp;
  let otherIdp: TestIdp;
  let orgId: string;
  let domain: string;
  let admin: Record<string, string>;
  let sp: { entityId: string; acsUrl: string };
  /** One browser: a sign-in is answered only in the browser that started it. */
  let browser: ReturnType<typeof request.agent>;

  beforeAll(async () => {
    [idp, otherIdp] = await Promise.all([createTestIdp(), createTestIdp()]);
  });

  beforeEach(async () => {
    // node-saml checks times against the real clock, so the app's clock starts at the real now.
    t = createTestApp(new Date().toISOString());
    browser = request.agent(t.app);
    const created = await orgWithToken(t.app, 'owner', { provisioningMode: 'jit', contract: { seats: { standard: 2, premium: 0 } } });
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
    const res = await browser.get(`/sso/${orgId}/saml/login`).expect(302);
    expect(res.headers.location).toMatch(/^https:\/\/idp\.test\/sso\?SAMLRequest=/);
    return authnRequestId(res.headers.location!);
  }
  const respond = (overrides: Partial<ResponseOptions> & { inResponseTo?: string }) =>
    samlResponse({ idp, audience: sp.entityId, recipient: sp.acsUrl, nameId: `ada@${domain}`, ...overrides });
  const post = (SAMLResponse: string) => browser.post(`/sso/${orgId}/saml/acs`).type('form').send({ SAMLResponse });
  const memberCount = async () =>
    (await queryRow<{ n: number }>(t.ctx.db, "SELECT count(*) AS n FROM members WHERE org_id = ? AND source = 'jit'", orgId))!.n;

  it('offers the configured sign-in on the org page', async () => {
    const page = await request(t.app).get(`/sso/${orgId}`).expect(200);
    expect(page.text).toContain(`href="/sso/${orgId}/saml/login"`);
    expect(page.text).not.toContain('/oidc/login');
    await request(t.app).get('/sso/org_00000000000000000000').expect(404);
  });

  it('serves SP metadata with the ACS and single logout URLs', async () => {
    const res = await request(t.app).get(`/sso/${orgId}/saml/metadata`).expect(200);
    expect(res.text).toContain(`entityID="${sp.entityId}"`);
    expect(res.text).toContain(`Location="${sp.acsUrl}"`);
    expect(res.text).toMatch(new RegExp(`<SingleLogoutService [^>]*Location="${sp.acsUrl.replace(/\/acs$/, '/slo')}"`));
  });

  it('reads the sign-on URL, entity ID, signing certificate and single logout URL from IdP metadata, as Okta and Entra offer it', async () => {
    const metadata =
      `<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="${idp.issuer}">` +
      `<md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">` +
      `<md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>${idp.certBase64}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>` +
      `<md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.test/slo"/>` +
      `<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://idp.test/sso/post"/>` +
      `<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.test/sso/redirect"/>` +
      `</md:IDPSSODescriptor></md:EntityDescriptor>`;
    await request(t.app).put(`/api/v1/orgs/${orgId}/sso/saml`).set(admin).send({ idpMetadataXml: metadata }).expect(200);
    const settings = await request(t.app).get(`/api/v1/orgs/${orgId}/sso/saml`).set(admin).expect(200);
    expect(settings.body).toMatchObject({
      configured: true,
      entryPoint: 'https://idp.test/sso/redirect',
      idpIssuer: idp.issuer,
      logoutUrl: 'https://idp.test/slo',
      serviceProvider: { singleLogoutUrl: sp.acsUrl.replace(/\/acs$/, '/slo') },
    });
    const login = await browser.get(`/sso/${orgId}/saml/login`).expect(302);
    expect(login.headers.location).toMatch(/^https:\/\/idp\.test\/sso\/redirect\?SAMLRequest=/);
  });

  it('admits an unknown person just in time and signs them in', async () => {
    const id = await startLogin();
    const res = await post(respond({ inResponseTo: id, attributes: { firstName: 'Ada', lastName: 'Lovelace' } })).expect(303);
    expect(res.headers.location).toBe('/welcome');
    expect(res.headers['set-cookie']![0]).toMatch(/^seatd_session=.+; HttpOnly; SameSite=Lax/);
    await request(t.app).get('/welcome').set('Cookie', res.headers['set-cookie']![0]!.split(';')[0]!).expect(200);
    const member = await queryRow<{ status: string; given_name: string }>(
      t.ctx.db,
      'SELECT * FROM members WHERE email = ?',
      `ada@${domain}`,
    );
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

  describe('single logout started by the IdP', () => {
    /** Signs in on a device of its own (a fresh browser), as a person with a laptop and a phone does. */
    async function signedIn(name: string) {
      browser = request.agent(t.app);
      const assertionId = `_a${crypto.randomBytes(8).toString('hex')}`;
      const res = await post(respond({ inResponseTo: await startLogin(), nameId: `${name}@${domain}`, assertionId })).expect(303);
      const cookie = (res.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('seatd_session='))!.split(';')[0]!;
      await request(t.app).get('/welcome').set('Cookie', cookie).expect(200);
      return { cookie, sessionIndex: `_s${assertionId}` };
    }
    const slo = (query: string) => request(t.app).get(`/sso/${orgId}/saml/slo?${query}`);
    const destination = () => sp.acsUrl.replace(/\/acs$/, '/slo');

    it('ends the session the signed LogoutRequest names, and answers the IdP with a LogoutResponse', async () => {
      const ada = await signedIn('ada');
      const res = await slo(
        logoutRequestQuery({ idp, destination: destination(), nameId: `ada@${domain}`, sessionIndex: ada.sessionIndex }),
      ).expect(302);
      expect(res.headers.location).toMatch(/^https:\/\/idp\.test\/sso\?SAMLResponse=/);
      expect(inflatedMessage(res.headers.location!, 'SAMLResponse')).toContain('urn:oasis:names:tc:SAML:2.0:status:Success');
      await request(t.app).get('/welcome').set('Cookie', ada.cookie).expect(401);
      const audit = (await queryRow<{ details: string }>(
        t.ctx.db,
        "SELECT details FROM audit_log WHERE action = 'session.end' ORDER BY id DESC LIMIT 1",
      ))!;
      expect(JSON.parse(audit.details)).toMatchObject({ via: 'saml-logout', sessions: 1 });
    });

    it('refuses an unsigned request, one signed by another key, and one from another issuer; the session lives on', async () => {
      const ada = await signedIn('ada');
      const base = { idp, destination: destination(), nameId: `ada@${domain}`, sessionIndex: ada.sessionIndex };
      for (const query of [
        logoutRequestQuery({ ...base, signWith: null }),
        logoutRequestQuery({ ...base, signWith: { key: otherIdp.key } }),
        logoutRequestQuery({ ...base, issuer: 'http://evil.test/metadata' }),
      ]) {
        const res = await slo(query).expect(401);
        expect(res.text).toContain('could not be verified');
      }
      await request(t.app).get('/welcome').set('Cookie', ada.cookie).expect(200);
    });

    it('takes the HTTP-POST binding too, with the request’s XML signature required', async () => {
      const ada = await signedIn('ada');
      const postSlo = (SAMLRequest: string) => request(t.app).post(`/sso/${orgId}/saml/slo`).type('form').send({ SAMLRequest });
      const base = { idp, destination: destination(), nameId: `ada@${domain}`, sessionIndex: ada.sessionIndex };
      await postSlo(postedLogoutRequest({ ...base, signed: false })).expect(401);
      await request(t.app).get('/welcome').set('Cookie', ada.cookie).expect(200);
      const res = await postSlo(postedLogoutRequest(base)).expect(302);
      expect(inflatedMessage(res.headers.location!, 'SAMLResponse')).toContain('LogoutResponse');
      await request(t.app).get('/welcome').set('Cookie', ada.cookie).expect(401);
    });

    it('ends only what it names: another person leaves Ada signed in, a SessionIndex ends that one session', async () => {
      const laptop = await signedIn('ada');
      const phone = await signedIn('ada');
      const request_ = (nameId: string, sessionIndex?: string) =>
        slo(logoutRequestQuery({ idp, destination: destination(), nameId, ...(sessionIndex ? { sessionIndex } : {}) })).expect(302);
      const alive = async (cookie: string) => (await request(t.app).get('/welcome').set('Cookie', cookie)).status === 200;
      await request_(`grace@${domain}`);
      expect([await alive(laptop.cookie), await alive(phone.cookie)]).toEqual([true, true]);
      await request_(`ada@${domain}`, phone.sessionIndex);
      expect([await alive(laptop.cookie), await alive(phone.cookie)]).toEqual([true, false]);
      await request_(`ada@${domain}`);
      expect(await alive(laptop.cookie)).toBe(false);
    });
  });

  describe('signing out of seatd', () => {
    async function signedInWelcome() {
      const res = await post(respond({ inResponseTo: await startLogin() })).expect(303);
      const cookie = res.headers['set-cookie']![0]!.split(';')[0]!;
      const welcome = await request(t.app).get('/welcome').set('Cookie', cookie).expect(200);
      const csrf = /name="_csrf" value="([^"]+)"/.exec(welcome.text)![1]!;
      return { cookie, csrf };
    }
    const signOut = (s: { cookie: string; csrf: string }) =>
      request(t.app).post('/logout').set('Cookie', s.cookie).type('form').send({ _csrf: s.csrf });
    const configure = (extra: Record<string, unknown>) =>
      request(t.app)
        .put(`/api/v1/orgs/${orgId}/sso/saml`)
        .set(admin)
        .send({ entryPoint: 'https://idp.test/sso', idpIssuer: idp.issuer, idpCert: idp.cert, ...extra })
        .expect(200);

    it('ends only the local session unless the org asks to sign out at the IdP too', async () => {
      const ada = await signedInWelcome();
      const res = await signOut(ada).expect(200);
      expect(res.text).toContain('You are signed out.');
      await request(t.app).get('/welcome').set('Cookie', ada.cookie).expect(401);
    });

    it('with signOutAtIdp, sends the person to the IdP with a LogoutRequest for their sign-in, and takes the IdP’s answer', async () => {
      await configure({ logoutUrl: 'https://idp.test/slo', signOutAtIdp: true });
      const ada = await signedInWelcome();
      const res = await signOut(ada).expect(303);
      expect(res.headers.location).toMatch(/^https:\/\/idp\.test\/slo\?SAMLRequest=/);
      const logoutRequest = inflatedMessage(res.headers.location!, 'SAMLRequest');
      expect(logoutRequest).toContain(`>ada@${domain}</saml:NameID>`);
      expect(logoutRequest).toMatch(/<(\w+:)?SessionIndex\b[^>]*>_s_a[0-9a-f]+<\/(\w+:)?SessionIndex>/);
      await request(t.app).get('/welcome').set('Cookie', ada.cookie).expect(401);

      const id = /\sID="([^"]+)"/.exec(logoutRequest)![1]!;
      const slo = sp.acsUrl.replace(/\/acs$/, '/slo');
      const answered = await request(t.app)
        .get(`/sso/${orgId}/saml/slo?${logoutResponseQuery({ idp, inResponseTo: id, destination: slo })}`)
        .expect(200);
      expect(answered.text).toContain('You are signed out.');
      // an answer to a request seatd never sent is refused
      await request(t.app)
        .get(`/sso/${orgId}/saml/slo?${logoutResponseQuery({ idp, inResponseTo: '_never-sent', destination: slo })}`)
        .expect(401);
    });
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
      // anonymous failures are counted per reason and minute, with the last one's message
      const audit = (await lastSamlFailure(t))!;
      expect(audit.reason).toMatch(reason);
      expect(res.text).toContain('Sign-in failed');
      expect(await memberCount()).toBe(0);
      expect(res.headers['set-cookie']).toBeUndefined();
    });
  });

  it('accepts the answer to a request only in the browser that asked (login CSRF)', async () => {
    const login = await browser.get(`/sso/${orgId}/saml/login`).expect(302);
    expect(login.headers['set-cookie']![0]).toMatch(/^seatd_signin=[^;]+; Max-Age=600; Path=\/sso; Expires=[^;]+; HttpOnly; SameSite=Lax$/);
    const answer = respond({ inResponseTo: authnRequestId(login.headers.location!) });
    // the attacker's own SP-initiated answer, posted from the victim's browser, which never asked
    const res = await request(t.app).post(`/sso/${orgId}/saml/acs`).type('form').send({ SAMLResponse: answer }).expect(401);
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(await memberCount()).toBe(0);
    await post(respond({ inResponseTo: await startLogin() })).expect(303); // the browser that asks gets in
  });

  it('counts anonymous failures per reason and minute instead of a row each in the audit log, and slows the sender', async () => {
    const audit = async () => (await queryRow<{ n: number }>(t.ctx.db, 'SELECT count(*) AS n FROM audit_log'))!.n;
    const before = await audit();
    const forged = respond({ signWith: null });
    for (let i = 0; i < 29; i++) await post(forged).expect(401);
    expect(await audit()).toBe(before);
    const rows = await queryRows(t.ctx.db, "SELECT reason, count FROM sign_in_failures WHERE org_id = ? AND kind = 'saml'", orgId);
    expect(rows).toEqual([{ reason: 'unknown InResponseTo', count: 29 }]);
    const listed = await request(t.app).get(`/api/v1/orgs/${orgId}/sso/failures`).set(admin).expect(200);
    expect(listed.body.failures).toEqual([
      {
        kind: 'saml',
        reason: 'unknown InResponseTo',
        minute: expect.any(String),
        count: 29,
        lastAt: expect.any(String),
        lastDetail: expect.any(String),
      },
    ]);
    await post(forged).expect(401); // the 30th failure from this address in the minute
    const slowed = await post(forged).expect(429);
    expect(slowed.headers['retry-after']).toBeDefined();
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
    expect(await memberCount()).toBe(0);
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
    expect(await memberCount()).toBe(0);
  });
});

/** Assertions encrypted to seatd's own certificate (SAML_SP_KEY_FILE / SAML_SP_CERT_FILE), as Entra and Okta can send them. */
describe('SAML sign-in with encrypted assertions', () => {
  let idp: TestIdp;
  let spKeys: { key: string; cert: string };
  let strangerKeys: { key: string; cert: string };

  beforeAll(async () => {
    [idp, spKeys, strangerKeys] = await Promise.all([createTestIdp(), createServiceProviderKeys(), createServiceProviderKeys()]);
  });

  async function setUp(samlSp?: { key: string; cert: string }) {
    const t = createTestApp(new Date().toISOString(), { samlSp });
    const browser = request.agent(t.app);
    const created = await orgWithToken(t.app, 'owner', { provisioningMode: 'jit', contract: { seats: { standard: 5, premium: 0 } } });
    const configured = await request(t.app)
      .put(`/api/v1/orgs/${created.orgId}/sso/saml`)
      .set(created.auth)
      .send({ entryPoint: 'https://idp.test/sso', idpIssuer: idp.issuer, idpCert: idp.cert })
      .expect(200);
    // each response answers a login of its own (a request id is used up by the first answer, good or bad)
    const response = async (encryptTo: string, overrides: Partial<ResponseOptions> = {}) => {
      const login = await browser.get(`/sso/${created.orgId}/saml/login`).expect(302);
      return encryptedSamlResponse({
        idp,
        encryptTo,
        audience: configured.body.serviceProvider.entityId,
        recipient: configured.body.serviceProvider.acsUrl,
        nameId: `ada@${created.org.domains[0]}`,
        inResponseTo: authnRequestId(login.headers.location!),
        ...overrides,
      });
    };
    const post = (SAMLResponse: string) => browser.post(`/sso/${created.orgId}/saml/acs`).type('form').send({ SAMLResponse });
    return { t, orgId: created.orgId, serviceProvider: configured.body.serviceProvider, response, post };
  }

  it('publishes the encryption certificate, decrypts the assertion, checks its signature and signs the person in', async () => {
    const s = await setUp(spKeys);
    try {
      const bare = (pem: string) => pem.replace(/-----(BEGIN|END) CERTIFICATE-----|\s+/g, '');
      expect(s.serviceProvider.encryptionCertificate).toBe(spKeys.cert);
      const metadata = await request(s.t.app).get(`/sso/${s.orgId}/saml/metadata`).expect(200);
      expect(metadata.text).toMatch(/<KeyDescriptor use="encryption">/);
      expect(metadata.text.replace(/\s+/g, '')).toContain(bare(spKeys.cert));

      const encrypted = await s.response(spKeys.cert);
      expect(Buffer.from(encrypted, 'base64').toString('utf8')).toContain('EncryptedAssertion');
      expect(Buffer.from(encrypted, 'base64').toString('utf8')).not.toContain('ada@');
      const res = await s.post(encrypted).expect(303);
      expect(res.headers.location).toBe('/welcome');
    } finally {
      s.t.ctx.close();
    }
  });

  it('refuses an assertion encrypted to another certificate, and one encrypted but not signed', async () => {
    const s = await setUp(spKeys);
    try {
      const res = await s.post(await s.response(strangerKeys.cert)).expect(401);
      expect(res.text).toContain('could not be accepted');
      await s.post(await s.response(spKeys.cert, { signWith: null })).expect(401);
      // anonymous failures are counted per reason and minute, with the last one's message
      const audit = (await lastSamlFailure(s.t))!;
      expect(audit.reason).toMatch(/signature/i);
      const members = (await queryRow<{ n: number }>(s.t.ctx.db, "SELECT count(*) AS n FROM members WHERE source = 'jit'"))!;
      expect(members.n).toBe(0);
    } finally {
      s.t.ctx.close();
    }
  });

  it('without a key pair configured, publishes no encryption certificate and refuses encrypted assertions', async () => {
    const s = await setUp(undefined);
    try {
      expect(s.serviceProvider.encryptionCertificate).toBeUndefined();
      const metadata = await request(s.t.app).get(`/sso/${s.orgId}/saml/metadata`).expect(200);
      expect(metadata.text).not.toContain('use="encryption"');
      await s.post(await s.response(spKeys.cert)).expect(401);
      // anonymous failures are counted per reason and minute, with the last one's message
      const audit = (await lastSamlFailure(s.t))!;
      expect(audit.reason).toMatch(/decrypt/i);
    } finally {
      s.t.ctx.close();
    }
  });

  it('signs AuthnRequests when the org asks for it, verifiable with the published certificate', async () => {
    const t = createTestApp(new Date().toISOString(), { samlSp: spKeys });
    const browser = request.agent(t.app);
    try {
      const created = await orgWithToken(t.app, 'owner', { provisioningMode: 'jit' });
      const put = (signAuthnRequests: boolean) =>
        request(t.app)
          .put(`/api/v1/orgs/${created.orgId}/sso/saml`)
          .set(created.auth)
          .send({ entryPoint: 'https://idp.test/sso', idpIssuer: idp.issuer, idpCert: idp.cert, signAuthnRequests });
      await put(false).expect(200);
      const unsigned = new URL((await browser.get(`/sso/${created.orgId}/saml/login`).expect(302)).headers.location!);
      expect(unsigned.searchParams.has('Signature')).toBe(false);

      expect((await put(true).expect(200)).body).toMatchObject({ signAuthnRequests: true });
      const metadata = await request(t.app).get(`/sso/${created.orgId}/saml/metadata`).expect(200);
      expect(metadata.text).toContain('AuthnRequestsSigned="true"');
      expect(metadata.text).toMatch(/<KeyDescriptor use="signing">/);
      const location = (await browser.get(`/sso/${created.orgId}/saml/login`).expect(302)).headers.location!;
      const url = new URL(location);
      expect(url.searchParams.get('SigAlg')).toBe('http://www.w3.org/2001/04/xmldsig-more#rsa-sha256');
      // HTTP-Redirect binding: the signature covers SAMLRequest, RelayState (if any) and SigAlg exactly as they appear in the query
      const signedPart = url.search
        .slice(1)
        .split('&')
        .filter((p) => /^(SAMLRequest|RelayState|SigAlg)=/.test(p))
        .join('&');
      const signature = Buffer.from(url.searchParams.get('Signature')!, 'base64');
      expect(crypto.verify('sha256', Buffer.from(signedPart), spKeys.cert, signature)).toBe(true);
      expect(crypto.verify('sha256', Buffer.from(signedPart), strangerKeys.cert, signature)).toBe(false);
    } finally {
      t.ctx.close();
    }
  });

  it('signs the LogoutRequest of a sign-out at the IdP with the same key', async () => {
    const t = createTestApp(new Date().toISOString(), { samlSp: spKeys });
    const browser = request.agent(t.app);
    try {
      const created = await orgWithToken(t.app, 'owner', { provisioningMode: 'jit' });
      const configured = await request(t.app)
        .put(`/api/v1/orgs/${created.orgId}/sso/saml`)
        .set(created.auth)
        .send({ entryPoint: 'https://idp.test/sso', idpIssuer: idp.issuer, idpCert: idp.cert, signOutAtIdp: true })
        .expect(200);
      const login = await browser.get(`/sso/${created.orgId}/saml/login`).expect(302);
      const signedIn = await browser
        .post(`/sso/${created.orgId}/saml/acs`)
        .type('form')
        .send({
          SAMLResponse: samlResponse({
            idp,
            audience: configured.body.serviceProvider.entityId,
            recipient: configured.body.serviceProvider.acsUrl,
            nameId: `ada@${created.org.domains[0]}`,
            inResponseTo: authnRequestId(login.headers.location!),
          }),
        })
        .expect(303);
      const cookie = signedIn.headers['set-cookie']![0]!.split(';')[0]!;
      const csrf = /name="_csrf" value="([^"]+)"/.exec((await request(t.app).get('/welcome').set('Cookie', cookie).expect(200)).text)![1]!;
      const out = await request(t.app).post('/logout').set('Cookie', cookie).type('form').send({ _csrf: csrf }).expect(303);
      const url = new URL(out.headers.location!);
      expect(url.origin + url.pathname).toBe('https://idp.test/sso'); // no logoutUrl given: the sign-on URL, as Entra uses
      const signedPart = url.search
        .slice(1)
        .split('&')
        .filter((p) => /^(SAMLRequest|RelayState|SigAlg)=/.test(p))
        .join('&');
      expect(crypto.verify('sha256', Buffer.from(signedPart), spKeys.cert, Buffer.from(url.searchParams.get('Signature')!, 'base64'))).toBe(
        true,
      );
    } finally {
      t.ctx.close();
    }
  });

  it('refuses signAuthnRequests when seatd has no key pair, naming the field', async () => {
    const t = createTestApp(new Date().toISOString());
    try {
      const created = await orgWithToken(t.app, 'owner');
      const res = await request(t.app)
        .put(`/api/v1/orgs/${created.orgId}/sso/saml`)
        .set(created.auth)
        .send({ entryPoint: 'https://idp.test/sso', idpIssuer: idp.issuer, idpCert: idp.cert, signAuthnRequests: true })
        .expect(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(JSON.stringify(res.body)).toContain('signAuthnRequests');
      expect(JSON.stringify(res.body)).toContain('SAML_SP_KEY_FILE');
    } finally {
      t.ctx.close();
    }
  });
});

import request from 'supertest';
import { createLoginLink } from '../../src/domain/sessions/sessions';
import { createTestApp, OPERATOR_TOKEN, type TestApp } from '../support/testApp';
import { operator, orgWithToken } from '../support/httpFixtures';
import { browseIdp, startOidcProvider } from '../support/oidcIdp';
import { linkFromOutbox, tokenOf } from '../support/outbox';
import { capturedLog } from '../support/capturedLog';

const CLIENT_SECRET = 'seatd-client-secret-0123456789';

/** Whoever reads the logs must not be able to sign in, accept an invitation or call the APIs with what they read. */
describe('secrets in the log', () => {
  let t: TestApp;
  let log: ReturnType<typeof capturedLog>;
  let idp: Awaited<ReturnType<typeof startOidcProvider>>;
  beforeEach(() => {
    log = capturedLog('trace');
    t = createTestApp(new Date().toISOString(), { logger: log.logger });
  });
  afterEach(async () => {
    await idp?.close();
    t.ctx.close();
  });

  it('logs none of the secrets issued or presented in an invitation, a login link, an OIDC sign-in and API and SCIM calls', async () => {
    const secrets: Record<string, string> = {};
    const { orgId, org, auth, token } = await orgWithToken(t.app, 'owner', { provisioningMode: 'jit' });
    const domain = org.domains[0] as string;
    secrets.apiToken = token;
    secrets.apiTokenSecret = token.split('.')[1]!;
    secrets.operatorToken = OPERATOR_TOKEN;
    secrets.oidcClientSecret = CLIENT_SECRET;

    const scim = await request(t.app).post(`/api/v1/orgs/${orgId}/scim-tokens`).set(auth).send({ label: 'okta' }).expect(201);
    secrets.scimToken = scim.body.token;
    await request(t.app).get('/scim/v2/Users?count=1').set('Authorization', `Bearer ${scim.body.token}`).expect(200);

    await request(t.app)
      .post(`/api/v1/orgs/${orgId}/members`)
      .set(auth)
      .send({ email: `jane@${domain}`, role: 'admin' })
      .expect(201);
    secrets.invitation = tokenOf(linkFromOutbox(t.ctx.outboxDir, `jane@${domain}`));
    await request(t.app).get(`/invite/${secrets.invitation}`).expect(200);

    const loginLink = (await createLoginLink(t.ctx, orgId, `jane@${domain}`, 'test')).url;
    secrets.loginLink = tokenOf(loginLink);
    await request(t.app).get(new URL(loginLink).pathname).expect(303);

    const redirectUri = `http://seatd.test/sso/${orgId}/oidc/callback`;
    idp = await startOidcProvider({ clientId: 'seatd', clientSecret: CLIENT_SECRET, redirectUri });
    await request(t.app)
      .put(`/api/v1/orgs/${orgId}/sso/oidc`)
      .set(auth)
      .send({ issuer: idp.issuer, clientId: 'seatd', clientSecret: CLIENT_SECRET })
      .expect(200);
    idp.signInAs(`ada@${domain}`, { email: `ada@${domain}`, email_verified: true });
    const browser = request.agent(t.app); // the sign-in is bound to the browser that started it
    const login = await browser.get(`/sso/${orgId}/oidc/login`).expect(302);
    const callback = await browseIdp(login.headers.location!, redirectUri);
    secrets.oidcCode = callback.searchParams.get('code')!;
    secrets.oidcState = callback.searchParams.get('state')!;
    await browser.get(`${callback.pathname}${callback.search}`).expect(303);
    await request(t.app).get(`/api/v1/orgs/${orgId}/api-tokens`).set(operator).expect(200);
    await t.ctx.groupCommit?.settled();

    const text = log.text();
    for (const [name, secret] of Object.entries(secrets)) {
      expect(secret.length).toBeGreaterThan(10);
      expect([name, text.includes(secret)]).toEqual([name, false]);
    }
    // the flow was logged, so the absence of the secrets above means something
    expect(text).toContain('"url":"/invite/[redacted]"');
    expect(text).toContain('"url":"/login/[redacted]"');
    expect(text).toMatch(/"url":"\/sso\/org_\w+\/oidc\/callback\?code=\[redacted\]/);
  });
});

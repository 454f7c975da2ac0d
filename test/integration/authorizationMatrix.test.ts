import request from 'supertest';
import { createTestApp, type TestApp } from '../support/testApp';
import { operator, orgWithToken, tokenFor } from '../support/httpFixtures';
import { linkFromOutbox } from '../support/outbox';
import { execute } from '../support/dbRows';

/**
 * Every route × every kind of caller. `ok` means the caller got past authorization (any answer but
 * 401, 403 or the 404 of another org); the others are the refusal expected.
 */
type Outcome = 'ok' | 401 | 403 | 404;
type Caller = 'none' | 'operator' | 'owner' | 'admin' | 'memberSession' | 'otherOrgOwner' | 'scimByOwner' | 'scimByAdmin';
type Route = {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  body?: unknown;
  minimum: 'operator' | 'admin' | 'owner' | 'scim';
};

const CALLERS: Caller[] = ['none', 'operator', 'owner', 'admin', 'memberSession', 'otherOrgOwner', 'scimByOwner', 'scimByAdmin'];

/** What each caller should get on a route needing `minimum`. */
function expected(minimum: Route['minimum'], caller: Caller): Outcome {
  if (caller === 'none') return 401;
  if (minimum === 'operator') return caller === 'operator' ? 'ok' : 401;
  if (minimum === 'scim') return caller === 'scimByOwner' || caller === 'scimByAdmin' ? 'ok' : 401;
  // org API routes
  if (caller === 'operator' || caller === 'scimByOwner' || caller === 'scimByAdmin') return 401;
  if (caller === 'otherOrgOwner') return 404;
  if (caller === 'memberSession') return 403;
  if (caller === 'admin') return minimum === 'owner' ? 403 : 'ok';
  return 'ok';
}

describe('authorization matrix', () => {
  let t: TestApp;
  let headers: Record<Caller, Record<string, string>>;
  let routes: Route[];
  let orgId: string;

  beforeAll(async () => {
    t = createTestApp('2026-03-01T09:00:00Z', { authFailuresPerMinute: 100_000 });
    const created = await orgWithToken(t.app, 'owner', { contract: { seats: { standard: 20, premium: 2 } } });
    orgId = created.orgId;
    const domain = created.org.domains[0];
    const other = await orgWithToken(t.app, 'owner');
    const admin = await tokenFor(t.app, orgId, 'admin');
    const scimByOwner = await request(t.app).post(`/api/v1/orgs/${orgId}/scim-tokens`).set(created.auth).send({ label: 'o' }).expect(201);
    // an admin can no longer make one; a token made before the rule acts as an admin
    const scimByAdmin = await request(t.app).post(`/api/v1/orgs/${orgId}/scim-tokens`).set(created.auth).send({ label: 'a' }).expect(201);
    await execute(t.ctx.db, 'UPDATE api_tokens SET created_by_role = NULL WHERE id = ?', scimByAdmin.body.id);

    await request(t.app)
      .post(`/api/v1/orgs/${orgId}/members`)
      .set(created.auth)
      .send({ email: `mia@${domain}` })
      .expect(201);
    const member = request.agent(t.app);
    await member.get(new URL(linkFromOutbox(t.ctx.outboxDir, `mia@${domain}`)).pathname).expect(200);
    const csrf = /name="_csrf" value="([^"]+)"/.exec((await member.get('/welcome').expect(200)).text)![1]!;
    const memberCookie = (await member.get('/welcome')).request.cookies;
    const target = await request(t.app)
      .post(`/api/v1/orgs/${orgId}/members`)
      .set(created.auth)
      .send({ email: `tom@${domain}` })
      .expect(201);

    headers = {
      none: {},
      operator,
      owner: created.auth,
      admin,
      memberSession: { Cookie: memberCookie, 'X-CSRF-Token': csrf },
      otherOrgOwner: other.auth,
      scimByOwner: { Authorization: `Bearer ${scimByOwner.body.token}` },
      scimByAdmin: { Authorization: `Bearer ${scimByAdmin.body.token}` },
    };
    const org = `/api/v1/orgs/${orgId}`;
    const memberId = target.body.member.id;
    const invitationId = target.body.invitation.id;
    const change = { add: { standard: 1, premium: 0 } };
    const saml = { entryPoint: 'https://idp.test/sso', idpIssuer: 'urn:idp', idpCert: 'A'.repeat(200) };
    routes = [
      { method: 'post', path: '/api/v1/orgs', body: {}, minimum: 'operator' },
      { method: 'get', path: org, minimum: 'operator' },
      { method: 'post', path: `${org}/api-tokens`, body: { role: 'admin', label: 'm' }, minimum: 'operator' },
      { method: 'get', path: `${org}/seats`, minimum: 'admin' },
      { method: 'post', path: `${org}/seats/quote`, body: change, minimum: 'admin' },
      { method: 'get', path: `${org}/seats/forecast`, minimum: 'admin' },
      { method: 'post', path: `${org}/seats/purchases`, body: change, minimum: 'owner' },
      { method: 'get', path: `${org}/invoices`, minimum: 'owner' },
      { method: 'get', path: `${org}/invoices?limit=1`, minimum: 'owner' },
      { method: 'get', path: `${org}/invoices/inv_00000000000000000000`, minimum: 'owner' },
      { method: 'get', path: `${org}/invoices/inv_00000000000000000000.pdf`, minimum: 'owner' },
      { method: 'get', path: `${org}/renewal`, minimum: 'owner' },
      { method: 'get', path: `${org}/members`, minimum: 'admin' },
      { method: 'post', path: `${org}/members`, body: { email: `x@${domain}` }, minimum: 'admin' },
      { method: 'get', path: `${org}/members/${memberId}`, minimum: 'admin' },
      { method: 'patch', path: `${org}/members/${memberId}`, body: { seatType: 'standard' }, minimum: 'admin' },
      { method: 'get', path: `${org}/invitations`, minimum: 'admin' },
      { method: 'post', path: `${org}/invitations/${invitationId}/resend`, minimum: 'admin' },
      { method: 'get', path: `${org}/provisioning`, minimum: 'admin' },
      { method: 'put', path: `${org}/provisioning`, body: { mode: 'manual' }, minimum: 'owner' },
      { method: 'get', path: `${org}/sso/saml`, minimum: 'admin' },
      { method: 'put', path: `${org}/sso/saml`, body: saml, minimum: 'owner' },
      { method: 'put', path: `${org}/sso/oidc`, body: { issuer: 'https://idp.test', clientId: 'c', clientSecret: 's' }, minimum: 'owner' },
      { method: 'post', path: `${org}/scim-tokens`, body: { label: 'm' }, minimum: 'owner' },
      { method: 'delete', path: `${org}/scim-tokens/tok_00000000000000000000`, minimum: 'owner' },
      { method: 'get', path: `${org}/alerts`, minimum: 'admin' },
      { method: 'post', path: `${org}/alerts/alrt_0/ack`, minimum: 'admin' },
      { method: 'get', path: `${org}/alert-settings`, minimum: 'admin' },
      { method: 'put', path: `${org}/alert-settings`, body: { thresholds: [90, 100] }, minimum: 'owner' },
      { method: 'get', path: `${org}/alert-deliveries`, minimum: 'admin' },
      { method: 'get', path: `${org}/refusals`, minimum: 'admin' },
      { method: 'get', path: `${org}/audit`, minimum: 'admin' },
      { method: 'get', path: `${org}/audit?path=scim`, minimum: 'admin' },
      { method: 'get', path: `${org}/sso/failures`, minimum: 'admin' },
      { method: 'delete', path: `${org}/invitations/${invitationId}`, minimum: 'admin' },
      { method: 'delete', path: `${org}/members/${memberId}`, minimum: 'admin' },
      { method: 'get', path: `${org}/events`, minimum: 'admin' },
      { method: 'get', path: '/api/v1/events', minimum: 'operator' },
      { method: 'post', path: '/api/v1/webhooks', body: {}, minimum: 'operator' },
      { method: 'get', path: '/api/v1/webhooks', minimum: 'operator' },
      { method: 'get', path: '/api/v1/webhooks/whk_0', minimum: 'operator' },
      { method: 'patch', path: '/api/v1/webhooks/whk_0', body: {}, minimum: 'operator' },
      { method: 'get', path: '/api/v1/webhooks/whk_0/deliveries', minimum: 'operator' },
      { method: 'post', path: '/api/v1/webhooks/whk_0/deliveries/evt_0/redeliver', minimum: 'operator' },
      { method: 'delete', path: '/api/v1/webhooks/whk_0', minimum: 'operator' },
      { method: 'post', path: `${org}/webhooks`, body: {}, minimum: 'owner' },
      { method: 'get', path: `${org}/webhooks`, minimum: 'owner' },
      { method: 'get', path: `${org}/webhooks/whk_0`, minimum: 'owner' },
      { method: 'patch', path: `${org}/webhooks/whk_0`, body: {}, minimum: 'owner' },
      { method: 'get', path: `${org}/webhooks/whk_0/deliveries`, minimum: 'owner' },
      { method: 'post', path: `${org}/webhooks/whk_0/deliveries/evt_0/redeliver`, minimum: 'owner' },
      { method: 'delete', path: `${org}/webhooks/whk_0`, minimum: 'owner' },
      { method: 'get', path: '/scim/v2/Users', minimum: 'scim' },
      { method: 'get', path: '/scim/v2/Groups', minimum: 'scim' },
      { method: 'get', path: '/scim/v2/ServiceProviderConfig', minimum: 'scim' },
      { method: 'post', path: '/scim/v2/Users/.search', body: {}, minimum: 'scim' },
    ];
  });
  afterAll(() => t.ctx.close());

  it('gives each caller exactly what its role allows, on every route', async () => {
    const outcomes: string[] = [];
    const wanted: string[] = [];
    for (const route of routes) {
      for (const caller of CALLERS) {
        let call = request(t.app)[route.method](route.path).set(headers[caller]).set('Idempotency-Key', `m-${caller}-${route.path}`);
        if (route.body !== undefined) call = call.send(route.body as object);
        const res = await call;
        const tenant404 = res.status === 404 && /organization .* was not found/.test(String(res.body?.detail ?? ''));
        const got: Outcome = res.status === 401 || res.status === 403 ? res.status : tenant404 ? 404 : 'ok';
        outcomes.push(`${route.method.toUpperCase()} ${route.path.replace(orgId, '{org}')} as ${caller}: ${got}`);
        wanted.push(`${route.method.toUpperCase()} ${route.path.replace(orgId, '{org}')} as ${caller}: ${expected(route.minimum, caller)}`);
        expect(res.status).toBeLessThan(500);
      }
    }
    expect(outcomes).toEqual(wanted);
  });
});

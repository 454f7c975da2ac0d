import crypto from 'node:crypto';
import request from 'supertest';
import { createTestApp, type TestApp } from '../support/testApp';
import { operator } from '../support/httpFixtures';

const LIST = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';
const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';

/**
 * Okta's "SCIM 2.0 SPEC Test" (the Runscope suite Okta asks integrations to pass, published as
 * "Okta SCIM 2.0 SPEC Test" JSON; developer.okta.com/docs/guides/build-provisioning-integration/test-scim-api),
 * step by step in its order, with its requests, headers and assertions. The org is made as the
 * README makes one (operator API, then an owner token, then a SCIM token), its verified domain being
 * Okta's test domain atko.com. Runscope's pauses between steps are left out.
 */
describe("Okta's SCIM 2.0 SPEC test", () => {
  let t: TestApp;
  let auth: string;
  const random = crypto.randomBytes(4).toString('hex');
  // the suite's initial variables
  const vars = {
    InvalidUserEmail: `abcdefgh${random}@atko.com`,
    UserIdThatDoesNotExist: `010101001010${random}`,
    randomUsername: `Runscope${random}Test@atko.com`,
    randomUsernameCaps: `RUNSCOPE${random.toUpperCase()}TEST@ATKO.COM`,
    randomEmail: `Runscope${random}Test@atko.com`,
    randomGivenName: `Given${random}`,
    randomFamilyName: `Family${random}`,
  };
  let ISVUserid: string;
  let idUserOne: string;

  beforeAll(async () => {
    t = createTestApp('2026-03-01T09:00:00Z');
    const org = await request(t.app)
      .post('/api/v1/orgs')
      .set(operator)
      .send({
        name: 'Acme',
        domains: ['atko.com'],
        primaryOwnerEmail: 'owner@atko.com',
        primaryOwnerName: { givenName: 'Ada', familyName: 'Lovelace' },
        provisioningMode: 'scim',
        contract: {
          termStart: '2026-01-01',
          autoRenew: true,
          currency: 'USD',
          prices: { standard: 36000, premium: 72000 },
          seats: { standard: 100, premium: 0 },
        },
      })
      .expect(201);
    const owner = await request(t.app)
      .post(`/api/v1/orgs/${org.body.id}/api-tokens`)
      .set(operator)
      .send({ role: 'owner', label: 'tour' })
      .expect(201);
    const scimToken = await request(t.app)
      .post(`/api/v1/orgs/${org.body.id}/scim-tokens`)
      .set('Authorization', `Bearer ${owner.body.token}`)
      .send({ label: 'okta' })
      .expect(201);
    auth = `Bearer ${scimToken.body.token}`;
  });
  afterAll(() => t.ctx.close());

  const okta = (req: request.Test, contentType = 'application/scim+json; charset=utf-8') =>
    req
      .set('Accept-Charset', 'utf-8')
      .set('Content-Type', contentType)
      .set('Accept', 'application/scim+json')
      .set('Authorization', auth)
      .set('User-Agent', 'OKTA SCIM Integration');
  const notEmpty = (value: unknown) => {
    expect(value).toBeDefined();
    expect(value).not.toBeNull();
    expect(value).not.toBe('');
  };
  /** The suite's create request: Content-Type application/json, its realistic values, this email. */
  const createUser = (email: string) =>
    request(t.app)
      .post('/scim/v2/Users')
      .set('Content-Type', 'application/json')
      .set('Authorization', auth)
      .set('Accept', 'application/scim+json; charset=utf-8')
      .send(userBody(email));
  const userBody = (email: string) =>
    JSON.stringify({
      schemas: [CORE],
      userName: vars.randomUsername,
      name: { givenName: vars.randomGivenName, familyName: vars.randomFamilyName },
      emails: [{ primary: true, value: email, type: 'work' }],
      displayName: `${vars.randomGivenName} ${vars.randomFamilyName}`,
      active: true,
    });

  it('Required Test: Test Users endpoint', async () => {
    const res = await okta(request(t.app).get('/scim/v2/Users?count=1&startIndex=1'));
    expect(res.status).toBe(200);
    expect(res.body.Resources.length).toBeGreaterThan(0);
    expect(res.body.schemas).toContain(LIST);
    for (const n of ['itemsPerPage', 'startIndex', 'totalResults']) expect(typeof res.body[n]).toBe('number');
    const first = res.body.Resources[0];
    for (const v of [first.id, first.name?.familyName, first.name?.givenName, first.userName, first.active, first.emails?.[0]?.value])
      notEmpty(v);
    ISVUserid = first.id;
  });

  it('Required Test: Get Users/{{id}}', async () => {
    const res = await okta(request(t.app).get(`/scim/v2/Users/${ISVUserid}`));
    expect(res.status).toBe(200);
    for (const v of [
      res.body.id,
      res.body.name?.familyName,
      res.body.name?.givenName,
      res.body.userName,
      res.body.active,
      res.body.emails?.[0]?.value,
    ])
      notEmpty(v);
    expect(res.body.id).toBe(ISVUserid);
  });

  it('Required Test: Test invalid User by username', async () => {
    const res = await okta(request(t.app).get(`/scim/v2/Users?filter=userName eq "${vars.InvalidUserEmail}"`));
    expect(res.status).toBe(200);
    expect(res.body.schemas).toContain(LIST);
    expect(String(res.body.totalResults)).toBe('0');
  });

  it('Required Test: Test invalid User by ID', async () => {
    const res = await okta(request(t.app).get(`/scim/v2/Users/${vars.UserIdThatDoesNotExist}`));
    expect(res.status).toBe(404);
    notEmpty(res.body.detail);
    expect(res.body.schemas).toContain(ERROR);
  });

  it("Required Test: Make sure random user doesn't exist", async () => {
    const res = await okta(request(t.app).get(`/scim/v2/Users?filter=userName eq "${vars.randomEmail}"`));
    expect(res.status).toBe(200);
    expect(res.body.totalResults).toBe(0);
    expect(res.body.schemas).toContain(LIST);
  });

  it('Required Test: Create Okta user with realistic values', async () => {
    const res = await createUser(vars.randomEmail);
    expect(res.status).toBe(201);
    expect(String(res.body.active)).toBe('true');
    notEmpty(res.body.id);
    expect(res.body.name.familyName).toBe(vars.randomFamilyName);
    expect(res.body.name.givenName).toBe(vars.randomGivenName);
    expect(res.body.schemas).toContain(CORE);
    expect(res.body.userName).toBe(vars.randomUsername);
    idUserOne = res.body.id;
  });

  it('Required Test: Verify that user was created', async () => {
    const res = await okta(request(t.app).get(`/scim/v2/Users/${idUserOne}`));
    expect(res.status).toBe(200);
    expect(res.body.userName).toBe(vars.randomUsername);
    expect(res.body.name.familyName).toBe(vars.randomFamilyName);
    expect(res.body.name.givenName).toBe(vars.randomGivenName);
  });

  it('Required Test: Expect failure when recreating user with same values', async () => {
    const res = await createUser(vars.randomUsername);
    expect(res.status).toBe(409);
  });

  it('Required Test: Username Case Sensitivity Check', async () => {
    const res = await okta(request(t.app).get(`/scim/v2/Users?filter=userName eq "${vars.randomUsernameCaps}"`));
    expect(res.status).toBe(200);
    // beyond Okta's assertion: userName is caseExact=false, so the other casing finds the user
    expect(res.body.Resources.map((r: { id: string }) => r.id)).toEqual([idUserOne]);
  });

  it('Optional Test: Verify Groups endpoint', async () => {
    const started = Date.now();
    const res = await okta(request(t.app).get('/scim/v2/Groups'));
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(600);
    if (res.body.totalResults >= 1) expect(Array.isArray(res.body.Resources)).toBe(true);
  });

  it('Required Test: Check status 401', async () => {
    const res = await request(t.app)
      .get(`/scim/v2/Users?filter=userName eq "${vars.randomUsernameCaps}"`)
      .set('Accept', 'application/scim+json')
      .set('Accept-Charset', 'utf-8')
      .set('Authorization', 'non-token')
      .set('Content-Type', 'application/scim+json; charset=utf-8')
      .set('User-Agent', 'OKTA SCIM Integration');
    expect(res.status).toBe(401);
    notEmpty(res.body.detail);
    expect(res.body.status).toBe('401');
    expect(res.body.schemas).toContain(ERROR);
  });

  it('Required Test: Check status 404', async () => {
    const res = await okta(request(t.app).get('/scim/v2/Users/00919288221112222'));
    expect(res.status).toBe(404);
    notEmpty(res.body.detail);
    expect(res.body.status).toBe('404');
    expect(res.body.schemas).toContain(ERROR);
  });
});

import request from 'supertest';
import { createTestApp, type TestApp } from '../support/testApp';
import { seedOrgInput } from '../support/testContext';
import { operator } from '../support/httpFixtures';
import { queryRows } from '../support/dbRows';

describe('operator API', () => {
  let t: TestApp;
  beforeEach(() => {
    t = createTestApp();
  });
  afterEach(() => t.ctx.close());

  it('GET /healthz answers ok', async () => {
    await request(t.app).get('/healthz').expect(200, { status: 'ok' });
  });

  it('creates an org with its contract and the primary owner invitation, and never shows the invitation token', async () => {
    const input = seedOrgInput();
    const res = await request(t.app).post('/api/v1/orgs').set(operator).send(input).expect(201);
    expect(res.headers.location).toBe(`/api/v1/orgs/${res.body.id}`);
    expect(res.body).toMatchObject({
      id: expect.stringMatching(/^org_[0-9a-f]{20}$/),
      name: input.name,
      domains: input.domains,
      provisioningMode: 'manual',
      contract: { termStart: '2026-01-01', termMonths: 12, autoRenew: true, currency: 'USD', prices: { standard: 36000, premium: 72000 } },
      seats: { standard: { purchased: 100, assigned: 1, available: 99 }, premium: { purchased: 0, assigned: 0, available: 0 } },
      primaryOwner: {
        email: input.primaryOwnerEmail,
        invitation: { status: 'pending', role: 'primary_owner', seatType: 'standard' },
        delivery: 'sent',
      },
    });
    expect(JSON.stringify(res.body)).not.toMatch(/token/i);
    await request(t.app).get(`/api/v1/orgs/${res.body.id}`).set(operator).expect(200);
  });

  it("takes the primary owner's name, which SCIM, the OpenAPI document and the member list then show", async () => {
    const input = seedOrgInput({ provisioningMode: 'scim', primaryOwnerName: { givenName: ' Ada ', familyName: 'Lovelace' } });
    const res = await request(t.app).post('/api/v1/orgs').set(operator).send(input).expect(201);
    expect(res.body.primaryOwner).toMatchObject({ email: input.primaryOwnerEmail, name: { givenName: 'Ada', familyName: 'Lovelace' } });
    const owner = await request(t.app)
      .post(`/api/v1/orgs/${res.body.id}/api-tokens`)
      .set(operator)
      .send({ role: 'owner', label: 'owner' })
      .expect(201);
    const auth = { Authorization: `Bearer ${owner.body.token}` };
    const scimToken = await request(t.app).post(`/api/v1/orgs/${res.body.id}/scim-tokens`).set(auth).send({ label: 'okta' }).expect(201);
    const users = await request(t.app)
      .get('/scim/v2/Users?count=1&startIndex=1')
      .set('Authorization', `Bearer ${scimToken.body.token}`)
      .expect(200);
    expect(users.body.Resources[0]).toMatchObject({
      userName: input.primaryOwnerEmail,
      name: { givenName: 'Ada', familyName: 'Lovelace' },
      emails: [{ value: input.primaryOwnerEmail }],
    });
    const openapi = await request(t.app).get('/api/v1/openapi.json').expect(200);
    const schema = openapi.body.paths['/api/v1/orgs'].post.requestBody.content['application/json'].schema;
    expect(JSON.stringify(schema)).toContain('primaryOwnerName');

    const unnamed = await request(t.app)
      .post('/api/v1/orgs')
      .set(operator)
      .send(seedOrgInput({ primaryOwnerName: { givenName: 'Ada' } as never }))
      .expect(400);
    expect(unnamed.body.errors.map((e: { field: string }) => e.field)).toEqual(['primaryOwnerName.familyName']);
  });

  it('names each bad field in a problem+json 400', async () => {
    const bad = seedOrgInput({
      primaryOwnerEmail: 'boss@elsewhere.com',
      contract: { prices: { standard: 500, premium: 100 }, seats: { standard: 0, premium: 0 } },
    });
    const res = await request(t.app).post('/api/v1/orgs').set(operator).send(bad).expect(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.type).toBe('urn:seatd:problem:invalid-request');
    expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'contract.prices.premium',
      'contract.seats',
      'primaryOwnerEmail',
    ]);
  });

  it('answers malformed JSON with a 400 problem', async () => {
    const res = await request(t.app)
      .post('/api/v1/orgs')
      .set(operator)
      .set('Content-Type', 'application/json')
      .send('{"name":')
      .expect(400);
    expect(res.body).toMatchObject({ type: 'urn:seatd:problem:malformed-json', status: 400 });
  });

  it('refuses without or with a wrong operator token', async () => {
    const none = await request(t.app).post('/api/v1/orgs').send(seedOrgInput()).expect(401);
    expect(none.headers['www-authenticate']).toBe('Bearer realm="seatd"');
    await request(t.app).post('/api/v1/orgs').set('Authorization', 'Bearer not-the-operator-token').send(seedOrgInput()).expect(401);
  });

  it('refuses a domain another org has verified', async () => {
    const first = seedOrgInput();
    await request(t.app).post('/api/v1/orgs').set(operator).send(first).expect(201);
    const res = await request(t.app)
      .post('/api/v1/orgs')
      .set(operator)
      .send(seedOrgInput({ domains: first.domains }))
      .expect(409);
    expect(res.body.type).toBe('urn:seatd:problem:domain-taken');
  });

  it('issues API tokens shown once and stored only as a hash', async () => {
    const org = await request(t.app).post('/api/v1/orgs').set(operator).send(seedOrgInput()).expect(201);
    const res = await request(t.app)
      .post(`/api/v1/orgs/${org.body.id}/api-tokens`)
      .set(operator)
      .send({ role: 'owner', label: 'ci' })
      .expect(201);
    expect(res.body.token).toMatch(/^sdapi_tok_[0-9a-f]{20}\.[A-Za-z0-9_-]{43}$/);
    const secret = res.body.token.split('.')[1];
    const rows = await queryRows(t.ctx.db, 'SELECT * FROM api_tokens');
    expect(JSON.stringify(rows)).not.toContain(secret);
    await request(t.app).post(`/api/v1/orgs/${org.body.id}/api-tokens`).set(operator).send({ role: 'god', label: 'x' }).expect(400);
    await request(t.app)
      .post('/api/v1/orgs/org_00000000000000000000/api-tokens')
      .set(operator)
      .send({ role: 'owner', label: 'x' })
      .expect(404);
  });

  it('serves the OpenAPI document and answers unknown API routes with a 404 problem', async () => {
    const doc = await request(t.app).get('/api/v1/openapi.json').expect(200);
    expect(doc.body.openapi).toMatch(/^3\./);
    const res = await request(t.app).get('/api/v1/nope').expect(404);
    expect(res.body.type).toBe('urn:seatd:problem:not-found');
  });
});

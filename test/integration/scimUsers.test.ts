import request from 'supertest';
import { createTestApp, type TestApp } from '../support/testApp';
import { orgWithToken, scimOrg } from '../support/httpFixtures';
import { queryRows } from '../support/dbRows';

const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const SEATD = 'urn:ietf:params:scim:schemas:extension:seatd:2.0:User';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

describe('SCIM /Users', () => {
  let t: TestApp;
  let orgId: string;
  let domain: string;
  let scim: Record<string, string>;
  let admin: Record<string, string>;

  beforeEach(async () => {
    t = createTestApp('2026-03-01T09:00:00Z');
    let scimToken: string;
    ({ orgId, admin, domain, scim, scimToken } = await scimOrg(t.app, { standard: 3, premium: 1 }, 'okta'));
    expect(scimToken).toMatch(/^sdscim_tok_/);
  });
  afterEach(() => t.ctx.close());

  const user = (name: string, extra: Record<string, unknown> = {}) => ({
    schemas: [CORE],
    userName: `${name}@${domain}`,
    name: { givenName: name, familyName: 'Test' },
    emails: [{ primary: true, value: `${name}@${domain}`, type: 'work' }],
    active: true,
    ...extra,
  });
  const seats = async () => (await request(t.app).get(`/api/v1/orgs/${orgId}/seats`).set(admin)).body;

  it('creates an active user holding a seat, finds it by filter, and reads it back', async () => {
    const created = await request(t.app)
      .post('/scim/v2/Users')
      .set(scim)
      .send(user('ada', { externalId: '00u1', password: 'Sup3rSecret!' }))
      .expect(201);
    expect(created.body).not.toHaveProperty('password');
    expect(JSON.stringify(await queryRows(t.ctx.db, 'SELECT * FROM members'))).not.toContain('Sup3rSecret!');
    expect(created.headers['content-type']).toMatch(/^application\/scim\+json/);
    expect(created.body).toMatchObject({
      userName: `ada@${domain}`,
      active: true,
      externalId: '00u1',
      [SEATD]: { seatType: 'standard' },
      meta: { resourceType: 'User', version: 'W/"1"' },
    });
    expect(created.headers.location).toBe(`http://seatd.test/scim/v2/Users/${created.body.id}`);
    expect((await seats()).standard.assigned).toBe(2);

    const found = await request(t.app)
      .get(`/scim/v2/Users?filter=${encodeURIComponent(`userName eq "ADA@${domain}"`)}`)
      .set(scim)
      .expect(200);
    expect(found.body).toMatchObject({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
      totalResults: 1,
      startIndex: 1,
      itemsPerPage: 1,
    });
    expect(found.body.Resources[0].id).toBe(created.body.id);
    const none = await request(t.app)
      .get(`/scim/v2/Users?filter=${encodeURIComponent('userName eq "nobody@x.example"')}`)
      .set(scim)
      .expect(200);
    expect(none.body).toMatchObject({ totalResults: 0, Resources: [] });

    const got = await request(t.app).get(`/scim/v2/Users/${created.body.id}`).set(scim).expect(200);
    expect(got.headers.etag).toBe('W/"1"');
    await request(t.app).get(`/scim/v2/Users/${created.body.id}`).set(scim).set('If-None-Match', 'W/"1"').expect(304);
  });

  it('refuses a create when no seat is free with a 403 SCIM error, and records the refusal', async () => {
    await request(t.app)
      .post('/scim/v2/Users')
      .set(scim)
      .send(user('p', { [SEATD]: { seatType: 'premium' } }))
      .expect(201);
    const refused = await request(t.app)
      .post('/scim/v2/Users')
      .set(scim)
      .send(user('q', { [SEATD]: { seatType: 'premium' } }))
      .expect(403);
    expect(refused.body).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '403' });
    expect(refused.body.detail).toMatch(/^No seat is free/);
    const refusals = await request(t.app).get(`/api/v1/orgs/${orgId}/refusals`).set(admin).expect(200);
    expect(refusals.body.refusals[0]).toMatchObject({ email: `q@${domain}`, path: 'scim', seatType: 'premium' });
    const users = await request(t.app)
      .get(`/scim/v2/Users?filter=${encodeURIComponent(`userName eq "q@${domain}"`)}`)
      .set(scim)
      .expect(200);
    expect(users.body.totalResults).toBe(0);
  });

  it('deactivates with PATCH as Entra sends it ("Replace", "False") and frees the seat; re-activation needs a seat', async () => {
    const created = await request(t.app).post('/scim/v2/Users').set(scim).send(user('ada')).expect(201);
    const patched = await request(t.app)
      .patch(`/scim/v2/Users/${created.body.id}`)
      .set(scim)
      .send({ schemas: [PATCH], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] })
      .expect(200);
    expect(patched.body.active).toBe(false);
    expect((await seats()).standard.assigned).toBe(1);
    await request(t.app).post('/scim/v2/Users').set(scim).send(user('b')).expect(201);
    await request(t.app).post('/scim/v2/Users').set(scim).send(user('c')).expect(201);
    const back = await request(t.app)
      .patch(`/scim/v2/Users/${created.body.id}`)
      .set(scim)
      .send({ schemas: [PATCH], Operations: [{ op: 'replace', value: { active: true } }] })
      .expect(403);
    expect(back.body.detail).toMatch(/No seat is free/);
  });

  it('applies no-path PATCH values, the work email path and the manager as Entra sends them', async () => {
    const created = await request(t.app).post('/scim/v2/Users').set(scim).send(user('ada')).expect(201);
    const res = await request(t.app)
      .patch(`/scim/v2/Users/${created.body.id}`)
      .set(scim)
      .send({
        schemas: [PATCH],
        Operations: [
          { op: 'Replace', value: { 'name.givenName': 'Augusta', displayName: 'Augusta Ada' } },
          { op: 'Add', path: `${ENTERPRISE}:manager`, value: { value: 'mgr-1' } },
          { op: 'Replace', path: 'emails[type eq "work"].value', value: `ada.king@${domain}` },
        ],
      })
      .expect(200);
    expect(res.body).toMatchObject({
      name: { givenName: 'Augusta' },
      displayName: 'Augusta Ada',
      [ENTERPRISE]: { manager: { value: 'mgr-1' } },
      meta: { version: 'W/"2"' },
    });
  });

  it('replaces with PUT as Okta does, honours If-Match, and deletes (freeing the seat)', async () => {
    const created = await request(t.app).post('/scim/v2/Users').set(scim).send(user('ada')).expect(201);
    const put = await request(t.app)
      .put(`/scim/v2/Users/${created.body.id}`)
      .set(scim)
      .send(
        user('ada', {
          id: created.body.id,
          name: { givenName: 'Ada', familyName: 'King' },
          title: 'Countess',
          [SEATD]: { seatType: 'premium' },
        }),
      )
      .expect(200);
    expect(put.body).toMatchObject({ name: { familyName: 'King' }, title: 'Countess', [SEATD]: { seatType: 'premium' } });
    expect(await seats()).toMatchObject({ standard: { assigned: 1 }, premium: { assigned: 1 } });
    await request(t.app).put(`/scim/v2/Users/${created.body.id}`).set(scim).set('If-Match', 'W/"1"').send(user('ada')).expect(412);
    await request(t.app).delete(`/scim/v2/Users/${created.body.id}`).set(scim).expect(204);
    await request(t.app).get(`/scim/v2/Users/${created.body.id}`).set(scim).expect(404);
    expect((await seats()).premium.assigned).toBe(0);
  });

  it('filters, sorts and pages in the database', async () => {
    for (const n of ['carol', 'alice']) await request(t.app).post('/scim/v2/Users').set(scim).send(user(n)).expect(201);
    await request(t.app)
      .post('/scim/v2/Users')
      .set(scim)
      .send(user('bob', { [SEATD]: { seatType: 'premium' } }))
      .expect(201); // 3 Standard seats, the owner holds one
    const q = (params: string) => request(t.app).get(`/scim/v2/Users?${params}`).set(scim).expect(200);
    const sorted = await q('sortBy=userName&sortOrder=descending&count=2&startIndex=1');
    expect(sorted.body.Resources.map((r: { userName: string }) => r.userName)).toEqual([`owner@${domain}`, `carol@${domain}`]);
    expect(sorted.body.totalResults).toBe(4);
    const page2 = await q('sortBy=userName&count=2&startIndex=3');
    expect(page2.body.Resources.map((r: { userName: string }) => r.userName)).toEqual([`carol@${domain}`, `owner@${domain}`]);
    const names = (res: { body: { Resources: { userName: string }[] } }) => res.body.Resources.map((r) => r.userName);
    // without sortBy, pages follow creation order: the owner, then carol, alice, bob as they were pushed
    expect(names(await q('count=2&startIndex=2'))).toEqual([`carol@${domain}`, `alice@${domain}`]);
    expect(names(await q('count=2&startIndex=4'))).toEqual([`bob@${domain}`]);
    expect(names(await q('sortBy=meta.created&sortOrder=descending'))).toEqual([
      `bob@${domain}`,
      `alice@${domain}`,
      `carol@${domain}`,
      `owner@${domain}`,
    ]);
    const complex = await q(
      `filter=${encodeURIComponent('not (userName sw "a" or userName sw "b") and emails[type eq "work" and value co "@"]')}`,
    );
    expect(complex.body.Resources.map((r: { userName: string }) => r.userName).sort()).toEqual([`carol@${domain}`, `owner@${domain}`]);
    const projected = await q(`filter=${encodeURIComponent('name.givenName eq "BOB"')}&attributes=userName`);
    expect(projected.body.Resources).toEqual([{ schemas: expect.any(Array), id: expect.any(String), userName: `bob@${domain}` }]);
    const search = await request(t.app)
      .post('/scim/v2/Users/.search')
      .set(scim)
      .send({ schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], filter: 'userName sw "al"' })
      .expect(200);
    expect(search.body.totalResults).toBe(1);
  });

  it('answers bad requests as SCIM errors with the right scimType', async () => {
    const malformed = await request(t.app).post('/scim/v2/Users').set(scim).send('{"userName":').expect(400);
    expect(malformed.body).toMatchObject({ status: '400', scimType: 'invalidSyntax' });
    const badFilter = await request(t.app)
      .get(`/scim/v2/Users?filter=${encodeURIComponent('userName eq')}`)
      .set(scim)
      .expect(400);
    expect(badFilter.body.scimType).toBe('invalidFilter');
    const unknownAttr = await request(t.app)
      .get(`/scim/v2/Users?filter=${encodeURIComponent('nickName eq "x"')}`)
      .set(scim)
      .expect(400);
    expect(unknownAttr.body.scimType).toBe('invalidFilter');
    const noUserName = await request(t.app)
      .post('/scim/v2/Users')
      .set(scim)
      .send({ schemas: [CORE], active: true })
      .expect(400);
    expect(noUserName.body.scimType).toBe('invalidValue');
    const otherDomain = await request(t.app)
      .post('/scim/v2/Users')
      .set(scim)
      .send({ schemas: [CORE], userName: 'x@evil.example' })
      .expect(400);
    expect(otherDomain.body.detail).toMatch(/not a verified domain/);
    await request(t.app).post('/scim/v2/Users').set(scim).send(user('dup')).expect(201);
    const dup = await request(t.app).post('/scim/v2/Users').set(scim).send(user('dup')).expect(409);
    expect(dup.body.scimType).toBe('uniqueness');
    await request(t.app).get('/scim/v2/Users/mem_00000000000000000000').set(scim).expect(404);
  });

  it('keeps tenants apart and stops answering a revoked token', async () => {
    const other = await orgWithToken(t.app, 'owner', { provisioningMode: 'scim' });
    const otherToken = await request(t.app).post(`/api/v1/orgs/${other.orgId}/scim-tokens`).set(other.auth).send({}).expect(201);
    const otherScim = { Authorization: `Bearer ${otherToken.body.token}` };
    const mine = await request(t.app).post('/scim/v2/Users').set(scim).send(user('ada')).expect(201);
    await request(t.app).get(`/scim/v2/Users/${mine.body.id}`).set(otherScim).expect(404);
    await request(t.app).delete(`/scim/v2/Users/${mine.body.id}`).set(otherScim).expect(404);
    const list = await request(t.app).get('/scim/v2/Users').set(otherScim).expect(200);
    expect(list.body.Resources.map((r: { userName: string }) => r.userName)).toEqual([`owner@${other.org.domains[0]}`]);
    await request(t.app).delete(`/api/v1/orgs/${other.orgId}/scim-tokens/${otherToken.body.id}`).set(other.auth).expect(204);
    const revoked = await request(t.app).get('/scim/v2/Users').set(otherScim).expect(401);
    expect(revoked.body).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '401' });
    await request(t.app)
      .get('/scim/v2/Users')
      .set({ Authorization: `Bearer ${t.ctx.publicUrl}` })
      .expect(401);
    // an org API token is not a SCIM token
    await request(t.app).get('/scim/v2/Users').set(admin).expect(401);
  });

  it('serves the discovery endpoints', async () => {
    const spc = await request(t.app).get('/scim/v2/ServiceProviderConfig').set(scim).expect(200);
    expect(spc.body).toMatchObject({
      patch: { supported: true },
      filter: { supported: true },
      etag: { supported: true },
      bulk: { supported: false },
    });
    const types = await request(t.app).get('/scim/v2/ResourceTypes').set(scim).expect(200);
    expect(types.body.Resources[0].schemaExtensions.map((e: { schema: string }) => e.schema)).toEqual([ENTERPRISE, SEATD]);
    expect(types.body.Resources.map((r: { id: string }) => r.id)).toEqual(['User', 'Group']);
    const schemas = await request(t.app).get('/scim/v2/Schemas').set(scim).expect(200);
    expect(schemas.body.Resources.map((s: { id: string }) => s.id)).toEqual([
      CORE,
      ENTERPRISE,
      'urn:ietf:params:scim:schemas:core:2.0:Group',
      SEATD,
    ]);
    await request(t.app).get(`/scim/v2/Schemas/${SEATD}`).set(scim).expect(200);
  });
});

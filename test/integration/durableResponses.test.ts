import Database from 'better-sqlite3';
import request from 'supertest';
import { createTestApp, type TestApp } from '../support/testApp';
import { scimOrg } from '../support/httpFixtures';

/*
 * Under group commit a request's transaction commits at the end of the event-loop turn; the
 * response waits for that commit. These tests break a real COMMIT (a deferred foreign-key
 * violation slipped into the turn) and check that nobody is told of a change that was rolled back.
 */
describe('responses wait for the commit of what they report', () => {
  let t: TestApp;
  let breakNextCommit = false;

  beforeEach(() => {
    breakNextCommit = false;
    t = createTestApp('2026-03-01T09:00:00Z', {
      beforeCommit: () => {
        if (!breakNextCommit) return;
        breakNextCommit = false;
        t.ctx.db.$client.pragma('defer_foreign_keys = ON');
        t.ctx.db.$client
          .prepare("INSERT INTO seat_pools (org_id, seat_type, purchased, assigned) VALUES ('org_missing', 'standard', 1, 0)")
          .run();
      },
    });
  });
  afterEach(() => t.ctx.close());

  const user = (name: string, domain: string) => ({
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    userName: `${name}@${domain}`,
    emails: [{ primary: true, value: `${name}@${domain}`, type: 'work' }],
    active: true,
  });

  it('answers a SCIM create whose commit failed with a SCIM 503, and the user and the seat are not there', async () => {
    const { scim, admin, orgId, domain } = await scimOrg(t.app, { standard: 2, premium: 0 });
    const seats = async () => (await request(t.app).get(`/api/v1/orgs/${orgId}/seats`).set(admin).expect(200)).body.standard;
    const before = await seats();
    breakNextCommit = true;
    const res = await request(t.app).post('/scim/v2/Users').set(scim).send(user('ada', domain)).expect(503);
    expect(res.headers['content-type']).toMatch(/^application\/scim\+json/);
    expect(res.headers.location).toBeUndefined();
    expect(res.body).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '503' });
    expect(res.body.detail).toMatch(/could not be saved/);

    const found = await request(t.app)
      .get(`/scim/v2/Users?filter=${encodeURIComponent(`userName eq "ada@${domain}"`)}`)
      .set(scim);
    expect(found.body.totalResults).toBe(0);
    expect(await seats()).toEqual(before);

    // the IdP retries, and the retry lands
    await request(t.app).post('/scim/v2/Users').set(scim).send(user('ada', domain)).expect(201);
    expect((await seats()).assigned).toBe(before.assigned + 1);
  });

  it('answers an admin API change whose commit failed with problem+json 503', async () => {
    const { owner, orgId } = await scimOrg(t.app, { standard: 2, premium: 0 });
    breakNextCommit = true;
    const res = await request(t.app).post(`/api/v1/orgs/${orgId}/scim-tokens`).set(owner).send({ label: 'entra' }).expect(503);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 503 });
    expect(res.body.token).toBeUndefined();
  });

  it('commits every one of many concurrent creates sharing turns: each 201 is visible to another connection', async () => {
    const { scim, domain } = await scimOrg(t.app, { standard: 20, premium: 0 });
    const outsider = new Database(t.ctx.dbFile, { readonly: true });
    const visible = outsider.prepare('SELECT count(*) AS n FROM members WHERE email = ?');
    const seenAtResponse = await Promise.all(
      Array.from({ length: 12 }, async (_, i) => {
        const res = await request(t.app)
          .post('/scim/v2/Users')
          .set(scim)
          .send(user(`u${i}`, domain))
          .expect(201);
        return (visible.get(res.body.emails[0].value) as { n: number }).n;
      }),
    );
    outsider.close();
    expect(seenAtResponse).toEqual(Array(12).fill(1));
  });
});

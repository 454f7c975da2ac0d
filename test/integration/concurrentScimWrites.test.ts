import request from 'supertest';
import { createTestApp, type TestApp } from '../support/testApp';
import { scimOrg } from '../support/httpFixtures';
import { runWorkers } from '../support/runWorkers';

const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/**
 * Two SCIM clients PATCH the same user at once, from two processes on one database file: every
 * change that was answered 2xx is in the user afterwards. A PATCH read before another process's
 * write and written after it would otherwise put back the roles it read, losing the other's.
 */
describe('concurrent SCIM writes to one user', () => {
  let t: TestApp;
  afterEach(() => t.ctx.close());

  it('lose no acknowledged change', async () => {
    t = createTestApp('2026-03-01T09:00:00Z');
    const { domain, scim, scimToken } = await scimOrg(t.app, { standard: 5, premium: 0 });
    const user = await request(t.app)
      .post('/scim/v2/Users')
      .set(scim)
      .send({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: `ada@${domain}` })
      .expect(201);
    await t.ctx.groupCommit?.settled();
    const roles = (prefix: string) => Array.from({ length: 40 }, (_, i) => `${prefix}${i}`);
    const elsewhere = runWorkers(
      ['w', 'x'].map((prefix) => ({
        op: 'scimPatch',
        dbFile: t.ctx.dbFile,
        now: '2026-03-01T09:00:00Z',
        token: scimToken,
        userId: user.body.id,
        roles: roles(prefix),
      })),
    );
    const here: string[] = [];
    for (const role of roles('s')) {
      const res = await request(t.app)
        .patch(`/scim/v2/Users/${user.body.id}`)
        .set(scim)
        .send({ schemas: [PATCH], Operations: [{ op: 'add', path: 'roles', value: [{ value: role }] }] });
      here.push(`${role}:${res.status}`);
    }
    const outcomes = [...here, ...(await elsewhere).flat()];
    const acknowledged = outcomes.filter((o) => o.endsWith(':200')).map((o) => o.split(':')[0]);
    // a PATCH that kept meeting other writers may give up with 412 (never silently); all else succeeded
    expect(outcomes.filter((o) => !/:(200|412)$/.test(o))).toEqual([]);
    expect(acknowledged.length).toBeGreaterThan(100);
    const final = await request(t.app).get(`/scim/v2/Users/${user.body.id}`).set(scim).expect(200);
    const kept = new Set((final.body.roles as { value: string }[]).map((r) => r.value));
    expect(acknowledged.filter((role) => !kept.has(role!))).toEqual([]);
  }, 120_000);
});

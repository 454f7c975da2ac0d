import request from 'supertest';
import { createTestApp, type TestApp } from '../support/testApp';
import { operator, orgWithToken, tokenFor } from '../support/httpFixtures';

/** An org's API tokens: listed without their secrets, revoked at once, by the operator or the org's owners. */
describe('API tokens: list and revoke', () => {
  let t: TestApp;
  beforeEach(() => {
    t = createTestApp('2026-03-01T09:00:00Z');
  });
  afterEach(() => t.ctx.close());

  it('lists the live tokens with when each was last used, never a secret or a hash', async () => {
    const { orgId, auth: owner, token } = await orgWithToken(t.app, 'owner');
    const admin = await tokenFor(t.app, orgId, 'admin');
    const listed = await request(t.app).get(`/api/v1/orgs/${orgId}/api-tokens`).set(operator).expect(200);
    expect(listed.body).toEqual([
      { id: expect.stringMatching(/^tok_/), role: 'owner', label: 'test', createdAt: '2026-03-01T09:00:00.000Z', lastUsedAt: null },
      { id: expect.stringMatching(/^tok_/), role: 'admin', label: 'admin', createdAt: '2026-03-01T09:00:00.000Z', lastUsedAt: null },
    ]);
    t.ctx.clock.set('2026-03-01T10:00:00Z');
    await request(t.app).get(`/api/v1/orgs/${orgId}/seats`).set(admin).expect(200);
    const byOwner = await request(t.app).get(`/api/v1/orgs/${orgId}/api-tokens`).set(owner).expect(200);
    expect(byOwner.body.map((r: { lastUsedAt: string | null }) => r.lastUsedAt)).toEqual([
      '2026-03-01T10:00:00.000Z', // the owner's own call just now
      '2026-03-01T10:00:00.000Z',
    ]);
    const doc = (await request(t.app).get('/api/v1/openapi.json').expect(200)).body;
    expect(Object.keys(doc.components.schemas.ApiToken.properties).sort()).toEqual(Object.keys(byOwner.body[0]).sort());
    const text = JSON.stringify(byOwner.body);
    expect(text).not.toContain(token.split('.')[1]);
    expect(text).not.toMatch(/secret|hash/i);
  });

  it('revokes a token at once: it then answers 401, and the revocation is in the audit log', async () => {
    const { orgId, auth: owner } = await orgWithToken(t.app, 'owner');
    const admin = await tokenFor(t.app, orgId, 'admin');
    await request(t.app).get(`/api/v1/orgs/${orgId}/seats`).set(admin).expect(200);
    const adminId = (await request(t.app).get(`/api/v1/orgs/${orgId}/api-tokens`).set(owner)).body[1].id;
    await request(t.app).delete(`/api/v1/orgs/${orgId}/api-tokens/${adminId}`).set(owner).expect(204);
    const refused = await request(t.app).get(`/api/v1/orgs/${orgId}/seats`).set(admin).expect(401);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    const listed = await request(t.app).get(`/api/v1/orgs/${orgId}/api-tokens`).set(owner).expect(200);
    expect(listed.body.map((r: { id: string }) => r.id)).not.toContain(adminId);
    const audit = await request(t.app).get(`/api/v1/orgs/${orgId}/audit`).set(owner).expect(200);
    expect(audit.body.entries[0]).toMatchObject({
      action: 'api-token.revoke',
      target: adminId,
      outcome: 'success',
      actor: expect.stringMatching(/^api-token:tok_/),
    });
    await request(t.app).delete(`/api/v1/orgs/${orgId}/api-tokens/${adminId}`).set(owner).expect(404);
  });

  it('lets the operator revoke, and keeps admins and other orgs out', async () => {
    const { orgId, auth: owner } = await orgWithToken(t.app, 'owner');
    const admin = await tokenFor(t.app, orgId, 'admin');
    const other = await orgWithToken(t.app, 'owner', { domains: ['other.example'], primaryOwnerEmail: 'o@other.example' });
    const forbidden = await request(t.app).get(`/api/v1/orgs/${orgId}/api-tokens`).set(admin).expect(403);
    expect(forbidden.headers['content-type']).toMatch(/^application\/problem\+json/);
    const ownerId = (await request(t.app).get(`/api/v1/orgs/${orgId}/api-tokens`).set(owner)).body[0].id;
    await request(t.app).delete(`/api/v1/orgs/${orgId}/api-tokens/${ownerId}`).set(admin).expect(403);
    await request(t.app).get(`/api/v1/orgs/${orgId}/api-tokens`).set(other.auth).expect(404);
    await request(t.app).delete(`/api/v1/orgs/${other.orgId}/api-tokens/${ownerId}`).set(other.auth).expect(404);
    await request(t.app).get(`/api/v1/orgs/${orgId}/api-tokens`).expect(401);
    await request(t.app).delete(`/api/v1/orgs/${orgId}/api-tokens/${ownerId}`).set(operator).expect(204);
    await request(t.app).get(`/api/v1/orgs/${orgId}/seats`).set(owner).expect(401);
  });
});

import request from 'supertest';
import type { Express } from 'express';
import { OPERATOR_TOKEN } from './testApp';
import { seedOrgInput, type SeedOrgOverrides } from './testContext';

export const operator = { Authorization: `Bearer ${OPERATOR_TOKEN}` };

/** Creates an org through the operator API and an org API token of the role; answers both. */
/**
 * The seed org's term starts on 1 January of the app's clock year (2026 for the tests on the seed
 * example's dates; this year for the tests that run on the real clock, as SAML needs).
 */
function termStartFor(app: Express): string {
  const clock = app.locals.testClock as { now(): Date } | undefined;
  return `${(clock?.now() ?? new Date()).getUTCFullYear()}-01-01`;
}

export async function orgWithToken(app: Express, role: 'owner' | 'admin' = 'owner', overrides: SeedOrgOverrides = {}) {
  const input = seedOrgInput({ ...overrides, contract: { termStart: termStartFor(app), ...overrides.contract } });
  const created = await request(app).post('/api/v1/orgs').set(operator).send(input).expect(201);
  const token = await request(app)
    .post(`/api/v1/orgs/${created.body.id}/api-tokens`)
    .set(operator)
    .send({ role, label: 'test' })
    .expect(201);
  return {
    org: created.body,
    orgId: created.body.id as string,
    auth: { Authorization: `Bearer ${token.body.token}` },
    token: token.body.token as string,
  };
}

export async function tokenFor(app: Express, orgId: string, role: 'owner' | 'admin') {
  const res = await request(app).post(`/api/v1/orgs/${orgId}/api-tokens`).set(operator).send({ role, label: role }).expect(201);
  return { Authorization: `Bearer ${res.body.token}` };
}

export const SEED_CHANGE = { add: { standard: 5, premium: 0 }, upgrade: { standardToPremium: 10 }, effectiveDate: '2026-03-01' };

/** An org in SCIM mode with an admin API token and a SCIM token made by an owner, as an Okta/Entra set-up has. */
export async function scimOrg(app: Express, seats: { standard: number; premium: number }, label = 'scim') {
  const created = await orgWithToken(app, 'admin', { provisioningMode: 'scim', contract: { seats } });
  const owner = await tokenFor(app, created.orgId, 'owner');
  const token = await request(app).post(`/api/v1/orgs/${created.orgId}/scim-tokens`).set(owner).send({ label }).expect(201);
  return {
    orgId: created.orgId,
    admin: created.auth,
    owner,
    domain: created.org.domains[0] as string,
    scimToken: token.body.token as string,
    scim: { Authorization: `Bearer ${token.body.token}`, 'Content-Type': 'application/scim+json' },
  };
}

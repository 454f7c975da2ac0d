import request from 'supertest';
import type { Express } from 'express';
import { operator, orgWithToken } from './httpFixtures';
import { startOidcProvider } from './oidcIdp';
import type { SeedOrgOverrides } from './testContext';
import type { RegisteredApp } from './vendorApp';

/** Registers an application with seatd through the operator API; answers what its relying party needs. */
export async function registerVendorApp(app: Express, redirectUri: string, postLogoutRedirectUris: string[] = []): Promise<RegisteredApp> {
  const res = await request(app)
    .post('/api/v1/apps')
    .set(operator)
    .send({ name: 'Vendor app', redirectUris: [redirectUri], postLogoutRedirectUris })
    .expect(201);
  return { clientId: res.body.clientId, clientSecret: res.body.clientSecret, redirectUri };
}

/** An org (owner token) signing in through its own OpenID Provider, a real oidc-provider on loopback. */
export async function oidcConnectedOrg(seatd: { app: Express; url: string }, overrides: SeedOrgOverrides = {}) {
  const created = await orgWithToken(seatd.app, 'owner', { provisioningMode: 'jit', ...overrides });
  const secret = 'seatd-client-secret-0123456789';
  const idp = await startOidcProvider({
    clientId: 'seatd',
    clientSecret: secret,
    redirectUri: `${seatd.url}/sso/${created.orgId}/oidc/callback`,
  });
  await request(seatd.app)
    .put(`/api/v1/orgs/${created.orgId}/sso/oidc`)
    .set(created.auth)
    .send({ issuer: idp.issuer, clientId: 'seatd', clientSecret: secret })
    .expect(200);
  return { orgId: created.orgId, domain: created.org.domains[0] as string, owner: created.auth, idp };
}

import { Router } from 'express';
import type { DomainContext } from '../domain/context';
import { findOrg } from '../domain/orgs/orgRepository';
import { getOidcConnection, getSamlConnection } from '../domain/sso/ssoConnections';
import { sendPage } from './page';

/** GET /sso/{org}: where people of an org start signing in, with a button per configured identity provider. */
export function signInPage(ctx: DomainContext): Router {
  const router = Router();
  router.get('/sso/:org', async (req, res) => {
    const orgId = req.params.org as string;
    const org = await findOrg(ctx.db, orgId);
    if (!org) return sendPage(res, 404, 'Unknown organization', ['There is no such organization.']);
    const methods = [
      (await getSamlConnection(ctx, orgId)) ? { href: `/sso/${orgId}/saml/login`, text: 'Sign in with SAML single sign-on' } : undefined,
      (await getOidcConnection(ctx, orgId)) ? { href: `/sso/${orgId}/oidc/login`, text: 'Sign in with OpenID Connect' } : undefined,
    ].filter((m): m is { href: string; text: string } => Boolean(m));
    if (!methods.length) return sendPage(res, 404, `Sign in to ${org.name}`, ['Single sign-on is not set up for this organization yet.']);
    sendPage(res, 200, `Sign in to ${org.name}`, [], methods);
  });
  return router;
}

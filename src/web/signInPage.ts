import { Router } from 'express';
import type { DomainContext } from '../domain/context';
import { escapeHtml } from '../domain/escapeHtml';
import { findOrg } from '../domain/orgs/orgRepository';
import { getOidcConnection, getSamlConnection } from '../domain/sso/ssoConnections';
import { sendPage } from './page';

/** GET /sso/{org}: where people of an org start signing in, with a button per configured identity provider. */
export function signInPage(ctx: DomainContext): Router {
  const router = Router();
  router.get('/sso/:org', (req, res) => {
    const orgId = req.params.org as string;
    const org = findOrg(ctx.db, orgId);
    if (!org) return sendPage(res, 404, 'Unknown organization', ['There is no such organization.']);
    const methods = [
      getSamlConnection(ctx, orgId) ? { href: `/sso/${orgId}/saml/login`, text: 'Sign in with SAML single sign-on' } : undefined,
      getOidcConnection(ctx, orgId) ? { href: `/sso/${orgId}/oidc/login`, text: 'Sign in with OpenID Connect' } : undefined,
    ].filter((m): m is { href: string; text: string } => Boolean(m));
    if (!methods.length) return sendPage(res, 404, `Sign in to ${org.name}`, ['Single sign-on is not set up for this organization yet.']);
    res
      .type('html')
      .set('Cache-Control', 'no-store')
      .send(
        `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
          `<title>Sign in to ${escapeHtml(org.name)} · seatd</title><style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem}a.button{display:block;margin:.6rem 0;padding:.7rem 1rem;border:1px solid #1b1f23;border-radius:6px;text-decoration:none;color:#1b1f23}</style></head>` +
          `<body><main><h1>Sign in to ${escapeHtml(org.name)}</h1>${methods.map((m) => `<a class="button" href="${escapeHtml(m.href)}">${escapeHtml(m.text)}</a>`).join('')}</main></body></html>`,
      );
  });
  return router;
}

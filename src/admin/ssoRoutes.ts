import { Router } from 'express';
import type { DomainContext } from '../domain/context';
import { getSamlConnection, setOidcConnection, setSamlConnection } from '../domain/sso/ssoConnections';
import { oidcPostLogoutRedirectUri, oidcRedirectUri } from '../sso/oidc';
import { samlUrls } from '../sso/saml';
import { requireOrgRole } from './auth';
import { Invalid } from '../domain/errors';
import { listSignInFailures } from '../domain/sso/signInFailures';

/** SSO settings of an org: admins read them, owners change them; answers also the URLs to give the IdP. */
export function ssoRoutes(ctx: DomainContext, samlEncryptionCert?: string): Router {
  const router = Router({ mergeParams: true });
  const admin = requireOrgRole(ctx, 'admin');
  const owner = requireOrgRole(ctx, 'owner');
  const describe = (orgId: string) => {
    const urls = samlUrls(ctx.publicUrl, orgId);
    return {
      serviceProvider: {
        entityId: urls.entityId,
        acsUrl: urls.acs,
        metadataUrl: urls.entityId,
        loginUrl: urls.login,
        singleLogoutUrl: urls.slo,
        // the certificate IdPs encrypt assertions to (Entra: token encryption; Okta: assertion encryption), when seatd has one
        ...(samlEncryptionCert ? { encryptionCertificate: samlEncryptionCert } : {}),
      },
    };
  };
  router.put('/sso/saml', owner, async (req, res) => {
    const orgId = req.params.org as string;
    if (req.body?.signAuthnRequests === true && !samlEncryptionCert) {
      throw Invalid.field('signAuthnRequests', 'needs seatd’s SAML key pair: set SAML_SP_KEY_FILE and SAML_SP_CERT_FILE first');
    }
    const { idpCert: _cert, ...connection } = await setSamlConnection(ctx, orgId, req.body, {
      actor: req.principal!.actor,
      role: req.principal!.role,
    });
    res.json({ ...connection, idpCertSet: true, ...describe(orgId) });
  });
  router.put('/sso/oidc', owner, async (req, res) => {
    const orgId = req.params.org as string;
    const { clientSecret: _secret, ...connection } = await setOidcConnection(ctx, orgId, req.body, {
      actor: req.principal!.actor,
      role: req.principal!.role,
    });
    res.json({
      ...connection,
      clientSecretSet: true,
      redirectUri: oidcRedirectUri(ctx.publicUrl, orgId),
      postLogoutRedirectUri: oidcPostLogoutRedirectUri(ctx.publicUrl, orgId),
      loginUrl: `${ctx.publicUrl}/sso/${orgId}/oidc/login`,
    });
  });
  /** Why sign-ins failed lately (signature, audience, expired, …), counted per minute: what an IT admin checks first. */
  router.get('/sso/failures', admin, async (req, res) => {
    res.json({ failures: await listSignInFailures(ctx, req.params.org as string) });
  });
  router.get('/sso/saml', admin, async (req, res) => {
    const orgId = req.params.org as string;
    const connection = await getSamlConnection(ctx, orgId);
    res.json({
      configured: Boolean(connection),
      ...(connection
        ? {
            entryPoint: connection.entryPoint,
            idpIssuer: connection.idpIssuer,
            logoutUrl: connection.logoutUrl ?? null,
            allowIdpInitiated: connection.allowIdpInitiated,
            signAuthnRequests: connection.signAuthnRequests ?? false,
            signOutAtIdp: connection.signOutAtIdp ?? false,
          }
        : {}),
      ...describe(orgId),
    });
  });
  return router;
}

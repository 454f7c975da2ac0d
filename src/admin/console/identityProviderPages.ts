import { Router, type Request, type Response } from 'express';
import type { DomainContext } from '../../domain/context';
import { DomainError, Invalid } from '../../domain/errors';
import { getOrg } from '../../domain/orgs/orgs';
import { listRefusals } from '../../domain/provisioning/refusals';
import { failureInWords, listSignInFailures } from '../../domain/sso/signInFailures';
import { getOidcConnection, getSamlConnection, setOidcConnection, setSamlConnection } from '../../domain/sso/ssoConnections';
import { requireCsrf } from '../../web/csrf';
import { pageStatusOf } from '../../web/browserErrors';
import { formFields } from '../../web/forms';
import { oidcPostLogoutRedirectUri, oidcRedirectUri, oidcTestSignInUrl } from '../../sso/oidc';
import { samlTestSignInUrl, samlUrls, type SamlSpKeyPair } from '../../sso/saml';
import { by, copyField, csrfField, dataTable, isOwner, page, requireConsole, sessionOf, when } from './consoleKit';
import { html, type Html } from './html';

/** Failures shown on the page: what an IT admin checks first when people say they cannot get in. */
const FAILURES_SHOWN = 50;

type FailureRow = { at: string; protocol: string; reason: string; inWords: string; count: number; detail: string };

/** Sign-in failures of the org's IdP and SSO sign-ins refused for lack of a seat, newest first. */
async function recentFailures(ctx: DomainContext, orgId: string): Promise<FailureRow[]> {
  const failures = (await listSignInFailures(ctx, orgId, FAILURES_SHOWN)).map((f) => ({
    at: f.lastAt,
    protocol: f.kind === 'saml-logout' ? 'SAML sign-out' : f.kind.toUpperCase(),
    reason: f.reason,
    inWords: failureInWords(f.reason),
    count: f.count,
    detail: f.lastDetail,
  }));
  const noSeat = (await listRefusals(ctx, orgId, FAILURES_SHOWN))
    .filter((r) => r.path === 'jit')
    .map((r) => ({ at: r.at, protocol: 'SSO', reason: 'no seat', inWords: failureInWords('no seat'), count: 1, detail: r.email }));
  return [...failures, ...noSeat].sort((a, b) => b.at.localeCompare(a.at)).slice(0, FAILURES_SHOWN);
}

const steps = {
  okta: html`<details>
    <summary>Okta</summary>
    <ol>
      <li>Admin Console → Applications → Create App Integration → SAML 2.0.</li>
      <li>Single sign-on URL: the ACS URL above (check “Use this for Recipient URL and Destination URL”). Audience URI: the Entity ID.</li>
      <li>
        Name ID format: EmailAddress; Application username: Email. Attribute statements: <code>email</code>, <code>firstName</code>,
        <code>lastName</code>; group attribute <code>groups</code> if seat types follow groups.
      </li>
      <li>Sign On tab → “Metadata URL” or “View SAML setup instructions” → download the IdP metadata and upload it below.</li>
      <li>Assign people or groups to the app, then press “Test sign-in”.</li>
      <li>
        For SCIM: General → enable SCIM provisioning; Provisioning → SCIM connector base URL from the SCIM page, Unique identifier
        <code>userName</code>, authentication “HTTP Header” with a SCIM token.
      </li>
    </ol>
  </details>`,
  entra: html`<details>
    <summary>Microsoft Entra ID</summary>
    <ol>
      <li>Entra admin center → Enterprise applications → New application → Create your own application (non-gallery).</li>
      <li>
        Single sign-on → SAML → Basic SAML Configuration: Identifier (Entity ID) = the Entity ID above; Reply URL = the ACS URL; Logout URL
        = the SLO URL.
      </li>
      <li>
        Attributes &amp; Claims: keep the email address claim (seatd reads Entra’s claim URIs as they are); add a group claim if seat types
        follow groups.
      </li>
      <li>SAML Certificates → “Federation Metadata XML” → download and upload it below.</li>
      <li>Users and groups → assign, then press “Test sign-in”.</li>
      <li>
        For SCIM: Provisioning → Automatic; Tenant URL = the SCIM base URL, Secret Token = a SCIM token; Test Connection, then start
        provisioning.
      </li>
    </ol>
  </details>`,
};

/** The identity provider page: what to copy into the IdP, the connection (owners change it), a test, and why sign-ins failed. */
export function identityProviderPages(
  ctx: DomainContext,
  options: { samlSp?: SamlSpKeyPair; allowPrivateNetworks?: boolean } = {},
): Router {
  const router = Router();
  const admin = requireConsole(ctx, 'admin');
  const owner = requireConsole(ctx, 'owner');
  const forms = formFields('1mb');

  const show = async (req: Request, res: Response, problem?: Html, status = 200) => {
    const { orgId, member } = sessionOf(req);
    const owns = isOwner(member.role);
    const saml = await getSamlConnection(ctx, orgId);
    const oidc = await getOidcConnection(ctx, orgId);
    const urls = samlUrls(ctx.publicUrl, orgId);
    const failures = await recentFailures(ctx, orgId);
    const org = await getOrg(ctx, orgId);
    page(
      req,
      res,
      'Identity provider',
      html`${problem ?? ''}${req.query.saved ? html`<p class="notice" role="status">Connection saved. Press “Test sign-in” to try it.</p>` : ''}
        ${owns ? '' : html`<p class="notice">You can read these settings; owners change them.</p>`}
        <section aria-labelledby="sp-h">
          <h2 id="sp-h">Values for your identity provider</h2>
          ${copyField('sp-entity', 'Entity ID (Audience URI)', urls.entityId)} ${copyField('sp-acs', 'ACS URL (Reply URL)', urls.acs)}
          ${copyField('sp-slo', 'Single logout URL', urls.slo)} ${copyField('sp-metadata', 'SP metadata URL', urls.entityId)}
          ${copyField('oidc-redirect', 'OIDC redirect URI', oidcRedirectUri(ctx.publicUrl, orgId))}
          ${copyField('oidc-post-logout', 'OIDC post-logout redirect URI', oidcPostLogoutRedirectUri(ctx.publicUrl, orgId))}
          ${copyField('sign-in-url', 'Sign-in page for your people', `${ctx.publicUrl}/sso/${orgId}`)}
          <h3>Step by step</h3>
          ${steps.okta}${steps.entra}
        </section>
        <section aria-labelledby="saml-h">
          <h2 id="saml-h">SAML</h2>
          ${
            saml
              ? html`<p>Connected to <strong>${saml.idpIssuer}</strong> (sign-on URL ${saml.entryPoint}).</p>
                  ${
                    owns
                      ? html`<form method="post" action="/console/sso/saml/test">
                          ${csrfField(req)}<button type="submit">Test sign-in</button>
                        </form>`
                      : ''
                  }`
              : html`<p>No SAML connection yet.</p>`
          }
          ${
            owns
              ? html`<form method="post" action="/console/sso/saml" enctype="multipart/form-data">
                  ${csrfField(req)}
                  <p>
                    <label for="metadata-file">Upload IdP metadata (XML)</label>
                    <input type="file" id="metadata-file" name="idpMetadataFile" accept=".xml,application/xml,text/xml" />
                  </p>
                  <p>
                    <label for="metadata-xml">…or paste it</label><br /><textarea
                      id="metadata-xml"
                      name="idpMetadataXml"
                      rows="5"
                      cols="80"
                    ></textarea>
                  </p>
                  <p>
                    <label for="idp-initiated">Allow sign-in started at the IdP (tiles in Okta, My Apps in Entra)</label>
                    <input
                      type="checkbox"
                      id="idp-initiated"
                      name="allowIdpInitiated"
                      value="true"
                      ${saml?.allowIdpInitiated ? html`checked` : ''}
                    />
                  </p>
                  <p><button type="submit">Save SAML connection</button></p>
                </form>`
              : ''
          }
        </section>
        <section aria-labelledby="oidc-h">
          <h2 id="oidc-h">OpenID Connect</h2>
          ${oidc ? html`<p>Connected to <strong>${oidc.issuer}</strong> as client ${oidc.clientId}.</p>` : html`<p>No OpenID Connect connection.</p>`}
          ${
            oidc && owns
              ? html`<form method="post" action="/console/sso/oidc/test">
                  ${csrfField(req)}<button type="submit">Test OpenID Connect sign-in</button>
                </form>`
              : ''
          }
          ${
            owns
              ? html`<form method="post" action="/console/sso/oidc">
                  ${csrfField(req)}
                  <p>
                    <label for="oidc-issuer">Issuer URL</label>
                    <input type="url" id="oidc-issuer" name="issuer" required value="${oidc?.issuer ?? ''}" />
                  </p>
                  <p>
                    <label for="oidc-client">Client ID</label>
                    <input type="text" id="oidc-client" name="clientId" required value="${oidc?.clientId ?? ''}" />
                  </p>
                  <p>
                    <label for="oidc-secret">Client secret</label>
                    <input type="password" id="oidc-secret" name="clientSecret" required autocomplete="off" />
                  </p>
                  <p><button type="submit">Save OpenID Connect connection</button></p>
                </form>`
              : ''
          }
        </section>
        <section aria-labelledby="failures-h">
          <h2 id="failures-h">Recent sign-in failures</h2>
          <p>The last ${FAILURES_SHOWN}, per reason and minute, for ${org.name}.</p>
          ${dataTable(
            ['When', 'Protocol', 'Reason', 'What it means', { text: 'Attempts', num: true }, 'Detail'],
            failures.map(
              (f) =>
                html`<tr>
                  <td>${when(f.at)}</td>
                  <td>${f.protocol}</td>
                  <td>${f.reason}</td>
                  <td>${f.inWords}</td>
                  <td class="num">${f.count}</td>
                  <td>${f.detail}</td>
                </tr>`,
            ),
            'No failed sign-ins.',
          )}
        </section>`,
      status,
      // "Test sign-in" is a form whose redirect leads to the IdP, and browsers hold that redirect to form-action
      { formAction: "'self' http: https:" },
    );
  };

  const saveOr = (work: (req: Request) => Promise<unknown>) => async (req: Request, res: Response) => {
    try {
      await work(req);
      res.redirect(303, '/console/sso?saved=1');
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      await show(req, res, html`<p class="error" role="alert">${err.message}</p>`, pageStatusOf(err).status);
    }
  };

  router.get('/console/sso', admin, (req, res) => show(req, res));

  router.post(
    '/console/sso/saml',
    ...forms,
    owner,
    requireCsrf,
    saveOr(async (req) => {
      const body = req.body as Record<string, string>;
      const xml = body.idpMetadataFile?.trim() || body.idpMetadataXml?.trim();
      if (!xml)
        throw Invalid.field(
          'idpMetadataXml',
          'upload or paste the IdP metadata XML (Okta: “Identity Provider metadata”; Entra: “Federation Metadata XML”)',
        );
      return setSamlConnection(
        ctx,
        sessionOf(req).orgId,
        { idpMetadataXml: xml, allowIdpInitiated: body.allowIdpInitiated === 'true' },
        by(req),
      );
    }),
  );

  router.post(
    '/console/sso/oidc',
    ...forms,
    owner,
    requireCsrf,
    saveOr(async (req) => {
      const { issuer, clientId, clientSecret } = req.body as Record<string, string>;
      return setOidcConnection(ctx, sessionOf(req).orgId, { issuer, clientId, clientSecret }, by(req));
    }),
  );

  router.post('/console/sso/saml/test', ...forms, owner, requireCsrf, async (req, res) => {
    res.redirect(303, await samlTestSignInUrl(ctx, options.samlSp, req, res, sessionOf(req).orgId));
  });

  router.post('/console/sso/oidc/test', ...forms, owner, requireCsrf, async (req, res) => {
    let url: string;
    try {
      url = await oidcTestSignInUrl(ctx, req, res, sessionOf(req).orgId, { allowPrivateNetworks: options.allowPrivateNetworks });
    } catch (err) {
      if (err instanceof DomainError) throw err;
      return show(req, res, html`<p class="error" role="alert">The identity provider could not be reached: check the issuer URL.</p>`, 502);
    }
    res.redirect(303, url);
  });

  return router;
}

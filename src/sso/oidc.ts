import { Router, type Request, type Response } from 'express';
import type * as OpenIdClient from 'openid-client';
import type { DomainContext } from '../domain/context';
import { ownValue } from '../domain/ownValue';
import { findOrg } from '../domain/orgs/orgRepository';
import { getOidcConnection, saveOidcLogin, takeOidcLogin, type OidcConnection } from '../domain/sso/ssoConnections';
import type { Logger } from '../logger';
import { sendPage, sendSignedOutPage } from '../web/page';
import { admitAndSignIn, refuseSignInOrTest } from './ssoOutcome';
import { sendSsoTestResult } from './ssoTestPage';
import { NotFound } from '../domain/errors';
import { bindBrowser, presentedBrowser, startTestSignIn, testSignInOf } from './browserBinding';
import { wantsFreshSignIn } from '../op/handOff';
import { outboundFetch } from '../net/outbound';
import type { ActiveSession } from '../domain/sessions/sessions';

/** openid-client v6 is ESM-only; it is loaded on first use. */
let openIdClient: Promise<typeof OpenIdClient> | undefined;
const loadOpenIdClient = () => (openIdClient ??= import('openid-client'));

export function oidcRedirectUri(publicUrl: string, orgId: string): string {
  return `${publicUrl}/sso/${orgId}/oidc/callback`;
}

/** Where the OpenID Provider sends the browser after a logout seatd started; register it with the IdP. */
export function oidcPostLogoutRedirectUri(publicUrl: string, orgId: string): string {
  return `${publicUrl}/sso/${orgId}/oidc/signed-out`;
}

/** Plain http is accepted only for an IdP on this machine (a local demo or a test), never across a network. */
function isLoopback(issuer: string): boolean {
  const { protocol, hostname } = new URL(issuer);
  return protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(hostname);
}

const discovered = new Map<string, { at: number; config: Promise<OpenIdClient.Configuration> }>();

/**
 * Discovery from the issuer, cached for ten minutes per org and issuer. Every request to the
 * provider goes through outboundFetch: unless private networks are allowed, an org's issuer URL must
 * not make seatd call inside its own network.
 */
async function clientConfiguration(
  orgId: string,
  connection: OidcConnection,
  allowPrivateNetworks: boolean,
): Promise<OpenIdClient.Configuration> {
  const key = `${orgId} ${connection.issuer} ${connection.clientId} ${allowPrivateNetworks}`;
  const cached = discovered.get(key);
  if (cached && Date.now() - cached.at < 10 * 60_000) return cached.config;
  const oidc = await loadOpenIdClient();
  const config = oidc.discovery(new URL(connection.issuer), connection.clientId, connection.clientSecret, undefined, {
    // openid-client skips ID token signature checks on the back channel (OIDC Core allows relying on
    // TLS there); seatd checks them anyway, so a forged or mis-signed token is refused.
    execute: [oidc.enableNonRepudiationChecks, ...(isLoopback(connection.issuer) ? [oidc.allowInsecureRequests] : [])],
    [oidc.customFetch]: outboundFetch(allowPrivateNetworks),
  });
  discovered.set(key, { at: Date.now(), config });
  config.catch(() => discovered.delete(key));
  return config;
}

function claimText(claims: Record<string, unknown>, name: string | undefined): string | undefined {
  const v = name ? ownValue(claims, name) : undefined;
  return typeof v === 'string' && v.trim() ? v.trim() : undefined;
}

/** openid-client's message plus the claim, algorithm or code behind it, for the admin's log. */
function failureReason(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const details: string[] = [];
  for (let e: unknown = err; e instanceof Error; e = (e as { cause?: unknown }).cause) {
    const { code } = e as { code?: string };
    if (e !== err) details.push(e.message);
    if (code) details.push(code);
    const cause = (e as { cause?: unknown }).cause as { claim?: string; header?: { alg?: string }; reason?: string } | undefined;
    if (cause && !(cause instanceof Error)) {
      if (cause.claim) details.push(`claim ${cause.claim}`);
      if (cause.header?.alg) details.push(`alg ${cause.header.alg}`);
      if (cause.reason) details.push(cause.reason);
    }
  }
  return details.length ? `${err.message} (${[...new Set(details)].join(', ')})` : err.message;
}

/**
 * Where to send someone signing out of seatd so that the OpenID Provider signs them out too
 * (RP-initiated logout, with their ID token as id_token_hint). Undefined unless the org turned
 * `signOutAtIdp` on, the session came from OIDC, and the provider has an end_session_endpoint.
 */
export async function oidcLogoutUrl(
  ctx: DomainContext,
  session: ActiveSession,
  options: { allowPrivateNetworks?: boolean } = {},
): Promise<string | undefined> {
  if (!session.oidc) return undefined;
  const connection = await getOidcConnection(ctx, session.orgId);
  if (!connection?.signOutAtIdp) return undefined;
  const oidc = await loadOpenIdClient();
  const config = await clientConfiguration(session.orgId, connection, options.allowPrivateNetworks ?? false);
  if (!config.serverMetadata().end_session_endpoint) return undefined;
  return oidc.buildEndSessionUrl(config, {
    id_token_hint: session.oidc.idToken,
    post_logout_redirect_uri: oidcPostLogoutRedirectUri(ctx.publicUrl, session.orgId),
  }).href;
}

/** A test sign-in's state: random, then the test marker (see startTestSignIn), so the callback knows it from the state it stored. */
const TEST_STATE_SEPARATOR = '~';

/**
 * Starts a sign-in at the org's OpenID Provider (authorization code, PKCE, nonce, bound to this
 * browser) and answers where to send the browser; `test` marks a console "Test sign-in".
 */
async function authorizationUrl(
  ctx: DomainContext,
  req: Request,
  res: Response,
  start: { orgId: string; connection: OidcConnection; allowPrivateNetworks: boolean; test?: string },
): Promise<string> {
  const { orgId, connection, allowPrivateNetworks, test } = start;
  const oidc = await loadOpenIdClient();
  const config = await clientConfiguration(orgId, connection, allowPrivateNetworks);
  const codeVerifier = oidc.randomPKCECodeVerifier();
  const state = test ? `${oidc.randomState()}${TEST_STATE_SEPARATOR}${test}` : oidc.randomState();
  const nonce = oidc.randomNonce();
  await saveOidcLogin(ctx, { orgId, state, codeVerifier, nonce, browserHash: bindBrowser(req, res, ctx.publicUrl) });
  return oidc.buildAuthorizationUrl(config, {
    redirect_uri: oidcRedirectUri(ctx.publicUrl, orgId),
    scope: 'openid email profile',
    code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    // a test, or an application that asked for a fresh sign-in (prompt=login, max_age): the IdP must authenticate again
    ...(test || (await wantsFreshSignIn(ctx, req)) ? { prompt: 'login' } : {}),
  }).href;
}

/** Where the console's "Test sign-in" sends the owner: a real sign-in whose callback shows the claims instead of signing anyone in. */
export async function oidcTestSignInUrl(
  ctx: DomainContext,
  req: Request,
  res: Response,
  orgId: string,
  options: { allowPrivateNetworks?: boolean } = {},
): Promise<string> {
  const connection = await getOidcConnection(ctx, orgId);
  if (!connection) throw new NotFound('OpenID Connect connection', orgId);
  const test = startTestSignIn(res, ctx.publicUrl);
  return authorizationUrl(ctx, req, res, { orgId, connection, allowPrivateNetworks: options.allowPrivateNetworks ?? false, test });
}

export function oidcRouter(ctx: DomainContext, logger: Logger, options: { allowPrivateNetworks?: boolean } = {}): Router {
  const allowPrivateNetworks = options.allowPrivateNetworks ?? false;
  const router = Router();
  const connectionOr404 = async (req: Request, res: Response) => {
    const orgId = req.params.org as string;
    const connection = (await findOrg(ctx.db, orgId)) ? await getOidcConnection(ctx, orgId) : undefined;
    if (!connection) sendPage(res, 404, 'Single sign-on is not set up', ['This organization has no OpenID Connect sign-in configured.']);
    return connection;
  };

  router.get('/sso/:org/oidc/login', async (req, res) => {
    const orgId = req.params.org as string;
    const connection = await connectionOr404(req, res);
    if (!connection) return;
    let url: string;
    try {
      url = await authorizationUrl(ctx, req, res, { orgId, connection, allowPrivateNetworks });
    } catch (err) {
      logger.warn({ orgId, err }, 'OIDC discovery failed');
      return sendPage(res, 502, 'Identity provider unreachable', [
        'Your organization’s identity provider could not be reached. Try again in a moment.',
      ]);
    }
    res.redirect(302, url);
  });

  router.get('/sso/:org/oidc/callback', async (req, res) => {
    const orgId = req.params.org as string;
    const connection = await connectionOr404(req, res);
    if (!connection) return;
    const state = typeof req.query.state === 'string' ? req.query.state : '';
    const test = testSignInOf(req, state.includes(TEST_STATE_SEPARATOR) ? state.slice(state.indexOf(TEST_STATE_SEPARATOR) + 1) : undefined);
    const refuse = (status: 401 | 403, reason: string, paragraphs: string[]) =>
      refuseSignInOrTest(ctx, logger, req, res, { orgId, kind: 'oidc', status, reason, paragraphs, test });
    const login = state ? await takeOidcLogin(ctx, orgId, state, presentedBrowser(req)) : undefined;
    if (!login) {
      return refuse(401, 'unknown, expired or reused state, or a sign-in started in another browser', [
        'This sign-in link is not valid any more, or it was started in another browser. Start again from the sign-in page.',
      ]);
    }
    let claims: Record<string, unknown>;
    let idToken: string | undefined;
    try {
      const oidc = await loadOpenIdClient();
      const config = await clientConfiguration(orgId, await connection, allowPrivateNetworks);
      // The redirect URI the IdP called back, rebuilt on PUBLIC_URL so a proxy in front does not change it.
      const currentUrl = new URL(`${oidcRedirectUri(ctx.publicUrl, orgId)}${req.originalUrl.slice(req.originalUrl.indexOf('?'))}`);
      const tokens = await oidc.authorizationCodeGrant(config, currentUrl, {
        pkceCodeVerifier: login.codeVerifier,
        expectedState: state,
        expectedNonce: login.nonce,
        idTokenExpected: true,
      });
      claims = (tokens.claims() ?? {}) as Record<string, unknown>;
      idToken = tokens.id_token;
      if (claims.email === undefined && tokens.access_token) {
        // Some providers keep profile claims out of the ID token (oidc-provider's default); ask UserInfo, bound to the same subject.
        claims = { ...(await oidc.fetchUserInfo(config, tokens.access_token, String(claims.sub))), ...claims };
      }
    } catch (err) {
      return refuse(401, failureReason(err), [
        'Your identity provider’s answer could not be accepted, so you are not signed in.',
        'Try again; if it keeps failing, your administrator can find the reason in seatd’s log.',
      ]);
    }
    const map = connection.attributeMapping ?? {};
    // Only a verified email identifies a person; an unverified one could be anybody's.
    const email = claims.email_verified === true ? claimText(claims, map.email ?? 'email') : undefined;
    if (!email) return refuse(401, 'no verified email in the ID token', ['Your identity provider did not send a verified email address.']);
    const groupsClaim = ownValue(claims, map.groups ?? 'groups');
    const identity = {
      email,
      givenName: claimText(claims, map.givenName ?? 'given_name'),
      familyName: claimText(claims, map.familyName ?? 'family_name'),
      groups: Array.isArray(groupsClaim) ? groupsClaim.map(String) : [],
    };
    if (test === 'test') {
      const attributes = Object.fromEntries(
        Object.entries(claims).map(([name, value]) => [
          name,
          (Array.isArray(value) ? value : [value]).map((v) => (typeof v === 'string' ? v : JSON.stringify(v))),
        ]),
      );
      return sendSsoTestResult(res, { ok: true, identity: { ...identity, nameId: String(claims.sub ?? ''), attributes } });
    }
    await admitAndSignIn(ctx, logger, req, res, {
      orgId,
      kind: 'oidc',
      identity,
      ...(idToken ? { oidc: { idToken } } : {}),
    });
  });
  router.get('/sso/:org/oidc/signed-out', (_req, res) => sendSignedOutPage(res));
  return router;
}

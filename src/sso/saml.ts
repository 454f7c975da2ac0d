import express, { Router, type Request, type Response } from 'express';
import { SAML, ValidateInResponseTo, type CacheProvider, type Profile } from '@node-saml/node-saml';
import type { DomainContext } from '../domain/context';
import { recordSignInFailure } from '../domain/sso/signInFailures';
import { ownValue } from '../domain/ownValue';
import {
  DEFAULT_SAML_ATTRIBUTES,
  findSamlRequest,
  getSamlConnection,
  removeSamlRequest,
  saveSamlRequest,
  useSamlAssertion,
  type SamlConnection,
} from '../domain/sso/ssoConnections';
import { findOrg } from '../domain/orgs/orgRepository';
import type { Logger } from '../logger';
import { sendPage, sendSignedOutPage } from '../web/page';
import { admitAndSignIn, refuseSignInOrTest } from './ssoOutcome';
import { bindBrowser, presentedBrowser, startTestSignIn, testSignInOf } from './browserBinding';
import { sendSsoTestResult } from './ssoTestPage';
import { NotFound } from '../domain/errors';
import { wantsFreshSignIn } from '../op/handOff';
import { endSamlSessions, type ActiveSession } from '../domain/sessions/sessions';

const REQUEST_LIFETIME_MS = 10 * 60_000;
const EMAIL_NAME_ID = 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress';
/** How far the IdP's clock may be from ours. */
const CLOCK_SKEW_MS = 2 * 60_000;

export function samlUrls(publicUrl: string, orgId: string) {
  const base = `${publicUrl}/sso/${orgId}/saml`;
  return { entityId: `${base}/metadata`, acs: `${base}/acs`, login: `${base}/login`, slo: `${base}/slo` };
}

/**
 * InResponseTo ids live in the database, so several seatd processes agree on them, each with the
 * browser that asked (when a browser asked): its answer is accepted from that browser only.
 */
function requestCache(ctx: DomainContext, orgId: string, browserHash?: string): CacheProvider {
  return {
    saveAsync: async (key) => {
      await saveSamlRequest(ctx, { orgId, id: key, lifetimeMs: REQUEST_LIFETIME_MS, browserHash });
      return { value: key, createdAt: ctx.clock.now().getTime() };
    },
    getAsync: async (key) => findSamlRequest(ctx, orgId, key, browserHash),
    removeAsync: async (key) => {
      if (key) await removeSamlRequest(ctx, key);
      return key;
    },
  };
}

/**
 * One service provider per org, built from its connection: signed assertions, audience, recipient
 * and InResponseTo checked; with seatd's key pair configured, encrypted assertions are decrypted.
 */
function serviceProvider(
  ctx: DomainContext,
  orgId: string,
  connection: SamlConnection,
  sp?: SamlSpKeyPair,
  options: { signRequests?: boolean; browserHash?: string; forceAuthn?: boolean } = {},
): SAML {
  const signRequests = options.signRequests ?? connection.signAuthnRequests;
  const urls = samlUrls(ctx.publicUrl, orgId);
  return new SAML({
    issuer: urls.entityId,
    audience: urls.entityId,
    callbackUrl: urls.acs,
    entryPoint: connection.entryPoint,
    logoutUrl: connection.logoutUrl ?? connection.entryPoint,
    logoutCallbackUrl: urls.slo,
    idpIssuer: connection.idpIssuer,
    idpCert: connection.idpCert,
    wantAssertionsSigned: true,
    wantAuthnResponseSigned: false,
    acceptedClockSkewMs: CLOCK_SKEW_MS,
    // An unsolicited response cannot be tied to a request, so IdP-initiated sign-in is off unless the org turns it on.
    validateInResponseTo: connection.allowIdpInitiated ? ValidateInResponseTo.ifPresent : ValidateInResponseTo.always,
    requestIdExpirationPeriodMs: REQUEST_LIFETIME_MS,
    cacheProvider: requestCache(ctx, orgId, options.browserHash),
    identifierFormat: EMAIL_NAME_ID,
    disableRequestedAuthnContext: true,
    forceAuthn: options.forceAuthn ?? false,
    ...(sp ? { decryptionPvk: sp.key } : {}),
    ...(sp && signRequests ? { privateKey: sp.key, signatureAlgorithm: 'sha256' as const } : {}),
  });
}

function attribute(profile: Profile, names: readonly string[]): unknown {
  for (const name of names) {
    const value = ownValue(profile, name);
    if (value !== undefined) return value;
  }
  return undefined;
}

function text(value: unknown): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' && first.trim() ? first.trim() : undefined;
}

/** The identity in a validated assertion: the mapped (or usual Okta/Entra) attributes, else an email-shaped NameID. */
function identityOf(profile: Profile, connection: SamlConnection) {
  const map = connection.attributeMapping ?? {};
  const pick = (key: keyof typeof DEFAULT_SAML_ATTRIBUTES) => attribute(profile, map[key] ? [map[key]] : DEFAULT_SAML_ATTRIBUTES[key]);
  const email = text(pick('email')) ?? (/^[^@\s]+@[^@\s]+$/.test(profile.nameID ?? '') ? profile.nameID : undefined);
  const groups = pick('groups');
  return {
    email,
    givenName: text(pick('givenName')),
    familyName: text(pick('familyName')),
    groups: Array.isArray(groups) ? groups.map(String) : typeof groups === 'string' ? [groups] : [],
  };
}

/**
 * Checks node-saml leaves to its caller (it checks the issuer of logout messages only, and no
 * recipient at all): the signed assertion's Issuer is the org's IdP, its SubjectConfirmationData
 * Recipient is this org's ACS URL, and the Response, if it names a Destination, names it too.
 */
function checkIssuerAndRecipient(profile: Profile, expected: { issuer: string; acs: string }): void {
  const assertion = profile.getAssertionXml?.() ?? '';
  const issuer = /<(?:\w+:)?Issuer\b[^>]*>([^<]*)<\/(?:\w+:)?Issuer>/.exec(assertion)?.[1]?.trim();
  if (issuer !== expected.issuer) throw new Error(`assertion issuer ${issuer ?? '(none)'} is not the configured IdP ${expected.issuer}`);
  const recipients = [...assertion.matchAll(/<(?:\w+:)?SubjectConfirmationData\b[^>]*\sRecipient="([^"]*)"/g)].map((m) => m[1]);
  if (!recipients.length || recipients.some((r) => r !== expected.acs)) {
    throw new Error(`assertion recipient ${recipients.join(', ') || '(none)'} is not ${expected.acs}`);
  }
  const response = profile.getSamlResponseXml?.() ?? '';
  const destination = /<(?:\w+:)?Response\b[^>]*\sDestination="([^"]*)"/.exec(response)?.[1];
  if (destination !== undefined && destination !== expected.acs)
    throw new Error(`response destination ${destination} is not ${expected.acs}`);
}

/** Id and expiry of the assertion, for replay protection. */
function assertionKey(profile: Profile): { id: string; notOnOrAfter: string } | undefined {
  const xml = profile.getAssertionXml?.() ?? '';
  const id = /<(?:\w+:)?Assertion\b[^>]*\sID="([^"]+)"/.exec(xml)?.[1];
  const notOnOrAfter = /<(?:\w+:)?Conditions\b[^>]*\sNotOnOrAfter="([^"]+)"/.exec(xml)?.[1];
  return id ? { id, notOnOrAfter: notOnOrAfter ?? new Date(Date.now() + 3_600_000).toISOString() } : undefined;
}

export type SamlSpKeyPair = { key: string; cert: string };

/** Every attribute of a validated assertion, as lists of strings, for the console's test result. */
function attributesOf(profile: Profile): Record<string, string[]> {
  const raw = ownValue(profile, 'attributes');
  const source = raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  return Object.fromEntries(
    Object.entries(source).map(([name, value]) => [name, (Array.isArray(value) ? value : [value]).map((v) => String(v))]),
  );
}

/**
 * Where the console's "Test sign-in" sends the owner: a real AuthnRequest (fresh authentication at
 * the IdP) whose answer the ACS shows instead of signing anyone in.
 */
export async function samlTestSignInUrl(
  ctx: DomainContext,
  sp: SamlSpKeyPair | undefined,
  req: Request,
  res: Response,
  orgId: string,
): Promise<string> {
  const connection = await getSamlConnection(ctx, orgId);
  if (!connection) throw new NotFound('SAML connection', orgId);
  const browserHash = bindBrowser(req, res, ctx.publicUrl);
  const relayState = startTestSignIn(res, ctx.publicUrl);
  return serviceProvider(ctx, orgId, connection, sp, { browserHash, forceAuthn: true }).getAuthorizeUrlAsync(
    relayState,
    req.get('host'),
    {},
  );
}

/**
 * Where to send someone signing out of seatd so that their IdP signs them out too: a LogoutRequest
 * naming the NameID and SessionIndex of their SAML sign-in, signed when seatd has a key pair (Okta
 * requires it). Undefined unless the org turned `signOutAtIdp` on and the session came from SAML.
 */
export async function idpLogoutUrl(ctx: DomainContext, sp: SamlSpKeyPair | undefined, session: ActiveSession): Promise<string | undefined> {
  if (!session.saml) return undefined;
  const connection = await getSamlConnection(ctx, session.orgId);
  if (!connection?.signOutAtIdp) return undefined;
  const user = {
    issuer: connection.idpIssuer,
    nameID: session.saml.nameId,
    nameIDFormat: EMAIL_NAME_ID,
    ...(session.saml.sessionIndex ? { sessionIndex: session.saml.sessionIndex } : {}),
  } as Profile;
  return serviceProvider(ctx, session.orgId, connection, sp, { signRequests: true }).getLogoutUrlAsync(user, '', {});
}

export function samlRouter(ctx: DomainContext, logger: Logger, sp?: SamlSpKeyPair): Router {
  const router = Router();
  const connectionOr404 = async (req: Request, res: Response) => {
    const orgId = req.params.org as string;
    const connection = (await findOrg(ctx.db, orgId)) ? await getSamlConnection(ctx, orgId) : undefined;
    if (!connection) sendPage(res, 404, 'Single sign-on is not set up', ['This organization has no SAML single sign-on configured.']);
    return connection;
  };

  router.get('/sso/:org/saml/metadata', async (req, res) => {
    const orgId = req.params.org as string;
    if (!(await findOrg(ctx.db, orgId))) return sendPage(res, 404, 'Unknown organization', ['There is no such organization.']);
    const connection = (await getSamlConnection(ctx, orgId)) ?? {
      entryPoint: 'https://idp.invalid/',
      idpIssuer: 'unset',
      idpCert: 'unset',
      allowIdpInitiated: false,
      signAuthnRequests: false,
      signOutAtIdp: false,
    };
    res
      .type('application/samlmetadata+xml')
      .send(
        serviceProvider(ctx, orgId, connection, sp).generateServiceProviderMetadata(
          sp?.cert ?? null,
          sp && connection.signAuthnRequests ? sp.cert : null,
        ),
      );
  });

  router.get('/sso/:org/saml/login', async (req, res) => {
    const connection = await connectionOr404(req, res);
    if (!connection) return;
    const browserHash = bindBrowser(req, res, ctx.publicUrl);
    // an application asked for a fresh sign-in (prompt=login, max_age): the IdP must authenticate again
    const forceAuthn = await wantsFreshSignIn(ctx, req);
    const provider = serviceProvider(ctx, req.params.org as string, connection, sp, { browserHash, forceAuthn });
    const url = await provider.getAuthorizeUrlAsync('', req.get('host'), {});
    res.redirect(302, url);
  });

  router.post('/sso/:org/saml/acs', express.urlencoded({ extended: false, limit: '2mb' }), async (req, res) => {
    const orgId = req.params.org as string;
    const connection = await connectionOr404(req, res);
    if (!connection) return;
    const test = testSignInOf(req, req.body?.RelayState);
    const refuse = (status: 401 | 403, reason: string, paragraphs: string[]) =>
      refuseSignInOrTest(ctx, logger, req, res, { orgId, kind: 'saml', status, reason, paragraphs, test });
    if (test === 'foreign') {
      return refuse(401, 'a test sign-in answered in another browser than the one that started it', [
        'This answer belongs to a test sign-in started in another browser; nobody was signed in.',
      ]);
    }
    let profile: Profile | null;
    try {
      const browserHash = presentedBrowser(req);
      ({ profile } = await serviceProvider(ctx, orgId, connection, sp, { browserHash }).validatePostResponseAsync({
        SAMLResponse: String(req.body?.SAMLResponse ?? ''),
      }));
      if (!profile) throw new Error('no profile in the SAML response');
      checkIssuerAndRecipient(profile, { issuer: connection.idpIssuer, acs: samlUrls(ctx.publicUrl, orgId).acs });
      const key = assertionKey(profile);
      if (!key) throw new Error('the assertion has no ID');
      await useSamlAssertion(ctx, orgId, key.id, key.notOnOrAfter);
    } catch (err) {
      return refuse(401, err instanceof Error ? err.message : String(err), [
        'Your identity provider’s answer could not be accepted, so you are not signed in.',
        'Try again from your company’s portal; if it keeps failing, your administrator can find the reason in seatd’s log.',
      ]);
    }
    const identity = identityOf(profile, await connection);
    if (test === 'test') {
      return sendSsoTestResult(res, { ok: true, identity: { ...identity, nameId: profile.nameID, attributes: attributesOf(profile) } });
    }
    if (!identity.email) return refuse(401, 'no email in the assertion', ['Your identity provider did not send an email address.']);
    const saml = { nameId: profile.nameID, ...(profile.sessionIndex ? { sessionIndex: profile.sessionIndex } : {}) };
    await admitAndSignIn(ctx, logger, req, res, { orgId, kind: 'saml', identity: { ...identity, email: identity.email }, saml });
  });

  /**
   * Single logout, IdP-initiated: the org's IdP says a person signed out, and their SAML sessions
   * here end. The LogoutRequest must be signed by the IdP — node-saml accepts an unsigned one on
   * the redirect binding, which would let anyone sign anyone out — and seatd answers with a
   * LogoutResponse to the IdP's logout URL. A LogoutResponse arriving here (after a logout the IdP
   * started elsewhere) just shows the signed-out page.
   */
  const singleLogout = async (req: Request, res: Response, binding: 'redirect' | 'post') => {
    const orgId = req.params.org as string;
    const connection = await connectionOr404(req, res);
    if (!connection) return;
    const message = (binding === 'redirect' ? req.query : (req.body ?? {})) as Record<string, unknown>;
    const container = Object.fromEntries(Object.entries(message).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
    const provider = serviceProvider(ctx, orgId, connection, sp);
    const refuse = async (reason: string) => {
      logger.warn({ orgId, reason }, 'SAML logout refused');
      await recordSignInFailure(ctx, { orgId, kind: 'saml-logout', message: reason });
      sendPage(res, 401, 'Sign-out request refused', ['The sign-out request could not be verified, so nothing was changed.']);
    };
    if (!container.SAMLRequest && !container.SAMLResponse) return refuse('neither SAMLRequest nor SAMLResponse');
    const query = req.originalUrl.split('?')[1] ?? ''; // the redirect binding's signature covers the query as sent
    try {
      if (container.SAMLResponse) {
        if (binding === 'redirect') await provider.validateRedirectAsync(container, query);
        else await provider.validatePostResponseAsync(container);
        return sendSignedOutPage(res);
      }
      if (binding === 'redirect' && (!container.Signature || !container.SigAlg)) throw new Error('the LogoutRequest is not signed');
      const { profile } =
        binding === 'redirect'
          ? await provider.validateRedirectAsync(container, query)
          : await provider.validatePostRequestAsync(container);
      if (!profile?.nameID) throw new Error('the LogoutRequest names nobody');
      await endSamlSessions(ctx, orgId, profile.nameID, profile.sessionIndex);
      res.redirect(302, await provider.getLogoutResponseUrlAsync(profile, container.RelayState ?? '', {}, true));
    } catch (err) {
      await refuse(err instanceof Error ? err.message : String(err));
    }
  };
  router.get('/sso/:org/saml/slo', (req, res) => singleLogout(req, res, 'redirect'));
  router.post('/sso/:org/saml/slo', express.urlencoded({ extended: false, limit: '2mb' }), (req, res) => singleLogout(req, res, 'post'));
  return router;
}

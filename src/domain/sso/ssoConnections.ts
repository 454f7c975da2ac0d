import { and, eq, lt } from 'drizzle-orm';
import { z } from 'zod';
import { oidcLogins, samlAssertions, samlRequests, ssoConnections } from '../../../db/schema';
import { recordAudit } from '../audit/auditLog';
import { inTransaction, orgScoped, type DomainContext } from '../context';
import { Conflict, Invalid, NotFound } from '../errors';
import { findOrg } from '../orgs/orgRepository';
import { digestsEqual, sha256Hex } from '../ids';
import { requireOwner, type By } from '../orgs/roles';
import type { Role } from '../seatTypes';
import { parseInput } from '../validation';
import { firstRow } from '../rows';

const pemOrBase64 = z
  .string()
  .trim()
  .transform((s) => s.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, ''))
  .pipe(
    z
      .string()
      .regex(/^[A-Za-z0-9+/]+=*$/, 'must be an X.509 certificate, PEM or base64')
      .min(100, 'is too short for a certificate'),
  );

export const attributeMappingInput = z
  .strictObject({
    email: z.string().min(1).optional(),
    givenName: z.string().min(1).optional(),
    familyName: z.string().min(1).optional(),
    groups: z.string().min(1).optional(),
  })
  .optional();

export const samlConnectionInput = z.strictObject({
  entryPoint: z.url({ protocol: /^https?$/, error: 'must be the IdP single sign-on URL' }),
  idpIssuer: z.string().trim().min(1, 'is required (the IdP entity ID)'),
  idpCert: pemOrBase64,
  /** The IdP's single logout URL, where seatd answers its LogoutRequests; the sign-on URL when not given (as Entra). */
  logoutUrl: z.url({ protocol: /^https?$/, error: 'must be the IdP single logout URL' }).optional(),
  allowIdpInitiated: z.boolean().default(false),
  /** Sign AuthnRequests with seatd's SAML key (for IdPs set to require signed requests). */
  signAuthnRequests: z.boolean().default(false),
  /** Signing out of seatd also signs the person out at the IdP (and so of every app it serves): opt-in. */
  signOutAtIdp: z.boolean().default(false),
  attributeMapping: attributeMappingInput,
});

export type SamlConnection = z.infer<typeof samlConnectionInput>;

/** Attribute names tried in order when the org maps none: Okta's defaults, then Entra ID's claim URIs. */
export const DEFAULT_SAML_ATTRIBUTES = {
  email: ['email', 'mail', 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress', 'urn:oid:0.9.2342.19200300.100.1.3'],
  givenName: ['firstName', 'givenName', 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname'],
  familyName: ['lastName', 'surname', 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname'],
  groups: ['groups', 'http://schemas.microsoft.com/ws/2008/06/identity/claims/groups'],
};

/** Reads entry point, issuer and signing certificate out of IdP metadata XML (what Okta and Entra offer to download). */
export function samlConnectionFromMetadata(xml: string): Pick<SamlConnection, 'entryPoint' | 'idpIssuer' | 'idpCert' | 'logoutUrl'> {
  const entityId = /<(?:\w+:)?EntityDescriptor[^>]*\sentityID="([^"]+)"/.exec(xml)?.[1];
  const sso =
    /<(?:\w+:)?SingleSignOnService[^>]*Binding="urn:oasis:names:tc:SAML:2\.0:bindings:HTTP-Redirect"[^>]*Location="([^"]+)"/.exec(
      xml,
    )?.[1] ??
    /<(?:\w+:)?SingleSignOnService[^>]*Location="([^"]+)"[^>]*Binding="urn:oasis:names:tc:SAML:2\.0:bindings:HTTP-Redirect"/.exec(xml)?.[1];
  const signing =
    /<(?:\w+:)?KeyDescriptor(?![^>]*use="encryption")[^>]*>[\s\S]*?<(?:\w+:)?X509Certificate>([^<]+)<\/(?:\w+:)?X509Certificate>/.exec(
      xml,
    )?.[1];
  const slo =
    /<(?:\w+:)?SingleLogoutService[^>]*Binding="urn:oasis:names:tc:SAML:2\.0:bindings:HTTP-Redirect"[^>]*Location="([^"]+)"/.exec(
      xml,
    )?.[1] ??
    /<(?:\w+:)?SingleLogoutService[^>]*Location="([^"]+)"[^>]*Binding="urn:oasis:names:tc:SAML:2\.0:bindings:HTTP-Redirect"/.exec(xml)?.[1];
  if (!entityId || !sso || !signing) {
    throw Invalid.field(
      'idpMetadataXml',
      'needs an EntityDescriptor entityID, an HTTP-Redirect SingleSignOnService and a signing X509Certificate',
    );
  }
  return { entryPoint: sso, idpIssuer: entityId, idpCert: signing.replace(/\s+/g, ''), ...(slo ? { logoutUrl: slo } : {}) };
}

export async function setSamlConnection(ctx: DomainContext, orgId: string, input: unknown, by: By): Promise<SamlConnection> {
  requireOwner(by, 'Changing the SSO connection');
  const raw = (input ?? {}) as Record<string, unknown>;
  const merged =
    typeof raw.idpMetadataXml === 'string' ? { ...raw, ...samlConnectionFromMetadata(raw.idpMetadataXml), idpMetadataXml: undefined } : raw;
  const { idpMetadataXml: _xml, ...rest } = merged as Record<string, unknown>;
  const config = parseInput(samlConnectionInput, rest);
  const now = ctx.clock.now().toISOString();
  await inTransaction(orgScoped(ctx, orgId), async (tx) => {
    if (!(await findOrg(tx, orgId))) throw new NotFound('organization', orgId);
    await tx
      .insert(ssoConnections)
      .values({ orgId, kind: 'saml', config, editorRole: by.role, createdAt: now, updatedAt: now })
      .onConflictDoUpdate({ target: [ssoConnections.orgId, ssoConnections.kind], set: { config, editorRole: by.role, updatedAt: now } });
    await recordAudit(tx, ctx.clock.now(), {
      orgId,
      actor: by.actor,
      action: 'sso.saml.configure',
      target: orgId,
      outcome: 'success',
      details: {
        entryPoint: config.entryPoint,
        idpIssuer: config.idpIssuer,
        allowIdpInitiated: config.allowIdpInitiated,
        signAuthnRequests: config.signAuthnRequests,
        signOutAtIdp: config.signOutAtIdp,
      },
    });
  });
  return config;
}

export async function getSamlConnection(ctx: DomainContext, orgId: string): Promise<SamlConnection | undefined> {
  const row = await ctx.db
    .select()
    .from(ssoConnections)
    .where(and(eq(ssoConnections.orgId, orgId), eq(ssoConnections.kind, 'saml')))
    .then(firstRow);
  return row ? (row.config as SamlConnection) : undefined;
}

/** Remembers an AuthnRequest id, and the browser that asked, until it is answered or expires. */
export async function saveSamlRequest(
  ctx: DomainContext,
  request: { orgId: string; id: string; lifetimeMs: number; browserHash: string | undefined },
): Promise<void> {
  const { orgId, id, lifetimeMs, browserHash } = request;
  const now = ctx.clock.now();
  await inTransaction(orgScoped(ctx, orgId), async (tx) => {
    await tx.delete(samlRequests).where(lt(samlRequests.expiresAt, now.toISOString()));
    await tx
      .insert(samlRequests)
      .values({
        id,
        orgId,
        browserHash: browserHash ?? null,
        createdAt: now.toISOString(),
        expiresAt: new Date(now.getTime() + lifetimeMs).toISOString(),
      })
      .onConflictDoNothing();
  });
}

/**
 * When the request was made, if it is live and was asked for by this browser; otherwise null
 * (node-saml then refuses the answer). LogoutRequests seatd sends on a sign-out carry no browser.
 */
export async function findSamlRequest(
  ctx: DomainContext,
  orgId: string,
  id: string,
  browserHash: string | undefined,
): Promise<string | null> {
  const row = await ctx.db
    .select()
    .from(samlRequests)
    .where(and(eq(samlRequests.id, id), eq(samlRequests.orgId, orgId)))
    .then(firstRow);
  if (!row || row.expiresAt <= ctx.clock.now().toISOString()) return null;
  if (row.browserHash && !(browserHash && digestsEqual(row.browserHash, browserHash))) return null;
  return row.createdAt;
}

export async function removeSamlRequest(ctx: DomainContext, id: string): Promise<void> {
  await inTransaction(ctx, (tx) => tx.delete(samlRequests).where(eq(samlRequests.id, id)));
}

/** Accepts an assertion id once; a second use before it expires is a replay. */
export async function useSamlAssertion(ctx: DomainContext, orgId: string, assertionId: string, expiresAt: string): Promise<void> {
  const now = ctx.clock.now().toISOString();
  await inTransaction(orgScoped(ctx, orgId), async (tx) => {
    await tx.delete(samlAssertions).where(lt(samlAssertions.expiresAt, now));
    const seen = await tx.select().from(samlAssertions).where(eq(samlAssertions.id, assertionId)).then(firstRow);
    if (seen) throw new Conflict('This SAML assertion was already used', 'assertion-replayed');
    await tx.insert(samlAssertions).values({ id: assertionId, orgId, expiresAt });
  });
}

export const oidcConnectionInput = z.strictObject({
  issuer: z.url({ protocol: /^https?$/, error: 'must be the IdP issuer URL' }),
  clientId: z.string().trim().min(1, 'is required'),
  clientSecret: z.string().min(1, 'is required'),
  /** Signing out of seatd also signs the person out at the OpenID Provider (RP-initiated logout): opt-in. */
  signOutAtIdp: z.boolean().default(false),
  attributeMapping: attributeMappingInput,
});

export type OidcConnection = z.infer<typeof oidcConnectionInput>;

export async function setOidcConnection(ctx: DomainContext, orgId: string, input: unknown, by: By): Promise<OidcConnection> {
  requireOwner(by, 'Changing the SSO connection');
  const config = parseInput(oidcConnectionInput, input ?? {});
  const now = ctx.clock.now().toISOString();
  await inTransaction(orgScoped(ctx, orgId), async (tx) => {
    if (!(await findOrg(tx, orgId))) throw new NotFound('organization', orgId);
    await tx
      .insert(ssoConnections)
      .values({ orgId, kind: 'oidc', config, editorRole: by.role, createdAt: now, updatedAt: now })
      .onConflictDoUpdate({ target: [ssoConnections.orgId, ssoConnections.kind], set: { config, editorRole: by.role, updatedAt: now } });
    await recordAudit(tx, ctx.clock.now(), {
      orgId,
      actor: by.actor,
      action: 'sso.oidc.configure',
      target: orgId,
      outcome: 'success',
      details: { issuer: config.issuer, clientId: config.clientId },
    });
  });
  return config;
}

export async function getOidcConnection(ctx: DomainContext, orgId: string): Promise<OidcConnection | undefined> {
  const row = await ctx.db
    .select()
    .from(ssoConnections)
    .where(and(eq(ssoConnections.orgId, orgId), eq(ssoConnections.kind, 'oidc')))
    .then(firstRow);
  return row ? (row.config as OidcConnection) : undefined;
}

/** The role of whoever last set the connection up: a sign-in through it grants no more than that. */
export async function ssoConnectionEditorRole(ctx: DomainContext, orgId: string, kind: 'saml' | 'oidc'): Promise<Role> {
  const row = await ctx.db
    .select({ editorRole: ssoConnections.editorRole })
    .from(ssoConnections)
    .where(and(eq(ssoConnections.orgId, orgId), eq(ssoConnections.kind, kind)))
    .then(firstRow);
  return row?.editorRole ?? 'member';
}

/** Keeps a sign-in's PKCE verifier and nonce under the hash of its state, for 10 minutes, bound to the browser that started it. */
export async function saveOidcLogin(
  ctx: DomainContext,
  login: { orgId: string; state: string; codeVerifier: string; nonce: string; browserHash: string },
): Promise<void> {
  const now = ctx.clock.now();
  await inTransaction(ctx, async (tx) => {
    await tx.delete(oidcLogins).where(lt(oidcLogins.expiresAt, now.toISOString()));
    await tx.insert(oidcLogins).values({
      stateHash: sha256Hex(login.state),
      orgId: login.orgId,
      codeVerifier: login.codeVerifier,
      nonce: login.nonce,
      browserHash: login.browserHash,
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + 10 * 60_000).toISOString(),
    });
  });
}

/**
 * Takes the sign-in a state belongs to, once. A stale, foreign or reused state finds nothing; so
 * does a state brought back by another browser than the one that started the sign-in.
 */
export async function takeOidcLogin(
  ctx: DomainContext,
  orgId: string,
  state: string,
  browserHash: string | undefined,
): Promise<{ codeVerifier: string; nonce: string } | undefined> {
  return inTransaction(orgScoped(ctx, orgId), async (tx) => {
    const row = await tx
      .select()
      .from(oidcLogins)
      .where(eq(oidcLogins.stateHash, sha256Hex(state)))
      .then(firstRow);
    if (!row) return undefined;
    await tx.delete(oidcLogins).where(eq(oidcLogins.stateHash, row.stateHash));
    if (row.orgId !== orgId || row.expiresAt <= ctx.clock.now().toISOString()) return undefined;
    if (!row.browserHash || !browserHash || !digestsEqual(row.browserHash, browserHash)) return undefined;
    return { codeVerifier: row.codeVerifier, nonce: row.nonce };
  });
}

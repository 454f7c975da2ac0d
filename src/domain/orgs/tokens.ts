import { and, eq, isNull, sql } from 'drizzle-orm';
import { prepared } from '../prepared';
import { apiTokens } from '../../../db/schema';
import { actorsOf, recordAudit } from '../audit/auditLog';
import { inTransaction, orgScoped, type Actor, type DomainContext, type Queryable } from '../context';
import { NotFound } from '../errors';
import { digestsEqual, newId, newSecret, sha256Hex } from '../ids';
import { findOrg } from './orgRepository';
import { findMember } from './memberRepository';
import type { Role } from '../seatTypes';
import { requireOwner } from './roles';

export type TokenKind = 'api' | 'scim';
export type TokenRole = 'owner' | 'admin';

const PREFIX: Record<TokenKind, string> = { api: 'sdapi', scim: 'sdscim' };

export type IssuedToken = { id: string; token: string; kind: TokenKind; role: TokenRole | null; label: string; createdAt: string };
/** `createdByRole`: the role its creator held; a SCIM token acts with it (admin for tokens made before that was recorded). */
export type TokenPrincipal = { tokenId: string; orgId: string; kind: TokenKind; role: TokenRole | null; createdByRole: Role };

/**
 * Issues a bearer token `<prefix>_<id>.<secret>`. Only sha256(secret) is stored; the id finds the
 * row and the digests are compared in constant time, so a lookup never leaks how much matched.
 */
export async function createToken(
  ctx: DomainContext,
  orgId: string,
  input: { kind: TokenKind; role: TokenRole | null; label: string },
  by: { actor: Actor; role: Role },
): Promise<IssuedToken> {
  requireOwner(by, 'Creating tokens');
  const now = ctx.clock.now();
  return inTransaction(orgScoped(ctx, orgId), async (tx) => {
    if (!(await findOrg(tx, orgId))) throw new NotFound('organization', orgId);
    const id = newId('tok');
    const secret = newSecret();
    await tx.insert(apiTokens).values({
      id,
      orgId,
      kind: input.kind,
      role: input.role,
      label: input.label,
      secretHash: sha256Hex(secret),
      createdByRole: by.role,
      createdAt: now.toISOString(),
    });
    await recordAudit(tx, now, {
      orgId,
      actor: by.actor,
      action: `${input.kind}-token.create`,
      target: id,
      outcome: 'success',
      details: { role: input.role, label: input.label },
    });
    return {
      id,
      token: `${PREFIX[input.kind]}_${id}.${secret}`,
      kind: input.kind,
      role: input.role,
      label: input.label,
      createdAt: now.toISOString(),
    };
  });
}

export async function authenticateToken(ctx: DomainContext, kind: TokenKind, presented: string): Promise<TokenPrincipal | null> {
  const m = /^([a-z]+)_(tok_[0-9a-f]{20})\.([A-Za-z0-9_-]{20,})$/.exec(presented);
  if (!m || m[1] !== PREFIX[kind]) return null;
  const statement = prepared(ctx.db, 'findLiveToken', (db) =>
    db
      .select()
      .from(apiTokens)
      .where(and(eq(apiTokens.id, sql.placeholder('id')), eq(apiTokens.kind, sql.placeholder('kind')), isNull(apiTokens.revokedAt)))
      .prepare(),
  );
  const row = await statement.get({ id: m[2]!, kind });
  if (!row || !digestsEqual(sha256Hex(m[3]!), row.secretHash)) return null;
  await recordUse(ctx, row.id, row.lastUsedAt);
  return { tokenId: row.id, orgId: row.orgId, kind: row.kind, role: row.role, createdByRole: row.createdByRole ?? 'admin' };
}

const USE_RECORDED_EVERY_MS = 60_000;

/** Keeps lastUsedAt to the minute: a SCIM burst of thousands of requests writes it once, not once per request. */
async function recordUse(ctx: DomainContext, tokenId: string, lastUsedAt: string | null): Promise<void> {
  const now = ctx.clock.now();
  if (lastUsedAt && now.getTime() - Date.parse(lastUsedAt) < USE_RECORDED_EVERY_MS) return;
  await inTransaction(ctx, (tx) => tx.update(apiTokens).set({ lastUsedAt: now.toISOString() }).where(eq(apiTokens.id, tokenId)));
}

export type TokenSummary = { id: string; role: TokenRole | null; label: string; createdAt: string; lastUsedAt: string | null };

/** The org's live tokens of a kind, oldest first; never the secret nor its hash. */
export async function listTokens(ctx: DomainContext, orgId: string, kind: TokenKind): Promise<TokenSummary[]> {
  if (!(await findOrg(ctx.db, orgId))) throw new NotFound('organization', orgId);
  return ctx.db
    .select({
      id: apiTokens.id,
      role: apiTokens.role,
      label: apiTokens.label,
      createdAt: apiTokens.createdAt,
      lastUsedAt: apiTokens.lastUsedAt,
    })
    .from(apiTokens)
    .where(and(eq(apiTokens.orgId, orgId), eq(apiTokens.kind, kind), isNull(apiTokens.revokedAt)))
    .orderBy(apiTokens.id);
}

export async function revokeToken(ctx: DomainContext, orgId: string, kind: TokenKind, tokenId: string, actor: Actor): Promise<void> {
  const now = ctx.clock.now();
  await inTransaction(orgScoped(ctx, orgId), async (tx) => {
    const result = await tx
      .update(apiTokens)
      .set({ revokedAt: now.toISOString() })
      .where(and(eq(apiTokens.id, tokenId), eq(apiTokens.orgId, orgId), eq(apiTokens.kind, kind), isNull(apiTokens.revokedAt)));
    if (result.changes !== 1) throw new NotFound(`${kind} token`, tokenId);
    await recordAudit(tx, now, { orgId, actor, action: `${kind}-token.revoke`, target: tokenId, outcome: 'success' });
  });
}

export type TokenListing = TokenSummary & { createdBy: string };

/** An actor as a person reads it: a member's email, the operator, a token. */
async function actorInWords(q: Queryable, orgId: string, actor: Actor | undefined): Promise<string> {
  if (!actor) return 'unknown';
  if (actor.startsWith('member:')) return (await findMember(q, orgId, actor.slice('member:'.length)))?.email ?? actor;
  if (actor === 'operator' || actor === 'cli') return 'the operator';
  if (actor.startsWith('api-token:')) return `API token ${actor.slice('api-token:'.length)}`;
  return actor;
}

/** The org's live tokens of a kind with who created each (from the audit log, which records every creation). */
export async function listTokensWithCreators(ctx: DomainContext, orgId: string, kind: TokenKind): Promise<TokenListing[]> {
  const tokens = await listTokens(ctx, orgId, kind);
  const creators = await actorsOf(
    ctx.db,
    orgId,
    `${kind}-token.create`,
    tokens.map((t) => t.id),
  );
  return Promise.all(tokens.map(async (t) => ({ ...t, createdBy: await actorInWords(ctx.db, orgId, creators.get(t.id)) })));
}

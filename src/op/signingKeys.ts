import crypto from 'node:crypto';
import { and, desc, eq, isNull, lt, or, gt } from 'drizzle-orm';
import { opKeys } from '../../db/schema';
import { inTransaction, type DomainContext, type Queryable } from '../domain/context';
import { newId, newSecret } from '../domain/ids';

/*
 * The OpenID Provider's keys, kept in the database so every seatd process signs with the same keys
 * and the same cookie secrets. Made on first start; `seatd keys rotate` supersedes the signing keys.
 */

/**
 * How long a superseded signing key stays in the JWKS: longer than any token it signed lives
 * (ID and access tokens: one hour), with room for relying parties that cache the JWKS.
 */
export const SUPERSEDED_KEY_PUBLISHED_MS = 24 * 3_600_000;

export type PrivateJwk = crypto.JsonWebKey & { kid: string; alg: string; use: 'sig' };

function newSigningKey(alg: 'RS256' | 'ES256'): PrivateJwk {
  const { privateKey } =
    alg === 'RS256'
      ? crypto.generateKeyPairSync('rsa', { modulusLength: 2048 })
      : crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { ...privateKey.export({ format: 'jwk' }), kid: newId('key'), alg, use: 'sig' };
}

async function insertSigningKeys(tx: Queryable, at: string): Promise<string[]> {
  // RS256 first: the provider signs with the first key of an algorithm, and RS256 is every client's default
  const keys = [newSigningKey('RS256'), newSigningKey('ES256')];
  for (const jwk of keys) await tx.insert(opKeys).values({ kid: jwk.kid, use: 'signing', jwk, createdAt: at });
  return keys.map((k) => k.kid);
}

/** Makes the signing keys and the cookie key unless another process (or an earlier start) already did. */
export async function ensureOpKeys(ctx: DomainContext): Promise<void> {
  const at = ctx.clock.now().toISOString();
  await inTransaction(ctx, async (tx) => {
    const current = await tx.select({ kid: opKeys.kid, use: opKeys.use }).from(opKeys).where(isNull(opKeys.supersededAt));
    if (!current.some((k) => k.use === 'signing')) await insertSigningKeys(tx, at);
    if (!current.some((k) => k.use === 'cookie')) {
      await tx.insert(opKeys).values({ kid: newId('ck'), use: 'cookie', jwk: { k: newSecret() }, createdAt: at });
    }
  });
}

/** New signing keys sign from now on; the old ones stay published (to verify what they signed) for SUPERSEDED_KEY_PUBLISHED_MS. */
export async function rotateSigningKeys(ctx: DomainContext): Promise<{ kids: string[]; superseded: string[] }> {
  const at = ctx.clock.now().toISOString();
  return inTransaction(ctx, async (tx) => {
    const superseded = (
      await tx
        .update(opKeys)
        .set({ supersededAt: at })
        .where(and(eq(opKeys.use, 'signing'), isNull(opKeys.supersededAt)))
        .returning({ kid: opKeys.kid })
    ).map((k) => k.kid);
    return { kids: await insertSigningKeys(tx, at), superseded };
  });
}

/** The keys the provider holds: current signing keys first (newest first), then superseded ones still published. */
export async function publishedSigningKeys(ctx: DomainContext): Promise<PrivateJwk[]> {
  const cutoff = new Date(ctx.clock.now().getTime() - SUPERSEDED_KEY_PUBLISHED_MS).toISOString();
  const rows = await ctx.db
    .select()
    .from(opKeys)
    .where(and(eq(opKeys.use, 'signing'), or(isNull(opKeys.supersededAt), gt(opKeys.supersededAt, cutoff))))
    .orderBy(desc(opKeys.createdAt), desc(opKeys.kid));
  const current = rows.filter((r) => !r.supersededAt);
  const old = rows.filter((r) => r.supersededAt);
  return [...current, ...old].map((r) => r.jwk as PrivateJwk);
}

/** Secrets the provider's cookies are signed with, newest first. */
export async function cookieKeys(ctx: DomainContext): Promise<string[]> {
  return (await ctx.db.select({ jwk: opKeys.jwk }).from(opKeys).where(eq(opKeys.use, 'cookie')).orderBy(desc(opKeys.createdAt))).map((r) =>
    String(r.jwk.k),
  );
}

/** Deletes signing keys superseded long enough ago that nothing they signed is still valid; run by the sweep. */
export async function deleteRetiredSigningKeys(ctx: DomainContext): Promise<number> {
  const cutoff = new Date(ctx.clock.now().getTime() - SUPERSEDED_KEY_PUBLISHED_MS).toISOString();
  return inTransaction(
    ctx,
    async (tx) => (await tx.delete(opKeys).where(and(eq(opKeys.use, 'signing'), lt(opKeys.supersededAt, cutoff)))).changes,
  );
}

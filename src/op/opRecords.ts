import { and, eq, lt } from 'drizzle-orm';
import { opRecords } from '../../db/schema';
import { inTransaction, type DomainContext } from '../domain/context';
import { firstRow } from '../domain/rows';

/*
 * The OpenID Provider's objects in seatd's database: the only SQL over op_records. Expiry is on the
 * wall clock (ms since the epoch), the clock oidc-provider itself judges tokens by.
 */

export type OpPayload = Record<string, unknown>;

/** The models revoked with their grant (a replayed code, a logout), as oidc-provider's own adapter has them. */
const GRANT_BOUND = new Set([
  'AccessToken',
  'AuthorizationCode',
  'RefreshToken',
  'DeviceCode',
  'BackchannelAuthenticationRequest',
  'PreAuthorizedCode',
]);

const live = (row: { payload: OpPayload; expiresAt: number | null } | undefined): OpPayload | undefined =>
  row && (row.expiresAt === null || row.expiresAt > Date.now()) ? row.payload : undefined;

export async function findOpRecord(ctx: DomainContext, model: string, id: string): Promise<OpPayload | undefined> {
  return live(
    await ctx.db
      .select({ payload: opRecords.payload, expiresAt: opRecords.expiresAt })
      .from(opRecords)
      .where(and(eq(opRecords.model, model), eq(opRecords.id, id)))
      .then(firstRow),
  );
}

export async function findOpRecordByUid(ctx: DomainContext, model: string, uid: string): Promise<OpPayload | undefined> {
  return live(
    await ctx.db
      .select({ payload: opRecords.payload, expiresAt: opRecords.expiresAt })
      .from(opRecords)
      .where(and(eq(opRecords.model, model), eq(opRecords.uid, uid)))
      .then(firstRow),
  );
}

export async function upsertOpRecord(
  ctx: DomainContext,
  record: { model: string; id: string; payload: OpPayload; expiresInSeconds?: number },
): Promise<void> {
  const values = {
    payload: record.payload,
    // only what a grant issued goes with it; an interaction also names a grant, but must outlive its revocation
    grantId: GRANT_BOUND.has(record.model) && typeof record.payload.grantId === 'string' ? record.payload.grantId : null,
    uid: typeof record.payload.uid === 'string' ? record.payload.uid : null,
    expiresAt: record.expiresInSeconds === undefined ? null : Date.now() + record.expiresInSeconds * 1000,
  };
  await inTransaction(ctx, (tx) =>
    tx
      .insert(opRecords)
      .values({ model: record.model, id: record.id, ...values })
      .onConflictDoUpdate({ target: [opRecords.model, opRecords.id], set: values }),
  );
}

/** Replaces the payload of a live record and keeps its expiry. */
export async function replaceOpPayload(ctx: DomainContext, model: string, id: string, payload: OpPayload): Promise<void> {
  await inTransaction(ctx, (tx) =>
    tx
      .update(opRecords)
      .set({ payload })
      .where(and(eq(opRecords.model, model), eq(opRecords.id, id))),
  );
}

/** Marks a one-time object (an authorization code) used: the second redemption sees `consumed` and revokes the grant. */
export async function consumeOpRecord(ctx: DomainContext, model: string, id: string): Promise<void> {
  await inTransaction(ctx, async (tx) => {
    const row = await tx
      .select({ payload: opRecords.payload })
      .from(opRecords)
      .where(and(eq(opRecords.model, model), eq(opRecords.id, id)))
      .then(firstRow);
    if (!row) return;
    await tx
      .update(opRecords)
      .set({ payload: { ...row.payload, consumed: Math.floor(Date.now() / 1000) } })
      .where(and(eq(opRecords.model, model), eq(opRecords.id, id)));
  });
}

export async function destroyOpRecord(ctx: DomainContext, model: string, id: string): Promise<void> {
  await inTransaction(ctx, (tx) => tx.delete(opRecords).where(and(eq(opRecords.model, model), eq(opRecords.id, id))));
}

/** Everything issued under one grant (codes, access and refresh tokens) goes at once. */
export async function revokeOpGrant(ctx: DomainContext, grantId: string): Promise<void> {
  await inTransaction(ctx, (tx) => tx.delete(opRecords).where(eq(opRecords.grantId, grantId)));
}

/** Deletes expired records; run by the server's sweep. */
export async function deleteExpiredOpRecords(ctx: DomainContext): Promise<number> {
  return inTransaction(ctx, async (tx) => (await tx.delete(opRecords).where(lt(opRecords.expiresAt, Date.now()))).changes);
}

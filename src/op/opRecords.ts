import { and, eq, lt } from 'drizzle-orm';
import { opRecords } from '../../db/schema';
import { inTransaction, type DomainContext } from '../domain/context';

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

export function findOpRecord(ctx: DomainContext, model: string, id: string): OpPayload | undefined {
  return live(
    ctx.db
      .select({ payload: opRecords.payload, expiresAt: opRecords.expiresAt })
      .from(opRecords)
      .where(and(eq(opRecords.model, model), eq(opRecords.id, id)))
      .get(),
  );
}

export function findOpRecordByUid(ctx: DomainContext, model: string, uid: string): OpPayload | undefined {
  return live(
    ctx.db
      .select({ payload: opRecords.payload, expiresAt: opRecords.expiresAt })
      .from(opRecords)
      .where(and(eq(opRecords.model, model), eq(opRecords.uid, uid)))
      .get(),
  );
}

export function upsertOpRecord(
  ctx: DomainContext,
  record: { model: string; id: string; payload: OpPayload; expiresInSeconds?: number },
): void {
  const values = {
    payload: record.payload,
    // only what a grant issued goes with it; an interaction also names a grant, but must outlive its revocation
    grantId: GRANT_BOUND.has(record.model) && typeof record.payload.grantId === 'string' ? record.payload.grantId : null,
    uid: typeof record.payload.uid === 'string' ? record.payload.uid : null,
    expiresAt: record.expiresInSeconds === undefined ? null : Date.now() + record.expiresInSeconds * 1000,
  };
  inTransaction(ctx, (tx) =>
    tx
      .insert(opRecords)
      .values({ model: record.model, id: record.id, ...values })
      .onConflictDoUpdate({ target: [opRecords.model, opRecords.id], set: values })
      .run(),
  );
}

/** Replaces the payload of a live record and keeps its expiry. */
export function replaceOpPayload(ctx: DomainContext, model: string, id: string, payload: OpPayload): void {
  inTransaction(ctx, (tx) =>
    tx
      .update(opRecords)
      .set({ payload })
      .where(and(eq(opRecords.model, model), eq(opRecords.id, id)))
      .run(),
  );
}

/** Marks a one-time object (an authorization code) used: the second redemption sees `consumed` and revokes the grant. */
export function consumeOpRecord(ctx: DomainContext, model: string, id: string): void {
  inTransaction(ctx, (tx) => {
    const row = tx
      .select({ payload: opRecords.payload })
      .from(opRecords)
      .where(and(eq(opRecords.model, model), eq(opRecords.id, id)))
      .get();
    if (!row) return;
    tx.update(opRecords)
      .set({ payload: { ...row.payload, consumed: Math.floor(Date.now() / 1000) } })
      .where(and(eq(opRecords.model, model), eq(opRecords.id, id)))
      .run();
  });
}

export function destroyOpRecord(ctx: DomainContext, model: string, id: string): void {
  inTransaction(ctx, (tx) =>
    tx
      .delete(opRecords)
      .where(and(eq(opRecords.model, model), eq(opRecords.id, id)))
      .run(),
  );
}

/** Everything issued under one grant (codes, access and refresh tokens) goes at once. */
export function revokeOpGrant(ctx: DomainContext, grantId: string): void {
  inTransaction(ctx, (tx) => tx.delete(opRecords).where(eq(opRecords.grantId, grantId)).run());
}

/** Deletes expired records; run by the server's sweep. */
export function deleteExpiredOpRecords(ctx: DomainContext): number {
  return inTransaction(ctx, (tx) => tx.delete(opRecords).where(lt(opRecords.expiresAt, Date.now())).run().changes);
}

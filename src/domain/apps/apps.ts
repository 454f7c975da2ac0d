import { z } from 'zod';
import { recordAudit } from '../audit/auditLog';
import { inTransaction, type Actor, type DomainContext } from '../context';
import { NotFound } from '../errors';
import { digestsEqual, newId, newSecret, sha256Hex } from '../ids';
import { findMemberById } from '../orgs/memberRepository';
import { parseInput } from '../validation';
import { deleteAppRow, findApp, insertApp, listAppRows, type AppRow } from './appRepository';

/*
 * The vendor's applications: OAuth clients of seatd's OpenID Provider, registered by the operator.
 * The client secret is shown once; only its SHA-256 is kept (it is 256 random bits, so a fast hash
 * is as strong as a slow one) and it is compared as digests in constant time.
 */

const redirectUri = z
  .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
  .refine((u) => !u.includes('#'), { error: 'must not have a #fragment' });

export const appInput = z.strictObject({
  name: z.string().trim().min(1, 'is required').max(200),
  redirectUris: z.array(redirectUri).min(1, 'needs at least one redirect URI').max(20),
  postLogoutRedirectUris: z.array(redirectUri).max(20).default([]),
});

export type App = { clientId: string; name: string; redirectUris: string[]; postLogoutRedirectUris: string[]; createdAt: string };

const toApp = (row: AppRow): App => ({
  clientId: row.clientId,
  name: row.name,
  redirectUris: row.redirectUris,
  postLogoutRedirectUris: row.postLogoutRedirectUris,
  createdAt: row.createdAt,
});

export async function registerApp(ctx: DomainContext, input: unknown, actor: Actor): Promise<App & { clientSecret: string }> {
  const body = parseInput(appInput, input ?? {});
  const now = ctx.clock.now();
  const clientSecret = newSecret();
  const row: AppRow = {
    clientId: newId('app'),
    name: body.name,
    secretHash: sha256Hex(clientSecret),
    redirectUris: body.redirectUris,
    postLogoutRedirectUris: body.postLogoutRedirectUris,
    createdAt: now.toISOString(),
  };
  await inTransaction(ctx, async (tx) => {
    await insertApp(tx, row);
    await recordAudit(tx, now, {
      orgId: null,
      actor,
      action: 'app.create',
      target: row.clientId,
      outcome: 'success',
      details: { name: row.name },
    });
  });
  return { ...toApp(row), clientSecret };
}

export async function listApps(ctx: DomainContext): Promise<App[]> {
  return (await listAppRows(ctx.db)).map(toApp);
}

export async function findRegisteredApp(ctx: DomainContext, clientId: string): Promise<(App & { secretHash: string }) | undefined> {
  const row = await findApp(ctx.db, clientId);
  return row ? { ...toApp(row), secretHash: row.secretHash } : undefined;
}

/** Deleting an app ends its sign-ins: its client id no longer authenticates, and its tokens stop working. */
export async function deleteApp(ctx: DomainContext, clientId: string, actor: Actor): Promise<void> {
  const now = ctx.clock.now();
  await inTransaction(ctx, async (tx) => {
    if (!(await deleteAppRow(tx, clientId))) throw new NotFound('application', clientId);
    await recordAudit(tx, now, { orgId: null, actor, action: 'app.delete', target: clientId, outcome: 'success' });
  });
}

export function clientSecretMatches(secretHash: string, presented: string): boolean {
  return digestsEqual(sha256Hex(presented), secretHash);
}

/** An application received an authorization code for a member: written to the member's org's audit log. */
export async function recordAppSignIn(ctx: DomainContext, memberId: string, clientId: string): Promise<void> {
  const member = await findMemberById(ctx.db, memberId);
  if (!member) return;
  await inTransaction(ctx, (tx) =>
    recordAudit(tx, ctx.clock.now(), {
      orgId: member.orgId,
      actor: `member:${member.id}`,
      action: 'app.sign-in',
      target: clientId,
      outcome: 'success',
    }),
  );
}

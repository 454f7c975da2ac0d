import { and, eq, isNull, lt, or } from 'drizzle-orm';
import { loginLinks, sessions } from '../../../db/schema';
import { recordAudit } from '../audit/auditLog';
import { inTransaction, orgScoped, type Actor, type DomainContext } from '../context';
import { Conflict, Forbidden, NotFound } from '../errors';
import { newSecret, sha256Hex } from '../ids';
import { findMember, findMemberByEmail } from '../orgs/memberRepository';
import { toMember, type Member } from '../orgs/members';
import { findOrg } from '../orgs/orgRepository';
import { lowerRole } from '../orgs/roles';
import type { Role } from '../seatTypes';
import { firstRow } from '../rows';

export const SESSION_IDLE_MS = 8 * 3_600_000;
export const SESSION_ABSOLUTE_MS = 24 * 3_600_000;
export const LOGIN_LINK_LIFETIME_MS = 15 * 60_000;
/** lastSeenAt is only rewritten when older than this, so reads stay reads. */
const TOUCH_EVERY_MS = 60_000;

/** An ended session keeps no ID token: it was only kept for a logout at the IdP. */
const ended = (now: Date) => ({ endedAt: now.toISOString(), oidcIdToken: null });

/** How long ended and expired sessions are kept (for support questions) before the sweep deletes them; the audit log keeps the history. */
export const SESSION_RETENTION_MS = 30 * 86_400_000;

/** Deletes sessions that ended, or expired, more than SESSION_RETENTION_MS ago. Run by the server's sweep. */
export async function deleteOldSessions(ctx: DomainContext): Promise<number> {
  const cutoff = new Date(ctx.clock.now().getTime() - SESSION_RETENTION_MS).toISOString();
  return inTransaction(
    ctx,
    async (tx) => (await tx.delete(sessions).where(or(lt(sessions.endedAt, cutoff), lt(sessions.expiresAt, cutoff)))).changes,
  );
}

export type StartedSession = { cookieValue: string; csrfToken: string; expiresAt: string };
/** What a logout at the IdP needs to know of a sign-in through it. */
export type IdpSignIn = {
  /** Set for a SAML sign-in: what a LogoutRequest to the IdP names. */
  saml?: { nameId: string; sessionIndex?: string };
  /** Set for an OIDC sign-in: the ID token, the hint of a logout at the IdP. */
  oidc?: { idToken: string };
};

export type ActiveSession = { id: string; orgId: string; orgName: string; member: Member; csrfToken: string } & IdpSignIn;

/**
 * A new server-side session for a member who just signed in. It is always a fresh id (rotation at
 * sign-in), and the session the browser held before, if any, is ended.
 */
export async function startSession(
  ctx: DomainContext,
  input: { orgId: string; memberId: string; via: string; previousCookie?: string; roleCap?: Role } & IdpSignIn,
): Promise<StartedSession> {
  const now = ctx.clock.now();
  const cookieValue = newSecret();
  const csrfToken = newSecret();
  const expiresAt = new Date(now.getTime() + SESSION_ABSOLUTE_MS).toISOString();
  await inTransaction(ctx, async (tx) => {
    if (input.previousCookie) {
      await tx
        .update(sessions)
        .set(ended(now))
        .where(eq(sessions.id, sha256Hex(input.previousCookie)));
    }
    await tx.insert(sessions).values({
      id: sha256Hex(cookieValue),
      orgId: input.orgId,
      memberId: input.memberId,
      csrfToken,
      via: input.via,
      createdAt: now.toISOString(),
      lastSeenAt: now.toISOString(),
      expiresAt,
      samlNameId: input.saml?.nameId ?? null,
      samlSessionIndex: input.saml?.sessionIndex ?? null,
      oidcIdToken: input.oidc?.idToken ?? null,
      roleCap: input.roleCap ?? null,
    });
    await recordAudit(tx, now, {
      orgId: input.orgId,
      actor: `member:${input.memberId}`,
      action: 'session.start',
      target: input.memberId,
      outcome: 'success',
      details: { via: input.via, ...(input.roleCap ? { roleCap: input.roleCap } : {}) },
    });
  });
  return { cookieValue, csrfToken, expiresAt };
}

/** The session behind a cookie, if it is live: not ended, within its idle and absolute limits, its member active. */
export async function resolveSession(ctx: DomainContext, cookieValue: string): Promise<ActiveSession | null> {
  const id = sha256Hex(cookieValue);
  const row = await ctx.db
    .select()
    .from(sessions)
    .where(and(eq(sessions.id, id), isNull(sessions.endedAt)))
    .then(firstRow);
  if (!row) return null;
  const now = ctx.clock.now();
  const idleLimit = new Date(row.lastSeenAt).getTime() + SESSION_IDLE_MS;
  if (now.toISOString() >= row.expiresAt || now.getTime() >= idleLimit) return null;
  const member = await findMember(ctx.db, row.orgId, row.memberId);
  const org = await findOrg(ctx.db, row.orgId);
  if (!member || member.status !== 'active' || !org) return null;
  if (now.getTime() - new Date(row.lastSeenAt).getTime() > TOUCH_EVERY_MS) {
    await inTransaction(ctx, (tx) => tx.update(sessions).set({ lastSeenAt: now.toISOString() }).where(eq(sessions.id, id)));
  }
  const saml = row.samlNameId
    ? { nameId: row.samlNameId, ...(row.samlSessionIndex ? { sessionIndex: row.samlSessionIndex } : {}) }
    : undefined;
  return {
    id,
    orgId: row.orgId,
    orgName: org.name,
    member: toMember(await (row.roleCap ? { ...member, role: lowerRole(member.role, row.roleCap) } : member)),
    csrfToken: row.csrfToken,
    ...(saml ? { saml } : {}),
    ...(row.oidcIdToken ? { oidc: { idToken: row.oidcIdToken } } : {}),
  };
}

export async function endSession(ctx: DomainContext, cookieValue: string): Promise<void> {
  const now = ctx.clock.now();
  await inTransaction(ctx, async (tx) => {
    const row = await tx
      .select()
      .from(sessions)
      .where(eq(sessions.id, sha256Hex(cookieValue)))
      .then(firstRow);
    if (!row || row.endedAt) return;
    await tx.update(sessions).set(ended(now)).where(eq(sessions.id, row.id));
    await recordAudit(tx, now, {
      orgId: row.orgId,
      actor: `member:${row.memberId}`,
      action: 'session.end',
      target: row.memberId,
      outcome: 'success',
    });
  });
}

/**
 * The org's IdP says a person signed out (SAML single logout): their live sessions from SAML
 * sign-ins with this NameID end — only the one the IdP names when it gives a SessionIndex.
 */
export async function endSamlSessions(ctx: DomainContext, orgId: string, nameId: string, sessionIndex?: string): Promise<number> {
  const now = ctx.clock.now();
  return inTransaction(orgScoped(ctx, orgId), async (tx) => {
    const count = (
      await tx
        .update(sessions)
        .set(ended(now))
        .where(
          and(
            eq(sessions.orgId, orgId),
            eq(sessions.samlNameId, nameId),
            isNull(sessions.endedAt),
            ...(sessionIndex ? [eq(sessions.samlSessionIndex, sessionIndex)] : []),
          ),
        )
    ).changes;
    await recordAudit(tx, now, {
      orgId,
      actor: 'sso:saml',
      action: 'session.end',
      target: nameId,
      outcome: 'success',
      details: { via: 'saml-logout', sessions: count, sessionIndex: sessionIndex ?? null },
    });
    return count;
  });
}

/** A one-time, 15-minute console sign-in link for an active member: for bootstrapping and tests. */
export async function createLoginLink(
  ctx: DomainContext,
  orgId: string,
  email: string,
  actor: Actor,
): Promise<{ url: string; expiresAt: string }> {
  const now = ctx.clock.now();
  const token = newSecret();
  const expiresAt = new Date(now.getTime() + LOGIN_LINK_LIFETIME_MS).toISOString();
  await inTransaction(orgScoped(ctx, orgId), async (tx) => {
    if (!(await findOrg(tx, orgId))) throw new NotFound('organization', orgId);
    const member = await findMemberByEmail(tx, orgId, email.trim().toLowerCase());
    if (!member) throw new NotFound('member', email);
    if (member.status !== 'active')
      throw new Conflict(`${member.email} is ${member.status}, not active; accept the invitation first`, 'member-not-active');
    await tx
      .insert(loginLinks)
      .values({ tokenHash: sha256Hex(token), orgId, memberId: member.id, createdAt: now.toISOString(), expiresAt });
    await recordAudit(tx, now, {
      orgId,
      actor,
      action: 'login-link.create',
      target: member.email,
      outcome: 'success',
      details: { expiresAt },
    });
  });
  return { url: `${ctx.publicUrl}/login/${token}`, expiresAt };
}

/** Uses a login link up; answers whom it signs in. */
export async function consumeLoginLink(ctx: DomainContext, token: string): Promise<{ orgId: string; memberId: string }> {
  const now = ctx.clock.now();
  return inTransaction(ctx, async (tx) => {
    const link = await tx
      .select()
      .from(loginLinks)
      .where(eq(loginLinks.tokenHash, sha256Hex(token)))
      .then(firstRow);
    if (!link) throw new NotFound('login link', 'for this URL');
    if (link.usedAt) throw new Conflict('This sign-in link was already used', 'login-link-used');
    if (now.toISOString() >= link.expiresAt) throw new Conflict('This sign-in link has expired', 'login-link-expired');
    const member = await findMember(tx, link.orgId, link.memberId);
    if (member?.status !== 'active') throw new Forbidden('This member is not active');
    await tx.update(loginLinks).set({ usedAt: now.toISOString() }).where(eq(loginLinks.tokenHash, link.tokenHash));
    return { orgId: link.orgId, memberId: link.memberId };
  });
}

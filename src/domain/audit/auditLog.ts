import { and, desc, eq, gte, inArray, like, lt, or, sql } from 'drizzle-orm';
import { auditLog } from '../../../db/schema';
import type { Actor, Queryable } from '../context';
import { prepared } from '../prepared';

export type AuditOutcome = 'success' | 'refused' | 'failure';

export type AuditEntry = {
  orgId: string | null;
  actor: Actor;
  action: string;
  target?: string | null;
  outcome: AuditOutcome;
  details?: Record<string, unknown>;
};

export type AuditRecord = AuditEntry & { id: number; at: string };

/** Appends one entry; callers pass their transaction so the entry commits or rolls back with the change. */
export async function recordAudit(q: Queryable, at: Date, entry: AuditEntry): Promise<void> {
  const statement = prepared(q, 'recordAudit', (db) =>
    db
      .insert(auditLog)
      .values({
        orgId: sql.placeholder('orgId'),
        at: sql.placeholder('at'),
        actor: sql.placeholder('actor'),
        action: sql.placeholder('action'),
        target: sql.placeholder('target'),
        outcome: sql.placeholder('outcome'),
        details: sql.placeholder('details'),
      })
      .prepare(),
  );
  await statement.run({
    orgId: entry.orgId,
    at: at.toISOString(),
    actor: entry.actor,
    action: entry.action,
    target: entry.target ?? null,
    outcome: entry.outcome,
    details: entry.details ?? null,
  });
}

export type AuditFilter = {
  limit: number;
  before?: number;
  /** An exact action, or a prefix ending in "." (`member.` is every member action). */
  action?: string;
  outcome?: AuditOutcome;
  target?: string;
  /** ISO instants: at or after `from`, before `to`. */
  from?: string;
  to?: string;
  /** Any of these targets (a person's email and member id). */
  targets?: string[];
  /** How the change came: the actor of SCIM, SSO (JIT), console and API writes, or the invitation actions. */
  path?: AuditPath;
};

export const AUDIT_PATHS = ['invite', 'jit', 'scim', 'console', 'api'] as const;
export type AuditPath = (typeof AUDIT_PATHS)[number];

function pathCondition(path: AuditPath) {
  switch (path) {
    case 'invite':
      return or(like(auditLog.action, 'invitation.%'), eq(auditLog.action, 'provisioning.invite'));
    case 'jit':
      return like(auditLog.actor, 'sso:%');
    case 'scim':
      return like(auditLog.actor, 'scim:%');
    case 'console':
      return like(auditLog.actor, 'member:%');
    case 'api':
      return like(auditLog.actor, 'api-token:%');
  }
}

/** Newest first, paged by id, narrowed by the filters given. */
export async function listAudit(q: Queryable, orgId: string, opts: AuditFilter): Promise<AuditRecord[]> {
  const where = and(
    eq(auditLog.orgId, orgId),
    opts.before ? lt(auditLog.id, opts.before) : undefined,
    opts.action
      ? opts.action.endsWith('.')
        ? and(gte(auditLog.action, opts.action), lt(auditLog.action, `${opts.action.slice(0, -1)}/`))
        : eq(auditLog.action, opts.action)
      : undefined,
    opts.outcome ? eq(auditLog.outcome, opts.outcome) : undefined,
    opts.target ? eq(auditLog.target, opts.target) : undefined,
    opts.from ? gte(auditLog.at, opts.from) : undefined,
    opts.to ? lt(auditLog.at, opts.to) : undefined,
    opts.targets ? inArray(auditLog.target, opts.targets) : undefined,
    opts.path ? pathCondition(opts.path) : undefined,
  );
  return (await q.select().from(auditLog).where(where).orderBy(desc(auditLog.id)).limit(opts.limit)).map((r) => ({
    ...r,
    details: r.details ?? undefined,
  }));
}

/** Who did `action` to each of `targets` (the first entry per target): who created a token, say. */
export async function actorsOf(q: Queryable, orgId: string, action: string, targets: string[]): Promise<Map<string, Actor>> {
  if (!targets.length) return new Map();
  const rows = await q
    .select({ target: auditLog.target, actor: auditLog.actor })
    .from(auditLog)
    .where(and(eq(auditLog.orgId, orgId), eq(auditLog.action, action), inArray(auditLog.target, targets)))
    .orderBy(auditLog.id);
  const found = new Map<string, Actor>();
  for (const r of rows) if (r.target && !found.has(r.target)) found.set(r.target, r.actor);
  return found;
}

import { and, desc, eq, lt, sql } from 'drizzle-orm';
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
export function recordAudit(q: Queryable, at: Date, entry: AuditEntry): void {
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
  statement.run({
    orgId: entry.orgId,
    at: at.toISOString(),
    actor: entry.actor,
    action: entry.action,
    target: entry.target ?? null,
    outcome: entry.outcome,
    details: entry.details ?? null,
  });
}

/** Newest first, paged by id. */
export function listAudit(q: Queryable, orgId: string, opts: { limit: number; before?: number }): AuditRecord[] {
  const where = opts.before ? and(eq(auditLog.orgId, orgId), lt(auditLog.id, opts.before)) : eq(auditLog.orgId, orgId);
  return q
    .select()
    .from(auditLog)
    .where(where)
    .orderBy(desc(auditLog.id))
    .limit(opts.limit)
    .all()
    .map((r) => ({ ...r, details: r.details ?? undefined }));
}

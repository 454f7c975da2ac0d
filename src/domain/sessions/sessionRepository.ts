import { and, eq, inArray, max } from 'drizzle-orm';
import { sessions } from '../../../db/schema';
import type { Queryable } from '../context';

/** When each of `memberIds` last signed in (the start of their newest session), for those who ever did. */
export function lastSignInsOf(q: Queryable, orgId: string, memberIds: string[]): Map<string, string> {
  if (!memberIds.length) return new Map();
  const rows = q
    .select({ memberId: sessions.memberId, at: max(sessions.createdAt) })
    .from(sessions)
    .where(and(eq(sessions.orgId, orgId), inArray(sessions.memberId, memberIds)))
    .groupBy(sessions.memberId)
    .all();
  return new Map(rows.filter((r) => r.at).map((r) => [r.memberId, r.at!]));
}

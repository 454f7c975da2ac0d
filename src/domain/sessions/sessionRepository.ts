import { and, eq, inArray, max } from 'drizzle-orm';
import { sessions } from '../../../db/schema';
import type { Queryable } from '../context';

/** When each of `memberIds` last signed in (the start of their newest session), for those who ever did. */
export async function lastSignInsOf(q: Queryable, orgId: string, memberIds: string[]): Promise<Map<string, string>> {
  if (!memberIds.length) return new Map();
  const rows = await q
    .select({ memberId: sessions.memberId, at: max(sessions.createdAt) })
    .from(sessions)
    .where(and(eq(sessions.orgId, orgId), inArray(sessions.memberId, memberIds)))
    .groupBy(sessions.memberId);
  return new Map(rows.filter((r) => r.at).map((r) => [r.memberId, r.at!]));
}

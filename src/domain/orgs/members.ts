import { and, asc, count, eq, type SQL } from 'drizzle-orm';
import { members } from '../../../db/schema';
import type { DomainContext } from '../context';
import { NotFound } from '../errors';
import type { Role, SeatType } from '../seatTypes';
import { creationOrder, findMember, type MemberRow, type MemberStatus } from './memberRepository';
import { firstRow } from '../rows';

export type Member = {
  id: string;
  email: string;
  userName: string;
  role: Role;
  status: MemberStatus;
  seatType: SeatType;
  holdsSeat: boolean;
  source: MemberRow['source'];
  givenName: string | null;
  familyName: string | null;
  displayName: string | null;
  externalId: string | null;
  createdAt: string;
  updatedAt: string;
  /** Grows with every change; SCIM's meta.version (ETag). */
  version: number;
  scimAttributes: Record<string, unknown> | null;
};

export function toMember(row: MemberRow): Member {
  return {
    id: row.id,
    email: row.email,
    userName: row.userName ?? row.email,
    role: row.role,
    status: row.status,
    seatType: row.seatType,
    holdsSeat: row.status === 'invited' || row.status === 'active',
    source: row.source,
    givenName: row.givenName,
    familyName: row.familyName,
    displayName: row.displayName,
    externalId: row.externalId,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    version: row.version,
    scimAttributes: row.scimAttributes ?? null,
  };
}

export type MemberFilter = { status?: MemberStatus; role?: Role; seatType?: SeatType; limit: number; offset: number };

export async function listMembers(ctx: DomainContext, orgId: string, filter: MemberFilter): Promise<{ members: Member[]; total: number }> {
  const conditions: SQL[] = [eq(members.orgId, orgId)];
  if (filter.status) conditions.push(eq(members.status, filter.status));
  if (filter.role) conditions.push(eq(members.role, filter.role));
  if (filter.seatType) conditions.push(eq(members.seatType, filter.seatType));
  const where = and(...conditions);
  const rows = await ctx.db.select().from(members).where(where).orderBy(asc(creationOrder)).limit(filter.limit).offset(filter.offset);
  const total = (await ctx.db.select({ n: count() }).from(members).where(where).then(firstRow))?.n ?? 0;
  return { members: rows.map(toMember), total };
}

export async function getMember(ctx: DomainContext, orgId: string, memberId: string): Promise<Member> {
  const row = await findMember(ctx.db, orgId, memberId);
  if (!row) throw new NotFound('member', memberId);
  return toMember(row);
}

import { eq, sql } from 'drizzle-orm';
import { prepared } from '../prepared';
import { orgDomains, orgs } from '../../../db/schema';
import type { Queryable } from '../context';

export type OrgRow = typeof orgs.$inferSelect;

export function findOrg(q: Queryable, orgId: string): OrgRow | undefined {
  return prepared(q, 'findOrg', (db) =>
    db
      .select()
      .from(orgs)
      .where(eq(orgs.id, sql.placeholder('orgId')))
      .prepare(),
  ).get({ orgId });
}

export function listOrgIds(q: Queryable): string[] {
  return q
    .select({ id: orgs.id })
    .from(orgs)
    .all()
    .map((r) => r.id);
}

export function insertOrg(q: Queryable, row: typeof orgs.$inferInsert): void {
  q.insert(orgs).values(row).run();
}

export function updateOrg(q: Queryable, orgId: string, values: Partial<typeof orgs.$inferInsert>): void {
  q.update(orgs).set(values).where(eq(orgs.id, orgId)).run();
}

export function listOrgDomains(q: Queryable, orgId: string): string[] {
  const statement = prepared(q, 'listOrgDomains', (db) =>
    db
      .select({ domain: orgDomains.domain })
      .from(orgDomains)
      .where(eq(orgDomains.orgId, sql.placeholder('orgId')))
      .prepare(),
  );
  return statement.all({ orgId }).map((r) => r.domain);
}

export function findDomainOwner(q: Queryable, domain: string): string | undefined {
  return q.select({ orgId: orgDomains.orgId }).from(orgDomains).where(eq(orgDomains.domain, domain)).get()?.orgId;
}

export function insertOrgDomains(q: Queryable, orgId: string, domains: string[], verifiedAt: string): void {
  q.insert(orgDomains)
    .values(domains.map((domain) => ({ orgId, domain, verifiedAt })))
    .run();
}

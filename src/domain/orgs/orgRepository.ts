import { eq, sql } from 'drizzle-orm';
import { prepared } from '../prepared';
import { orgDomains, orgs } from '../../../db/schema';
import type { Queryable } from '../context';
import { firstRow } from '../rows';

export type OrgRow = typeof orgs.$inferSelect;

export async function findOrg(q: Queryable, orgId: string): Promise<OrgRow | undefined> {
  return prepared(q, 'findOrg', (db) =>
    db
      .select()
      .from(orgs)
      .where(eq(orgs.id, sql.placeholder('orgId')))
      .prepare(),
  ).get({ orgId });
}

export async function listOrgIds(q: Queryable): Promise<string[]> {
  return (await q.select({ id: orgs.id }).from(orgs)).map((r) => r.id);
}

export async function insertOrg(q: Queryable, row: typeof orgs.$inferInsert): Promise<void> {
  await q.insert(orgs).values(row);
}

export async function updateOrg(q: Queryable, orgId: string, values: Partial<typeof orgs.$inferInsert>): Promise<void> {
  await q.update(orgs).set(values).where(eq(orgs.id, orgId));
}

export async function listOrgDomains(q: Queryable, orgId: string): Promise<string[]> {
  const statement = prepared(q, 'listOrgDomains', (db) =>
    db
      .select({ domain: orgDomains.domain })
      .from(orgDomains)
      .where(eq(orgDomains.orgId, sql.placeholder('orgId')))
      .prepare(),
  );
  return (await statement.all({ orgId })).map((r) => r.domain);
}

export async function findDomainOwner(q: Queryable, domain: string): Promise<string | undefined> {
  return (await q.select({ orgId: orgDomains.orgId }).from(orgDomains).where(eq(orgDomains.domain, domain)).then(firstRow))?.orgId;
}

export async function insertOrgDomains(q: Queryable, orgId: string, domains: string[], verifiedAt: string): Promise<void> {
  await q.insert(orgDomains).values(domains.map((domain) => ({ orgId, domain, verifiedAt })));
}

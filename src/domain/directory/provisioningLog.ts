import type { DomainContext } from '../context';
import { findMemberByEmail } from '../orgs/memberRepository';
import { listAudit, type AuditFilter, type AuditRecord } from '../audit/auditLog';

export type ProvisioningLogFilter = Omit<AuditFilter, 'targets' | 'target'> & {
  /** A person by email or member id: entries name some by one, some by the other. */
  person?: string;
};

/** The audit trail as the provisioning log reads it: filtered, newest first, one page of `limit`. */
export async function provisioningLog(ctx: DomainContext, orgId: string, filter: ProvisioningLogFilter): Promise<AuditRecord[]> {
  const { person, ...rest } = filter;
  let targets: string[] | undefined;
  if (person) {
    const email = person.trim().toLowerCase();
    const member = email.includes('@') ? await findMemberByEmail(ctx.db, orgId, email) : undefined;
    targets = [person.trim(), email, ...(member ? [member.id] : [])];
  }
  return listAudit(ctx.db, orgId, { ...rest, ...(targets ? { targets } : {}) });
}

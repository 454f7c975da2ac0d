import type { DomainContext } from '../context';
import { NotFound } from '../errors';
import type { ProvisioningMode, SeatType } from '../seatTypes';
import * as repo from './orgRepository';

export type Org = {
  id: string;
  name: string;
  domains: string[];
  provisioningMode: ProvisioningMode;
  defaultSeatType: SeatType;
  groupSeatTypes: Record<string, SeatType>;
  createdAt: string;
};

export async function getOrg(ctx: DomainContext, orgId: string): Promise<Org> {
  const row = await repo.findOrg(ctx.db, orgId);
  if (!row) throw new NotFound('organization', orgId);
  // Named fields only: the row also holds the alert webhook's signing secret, which is shown once when set.
  const { id, name, provisioningMode, defaultSeatType, groupSeatTypes, createdAt } = row;
  return { id, name, domains: await repo.listOrgDomains(ctx.db, orgId), provisioningMode, defaultSeatType, groupSeatTypes, createdAt };
}

import { z } from 'zod';
import { recordAudit } from '../audit/auditLog';
import { inTransaction, type DomainContext } from '../context';
import { NotFound } from '../errors';
import { findOrg, updateOrg } from '../orgs/orgRepository';
import { PROVISIONING_MODES, SEAT_TYPES, type ProvisioningMode, type SeatType } from '../seatTypes';
import { parseInput } from '../validation';
import { requireOwner, type By } from './roles';

export const provisioningSettingsInput = z.strictObject({
  mode: z.enum(PROVISIONING_MODES),
  defaultSeatType: z.enum(SEAT_TYPES).optional(),
  groupSeatTypes: z.record(z.string().trim().min(1, 'group names must not be empty'), z.enum(SEAT_TYPES)).optional(),
});

export type ProvisioningSettings = { mode: ProvisioningMode; defaultSeatType: SeatType; groupSeatTypes: Record<string, SeatType> };

export function getProvisioningSettings(ctx: DomainContext, orgId: string): ProvisioningSettings {
  const org = findOrg(ctx.db, orgId);
  if (!org) throw new NotFound('organization', orgId);
  return { mode: org.provisioningMode, defaultSeatType: org.defaultSeatType, groupSeatTypes: org.groupSeatTypes };
}

/** Sets how people become members, the default seat type, and the IdP group → seat type map (for JIT and SCIM). */
export function updateProvisioningSettings(ctx: DomainContext, orgId: string, input: unknown, by: By): ProvisioningSettings {
  requireOwner(by, 'Changing the provisioning settings');
  const data = parseInput(provisioningSettingsInput, input);
  return inTransaction(ctx, (tx) => {
    const org = findOrg(tx, orgId);
    if (!org) throw new NotFound('organization', orgId);
    const next = {
      provisioningMode: data.mode,
      defaultSeatType: data.defaultSeatType ?? org.defaultSeatType,
      groupSeatTypes: data.groupSeatTypes ?? org.groupSeatTypes,
    };
    updateOrg(tx, orgId, next);
    const now = ctx.clock.now();
    recordAudit(tx, now, {
      orgId,
      actor: by.actor,
      action: 'provisioning.settings',
      target: orgId,
      outcome: 'success',
      details: { from: { mode: org.provisioningMode, defaultSeatType: org.defaultSeatType, groupSeatTypes: org.groupSeatTypes }, to: next },
    });
    return { mode: next.provisioningMode, defaultSeatType: next.defaultSeatType, groupSeatTypes: next.groupSeatTypes };
  });
}

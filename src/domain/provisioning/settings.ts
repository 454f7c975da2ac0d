import { z } from 'zod';
import { recordAudit } from '../audit/auditLog';
import { inTransaction, orgScoped, type DomainContext } from '../context';
import { Invalid, NotFound } from '../errors';
import { findOrg, updateOrg } from '../orgs/orgRepository';
import { PROVISIONING_MODES, SEAT_TYPES, type ProvisioningMode, type SeatType } from '../seatTypes';
import { parseInput } from '../validation';
import { requireOwner, type By } from '../orgs/roles';

export const provisioningSettingsInput = z.strictObject({
  mode: z.enum(PROVISIONING_MODES),
  defaultSeatType: z.enum(SEAT_TYPES).optional(),
  groupSeatTypes: z.record(z.string().trim().min(1, 'group names must not be empty'), z.enum(SEAT_TYPES)).optional(),
});

export type ProvisioningSettings = { mode: ProvisioningMode; defaultSeatType: SeatType; groupSeatTypes: Record<string, SeatType> };

export async function getProvisioningSettings(ctx: DomainContext, orgId: string): Promise<ProvisioningSettings> {
  const org = await findOrg(ctx.db, orgId);
  if (!org) throw new NotFound('organization', orgId);
  return { mode: org.provisioningMode, defaultSeatType: org.defaultSeatType, groupSeatTypes: org.groupSeatTypes };
}

/** A record parsed from JSON cannot hold the key `__proto__`: a group of that name is refused rather than silently dropped. */
function refuseLostGroupNames(input: unknown, parsed: Record<string, SeatType> | undefined): void {
  const sent = (input as { groupSeatTypes?: unknown } | null)?.groupSeatTypes;
  if (!parsed || !sent || typeof sent !== 'object') return;
  const lost = Object.keys(sent).filter((name) => !Object.hasOwn(parsed, name.trim()));
  if (lost.length) throw Invalid.field('groupSeatTypes', `${lost.map((n) => JSON.stringify(n)).join(', ')} cannot be used as a group name`);
}

/** Sets how people become members, the default seat type, and the IdP group → seat type map (for JIT and SCIM). */
export async function updateProvisioningSettings(ctx: DomainContext, orgId: string, input: unknown, by: By): Promise<ProvisioningSettings> {
  requireOwner(by, 'Changing the provisioning settings');
  const data = parseInput(provisioningSettingsInput, input);
  refuseLostGroupNames(input, data.groupSeatTypes);
  return inTransaction(orgScoped(ctx, orgId), async (tx) => {
    const org = await findOrg(tx, orgId);
    if (!org) throw new NotFound('organization', orgId);
    const next = {
      provisioningMode: data.mode,
      defaultSeatType: data.defaultSeatType ?? org.defaultSeatType,
      groupSeatTypes: data.groupSeatTypes ?? org.groupSeatTypes,
    };
    await updateOrg(tx, orgId, next);
    const now = ctx.clock.now();
    await recordAudit(tx, now, {
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

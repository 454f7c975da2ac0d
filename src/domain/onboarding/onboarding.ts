import { recordAudit } from '../audit/auditLog';
import { inTransaction, orgScoped, type Actor, type DomainContext } from '../context';
import { Conflict, Invalid } from '../errors';
import { addDays, addMonths, calendarDateOf, compareCalendarDates, formatCalendarDate, parseCalendarDate } from '../calendarDate';
import { newId } from '../ids';
import { getSeatUsage, type SeatUsage } from '../ledger/ledger';
import { appendLedgerEntries, insertContract, insertPools } from '../ledger/ledgerRepository';
import { EARLIEST_TERM_START } from '../ledger/limits';
import * as repo from '../orgs/orgRepository';
import { getOrg, type Org } from '../orgs/orgs';
import { findInvitation } from '../provisioning/invitationRepository';
import {
  deliverInvitation,
  issueInvitation,
  toInvitation,
  type Delivery,
  type Invitation,
  type PersonName,
} from '../provisioning/invitations';
import type { SeatType } from '../seatTypes';
import { parseInput } from '../validation';
import { createOrgInput, type CreateOrgInput } from './orgInput';

/*
 * What the operator does across an org's parts: create it with its contract, seat pools and the
 * primary owner's invitation, and look over every org with its seats. Above orgs, the ledger and
 * provisioning, which it puts together; none of them imports it.
 */

const TERM_MONTHS = 12;

export type CreatedOrg = Org & {
  contract: { termStart: string; termMonths: number; autoRenew: boolean; currency: string; prices: Record<SeatType, number> };
  seats: SeatUsage;
  primaryOwner: { email: string; name?: PersonName; memberId: string; invitation: Invitation; delivery: Delivery };
};

/**
 * A term starts between one term before today and one year after it, and never before 2000: a
 * contract years in the past would be renewed term after term at once, one years ahead is a typo.
 */
function checkTermStart(termStart: string, now: Date): void {
  const start = parseCalendarDate(termStart, 'contract.termStart');
  const today = calendarDateOf(now);
  const earliest = addDays(addMonths(today, -TERM_MONTHS), 1);
  const latest = addMonths(today, 12);
  const problem =
    termStart < EARLIEST_TERM_START
      ? `must not be before ${EARLIEST_TERM_START}`
      : compareCalendarDates(start, earliest) < 0
        ? `must be within one term before today (${formatCalendarDate(earliest)} or later): a contract whose terms have all passed is a new contract`
        : compareCalendarDates(start, latest) > 0
          ? `must be at most one year ahead (${formatCalendarDate(latest)} or earlier)`
          : undefined;
  if (problem) throw Invalid.field('contract.termStart', problem);
}

/** Every org with its seat usage, oldest first: what an operator looks over. */
export async function listOrgs(ctx: DomainContext): Promise<(Org & { seats: SeatUsage })[]> {
  const orgs: (Org & { seats: SeatUsage })[] = [];
  for (const id of await repo.listOrgIds(ctx.db)) orgs.push({ ...(await getOrg(ctx, id)), seats: await getSeatUsage(ctx, id) });
  return orgs;
}

/**
 * Creates an org with its verified domains, its contract and seat pools, and the primary owner's
 * invitation (which reserves one of the seats, Standard when the contract has any) — all or nothing;
 * the invitation mail goes out once that has committed.
 */
export async function createOrg(ctx: DomainContext, input: CreateOrgInput, actor: Actor): Promise<CreatedOrg> {
  const data = parseInput(createOrgInput, input);
  const now = ctx.clock.now();
  checkTermStart(data.contract.termStart, now);
  const at = now.toISOString();
  const orgId = newId('org');
  const invitation = await inTransaction(orgScoped(ctx, orgId), async (tx) => {
    for (const domain of data.domains) {
      const owner = await repo.findDomainOwner(tx, domain);
      if (owner) throw new Conflict(`The domain ${domain} is already verified by another organization`, 'domain-taken');
    }
    await repo.insertOrg(tx, {
      id: orgId,
      name: data.name,
      provisioningMode: data.provisioningMode,
      defaultSeatType: data.defaultSeatType,
      groupSeatTypes: {},
      createdAt: at,
    });
    await repo.insertOrgDomains(tx, orgId, data.domains, at);
    const c = data.contract;
    await insertContract(tx, {
      id: newId('ctr'),
      orgId,
      termStart: c.termStart,
      termMonths: TERM_MONTHS,
      autoRenew: c.autoRenew,
      currency: c.currency,
      standardPriceAmount: c.prices.standard,
      premiumPriceAmount: c.prices.premium,
      createdAt: at,
    });
    await insertPools(tx, orgId, c.seats);
    await appendLedgerEntries(tx, [
      { orgId, kind: 'initial', seatType: 'standard', purchasedDelta: c.seats.standard, effectiveDate: c.termStart, createdAt: at },
      { orgId, kind: 'initial', seatType: 'premium', purchasedDelta: c.seats.premium, effectiveDate: c.termStart, createdAt: at },
    ]);
    await recordAudit(tx, now, {
      orgId,
      actor,
      action: 'org.create',
      target: orgId,
      outcome: 'success',
      details: { name: data.name, domains: data.domains, contract: c, provisioningMode: data.provisioningMode },
    });
    return issueInvitation(ctx, tx, {
      orgId,
      email: data.primaryOwnerEmail,
      role: 'primary_owner',
      seatType: c.seats.standard > 0 ? 'standard' : 'premium',
      actor,
      ...(data.primaryOwnerName ? { name: data.primaryOwnerName } : {}),
    });
  });
  const delivery = await deliverInvitation(ctx, orgId, invitation, actor);
  return {
    ...(await getOrg(ctx, orgId)),
    contract: {
      termStart: data.contract.termStart,
      termMonths: 12,
      autoRenew: data.contract.autoRenew,
      currency: data.contract.currency,
      prices: data.contract.prices,
    },
    seats: await getSeatUsage(ctx, orgId),
    primaryOwner: {
      email: data.primaryOwnerEmail,
      ...(data.primaryOwnerName ? { name: data.primaryOwnerName } : {}),
      memberId: invitation.memberId,
      invitation: toInvitation((await findInvitation(ctx.db, orgId, invitation.id))!),
      delivery,
    },
  };
}

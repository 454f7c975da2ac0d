import type { DomainContext } from '../context';
import { countSeatHolders } from '../orgs/memberRepository';
import { listOrgIds } from '../orgs/orgRepository';
import { SEAT_TYPES, type SeatType } from '../seatTypes';
import * as repo from './ledgerRepository';

export type LedgerFinding =
  | { orgId: string; seatType: SeatType; problem: 'purchased-differs-from-ledger'; purchased: number; ledger: number }
  | { orgId: string; seatType: SeatType; problem: 'assigned-differs-from-seat-holders'; assigned: number; seatHolders: number }
  | { orgId: string; invoice: string; problem: 'total-differs-from-lines'; total: number; lines: number };

/**
 * Recomputes what the projections claim: every pool's purchased seats from the append-only
 * ledger, its assigned seats from the members holding one, and every invoice's total from its
 * lines. Read-only; `seatd verify` prints the findings and fails when there are any.
 */
export async function verifyLedgers(ctx: DomainContext): Promise<{ orgs: number; findings: LedgerFinding[] }> {
  const findings: LedgerFinding[] = [];
  const orgIds = await listOrgIds(ctx.db);
  for (const orgId of orgIds) {
    const pools = await repo.readPools(ctx.db, orgId);
    const ledger = await repo.sumLedger(ctx.db, orgId);
    const holders = await countSeatHolders(ctx.db, orgId);
    for (const t of SEAT_TYPES) {
      if (pools[t].purchased !== ledger[t])
        findings.push({ orgId, seatType: t, problem: 'purchased-differs-from-ledger', purchased: pools[t].purchased, ledger: ledger[t] });
      if (pools[t].assigned !== holders[t])
        findings.push({
          orgId,
          seatType: t,
          problem: 'assigned-differs-from-seat-holders',
          assigned: pools[t].assigned,
          seatHolders: holders[t],
        });
    }
    for (const invoice of await repo.listInvoiceRows(ctx.db, orgId)) {
      const lines = (await repo.readInvoiceLines(ctx.db, invoice.id)).reduce((sum, l) => sum + l.amount, 0);
      if (lines !== invoice.totalAmount)
        findings.push({ orgId, invoice: invoice.number, problem: 'total-differs-from-lines', total: invoice.totalAmount, lines });
    }
  }
  return { orgs: orgIds.length, findings };
}

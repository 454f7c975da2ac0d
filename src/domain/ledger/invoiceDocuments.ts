import { addMonths, compareCalendarDates, formatCalendarDate, parseCalendarDate } from '../calendarDate';
import type { DomainContext } from '../context';
import { NotFound } from '../errors';
import { formatMoney } from '../money';
import { findPrimaryOwner } from '../orgs/memberRepository';
import { findOrg, listOrgDomains } from '../orgs/orgRepository';
import { getInvoice, toInvoice, type Invoice } from './ledger';
import * as repo from './ledgerRepository';
import { termEnd } from './proration';
import type { PricedLine } from './seatChange';

/** Who issues invoices: the vendor running seatd (INVOICE_SELLER_NAME, INVOICE_SELLER_ADDRESS). */
export type Seller = { name: string; address: string[] };

export type InvoiceDocumentLine = PricedLine & { periodStart: string; periodEnd: string; derivation: string };

/** An invoice as a document: who sells, who is billed, each line's period and how its price was derived. */
export type InvoiceDocument = Omit<Invoice, 'lines'> & {
  status: 'issued';
  seller: Seller;
  billTo: { orgName: string; domains: string[]; primaryOwner: { name: string | null; email: string } | null };
  lines: InvoiceDocumentLine[];
};

export const MAX_INVOICES_PER_PAGE = 500;

/** One page of the org's invoices with their lines, newest first; `nextCursor` is null on the last page. */
export async function listInvoicesPage(
  ctx: DomainContext,
  orgId: string,
  page: { limit: number; cursor?: string },
): Promise<{ invoices: Invoice[]; nextCursor: string | null }> {
  if (!(await repo.findContract(ctx.db, orgId))) throw new NotFound('organization', orgId);
  const rows = await repo.listInvoiceRowsPage(ctx.db, orgId, { limit: page.limit, ...(page.cursor ? { beforeNumber: page.cursor } : {}) });
  const lines = await repo.readLinesOfInvoices(
    ctx.db,
    rows.map((r) => r.id),
  );
  const invoices = rows.map((row) => toInvoice(row, lines.get(row.id) ?? []));
  return { invoices, nextCursor: rows.length === page.limit ? rows.at(-1)!.number : null };
}

/** The term an effective date fell in: terms follow each other, so step back from the current one. */
function termContaining(contract: repo.ContractRow, effectiveDate: string) {
  const date = parseCalendarDate(effectiveDate);
  let start = parseCalendarDate(contract.termStart);
  while (compareCalendarDates(date, start) < 0) start = addMonths(start, -contract.termMonths);
  return { start, months: contract.termMonths };
}

/** How a line's unit price came about, in the words of the contract: an upgrade is the difference of the prices. */
function derivationOf(line: PricedLine, contract: repo.ContractRow, months: number): string {
  const money = (amount: number) => formatMoney(amount, contract.currency);
  const unit = money(line.unitAmount);
  switch (line.kind) {
    case 'add_standard':
      return `${money(contract.standardPriceAmount)} a year × ${months}/12 = ${unit} each`;
    case 'add_premium':
      return `${money(contract.premiumPriceAmount)} a year × ${months}/12 = ${unit} each`;
    case 'upgrade_standard_to_premium':
      return `(${money(contract.premiumPriceAmount)} − ${money(contract.standardPriceAmount)}) × ${months}/12 = ${unit} each`;
    default:
      return `${unit} each for the full term`;
  }
}

export async function getInvoiceDocument(ctx: DomainContext, orgId: string, invoiceId: string, seller: Seller): Promise<InvoiceDocument> {
  const invoice = await getInvoice(ctx, orgId, invoiceId);
  const org = await findOrg(ctx.db, orgId);
  const contract = await repo.findContract(ctx.db, orgId);
  if (!org || !contract) throw new NotFound('organization', orgId);
  const owner = await findPrimaryOwner(ctx.db, orgId);
  const periodEnd = formatCalendarDate(termEnd(termContaining(contract, invoice.effectiveDate)));
  return {
    ...invoice,
    status: 'issued',
    seller,
    billTo: {
      orgName: org.name,
      domains: await listOrgDomains(ctx.db, orgId),
      primaryOwner: owner
        ? { name: [owner.givenName, owner.familyName].filter(Boolean).join(' ') || owner.displayName || null, email: owner.email }
        : null,
    },
    lines: invoice.lines.map((line) => ({
      ...line,
      periodStart: invoice.effectiveDate,
      periodEnd,
      derivation: derivationOf(line, contract, invoice.remainingMonths),
    })),
  };
}

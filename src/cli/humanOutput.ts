import type { LedgerFinding } from '../domain/ledger/verify';
import type { Renewal } from '../domain/renewal/renewal';
import type { SeatUsage } from '../domain/ledger/ledger';
import type { CreatedOrg } from '../domain/onboarding/onboarding';
import type { Org } from '../domain/orgs/orgs';
import type { TokenSummary } from '../domain/orgs/tokens';
import { SEAT_TYPES } from '../domain/seatTypes';

/** What the CLI prints by default: a line a person reads at a glance. `--json` prints the objects instead. */

const seats = (usage: SeatUsage) => SEAT_TYPES.map((t) => `${t} ${usage[t].assigned}/${usage[t].purchased}`).join(', ');

const money = (minor: number, currency: string) => `${(minor / 100).toFixed(2)} ${currency}`;

export function createdOrgLine(org: CreatedOrg): string {
  const mail = org.primaryOwner.delivery === 'sent' ? 'invitation sent' : 'invitation mail FAILED (resend it)';
  return `created ${org.id} "${org.name}" (${org.domains.join(', ')}), seats in use ${seats(org.seats)}; ${org.primaryOwner.email}: ${mail}`;
}

export function orgLine(org: Org & { seats: SeatUsage }): string {
  return `${org.id}  "${org.name}"  ${org.domains.join(',')}  ${org.provisioningMode}  seats in use ${seats(org.seats)}`;
}

export function orgDetails(org: Org & { seats: SeatUsage }): string {
  return [
    `${org.id}  "${org.name}"`,
    `  domains:      ${org.domains.join(', ')}`,
    `  provisioning: ${org.provisioningMode}, default seat type ${org.defaultSeatType}`,
    `  term:         ${org.seats.term.start} to ${org.seats.term.end}`,
    ...SEAT_TYPES.map(
      (t) => `  ${`${t}:`.padEnd(13)} ${org.seats[t].assigned} of ${org.seats[t].purchased} in use, ${org.seats[t].available} free`,
    ),
  ].join('\n');
}

export function tokenLine(token: TokenSummary): string {
  return `${token.id}  ${token.role ?? 'scim'}  "${token.label}"  created ${token.createdAt}  last used ${token.lastUsedAt ?? 'never'}`;
}

export function renewalLines(renewals: Renewal[]): string {
  if (!renewals.length) return 'no contract was due for renewal';
  return renewals
    .map((r) => {
      const invoice = r.invoice
        ? `invoice ${r.invoice.number} ${money(r.invoice.total, r.invoice.currency)}`
        : 'no seat in use, no invoice';
      return `renewed ${r.orgId} for ${r.term.start} to ${r.term.end}: ${SEAT_TYPES.map((t) => `${r.seats[t]} ${t}`).join(', ')}; ${invoice}`;
    })
    .join('\n');
}

export function verifyLines(report: { orgs: number; findings: LedgerFinding[] }): string {
  const head = `checked ${report.orgs} org${report.orgs === 1 ? '' : 's'}: ${report.findings.length ? `${report.findings.length} finding(s)` : 'every pool matches its ledger and seat holders, every invoice its lines'}`;
  return [
    head,
    ...report.findings.map((f) => `  ${f.orgId} ${'seatType' in f ? f.seatType : f.invoice}: ${f.problem} ${JSON.stringify(f)}`),
  ].join('\n');
}

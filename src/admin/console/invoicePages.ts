import express, { Router } from 'express';
import { z } from 'zod';
import { listAlerts } from '../../domain/alerts/alerts';
import type { DomainContext } from '../../domain/context';
import {
  getInvoiceDocument,
  listInvoicesPage,
  type InvoiceDocument,
  type InvoiceDocumentLine,
  type Seller,
} from '../../domain/ledger/invoiceDocuments';
import type { PricedLine } from '../../domain/ledger/seatChange';
import { getProvisioningSettings } from '../../domain/provisioning/settings';
import { inviteRefusedPeople, refusedInvitees } from '../../domain/provisioning/refusedPeople';
import { parseInput } from '../../domain/validation';
import { requireCsrf } from '../../web/csrf';
import { by, csrfField, dataTable, page, requireConsole, sessionOf } from './consoleKit';
import { formatMoney, html, type Html } from './html';

const INVOICES_PER_PAGE = 50;
const listQuery = z.object({ cursor: z.string().max(40).optional() });

type ShownLine = PricedLine & Partial<Pick<InvoiceDocumentLine, 'periodStart' | 'periodEnd' | 'derivation'>>;

/**
 * The lines of a quote or an invoice, with their total: the review step shows what the invoice
 * will say; an invoice adds each line's period and how its price was derived.
 */
export function linesTable(heading: string, lines: ShownLine[], currency: string, total: number, testId: string): Html {
  const money = (amount: number) => formatMoney(amount, currency);
  const periods = lines.some((l) => l.periodStart);
  return html`<table>
    <thead>
      <tr>
        <th>${heading}</th>
        ${periods ? html`<th>Period</th>` : ''}
        <th class="num">Quantity</th>
        <th class="num">Each</th>
        <th class="num">Amount</th>
      </tr>
    </thead>
    <tbody>
      ${lines.map(
        (l) =>
          html`<tr>
            <td>${l.description}${l.derivation ? html`<br /><small>${l.derivation}</small>` : ''}</td>
            ${periods ? html`<td>${l.periodStart} → ${l.periodEnd}</td>` : ''}
            <td class="num">${l.quantity}</td>
            <td class="num">${money(l.unitAmount)}</td>
            <td class="num">${money(l.amount)}</td>
          </tr>`,
      )}
    </tbody>
    <tfoot>
      <tr>
        <th colspan="${periods ? 4 : 3}">Total</th>
        <td class="num"><strong data-testid="${testId}">${money(total)}</strong></td>
      </tr>
    </tfoot>
  </table>`;
}

function invoiceBody(doc: InvoiceDocument, pdfHref: string): Html {
  const owner = doc.billTo.primaryOwner;
  return html`<div class="invoice">
    <p>
      <strong>Number</strong> ${doc.number} · <strong>Issued</strong> ${doc.issuedAt.slice(0, 10)} · <strong>Status</strong>
      <span data-testid="invoice-status">${doc.status}</span>
    </p>
    <div class="parties">
      <section aria-labelledby="from-h">
        <h2 id="from-h">From</h2>
        <p>${doc.seller.name}${doc.seller.address.map((l) => html`<br />${l}`)}</p>
      </section>
      <section aria-labelledby="to-h">
        <h2 id="to-h">Bill to</h2>
        <p>
          ${doc.billTo.orgName}<br />${doc.billTo.domains.join(', ')}${
            owner ? html`<br />Attn: ${owner.name ? `${owner.name} <${owner.email}>` : owner.email}` : ''
          }
        </p>
      </section>
    </div>
    ${linesTable('Line', doc.lines, doc.currency, doc.total, 'invoice-total')}
    <p class="noprint">
      <a href="${pdfHref}" download>Download PDF</a> · print this page for a paper copy · <a href="/console/invoices">All invoices</a>
    </p>
  </div>`;
}

/** Invoices as documents: a paged list, a printable page per invoice and its PDF; after a purchase, the way to the refused people. */
export function invoicePages(ctx: DomainContext, seller: Seller): Router {
  const router = Router();
  const owner = requireConsole(ctx, 'owner');

  router.get('/console/invoices', owner, async (req, res) => {
    const { cursor } = parseInput(listQuery, req.query);
    const { invoices, nextCursor } = await listInvoicesPage(ctx, sessionOf(req).orgId, {
      limit: INVOICES_PER_PAGE,
      ...(cursor ? { cursor } : {}),
    });
    page(
      req,
      res,
      'Invoices',
      html`${dataTable(
          ['Number', 'Issued', 'Status', { text: 'Total', num: true }],
          invoices.map(
            (i) =>
              html`<tr>
                <td><a href="/console/invoices/${i.id}">${i.number}</a></td>
                <td>${i.issuedAt.slice(0, 10)}</td>
                <td>issued</td>
                <td class="num">${formatMoney(i.total, i.currency)}</td>
              </tr>`,
          ),
          'No invoices yet.',
        )}
        <nav aria-label="Invoice pages">
          ${cursor ? html`<a href="/console/invoices">Newest</a>` : ''}
          ${nextCursor ? html` <a href="/console/invoices?${new URLSearchParams({ cursor: nextCursor })}" rel="next">Older</a>` : ''}
        </nav>`,
    );
  });

  router.get('/console/invoices/:id', owner, async (req, res) => {
    const { orgId } = sessionOf(req);
    const doc = await getInvoiceDocument(ctx, orgId, req.params.id as string, seller);
    let afterPurchase: Html | string = '';
    if (req.query.new) {
      const resolvedNow = (await listAlerts(ctx, orgId, ['open', 'acknowledged'])).length === 0;
      const { mode } = await getProvisioningSettings(ctx, orgId);
      const refused = mode === 'manual' ? await refusedInvitees(ctx, orgId) : [];
      afterPurchase = html`<div class="notice noprint" role="status">
        <p>Seats updated and invoiced.${resolvedNow ? ' No seat alert is open any more.' : ''}</p>
        ${
          refused.length
            ? html`<form method="post" action="/console/refusals/invite">
                ${csrfField(req)}
                <p>
                  ${refused.length} ${refused.length === 1 ? 'person was' : 'people were'} refused for lack of a seat:
                  ${refused.map((r) => r.email).join(', ')}.
                  <button type="submit">Invite the refused people now</button>
                </p>
              </form>`
            : mode === 'manual'
              ? ''
              : html`<p>
                  People refused for lack of a seat need do nothing:
                  ${mode === 'scim' ? 'your IdP retries the refused SCIM creates on its next provisioning cycle' : 'they get in the next time they sign in through your IdP'}.
                </p>`
        }
      </div>`;
    }
    page(req, res, `Invoice ${doc.number}`, html`${afterPurchase}${invoiceBody(doc, `/api/v1/orgs/${orgId}/invoices/${doc.id}.pdf`)}`);
  });

  router.post(
    '/console/refusals/invite',
    express.urlencoded({ extended: false, limit: '4kb' }),
    requireConsole(ctx, 'admin'),
    requireCsrf,
    async (req, res) => {
      const { invited, notInvited } = await inviteRefusedPeople(ctx, sessionOf(req).orgId, by(req));
      page(
        req,
        res,
        'Refused people invited',
        html`<p role="status">${invited.length ? `Invited: ${invited.join(', ')}.` : 'Nobody was invited.'}</p>
          ${notInvited.map((n) => html`<p class="error">${n.email}: ${n.reason}</p>`)}
          <p><a href="/console/members">Members and invitations</a> · <a href="/console">Back to seats</a></p>`,
      );
    },
  );

  return router;
}

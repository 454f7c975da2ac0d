import { Router } from 'express';
import type { DomainContext } from '../domain/context';
import { confirmSeatChange, getInvoice, getSeatUsage, quoteRenewal, quoteSeatChange } from '../domain/ledger/ledger';
import { getInvoiceDocument, listInvoicesPage, type Seller } from '../domain/ledger/invoiceDocuments';
import { renderInvoicePdf } from './invoicePdf';
import { parseInput } from '../domain/validation';
import { requireOrgRole } from './auth';
import { invoiceListQuery, seatChangeBody } from './requestSchemas';

/** Seats and billing. Admins may look at seats and quotes; buying and invoices are for owners. */
export function seatRoutes(ctx: DomainContext, seller: Seller): Router {
  const router = Router({ mergeParams: true });
  const admin = requireOrgRole(ctx, 'admin');
  const owner = requireOrgRole(ctx, 'owner');

  router.get('/seats', admin, async (req, res) => {
    res.json(await getSeatUsage(ctx, req.params.org as string));
  });

  router.post('/seats/quote', admin, async (req, res) => {
    const { effectiveDate, ...change } = parseInput(seatChangeBody, req.body ?? {});
    res.json(await quoteSeatChange(ctx, req.params.org as string, change, effectiveDate));
  });

  router.post('/seats/purchases', owner, async (req, res) => {
    const idempotencyKey = req.get('idempotency-key') ?? '';
    const { effectiveDate, ...change } = parseInput(seatChangeBody, req.body ?? {});
    const { invoice, replayed } = await confirmSeatChange(ctx, req.params.org as string, change, {
      effectiveDate,
      idempotencyKey,
      actor: req.principal!.actor,
    });
    res
      .status(replayed ? 200 : 201)
      .location(`/api/v1/orgs/${req.params.org}/invoices/${invoice.id}`)
      .json({ invoice });
  });

  router.get('/invoices', owner, async (req, res) => {
    const { limit, cursor } = parseInput(invoiceListQuery, req.query);
    res.json(await listInvoicesPage(ctx, req.params.org as string, { limit, ...(cursor ? { cursor } : {}) }));
  });

  /** The invoice as a PDF, for accounts payable; the same document as the console's printable page. */
  router.get('/invoices/:id.pdf', owner, async (req, res) => {
    const doc = await getInvoiceDocument(ctx, req.params.org as string, req.params.id as string, seller);
    const pdf = await renderInvoicePdf(doc);
    res
      .type('application/pdf')
      .set('Content-Disposition', `attachment; filename="${doc.number}.pdf"`)
      .set('Cache-Control', 'private, no-store')
      .send(pdf);
  });

  router.get('/invoices/:id', owner, async (req, res) => {
    res.json(await getInvoice(ctx, req.params.org as string, req.params.id as string));
  });

  router.get('/renewal', owner, async (req, res) => {
    res.json(await quoteRenewal(ctx, req.params.org as string));
  });

  return router;
}

import PDFDocument from 'pdfkit';
import { formatMoney } from '../domain/money';
import type { InvoiceDocument } from '../domain/ledger/invoiceDocuments';

/** The PDF's built-in fonts speak WinAnsi: the few characters seatd writes beyond it get their plain forms. */
const plain = (s: string) => s.replace(/−/g, '-').replace(/→/g, 'to');

/** An invoice as a PDF document (pdfkit), the same content as the printable page. */
export function renderInvoicePdf(doc: InvoiceDocument): Promise<Buffer> {
  const pdf = new PDFDocument({ size: 'A4', margin: 50, info: { Title: `Invoice ${doc.number}`, Author: doc.seller.name } });
  const chunks: Buffer[] = [];
  pdf.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
  });
  const money = (amount: number) => plain(formatMoney(amount, doc.currency));
  const left = 50;
  const width = pdf.page.width - 100;

  pdf.font('Helvetica-Bold').fontSize(20).text(`Invoice ${doc.number}`, left, 50);
  pdf.font('Helvetica').fontSize(10).moveDown(0.3);
  pdf.text(`Issued ${doc.issuedAt.slice(0, 10)} · Status: ${doc.status}`);
  pdf.moveDown();

  const top = pdf.y;
  pdf.font('Helvetica-Bold').text('From', left, top);
  pdf.font('Helvetica').text([doc.seller.name, ...doc.seller.address].map(plain).join('\n'), left, pdf.y, { width: width / 2 - 10 });
  const sellerBottom = pdf.y;
  pdf.font('Helvetica-Bold').text('Bill to', left + width / 2, top);
  const owner = doc.billTo.primaryOwner;
  pdf
    .font('Helvetica')
    .text(
      [
        doc.billTo.orgName,
        doc.billTo.domains.join(', '),
        owner ? `Attn: ${owner.name ? `${owner.name} <${owner.email}>` : owner.email}` : '',
      ]
        .filter(Boolean)
        .map(plain)
        .join('\n'),
      left + width / 2,
      pdf.y,
      { width: width / 2 },
    );
  pdf.y = Math.max(sellerBottom, pdf.y) + 20;

  const columns = [
    { title: 'Line', x: left, w: 200 },
    { title: 'Period', x: left + 205, w: 120 },
    { title: 'Qty', x: left + 330, w: 35, align: 'right' as const },
    { title: 'Each', x: left + 370, w: 60, align: 'right' as const },
    { title: 'Amount', x: left + 435, w: width - 435, align: 'right' as const },
  ];
  const row = (cells: string[], bold = false) => {
    const y = pdf.y;
    pdf.font(bold ? 'Helvetica-Bold' : 'Helvetica');
    let bottom = y;
    cells.forEach((cell, i) => {
      const c = columns[i]!;
      pdf.text(cell, c.x, y, { width: c.w, align: c.align ?? 'left' });
      bottom = Math.max(bottom, pdf.y);
    });
    pdf.y = bottom + 4;
  };
  row(
    columns.map((c) => c.title),
    true,
  );
  for (const line of doc.lines) {
    row([
      plain(line.description),
      `${line.periodStart} to ${line.periodEnd}`,
      String(line.quantity),
      money(line.unitAmount),
      money(line.amount),
    ]);
    pdf.font('Helvetica-Oblique').fontSize(8).text(plain(line.derivation), left, pdf.y, { width: 320 });
    pdf.fontSize(10).moveDown(0.6);
  }
  pdf
    .moveTo(left, pdf.y)
    .lineTo(left + width, pdf.y)
    .stroke();
  pdf.moveDown(0.4);
  row(['Total', '', '', '', money(doc.total)], true);
  pdf.end();
  return done;
}

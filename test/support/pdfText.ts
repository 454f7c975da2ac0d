import path from 'node:path';

/** The text of every page of a PDF, read with pdf.js (Mozilla's PDF reader), pages joined by newlines. */
export async function pdfText(data: Uint8Array): Promise<string> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const doc = await pdfjs.getDocument({
    data,
    isEvalSupported: false,
    // the PDF names the standard fonts (Helvetica) without embedding them: pdf.js reads its own copies
    standardFontDataUrl: `${path.join(__dirname, '..', '..', 'node_modules', 'pdfjs-dist', 'standard_fonts')}/`,
  }).promise;
  const pages: string[] = [];
  for (let n = 1; n <= doc.numPages; n++) {
    const content = await (await doc.getPage(n)).getTextContent();
    pages.push(content.items.map((item) => ('str' in item ? item.str : '')).join(' '));
  }
  await doc.destroy();
  return pages.join('\n');
}

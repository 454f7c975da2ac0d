import type { Response } from 'express';
import { escapeHtml } from '../domain/escapeHtml';

/** A small, readable HTML page for people in a browser (invitations, sign-in outcomes). */
export function sendPage(
  res: Response,
  status: number,
  title: string,
  paragraphs: string[],
  link?: { href: string; text: string },
  button?: { action: string; csrfToken: string; label: string },
): void {
  const body =
    paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('\n    ') +
    (link ? `\n    <p><a href="${escapeHtml(link.href)}">${escapeHtml(link.text)}</a></p>` : '') +
    (button
      ? `\n    <form method="post" action="${escapeHtml(button.action)}"><input type="hidden" name="_csrf" value="${escapeHtml(button.csrfToken)}"><button type="submit">${escapeHtml(button.label)}</button></form>`
      : '');
  res
    .status(status)
    .type('html')
    .set('Cache-Control', 'no-store')
    .set('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'").send(`<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>${escapeHtml(title)} · seatd</title>
    <style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;line-height:1.5}h1{font-size:1.5rem}</style>
  </head>
  <body>
    <main>
    <h1>${escapeHtml(title)}</h1>
    ${body}
    </main>
  </body>
</html>`);
}

/** The page after a sign-out, wherever it ended (here, at the IdP, or both). */
export function sendSignedOutPage(res: Response): void {
  sendPage(res, 200, 'Signed out', ['You are signed out.']);
}

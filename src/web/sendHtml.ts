import type { Response } from 'express';
import type { Html } from './html';

/**
 * The one way a page leaves seatd: no script, no framing, forms only to seatd itself, nothing
 * cached (pages show seats, people and CSRF tokens), no referrer (paths carry one-time tokens).
 */
export const PAGE_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

export function sendHtml(res: Response, status: number, page: Html): void {
  res
    .status(status)
    .type('html')
    .set('Cache-Control', 'no-store')
    .set('Content-Security-Policy', PAGE_CSP)
    .set('X-Content-Type-Options', 'nosniff')
    .set('Referrer-Policy', 'no-referrer')
    .send(page.value);
}

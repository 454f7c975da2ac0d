import type { Response } from 'express';
import type { Html } from './html';

/**
 * The one way a page leaves seatd: no script, no framing, forms only to seatd itself, nothing
 * cached (pages show seats, people and CSRF tokens), no referrer (paths carry one-time tokens).
 */
const csp = (formAction: string) =>
  `default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action ${formAction}; frame-ancestors 'none'; base-uri 'none'`;
export const PAGE_CSP = csp("'self'");

/**
 * `formAction` widens where forms may lead: a form of the OpenID Provider posts to seatd, which then
 * redirects to the application, and browsers hold a form's redirects to form-action too.
 */
export function sendHtml(res: Response, status: number, page: Html, options: { formAction?: string } = {}): void {
  res
    .status(status)
    .type('html')
    .set('Cache-Control', 'no-store')
    .set('Content-Security-Policy', options.formAction ? csp(options.formAction) : PAGE_CSP)
    .set('X-Content-Type-Options', 'nosniff')
    .set('Referrer-Policy', 'no-referrer')
    .send(page.value);
}

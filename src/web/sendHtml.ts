import type { Response } from 'express';
import type { Html } from './html';

/**
 * The one way a page leaves seatd: no script, no framing, forms only to seatd itself, nothing
 * cached (pages show seats, people and CSRF tokens), no referrer (paths carry one-time tokens).
 */
const csp = (formAction: string, scripts = false) =>
  `default-src 'none';${scripts ? " script-src 'self';" : ''} style-src 'unsafe-inline'; img-src 'self' data:; form-action ${formAction}; frame-ancestors 'none'; base-uri 'none'`;
export const PAGE_CSP = csp("'self'");

/**
 * `formAction` widens where forms may lead: a form of the OpenID Provider posts to seatd, which then
 * redirects to the application, and browsers hold a form's redirects to form-action too.
 * `scripts` lets the page load seatd's own script files (never inline script): progressive
 * enhancement such as the console's copy buttons, on pages that work without them.
 */
export function sendHtml(res: Response, status: number, page: Html, options: { formAction?: string; scripts?: boolean } = {}): void {
  res
    .status(status)
    .type('html')
    .set('Cache-Control', 'no-store')
    .set('Content-Security-Policy', options.formAction || options.scripts ? csp(options.formAction ?? "'self'", options.scripts) : PAGE_CSP)
    .set('X-Content-Type-Options', 'nosniff')
    .set('Referrer-Policy', 'no-referrer')
    .send(page.value);
}

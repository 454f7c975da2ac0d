import type { DomainContext } from '../../domain/context';
import type { NextFunction, Request, Response } from 'express';
import { roleAtLeast, type By } from '../../domain/orgs/roles';
import type { ActiveSession } from '../../domain/sessions/sessions';
import type { Role, SeatType } from '../../domain/seatTypes';
import { sendHtml } from '../../web/sendHtml';
import { sendSignedOutConsole } from './signInLinkPage';
import { html, layout, type Html } from './html';

/** What every console page shares: who is signed in, the page frame, the role gate, the CSRF field. */

export const SEAT_NAME: Record<SeatType, string> = { standard: 'Standard', premium: 'Premium' };
export const isOwner = (role: Role) => roleAtLeast(role, 'owner');

/** The session of a request that passed requireConsole. */
export function sessionOf(req: Request): ActiveSession {
  if (!req.session) throw new Error('console handler reached without a session');
  return req.session;
}

export function by(req: Request): By {
  const s = sessionOf(req);
  return { actor: `member:${s.member.id}`, role: s.member.role };
}

export function page(req: Request, res: Response, title: string, body: Html, status = 200, options: { formAction?: string } = {}): void {
  const s = sessionOf(req);
  sendHtml(res, status, layout({ title, orgName: s.orgName, csrfToken: s.csrfToken, role: s.member.role, body }), {
    ...options,
    scripts: true,
  });
}

/** Console pages need a session of an admin or above; members are sent to their welcome page, strangers to sign-in. */
export function requireConsole(ctx: DomainContext, minRole: Role) {
  return async (req: Request, res: Response, next: NextFunction) => {
    if (!req.session) return sendSignedOutConsole(ctx, req, res, 401);
    if (!roleAtLeast(req.session.member.role, 'admin')) return res.redirect(303, '/welcome');
    if (!roleAtLeast(req.session.member.role, minRole)) {
      return page(
        req,
        res,
        'Not allowed',
        html`<p class="error" role="alert">This page is for owners of the organization.</p>
          <p><a href="/console">Back to the console</a></p>`,
        403,
      );
    }
    next();
  };
}

export function csrfField(req: Request): Html {
  return html`<input type="hidden" name="_csrf" value="${sessionOf(req).csrfToken}" />`;
}

/** An ISO instant as the console shows it: minutes, UTC. */
export function when(iso: string | null | undefined): string {
  return iso ? `${iso.slice(0, 16).replace('T', ' ')} UTC` : '—';
}

/**
 * A value an IT admin copies into their IdP: selectable, read-only text and its label; where
 * scripts run, /console/copy.js adds a Copy button beside it.
 */
export function copyField(id: string, label: string, value: string): Html {
  return html`<p class="copy">
    <label for="${id}">${label}</label>
    <input id="${id}" class="copy-value" type="text" readonly value="${value}" />
  </p>`;
}

export type Column = string | { text: string; num: true };

/** A console table: its headings and rows, or a sentence when there are no rows. */
export function dataTable(columns: Column[], rows: Html[], empty: string): Html {
  if (!rows.length) return html`<p>${empty}</p>`;
  return html`<table>
    <thead>
      <tr>
        ${columns.map((c) => (typeof c === 'string' ? html`<th>${c}</th>` : html`<th class="num">${c.text}</th>`))}
      </tr>
    </thead>
    <tbody>
      ${rows}
    </tbody>
  </table>`;
}

import crypto from 'node:crypto';
import express, { Router, type Request, type Response } from 'express';
import { acknowledgeAlert, forecastSeats, listAlerts, seatsToCloseAlert } from '../../domain/alerts/alerts';
import type { DomainContext } from '../../domain/context';
import { DomainError } from '../../domain/errors';
import { confirmSeatChange, getSeatUsage, quoteRenewal, quoteSeatChange } from '../../domain/ledger/ledger';
import type { SeatChange } from '../../domain/ledger/seatChange';
import { inviteMember, listInvitations, resendInvitation, revokeInvitation } from '../../domain/provisioning/invitations';
import { removeMember, updateMemberSettings } from '../../domain/provisioning/memberChanges';
import { canGrantRole } from '../../domain/orgs/roles';
import { memberDirectory, type DirectoryEntry } from '../../domain/directory/memberDirectory';
import { listRefusals } from '../../domain/provisioning/refusals';
import { getOrg } from '../../domain/orgs/orgs';
import { SEAT_TYPES, type SeatType } from '../../domain/seatTypes';
import type { Logger } from '../../logger';
import { requireCsrf } from '../../web/csrf';
import { pageStatusOf } from '../../web/browserErrors';
import { parseInput } from '../../domain/validation';
import { inviteBody } from '../requestSchemas';
import { z } from 'zod';
import { formatMoney, html, type Html } from './html';
import { invoicePages, linesTable } from './invoicePages';
import type { Seller } from '../../domain/ledger/invoiceDocuments';
import { by, csrfField, isOwner, page, requireConsole, SEAT_NAME, when } from './consoleKit';

/** Members listed per console page; the rest are a Next link or a search away. */
const MEMBERS_PER_PAGE = 100;

const consoleInviteForm = inviteBody.extend({ _csrf: z.string(), seatType: z.enum(SEAT_TYPES) });
const seatTypeForm = z.object({ seatType: z.enum(SEAT_TYPES) });
const SOURCE_NAME = { manual: 'Invitation', jit: 'JIT (SSO)', scim: 'SCIM' } as const;

function count(value: unknown): number {
  const n = Number(value ?? 0);
  return Number.isSafeInteger(n) ? n : NaN;
}

function changeFrom(body: Record<string, unknown>): SeatChange {
  return {
    add: { standard: count(body.addStandard), premium: count(body.addPremium) },
    upgrade: { standardToPremium: count(body.upgradeStandardToPremium) },
  };
}

function errorBox(err: unknown): Html {
  if (err instanceof DomainError) return html`<p class="error" role="alert">${err.message}</p>`;
  throw err;
}

/** What the end of the term brings, for owners (who pay): the renewal with the seats in use, or that the contract ends. */
async function renewalLine(ctx: DomainContext, orgId: string): Promise<Html> {
  const renewal = await quoteRenewal(ctx, orgId);
  if (!renewal.autoRenew) return html` The contract ends then; it does not renew by itself.`;
  const seats = SEAT_TYPES.filter((t) => renewal.seats[t] > 0).map((t) => `${renewal.seats[t]} ${SEAT_NAME[t]}`);
  return html` It renews on ${renewal.nextTerm.start} with the seats in use then (today ${seats.length ? seats.join(' and ') : 'none'}:
    <span data-testid="renewal-total">${formatMoney(renewal.total, renewal.currency)}</span> for the year); seats nobody uses are not
    renewed.`;
}

async function seatUsageSection(ctx: DomainContext, req: Request): Promise<Html> {
  const orgId = req.session!.orgId;
  const usage = await getSeatUsage(ctx, orgId);
  const forecast = await forecastSeats(ctx, orgId);
  const rows = SEAT_TYPES.map((t) => {
    const pool = usage[t];
    const percent = pool.purchased ? Math.min(100, Math.floor((pool.assigned * 100) / pool.purchased)) : 0;
    return html`<tr>
      <th scope="row">${SEAT_NAME[t]}</th>
      <td class="num">${pool.assigned}</td>
      <td class="num">${pool.purchased}</td>
      <td class="num">${pool.available}</td>
      <td>
        <span class="bar${percent >= 100 ? ' full' : ''}" role="img" aria-label="${percent}% of ${SEAT_NAME[t]} seats in use"
          ><span style="width:${percent}%"></span
        ></span>
        ${percent}%
      </td>
      <td>${forecast[t].runsOutOn ?? '—'}</td>
    </tr>`;
  });
  return html`<section aria-labelledby="seats-h">
    <h2 id="seats-h">
      Seats
      ${isOwner(req.session!.member.role) ? html`<a class="pencil" href="/console/seats/edit" aria-label="Edit seats" title="Add seats or upgrade">✎</a>` : ''}
    </h2>
    <p>Term ${usage.term.start} to ${usage.term.end}.${isOwner(req.session!.member.role) ? await renewalLine(ctx, orgId) : ''}</p>
    <table>
      <thead>
        <tr>
          <th>Type</th>
          <th class="num">In use</th>
          <th class="num">Purchased</th>
          <th class="num">Free</th>
          <th>Usage</th>
          <th>Expected to run out</th>
        </tr>
      </thead>
      <tbody>
        ${rows}
      </tbody>
    </table>
  </section>`;
}

export function consoleRoutes(ctx: DomainContext, logger: Logger, options: { seller: Seller }): Router {
  const router = Router();
  router.use(invoicePages(ctx, options.seller));
  const forms = express.urlencoded({ extended: false, limit: '64kb' });
  const admin = requireConsole(ctx, 'admin');
  const owner = requireConsole(ctx, 'owner');

  router.get('/console', admin, async (req, res) => {
    const orgId = req.session!.orgId;
    const alerts = await listAlerts(ctx, orgId, ['open', 'acknowledged']);
    const owns = isOwner(req.session!.member.role);
    const addSeats = new Map<string, string>();
    for (const a of alerts) {
      const n = await seatsToCloseAlert(ctx, orgId, a);
      addSeats.set(
        a.id,
        `/console/seats/edit?${new URLSearchParams({ [a.seatType === 'standard' ? 'addStandard' : 'addPremium']: String(n) })}`,
      );
    }
    const refusals = await listRefusals(ctx, orgId, 20);
    const notice = req.query.resolved ? html`<p class="notice" role="status">Seats added; the alerts they answered are resolved.</p>` : '';
    page(
      req,
      res,
      'Overview',
      html`${notice}${await seatUsageSection(ctx, req)}
        <section aria-labelledby="alerts-h">
          <h2 id="alerts-h">Open alerts</h2>
          ${
            alerts.length
              ? alerts.map(
                  (a) =>
                    html`<div class="alert" role="alert">
                      <strong>${a.message}</strong> (${a.status}, since ${a.openedAt.slice(0, 16).replace('T', ' ')} UTC)
                      ${owns ? html`<a class="button" href="${addSeats.get(a.id)}">Add seats</a>` : ''}
                      ${a.status === 'open' ? html`<form method="post" action="/console/alerts/${a.id}/ack" style="display:inline">${csrfField(req)}<button type="submit">Acknowledge</button></form>` : ''}
                    </div>`,
                )
              : html`<p>No open alerts.</p>`
          }
        </section>
        <section aria-labelledby="refused-h">
          <h2 id="refused-h">Refused people</h2>
          ${
            refusals.length
              ? html`<table>
                  <thead>
                    <tr>
                      <th>Who</th>
                      <th>When (UTC)</th>
                      <th>Path</th>
                      <th>Seat type</th>
                    </tr>
                  </thead>
                  <tbody>
                    ${refusals.map(
                      (r) =>
                        html`<tr>
                          <td>${r.email}</td>
                          <td>${r.at.slice(0, 16).replace('T', ' ')}</td>
                          <td>${r.path}</td>
                          <td>${SEAT_NAME[r.seatType]}</td>
                        </tr>`,
                    )}
                  </tbody>
                </table>`
              : html`<p>Nobody has been refused.</p>`
          }
        </section>`,
    );
  });

  router.post('/console/alerts/:id/ack', forms, admin, requireCsrf, async (req, res) => {
    await acknowledgeAlert(ctx, req.session!.orgId, req.params.id as string, by(req));
    res.redirect(303, '/console');
  });

  const editor = async (req: Request, res: Response, values: Record<string, unknown>, problem?: Html) => {
    const field = (name: string, label: string) =>
      html`<p>
        <label for="${name}">${label}</label>
        <input type="number" min="0" step="1" id="${name}" name="${name}" value="${String(values[name] ?? 0)}" />
      </p>`;
    page(
      req,
      res,
      'Change seats',
      html`${problem ?? ''}${await seatUsageSection(ctx, req)}
        <form method="post" action="/console/seats/review">
          ${csrfField(req)}
          ${field('addStandard', 'Add Standard seats')}${field('addPremium', 'Add Premium seats')}${field('upgradeStandardToPremium', 'Upgrade Standard → Premium')}
          <p><button type="submit">Review</button> <a href="/console">Cancel</a></p>
        </form>`,
      problem ? 400 : 200,
    );
  };

  // "Add seats" on an alert opens the editor with the seats that would close it
  router.get('/console/seats/edit', owner, (req, res) =>
    editor(req, res, {
      addStandard: Math.max(0, count(req.query.addStandard) || 0),
      addPremium: Math.max(0, count(req.query.addPremium) || 0),
    }),
  );

  router.post('/console/seats/review', forms, owner, requireCsrf, async (req, res) => {
    const change = changeFrom(req.body);
    let quote;
    try {
      quote = quoteSeatChange(ctx, req.session!.orgId, change);
    } catch (err) {
      return editor(req, res, req.body, errorBox(err));
    }
    const key = crypto.randomUUID();
    page(
      req,
      res,
      'Review the change',
      html`<p>
          Charged now, prorated for the ${(await quote).remainingMonths} remaining month${(await quote).remainingMonths === 1 ? '' : 's'} of
          the term (to ${(await quote).termEnd}).
        </p>
        ${linesTable('Change', (await quote).lines, (await quote).currency, (await quote).total, 'quote-total')}
        <p>
          After the change: ${(await quote).seatsAfter.standard.purchased} Standard and ${(await quote).seatsAfter.premium.purchased}
          Premium seats.
        </p>
        <form method="post" action="/console/seats/confirm">
          ${csrfField(req)}
          <input type="hidden" name="idempotencyKey" value="${key}" />
          <input type="hidden" name="addStandard" value="${change.add.standard}" /><input
            type="hidden"
            name="addPremium"
            value="${change.add.premium}"
          />
          <input type="hidden" name="upgradeStandardToPremium" value="${change.upgrade.standardToPremium}" />
          <p><button type="submit">Upgrade</button> <a href="/console/seats/edit">Back</a></p>
        </form>`,
    );
  });

  router.post('/console/seats/confirm', forms, owner, requireCsrf, async (req, res) => {
    const key = typeof req.body.idempotencyKey === 'string' ? req.body.idempotencyKey : '';
    try {
      const { invoice } = await confirmSeatChange(ctx, req.session!.orgId, changeFrom(req.body), {
        idempotencyKey: key,
        actor: by(req).actor,
      });
      res.redirect(303, `/console/invoices/${invoice.id}?new=1`);
    } catch (err) {
      await editor(req, res, req.body, errorBox(err));
    }
  });

  router.get('/console/members', admin, async (req, res) => {
    const orgId = req.session!.orgId;
    const find = typeof req.query.q === 'string' ? req.query.q.trim().toLowerCase().slice(0, 200) : '';
    const pageOf = (n: number) =>
      memberDirectory(ctx, orgId, { ...(find ? { find } : {}), offset: (n - 1) * MEMBERS_PER_PAGE, limit: MEMBERS_PER_PAGE });
    let pageNumber = Math.max(1, Number.parseInt(String(req.query.page ?? '1'), 10) || 1);
    let { members, total } = await pageOf(pageNumber);
    // a page past the end (a stale link, members removed since) shows the last page, with its way back
    const lastPage = Math.max(1, Math.ceil(total / MEMBERS_PER_PAGE));
    if (pageNumber > lastPage) {
      pageNumber = lastPage;
      ({ members, total } = await pageOf(pageNumber));
    }
    const myRole = req.session!.member.role;
    const actions = (m: DirectoryEntry) => {
      if (m.role === 'primary_owner' || m.id === req.session!.member.id || !canGrantRole(myRole, m.role)) return '';
      const button = (action: string, label: string) =>
        html`<form method="post" action="/console/members/${m.id}/${action}" style="display:inline">
          ${csrfField(req)}<button type="submit" aria-label="${label} ${m.email}">${label}</button>
        </form>`;
      return html`${m.status === 'active' ? button('deactivate', 'Deactivate') : m.status === 'deactivated' ? button('reactivate', 'Reactivate') : ''}
        <details style="display:inline-block">
          <summary>Remove…</summary>
          ${button('remove', 'Remove')}
        </details>`;
    };
    const offset = (pageNumber - 1) * MEMBERS_PER_PAGE;
    const pageLink = (n: number) => `/console/members?${new URLSearchParams({ ...(find ? { q: find } : {}), page: String(n) })}`;
    const invitations = (await listInvitations(ctx, orgId, 'pending')).concat(await listInvitations(ctx, orgId, 'expired'));
    const org = await getOrg(ctx, orgId);
    const seatSelect = (name: string, selected: SeatType, id?: string) =>
      html`<select name="${name}" ${id ? html`id="${id}"` : ''}>
        ${SEAT_TYPES.map((t) => html`<option value="${t}" ${t === selected ? ' selected' : ''}>${SEAT_NAME[t]}</option>`)}
      </select>`;
    page(
      req,
      res,
      'Members',
      html`<section aria-labelledby="invite-h">
          <h2 id="invite-h">Invite</h2>
          <form method="post" action="/console/members">
            ${csrfField(req)}
            <p><label for="email">Email (${org.domains.join(', ')})</label> <input type="email" id="email" name="email" required /></p>
            <p>
              <label for="role">Role</label>
              <select id="role" name="role">
                <option value="member">Member</option>
                <option value="admin">Admin</option>
                ${isOwner(req.session!.member.role) ? html`<option value="owner">Owner</option>` : ''}
              </select>
            </p>
            <p><label for="seatType">Seat type</label> ${seatSelect('seatType', org.defaultSeatType, 'seatType')}</p>
            <p><button type="submit">Send invitation</button></p>
          </form>
        </section>
        <section aria-labelledby="members-h">
          <h2 id="members-h">Members</h2>
          <form method="get" action="/console/members" role="search">
            <label for="q">Find by name or email</label> <input type="search" id="q" name="q" value="${find}" />
            <button type="submit">Find</button>${find ? html` <a href="/console/members">Show all</a>` : ''}
          </form>
          <p id="members-range">
            ${total ? `${offset + 1}–${offset + members.length} of ${total}` : find ? `No member’s name or email contains “${find}”.` : 'No members yet.'}
          </p>
          ${
            total > MEMBERS_PER_PAGE
              ? html`<nav aria-label="Member pages">
                  ${pageNumber > 1 ? html`<a href="${pageLink(pageNumber - 1)}" rel="prev">Previous</a>` : ''}
                  ${offset + members.length < total ? html`<a href="${pageLink(pageNumber + 1)}" rel="next">Next</a>` : ''}
                </nav>`
              : ''
          }
          <table>
            <thead>
              <tr>
                <th>Name</th>
                <th>Email</th>
                <th>Role</th>
                <th>Seat type</th>
                <th>Source</th>
                <th>Groups</th>
                <th>Status</th>
                <th>Last sign-in</th>
                <th></th>
              </tr>
            </thead>
            <tbody>
              ${members.map(
                (m) =>
                  html`<tr>
                    <td>${[m.givenName, m.familyName].filter(Boolean).join(' ') || m.displayName || ''}</td>
                    <td>${m.email}</td>
                    <td>${m.role.replace('_', ' ')}</td>
                    <td>
                      <form method="post" action="/console/members/${m.id}/seat-type">
                        ${csrfField(req)}${seatSelect('seatType', m.seatType)} <button type="submit">Change</button>
                      </form>
                    </td>
                    <td>${SOURCE_NAME[m.source]}</td>
                    <td>${m.groups.join(', ')}</td>
                    <td>${m.status.replace('_', ' ')}</td>
                    <td>${when(m.lastSignInAt)}</td>
                    <td>${actions(m)}</td>
                  </tr>`,
              )}
            </tbody>
          </table>
        </section>
        <section aria-labelledby="inv-h">
          <h2 id="inv-h">Invitations</h2>
          ${
            invitations.length
              ? html`<table>
                  <thead>
                    <tr>
                      <th>Email</th>
                      <th>Status</th>
                      <th>Expires</th>
                      <th></th>
                    </tr>
                  </thead>
                  <tbody>
                    ${invitations.map(
                      (i) =>
                        html`<tr>
                          <td>${i.email}</td>
                          <td>${i.status}</td>
                          <td>${i.expiresAt.slice(0, 10)}</td>
                          <td>
                            <form method="post" action="/console/invitations/${i.id}/resend" style="display:inline">
                              ${csrfField(req)}<button type="submit">Resend</button>
                            </form>
                            ${i.status === 'pending' ? html`<form method="post" action="/console/invitations/${i.id}/revoke" style="display:inline">${csrfField(req)}<button type="submit">Revoke</button></form>` : ''}
                          </td>
                        </tr>`,
                    )}
                  </tbody>
                </table>`
              : html`<p>No pending or expired invitations.</p>`
          }
        </section>`,
    );
  });

  const act = (work: (req: Request) => unknown | Promise<unknown>) => async (req: Request, res: Response) => {
    try {
      await work(req);
      res.redirect(303, '/console/members');
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      logger.info({ err: err.message }, 'console action refused');
      page(
        req,
        res,
        pageStatusOf(err).title,
        html`${errorBox(err)}
          <p><a href="/console/members">Back to members</a></p>`,
        pageStatusOf(err).status,
      );
    }
  };

  router.post(
    '/console/members',
    forms,
    admin,
    requireCsrf,
    act((req) => inviteMember(ctx, req.session!.orgId, parseInput(consoleInviteForm, req.body), by(req))),
  );
  router.post(
    '/console/members/:id/seat-type',
    forms,
    admin,
    requireCsrf,
    act((req) =>
      updateMemberSettings(
        ctx,
        req.session!.orgId,
        req.params.id as string,
        { seatType: parseInput(seatTypeForm, req.body).seatType },
        by(req),
      ),
    ),
  );
  const memberAction = (action: string, work: (req: Request, memberId: string) => unknown) =>
    router.post(
      `/console/members/:id/${action}`,
      forms,
      admin,
      requireCsrf,
      act((req) => work(req, req.params.id as string)),
    );
  memberAction('deactivate', (req, id) => updateMemberSettings(ctx, req.session!.orgId, id, { active: false }, by(req)));
  memberAction('reactivate', (req, id) => updateMemberSettings(ctx, req.session!.orgId, id, { active: true }, by(req)));
  memberAction('remove', (req, id) => removeMember(ctx, req.session!.orgId, id, by(req)));
  router.post(
    '/console/invitations/:id/resend',
    forms,
    admin,
    requireCsrf,
    act((req) => resendInvitation(ctx, req.session!.orgId, req.params.id as string, by(req))),
  );
  router.post(
    '/console/invitations/:id/revoke',
    forms,
    admin,
    requireCsrf,
    act((req) => revokeInvitation(ctx, req.session!.orgId, req.params.id as string, by(req))),
  );

  return router;
}

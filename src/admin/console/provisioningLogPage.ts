import { Router } from 'express';
import { z } from 'zod';
import { AUDIT_PATHS, type AuditPath } from '../../domain/audit/auditLog';
import { provisioningLog } from '../../domain/directory/provisioningLog';
import type { DomainContext } from '../../domain/context';
import { parseInput } from '../../domain/validation';
import { dataTable, page, requireConsole, sessionOf, when } from './consoleKit';
import { html } from './html';

const ENTRIES_PER_PAGE = 50;

/** Action families an admin filters by; an entry of "member." is any member change. */
const ACTIONS: [string, string][] = [
  ['', 'Any'],
  ['provisioning.', 'Provisioning (admitted or refused)'],
  ['invitation.', 'Invitations'],
  ['member.', 'Member changes'],
  ['session.', 'Sign-ins and sign-outs'],
  ['seats.', 'Seat purchases'],
  ['sso.', 'SSO settings'],
  ['scim-token.', 'SCIM tokens'],
  ['api-token.', 'API tokens'],
  ['alert.', 'Alerts'],
];
const PATH_NAME: Record<AuditPath, string> = { invite: 'Invitation', jit: 'SSO (JIT)', scim: 'SCIM', console: 'Console', api: 'API' };

const date = z.iso
  .date()
  .optional()
  .or(z.literal('').transform(() => undefined));
const logQuery = z.object({
  action: z.string().max(100).optional(),
  outcome: z
    .enum(['success', 'refused', 'failure'])
    .optional()
    .or(z.literal('').transform(() => undefined)),
  person: z.string().trim().max(320).optional(),
  path: z
    .enum(AUDIT_PATHS)
    .optional()
    .or(z.literal('').transform(() => undefined)),
  from: date,
  to: date,
  before: z.coerce.number().int().positive().optional(),
});

const nextDay = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString();

/** How an actor string reads in the log: the path it came by. */
function pathOf(actor: string, action: string): string {
  if (action.startsWith('invitation.')) return PATH_NAME.invite;
  if (actor.startsWith('sso:')) return PATH_NAME.jit;
  if (actor.startsWith('scim:')) return PATH_NAME.scim;
  if (actor.startsWith('member:')) return PATH_NAME.console;
  if (actor.startsWith('api-token:')) return PATH_NAME.api;
  return actor;
}

/** The provisioning log: the org's audit trail as a filtered, paged table, each row expandable to its details. */
export function provisioningLogPage(ctx: DomainContext): Router {
  const router = Router();
  router.get('/console/log', requireConsole(ctx, 'admin'), async (req, res) => {
    const q = parseInput(logQuery, req.query);
    const entries = await provisioningLog(ctx, sessionOf(req).orgId, {
      limit: ENTRIES_PER_PAGE,
      ...(q.before ? { before: q.before } : {}),
      ...(q.action ? { action: q.action } : {}),
      ...(q.outcome ? { outcome: q.outcome } : {}),
      ...(q.person ? { person: q.person } : {}),
      ...(q.path ? { path: q.path } : {}),
      ...(q.from ? { from: `${q.from}T00:00:00.000Z` } : {}),
      ...(q.to ? { to: nextDay(q.to) } : {}),
    });
    const { before: _b, ...filters } = q;
    const link = (extra: Record<string, string>) =>
      `/console/log?${new URLSearchParams({ ...Object.fromEntries(Object.entries(filters).filter(([, v]) => v)), ...extra })}`;
    const last = entries.at(-1);
    const select = (name: string, label: string, options: [string, string][], value: string | undefined) =>
      html`<label for="f-${name}">${label}</label>
        <select id="f-${name}" name="${name}">
          ${options.map(([v, text]) => html`<option value="${v}" ${v === (value ?? '') ? html`selected` : ''}>${text}</option>`)}
        </select>`;
    page(
      req,
      res,
      'Provisioning log',
      html`<form method="get" action="/console/log" role="search" class="filters">
          <p>${select('action', 'Action', ACTIONS, q.action)}</p>
          <p>
            ${select(
              'outcome',
              'Outcome',
              [
                ['', 'Any'],
                ['success', 'Success'],
                ['refused', 'Refused'],
                ['failure', 'Failure'],
              ],
              q.outcome,
            )}
          </p>
          <p><label for="f-person">Person (email)</label> <input type="search" id="f-person" name="person" value="${q.person ?? ''}" /></p>
          <p>${select('path', 'Path', [['', 'Any'], ...AUDIT_PATHS.map((p): [string, string] => [p, PATH_NAME[p]])], q.path)}</p>
          <p>
            <label for="f-from">From</label> <input type="date" id="f-from" name="from" value="${q.from ?? ''}" />
            <label for="f-to">To</label> <input type="date" id="f-to" name="to" value="${q.to ?? ''}" />
          </p>
          <p><button type="submit">Filter</button> <a href="/console/log">Clear</a></p>
        </form>
        ${dataTable(
          ['When', 'Action', 'Outcome', 'Who / what', 'Path'],
          entries.map(
            (e) =>
              html`<tr>
                <td>${when(e.at)}</td>
                <td>
                  <details>
                    <summary>${e.action}</summary>
                    <pre>${JSON.stringify({ actor: e.actor, target: e.target, ...(e.details ?? {}) }, null, 2)}</pre>
                  </details>
                </td>
                <td>${e.outcome}</td>
                <td>${e.target ?? ''}</td>
                <td>${pathOf(e.actor, e.action)}</td>
              </tr>`,
          ),
          'No entries match.',
        )}
        <nav aria-label="Log pages">
          ${q.before ? html`<a href="${link({})}">Newest</a>` : ''}
          ${entries.length === ENTRIES_PER_PAGE && last ? html` <a href="${link({ before: String(last.id) })}" rel="next">Older</a>` : ''}
        </nav>`,
    );
  });
  return router;
}

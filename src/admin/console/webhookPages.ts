import express, { Router, type Request } from 'express';
import { z } from 'zod';
import type { DomainContext } from '../../domain/context';
import { parseInput } from '../../domain/validation';
import {
  getWebhook,
  listWebhookDeliveries,
  listWebhooks,
  redeliverEvent,
  updateWebhook,
  type WebhookDelivery,
  type WebhookEndpoint,
  type WebhookScope,
} from '../../domain/webhooks/webhooks';
import { requireCsrf } from '../../web/csrf';
import { by, csrfField, dataTable, page, requireConsole, sessionOf, when } from './consoleKit';
import { html, type Html } from './html';

const DELIVERIES_PER_PAGE = 50;

const deliveriesQuery = z.object({
  before: z.coerce.number().int().positive().optional(),
  redelivered: z.string().max(100).optional(),
  enabled: z.literal('1').optional(),
});

const scopeOf = (req: Request): WebhookScope => ({ managedBy: 'org', orgId: sessionOf(req).orgId });
const pagePath = (id: string) => `/console/webhooks/${encodeURIComponent(id)}`;

/** Origin and path only: a query string may carry the receiver's own key. */
function shownUrl(url: string): string {
  const u = new URL(url);
  return `${u.origin}${u.pathname}`;
}

function statusOf(e: WebhookEndpoint): Html {
  if (e.status === 'active') return html`active`;
  return html`disabled${e.disabledAt ? html` since ${when(e.disabledAt)}` : ''}${e.disabledReason ? html`: ${e.disabledReason}` : ''}`;
}

const typesOf = (e: WebhookEndpoint) => (e.types.includes('*') ? 'all events' : e.types.join(', '));

/**
 * The delivery log of the org's event webhooks: its endpoints, and per endpoint its deliveries,
 * newest first, each with a Redeliver button; a disabled endpoint can be turned on again. Owners
 * only, as the webhook API is. Endpoints are registered through the API (the secret is shown once there).
 */
export function webhookPages(ctx: DomainContext): Router {
  const router = Router();
  const owner = requireConsole(ctx, 'owner');
  const forms = express.urlencoded({ extended: false, limit: '4kb' });

  router.get('/console/webhooks', owner, async (req, res) => {
    const endpoints = await listWebhooks(ctx, scopeOf(req));
    page(
      req,
      res,
      'Webhooks',
      html`<p>
          Endpoints receive the org's events as signed webhooks. Register, change or remove them with the admin API
          (<code>/api/v1/orgs/${sessionOf(req).orgId}/webhooks</code>, an owner token); open one to see its delivery log.
        </p>
        ${dataTable(
          ['Endpoint', 'Event types', 'Status', 'Failing since'],
          endpoints.map(
            (e) =>
              html`<tr>
                <td><a href="${pagePath(e.id)}">${shownUrl(e.url)}</a></td>
                <td>${typesOf(e)}</td>
                <td data-testid="status-${e.id}">${statusOf(e)}</td>
                <td>${when(e.failingSince)}</td>
              </tr>`,
          ),
          'No webhook endpoints are registered.',
        )}`,
    );
  });

  router.get('/console/webhooks/:id', owner, async (req, res) => {
    const id = req.params.id as string;
    const q = parseInput(deliveriesQuery, req.query);
    const endpoint = await getWebhook(ctx, scopeOf(req), id);
    const deliveries = await listWebhookDeliveries(ctx, scopeOf(req), id, {
      limit: DELIVERIES_PER_PAGE,
      ...(q.before ? { before: q.before } : {}),
    });
    const notice = q.redelivered
      ? html`<p class="notice" role="status">Event ${q.redelivered} is queued again; it is sent after what is already queued.</p>`
      : q.enabled
        ? html`<p class="notice" role="status">The endpoint is enabled again; its undelivered events resume.</p>`
        : '';
    const row = (d: WebhookDelivery) =>
      html`<tr>
        <td>${d.eventType}</td>
        <td><code>${d.eventId}</code></td>
        <td>${d.status}${d.redelivery ? ' (redelivery)' : ''}</td>
        <td class="num">${d.attempts}</td>
        <td>${d.lastError ?? ''}</td>
        <td>${when(d.createdAt)}</td>
        <td>${when(d.deliveredAt)}</td>
        <td>
          <form method="post" action="${pagePath(id)}/deliveries/${encodeURIComponent(d.eventId)}/redeliver">
            ${csrfField(req)}<button type="submit" aria-label="Redeliver ${d.eventId}">Redeliver</button>
          </form>
        </td>
      </tr>`;
    page(
      req,
      res,
      'Webhook deliveries',
      html`${notice}
        <section aria-labelledby="endpoint-h">
          <h2 id="endpoint-h">${shownUrl(endpoint.url)}</h2>
          <p>
            Event types: ${typesOf(endpoint)}. Status: <span data-testid="endpoint-status">${statusOf(endpoint)}</span>.
            ${endpoint.failingSince ? html`Failing since ${when(endpoint.failingSince)}.` : ''}
          </p>
          ${
            endpoint.status === 'disabled'
              ? html`<form method="post" action="${pagePath(id)}/enable">
                  ${csrfField(req)}<button type="submit">Enable again</button>
                </form>`
              : ''
          }
        </section>
        <section aria-labelledby="deliveries-h">
          <h2 id="deliveries-h">Deliveries</h2>
          ${dataTable(
            ['Event type', 'Event id', 'Status', { text: 'Attempts', num: true }, 'Last error', 'Created', 'Delivered', ''],
            deliveries.data.map(row),
            'No deliveries yet.',
          )}
          <nav aria-label="Delivery pages">
            ${q.before ? html`<a href="${pagePath(id)}">Newest</a>` : ''}
            ${deliveries.nextCursor ? html` <a href="${pagePath(id)}?before=${deliveries.nextCursor}" rel="next">Older</a>` : ''}
          </nav>
          <p><a href="/console/webhooks">All endpoints</a></p>
        </section>`,
    );
  });

  router.post('/console/webhooks/:id/deliveries/:eventId/redeliver', forms, owner, requireCsrf, async (req, res) => {
    const id = req.params.id as string;
    const eventId = req.params.eventId as string;
    await redeliverEvent(ctx, scopeOf(req), id, eventId, by(req).actor);
    res.redirect(303, `${pagePath(id)}?${new URLSearchParams({ redelivered: eventId })}`);
  });

  router.post('/console/webhooks/:id/enable', forms, owner, requireCsrf, async (req, res) => {
    const id = req.params.id as string;
    await updateWebhook(ctx, scopeOf(req), id, { enabled: true }, by(req).actor);
    res.redirect(303, `${pagePath(id)}?enabled=1`);
  });

  return router;
}

import { z } from 'zod';
import { recordAudit } from '../audit/auditLog';
import { inTransaction, type Actor, type DomainContext } from '../context';
import { Invalid, NotFound } from '../errors';
import { EVENT_TYPES } from '../events/eventTypes';
import { newId, newSecret } from '../ids';
import { findOrg } from '../orgs/orgRepository';
import { parseInput } from '../validation';
import * as repo from './webhookRepository';
import type { WebhookScope } from './webhookRepository';

export type { WebhookScope } from './webhookRepository';

/** `*` subscribes to every type, also ones added later. */
const subscribedType = z.enum([...EVENT_TYPES, '*'], { error: `must be one of ${EVENT_TYPES.join(', ')}, or *` });
const webhookUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).max(2000, 'must be at most 2000 characters');
const types = z
  .array(subscribedType)
  .min(1, 'needs at least one event type (or "*" for all)')
  .max(EVENT_TYPES.length + 1)
  .transform((t) => [...new Set(t)]);

export const createWebhookInput = z.strictObject({ url: webhookUrl, types, orgId: z.string().min(1).max(100).optional() });
export const updateWebhookInput = z.strictObject({
  url: webhookUrl.optional(),
  types: types.optional(),
  /** true turns a disabled endpoint back on; its pending deliveries resume. */
  enabled: z.boolean().optional(),
  rotateSecret: z.boolean().optional(),
});

export type WebhookEndpoint = {
  id: string;
  url: string;
  types: string[];
  orgId: string | null;
  status: 'active' | 'disabled';
  disabledAt: string | null;
  disabledReason: string | null;
  failingSince: string | null;
  createdAt: string;
  updatedAt: string;
};

export type WebhookDelivery = {
  id: string;
  eventId: string;
  eventType: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  lastError: string | null;
  redelivery: boolean;
  createdAt: string;
  lastAttemptAt: string | null;
  deliveredAt: string | null;
};

/** Never the secret: it is shown once, when made. */
function toEndpoint(row: repo.WebhookEndpointRow): WebhookEndpoint {
  const { id, url, types, orgId, status, disabledAt, disabledReason, failingSince, createdAt, updatedAt } = row;
  return { id, url, types, orgId, status, disabledAt, disabledReason, failingSince, createdAt, updatedAt };
}

function toDelivery(row: repo.WebhookDeliveryRow): WebhookDelivery {
  const { seq, endpointId: _e, eventSeq: _s, ...rest } = row;
  return { id: String(seq), ...rest };
}

/** Whether an endpoint subscribed to `types` receives an event of `type`. */
export function subscribes(types: readonly string[], type: string): boolean {
  return types.includes('*') || types.includes(type);
}

const auditOrg = (row: { orgId: string | null }) => row.orgId;

async function findOrThrow(q: Parameters<typeof repo.findEndpoint>[0], scope: WebhookScope, id: string): Promise<repo.WebhookEndpointRow> {
  const row = await repo.findEndpoint(q, scope, id);
  if (!row) throw new NotFound('webhook', id);
  return row;
}

/**
 * Registers an endpoint; it receives the events recorded from now on. The signing secret is in
 * this answer only. An operator endpoint without `orgId` receives every org's events.
 */
export async function createWebhook(
  ctx: DomainContext,
  scope: WebhookScope,
  input: unknown,
  actor: Actor,
): Promise<WebhookEndpoint & { secret: string }> {
  const data = parseInput(createWebhookInput, input);
  if (scope.managedBy === 'org' && data.orgId !== undefined && data.orgId !== scope.orgId) {
    throw Invalid.field('orgId', 'an org endpoint receives its own org’s events: leave orgId out');
  }
  const orgId = scope.managedBy === 'org' ? scope.orgId : (data.orgId ?? null);
  const now = ctx.clock.now().toISOString();
  const secret = `whsec_${newSecret()}`;
  const id = newId('whk');
  return inTransaction(ctx, async (tx) => {
    if (orgId !== null && !(await findOrg(tx, orgId))) throw Invalid.field('orgId', `no organization ${orgId}`);
    await repo.insertEndpoint(tx, {
      id,
      orgId,
      managedBy: scope.managedBy,
      url: data.url,
      types: data.types,
      secret,
      status: 'active',
      cursor: await repo.lastEventSeq(tx),
      createdAt: now,
      updatedAt: now,
    });
    await recordAudit(tx, ctx.clock.now(), {
      orgId,
      actor,
      action: 'webhook.create',
      target: id,
      outcome: 'success',
      details: { url: new URL(data.url).origin, types: data.types },
    });
    return { ...toEndpoint(await findOrThrow(tx, scope, id)), secret };
  });
}

export async function listWebhooks(ctx: DomainContext, scope: WebhookScope): Promise<WebhookEndpoint[]> {
  return (await repo.listEndpoints(ctx.db, scope)).map(toEndpoint);
}

export async function getWebhook(ctx: DomainContext, scope: WebhookScope, id: string): Promise<WebhookEndpoint> {
  return toEndpoint(await findOrThrow(ctx.db, scope, id));
}

/** Changes the URL or types, turns a disabled endpoint back on (`enabled: true`) or off, or rotates the secret (shown once). */
export async function updateWebhook(
  ctx: DomainContext,
  scope: WebhookScope,
  id: string,
  input: unknown,
  actor: Actor,
): Promise<WebhookEndpoint & { secret?: string }> {
  const data = parseInput(updateWebhookInput, input);
  const now = ctx.clock.now().toISOString();
  const secret = data.rotateSecret ? `whsec_${newSecret()}` : undefined;
  return inTransaction(ctx, async (tx) => {
    const row = await findOrThrow(tx, scope, id);
    const status = data.enabled === undefined ? row.status : data.enabled ? 'active' : 'disabled';
    const reenabled = status === 'active' && row.status === 'disabled';
    await repo.updateEndpoint(tx, id, {
      ...(data.url ? { url: data.url } : {}),
      ...(data.types ? { types: data.types } : {}),
      ...(secret ? { secret } : {}),
      status,
      ...(status === 'disabled' && row.status === 'active' ? { disabledAt: now, disabledReason: `disabled by ${actor}` } : {}),
      ...(reenabled ? { disabledAt: null, disabledReason: null, failingSince: null, nextAttemptAt: null } : {}),
      updatedAt: now,
    });
    await recordAudit(tx, ctx.clock.now(), {
      orgId: auditOrg(row),
      actor,
      action: 'webhook.update',
      target: id,
      outcome: 'success',
      details: {
        ...(data.url ? { url: new URL(data.url).origin } : {}),
        ...(data.types ? { types: data.types } : {}),
        status,
        secretRotated: Boolean(secret),
      },
    });
    return { ...toEndpoint(await findOrThrow(tx, scope, id)), ...(secret ? { secret } : {}) };
  });
}

export async function deleteWebhook(ctx: DomainContext, scope: WebhookScope, id: string, actor: Actor): Promise<void> {
  await inTransaction(ctx, async (tx) => {
    const row = await findOrThrow(tx, scope, id);
    await repo.deleteEndpoint(tx, id);
    await recordAudit(tx, ctx.clock.now(), { orgId: auditOrg(row), actor, action: 'webhook.delete', target: id, outcome: 'success' });
  });
}

export type DeliveryPage = { data: WebhookDelivery[]; nextCursor: string | null };

/** The endpoint's delivery log, newest first; `nextCursor` (null at the end) pages further back. */
export async function listWebhookDeliveries(
  ctx: DomainContext,
  scope: WebhookScope,
  id: string,
  page: { before?: number; limit: number },
): Promise<DeliveryPage> {
  await findOrThrow(ctx.db, scope, id);
  const rows = await repo.listDeliveries(ctx.db, id, page.before, page.limit);
  return { data: rows.map(toDelivery), nextCursor: rows.length === page.limit ? String(rows.at(-1)!.seq) : null };
}

/**
 * Queues one event again for the endpoint, behind what is already queued; the receiver gets the
 * same event id (`Seatd-Event-Id`) as the first time. Only events the endpoint may receive.
 */
export async function redeliverEvent(
  ctx: DomainContext,
  scope: WebhookScope,
  id: string,
  eventId: string,
  actor: Actor,
): Promise<WebhookDelivery> {
  const now = ctx.clock.now().toISOString();
  const delivery = await inTransaction(ctx, async (tx) => {
    const endpoint = await findOrThrow(tx, scope, id);
    const event = await repo.findEventById(tx, eventId);
    if (!event || (endpoint.orgId !== null && event.orgId !== endpoint.orgId)) throw new NotFound('event', eventId);
    await repo.insertDeliveries(tx, [
      { endpointId: id, eventSeq: event.seq, eventId, eventType: event.type, status: 'pending', redelivery: true, createdAt: now },
    ]);
    await recordAudit(tx, ctx.clock.now(), {
      orgId: auditOrg(endpoint),
      actor,
      action: 'webhook.redeliver',
      target: id,
      outcome: 'success',
      details: { eventId },
    });
    return (await repo.listDeliveries(tx, id, undefined, 1))[0]!;
  });
  ctx.outboxQueued?.();
  return toDelivery(delivery);
}

import { recordAudit } from '../audit/auditLog';
import { committed, inTransaction, quiescent, type DomainContext, type Tx } from '../context';
import { escapeHtml } from '../escapeHtml';
import { recordEvent, toSeatdEvent } from '../events/events';
import { leaseEnd, LeaseLost } from '../leases';
import { ownerEmails } from '../orgs/memberRepository';
import type { WebhookSender } from '../webhookSender';
import * as repo from './webhookRepository';
import { subscribes } from './webhooks';

/** The org id of events about the platform itself rather than one org (an operator endpoint disabled). */
export const PLATFORM_ORG_ID = 'platform';

export type WebhookDeliveryPolicy = {
  /** Attempts at one delivery before it is given up and the endpoint's next one goes. */
  maxAttempts: number;
  backoffMs: (attempt: number) => number;
  /** Endpoints claimed per pass (worked on side by side; each one's deliveries in order). */
  endpointsPerPass: number;
  /** Deliveries sent per endpoint and claim, so one busy endpoint does not hold its lease for ever. */
  deliveriesPerClaim: number;
  /** How long a claim stands without being renewed; after a crash the work waits this long. */
  leaseMs: number;
  /** An endpoint failing without a success for this long is disabled and its owner told. */
  disableAfterMs: number;
};

export const defaultWebhookPolicy: WebhookDeliveryPolicy = {
  maxAttempts: 10,
  backoffMs: (attempt) => Math.min(30_000 * 2 ** (attempt - 1), 3_600_000),
  endpointsPerPass: 20,
  deliveriesPerClaim: 100,
  leaseMs: 60_000,
  disableAfterMs: 3 * 86_400_000,
};

export type WebhookFailure = { endpointId: string; url: string; eventId: string; attempts: number; willRetry: boolean; reason: string };
export type DisabledEndpoint = { endpointId: string; orgId: string | null; managedBy: 'operator' | 'org'; url: string; reason: string };
/** How the owners of an org endpoint were told (`mailed`), or why they were not (`mailError`); operator endpoints are logged. */
export type DisabledNotice = DisabledEndpoint & { mailed: number; mailError?: string };
export type WebhookTally = { delivered: number; retried: number; failed: number; disabled: number; more: boolean };

export type WebhookWorker = {
  send: WebhookSender;
  /** This process's name in `claimed_by` (see leases.ts). */
  workerId: string;
  onFailure?: (failure: WebhookFailure) => void;
  /** After the disabling committed and the owners were mailed (org endpoints): the adapter logs it. */
  onDisabled?: (notice: DisabledNotice) => void;
};

/** How many events after the cursor are looked at per step when queueing. */
const QUEUE_BATCH = 500;

/** Queues the endpoint's matching events after its cursor and moves the cursor past what it looked at. */
async function queueNewEvents(
  tx: Tx,
  endpoint: repo.WebhookEndpointRow,
  workerId: string,
  nowIso: string,
  leaseUntil: string,
): Promise<void> {
  let cursor = endpoint.cursor;
  for (let step = 0; step < 20; step++) {
    const rows = await repo.eventsAfter(tx, cursor, endpoint.orgId, QUEUE_BATCH);
    if (!rows.length) break;
    const matching = rows.filter((e) => subscribes(endpoint.types, e.type));
    await repo.insertDeliveries(
      tx,
      matching.map((e) => ({
        endpointId: endpoint.id,
        eventSeq: e.seq,
        eventId: e.id,
        eventType: e.type,
        status: 'pending' as const,
        createdAt: nowIso,
      })),
    );
    cursor = rows.at(-1)!.seq;
    if (!(await repo.updateClaimedEndpoint(tx, endpoint.id, workerId, { cursor, leaseUntil }))) throw new LeaseLost(endpoint.id);
    if (matching.length) break;
  }
}

type Next = { endpoint: repo.WebhookEndpointRow; head: repo.WebhookDeliveryRow; event: repo.EventRow | undefined };

/** Under the claim: renews the lease, queues new events when nothing is pending, and answers the head delivery. */
async function nextDelivery(
  ctx: DomainContext,
  tx: Tx,
  endpointId: string,
  worker: WebhookWorker,
  policy: WebhookDeliveryPolicy,
): Promise<Next | undefined> {
  const now = ctx.clock.now();
  const leaseUntil = leaseEnd(now, policy.leaseMs);
  if (!(await repo.updateClaimedEndpoint(tx, endpointId, worker.workerId, { leaseUntil }))) throw new LeaseLost(endpointId);
  const endpoint = (await repo.findEndpointById(tx, endpointId))!;
  if (endpoint.status !== 'active') return undefined;
  let head = await repo.headDelivery(tx, endpointId);
  if (!head) {
    await queueNewEvents(tx, endpoint, worker.workerId, now.toISOString(), leaseUntil);
    head = await repo.headDelivery(tx, endpointId);
  }
  return head ? { endpoint, head, event: await repo.findEventBySeq(tx, head.eventSeq) } : undefined;
}

async function disable(ctx: DomainContext, tx: Tx, endpoint: repo.WebhookEndpointRow, reason: string): Promise<void> {
  const now = ctx.clock.now();
  const webhook = { id: endpoint.id, url: new URL(endpoint.url).origin, types: endpoint.types, managedBy: endpoint.managedBy };
  await recordEvent(tx, now, {
    type: 'webhook.disabled',
    orgId: endpoint.managedBy === 'org' && endpoint.orgId ? endpoint.orgId : PLATFORM_ORG_ID,
    actor: 'system',
    data: { webhook, failingSince: endpoint.failingSince, reason },
  });
  await recordAudit(tx, now, {
    orgId: endpoint.orgId,
    actor: 'system',
    action: 'webhook.disable',
    target: endpoint.id,
    outcome: 'success',
    details: { reason },
  });
}

/** The owners of an org endpoint hear by mail that it was disabled, and how to turn it back on; answers how many were mailed. */
async function tellOwners(ctx: DomainContext, endpoint: DisabledEndpoint): Promise<number> {
  if (endpoint.managedBy !== 'org' || !endpoint.orgId) return 0;
  const subject = '[seatd] A webhook endpoint was disabled after failing for 3 days';
  const how = `Fix the receiver, then turn it back on: PATCH /api/v1/orgs/${endpoint.orgId}/webhooks/${endpoint.endpointId} {"enabled": true}. Undelivered events wait for it.`;
  const text = `seatd stopped delivering events to ${endpoint.url} (webhook ${endpoint.endpointId}): ${endpoint.reason}\n\n${how}\n`;
  const html = `<p>seatd stopped delivering events to <strong>${escapeHtml(endpoint.url)}</strong> (webhook ${escapeHtml(endpoint.endpointId)}): ${escapeHtml(endpoint.reason)}</p><p>${escapeHtml(how)}</p>`;
  const owners = await ownerEmails(ctx.db, endpoint.orgId);
  for (const to of owners) await ctx.mailer.send({ to, subject, text, html });
  return owners.length;
}

/** Sends one endpoint's deliveries in order while its claim stands; stops at a failure that will be retried. */
async function workEndpoint(
  ctx: DomainContext,
  endpointId: string,
  worker: WebhookWorker,
  policy: WebhookDeliveryPolicy,
  tally: WebhookTally,
): Promise<void> {
  try {
    for (let sent = 0; ; sent++) {
      if (sent === policy.deliveriesPerClaim) {
        tally.more = true;
        return;
      }
      await quiescent(ctx); // read only committed events
      const next = await inTransaction(ctx, (tx) => nextDelivery(ctx, tx, endpointId, worker, policy));
      if (!next) return;
      const { endpoint, head, event } = next;
      if (!event) {
        await inTransaction(ctx, (tx) =>
          repo.updateDelivery(tx, head.seq, { status: 'failed', lastError: 'the event is no longer kept (retention)' }),
        );
        tally.failed++;
        continue;
      }
      await committed(ctx); // the claim and queue are committed before anything leaves
      const attempts = head.attempts + 1;
      try {
        await worker.send(endpoint.url, JSON.stringify(toSeatdEvent(event)), endpoint.secret, event.id);
      } catch (err) {
        const reason = err instanceof Error ? err.message : String(err);
        const now = ctx.clock.now();
        const failingSince = endpoint.failingSince ?? now.toISOString();
        const giveUp = attempts >= policy.maxAttempts;
        const disabling = now.getTime() - Date.parse(failingSince) >= policy.disableAfterMs;
        const disabledReason = `failing since ${failingSince}; last: ${reason}`;
        await inTransaction(ctx, async (tx) => {
          const claimed = await repo.updateClaimedEndpoint(tx, endpointId, worker.workerId, {
            failingSince,
            nextAttemptAt: giveUp || disabling ? null : new Date(now.getTime() + policy.backoffMs(attempts)).toISOString(),
            ...(disabling ? { status: 'disabled' as const, disabledAt: now.toISOString(), disabledReason } : {}),
          });
          if (!claimed) throw new LeaseLost(endpointId);
          await repo.updateDelivery(tx, head.seq, {
            attempts,
            lastError: reason,
            lastAttemptAt: now.toISOString(),
            ...(giveUp ? { status: 'failed' } : {}),
          });
          if (disabling) await disable(ctx, tx, { ...endpoint, failingSince }, disabledReason);
        });
        if (giveUp) tally.failed++;
        else tally.retried++;
        worker.onFailure?.({ endpointId, url: endpoint.url, eventId: event.id, attempts, willRetry: !giveUp && !disabling, reason });
        if (disabling) {
          tally.disabled++;
          await committed(ctx);
          const disabled = {
            endpointId,
            orgId: endpoint.orgId,
            managedBy: endpoint.managedBy,
            url: new URL(endpoint.url).origin,
            reason: disabledReason,
          };
          // the endpoint stays disabled whether or not the mail goes: a mail server down must not undo it
          const notice = await tellOwners(ctx, disabled).then(
            (mailed): DisabledNotice => ({ ...disabled, mailed }),
            (mailErr: unknown): DisabledNotice => ({
              ...disabled,
              mailed: 0,
              mailError: mailErr instanceof Error ? mailErr.message : String(mailErr),
            }),
          );
          worker.onDisabled?.(notice);
          return;
        }
        if (giveUp) continue;
        return;
      }
      const now = ctx.clock.now().toISOString();
      await inTransaction(ctx, async (tx) => {
        if (!(await repo.updateClaimedEndpoint(tx, endpointId, worker.workerId, { failingSince: null, nextAttemptAt: null })))
          throw new LeaseLost(endpointId);
        await repo.updateDelivery(tx, head.seq, { status: 'delivered', attempts, lastError: null, lastAttemptAt: now, deliveredAt: now });
      });
      tally.delivered++;
    }
  } catch (err) {
    if (!(err instanceof LeaseLost)) throw err;
  } finally {
    await inTransaction(ctx, (tx) => repo.releaseEndpoint(tx, endpointId, worker.workerId));
  }
}

/**
 * One pass of webhook delivery: claims endpoints with work (a lease each, so one process at a time
 * sends an endpoint's events, in order) and sends outside any transaction. A delivery that fails is
 * retried with backoff and holds back the endpoint's later ones until it succeeds or is given up.
 */
export async function deliverWebhooks(
  ctx: DomainContext,
  worker: WebhookWorker,
  policy: WebhookDeliveryPolicy = defaultWebhookPolicy,
): Promise<WebhookTally> {
  await quiescent(ctx);
  const now = ctx.clock.now();
  if (!(await repo.anyClaimableEndpoint(ctx.db, now.toISOString())))
    return { delivered: 0, retried: 0, failed: 0, disabled: 0, more: false };
  const claimed = await inTransaction(ctx, (tx) =>
    repo.claimEndpoints(tx, worker.workerId, now.toISOString(), leaseEnd(now, policy.leaseMs), policy.endpointsPerPass),
  );
  const tally: WebhookTally = { delivered: 0, retried: 0, failed: 0, disabled: 0, more: claimed.length === policy.endpointsPerPass };
  await committed(ctx);
  await Promise.all(claimed.map((endpoint) => workEndpoint(ctx, endpoint.id, worker, policy, tally)));
  return tally;
}

import { committed, inTransaction, type DomainContext } from '../context';
import { leaseEnd, thisProcess } from '../leases';
import type { Mailer } from '../mail';
import { findOrg } from '../orgs/orgRepository';
import type { WebhookSender } from '../webhookSender';
import * as repo from './alertRepository';

export type { WebhookSender } from '../webhookSender';

/** `leaseMs`: how long a claimed delivery is this worker's before another may send it (default a minute). */
export type DeliveryPolicy = { maxAttempts: number; backoffMs: (attempt: number) => number; batchSize: number; leaseMs?: number };

export const defaultDeliveryPolicy: DeliveryPolicy = {
  maxAttempts: 6,
  backoffMs: (attempt) => Math.min(30_000 * 2 ** (attempt - 1), 3_600_000),
  batchSize: 50,
  leaseMs: 60_000,
};

export type Delivery = Omit<repo.AlertDeliveryRow, 'orgId' | 'payload'>;

/** One failed attempt, for whoever runs the worker to log. */
export type DeliveryFailure = {
  deliveryId: string;
  orgId: string;
  channel: repo.AlertDeliveryRow['channel'];
  destination: string;
  attempts: number;
  willRetry: boolean;
  reason: string;
};

/**
 * Sends what the outbox holds and is due. Due deliveries are claimed first (a lease each, see
 * leases.ts): with several processes on one database each delivery goes out once, and one a crashed
 * process had claimed goes out after its lease runs out. A failure is retried with backoff; after
 * the last attempt the delivery is marked failed, with the error kept in the delivery log.
 */
export async function processDueDeliveries(
  ctx: DomainContext,
  senders: { mailer: Mailer; webhook: WebhookSender },
  policy: DeliveryPolicy = defaultDeliveryPolicy,
  onFailure: (failure: DeliveryFailure) => void = () => {},
  workerId: string = thisProcess,
): Promise<{ delivered: number; retried: number; failed: number }> {
  await committed(ctx); // an alert is sent only once the change that raised it is committed
  const now = ctx.clock.now();
  const leaseUntil = leaseEnd(now, policy.leaseMs ?? 60_000);
  const due = await inTransaction(ctx, (tx) => repo.claimDueDeliveries(tx, workerId, now.toISOString(), leaseUntil, policy.batchSize));
  await committed(ctx); // the claims hold before anything is sent
  const tally = { delivered: 0, retried: 0, failed: 0 };
  for (const delivery of due) {
    const attempts = delivery.attempts + 1;
    try {
      if (delivery.channel === 'email') {
        const mail = delivery.payload as { subject: string; text: string; html: string };
        await senders.mailer.send({ to: delivery.destination, ...mail });
      } else {
        const secret = (await findOrg(ctx.db, delivery.orgId))?.webhookSecret;
        if (!secret) throw new Error('the webhook has no signing secret any more');
        await senders.webhook(delivery.destination, JSON.stringify(delivery.payload), secret, String(delivery.payload.id));
      }
      await inTransaction(ctx, (tx) =>
        repo.updateClaimedDelivery(tx, delivery.id, workerId, {
          status: 'delivered',
          attempts,
          deliveredAt: ctx.clock.now().toISOString(),
          lastError: null,
        }),
      );
      tally.delivered++;
    } catch (err) {
      const lastError = err instanceof Error ? err.message : String(err);
      const giveUp = attempts >= policy.maxAttempts;
      const next = new Date(ctx.clock.now().getTime() + policy.backoffMs(attempts)).toISOString();
      await inTransaction(ctx, (tx) =>
        repo.updateClaimedDelivery(
          tx,
          delivery.id,
          workerId,
          giveUp ? { status: 'failed', attempts, lastError } : { attempts, lastError, nextAttemptAt: next },
        ),
      );
      if (giveUp) tally.failed++;
      else tally.retried++;
      onFailure({
        deliveryId: delivery.id,
        orgId: delivery.orgId,
        channel: delivery.channel,
        destination: delivery.destination,
        attempts,
        willRetry: !giveUp,
        reason: lastError,
      });
    }
  }
  return tally;
}

export async function listDeliveries(ctx: DomainContext, orgId: string, alertId?: string): Promise<Delivery[]> {
  return (await repo.listDeliveryRows(ctx.db, orgId, alertId)).map(({ orgId: _o, payload: _p, ...rest }) => rest);
}

import { processDueDeliveries, type DeliveryPolicy, defaultDeliveryPolicy } from '../domain/alerts/alertDelivery';
import type { DomainContext } from '../domain/context';
import type { Logger } from '../logger';
import { startWorkerLoop } from '../workers/workerLoop';
import { createWebhookSender } from './webhook';

/** A webhook URL's path and query may hold a secret of the receiver's (many hook URLs do): its origin is enough to act on. */
export function loggableDestination(destination: string): string {
  if (!/^https?:/i.test(destination)) return destination; // an email address
  try {
    return new URL(destination).origin;
  } catch {
    return '(unreadable URL)';
  }
}

/** Works off the alert outbox on a timer; `nudge()` (wired to ctx.outboxQueued) runs it as soon as a change queued something. */
export function startDeliveryWorker(
  ctx: DomainContext,
  logger: Logger,
  intervalMs = 5_000,
  policy: DeliveryPolicy = defaultDeliveryPolicy,
  webhookOptions: { allowPrivateNetworks?: boolean } = {},
) {
  const webhook = createWebhookSender(() => ctx.clock.now(), webhookOptions);
  return startWorkerLoop(
    () =>
      processDueDeliveries(ctx, { mailer: ctx.mailer, webhook }, policy, (failure) =>
        logger.warn({ ...failure, destination: loggableDestination(failure.destination) }, 'alert delivery attempt failed'),
      )
        .then((tally) => {
          if (tally.delivered || tally.retried || tally.failed) logger.info(tally, 'alert deliveries processed');
          return false;
        })
        .catch((err: unknown) => {
          logger.error({ err }, 'alert delivery failed');
          return false;
        }),
    intervalMs,
  );
}

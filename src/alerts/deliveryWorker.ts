import { processDueDeliveries, type DeliveryPolicy, defaultDeliveryPolicy } from '../domain/alerts/alertDelivery';
import type { DomainContext } from '../domain/context';
import type { Logger } from '../logger';
import { createWebhookSender } from './webhook';

/** A webhook URL's path and query may hold a secret of the receiver's (many hook URLs do): its origin is enough to act on. */
function loggableDestination(destination: string): string {
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
  let running: Promise<void> | undefined;
  let queuedWhileRunning = false;
  let stopped = false;
  const run = (): Promise<void> => {
    if (stopped) return Promise.resolve();
    if (running) {
      queuedWhileRunning = true; // picked up by one more pass when this one ends
      return running;
    }
    running = processDueDeliveries(ctx, { mailer: ctx.mailer, webhook }, policy, (failure) =>
      logger.warn({ ...failure, destination: loggableDestination(failure.destination) }, 'alert delivery attempt failed'),
    )
      .then((tally) => {
        if (tally.delivered || tally.retried || tally.failed) logger.info(tally, 'alert deliveries processed');
      })
      .catch((err) => logger.error({ err }, 'alert delivery failed'))
      .finally(() => {
        running = undefined;
        if (queuedWhileRunning) {
          queuedWhileRunning = false;
          void run();
        }
      });
    return running;
  };
  const timer = setInterval(() => void run(), intervalMs);
  timer.unref();
  return {
    nudge: () => void setImmediate(() => void run()),
    runOnce: run,
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}

import { processDueDeliveries, type DeliveryPolicy, defaultDeliveryPolicy } from '../domain/alerts/alertDelivery';
import type { DomainContext } from '../domain/context';
import type { Logger } from '../logger';
import { createWebhookSender } from './webhook';

/** Works off the alert outbox on a timer; `nudge()` runs it soon after a request queued something. */
export function startDeliveryWorker(
  ctx: DomainContext,
  logger: Logger,
  intervalMs = 5_000,
  policy: DeliveryPolicy = defaultDeliveryPolicy,
) {
  const webhook = createWebhookSender(() => ctx.clock.now());
  let running: Promise<void> | undefined;
  const run = () =>
    (running ??= processDueDeliveries(ctx, { mailer: ctx.mailer, webhook }, policy)
      .then((tally) => {
        if (tally.delivered || tally.retried || tally.failed) logger.info(tally, 'alert deliveries processed');
      })
      .catch((err) => logger.error({ err }, 'alert delivery failed'))
      .finally(() => {
        running = undefined;
      }));
  const timer = setInterval(run, intervalMs);
  timer.unref();
  return {
    nudge: () => void setImmediate(run),
    runOnce: run,
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}

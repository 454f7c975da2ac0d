import type { DomainContext } from '../domain/context';
import { consumeEvents } from '../domain/events/eventConsumers';
import { thisProcess } from '../domain/leases';
import { defaultWebhookPolicy, deliverWebhooks, type WebhookDeliveryPolicy, type WebhookWorker } from '../domain/webhooks/webhookDelivery';
import type { Logger } from '../logger';
import { loggableDestination } from '../alerts/deliveryWorker';
import { createWebhookSender } from '../alerts/webhook';
import { startWorkerLoop } from '../workers/workerLoop';

/**
 * Delivers events to the registered webhook endpoints on a timer, and as soon as an event is
 * recorded in this process. Failures are logged at warn with the receiver's origin only (its path
 * may hold a secret of the receiver's); never the signing secret.
 */
export function startWebhookWorker(
  ctx: DomainContext,
  logger: Logger,
  options: { intervalMs: number; allowPrivateNetworks: boolean; policy?: Partial<WebhookDeliveryPolicy>; workerId?: string },
) {
  const worker: WebhookWorker = {
    send: createWebhookSender(() => ctx.clock.now(), { allowPrivateNetworks: options.allowPrivateNetworks }),
    workerId: options.workerId ?? thisProcess,
    onFailure: (failure) => logger.warn({ ...failure, url: loggableDestination(failure.url) }, 'webhook delivery attempt failed'),
    onDisabled: (notice) => logger.warn(notice, 'webhook endpoint disabled: it kept failing'),
  };
  const policy = { ...defaultWebhookPolicy, ...options.policy };
  const loop = startWorkerLoop(
    () =>
      deliverWebhooks(ctx, worker, policy)
        .then((tally) => {
          if (tally.delivered || tally.retried || tally.failed) logger.info(tally, 'webhook deliveries processed');
          return tally.more;
        })
        .catch((err: unknown) => {
          logger.error({ err }, 'webhook delivery failed');
          return false;
        }),
    options.intervalMs,
  );
  const stopNudging = consumeEvents(ctx.db, () => loop.nudge());
  return {
    ...loop,
    stop: async () => {
      stopNudging();
      await loop.stop();
    },
  };
}

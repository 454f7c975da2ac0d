import crypto from 'node:crypto';
import { outboundFetch } from '../net/outbound';
import type { WebhookSender } from '../domain/webhookSender';

export const SIGNATURE_HEADER = 'Seatd-Signature';
/** The event's id, the same on every attempt and redelivery: what a receiver deduplicates on. */
export const EVENT_ID_HEADER = 'Seatd-Event-Id';

/** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, as Stripe-style receivers expect. */
export function signWebhook(secret: string, body: string, timestampSeconds: number): string {
  const mac = crypto.createHmac('sha256', secret).update(`${timestampSeconds}.${body}`).digest('hex');
  return `t=${timestampSeconds},v1=${mac}`;
}

/** For receivers (and tests): checks the signature in constant time and that it is recent. */
export function verifyWebhookSignature(secret: string, body: string, header: string, nowSeconds: number, toleranceSeconds = 300): boolean {
  const parts = Object.fromEntries(header.split(',').map((kv) => kv.split('=', 2) as [string, string]));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || !parts.v1 || Math.abs(nowSeconds - t) > toleranceSeconds) return false;
  const expected = Buffer.from(signWebhook(secret, body, t).split('v1=')[1]!, 'hex');
  const given = Buffer.from(parts.v1, 'hex');
  return expected.length === given.length && crypto.timingSafeEqual(expected, given);
}

/**
 * Posts signed webhooks (alert and event webhooks alike) through outboundFetch: unless `allowPrivateNetworks`
 * (OUTBOUND_ALLOW_PRIVATE_NETWORKS, for a seatd inside one company's network, and tests),
 * destinations on private networks are refused — checked on the address actually connected to —
 * and redirects are never followed.
 */
export function createWebhookSender(
  now: () => Date = () => new Date(),
  options: { timeoutMs?: number; allowPrivateNetworks?: boolean } = {},
): WebhookSender {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const post = outboundFetch(options.allowPrivateNetworks ?? false);
  return async (url, body, secret, eventId) => {
    const signal = AbortSignal.timeout(timeoutMs);
    const response = await post(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'seatd-webhook/1',
        [SIGNATURE_HEADER]: signWebhook(secret, body, Math.floor(now().getTime() / 1000)),
        ...(eventId ? { [EVENT_ID_HEADER]: eventId } : {}),
      },
      body,
      signal,
    }).catch((err: unknown) => {
      throw signal.aborted ? new Error(`webhook receiver did not answer within ${timeoutMs} ms`) : err;
    });
    if (response.status < 200 || response.status >= 300) throw new Error(`webhook receiver answered ${response.status}`);
  };
}

import crypto from 'node:crypto';
import type { WebhookSender } from '../domain/alerts/alertDelivery';

export const SIGNATURE_HEADER = 'Seatd-Signature';

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

export function createWebhookSender(now: () => Date = () => new Date(), timeoutMs = 10_000): WebhookSender {
  return async (url, body, secret) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'User-Agent': 'seatd-webhook/1',
        [SIGNATURE_HEADER]: signWebhook(secret, body, Math.floor(now().getTime() / 1000)),
      },
      body,
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'manual',
    });
    if (response.status < 200 || response.status >= 300) throw new Error(`webhook receiver answered ${response.status}`);
  };
}

import crypto from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { outboundAgent, outboundLookup, privateLiteral } from '../net/outbound';
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

/**
 * Posts signed webhooks. Unless `allowPrivateNetworks` (OUTBOUND_ALLOW_PRIVATE_NETWORKS, for a seatd
 * inside one company's network, and tests), destinations on private networks are refused — checked
 * on the address actually connected to — and redirects are never followed.
 */
export function createWebhookSender(
  now: () => Date = () => new Date(),
  options: { timeoutMs?: number; allowPrivateNetworks?: boolean } = {},
): WebhookSender {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const lookup = outboundLookup(options.allowPrivateNetworks ?? false);
  return (url, body, secret) =>
    new Promise<void>((resolve, reject) => {
      const target = new URL(url);
      const refused = options.allowPrivateNetworks ? undefined : privateLiteral(target);
      if (refused) return reject(new Error(`webhook destination ${refused}`));
      const request = (target.protocol === 'https:' ? https : http).request(
        target,
        {
          method: 'POST',
          headers: {
            'Content-Type': 'application/json',
            'Content-Length': Buffer.byteLength(body),
            'User-Agent': 'seatd-webhook/1',
            [SIGNATURE_HEADER]: signWebhook(secret, body, Math.floor(now().getTime() / 1000)),
          },
          timeout: timeoutMs,
          lookup,
          agent: outboundAgent(options.allowPrivateNetworks ?? false, target.protocol),
        },
        (response) => {
          response.resume();
          const status = response.statusCode ?? 0;
          if (status >= 200 && status < 300) resolve();
          else reject(new Error(`webhook receiver answered ${status}`));
        },
      );
      request.on('timeout', () => request.destroy(new Error(`webhook receiver did not answer within ${timeoutMs} ms`)));
      request.on('error', reject);
      request.end(body);
    });
}

import crypto from 'node:crypto';
import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
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
 * Whether an address is on this machine or a private, link-local or otherwise non-public network:
 * where an org's webhook must not reach in a shared seatd (cloud metadata at 169.254.169.254, the
 * database next door, seatd itself).
 */
export function isPrivateAddress(address: string): boolean {
  const v4 = /^(?:::ffff:)?(\d+)\.(\d+)\.(\d+)\.(\d+)$/i.exec(address);
  if (v4) {
    const [a, b] = [Number(v4[1]), Number(v4[2])];
    return (
      a === 0 ||
      a === 10 ||
      a === 127 ||
      a >= 224 ||
      (a === 100 && b >= 64 && b <= 127) ||
      (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 192 && b === 0 && Number(v4[3]) === 0) ||
      (a === 198 && (b === 18 || b === 19))
    );
  }
  const v6 = address.toLowerCase();
  return v6 === '::' || v6 === '::1' || v6.startsWith('::ffff:') || /^f[cd]/.test(v6) || /^fe[89ab]/.test(v6) || /^ff/.test(v6);
}

/** DNS look-up for webhook connections that refuses private addresses, at connect time (no re-resolving in between). */
function publicOnlyLookup(hostname: string, options: dns.LookupOptions, callback: (...args: unknown[]) => void): void {
  dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err);
    const list = addresses as dns.LookupAddress[];
    const blocked = list.find((a) => isPrivateAddress(a.address));
    if (blocked || !list.length)
      return callback(new Error(`webhook destination ${hostname} resolves to a private address (${blocked?.address ?? 'none'})`));
    if (options.all) return callback(null, list);
    return callback(null, list[0]!.address, list[0]!.family);
  });
}

/**
 * Posts signed webhooks. Unless `allowPrivateNetworks` (WEBHOOK_ALLOW_PRIVATE_NETWORKS, for a seatd
 * inside one company's network, and tests), destinations on private networks are refused — checked
 * on the address actually connected to — and redirects are never followed.
 */
export function createWebhookSender(
  now: () => Date = () => new Date(),
  options: { timeoutMs?: number; allowPrivateNetworks?: boolean } = {},
): WebhookSender {
  const timeoutMs = options.timeoutMs ?? 10_000;
  return (url, body, secret) =>
    new Promise<void>((resolve, reject) => {
      const target = new URL(url);
      const host = target.hostname.replace(/^\[|\]$/g, '');
      if (!options.allowPrivateNetworks && net.isIP(host) && isPrivateAddress(host))
        return reject(new Error(`webhook destination ${host} is a private address`));
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
          ...(options.allowPrivateNetworks ? {} : { lookup: publicOnlyLookup as unknown as typeof dns.lookup }),
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

import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';

/*
 * Calls seatd makes on an org's behalf (alert webhooks, OpenID Provider discovery and tokens) go
 * to addresses the org chose. In a seatd shared by many orgs they must not reach inside the network
 * seatd runs in; OUTBOUND_ALLOW_PRIVATE_NETWORKS=true lifts that for a seatd inside one company.
 */

/**
 * Whether an address is on this machine or a private, link-local or otherwise non-public network:
 * where a call made for an org must not reach in a shared seatd (cloud metadata at 169.254.169.254, the
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

/**
 * DNS look-up for outbound connections: with private networks not allowed, a name resolving to a
 * private address is refused at connect time, on the address actually connected to.
 */
function outboundLookup(allowPrivateNetworks: boolean): net.LookupFunction {
  return ((hostname: string, options: dns.LookupOptions, callback: (...args: unknown[]) => void): void => {
    dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err);
      const blocked = allowPrivateNetworks ? undefined : addresses.find((a) => isPrivateAddress(a.address));
      if (blocked || !addresses.length)
        return callback(new Error(`destination ${hostname} resolves to a private address (${blocked?.address ?? 'none'})`));
      if (options.all) return callback(null, addresses);
      return callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  }) as unknown as net.LookupFunction;
}

const agents = new Map<boolean, { http: http.Agent; https: https.Agent }>();

/**
 * Connection pools of their own for outbound calls, one per rule: a kept-alive socket is reused
 * without a new look-up, so a pool must only ever hold sockets opened under the same check.
 */
function outboundAgent(allowPrivateNetworks: boolean, protocol: string): http.Agent {
  let pair = agents.get(allowPrivateNetworks);
  if (!pair) {
    const options = { keepAlive: true, lookup: outboundLookup(allowPrivateNetworks) };
    pair = { http: new http.Agent(options), https: new https.Agent(options) };
    agents.set(allowPrivateNetworks, pair);
  }
  return protocol === 'https:' ? pair.https : pair.http;
}

/** The refusal for a literal private address, which never goes through a DNS look-up. */
function privateLiteral(url: URL): string | undefined {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return net.isIP(host) && isPrivateAddress(host) ? `${host} is a private address` : undefined;
}

/**
 * The fetch of every call made on an org's behalf (alert webhooks, and the OpenID Provider client
 * as openid-client's customFetch), on Node's http(s) with outboundLookup, so private destinations
 * are refused when not allowed. The same code runs either way; only the address check differs.
 * Redirects are never followed.
 */
export function outboundFetch(allowPrivateNetworks: boolean) {
  const lookup = outboundLookup(allowPrivateNetworks);
  return (
    url: string,
    init: { method?: string; headers?: Record<string, string>; body?: unknown; signal?: AbortSignal },
  ): Promise<Response> =>
    new Promise<Response>((resolve, reject) => {
      const target = new URL(url);
      const refused = allowPrivateNetworks ? undefined : privateLiteral(target);
      if (refused) return reject(new Error(`outbound request refused: ${refused}`));
      const body = init.body === undefined || init.body === null ? undefined : String(init.body);
      const request = (target.protocol === 'https:' ? https : http).request(
        target,
        {
          method: init.method ?? 'GET',
          headers: { ...(init.headers ?? {}), ...(body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}) },
          lookup,
          agent: outboundAgent(allowPrivateNetworks, target.protocol),
          ...(init.signal ? { signal: init.signal } : {}),
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (c: Buffer) => chunks.push(c));
          response.on('error', reject);
          response.on('end', () => {
            const status = response.statusCode ?? 0;
            const headers = new Headers();
            for (const [name, value] of Object.entries(response.headers)) {
              if (Array.isArray(value)) for (const v of value) headers.append(name, v);
              else if (value !== undefined) headers.set(name, value);
            }
            resolve(new Response([101, 204, 205, 304].includes(status) ? null : Buffer.concat(chunks), { status, headers }));
          });
        },
      );
      request.on('error', reject);
      request.end(body);
    });
}

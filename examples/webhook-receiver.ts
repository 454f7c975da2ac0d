/*
 * Receives seatd's event webhooks, checks each signature and prints the event:
 *   SEATD_URL=http://localhost:3000 TOKEN=<org owner token> ORG=org_… npx tsx examples/webhook-receiver.ts
 * It listens on PORT (4200), registers itself as an endpoint of the org (every event type) and keeps
 * the signing secret from that answer; with SECRET=whsec_… set instead it only listens (an endpoint
 * registered before). seatd calls a receiver on this machine only when started with
 * OUTBOUND_ALLOW_PRIVATE_NETWORKS=true, as in the README tour.
 *
 * What a receiver must do: check `Seatd-Signature` (HMAC-SHA256 of "<t>.<raw body>" with the secret,
 * and a recent `t`) on the raw bytes before parsing, answer 2xx quickly, and deduplicate on
 * `Seatd-Event-Id`: delivery is at least once, so the same event can arrive twice.
 */
import crypto from 'node:crypto';
import http from 'node:http';

const base = process.env.SEATD_URL ?? 'http://localhost:3000';
const port = Number(process.env.PORT ?? 4200);
const TOLERANCE_SECONDS = 300;

/** `t=<unix seconds>,v1=<hex>`: the MAC must match in constant time and `t` be within the tolerance (a replay otherwise). */
function signatureHolds(secret: string, rawBody: string, header: string | undefined): boolean {
  const fields = new Map((header ?? '').split(',').map((part) => part.split('=', 2) as [string, string]));
  const t = Number(fields.get('t'));
  const given = Buffer.from(fields.get('v1') ?? '', 'hex');
  if (!Number.isInteger(t) || Math.abs(Date.now() / 1000 - t) > TOLERANCE_SECONDS) return false;
  const expected = crypto.createHmac('sha256', secret).update(`${t}.${rawBody}`).digest();
  return given.length === expected.length && crypto.timingSafeEqual(given, expected);
}

async function register(): Promise<string> {
  const { TOKEN: token, ORG: org } = process.env;
  if (!token || !org) throw new Error('set TOKEN and ORG (to register this receiver), or SECRET (to use an endpoint registered before)');
  const res = await fetch(`${base}/api/v1/orgs/${org}/webhooks`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ url: `http://localhost:${port}/seatd`, types: ['*'] }),
  });
  if (!res.ok) throw new Error(`registering failed: ${res.status} ${await res.text()}`);
  const endpoint = (await res.json()) as { id: string; secret: string };
  process.stderr.write(
    `registered webhook ${endpoint.id}; delivery log: GET ${base}/api/v1/orgs/${org}/webhooks/${endpoint.id}/deliveries\n`,
  );
  return endpoint.secret;
}

async function main(): Promise<void> {
  const seen = new Set<string>();
  let secret = process.env.SECRET;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      if (!secret || !signatureHolds(secret, raw, req.headers['seatd-signature'] as string | undefined)) {
        process.stderr.write('refused a request whose signature does not hold\n');
        res.writeHead(400).end();
        return;
      }
      res.writeHead(204).end();
      const id = String(req.headers['seatd-event-id']);
      if (seen.has(id)) return; // at least once: already handled
      seen.add(id);
      const event = JSON.parse(raw) as { type: string; orgId: string; occurredAt: string; data: unknown };
      process.stdout.write(`${event.occurredAt}  ${event.type.padEnd(22)} ${event.orgId}  ${JSON.stringify(event.data).slice(0, 160)}\n`);
    });
  });
  await new Promise<void>((resolve) => server.listen(port, resolve));
  process.stderr.write(`listening on http://localhost:${port}/seatd\n`);
  secret ??= await register();
}

main().catch((err) => {
  process.stderr.write(`webhook-receiver: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});

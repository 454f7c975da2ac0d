import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type Received = { headers: http.IncomingHttpHeaders; body: string };

/**
 * A real HTTP receiver on loopback that answers with the statuses it is told to, in order (the last
 * one from then on), after `delayMs`; `hold` leaves a request unanswered (a delivery in flight).
 */
export async function startReceiver(statuses: number[], options: { hold?: (n: number) => boolean; delayMs?: number } = {}) {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      if (options.hold?.(received.length)) return;
      res.statusCode = statuses[Math.min(received.length - 1, statuses.length - 1)]!;
      setTimeout(() => res.end(), options.delayMs ?? 0);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/seatd`;
  return {
    url,
    received,
    setStatuses: (next: number[]) => statuses.splice(0, statuses.length, ...next),
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** Waits until `done()` holds, polling; fails after `ms`. */
export async function eventually(done: () => boolean, ms = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

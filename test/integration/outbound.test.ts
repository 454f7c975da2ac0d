import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { outboundFetch } from '../../src/net/outbound';
import { createWebhookSender } from '../../src/alerts/webhook';

/** The outbound rule on real connections: what one policy's kept-alive sockets reach, the other's must not. */
describe('outbound calls on behalf of an org', () => {
  let server: http.Server;
  let base: string;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => res.end(JSON.stringify({ method: req.method })));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://localhost:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('allowed, reaches loopback; not allowed, is refused even right after a kept-alive connection to the same host', async () => {
    const allowed = await outboundFetch(true)(`${base}/token`, { method: 'POST', headers: {}, body: 'a=1' });
    expect(allowed.status).toBe(200);
    expect(await allowed.json()).toEqual({ method: 'POST' });
    await expect(outboundFetch(false)(`${base}/token`, { method: 'POST', headers: {}, body: 'a=1' })).rejects.toThrow(/private address/);

    await createWebhookSender(undefined, { allowPrivateNetworks: true })(`${base}/hook`, '{}', 'secret');
    await expect(createWebhookSender()(`${base}/hook`, '{}', 'secret')).rejects.toThrow(/private address/);
  });
});

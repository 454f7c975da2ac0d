import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTestApp, type TestApp } from './testApp';

/** The test app listening on a loopback port, with PUBLIC_URL (the issuer) its real address. */
export async function startSeatd(now = new Date().toISOString()): Promise<TestApp & { url: string; close: () => Promise<void> }> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const t = createTestApp(now, { publicUrl: url });
  server.on('request', t.app);
  return {
    ...t,
    url,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      t.ctx.close();
    },
  };
}

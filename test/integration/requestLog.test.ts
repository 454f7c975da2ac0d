import request from 'supertest';
import { capturedLog } from '../support/capturedLog';
import { createTestApp, type TestApp } from '../support/testApp';

describe('the request log', () => {
  let t: TestApp;
  let log: ReturnType<typeof capturedLog>;
  beforeEach(() => {
    log = capturedLog();
    t = createTestApp(undefined, { logger: log.logger });
  });
  afterEach(() => t.ctx.close());
  const requestLines = () => log.lines().filter((l) => l.msg === 'request');

  it('keeps the X-Request-Id a proxy sent, answers it, and logs it with the request', async () => {
    const res = await request(t.app).get('/healthz').set('X-Request-Id', 'edge-7f3a.1').expect(200);
    expect(res.headers['x-request-id']).toBe('edge-7f3a.1');
    expect(requestLines()).toEqual([expect.objectContaining({ reqId: 'edge-7f3a.1', method: 'GET', url: '/healthz', status: 200 })]);
  });

  it('makes an id when none came, or when what came could forge log lines', async () => {
    const fresh = await request(t.app).get('/healthz').expect(200);
    expect(fresh.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const forged = await request(t.app).get('/healthz').set('X-Request-Id', 'a"b{c}'.repeat(30)).expect(200);
    expect(forged.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(requestLines().map((l) => l.reqId)).toEqual([fresh.headers['x-request-id'], forged.headers['x-request-id']]);
  });
});

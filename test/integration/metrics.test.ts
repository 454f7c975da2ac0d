import request from 'supertest';
import { createApp } from '../../src/app';
import { createLogger } from '../../src/logger';
import { metricsApp, type Metrics } from '../../src/admin/metrics';
import { createTestApp, type TestApp } from '../support/testApp';
import { orgWithToken } from '../support/httpFixtures';

const METRICS_TOKEN = 'metrics-token-0123456789';

describe('GET /metrics', () => {
  let t: TestApp;
  beforeEach(() => {
    t = createTestApp('2026-03-01T09:00:00Z');
  });
  afterEach(() => t.ctx.close());
  const appWith = (config: { metricsToken?: string; trustProxy?: string }) =>
    createApp({ ctx: t.ctx, config: { operatorToken: undefined, publicUrl: t.ctx.publicUrl, ...config }, logger: createLogger('silent') });

  it('serves seats per org and type, refusals and request latencies per area on the separate metrics listener', async () => {
    const { org, orgId, auth } = await orgWithToken(t.app, 'owner', { contract: { seats: { standard: 1, premium: 0 } } });
    await request(t.app)
      .post(`/api/v1/orgs/${orgId}/members`)
      .set(auth)
      .send({ email: `full@${org.domains[0]}` })
      .expect(409); // the owner holds the only seat
    const scraper = metricsApp(t.app.locals.metrics as Metrics);
    const res = await request(scraper).get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.text).toContain(`seatd_seats{org="${orgId}",seat_type="standard",state="purchased"} 1`);
    expect(res.text).toContain(`seatd_seats{org="${orgId}",seat_type="standard",state="assigned"} 1`);
    expect(res.text).toContain(`seatd_seat_refusals{org="${orgId}",path="invite",seat_type="standard"} 1`);
    expect(res.text).toMatch(/seatd_http_request_duration_seconds_count\{area="api",method="POST",status="409"\} 1/);
    await request(scraper).get('/api/v1/openapi.json').expect(404); // that listener serves metrics only
  });

  it('is not served on the main listener without METRICS_TOKEN, whatever address or forwarded address the caller has', async () => {
    // loopback caller (supertest), as every visitor is behind a reverse proxy on the same host
    await request(t.app).get('/metrics').expect(404);
    await request(appWith({ trustProxy: 'loopback' }))
      .get('/metrics')
      .set('X-Forwarded-For', '127.0.0.1')
      .expect(404);
  });

  it('asks for METRICS_TOKEN when one is set', async () => {
    const app = appWith({ metricsToken: METRICS_TOKEN });
    await request(app).get('/metrics').expect(401);
    await request(app).get('/metrics').set('Authorization', 'Bearer wrong-token-0123456789').expect(401);
    await request(app).get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`).expect(200);
  });
});

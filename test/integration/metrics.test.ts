import request from 'supertest';
import { createApp } from '../../src/app';
import { createLogger } from '../../src/logger';
import { createTestApp, type TestApp } from '../support/testApp';
import { orgWithToken } from '../support/httpFixtures';

describe('GET /metrics', () => {
  let t: TestApp;
  beforeEach(() => {
    t = createTestApp('2026-03-01T09:00:00Z');
  });
  afterEach(() => t.ctx.close());

  it('serves seats per org and type, refusals and request latencies per area to loopback', async () => {
    const { org, orgId, auth } = await orgWithToken(t.app, 'owner', { contract: { seats: { standard: 1, premium: 0 } } });
    await request(t.app)
      .post(`/api/v1/orgs/${orgId}/members`)
      .set(auth)
      .send({ email: `full@${org.domains[0]}` })
      .expect(409); // the owner holds the only seat
    const res = await request(t.app).get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.text).toContain(`seatd_seats{org="${orgId}",seat_type="standard",state="purchased"} 1`);
    expect(res.text).toContain(`seatd_seats{org="${orgId}",seat_type="standard",state="assigned"} 1`);
    expect(res.text).toContain(`seatd_seat_refusals{org="${orgId}",path="invite",seat_type="standard"} 1`);
    expect(res.text).toMatch(/seatd_http_request_duration_seconds_count\{area="api",method="POST",status="409"\} 1/);
  });

  it('asks for METRICS_TOKEN when one is set', async () => {
    const app = createApp({
      ctx: t.ctx,
      config: { operatorToken: undefined, publicUrl: t.ctx.publicUrl, metricsToken: 'metrics-token-0123456789' },
      logger: createLogger('silent'),
    });
    await request(app).get('/metrics').expect(401);
    await request(app).get('/metrics').set('Authorization', 'Bearer metrics-token-0123456789').expect(200);
  });
});

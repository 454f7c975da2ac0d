import express, { Router as createRouter, type Express, type RequestHandler, type Router } from 'express';
import client from 'prom-client';
import { count } from 'drizzle-orm';
import { seatPools, seatRefusals } from '../../db/schema';
import type { DomainContext } from '../domain/context';
import { digestsEqual, sha256Hex } from '../domain/ids';
import { bearerToken } from './auth';

/** Which part of seatd a request belongs to, as a low-cardinality label. */
function areaOf(path: string): string {
  if (path.startsWith('/scim/')) return 'scim';
  if (path.startsWith('/sso/')) return 'sso';
  if (path.startsWith('/api/')) return 'api';
  if (path.startsWith('/console')) return 'console';
  return 'other';
}

export type Metrics = { registry: client.Registry; observeRequests: RequestHandler; router: Router; serve: RequestHandler };

/**
 * Prometheus metrics: seats per org and type and refusals read from the database at scrape time,
 * plus request counts and latencies per area. They list every org, so the main listener serves
 * them only to a METRICS_TOKEN bearer; without one they are served only on the separate
 * METRICS_PORT listener (see metricsApp). Never decided by the caller's address: behind a proxy on
 * the same host every visitor looks like loopback.
 */
export function createMetrics(ctx: DomainContext, metricsToken: string | undefined): Metrics {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry });
  new client.Gauge({
    name: 'seatd_seats',
    help: 'Seats per organization, seat type and state (purchased, assigned)',
    labelNames: ['org', 'seat_type', 'state'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const p of await ctx.db.select().from(seatPools)) {
        this.set({ org: p.orgId, seat_type: p.seatType, state: 'purchased' }, p.purchased);
        this.set({ org: p.orgId, seat_type: p.seatType, state: 'assigned' }, p.assigned);
      }
    },
  });
  new client.Gauge({
    name: 'seatd_seat_refusals',
    help: 'People refused for lack of a seat, per organization, path and seat type, since the database was created',
    labelNames: ['org', 'path', 'seat_type'],
    registers: [registry],
    async collect() {
      this.reset();
      const rows = await ctx.db
        .select({ orgId: seatRefusals.orgId, path: seatRefusals.path, seatType: seatRefusals.seatType, n: count() })
        .from(seatRefusals)
        .groupBy(seatRefusals.orgId, seatRefusals.path, seatRefusals.seatType);
      for (const r of rows) this.set({ org: r.orgId, path: r.path, seat_type: r.seatType }, r.n);
    },
  });
  const duration = new client.Histogram({
    name: 'seatd_http_request_duration_seconds',
    help: 'HTTP requests by area (scim, sso, api, console), method and status',
    labelNames: ['area', 'method', 'status'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });

  const observeRequests: RequestHandler = (req, res, next) => {
    const end = duration.startTimer();
    res.on('finish', () => end({ area: areaOf(req.originalUrl), method: req.method, status: String(res.statusCode) }));
    next();
  };

  const serve: RequestHandler = async (_req, res) => {
    res.type(registry.contentType).send(await registry.metrics());
  };
  const router = createRouter();
  if (metricsToken) {
    const expected = sha256Hex(metricsToken);
    router.get(
      '/metrics',
      (req, res, next) => {
        const presented = bearerToken(req);
        if (presented && digestsEqual(sha256Hex(presented), expected)) return next();
        res.set('WWW-Authenticate', 'Bearer realm="seatd-metrics"');
        res.status(401).type('text/plain').send('metrics need the METRICS_TOKEN bearer token\n');
      },
      serve,
    );
  }
  return { registry, observeRequests, router, serve };
}

/** The separate metrics listener (METRICS_PORT, on METRICS_HOST): /metrics and nothing else, for a scraper on a private network. */
export function metricsApp(metrics: Metrics): Express {
  const app = express();
  app.disable('x-powered-by');
  app.get('/metrics', metrics.serve);
  app.use((_req, res) => void res.status(404).type('text/plain').send('only /metrics is served here\n'));
  return app;
}

import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { createTestApp, type TestApp } from '../support/testApp';
import { orgWithToken } from '../support/httpFixtures';

type Step = {
  name: string;
  request: { method: string; path: string; body?: unknown };
  expect: { status: number; body?: unknown; absent?: string[] };
  absent?: string[];
  capture?: Record<string, string>;
  seats?: Record<string, Record<string, number>>;
};
type Replay = { source: string; setup?: Step[]; steps: Step[] };

const DIR = path.join(__dirname, '..', 'scim', 'fixtures');
const replays = fs
  .readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .sort();

function fill<T>(value: T, vars: Record<string, string>): T {
  return JSON.parse(
    JSON.stringify(value).replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
      if (!(name in vars)) throw new Error(`fixture uses {{${name}}} before it is captured`);
      return vars[name]!;
    }),
  ) as T;
}

/** Replays the documented request sequences of Okta's and Microsoft's SCIM clients (test/scim/fixtures). */
describe.each(replays)('SCIM replay %s', (file) => {
  const replay = JSON.parse(fs.readFileSync(path.join(DIR, file), 'utf8')) as Replay;
  let t: TestApp;
  let vars: Record<string, string>;
  let scim: Record<string, string>;
  let admin: Record<string, string>;
  let orgId: string;

  beforeAll(async () => {
    t = createTestApp('2026-03-01T09:00:00Z');
    const created = await orgWithToken(t.app, 'owner', { provisioningMode: 'scim', contract: { seats: { standard: 5, premium: 0 } } });
    orgId = created.orgId;
    admin = created.auth;
    const token = await request(t.app).post(`/api/v1/orgs/${orgId}/scim-tokens`).set(admin).send({ label: file }).expect(201);
    scim = { Authorization: `Bearer ${token.body.token}`, 'Content-Type': 'application/scim+json', 'User-Agent': 'replay' };
    vars = { domain: created.org.domains[0] };
    for (const step of replay.setup ?? []) await run(step);
  });
  afterAll(() => t.ctx.close());

  async function run(step: Step) {
    const req = fill(step.request, vars);
    const call = (request(t.app) as unknown as Record<string, (p: string) => request.Test>)[req.method.toLowerCase()]!(req.path).set(scim);
    const res = req.body === undefined ? await call : await call.send(req.body as object);
    expect({ step: step.name, status: res.status }).toEqual({ step: step.name, status: step.expect.status });
    if (step.expect.body !== undefined) expect(res.body).toMatchObject(fill(step.expect.body, vars) as object);
    for (const attribute of [...(step.expect.absent ?? []), ...(step.absent ?? [])]) expect(res.body).not.toHaveProperty(attribute);
    for (const [name, field] of Object.entries(step.capture ?? {})) vars[name] = String(res.body[field]);
    if (step.seats) {
      const seats = await request(t.app).get(`/api/v1/orgs/${orgId}/seats`).set(admin).expect(200);
      expect(seats.body).toMatchObject(step.seats);
    }
  }

  it(`follows ${replay.source}`, async () => {
    for (const step of replay.steps) await run(step);
  });
});

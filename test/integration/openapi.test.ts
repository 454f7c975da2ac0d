import request from 'supertest';
import { createTestApp, type TestApp } from '../support/testApp';
import { orgWithToken, SEED_CHANGE } from '../support/httpFixtures';

type Doc = {
  paths: Record<string, Record<string, unknown>>;
  components: { schemas: Record<string, { required?: string[]; properties?: Record<string, { type?: string | string[] }> }> };
};

/** Checks the required properties of a documented schema exist with the documented JSON type. */
function conforms(doc: Doc, schemaName: string, value: Record<string, unknown>): string[] {
  const schema = doc.components.schemas[schemaName]!;
  const problems: string[] = [];
  for (const key of schema.required ?? []) {
    if (!(key in value)) problems.push(`${schemaName}.${key} missing`);
    const type = schema.properties?.[key]?.type;
    const actual = Array.isArray(value[key])
      ? 'array'
      : value[key] === null
        ? 'null'
        : Number.isInteger(value[key])
          ? 'integer'
          : typeof value[key];
    const allowed = type === undefined ? [] : Array.isArray(type) ? type : [type];
    if (allowed.length && !allowed.includes(actual) && !(actual === 'integer' && allowed.includes('number')))
      problems.push(`${schemaName}.${key} is ${actual}, documented ${allowed}`);
  }
  return problems;
}

describe('the OpenAPI document', () => {
  let t: TestApp;
  let doc: Doc;
  beforeAll(async () => {
    t = createTestApp('2026-03-01T09:00:00Z', { authFailuresPerMinute: 1000 });
    doc = (await request(t.app).get('/api/v1/openapi.json').expect(200)).body;
  });
  afterAll(() => t.ctx.close());

  it('documents only routes that exist: each answers 401 without credentials, not the 404 of an unknown route', async () => {
    const calls = Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods).map((method) => [method, path] as const));
    expect(calls.length).toBeGreaterThan(25);
    for (const [method, path] of calls) {
      const concrete = path.replace('{org}', 'org_00000000000000000000').replace('{id}', 'x_1');
      const res = await (request(t.app) as unknown as Record<string, (p: string) => request.Test>)[method]!(concrete);
      expect([method, path, res.status]).toEqual([method, path, path === '/healthz' ? 200 : 401]);
    }
  });

  it('describes the real quote and invoice of the seed example', async () => {
    const { orgId, auth } = await orgWithToken(t.app);
    const quote = await request(t.app).post(`/api/v1/orgs/${orgId}/seats/quote`).set(auth).send(SEED_CHANGE).expect(200);
    expect(conforms(doc, 'Quote', quote.body)).toEqual([]);
    for (const line of quote.body.lines) expect(conforms(doc, 'Line', line)).toEqual([]);
    const bought = await request(t.app)
      .post(`/api/v1/orgs/${orgId}/seats/purchases`)
      .set(auth)
      .set('Idempotency-Key', 'doc')
      .send(SEED_CHANGE)
      .expect(201);
    expect(conforms(doc, 'Invoice', bought.body.invoice)).toEqual([]);
    const seats = await request(t.app).get(`/api/v1/orgs/${orgId}/seats`).set(auth).expect(200);
    expect(conforms(doc, 'SeatUsage', seats.body)).toEqual([]);
    const problem = await request(t.app)
      .post(`/api/v1/orgs/${orgId}/seats/quote`)
      .set(auth)
      .send({ add: { standard: -1 } })
      .expect(400);
    expect(conforms(doc, 'Problem', problem.body)).toEqual([]);
  });
});

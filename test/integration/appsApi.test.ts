import { execFile } from 'node:child_process';
import path from 'node:path';
import request from 'supertest';
import { createTestApp, type TestApp } from '../support/testApp';
import { operator, orgWithToken } from '../support/httpFixtures';
import { queryRows } from '../support/dbRows';
import { postgresOf } from '../../db/postgresDomainDb';

const ROOT = path.join(__dirname, '..', '..');

/** POST|GET /api/v1/apps, DELETE /api/v1/apps/{clientId} and `seatd app …`: the operator registers the vendor's applications. */
describe('the applications API', () => {
  let t: TestApp;
  beforeEach(() => {
    t = createTestApp();
  });
  afterEach(() => t.ctx.close());

  const body = {
    name: 'Vendor app',
    redirectUris: ['https://app.vendor.example/callback'],
    postLogoutRedirectUris: ['https://app.vendor.example/'],
  };

  it('registers an app, shows its secret once and keeps only a hash of it', async () => {
    const created = await request(t.app).post('/api/v1/apps').set(operator).send(body).expect(201);
    expect(created.body).toMatchObject({ clientId: expect.stringMatching(/^app_/), clientSecret: expect.any(String), ...body });
    expect(created.headers.location).toBe(`/api/v1/apps/${created.body.clientId}`);
    const listed = await request(t.app).get('/api/v1/apps').set(operator).expect(200);
    expect(listed.body).toEqual([{ clientId: created.body.clientId, createdAt: expect.any(String), ...body }]);
    const stored = JSON.stringify(await queryRows(t.ctx.db, 'SELECT * FROM apps'));
    expect(stored).not.toContain(created.body.clientSecret);
  });

  it('deletes an app once, and answers problem+json for what it cannot do', async () => {
    const { clientId } = (await request(t.app).post('/api/v1/apps').set(operator).send(body).expect(201)).body;
    await request(t.app).delete(`/api/v1/apps/${clientId}`).set(operator).expect(204);
    const again = await request(t.app).delete(`/api/v1/apps/${clientId}`).set(operator).expect(404);
    expect(again.headers['content-type']).toMatch(/application\/problem\+json/);
    const invalid = await request(t.app)
      .post('/api/v1/apps')
      .set(operator)
      .send({ name: '', redirectUris: ['not a url', 'https://x.example/cb#frag'] })
      .expect(400);
    expect(invalid.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['name', 'redirectUris.0', 'redirectUris.1']);
  });

  it('is for the operator only', async () => {
    const { auth } = await orgWithToken(t.app, 'owner');
    await request(t.app).get('/api/v1/apps').expect(401);
    await request(t.app).post('/api/v1/apps').set(auth).send(body).expect(401);
  });

  it('is in the OpenAPI document', async () => {
    const doc = (await request(t.app).get('/api/v1/openapi.json').expect(200)).body;
    expect(Object.keys(doc.paths['/api/v1/apps']).sort()).toEqual(['get', 'post']);
    expect(Object.keys(doc.paths['/api/v1/apps/{clientId}'])).toEqual(['delete']);
  });

  it('`seatd app create|list|delete` works on the same database', async () => {
    t.ctx.groupCommit?.flush();
    // the test's own database: its SQLite file, or (in the PostgreSQL pass) the fresh PostgreSQL database it runs on
    const postgres = postgresOf(t.ctx.db);
    const database = postgres ? { DATABASE_URL: (await postgres.ready).options.connectionString! } : { DATABASE_PATH: t.ctx.dbFile };
    const seatd = (...args: string[]) =>
      new Promise<{ code: number; stdout: string }>((resolve) =>
        execFile(
          process.execPath,
          ['bin/seatd.js', ...args],
          { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'silent', ...database, OUTBOX_DIR: t.ctx.outboxDir } },
          (err, stdout) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout }),
        ),
      );
    const created = await seatd('app', 'create', '--name', 'CLI app', '--redirect-uri', 'http://localhost:4000/callback');
    expect(created.code).toBe(0);
    const { clientId, clientSecret } = JSON.parse(created.stdout);
    expect(clientSecret).toEqual(expect.any(String));
    expect((await request(t.app).get('/api/v1/apps').set(operator).expect(200)).body.map((a: { clientId: string }) => a.clientId)).toEqual([
      clientId,
    ]);
    expect(JSON.parse((await seatd('app', 'list')).stdout)[0]).not.toHaveProperty('clientSecret');
    expect((await seatd('app', 'delete', clientId)).code).toBe(0);
    expect((await seatd('app', 'delete', clientId)).code).toBe(2);
  });
});

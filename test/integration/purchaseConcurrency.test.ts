import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { createTestApp, type TestApp } from '../support/testApp';
import { orgWithToken, SEED_CHANGE } from '../support/httpFixtures';
import { runWorkers } from '../support/runWorkers';
import { checkLedgerConsistency, getSeatUsage } from '../../src/domain/ledger/ledger';

describe('concurrent purchases', () => {
  let t: TestApp;
  let server: Server;
  let base: string;
  beforeEach(async () => {
    t = createTestApp('2026-03-01T09:00:00Z');
    server = await new Promise<Server>((resolve) => {
      const s = t.app.listen(0, '127.0.0.1', () => resolve(s));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    await new Promise<void>((r) => server.close(() => r()));
    t.ctx.close();
  });

  const invoiceCount = (orgId: string) =>
    (t.ctx.db.$client.prepare('SELECT count(*) AS n FROM invoices WHERE org_id = ?').get(orgId) as { n: number }).n;

  it('turns 50 parallel HTTP confirms with one Idempotency-Key into exactly one invoice', async () => {
    const { orgId, auth } = await orgWithToken(t.app);
    const started = Date.now();
    const responses = await Promise.all(
      Array.from({ length: 50 }, () =>
        request(base).post(`/api/v1/orgs/${orgId}/seats/purchases`).set(auth).set('Idempotency-Key', 'same').send(SEED_CHANGE),
      ),
    );
    console.log(`50 parallel HTTP confirms, one key: ${Date.now() - started} ms`);
    expect(responses.filter((r) => r.status === 201)).toHaveLength(1);
    expect(responses.filter((r) => r.status === 200)).toHaveLength(49);
    expect(new Set(responses.map((r) => r.body.invoice.id)).size).toBe(1);
    expect(invoiceCount(orgId)).toBe(1);
    expect((await getSeatUsage(t.ctx, orgId)).standard.purchased).toBe(95);
    expect((await getSeatUsage(t.ctx, orgId)).premium.purchased).toBe(10);
  });

  it('turns 20 parallel purchases with different keys into 20 gapless invoices', async () => {
    const { orgId, auth } = await orgWithToken(t.app);
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        request(base)
          .post(`/api/v1/orgs/${orgId}/seats/purchases`)
          .set(auth)
          .set('Idempotency-Key', `k${i}`)
          .send({ add: { standard: 1, premium: 0 } }),
      ),
    );
    expect(responses.every((r) => r.status === 201)).toBe(true);
    const numbers = responses.map((r) => r.body.invoice.number).sort();
    expect(numbers).toEqual(Array.from({ length: 20 }, (_, i) => `INV-2026-${String(i + 1).padStart(6, '0')}`));
    expect((await getSeatUsage(t.ctx, orgId)).standard.purchased).toBe(120);
    expect((await checkLedgerConsistency(t.ctx, orgId)).ok).toBe(true);
  });

  it('holds across processes: 5 processes × 10 confirms with one key on one SQLite file → one invoice', async () => {
    const { orgId } = await orgWithToken(t.app);
    const change = { add: SEED_CHANGE.add, upgrade: SEED_CHANGE.upgrade };
    const started = Date.now();
    const outcomes = (
      await runWorkers(
        Array.from({ length: 5 }, () => ({
          op: 'confirm',
          dbFile: t.ctx.dbFile,
          now: '2026-03-01T09:00:00Z',
          orgId,
          change,
          key: 'multi',
          times: 10,
        })),
      )
    ).flat();
    console.log(`5 processes × 10 confirms, one key: ${Date.now() - started} ms`);
    expect(outcomes.filter((o) => o === 'created')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'replayed')).toHaveLength(49);
    expect(invoiceCount(orgId)).toBe(1);
    expect((await checkLedgerConsistency(t.ctx, orgId)).ok).toBe(true);
  });
});

import {
  checkLedgerConsistency,
  confirmSeatChange,
  getSeatUsage,
  listInvoices,
  quoteRenewal,
  quoteSeatChange,
  assignSeat,
} from '../../src/domain/ledger/ledger';
import { Conflict, Invalid, NoSeatAvailable } from '../../src/domain/errors';
import { listAudit } from '../../src/domain/audit/auditLog';
import { createSeedOrg, createTestContext, type TestContext } from '../support/testContext';
import { snapshot } from '../support/dbCounts';
import { execute } from '../support/dbRows';

const seed = { add: { standard: 5, premium: 0 }, upgrade: { standardToPremium: 10 } };

describe('the seat ledger on a real database', () => {
  let ctx: TestContext;
  let orgId: string;
  beforeEach(async () => {
    ctx = createTestContext('2026-03-01T09:00:00Z');
    orgId = (await createSeedOrg(ctx)).id;
  });
  afterEach(() => ctx.close());

  it('starts with the contract seats, the primary owner holding one', async () => {
    expect(await getSeatUsage(ctx, orgId)).toEqual({
      standard: { purchased: 100, assigned: 1, available: 99 },
      premium: { purchased: 0, assigned: 0, available: 0 },
      term: { start: '2026-01-01', end: '2026-12-31' },
    });
  });

  it('quotes without storing anything, defaulting the date to today', async () => {
    const before = await snapshot(ctx.db);
    const quote = await quoteSeatChange(ctx, orgId, seed);
    expect(quote.effectiveDate).toBe('2026-03-01');
    expect(quote.total).toBe(450000);
    expect(await snapshot(ctx.db)).toEqual(before);
  });

  it('confirms the seed change as one invoice of two lines, with ledger entries, pools and an audit entry', async () => {
    const before = await snapshot(ctx.db);
    const { invoice, replayed } = await confirmSeatChange(ctx, orgId, seed, {
      effectiveDate: '2026-03-01',
      idempotencyKey: 'k1',
      actor: 'test',
    });
    expect(replayed).toBe(false);
    expect(invoice).toMatchObject({
      number: 'INV-2026-000001',
      currency: 'USD',
      total: 450000,
      remainingMonths: 10,
      effectiveDate: '2026-03-01',
    });
    expect(invoice.lines.map((l) => [l.kind, l.quantity, l.amount])).toEqual([
      ['add_standard', 5, 150000],
      ['upgrade_standard_to_premium', 10, 300000],
    ]);
    const after = await snapshot(ctx.db);
    expect(after.invoices - before.invoices).toBe(1);
    expect(after.invoice_lines - before.invoice_lines).toBe(2);
    expect(after.seat_ledger_entries - before.seat_ledger_entries).toBe(3); // +5 std, −10 std, +10 premium
    expect((await getSeatUsage(ctx, orgId)).standard.purchased).toBe(95);
    expect((await getSeatUsage(ctx, orgId)).premium.purchased).toBe(10);
    expect((await checkLedgerConsistency(ctx, orgId)).ok).toBe(true);
    expect((await listAudit(ctx.db, orgId, { limit: 1 }))[0]).toMatchObject({
      action: 'seats.purchase',
      actor: 'test',
      outcome: 'success',
      target: 'INV-2026-000001',
    });
  });

  it('answers a replay with the first invoice and refuses the same key for another change', async () => {
    const first = await confirmSeatChange(ctx, orgId, seed, { effectiveDate: '2026-03-01', idempotencyKey: 'k1', actor: 'test' });
    const before = await snapshot(ctx.db);
    const again = confirmSeatChange(ctx, orgId, seed, { effectiveDate: '2026-03-01', idempotencyKey: 'k1', actor: 'test' });
    expect(await again).toEqual({ invoice: first.invoice, replayed: true });
    expect(await snapshot(ctx.db)).toEqual(before);
    await expect(
      confirmSeatChange(
        ctx,
        orgId,
        { ...seed, add: { standard: 6, premium: 0 } },
        { effectiveDate: '2026-03-01', idempotencyKey: 'k1', actor: 'test' },
      ),
    ).rejects.toThrow(expect.objectContaining({ code: 'idempotency-key-reused' }));
    expect(await snapshot(ctx.db)).toEqual(before);
  });

  it('numbers invoices in sequence', async () => {
    const a = await confirmSeatChange(
      ctx,
      orgId,
      { add: { standard: 1, premium: 0 }, upgrade: { standardToPremium: 0 } },
      { idempotencyKey: 'a', actor: 't' },
    );
    const b = await confirmSeatChange(
      ctx,
      orgId,
      { add: { standard: 0, premium: 1 }, upgrade: { standardToPremium: 0 } },
      { idempotencyKey: 'b', actor: 't' },
    );
    expect([a.invoice.number, b.invoice.number]).toEqual(['INV-2026-000001', 'INV-2026-000002']);
    expect((await listInvoices(ctx, orgId)).map((i) => i.number).sort()).toEqual(['INV-2026-000001', 'INV-2026-000002']);
  });

  it('refuses a purchase dated in the future but quotes it', async () => {
    expect((await quoteSeatChange(ctx, orgId, seed, '2026-12-01')).remainingMonths).toBe(1);
    await expect(confirmSeatChange(ctx, orgId, seed, { effectiveDate: '2026-03-02', idempotencyKey: 'f', actor: 't' })).rejects.toThrow(
      Invalid,
    );
  });

  it('leaves nothing behind when a confirm fails', async () => {
    const before = await snapshot(ctx.db);
    await expect(
      confirmSeatChange(
        ctx,
        orgId,
        { add: { standard: 0, premium: 0 }, upgrade: { standardToPremium: 100 } },
        { idempotencyKey: 'x', actor: 't' },
      ),
    ).rejects.toThrow(Conflict);
    expect(await snapshot(ctx.db)).toEqual(before);
  });

  it('keeps invoices, their lines, ledger entries and the audit log immutable in the database itself', async () => {
    await confirmSeatChange(ctx, orgId, seed, { effectiveDate: '2026-03-01', idempotencyKey: 'k1', actor: 'test' });
    for (const sql of [
      'UPDATE invoices SET total_amount = 1',
      'DELETE FROM invoices',
      'UPDATE invoice_lines SET amount = 1',
      'DELETE FROM invoice_lines',
      'UPDATE seat_ledger_entries SET purchased_delta = 0',
      'DELETE FROM seat_ledger_entries',
      "UPDATE audit_log SET actor = 'x'",
      'DELETE FROM audit_log',
    ]) {
      // matched on the message: better-sqlite3's SqliteError is not always an Error to jest's toThrow (in worker processes)
      await expect(execute(ctx.db, sql)).rejects.toMatchObject({ message: expect.stringMatching(/immutable|append-only/) });
    }
  });

  it('keeps assigned within purchased, in the domain and in the database', async () => {
    // SQLite: "CHECK constraint failed: seat_pools_assigned_within_purchased"; PostgreSQL: "… violates check constraint "seat_pools_assigned_within_purchased""
    await expect(
      execute(ctx.db, "UPDATE seat_pools SET assigned = purchased + 1 WHERE org_id = ? AND seat_type = 'standard'", orgId),
    ).rejects.toMatchObject({ message: expect.stringMatching(/check constraint.*seat_pools_assigned_within_purchased/i) });
    await expect(assignSeat(ctx.db, orgId, 'premium')).rejects.toThrow(NoSeatAvailable);
  });

  it('quotes the renewal from the seats in use, at full price', async () => {
    await confirmSeatChange(ctx, orgId, seed, { effectiveDate: '2026-03-01', idempotencyKey: 'k1', actor: 'test' });
    expect(await quoteRenewal(ctx, orgId)).toEqual({
      autoRenew: true,
      currency: 'USD',
      currentTermEnd: '2026-12-31',
      nextTerm: { start: '2027-01-01', end: '2027-12-31' },
      seats: { standard: 1, premium: 0 },
      lines: [
        {
          kind: 'renew_standard',
          seatType: 'standard',
          quantity: 1,
          unitAmount: 36000,
          amount: 36000,
          description: 'Standard seat × 1, full term',
        },
      ],
      total: 36000,
    });
  });
});

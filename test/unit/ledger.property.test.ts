import fc from 'fast-check';
import { checkLedgerConsistency, confirmSeatChange, getSeatUsage, listInvoices } from '../../src/domain/ledger/ledger';
import { prorateAmount } from '../../src/domain/ledger/proration';
import { DomainError } from '../../src/domain/errors';
import { admitSsoUser } from '../../src/domain/provisioning/admission';
import { removeMember } from '../../src/domain/provisioning/memberChanges';
import { updateProvisioningSettings } from '../../src/domain/provisioning/settings';
import { createSeedOrg, createTestContext, type TestContext } from '../support/testContext';
import { seatHoldersByType } from '../support/dbCounts';

type Step =
  | { kind: 'purchase'; standard: number; premium: number; upgrade: number; day: number }
  | { kind: 'replay'; pick: number; tamper: boolean }
  | { kind: 'admit'; premium: boolean }
  | { kind: 'remove'; pick: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    kind: fc.constant('purchase' as const),
    standard: fc.integer({ min: -2, max: 6 }),
    premium: fc.integer({ min: -1, max: 4 }),
    upgrade: fc.integer({ min: -1, max: 6 }),
    day: fc.integer({ min: 0, max: 59 }),
  }),
  fc.record({ kind: fc.constant('replay' as const), pick: fc.nat(), tamper: fc.boolean() }),
  fc.record({ kind: fc.constant('admit' as const), premium: fc.boolean() }),
  fc.record({ kind: fc.constant('remove' as const), pick: fc.nat() }),
);

describe('ledger invariants under any sequence of changes (fast-check)', () => {
  let ctx: TestContext;
  beforeAll(() => {
    ctx = createTestContext('2026-03-01T09:00:00Z');
  });
  afterAll(() => ctx.close());

  it('never lowers the total, keeps assigned ≤ purchased, totals = sum of lines, replays add nothing, pools = ledger', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 25 }), async (steps) => {
        run++;
        const org = await createSeedOrg(ctx, { provisioningMode: 'jit', contract: { seats: { standard: 3, premium: 1 } } });
        await updateProvisioningSettings(
          ctx,
          org.id,
          { mode: 'jit', groupSeatTypes: { premium: 'premium' } },
          { actor: 'prop', role: 'owner' },
        );
        const domain = org.domains[0]!;
        const keys: { key: string; change: Parameters<typeof confirmSeatChange>[2]; date: string }[] = [];
        const members: string[] = [];
        let total = 4;
        let n = 0;
        for (const s of steps) {
          n++;
          const invoicesBefore = (await listInvoices(ctx, org.id)).length;
          try {
            if (s.kind === 'purchase') {
              const change = { add: { standard: s.standard, premium: s.premium }, upgrade: { standardToPremium: s.upgrade } };
              const date = new Date(Date.UTC(2026, 0, 1 + s.day)).toISOString().slice(0, 10);
              const key = `r${run}-k${n}`;
              await confirmSeatChange(ctx, org.id, change, { effectiveDate: date, idempotencyKey: key, actor: 'prop' });
              keys.push({ key, change, date });
            } else if (s.kind === 'replay' && keys.length) {
              const k = keys[s.pick % keys.length]!;
              const change = s.tamper ? { ...k.change, add: { ...k.change.add, standard: k.change.add.standard + 1 } } : k.change;
              const { replayed } = await confirmSeatChange(ctx, org.id, change, {
                effectiveDate: k.date,
                idempotencyKey: k.key,
                actor: 'prop',
              });
              expect(replayed).toBe(true);
            } else if (s.kind === 'admit') {
              const { member } = await admitSsoUser(ctx, org.id, { email: `u${n}@${domain}`, groups: s.premium ? ['premium'] : [] });
              members.push(member.id);
            } else if (s.kind === 'remove' && members.length) {
              await removeMember(ctx, org.id, members.splice(s.pick % members.length, 1)[0]!, { actor: 'prop', role: 'owner' });
            }
          } catch (err) {
            if (!(err instanceof DomainError)) throw err;
          }
          const usage = await getSeatUsage(ctx, org.id);
          const newTotal = usage.standard.purchased + usage.premium.purchased;
          expect(newTotal).toBeGreaterThanOrEqual(total);
          total = newTotal;
          for (const t of ['standard', 'premium'] as const) {
            expect(usage[t].assigned).toBeLessThanOrEqual(usage[t].purchased);
            expect(usage[t].assigned).toBe((await seatHoldersByType(ctx.db, org.id))[t] ?? 0);
          }
          const invoices = await listInvoices(ctx, org.id);
          expect(invoices.length - invoicesBefore).toBeLessThanOrEqual(s.kind === 'purchase' ? 1 : 0);
          for (const inv of invoices) expect(inv.total).toBe(inv.lines.reduce((sum, l) => sum + l.amount, 0));
          expect((await checkLedgerConsistency(ctx, org.id)).ok).toBe(true);
        }
      }),
      { numRuns: 60 },
    );
  }, 120_000); // 60 runs of up to 25 changes: on PostgreSQL each is a dozen round trips, over 30 s on a loaded CI machine

  it('prorates like an independent rational computation, rounded half up', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100_000 }),
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.integer({ min: 1, max: 12 }),
        (q, price, months) => {
          const numerator = BigInt(q) * BigInt(price) * BigInt(months);
          const whole = numerator / 12n;
          const remainder = numerator % 12n;
          const expected = remainder * 2n >= 12n ? whole + 1n : whole;
          expect(prorateAmount(q, price, months)).toBe(Number(expected));
        },
      ),
      { numRuns: 500 },
    );
  });
});

import { listAlerts } from '../../src/domain/alerts/alerts';
import { listAudit } from '../../src/domain/audit/auditLog';
import { NoSeatAvailable, Invalid } from '../../src/domain/errors';
import { checkLedgerConsistency, confirmSeatChange, getSeatUsage, listInvoices, quoteSeatChange } from '../../src/domain/ledger/ledger';
import { overdueContracts, renewDueContracts } from '../../src/domain/renewal/renewal';
import { verifyLedgers } from '../../src/domain/ledger/verify';
import { setMemberActive } from '../../src/domain/provisioning/memberChanges';
import { provisionScimUser } from '../../src/domain/provisioning/scimProvisioning';
import { createSeedOrg, createTestContext, type TestContext } from '../support/testContext';

/*
 * The seed contract: term 1 January – 31 December 2026, Standard 360.00 and Premium 720.00 a
 * year (USD cents), auto-renewing; the primary owner's invitation holds one Standard seat.
 */
describe('contract renewal at the end of the term', () => {
  let ctx: TestContext;
  afterEach(() => ctx.close());

  const owner = { actor: 'owner', role: 'owner' as const };
  const provision = (orgId: string, domain: string, name: string, seatType: 'standard' | 'premium' = 'standard') =>
    provisionScimUser(ctx, orgId, { email: `${name}@${domain}`, active: true, seatType }, 'scim:test');

  it('renews with the seats in use at the end of the term, invoiced at once for the full term', async () => {
    ctx = createTestContext('2026-03-01T09:00:00Z');
    const org = await createSeedOrg(ctx, { provisioningMode: 'scim' });
    const domain = org.domains[0]!;
    await confirmSeatChange(
      ctx,
      org.id,
      { add: { standard: 0, premium: 5 }, upgrade: { standardToPremium: 0 } },
      { idempotencyKey: 'k1', actor: 'owner' },
    );
    const members = await Promise.all(Array.from({ length: 29 }, (_, i) => provision(org.id, domain, `s${i}`)));
    for (let i = 0; i < 3; i++) await provision(org.id, domain, `p${i}`, 'premium');
    await setMemberActive(ctx, org.id, members[0]!.id, false, owner); // a leaver frees a seat before the end
    // 28 provisioned + the owner's pending invitation, which runs out on 22 March without being accepted
    expect(await getSeatUsage(ctx, org.id)).toMatchObject({
      standard: { purchased: 100, assigned: 29 },
      premium: { purchased: 5, assigned: 3 },
    });

    ctx.clock.set('2026-12-31T23:59:00Z');
    expect(await renewDueContracts(ctx)).toEqual([]);

    ctx.clock.set('2027-01-01T00:01:00Z');
    const [renewal, ...more] = await renewDueContracts(ctx);
    expect(more).toEqual([]);
    expect(renewal).toMatchObject({
      orgId: org.id,
      term: { start: '2027-01-01', end: '2027-12-31' },
      seats: { standard: 28, premium: 3 },
      invoice: { number: 'INV-2027-000001', total: 28 * 36000 + 3 * 72000, currency: 'USD' },
    });
    const invoice = (await listInvoices(ctx, org.id)).find((i) => i.number === 'INV-2027-000001')!;
    expect(invoice).toMatchObject({ effectiveDate: '2027-01-01', remainingMonths: 12, total: 1_224_000 });
    expect(invoice.lines).toEqual([
      expect.objectContaining({ kind: 'renew_standard', quantity: 28, unitAmount: 36000, amount: 1_008_000 }),
      expect.objectContaining({ kind: 'renew_premium', quantity: 3, unitAmount: 72000, amount: 216_000 }),
    ]);

    // unused seats (and the expired invitation's) are not renewed; the ledger still explains every pool
    expect(await getSeatUsage(ctx, org.id)).toEqual({
      standard: { purchased: 28, assigned: 28, available: 0 },
      premium: { purchased: 3, assigned: 3, available: 0 },
      term: { start: '2027-01-01', end: '2027-12-31' },
    });
    expect((await checkLedgerConsistency(ctx, org.id)).ok).toBe(true);
    expect((await verifyLedgers(ctx)).findings).toEqual([]);
    expect((await listAudit(ctx.db, org.id, { limit: 5 })).find((a) => a.action === 'contract.renew')).toMatchObject({
      actor: 'system',
      target: 'INV-2027-000001',
      outcome: 'success',
    });

    // full pools: the owners are told, the next newcomer is refused, and seats can be bought in the new term
    expect(
      (await listAlerts(ctx, org.id))
        .filter((a) => a.kind === 'pool_threshold' && a.threshold === 100)
        .map((a) => a.seatType)
        .sort(),
    ).toEqual(['premium', 'standard']);
    await expect(provision(org.id, domain, 'newcomer')).rejects.toThrow(NoSeatAvailable);
    expect(
      await quoteSeatChange(ctx, org.id, { add: { standard: 1, premium: 0 }, upgrade: { standardToPremium: 0 } }, '2027-03-01'),
    ).toMatchObject({
      remainingMonths: 10,
    });

    // a second run (another process, a restart) changes nothing
    ctx.clock.set('2027-01-01T00:02:00Z');
    expect(await renewDueContracts(ctx)).toEqual([]);
    expect(await listInvoices(ctx, org.id)).toHaveLength(2);
  });

  it('catches up every term that ended while nobody ran it only when told to, one invoice per term', async () => {
    ctx = createTestContext('2024-02-01T09:00:00Z');
    const org = await createSeedOrg(ctx, { provisioningMode: 'scim', contract: { termStart: '2024-01-01' } });
    for (const name of ['ada', 'grace', 'linus']) await provision(org.id, org.domains[0]!, name);
    ctx.clock.set('2026-03-01T09:00:00Z');
    // two terms behind: the sweep leaves it to an operator rather than invoicing term after term at once
    expect(await renewDueContracts(ctx)).toEqual([]);
    expect(await overdueContracts(ctx)).toEqual([{ orgId: org.id, termStart: '2024-01-01', missedTerms: 2 }]);
    expect(await listInvoices(ctx, org.id)).toHaveLength(0);
    const renewals = await renewDueContracts(ctx, { catchUp: true });
    expect(renewals.map((r) => [r.term.start, r.seats.standard, r.invoice?.number, r.invoice?.total])).toEqual([
      ['2025-01-01', 3, 'INV-2026-000001', 3 * 36000],
      ['2026-01-01', 3, 'INV-2026-000002', 3 * 36000],
    ]);
    expect((await getSeatUsage(ctx, org.id)).term).toEqual({ start: '2026-01-01', end: '2026-12-31' });
    expect((await verifyLedgers(ctx)).findings).toEqual([]);
  });

  it('leaves a contract that does not auto-renew as it is: after its end, changes are outside the term', async () => {
    ctx = createTestContext('2026-03-01T09:00:00Z');
    const org = await createSeedOrg(ctx, { contract: { autoRenew: false } });
    ctx.clock.set('2027-01-05T09:00:00Z');
    expect(await renewDueContracts(ctx)).toEqual([]);
    expect((await getSeatUsage(ctx, org.id)).term).toEqual({ start: '2026-01-01', end: '2026-12-31' });
    await expect(quoteSeatChange(ctx, org.id, { add: { standard: 1, premium: 0 }, upgrade: { standardToPremium: 0 } })).rejects.toThrow(
      Invalid,
    );
  });
});

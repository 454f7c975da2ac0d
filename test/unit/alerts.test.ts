import { isPrivateAddress } from '../../src/net/outbound';
import { listAlerts, acknowledgeAlert, forecastSeats } from '../../src/domain/alerts/alerts';
import { forecastExhaustion, reachedThresholds, seatsToClear, usagePercent } from '../../src/domain/alerts/thresholds';
import { updateAlertSettings } from '../../src/domain/alerts/alertSettings';
import { listDeliveries } from '../../src/domain/alerts/alertDelivery';
import { listDeliveryRows } from '../../src/domain/alerts/alertRepository';
import { confirmSeatChange } from '../../src/domain/ledger/ledger';
import { NoSeatAvailable } from '../../src/domain/errors';
import { admitSsoUser } from '../../src/domain/provisioning/admission';
import { updateProvisioningSettings } from '../../src/domain/provisioning/settings';
import { createSeedOrg, createTestContext, type TestContext } from '../support/testContext';

const owner = { actor: 'test-owner', role: 'owner' as const };

describe('thresholds (pure)', () => {
  it('rounds usage down to a whole percent', () => {
    expect(usagePercent({ purchased: 10, assigned: 9 })).toBe(90);
    expect(usagePercent({ purchased: 3, assigned: 2 })).toBe(66);
    expect(usagePercent({ purchased: 0, assigned: 0 })).toBe(0);
  });
  it('lists the thresholds a pool reached', () => {
    expect(reachedThresholds({ purchased: 10, assigned: 8 }, [90, 100])).toEqual([]);
    expect(reachedThresholds({ purchased: 10, assigned: 9 }, [90, 100])).toEqual([90]);
    expect(reachedThresholds({ purchased: 10, assigned: 10 }, [90, 100])).toEqual([90, 100]);
    expect(reachedThresholds({ purchased: 0, assigned: 0 }, [90, 100])).toEqual([]);
  });
  it('forecasts the day a pool runs out at the recent rate', () => {
    const today = new Date('2026-03-01T00:00:00Z');
    expect(forecastExhaustion(10, 30, 30, today)).toEqual({ date: '2026-03-11', perDay: 1 });
    expect(forecastExhaustion(10, 0, 30, today)).toEqual({ date: null, perDay: 0 });
    expect(forecastExhaustion(0, 5, 30, today).date).toBe('2026-03-01');
  });
});

/** The owners' alert mails queued for an org, newest first. */
const listDeliveryPayloads = async (ctx: TestContext, orgId: string) =>
  (await listDeliveryRows(ctx.db, orgId)).filter((d) => d.channel === 'email').map((d) => d.payload as { subject: string; text: string });

describe('seatsToClear: what "Add seats" fills in', () => {
  it.each([
    ['a full pool, thresholds 90/100', { purchased: 10, assigned: 10 }, 'pool_threshold', 0, 2], // 10 of 12 = 83%
    ['at 90%', { purchased: 10, assigned: 9 }, 'pool_threshold', 0, 1], // 9 of 11 = 81%
    ['three refused, none free', { purchased: 10, assigned: 10 }, 'seat_refused', 3, 3],
    ['three refused, one free', { purchased: 10, assigned: 9 }, 'seat_refused', 3, 2],
  ] as const)('%s', (_name, pool, kind, refusedPeople, expected) => {
    expect(seatsToClear(pool, { kind, refusedPeople }, [90, 100])).toBe(expected);
  });
});

describe('seat exhaustion alerts', () => {
  let ctx: TestContext;
  let orgId: string;
  const admit = (i: number) => admitSsoUser(ctx, orgId, { email: `user${i}@${domain}` });
  let domain: string;

  beforeEach(async () => {
    ctx = createTestContext('2026-03-01T09:00:00Z');
    const org = await createSeedOrg(ctx, { provisioningMode: 'jit', contract: { seats: { standard: 10, premium: 0 } } });
    orgId = org.id;
    domain = org.domains[0]!;
    await updateProvisioningSettings(ctx, orgId, { mode: 'jit' }, owner);
  });
  afterEach(() => ctx.close());

  it('opens one alert per pool at 90% that escalates to 100%, never a second one', async () => {
    for (let i = 1; i <= 7; i++) await admit(i); // owner invitation + 7 = 8 of 10
    expect(await listAlerts(ctx, orgId)).toEqual([]);
    await admit(8); // 9 of 10 = 90%
    const [opened] = await listAlerts(ctx, orgId);
    expect([opened!.kind, opened!.threshold, opened!.status]).toEqual(['pool_threshold', 90, 'open']);
    await acknowledgeAlert(ctx, orgId, opened!.id, owner);
    await admit(9); // 100%: the same alert escalates, and is open again for the owners to see
    const alerts = await listAlerts(ctx, orgId);
    expect(alerts.map((a) => [a.id, a.threshold, a.status, a.count])).toEqual([[opened!.id, 100, 'open', 2]]);
    expect(alerts[0]!.message).toBe('100% of Standard seats are in use');
    expect((await listDeliveries(ctx, orgId)).filter((d) => d.channel === 'email').map((d) => d.event)).toEqual(['alert.opened']); // one mail: the burst's
  });

  it('steps an escalated alert down when seats bring the pool under 100% but not under 90%', async () => {
    for (let i = 1; i <= 9; i++) await admit(i); // 10 of 10
    await confirmSeatChange(
      ctx,
      orgId,
      { add: { standard: 1, premium: 0 }, upgrade: { standardToPremium: 0 } },
      { idempotencyKey: 's', actor: 'test' },
    );
    expect((await listAlerts(ctx, orgId, ['open'])).map((a) => a.threshold)).toEqual([90]); // 10 of 11 = 90%
  });

  it('mails the owners used of total and the refused people, one mail for the alerts of one burst', async () => {
    for (let i = 1; i <= 9; i++) await admit(i); // 10 of 10: the threshold alert's mail is queued, not yet sent
    await expect(admit(10)).rejects.toThrow(NoSeatAvailable);
    await expect(admit(11)).rejects.toThrow(NoSeatAvailable);
    const mails = await listDeliveryPayloads(ctx, orgId);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toContain('2 seat alerts');
    expect(mails[0]!.text).toContain('10 of 10 Standard seats are in use.');
    expect(mails[0]!.text).toContain(`- user10@${domain} (jit,`);
    expect(mails[0]!.text).toContain(`- user11@${domain} (jit,`);
  });

  it('folds every refusal into one open alert per pool, with the refused people', async () => {
    for (let i = 1; i <= 9; i++) await admit(i);
    for (let i = 10; i <= 12; i++) {
      ctx.clock.advanceDays(1);
      await expect(admit(i)).rejects.toThrow(NoSeatAvailable);
    }
    const refused = (await listAlerts(ctx, orgId)).filter((a) => a.kind === 'seat_refused');
    expect(refused).toHaveLength(1);
    expect(refused[0]!.count).toBe(3);
    expect(refused[0]!.message).toBe('3 people were refused: no Standard seat is free');
    expect(refused[0]!.refusedPeople.map((p) => [p.email, p.path])).toEqual([
      [`user12@${domain}`, 'jit'],
      [`user11@${domain}`, 'jit'],
      [`user10@${domain}`, 'jit'],
    ]);
  });

  it('resolves the alerts when seats are added, and opens new ones if the pool fills again', async () => {
    for (let i = 1; i <= 9; i++) await admit(i);
    await expect(admit(10)).rejects.toThrow(NoSeatAvailable);
    expect(await listAlerts(ctx, orgId, ['open'])).toHaveLength(2); // the pool's threshold alert (at 100%) and the refusal alert
    await confirmSeatChange(
      ctx,
      orgId,
      { add: { standard: 5, premium: 0 }, upgrade: { standardToPremium: 0 } },
      { idempotencyKey: 'k', actor: 'test' },
    );
    expect(await listAlerts(ctx, orgId, ['open', 'acknowledged'])).toEqual([]);
    const resolved = await listAlerts(ctx, orgId, ['resolved']);
    expect(resolved).toHaveLength(2);
    expect(resolved.every((a) => a.resolvedReason === 'seats added')).toBe(true);
    for (let i = 10; i <= 14; i++) await admit(i); // 15 of 15
    expect((await listAlerts(ctx, orgId, ['open'])).map((a) => a.threshold)).toEqual([100]);
  });

  it('keeps an acknowledged alert deduplicating, and refuses to acknowledge a resolved one', async () => {
    for (let i = 1; i <= 8; i++) await admit(i);
    const [alert] = await listAlerts(ctx, orgId);
    const acked = await acknowledgeAlert(ctx, orgId, alert!.id, owner);
    expect(acked.status).toBe('acknowledged');
    expect(acked.acknowledgedBy).toBe('test-owner');
    await admit(9); // 100%: still the one alert, escalated
    expect((await listAlerts(ctx, orgId)).filter((a) => a.kind === 'pool_threshold').map((a) => [a.id, a.threshold])).toEqual([
      [alert!.id, 100],
    ]);
    await confirmSeatChange(
      ctx,
      orgId,
      { add: { standard: 10, premium: 0 }, upgrade: { standardToPremium: 0 } },
      { idempotencyKey: 'k2', actor: 'test' },
    );
    await expect(acknowledgeAlert(ctx, orgId, alert!.id, owner)).rejects.toThrow('already resolved');
  });

  it('queues an email per owner when an alert opens and a webhook for every event when one is set', async () => {
    const settings = await updateAlertSettings(ctx, orgId, { webhookUrl: 'http://127.0.0.1:9/hook', thresholds: [100, 50, 50] }, owner);
    expect(settings.thresholds).toEqual([50, 100]);
    expect(settings.webhookSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    for (let i = 1; i <= 4; i++) await admit(i); // 5 of 10 = 50%
    const deliveries = await listDeliveries(ctx, orgId);
    expect(deliveries.map((d) => [d.channel, d.event]).sort()).toEqual([
      ['email', 'alert.opened'],
      ['webhook', 'alert.opened'],
    ]);
    expect(deliveries.find((d) => d.channel === 'email')!.destination).toBe(`owner@${domain}`);
  });

  it('forecasts from the last 30 days of admissions', async () => {
    for (let i = 1; i <= 3; i++) await admit(i);
    const forecast = await forecastSeats(ctx, orgId);
    // 4 seats taken in 30 days (owner invitation + 3), 6 left: 6 / (4/30) = 45 days
    expect(forecast.standard).toEqual({ available: 6, admissionsLast30Days: 4, perDay: 0.13, runsOutOn: '2026-04-15' });
    expect(forecast.premium.runsOutOn).toBeNull();
  });
});

describe('isPrivateAddress: where a shared seatd’s webhooks must not go', () => {
  it.each([
    ['127.0.0.1', true],
    ['10.1.2.3', true],
    ['172.16.0.1', true],
    ['172.31.255.255', true],
    ['172.32.0.1', false],
    ['192.168.1.1', true],
    ['169.254.169.254', true],
    ['100.64.0.1', true],
    ['0.0.0.0', true],
    ['224.0.0.1', true],
    ['8.8.8.8', false],
    ['93.184.216.34', false],
    ['::1', true],
    ['::', true],
    ['fd00::1', true],
    ['fe80::1', true],
    ['::ffff:127.0.0.1', true],
    ['::ffff:7f00:1', true],
    ['2606:2800:220:1::248', false],
  ])('%s → %s', (address, expected) => {
    expect(isPrivateAddress(address)).toBe(expected);
  });
});

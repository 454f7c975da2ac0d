import { claimPeriodicWork } from '../../src/domain/leases';
import { createTestContext, type TestContext } from '../support/testContext';

/** The server's housekeeping, done by one process of several per interval. */
describe('claiming periodic work', () => {
  let ctx: TestContext;
  beforeEach(() => {
    ctx = createTestContext('2026-03-01T09:00:00Z');
  });
  afterEach(() => ctx.close());

  it('goes to one holder until its claim runs out, which that holder may renew early', async () => {
    const at = (iso: string) => new Date(iso);
    expect(await claimPeriodicWork(ctx, 'housekeeping', 'a', at('2026-03-01T09:00:00Z'), 54_000)).toBe(true);
    expect(await claimPeriodicWork(ctx, 'housekeeping', 'b', at('2026-03-01T09:00:30Z'), 54_000)).toBe(false);
    expect(await claimPeriodicWork(ctx, 'other-work', 'b', at('2026-03-01T09:00:30Z'), 54_000)).toBe(true);
    expect(await claimPeriodicWork(ctx, 'housekeeping', 'a', at('2026-03-01T09:00:50Z'), 54_000)).toBe(true); // renewed to 09:01:44
    expect(await claimPeriodicWork(ctx, 'housekeeping', 'b', at('2026-03-01T09:01:40Z'), 54_000)).toBe(false);
    expect(await claimPeriodicWork(ctx, 'housekeeping', 'b', at('2026-03-01T09:01:44Z'), 54_000)).toBe(true);
    expect(await claimPeriodicWork(ctx, 'housekeeping', 'a', at('2026-03-01T09:02:00Z'), 54_000)).toBe(false);
  });

  it('goes to exactly one of several claimants at the same moment', async () => {
    const now = new Date('2026-03-01T10:00:00Z');
    const claims = await Promise.all(['a', 'b', 'c', 'd'].map((holder) => claimPeriodicWork(ctx, 'sweep', holder, now, 54_000)));
    expect(claims.filter(Boolean)).toHaveLength(1);
  });
});

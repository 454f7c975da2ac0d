import { admitSsoUser, seatTypeForGroups } from '../../src/domain/provisioning/admission';
import { updateProvisioningSettings } from '../../src/domain/provisioning/settings';
import { createSeedOrg, createTestContext, type TestContext } from '../support/testContext';

const INHERITED = ['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf'];

describe('IdP group names that every JavaScript object also answers to', () => {
  let ctx: TestContext;
  afterEach(() => ctx?.close());

  it('are no mapped group: the default seat type applies, the first mapped one wins', () => {
    const org = { defaultSeatType: 'standard' as const, groupSeatTypes: { Designers: 'premium' as const } };
    expect(seatTypeForGroups(org, INHERITED)).toBe('standard');
    expect(seatTypeForGroups(org, [...INHERITED, 'Designers'])).toBe('premium');
  });

  it('admit a JIT sign-in whose IdP groups include them', async () => {
    ctx = createTestContext();
    const org = await createSeedOrg(ctx, { contract: { seats: { standard: 5, premium: 5 } } });
    await updateProvisioningSettings(
      ctx,
      org.id,
      { mode: 'jit', groupSeatTypes: { Designers: 'premium' } },
      { actor: 'test', role: 'owner' },
    );
    const plain = admitSsoUser(ctx, org.id, { email: `ada@${org.domains[0]}`, groups: ['toString', 'constructor'] });
    expect(await plain).toMatchObject({ created: true, member: { seatType: 'standard' } });
    const mapped = admitSsoUser(ctx, org.id, { email: `bob@${org.domains[0]}`, groups: ['constructor', 'Designers'] });
    expect(await mapped).toMatchObject({ created: true, member: { seatType: 'premium' } });
  });
});

import { Conflict, Forbidden, Invalid, NoSeatAvailable } from '../../src/domain/errors';
import { admitSsoUser, SignInRefused } from '../../src/domain/provisioning/admission';
import { inviteMember, acceptInvitation } from '../../src/domain/provisioning/invitations';
import { provisionScimUser } from '../../src/domain/provisioning/scimProvisioning';
import { setMemberActive } from '../../src/domain/provisioning/memberChanges';
import { updateProvisioningSettings } from '../../src/domain/provisioning/settings';
import { listRefusals } from '../../src/domain/provisioning/refusals';
import { getSeatUsage } from '../../src/domain/ledger/ledger';
import { listAudit } from '../../src/domain/audit/auditLog';
import { findMemberByEmail } from '../../src/domain/orgs/memberRepository';
import type { ProvisioningMode } from '../../src/domain/seatTypes';
import { createSeedOrg, createTestContext, type TestContext } from '../support/testContext';
import { snapshot } from '../support/dbCounts';
import { linkFromOutbox, tokenOf } from '../support/outbox';

const owner = { actor: 'test-owner', role: 'owner' as const };
type Known = 'unknown' | 'active' | 'invited' | 'invitation_expired' | 'deactivated';

/**
 * The admission matrix: every mode × what the engine knows of the person × whether a seat is
 * free. `admit` = member created (JIT); `in` = an existing member gets in; otherwise the refusal.
 */
const expected: Record<ProvisioningMode, Record<Known, [seatFree: string, seatNone: string]>> = {
  jit: {
    unknown: ['admit', 'NoSeatAvailable'],
    active: ['in', 'in'],
    invited: ['in', 'in'],
    invitation_expired: ['admit', 'NoSeatAvailable'],
    deactivated: ['deactivated', 'deactivated'],
  },
  manual: {
    unknown: ['not-invited', 'not-invited'],
    active: ['in', 'in'],
    invited: ['in', 'in'],
    invitation_expired: ['invitation-expired', 'invitation-expired'],
    deactivated: ['deactivated', 'deactivated'],
  },
  scim: {
    unknown: ['not-provisioned', 'not-provisioned'],
    active: ['in', 'in'],
    invited: ['in', 'in'],
    invitation_expired: ['not-provisioned', 'not-provisioned'],
    deactivated: ['deactivated', 'deactivated'],
  },
};

describe('admitSsoUser: mode × known/unknown person × seat free/none', () => {
  let ctx: TestContext;
  afterEach(() => ctx.close());

  const cases = (Object.keys(expected) as ProvisioningMode[]).flatMap((mode) =>
    (Object.keys(expected[mode]) as Known[]).flatMap((known) => [
      [mode, known, 'free', expected[mode][known][0]] as const,
      [mode, known, 'none', expected[mode][known][1]] as const,
    ]),
  );

  it.each(cases)('%s mode, %s person, seat %s → %s', async (mode, known, seat, outcome) => {
    ctx = createTestContext('2026-03-01T09:00:00Z');
    // 3 Standard seats: the owner's invitation holds one.
    const org = await createSeedOrg(ctx, { contract: { seats: { standard: 3, premium: 0 } } });
    const domain = org.domains[0]!;
    const email = `person@${domain}`;
    if (known !== 'unknown') {
      await inviteMember(ctx, org.id, { email, role: 'member', seatType: 'standard' }, owner);
      if (known === 'active') await acceptInvitation(ctx, tokenOf(linkFromOutbox(ctx.outboxDir, email)));
      if (known === 'invitation_expired') {
        ctx.clock.advanceDays(21);
        await expect(acceptInvitation(ctx, tokenOf(linkFromOutbox(ctx.outboxDir, email)))).rejects.toThrow(/expired/);
      }
      if (known === 'deactivated') await setMemberActive(ctx, org.id, (await findMemberByEmail(ctx.db, org.id, email))!.id, false, owner);
    }
    await updateProvisioningSettings(ctx, org.id, { mode }, owner);
    if (seat === 'none') {
      const free = (await getSeatUsage(ctx, org.id)).standard.available;
      for (let i = 0; i < free; i++) {
        await inviteMember(ctx, org.id, { email: `filler${i}@${domain}`, role: 'member', seatType: 'standard' }, owner).catch(async (e) => {
          // scim mode refuses invitations: fill through SCIM instead
          if (!(e instanceof Conflict)) throw e;
          await provisionScimUser(ctx, org.id, { email: `filler${i}@${domain}`, active: true }, 'test');
        });
      }
      expect((await getSeatUsage(ctx, org.id)).standard.available).toBe(0);
    }

    const before = await snapshot(ctx.db);
    const refusalsBefore = (await listRefusals(ctx, org.id)).length;
    let result: string;
    try {
      const { created } = await admitSsoUser(ctx, org.id, { email, givenName: 'Pat' });
      result = created ? 'admit' : 'in';
    } catch (err) {
      if (err instanceof SignInRefused) result = err.reason;
      else if (err instanceof NoSeatAvailable) result = 'NoSeatAvailable';
      else throw err;
    }
    expect(result).toBe(outcome);

    const after = await snapshot(ctx.db);
    if (result === 'admit') {
      expect(after.members - before.members).toBe(known === 'unknown' ? 1 : 0);
      expect((await getSeatUsage(ctx, org.id)).standard.assigned).toBe(
        (before.pools as { assigned: number; seat_type: string }[]).find((p) => p.seat_type === 'standard')!.assigned + 1,
      );
    } else if (result === 'in') {
      expect(after.members).toBe(before.members);
      expect(after.pools).toEqual(before.pools);
    } else {
      // refused: nothing half-made; one audit entry says why, and a lack of seat is recorded
      expect(after.members).toBe(before.members);
      expect(after.invitations).toBe(before.invitations);
      expect(after.pools).toEqual(before.pools);
      expect((await listRefusals(ctx, org.id)).length - refusalsBefore).toBe(result === 'NoSeatAvailable' ? 1 : 0);
      expect((await listAudit(ctx.db, org.id, { limit: 5 })).find((e) => e.target === email)).toMatchObject({ outcome: 'refused' });
    }
  });
});

describe('provisioning rules', () => {
  let ctx: TestContext;
  let orgId: string;
  let domain: string;
  beforeEach(async () => {
    ctx = createTestContext('2026-03-01T09:00:00Z');
    const org = await createSeedOrg(ctx, { contract: { seats: { standard: 2, premium: 1 } } });
    orgId = org.id;
    domain = org.domains[0]!;
  });
  afterEach(() => ctx.close());

  it('refuses an SSO sign-in from an unverified domain', async () => {
    await updateProvisioningSettings(ctx, orgId, { mode: 'jit' }, owner);
    await expect(admitSsoUser(ctx, orgId, { email: 'x@evil.example' })).rejects.toThrow(
      expect.objectContaining({ reason: 'domain-not-verified' }),
    );
  });

  it('maps IdP groups to seat types for JIT, else the default', async () => {
    await updateProvisioningSettings(ctx, orgId, { mode: 'jit', groupSeatTypes: { Engineering: 'premium' } }, owner);
    expect((await admitSsoUser(ctx, orgId, { email: `eng@${domain}`, groups: ['Sales', 'Engineering'] })).member.seatType).toBe('premium');
    expect((await admitSsoUser(ctx, orgId, { email: `sales@${domain}`, groups: ['Sales'] })).member.seatType).toBe('standard');
  });

  it('creates SCIM users with a seat when active, without one when inactive, and refuses duplicates', async () => {
    await updateProvisioningSettings(ctx, orgId, { mode: 'scim', groupSeatTypes: { Designers: 'premium' } }, owner);
    expect((await provisionScimUser(ctx, orgId, { email: `a@${domain}`, active: true, groups: ['Designers'] }, 'scim')).seatType).toBe(
      'premium',
    );
    expect(await provisionScimUser(ctx, orgId, { email: `b@${domain}`, active: false }, 'scim')).toMatchObject({
      status: 'deactivated',
      holdsSeat: false,
    });
    await expect(provisionScimUser(ctx, orgId, { email: `A@${domain}`, active: true }, 'scim')).rejects.toThrow(
      expect.objectContaining({ code: 'uniqueness' }),
    );
    expect((await getSeatUsage(ctx, orgId)).premium.assigned).toBe(1);
    const before = await snapshot(ctx.db);
    await expect(provisionScimUser(ctx, orgId, { email: `c@${domain}`, active: true, seatType: 'premium' }, 'scim')).rejects.toThrow(
      NoSeatAvailable,
    );
    const after = await snapshot(ctx.db);
    expect([after.members, after.pools]).toEqual([before.members, before.pools]);
    expect((await listRefusals(ctx, orgId))[0]).toMatchObject({ email: `c@${domain}`, path: 'scim', seatType: 'premium' });
  });

  it('guards manual invitations: verified domain, mode, role, duplicates, seats', async () => {
    await expect(inviteMember(ctx, orgId, { email: 'x@evil.example', role: 'member', seatType: 'standard' }, owner)).rejects.toThrow(
      expect.objectContaining({
        fields: [expect.objectContaining({ field: 'email', message: expect.stringContaining('evil.example is not a verified domain') })],
      }),
    );
    await expect(
      inviteMember(ctx, orgId, { email: `o@${domain}`, role: 'owner', seatType: 'standard' }, { actor: 'a', role: 'admin' }),
    ).rejects.toThrow(Forbidden);
    await inviteMember(ctx, orgId, { email: `m@${domain}`, role: 'member', seatType: 'standard' }, owner);
    await expect(inviteMember(ctx, orgId, { email: `m@${domain}`, role: 'member', seatType: 'standard' }, owner)).rejects.toThrow(
      expect.objectContaining({ code: 'already-invited' }),
    );
    const before = await snapshot(ctx.db);
    await expect(inviteMember(ctx, orgId, { email: `n@${domain}`, role: 'member', seatType: 'standard' }, owner)).rejects.toThrow(
      NoSeatAvailable,
    );
    const after = await snapshot(ctx.db);
    expect([after.members, after.invitations, after.pools]).toEqual([before.members, before.invitations, before.pools]);
    expect(after.seat_refusals - before.seat_refusals).toBe(1);
    await updateProvisioningSettings(ctx, orgId, { mode: 'scim' }, owner);
    await expect(inviteMember(ctx, orgId, { email: `p@${domain}`, role: 'member', seatType: 'premium' }, owner)).rejects.toThrow(
      expect.objectContaining({ code: 'scim-managed' }),
    );
    await expect(updateProvisioningSettings(ctx, orgId, { mode: 'sometimes' }, owner)).rejects.toThrow(Invalid);
  });
});

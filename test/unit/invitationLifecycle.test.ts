import { Conflict, NoSeatAvailable, NotFound } from '../../src/domain/errors';
import {
  acceptInvitation,
  inviteMember,
  listInvitations,
  resendInvitation,
  revokeInvitation,
} from '../../src/domain/provisioning/invitations';
import { changeRole, changeSeatType, removeMember, setMemberActive } from '../../src/domain/provisioning/memberChanges';
import { getSeatUsage } from '../../src/domain/ledger/ledger';
import { getMember, listMembers } from '../../src/domain/orgs/members';
import { createSeedOrg, createTestContext, type TestContext } from '../support/testContext';
import { linkFromOutbox, tokenOf } from '../support/outbox';
import { snapshot } from '../support/dbCounts';

const owner = { actor: 'test-owner', role: 'owner' as const };
const admin = { actor: 'test-admin', role: 'admin' as const };

describe('invitations', () => {
  let ctx: TestContext;
  let orgId: string;
  let domain: string;
  const standardUsage = async () => (await getSeatUsage(ctx, orgId)).standard;
  const tokenFor = (email: string) => tokenOf(linkFromOutbox(ctx.outboxDir, email));

  beforeEach(async () => {
    ctx = createTestContext('2026-03-01T09:00:00Z');
    const org = await createSeedOrg(ctx, { contract: { seats: { standard: 3, premium: 1 } } });
    orgId = org.id;
    domain = org.domains[0]!;
  });
  afterEach(() => ctx.close());

  it('reserves a seat, mails a link that works once, and activates the member', async () => {
    const { member, invitation, delivery } = await inviteMember(
      ctx,
      orgId,
      { email: `Jane@${domain}`, role: 'member', seatType: 'standard' },
      admin,
    );
    expect(delivery).toBe('sent');
    expect(member).toMatchObject({ email: `jane@${domain}`, status: 'invited', holdsSeat: true });
    expect(invitation.expiresAt).toBe('2026-03-22T09:00:00.000Z');
    expect(await standardUsage()).toMatchObject({ assigned: 2, available: 1 });
    const accepted = await acceptInvitation(ctx, tokenFor(`jane@${domain}`));
    expect(accepted.member.status).toBe('active');
    expect((await standardUsage()).assigned).toBe(2);
    await expect(acceptInvitation(ctx, tokenFor(`jane@${domain}`))).rejects.toThrow(expect.objectContaining({ code: 'invitation-used' }));
    await expect(acceptInvitation(ctx, 'not-a-token')).rejects.toThrow(NotFound);
  });

  it('expires after 21 days, releasing the seat on read and on acceptance', async () => {
    await inviteMember(ctx, orgId, { email: `a@${domain}`, role: 'member', seatType: 'standard' }, admin);
    await inviteMember(ctx, orgId, { email: `b@${domain}`, role: 'member', seatType: 'standard' }, admin);
    ctx.clock.advanceDays(21);
    await expect(acceptInvitation(ctx, tokenFor(`a@${domain}`))).rejects.toThrow(expect.objectContaining({ code: 'invitation-expired' }));
    expect((await listInvitations(ctx, orgId, 'expired')).map((i) => i.email).sort()).toEqual([
      `a@${domain}`,
      `b@${domain}`,
      `owner@${domain}`,
    ]);
    expect(await standardUsage()).toMatchObject({ assigned: 0, available: 3 });
    expect((await listMembers(ctx, orgId, { status: 'invitation_expired', limit: 10, offset: 0 })).total).toBe(3);
  });

  it('sweeps expired invitations when a pool looks full, before refusing', async () => {
    await inviteMember(ctx, orgId, { email: `a@${domain}`, role: 'member', seatType: 'standard' }, admin);
    await inviteMember(ctx, orgId, { email: `b@${domain}`, role: 'member', seatType: 'standard' }, admin);
    await expect(inviteMember(ctx, orgId, { email: `c@${domain}`, role: 'member', seatType: 'standard' }, admin)).rejects.toThrow(
      NoSeatAvailable,
    );
    ctx.clock.advanceDays(22);
    const { member } = await inviteMember(ctx, orgId, { email: `c@${domain}`, role: 'member', seatType: 'standard' }, admin);
    expect(member.status).toBe('invited');
    expect((await standardUsage()).assigned).toBe(1);
  });

  it('re-sends an expired invitation with a new link and window, needing a free seat', async () => {
    const { invitation } = await inviteMember(ctx, orgId, { email: `a@${domain}`, role: 'member', seatType: 'premium' }, admin);
    const oldToken = tokenFor(`a@${domain}`);
    ctx.clock.advanceDays(21);
    await listInvitations(ctx, orgId);
    await inviteMember(ctx, orgId, { email: `other@${domain}`, role: 'member', seatType: 'premium' }, admin); // takes the only Premium seat
    const before = await snapshot(ctx.db);
    await expect(resendInvitation(ctx, orgId, invitation.id, admin)).rejects.toThrow(NoSeatAvailable);
    const after = await snapshot(ctx.db);
    expect([after.members, after.invitations, after.pools]).toEqual([before.members, before.invitations, before.pools]);
    expect(after.seat_refusals - before.seat_refusals).toBe(1);

    await revokeInvitation(
      ctx,
      orgId,
      (await listInvitations(ctx, orgId, 'pending')).find((i) => i.email === `other@${domain}`)!.id,
      admin,
    );
    const again = await resendInvitation(ctx, orgId, invitation.id, admin);
    expect(again.invitation).toMatchObject({ status: 'pending', expiresAt: '2026-04-12T09:00:00.000Z' });
    expect(again.member.status).toBe('invited');
    await expect(acceptInvitation(ctx, oldToken)).rejects.toThrow(expect.objectContaining({ code: 'invitation-expired' }));
    expect((await acceptInvitation(ctx, tokenFor(`a@${domain}`))).member.status).toBe('active');
  });

  it('re-sends a pending invitation on the same seat, and the old link stops working', async () => {
    const { invitation } = await inviteMember(ctx, orgId, { email: `a@${domain}`, role: 'member', seatType: 'standard' }, admin);
    const oldToken = tokenFor(`a@${domain}`);
    ctx.clock.advanceDays(1);
    await resendInvitation(ctx, orgId, invitation.id, admin);
    expect((await standardUsage()).assigned).toBe(2);
    await expect(acceptInvitation(ctx, oldToken)).rejects.toThrow(expect.objectContaining({ code: 'invitation-revoked' }));
    expect((await acceptInvitation(ctx, tokenFor(`a@${domain}`))).member.status).toBe('active');
  });

  it('revokes a pending invitation: the seat is freed and the never-active member removed', async () => {
    const { invitation } = await inviteMember(ctx, orgId, { email: `a@${domain}`, role: 'member', seatType: 'standard' }, admin);
    expect((await revokeInvitation(ctx, orgId, invitation.id, admin)).status).toBe('revoked');
    expect((await standardUsage()).assigned).toBe(1);
    expect((await listMembers(ctx, orgId, { limit: 10, offset: 0 })).members.map((m) => m.email)).toEqual([`owner@${domain}`]);
    await expect(revokeInvitation(ctx, orgId, invitation.id, admin)).rejects.toThrow(Conflict);
    const ownerInvitation = (await listInvitations(ctx, orgId, 'pending'))[0]!;
    await expect(revokeInvitation(ctx, orgId, ownerInvitation.id, owner)).rejects.toThrow(
      expect.objectContaining({ code: 'primary-owner' }),
    );
  });

  it("expires the primary owner's first invitation after 21 days too", async () => {
    ctx.clock.advanceDays(20);
    expect(await listInvitations(ctx, orgId, 'pending')).toHaveLength(1);
    ctx.clock.advanceDays(1);
    expect(await listInvitations(ctx, orgId, 'pending')).toHaveLength(0);
    expect((await standardUsage()).assigned).toBe(0);
  });
});

describe('member changes', () => {
  let ctx: TestContext;
  let orgId: string;
  let domain: string;
  const activeMember = async (
    email: string,
    role: 'member' | 'admin' | 'owner' = 'member',
    seatType: 'standard' | 'premium' = 'standard',
  ) => {
    const { member } = await inviteMember(ctx, orgId, { email, role, seatType }, owner);
    await acceptInvitation(ctx, tokenOf(linkFromOutbox(ctx.outboxDir, email)));
    return member.id;
  };

  beforeEach(async () => {
    ctx = createTestContext('2026-03-01T09:00:00Z');
    const org = await createSeedOrg(ctx, { contract: { seats: { standard: 3, premium: 1 } } });
    orgId = org.id;
    domain = org.domains[0]!;
    await acceptInvitation(ctx, tokenOf(linkFromOutbox(ctx.outboxDir, `owner@${domain}`)));
  });
  afterEach(() => ctx.close());

  it('moves a member to another seat type only when one is free, freeing the old seat', async () => {
    const a = await activeMember(`a@${domain}`);
    const b = await activeMember(`b@${domain}`);
    expect((await changeSeatType(ctx, orgId, a, 'premium', owner)).seatType).toBe('premium');
    expect(await getSeatUsage(ctx, orgId)).toMatchObject({ standard: { assigned: 2 }, premium: { assigned: 1 } });
    const before = await snapshot(ctx.db);
    await expect(changeSeatType(ctx, orgId, b, 'premium', owner)).rejects.toThrow(NoSeatAvailable);
    expect(await snapshot(ctx.db)).toEqual(before);
  });

  it('lets only owners make owners, and never demotes the primary owner except by transfer', async () => {
    const a = await activeMember(`a@${domain}`);
    const ownerId = (await listMembers(ctx, orgId, { role: 'primary_owner', limit: 1, offset: 0 })).members[0]!.id;
    expect((await changeRole(ctx, orgId, a, 'admin', admin)).role).toBe('admin');
    await expect(changeRole(ctx, orgId, a, 'owner', admin)).rejects.toThrow(/Only owners/);
    expect((await changeRole(ctx, orgId, a, 'owner', owner)).role).toBe('owner');
    await expect(changeRole(ctx, orgId, a, 'member', admin)).rejects.toThrow(/Only owners/);
    await expect(changeRole(ctx, orgId, ownerId, 'owner', owner)).rejects.toThrow(expect.objectContaining({ code: 'primary-owner' }));
    expect((await changeRole(ctx, orgId, a, 'primary_owner', owner)).role).toBe('primary_owner');
    expect((await getMember(ctx, orgId, ownerId)).role).toBe('owner');
  });

  it('frees the seat on removal and deactivation; re-activation needs a free seat', async () => {
    const a = await activeMember(`a@${domain}`, 'member', 'premium');
    const ownerId = (await listMembers(ctx, orgId, { role: 'primary_owner', limit: 1, offset: 0 })).members[0]!.id;
    await expect(removeMember(ctx, orgId, ownerId, owner)).rejects.toThrow(expect.objectContaining({ code: 'primary-owner' }));
    expect(await setMemberActive(ctx, orgId, a, false, owner)).toMatchObject({ status: 'deactivated', holdsSeat: false });
    expect((await getSeatUsage(ctx, orgId)).premium.assigned).toBe(0);
    const b = await activeMember(`b@${domain}`, 'member', 'premium');
    await expect(setMemberActive(ctx, orgId, a, true, owner)).rejects.toThrow(NoSeatAvailable);
    await removeMember(ctx, orgId, b, owner);
    expect((await setMemberActive(ctx, orgId, a, true, owner)).status).toBe('active');
    await removeMember(ctx, orgId, a, admin);
    expect((await getSeatUsage(ctx, orgId)).premium.assigned).toBe(0);
    await expect(getMember(ctx, orgId, a)).rejects.toThrow(NotFound);
  });
});

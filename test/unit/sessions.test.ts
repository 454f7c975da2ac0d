import {
  endSession,
  resolveSession,
  startSession,
  createLoginLink,
  consumeLoginLink,
  deleteOldSessions,
} from '../../src/domain/sessions/sessions';
import { acceptInvitation } from '../../src/domain/provisioning/invitations';
import { createSeedOrg, createTestContext, type TestContext } from '../support/testContext';
import { linkFromOutbox, tokenOf } from '../support/outbox';
import { queryRows } from '../support/dbRows';

describe('sessions and login links', () => {
  let ctx: TestContext;
  let orgId: string;
  let memberId: string;
  let email: string;
  beforeEach(async () => {
    ctx = createTestContext('2026-03-01T09:00:00Z');
    const org = await createSeedOrg(ctx);
    orgId = org.id;
    email = `owner@${org.domains[0]}`;
    memberId = (await acceptInvitation(ctx, tokenOf(linkFromOutbox(ctx.outboxDir, email)))).member.id;
  });
  afterEach(() => ctx.close());

  it('keeps a session alive while used, ends it after 8 idle hours', async () => {
    const { cookieValue } = await startSession(ctx, { orgId, memberId, via: 'test' });
    ctx.clock.set('2026-03-01T16:00:00Z');
    expect((await resolveSession(ctx, cookieValue))?.member.id).toBe(memberId); // 7 h idle: alive, and touched
    ctx.clock.set('2026-03-01T23:59:00Z');
    expect(await resolveSession(ctx, cookieValue)).not.toBeNull(); // 7 h 59 since the last use
    ctx.clock.set('2026-03-02T08:00:00Z');
    expect(await resolveSession(ctx, cookieValue)).toBeNull(); // 8 h 01 idle
  });

  it('ends a session 24 hours after sign-in however busy it is', async () => {
    const { cookieValue } = await startSession(ctx, { orgId, memberId, via: 'test' });
    for (let hour = 1; hour < 24; hour += 2) {
      ctx.clock.set(new Date(Date.parse('2026-03-01T09:00:00Z') + hour * 3_600_000));
      expect(await resolveSession(ctx, cookieValue)).not.toBeNull();
    }
    ctx.clock.set('2026-03-02T09:00:00Z');
    expect(await resolveSession(ctx, cookieValue)).toBeNull();
  });

  it('rotates at sign-in: the session held before is ended', async () => {
    const first = await startSession(ctx, { orgId, memberId, via: 'test' });
    const second = await startSession(ctx, { orgId, memberId, via: 'test', previousCookie: first.cookieValue });
    expect(await resolveSession(ctx, first.cookieValue)).toBeNull();
    expect(await resolveSession(ctx, second.cookieValue)).not.toBeNull();
    expect(second.cookieValue).not.toBe(first.cookieValue);
    await endSession(ctx, second.cookieValue);
    expect(await resolveSession(ctx, second.cookieValue)).toBeNull();
    const stored = JSON.stringify(await queryRows(ctx.db, 'SELECT * FROM sessions'));
    expect(stored).not.toContain(first.cookieValue); // only the hash is kept
  });

  it('forgets an ended session’s ID token, and deletes sessions 30 days after they ended or expired', async () => {
    const rows = () => queryRows<{ token: string | null }>(ctx.db, 'SELECT oidc_id_token AS token FROM sessions ORDER BY created_at');
    const ended = await startSession(ctx, { orgId, memberId, via: 'oidc', oidc: { idToken: 'header.payload.signature' } });
    expect((await resolveSession(ctx, ended.cookieValue))?.oidc).toEqual({ idToken: 'header.payload.signature' });
    await endSession(ctx, ended.cookieValue);
    expect(await rows()).toEqual([{ token: null }]);
    ctx.clock.set('2026-03-10T09:00:00Z');
    await startSession(ctx, { orgId, memberId, via: 'test' }); // still live
    ctx.clock.set('2026-03-31T08:59:00Z');
    expect(await deleteOldSessions(ctx)).toBe(0); // ended 29 days 23 hours ago
    ctx.clock.set('2026-03-31T09:01:00Z');
    expect(await deleteOldSessions(ctx)).toBe(1);
    expect(await rows()).toHaveLength(1);
    ctx.clock.set('2026-04-11T09:01:00Z'); // the second expired on 11 March (24 h), 31 days ago
    expect(await deleteOldSessions(ctx)).toBe(1);
    expect(await rows()).toHaveLength(0);
  });

  it('makes login links that work once, for 15 minutes', async () => {
    const link = await createLoginLink(ctx, orgId, email, 'test');
    expect(await consumeLoginLink(ctx, tokenOf(link.url))).toEqual({ orgId, memberId });
    await expect(consumeLoginLink(ctx, tokenOf(link.url))).rejects.toThrow(/already used/);
    const late = await createLoginLink(ctx, orgId, email, 'test');
    ctx.clock.advanceDays(15 / (24 * 60));
    await expect(consumeLoginLink(ctx, tokenOf(late.url))).rejects.toThrow(/expired/);
  });
});

import { findMemberClashing, insertMember, memberClashQueries } from '../../src/domain/orgs/memberRepository';
import { newId } from '../../src/domain/ids';
import { createSeedOrg, createTestContext, type TestContext } from '../support/testContext';

/** An active SCIM member row, straight into the table: the fixture, not the engine's path. */
async function insertScimMember(ctx: TestContext, orgId: string, email: string, userName = email): Promise<void> {
  const at = new Date().toISOString();
  await insertMember(ctx.db, {
    id: newId('mem'),
    orgId,
    email,
    userName,
    role: 'member',
    status: 'active',
    seatType: 'standard',
    source: 'scim',
    createdAt: at,
    updatedAt: at,
  });
}

describe('the userName/email uniqueness look-up of a SCIM create', () => {
  it('finds a clash on either the userName or the email', async () => {
    const ctx = createTestContext();
    const org = await createSeedOrg(ctx);
    await insertScimMember(ctx, org.id, 'ada@example.com', 'ada.upn@example.com');
    expect(await findMemberClashing(ctx.db, org.id, 'ada.upn@example.com', 'other@example.com')).toEqual({
      userName: 'ada.upn@example.com',
      email: 'ada@example.com',
    });
    expect((await findMemberClashing(ctx.db, org.id, 'someone', 'ada@example.com'))?.email).toBe('ada@example.com');
    expect(await findMemberClashing(ctx.db, org.id, 'someone', 'else@example.com')).toBeUndefined();
    expect(await findMemberClashing(ctx.db, 'org_other', 'ada.upn@example.com', 'ada@example.com')).toBeUndefined();
    ctx.close();
  });

  it('stays two unique-index look-ups once ANALYZE has seen an org of thousands', async () => {
    const ctx = createTestContext();
    const org = await createSeedOrg(ctx);
    ctx.db.$client.exec('BEGIN');
    for (let i = 0; i < 3000; i++) await insertScimMember(ctx, org.id, `user${i}@example.com`);
    ctx.db.$client.exec('COMMIT');
    ctx.db.$client.exec('ANALYZE');
    const planOf = (query: { sql: string; params: unknown[] }) =>
      (ctx.db.$client.prepare(`EXPLAIN QUERY PLAN ${query.sql}`).all(...query.params.map(() => 'x')) as { detail: string }[])
        .map((row) => row.detail)
        .filter((d) => /^(SEARCH|SCAN)/.test(d));
    const { byUserName, byEmail } = memberClashQueries(ctx.db);
    expect(planOf(byUserName.toSQL())).toEqual([
      expect.stringMatching(/^SEARCH members USING (COVERING )?INDEX members_org_user_name_unique \(org_id=\? AND <expr>=\?\)/),
    ]);
    expect(planOf(byEmail.toSQL())).toEqual([
      expect.stringMatching(/^SEARCH members USING (COVERING )?INDEX members_org_email_unique \(org_id=\? AND email=\?\)/),
    ]);
    ctx.close();
  });
});

import { findMemberClashing, insertMember, memberClashQueries } from '../../src/domain/orgs/memberRepository';
import { newId } from '../../src/domain/ids';
import { createSeedOrg, createTestContext } from '../support/testContext';

describe('the userName/email uniqueness look-up of a SCIM create', () => {
  it('finds a clash on either the userName or the email', async () => {
    const ctx = createTestContext();
    const org = await createSeedOrg(ctx);
    const at = new Date().toISOString();
    insertMember(ctx.db, {
      id: newId('mem'),
      orgId: org.id,
      email: 'ada@example.com',
      userName: 'ada.upn@example.com',
      role: 'member',
      status: 'active',
      seatType: 'standard',
      source: 'scim',
      createdAt: at,
      updatedAt: at,
    });
    expect(findMemberClashing(ctx.db, org.id, 'ada.upn@example.com', 'other@example.com')).toEqual({
      userName: 'ada.upn@example.com',
      email: 'ada@example.com',
    });
    expect(findMemberClashing(ctx.db, org.id, 'someone', 'ada@example.com')?.email).toBe('ada@example.com');
    expect(findMemberClashing(ctx.db, org.id, 'someone', 'else@example.com')).toBeUndefined();
    expect(findMemberClashing(ctx.db, 'org_other', 'ada.upn@example.com', 'ada@example.com')).toBeUndefined();
    ctx.close();
  });

  it('stays two unique-index look-ups once ANALYZE has seen an org of thousands', async () => {
    const ctx = createTestContext();
    const org = await createSeedOrg(ctx);
    const at = new Date().toISOString();
    ctx.db.$client.transaction(() => {
      for (let i = 0; i < 3000; i++) {
        const email = `user${i}@example.com`;
        insertMember(ctx.db, {
          id: newId('mem'),
          orgId: org.id,
          email,
          userName: email,
          role: 'member',
          status: 'active',
          seatType: 'standard',
          source: 'scim',
          createdAt: at,
          updatedAt: at,
        });
      }
    })();
    ctx.db.$client.exec('ANALYZE');
    const planOf = (query: { sql: string; params: unknown[] }) =>
      (ctx.db.$client.prepare(`EXPLAIN QUERY PLAN ${query.sql}`).all(...query.params.map(() => 'x')) as { detail: string }[])
        .map((row) => row.detail)
        .filter((d) => /^(SEARCH|SCAN)/.test(d));
    const { byUserName, byEmail } = memberClashQueries(ctx.db);
    expect(planOf(byUserName.toSQL())).toEqual([
      expect.stringMatching(/^SEARCH members USING (COVERING )?INDEX members_org_user_name_unique \(org_id=\? AND user_name=\?\)/),
    ]);
    expect(planOf(byEmail.toSQL())).toEqual([
      expect.stringMatching(/^SEARCH members USING (COVERING )?INDEX members_org_email_unique \(org_id=\? AND email=\?\)/),
    ]);
    ctx.close();
  });
});

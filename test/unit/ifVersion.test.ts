import { StaleVersion } from '../../src/domain/errors';
import { getSeatUsage } from '../../src/domain/ledger/ledger';
import { getMember } from '../../src/domain/orgs/members';
import { changeGroup, createGroup, deleteGroup, getGroup, replaceGroup } from '../../src/domain/provisioning/groups';
import { removeMember } from '../../src/domain/provisioning/memberChanges';
import { provisionScimUser, scimBy, updateScimUser } from '../../src/domain/provisioning/scimProvisioning';
import { createSeedOrg, createTestContext, type TestContext } from '../support/testContext';

/**
 * A write on condition of a version (If-Match) checks it in the statement that writes: a change
 * committed after the client read the resource, and before its write, is never overwritten.
 */
describe('writes on condition of a version', () => {
  let ctx: TestContext;
  let orgId: string;
  let domain: string;
  beforeEach(async () => {
    ctx = createTestContext();
    const org = await createSeedOrg(ctx, { provisioningMode: 'scim', contract: { seats: { standard: 10, premium: 0 } } });
    orgId = org.id;
    domain = org.domains[0]!;
  });
  afterEach(() => ctx.close());

  const user = (displayName: string) => ({ userName: `ada@${domain}`, email: `ada@${domain}`, active: true, displayName });

  it('refuses a user update made on a version that another update replaced, and writes nothing', async () => {
    const created = await provisionScimUser(ctx, orgId, user('Ada'), 'scim:a');
    const read = await getMember(ctx, orgId, created.id); // what the first client read: version 1
    await updateScimUser(ctx, orgId, created.id, user('Ada L.'), scimBy('scim:b', 'owner'), [read.version]); // another client's write: version 2
    await expect(updateScimUser(ctx, orgId, created.id, user('Ada Lovelace'), scimBy('scim:a', 'owner'), [read.version])).rejects.toThrow(
      StaleVersion,
    );
    expect(await getMember(ctx, orgId, created.id)).toMatchObject({ displayName: 'Ada L.', version: 2 });
    expect(await updateScimUser(ctx, orgId, created.id, user('Ada Lovelace'), scimBy('scim:a', 'owner'), [1, 2])).toMatchObject({
      version: 3,
    });
  });

  it('refuses a removal made on a stale version, and keeps the member and their seat', async () => {
    const created = await provisionScimUser(ctx, orgId, user('Ada'), 'scim:a');
    await updateScimUser(ctx, orgId, created.id, user('Ada L.'), scimBy('scim:b', 'owner'));
    const before = (await getSeatUsage(ctx, orgId)).standard;
    await expect(removeMember(ctx, orgId, created.id, scimBy('scim:a', 'owner'), [1])).rejects.toThrow(StaleVersion);
    expect((await getMember(ctx, orgId, created.id)).version).toBe(2);
    expect((await getSeatUsage(ctx, orgId)).standard).toEqual(before);
    await removeMember(ctx, orgId, created.id, scimBy('scim:a', 'owner'), [2]);
    await expect(getMember(ctx, orgId, created.id)).rejects.toThrow();
  });

  it('refuses group replacements, changes and deletions made on a stale version, and changes nothing', async () => {
    const ada = await provisionScimUser(ctx, orgId, user('Ada'), 'scim:a');
    const group = await createGroup(ctx, orgId, { displayName: 'Eng', memberIds: [] }, 'scim:a');
    await changeGroup(ctx, orgId, group.id, { displayName: 'Engineering', externalId: null, add: [], remove: [] }, 'scim:b', [1]);
    await expect(replaceGroup(ctx, orgId, group.id, { displayName: 'Eng', memberIds: [ada.id] }, 'scim:a', [1])).rejects.toThrow(
      StaleVersion,
    );
    await expect(
      changeGroup(ctx, orgId, group.id, { displayName: 'Eng', externalId: null, add: [ada.id], remove: [] }, 'scim:a', [1]),
    ).rejects.toThrow(StaleVersion);
    await expect(deleteGroup(ctx, orgId, group.id, 'scim:a', [1])).rejects.toThrow(StaleVersion);
    expect(await getGroup(ctx, orgId, group.id)).toMatchObject({ displayName: 'Engineering', version: 2, members: [] });
  });
});

import { databaseAdapter } from '../../src/op/adapter';
import { deleteExpiredOpRecords } from '../../src/op/opRecords';
import { createTestContext, type TestContext } from '../support/testContext';

/** oidc-provider's storage adapter on seatd's database (a real SQLite file). */
describe('the OpenID Provider adapter', () => {
  let ctx: TestContext;
  beforeEach(() => {
    ctx = createTestContext();
  });
  afterEach(() => ctx.close());

  it('stores, finds, consumes and destroys an object of a model', async () => {
    const codes = databaseAdapter(ctx)('AuthorizationCode');
    await codes.upsert('c1', { grantId: 'g1', accountId: 'mem_1' }, 60);
    expect(await codes.find('c1')).toEqual({ grantId: 'g1', accountId: 'mem_1' });
    expect(await databaseAdapter(ctx)('AccessToken').find('c1')).toBeUndefined(); // keyed by model and id
    await codes.consume('c1');
    expect((await codes.find('c1'))?.consumed).toEqual(expect.any(Number));
    await codes.destroy('c1');
    expect(await codes.find('c1')).toBeUndefined();
  });

  it('revokes every object of a grant at once, and finds sessions by uid', async () => {
    const adapter = databaseAdapter(ctx);
    await adapter('AuthorizationCode').upsert('c1', { grantId: 'g1' }, 60);
    await adapter('AccessToken').upsert('a1', { grantId: 'g1' }, 60);
    await adapter('AccessToken').upsert('a2', { grantId: 'g2' }, 60);
    await adapter('Session').upsert('s1', { uid: 'u1', accountId: 'mem_1' }, 60);
    await adapter('Interaction').upsert('i1', { grantId: 'g1', returnTo: '/oidc/auth/i1' }, 60);
    await adapter('AccessToken').revokeByGrantId('g1');
    expect(await adapter('Interaction').find('i1')).toBeDefined(); // names the grant, but was not issued by it
    expect(await adapter('AuthorizationCode').find('c1')).toBeUndefined();
    expect(await adapter('AccessToken').find('a1')).toBeUndefined();
    expect(await adapter('AccessToken').find('a2')).toBeDefined();
    expect(await adapter('Session').findByUid('u1')).toMatchObject({ accountId: 'mem_1' });
  });

  it('does not answer an expired object, and the sweep deletes it', async () => {
    const tokens = databaseAdapter(ctx)('AccessToken');
    await tokens.upsert('gone', { grantId: 'g1' }, 60);
    await tokens.upsert('live', { grantId: 'g1' }, 3600);
    const realNow = Date.now;
    Date.now = () => realNow() + 120_000; // the provider judges expiry on the wall clock
    try {
      expect(await tokens.find('gone')).toBeUndefined();
      expect(await tokens.find('live')).toBeDefined();
      expect(await deleteExpiredOpRecords(ctx)).toBe(1);
    } finally {
      Date.now = realNow;
    }
  });

  it('reads clients from the registered applications, with the secret as its stored hash only', async () => {
    const clients = databaseAdapter(ctx)('Client');
    expect(await clients.find('app_unknown')).toBeUndefined();
    const { registerApp } = await import('../../src/domain/apps/apps');
    const app = await registerApp(ctx, { name: 'A', redirectUris: ['https://a.example/cb'] }, 'test');
    const metadata = await clients.find(app.clientId);
    expect(metadata).toMatchObject({ client_id: app.clientId, redirect_uris: ['https://a.example/cb'], response_types: ['code'] });
    expect(metadata!.client_secret).not.toBe(app.clientSecret);
  });
});

import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { DomainContext } from '../domain/context';
import { findRegisteredApp } from '../domain/apps/apps';
import {
  consumeOpRecord,
  destroyOpRecord,
  findOpRecord,
  findOpRecordByUid,
  revokeOpGrant,
  upsertOpRecord,
  type OpPayload,
} from './opRecords';

/**
 * oidc-provider's storage on seatd's database: every model in op_records, except clients, which are
 * the registered applications (read-only here: the operator API registers them). The client secret
 * the provider sees is the stored hash; clientAuthentication.ts compares presented secrets to it.
 */
export function databaseAdapter(ctx: DomainContext): (model: string) => Adapter {
  return (model) => (model === 'Client' ? clientAdapter(ctx) : recordAdapter(ctx, model));
}

const asPayload = (p: OpPayload | undefined) => p as AdapterPayload | undefined;

function recordAdapter(ctx: DomainContext, model: string): Adapter {
  return {
    upsert: async (id, payload, expiresIn) =>
      upsertOpRecord(ctx, { model, id, payload: payload as OpPayload, ...(expiresIn ? { expiresInSeconds: expiresIn } : {}) }),
    find: async (id) => asPayload(await findOpRecord(ctx, model, id)),
    findByUid: async (uid) => asPayload(await findOpRecordByUid(ctx, model, uid)),
    findByUserCode: async () => undefined, // the device flow is off
    consume: async (id) => consumeOpRecord(ctx, model, id),
    destroy: async (id) => destroyOpRecord(ctx, model, id),
    revokeByGrantId: async (grantId) => revokeOpGrant(ctx, grantId),
  };
}

function clientAdapter(ctx: DomainContext): Adapter {
  const unsupported = async () => {
    throw new Error('applications are registered through the operator API');
  };
  return {
    find: async (id) => {
      const app = await findRegisteredApp(ctx, id);
      if (!app) return undefined;
      return {
        client_id: app.clientId,
        client_name: app.name,
        client_secret: app.secretHash,
        redirect_uris: app.redirectUris,
        post_logout_redirect_uris: app.postLogoutRedirectUris,
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      };
    },
    upsert: unsupported,
    findByUid: async () => undefined,
    findByUserCode: async () => undefined,
    consume: unsupported,
    destroy: async () => undefined,
    revokeByGrantId: async () => undefined,
  };
}

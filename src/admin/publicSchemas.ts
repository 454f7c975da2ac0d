import { z } from 'zod';
import { createOrgInput } from '../domain/onboarding/orgInput';
import { provisioningSettingsInput } from '../domain/provisioning/settings';
import { alertSettingsInput } from '../domain/alerts/alertSettings';
import { appInput } from '../domain/apps/apps';
import { createWebhookInput, updateWebhookInput } from '../domain/webhooks/webhooks';
import { apiTokenBody, inviteBody, memberPatchBody, seatChangeBody } from './requestSchemas';

/** Request bodies of the public surface; `schemas/*.json` are generated from these by `npm run schemas`. */
export const publicRequestSchemas = {
  'create-org': createOrgInput,
  'api-token': apiTokenBody,
  'seat-change': seatChangeBody,
  invite: inviteBody,
  'member-patch': memberPatchBody,
  'provisioning-settings': provisioningSettingsInput,
  'alert-settings': alertSettingsInput,
  app: appInput,
  webhook: createWebhookInput,
  'webhook-patch': updateWebhookInput,
} as const;

export function jsonSchemaOf(name: keyof typeof publicRequestSchemas): Record<string, unknown> {
  return z.toJSONSchema(publicRequestSchemas[name], { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}

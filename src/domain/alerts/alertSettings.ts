import { z } from 'zod';
import { recordAudit } from '../audit/auditLog';
import { inTransaction, orgScoped, type DomainContext } from '../context';
import { NotFound } from '../errors';
import { newSecret } from '../ids';
import { findOrg, updateOrg } from '../orgs/orgRepository';
import type { By } from '../orgs/roles';
import { parseInput } from '../validation';

export const alertSettingsInput = z.strictObject({
  thresholds: z
    .array(z.number().int('must be a whole percentage').min(1).max(100))
    .min(1, 'needs at least one threshold')
    .max(10)
    .transform((t) => [...new Set(t)].sort((a, b) => a - b))
    .optional(),
  webhookUrl: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
    .nullable()
    .optional(),
  rotateWebhookSecret: z.boolean().optional(),
});

export type AlertSettings = { thresholds: number[]; webhookUrl: string | null; webhookSecretSet: boolean };

export async function getAlertSettings(ctx: DomainContext, orgId: string): Promise<AlertSettings> {
  const org = await findOrg(ctx.db, orgId);
  if (!org) throw new NotFound('organization', orgId);
  return { thresholds: org.alertThresholds, webhookUrl: org.webhookUrl, webhookSecretSet: org.webhookSecret !== null };
}

/**
 * Thresholds and the webhook. A signing secret is made when a webhook is first set or on request,
 * and shown once in the answer.
 */
export async function updateAlertSettings(
  ctx: DomainContext,
  orgId: string,
  input: unknown,
  by: By,
): Promise<AlertSettings & { webhookSecret?: string }> {
  const data = parseInput(alertSettingsInput, input);
  return inTransaction(orgScoped(ctx, orgId), async (tx) => {
    const org = await findOrg(tx, orgId);
    if (!org) throw new NotFound('organization', orgId);
    const webhookUrl = data.webhookUrl === undefined ? org.webhookUrl : data.webhookUrl;
    const newSecretValue = webhookUrl && (data.rotateWebhookSecret || !org.webhookSecret) ? newSecret() : undefined;
    const values = {
      alertThresholds: data.thresholds ?? org.alertThresholds,
      webhookUrl,
      webhookSecret: webhookUrl ? (newSecretValue ?? org.webhookSecret) : null,
    };
    await updateOrg(tx, orgId, values);
    await recordAudit(tx, ctx.clock.now(), {
      orgId,
      actor: by.actor,
      action: 'alerts.settings',
      target: orgId,
      outcome: 'success',
      details: { thresholds: values.alertThresholds, webhookUrl, webhookSecretRotated: Boolean(newSecretValue) },
    });
    return {
      thresholds: values.alertThresholds,
      webhookUrl,
      webhookSecretSet: values.webhookSecret !== null,
      ...(newSecretValue ? { webhookSecret: newSecretValue } : {}),
    };
  });
}

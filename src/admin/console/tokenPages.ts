import express, { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { DomainContext } from '../../domain/context';
import { createToken, listTokensWithCreators, revokeToken, type TokenKind } from '../../domain/orgs/tokens';
import { getProvisioningSettings, updateProvisioningSettings } from '../../domain/provisioning/settings';
import { PROVISIONING_MODES, type ProvisioningMode } from '../../domain/seatTypes';
import { parseInput } from '../../domain/validation';
import { requireCsrf } from '../../web/csrf';
import { by, copyField, csrfField, dataTable, page, requireConsole, sessionOf, when } from './consoleKit';
import { html, type Html } from './html';

const MODE_IN_WORDS: Record<ProvisioningMode, string> = {
  manual: 'Manual: admins invite people by email from the Members page; each invitation holds a seat for 21 days.',
  jit: 'Just in time: anyone your IdP signs in through seatd becomes a member on the spot, if a seat is free.',
  scim: 'SCIM: your IdP creates, updates and removes members through the SCIM base URL; sign-in through SSO is only for people it provisioned.',
};

const tokenForm = z.object({
  label: z.string().trim().min(1, 'is required').max(100),
  role: z.enum(['owner', 'admin']).optional(),
});

type TokenPage = { kind: TokenKind; path: string; title: string; intro: (req: Request) => Promise<Html>; roleChoice: boolean };

/** A page of an org's bearer tokens (SCIM or API): list, create (the secret shown once), revoke. Owners only. */
function tokenPage(ctx: DomainContext, spec: TokenPage): Router {
  const router = Router();
  const owner = requireConsole(ctx, 'owner');
  const forms = express.urlencoded({ extended: false, limit: '16kb' });

  const show = async (req: Request, res: Response, shownOnce?: Html, status = 200) => {
    const tokens = await listTokensWithCreators(ctx, sessionOf(req).orgId, spec.kind);
    page(
      req,
      res,
      spec.title,
      html`${shownOnce ?? ''}${await spec.intro(req)}
        <section aria-labelledby="tokens-h">
          <h2 id="tokens-h">Tokens</h2>
          ${dataTable(
            ['Label', ...(spec.roleChoice ? ['Role'] : []), 'Created by', 'Created', 'Last used', ''],
            tokens.map(
              (t) =>
                html`<tr>
                  <td>${t.label}</td>
                  ${spec.roleChoice ? html`<td>${t.role ?? ''}</td>` : ''}
                  <td>${t.createdBy}</td>
                  <td>${when(t.createdAt)}</td>
                  <td data-testid="last-used-${t.label}">${t.lastUsedAt ? when(t.lastUsedAt) : 'never'}</td>
                  <td>
                    <form method="post" action="${spec.path}/${t.id}/revoke">
                      ${csrfField(req)}<button type="submit" aria-label="Revoke ${t.label}">Revoke</button>
                    </form>
                  </td>
                </tr>`,
            ),
            'No tokens.',
          )}
          <form method="post" action="${spec.path}">
            ${csrfField(req)}
            <p><label for="token-label">Label</label> <input type="text" id="token-label" name="label" required maxlength="100" /></p>
            ${
              spec.roleChoice
                ? html`<p>
                    <label for="token-role">Role</label>
                    <select id="token-role" name="role">
                      <option value="admin">Admin</option>
                      <option value="owner">Owner</option>
                    </select>
                  </p>`
                : ''
            }
            <p><button type="submit">Create token</button></p>
          </form>
        </section>`,
      status,
    );
  };

  router.get(spec.path, owner, (req, res) => show(req, res));

  router.post(spec.path, forms, owner, requireCsrf, async (req, res) => {
    const input = parseInput(tokenForm, req.body);
    const issued = await createToken(
      ctx,
      sessionOf(req).orgId,
      { kind: spec.kind, role: spec.roleChoice ? (input.role ?? 'admin') : null, label: input.label },
      by(req),
    );
    await show(
      req,
      res,
      html`<div class="notice" role="status">
        <p>Token “${issued.label}” created. Copy it now: seatd keeps only its hash and will not show it again.</p>
        ${copyField('new-token', 'New token', issued.token)}
      </div>`,
      201,
    );
  });

  router.post(`${spec.path}/:id/revoke`, forms, owner, requireCsrf, async (req, res) => {
    await revokeToken(ctx, sessionOf(req).orgId, spec.kind, req.params.id as string, by(req).actor);
    res.redirect(303, spec.path);
  });

  return router;
}

const modeForm = z.object({ mode: z.enum(PROVISIONING_MODES) });

/** The SCIM page (base URL, tokens, the provisioning mode) and the API tokens page. */
export function tokenPages(ctx: DomainContext): Router {
  const router = Router();
  const owner = requireConsole(ctx, 'owner');
  router.use(
    tokenPage(ctx, {
      kind: 'scim',
      path: '/console/scim',
      title: 'SCIM provisioning',
      roleChoice: false,
      intro: async (req) => {
        const { mode } = await getProvisioningSettings(ctx, sessionOf(req).orgId);
        return html`<section aria-labelledby="scim-h">
            <h2 id="scim-h">Connect your IdP</h2>
            ${copyField('scim-base', 'SCIM base URL (Okta: connector base URL; Entra: Tenant URL)', `${ctx.publicUrl}/scim/v2`)}
            <p>Authenticate with a token below (Okta: HTTP Header; Entra: Secret Token). A token acts with your role.</p>
          </section>
          <section aria-labelledby="mode-h">
            <h2 id="mode-h">How people become members</h2>
            <form method="post" action="/console/scim/mode">
              ${csrfField(req)}
              ${PROVISIONING_MODES.map(
                (m) =>
                  html`<p>
                    <input type="radio" id="mode-${m}" name="mode" value="${m}" ${m === mode ? html`checked` : ''} />
                    <label for="mode-${m}">${MODE_IN_WORDS[m]}</label>
                  </p>`,
              )}
              <p>Switching mode changes no member: people already in keep their seats; only how new people arrive changes.</p>
              <p><button type="submit">Save mode</button></p>
            </form>
          </section>`;
      },
    }),
  );
  router.post('/console/scim/mode', express.urlencoded({ extended: false, limit: '4kb' }), owner, requireCsrf, async (req, res) => {
    await updateProvisioningSettings(ctx, sessionOf(req).orgId, parseInput(modeForm, req.body), by(req));
    res.redirect(303, '/console/scim');
  });
  router.use(
    tokenPage(ctx, {
      kind: 'api',
      path: '/console/api-tokens',
      title: 'API tokens',
      roleChoice: true,
      intro: async () =>
        html`<p>
          Tokens for scripts calling the admin API (<a href="/api/v1/openapi.json">OpenAPI</a>) as
          <code>Authorization: Bearer &lt;token&gt;</code>. An admin token manages members; an owner token also seats and billing.
        </p>`,
    }),
  );
  return router;
}

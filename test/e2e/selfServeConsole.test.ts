import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { findMemberByEmail } from '../../src/domain/orgs/memberRepository';
import { createLoginLink } from '../../src/domain/sessions/sessions';
import { launchChromium } from '../support/browser';
import { linkFromOutbox } from '../support/outbox';
import { createTestIdp } from '../support/samlIdp';
import { startOidcProvider } from '../support/oidcIdp';
import { oidcRedirectUri } from '../../src/sso/oidc';
import { startSamlIdpServer, type SamlIdpServer } from '../support/samlIdpServer';
import { startSeatd } from '../support/seatdServer';
import { createSeedOrgWithOwner } from '../support/testContext';

const ARTIFACTS = path.join(__dirname, '..', '..', 'test-artifacts');

/** An IT admin's day in the console, in a real browser: sign in by mail, connect the IdP, hand out a SCIM token, read the log. */
describe('the self-serve console in a real browser', () => {
  let seatd: Awaited<ReturnType<typeof startSeatd>>;
  let idp: SamlIdpServer;
  let browser: Browser;
  let orgId: string;
  let domain: string;

  const shot = (page: Page, name: string) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
  const signedIn = async (email: string) => {
    const page = await browser.newPage();
    await page.goto((await createLoginLink(seatd.ctx, orgId, email, 'test')).url);
    return page;
  };

  beforeAll(async () => {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    // node-saml checks assertion times against the real clock
    const now = new Date();
    [seatd, idp] = await Promise.all([startSeatd(now.toISOString()), startSamlIdpServer()]);
    ({ orgId, domain } = await createSeedOrgWithOwner(seatd.ctx, {
      provisioningMode: 'jit',
      contract: { termStart: `${now.getUTCFullYear()}-01-01`, seats: { standard: 5, premium: 0 } },
    }));
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await idp?.close();
    await seatd?.close();
  });

  it('mails an owner a single-use sign-in link from the signed-out console, and answers a stranger the same', async () => {
    const page = await browser.newPage();
    await page.goto(`${seatd.url}/console`);
    await page.getByLabel('Work email').fill(`nobody@${domain}`);
    await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
    const strangerPage = await page.getByRole('main').textContent();
    await shot(page, 'console-sign-in-link-sent');

    await page.goto(`${seatd.url}/console`);
    await shot(page, 'console-signed-out');
    await page.getByLabel('Work email').fill(`owner@${domain}`);
    await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
    await expect(page.getByRole('heading', { name: 'Check your email' }).count()).resolves.toBe(1);
    expect((await page.getByRole('main').textContent())!.replace(`owner@${domain}`, `nobody@${domain}`)).toBe(strangerPage);

    await seatd.ctx.groupCommit?.settled();
    const link = await waitFor(() => linkFromOutbox(seatd.ctx.outboxDir, `owner@${domain}`, /https?:\/\/\S+\/login\/[A-Za-z0-9_-]+/));
    expect(() => linkFromOutbox(seatd.ctx.outboxDir, `nobody@${domain}`, /\/login\//)).toThrow();
    await page.goto(link);
    expect(new URL(page.url()).pathname).toBe('/console');
    await expect(page.getByRole('heading', { name: 'Overview' }).count()).resolves.toBe(1);
    const again = await page.goto(link);
    expect(again!.status()).toBe(401); // single use
    await page.close();
  });

  it('connects a SAML IdP from uploaded metadata and passes a Test sign-in that creates nobody', async () => {
    const page = await signedIn(`owner@${domain}`);
    await page.getByRole('link', { name: 'Identity provider' }).click();
    await expect(page.getByRole('textbox', { name: 'ACS URL (Reply URL)' }).inputValue()).resolves.toBe(
      `${seatd.url}/sso/${orgId}/saml/acs`,
    );
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'idp-')), 'okta-metadata.xml');
    fs.writeFileSync(file, idp.metadataXml);
    await page.getByLabel('Upload IdP metadata (XML)').setInputFiles(file);
    await page.getByRole('button', { name: 'Save SAML connection' }).click();
    await expect(page.getByRole('status').textContent()).resolves.toContain('Connection saved');
    await shot(page, 'console-identity-provider');

    idp.user = { email: `tester@${domain}`, attributes: { firstName: 'Tess', lastName: 'Ter', groups: ['Engineering', 'Sales'] } };
    await page.getByRole('button', { name: 'Test sign-in' }).click();
    await page.getByRole('button', { name: 'Continue to seatd' }).click();
    await expect(page.getByRole('heading', { name: 'Test sign-in passed' }).count()).resolves.toBe(1);
    await expect(page.getByRole('row', { name: `Email tester@${domain}`, exact: true }).count()).resolves.toBe(1);
    await expect(page.getByRole('row', { name: 'Groups Engineering, Sales', exact: true }).count()).resolves.toBe(1);
    await shot(page, 'console-test-sign-in-passed');
    expect(await findMemberByEmail(seatd.ctx.db, orgId, `tester@${domain}`)).toBeUndefined();
    await page.close();
  });

  it('connects an OpenID Provider from the console and passes its Test sign-in, showing the claims', async () => {
    const op = await startOidcProvider({ clientId: 'seatd', clientSecret: 'op-secret', redirectUri: oidcRedirectUri(seatd.url, orgId) });
    try {
      op.signInAs('u-1', { email: `oidc-tester@${domain}`, email_verified: true, given_name: 'Otto', groups: ['Ops'] });
      const page = await signedIn(`owner@${domain}`);
      await page.goto(`${seatd.url}/console/sso`);
      await page.getByLabel('Issuer URL').fill(op.issuer);
      await page.getByLabel('Client ID').fill('seatd');
      await page.getByLabel('Client secret').fill('op-secret');
      await page.getByRole('button', { name: 'Save OpenID Connect connection' }).click();
      await page.getByRole('button', { name: 'Test OpenID Connect sign-in' }).click();
      await expect(page.getByRole('heading', { name: 'Test sign-in passed' }).count()).resolves.toBe(1);
      await expect(page.getByRole('row', { name: `Email oidc-tester@${domain}`, exact: true }).count()).resolves.toBe(1);
      await expect(page.getByRole('row', { name: 'Groups Ops', exact: true }).count()).resolves.toBe(1);
      await shot(page, 'console-oidc-test-sign-in-passed');
      expect(await findMemberByEmail(seatd.ctx.db, orgId, `oidc-tester@${domain}`)).toBeUndefined();
      await page.close();
    } finally {
      await op.close();
    }
  });

  it('lists a sign-in with a bad signature among the failures, in words', async () => {
    const impostor = await createTestIdp();
    idp.signWith = { key: impostor.key, cert: impostor.cert };
    const person = await browser.newPage();
    await person.goto(`${seatd.url}/sso/${orgId}/saml/login`);
    await person.getByRole('button', { name: 'Continue to seatd' }).click();
    await expect(person.getByRole('heading', { name: 'Sign-in failed' }).count()).resolves.toBe(1);
    idp.signWith = undefined;
    await person.close();

    const page = await signedIn(`owner@${domain}`);
    await page.goto(`${seatd.url}/console/sso`);
    const row = page.getByRole('row').filter({ hasText: 'signature' });
    await expect(row.count()).resolves.toBe(1);
    await expect(row.textContent()).resolves.toContain('The signature did not verify');
    await shot(page, 'console-sso-failures');
    await page.close();
  });

  it('creates a SCIM token shown once, shows "last used" move after a SCIM call, and revokes it', async () => {
    const page = await signedIn(`owner@${domain}`);
    await page.getByRole('link', { name: 'SCIM' }).click();
    await expect(page.getByRole('textbox', { name: /SCIM base URL/ }).inputValue()).resolves.toBe(`${seatd.url}/scim/v2`);
    const copy = page.getByRole('button', { name: /^Copy SCIM base URL/ }); // added by the console's script
    await copy.click();
    await expect(copy.textContent()).resolves.toBe('Copied');
    await page.getByLabel('Label').fill('Okta');
    await page.getByRole('button', { name: 'Create token' }).click();
    const token = await page.getByRole('textbox', { name: 'New token' }).inputValue();
    expect(token).toMatch(/^sdscim_/);
    await expect(page.getByTestId('last-used-Okta').textContent()).resolves.toBe('never');
    await shot(page, 'console-scim-token-created');

    const scim = await fetch(`${seatd.url}/scim/v2/Users`, { headers: { authorization: `Bearer ${token}` } });
    expect(scim.status).toBe(200);
    await page.goto(`${seatd.url}/console/scim`);
    await expect(page.getByTestId('last-used-Okta').textContent()).resolves.toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC$/);
    await expect(page.getByRole('cell', { name: `owner@${domain}` }).count()).resolves.toBe(1); // created by
    await expect(page.getByText(token).count()).resolves.toBe(0); // shown once
    await shot(page, 'console-scim');

    await page.getByRole('button', { name: 'Revoke Okta' }).click();
    await expect(page.getByText('No tokens.').count()).resolves.toBe(1);
    const after = await fetch(`${seatd.url}/scim/v2/Users`, { headers: { authorization: `Bearer ${token}` } });
    expect(after.status).toBe(401);
    await page.close();
  });

  it('filters the provisioning log to one person', async () => {
    // two people arrive through SSO (JIT)
    for (const email of [`ada@${domain}`, `grace@${domain}`]) {
      idp.user = { email, attributes: {} };
      const person = await browser.newPage();
      await person.goto(`${seatd.url}/sso/${orgId}/saml/login`);
      await person.getByRole('button', { name: 'Continue to seatd' }).click();
      await expect(person.getByRole('heading', { name: /Welcome/ }).count()).resolves.toBe(1);
      await person.close();
    }
    const page = await signedIn(`owner@${domain}`);
    await page.getByRole('link', { name: 'Provisioning log' }).click();
    await page.getByLabel('Person (email)').fill(`ada@${domain}`);
    await page.getByLabel('Path').selectOption({ label: 'SSO (JIT)' });
    await page.getByRole('button', { name: 'Filter' }).click();
    const rows = page.getByRole('row');
    await expect(rows.filter({ hasText: 'provisioning.jit' }).count()).resolves.toBe(1);
    await expect(rows.filter({ hasText: `grace@${domain}` }).count()).resolves.toBe(0);
    await page.getByText('provisioning.jit').click(); // expands the row
    await expect(page.getByText('"seatType": "standard"').isVisible()).resolves.toBe(true);
    await shot(page, 'console-provisioning-log');

    // the people it shows, on the members page: how they came, when they last signed in, and what may be done to them
    await page.getByRole('link', { name: 'Members' }).click();
    await page.getByLabel('Find by name or email').fill('ada');
    await page.getByRole('button', { name: 'Find' }).click();
    const ada = page.getByRole('row').filter({ hasText: `ada@${domain}` });
    await expect(ada.getByRole('cell', { name: 'JIT (SSO)' }).count()).resolves.toBe(1);
    await expect(ada.textContent()).resolves.toMatch(/\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/);
    await page.getByRole('button', { name: `Deactivate ada@${domain}` }).click();
    await expect(
      page
        .getByRole('row')
        .filter({ hasText: `ada@${domain}` })
        .getByRole('cell', { name: 'deactivated' })
        .count(),
    ).resolves.toBe(1);
    await shot(page, 'console-members');
    await page.getByRole('button', { name: `Reactivate ada@${domain}` }).click();
    await expect(
      page
        .getByRole('row')
        .filter({ hasText: `ada@${domain}` })
        .getByRole('cell', { name: 'active', exact: true })
        .count(),
    ).resolves.toBe(1);
    await page.close();
  });
});

async function waitFor<T>(read: () => T, timeoutMs = 5000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      return read();
    } catch (err) {
      if (Date.now() > until) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

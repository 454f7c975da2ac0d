import fs from 'node:fs';
import path from 'node:path';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { createApp } from '../../src/app';
import { createLogger } from '../../src/logger';
import { listAlerts } from '../../src/domain/alerts/alerts';
import { NoSeatAvailable } from '../../src/domain/errors';
import { getSeatUsage, listInvoices } from '../../src/domain/ledger/ledger';
import { admitSsoUser } from '../../src/domain/provisioning/admission';
import { acceptInvitation, inviteMember } from '../../src/domain/provisioning/invitations';
import { createLoginLink } from '../../src/domain/sessions/sessions';
import { launchChromium } from '../support/browser';
import { linkFromOutbox, tokenOf } from '../support/outbox';
import { createSeedOrg, createTestContext, type TestContext } from '../support/testContext';

const ARTIFACTS = path.join(__dirname, '..', '..', 'test-artifacts');

describe('the console in a real browser', () => {
  let ctx: TestContext;
  let server: Server;
  let browser: Browser;
  let orgId: string;
  let domain: string;

  beforeAll(async () => {
    ctx = createTestContext('2026-03-01T09:00:00Z');
    const app = createApp({ ctx, config: { operatorToken: undefined, publicUrl: ctx.publicUrl }, logger: createLogger('silent') });
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // Links in mail point at PUBLIC_URL; this run's server is on a random port.
    ctx.publicUrl = base;
    const org = await createSeedOrg(ctx, { provisioningMode: 'jit', contract: { seats: { standard: 2, premium: 0 } } });
    orgId = org.id;
    domain = org.domains[0]!;
    await acceptInvitation(ctx, tokenOf(linkFromOutbox(ctx.outboxDir, `owner@${domain}`)));
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((r) => server?.close(() => r()));
    ctx?.close();
  });

  it('shows an owner the alert after a refusal, and lets them add 5 seats through the editor', async () => {
    await admitSsoUser(ctx, orgId, { email: `ada@${domain}` }); // 2 of 2 seats
    await expect(admitSsoUser(ctx, orgId, { email: `grace@${domain}` })).rejects.toThrow(NoSeatAvailable);

    const page = await browser.newPage();
    await page.goto((await createLoginLink(ctx, orgId, `owner@${domain}`, 'test')).url);
    expect(new URL(page.url()).pathname).toBe('/console');
    await expect(page.getByRole('alert').filter({ hasText: '1 person was refused: no Standard seat is free' }).count()).resolves.toBe(1);
    await expect(page.getByRole('cell', { name: `grace@${domain}` }).count()).resolves.toBe(1);
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'console-seats.png'), fullPage: true });

    await page.getByRole('link', { name: 'Edit seats' }).click();
    await page.getByLabel('Add Standard seats').fill('5');
    await page.getByRole('button', { name: 'Review' }).click();
    // 1 March in a January term: 10 months left, 5 × 360.00 × 10/12
    await expect(page.getByTestId('quote-total').textContent()).resolves.toBe('USD 1,500.00');
    await expect(page.getByText('10 remaining months').count()).resolves.toBe(1);
    await page.getByRole('button', { name: 'Upgrade' }).click();

    await expect(page.getByTestId('invoice-total').textContent()).resolves.toBe('USD 1,500.00');
    await expect(page.getByRole('status').textContent()).resolves.toContain('No seat alert is open any more.');
    expect(await listInvoices(ctx, orgId)).toHaveLength(1);
    expect((await getSeatUsage(ctx, orgId)).standard).toEqual({ purchased: 7, assigned: 2, available: 5 });
    expect(await listAlerts(ctx, orgId, ['open', 'acknowledged'])).toEqual([]);

    await page.goto('/console'.replace(/^/, new URL(page.url()).origin));
    await expect(page.getByText('No open alerts.').count()).resolves.toBe(1);
    await page.screenshot({ path: path.join(ARTIFACTS, 'console-seats-after-upgrade.png'), fullPage: true });
    await page.close();
  });

  it('keeps an admin out of the seat editor', async () => {
    await inviteMember(ctx, orgId, { email: `admin@${domain}`, role: 'admin', seatType: 'standard' }, { actor: 'test', role: 'owner' });
    await acceptInvitation(ctx, tokenOf(linkFromOutbox(ctx.outboxDir, `admin@${domain}`)));
    const page = await browser.newPage();
    await page.goto((await createLoginLink(ctx, orgId, `admin@${domain}`, 'test')).url);
    expect(new URL(page.url()).pathname).toBe('/console');
    await expect(page.getByRole('link', { name: 'Edit seats' }).count()).resolves.toBe(0);
    const response = await page.goto(`${new URL(page.url()).origin}/console/seats/edit`);
    expect(response!.status()).toBe(403);
    await expect(page.getByText('This page is for owners of the organization.').count()).resolves.toBe(1);
    await page.close();
  });

  it('refuses a form without the session CSRF token', async () => {
    const page = await browser.newPage();
    await page.goto((await createLoginLink(ctx, orgId, `owner@${domain}`, 'test')).url);
    const response = await page.request.post(`${new URL(page.url()).origin}/console/seats/confirm`, {
      form: { addStandard: '1', addPremium: '0', upgradeStandardToPremium: '0', idempotencyKey: 'forged' },
    });
    expect(response.status()).toBe(403);
    expect(await listInvoices(ctx, orgId)).toHaveLength(1);
    await page.close();
  });
});

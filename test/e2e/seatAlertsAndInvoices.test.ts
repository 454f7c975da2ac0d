import fs from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { listAlerts } from '../../src/domain/alerts/alerts';
import { NoSeatAvailable } from '../../src/domain/errors';
import { findMemberByEmail } from '../../src/domain/orgs/memberRepository';
import { inviteMember } from '../../src/domain/provisioning/invitations';
import { createLoginLink } from '../../src/domain/sessions/sessions';
import { launchChromium } from '../support/browser';
import { pdfText } from '../support/pdfText';
import { startSeatd } from '../support/seatdServer';
import { createSeedOrgWithOwner } from '../support/testContext';

const ARTIFACTS = path.join(__dirname, '..', '..', 'test-artifacts');
const owner = { actor: 'test', role: 'owner' as const };

/** From a seat alert to the fix: Add seats, the invoice as a document and a PDF, the alert closed, the refused person invited. */
describe('seat alerts to invoices in a real browser', () => {
  let seatd: Awaited<ReturnType<typeof startSeatd>>;
  let browser: Browser;
  let orgId: string;
  let domain: string;

  beforeAll(async () => {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    seatd = await startSeatd('2026-03-01T09:00:00Z');
    ({ orgId, domain } = await createSeedOrgWithOwner(seatd.ctx, {
      name: 'Globex',
      provisioningMode: 'manual',
      primaryOwnerName: { givenName: 'Olive', familyName: 'Owner' },
      contract: { seats: { standard: 2, premium: 0 } },
    }));
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await seatd?.close();
  });

  it('adds the seats an alert asks for, invoices them, closes the alert and invites the refused person; the PDF says the same', async () => {
    await inviteMember(seatd.ctx, orgId, { email: `ada@${domain}`, role: 'member', seatType: 'standard' }, owner); // 2 of 2
    await expect(inviteMember(seatd.ctx, orgId, { email: `grace@${domain}`, role: 'member', seatType: 'standard' }, owner)).rejects.toThrow(
      NoSeatAvailable,
    );

    const page = await browser.newPage();
    await page.goto((await createLoginLink(seatd.ctx, orgId, `owner@${domain}`, 'test')).url);
    const refusal = page.getByRole('alert').filter({ hasText: '1 person was refused' });
    await expect(page.getByRole('alert').filter({ hasText: '100% of Standard seats are in use' }).count()).resolves.toBe(1);
    await page.screenshot({ path: path.join(ARTIFACTS, 'console-alerts.png'), fullPage: true });
    await refusal.getByRole('link', { name: 'Add seats' }).click();
    await expect(page.getByLabel('Add Standard seats').inputValue()).resolves.toBe('1'); // the shortfall
    await page.getByRole('button', { name: 'Review' }).click();
    await expect(page.getByTestId('quote-total').textContent()).resolves.toBe('USD 300.00'); // 360.00 × 10/12
    await page.getByRole('button', { name: 'Upgrade' }).click();

    await expect(page.getByRole('heading', { name: 'Invoice INV-2026-000001' }).count()).resolves.toBe(1);
    await expect(page.getByRole('status').textContent()).resolves.toContain('No seat alert is open any more.');
    expect(await listAlerts(seatd.ctx, orgId, ['open', 'acknowledged'])).toEqual([]);
    await expect(page.getByTestId('invoice-status').textContent()).resolves.toBe('issued');
    await expect(page.getByText('Olive Owner').count()).resolves.toBe(1); // bill-to: the primary owner
    await expect(page.getByRole('cell', { name: '2026-03-01 → 2026-12-31' }).count()).resolves.toBe(1);
    await expect(page.getByText('USD 360.00 a year × 10/12 = USD 300.00 each').count()).resolves.toBe(1);
    await page.screenshot({ path: path.join(ARTIFACTS, 'console-invoice.png'), fullPage: true });
    await page.emulateMedia({ media: 'print' });
    await page.screenshot({ path: path.join(ARTIFACTS, 'console-invoice-print.png'), fullPage: true });
    await page.emulateMedia({ media: 'screen' });

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download PDF' }).click()]);
    expect(download.suggestedFilename()).toBe('INV-2026-000001.pdf');
    const text = await pdfText(new Uint8Array(fs.readFileSync((await download.path())!)));
    expect(text).toContain('Invoice INV-2026-000001');
    expect(text).toContain('Status: issued');
    expect(text).toContain('Globex');
    expect(text).toMatch(/Standard seat × 1, 10\/12 of the annual price\s+2026-03-01 to 2026-12-31\s+1\s+USD 300\.00\s+USD 300\.00/);
    expect(text).toMatch(/Total\s+USD 300\.00/);

    await page.getByRole('button', { name: 'Invite the refused people now' }).click();
    await expect(page.getByRole('status').textContent()).resolves.toBe(`Invited: grace@${domain}.`);
    expect((await findMemberByEmail(seatd.ctx.db, orgId, `grace@${domain}`))?.status).toBe('invited');
    await page.close();
  });
});

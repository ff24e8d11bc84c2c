// Salesforce (NPSP) end to end: the built dist/chrome in real Chromium, connecting from the options
// page through the browser's real consent window (`identity.launchWebAuthFlow`) to the Salesforce
// contract double (tests/crm/salesforce-double) on 127.0.0.1, which plays login host and instance.
// 1. Options → CRM → Salesforce → My Domain + consumer key → Connect: the consent window runs the
//    authorization code flow with PKCE and comes back to https://<extension id>.chromiumapp.org/sf.
// 2. The field-mapping screen lists the org's Contact fields; mapping X to Twitter_Handle__c syncs.
// 3. x.com/Kikobeats (Celia Boston's handle in the org) gets the toolbar badge; the popup shows her
//    card with the NPSP giving roll-ups; logging a DM there becomes one completed Task on her.
// Nothing is mocked: the only thing the test does for the user is grant the host permission the
// way chrome://extensions would (a headless browser cannot show the permission prompt).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extensionPage, grantHostPermission, launchBrowser, repoRoot, startSiteServer, tabIdOf, waitForBadge, type Launched, type SiteServer } from '../../scripts/lib/harness';
import { SAMPLE, startSalesforceDouble, type SalesforceDouble } from '../crm/salesforce-double';
import { e2eRoutes } from './fixtures';

const shots = join(repoRoot, 'test-results');
let double: SalesforceDouble;
let server: SiteServer;
let browser: Launched;
let context: BrowserContext;
let profileDir: string;
let options: Page;

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  server = await startSiteServer(e2eRoutes());
  profileDir = mkdtempSync(join(tmpdir(), 'kindred-salesforce-e2e-'));
  browser = await launchBrowser({ port: server.port, userDataDir: profileDir });
  context = browser.context;
  // The app's callback URL is this extension's (the org's admin registers it once).
  double = await startSalesforceDouble({ redirectUri: `https://${browser.extensionId}.chromiumapp.org/sf` });
  // Celia Boston's X handle, in the messy spelling a CRM holds: the saved x.com/Kikobeats page is her.
  double.data.update(double.data.get(SAMPLE.celiaBoston)!, { Twitter_Handle__c: 'https://twitter.com/Kikobeats/' });
  await grantHostPermission(context, browser.extensionId, 'http://127.0.0.1/*');
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await double?.close();
  if (profileDir) rmSync(profileDir, { recursive: true, force: true });
});

describe('Salesforce from the options page', () => {
  it('connects through the consent window (PKCE) and says who is signed in', async () => {
    options = await extensionPage(context, browser.extensionId, 'options.html', browser.installTab ?? undefined);
    await options.getByRole('heading', { name: 'CRM', exact: true }).waitFor({ timeout: 15_000 });
    // The other OAuth CRM's form, for the record (its callback URL names this extension too).
    await options.getByRole('radio', { name: "Raiser's Edge NXT" }).check();
    const sky = options.getByRole('form', { name: "Connect Raiser's Edge NXT" });
    // Preact renders the chosen form on its next tick: wait for it rather than count at once.
    await sky.getByText(`https://${browser.extensionId}.chromiumapp.org/raisers-edge`).waitFor({ timeout: 5_000 });
    await options.getByRole('region', { name: 'CRM' }).screenshot({ path: join(shots, 'raisers-edge-connect.png') });
    await options.getByRole('radio', { name: 'Salesforce' }).check();
    const form = options.getByRole('form', { name: 'Connect Salesforce' });
    await form.getByLabel('Log in at').selectOption({ label: 'My Domain…' });
    await form.getByLabel('My Domain address').fill(double.baseUrl);
    await form.getByLabel('Consumer key').fill(double.clientId);
    await form.getByText(`https://${browser.extensionId}.chromiumapp.org/sf`).waitFor({ timeout: 5_000 }); // the callback URL to register
    await options.getByRole('region', { name: 'CRM' }).screenshot({ path: join(shots, 'salesforce-connect.png') });
    await form.getByRole('button', { name: 'Connect Salesforce' }).click();
    const connected = options.getByRole('status').filter({ hasText: /^Connected as / });
    await connected.first().waitFor({ timeout: 30_000 });
    expect(await connected.first().textContent()).toContain('to Salesforce');

    const authorize = double.log.filter((e) => e.path === '/services/oauth2/authorize');
    expect(authorize).toHaveLength(1);
    const token = double.log.filter((e) => e.path === '/services/oauth2/token');
    expect(token.some((e) => e.status === 200)).toBe(true);
  });

  it('maps X to a Contact field, syncs, badges the profile and shows the card with NPSP giving', async () => {
    const mapping = options.getByRole('form', { name: 'Social profile fields' });
    await mapping.waitFor({ timeout: 15_000 });
    await mapping.getByLabel('X', { exact: true }).selectOption('Twitter_Handle__c');
    await mapping.getByRole('button', { name: 'Save fields' }).click();
    await options.getByRole('status').filter({ hasText: /^Saved\./ }).waitFor({ timeout: 10_000 });
    await options.getByText(/^Synced .*next sync within 15 minutes\.$/).waitFor({ timeout: 30_000 });
    await options.screenshot({ path: join(shots, 'salesforce-options.png'), fullPage: true });

    const page = await context.newPage();
    await page.goto('https://x.com/Kikobeats', { waitUntil: 'domcontentloaded' });
    const tabId = await tabIdOf(await browser.serviceWorker(), 'https://x.com/Kikobeats', 10_000);
    await waitForBadge(await browser.serviceWorker(), tabId, (t) => t === '✓', 10_000);

    const popup = await context.newPage();
    await popup.setViewportSize({ width: 400, height: 600 });
    await extensionPage(context, browser.extensionId, `popup.html?tab=${tabId}`, popup);
    await popup.bringToFront();
    await popup.getByRole('heading', { level: 1, name: 'Celia Boston' }).waitFor({ timeout: 10_000 });
    const giving = popup.getByRole('region', { name: 'Giving' });
    await giving.getByText(/125/).first().waitFor({ timeout: 10_000 });
    expect(await popup.getByText('Salesforce', { exact: false }).count()).toBeGreaterThan(0);

    const notes = popup.getByRole('textbox', { name: 'Notes' });
    await popup.getByLabel('Kind').selectOption({ label: 'Direct message' });
    await notes.click();
    await notes.pressSequentially('Thanked Celia for the spring gala', { delay: 5 });
    await popup.getByRole('button', { name: 'Log interaction' }).click();
    const item = popup.getByRole('list', { name: 'Timeline' }).getByRole('listitem').filter({ hasText: 'Thanked Celia for the spring gala' });
    await item.waitFor({ timeout: 10_000 });
    await expect.poll(() => item.getByText('Waiting to sync').count(), { timeout: 20_000 }).toBe(0);
    await popup.screenshot({ path: join(shots, 'salesforce-popup.png'), fullPage: true });

    const tasks = double.data.rows('Task').filter((t) => !t.IsDeleted && String(t.Description ?? '').includes('Thanked Celia for the spring gala'));
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({ WhoId: SAMPLE.celiaBoston, Status: 'Completed' });
    expect(String(tasks[0]!.Description)).toMatch(/Kindred ref: \S+$/);
  });
});

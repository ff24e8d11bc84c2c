// The user's scenario, end to end, in real Chromium with the built dist/chrome:
// import a CSV → visit real saved profile pages at their real URLs → toolbar badge → popup card →
// log interactions → link / create unknown people → SPA navigation → the page learns nothing →
// export → restart the browser on the same profile → stop the service worker.
// One browser launch for a–f, i and export; one relaunch (same profile dir) for g–h.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Locator, Page, Worker } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  actionTitle,
  badgeText,
  domContentLoadedAt,
  extensionPage,
  launchBrowser,
  repoRoot,
  sleep,
  startSiteServer,
  stopServiceWorker,
  tabIdOf,
  waitForBadge,
  type Launched,
  type SiteServer,
} from '../../scripts/lib/harness';
import { e2eRoutes, readSavedPage } from './fixtures';

const URLS = {
  kiko: 'https://x.com/Kikobeats',
  javilop: 'https://x.com/javilop',
  meedan: 'https://www.facebook.com/heymeedan',
  priya: 'https://www.facebook.com/profile.php?id=100004512345678',
  sam: 'https://www.facebook.com/sam.oyelaran',
  jordan: 'https://x.com/jordanpike',
};

// Line 1 is the header, so the row without any name is line 5 of the file.
const CSV = [
  'external_id,first_name,last_name,display_name,email,twitter,facebook,tags,lifetime_giving,last_gift_amount,last_gift_date,largest_gift,currency,do_not_contact,favourite_colour',
  'e2e-1,Kiko,Beats,Kiko Beats,kiko@example.org,https://twitter.com/Kikobeats/,,Volunteer;Gala 2026,1250.50,250.00,2026-09-01,500.00,USD,no,green',
  'e2e-2,,,Meedan,hello@meedan.example,,heymeedan,Partner,300,,,,USD,no,blue',
  'e2e-3,Priya,Raman,Priya Raman,priya@example.net,,https://www.facebook.com/profile.php?id=100004512345678,,,,,,,yes,red',
  'e2e-4,,,,nobody@example.org,,,,,,,,,no,',
].join('\n');
const BAD_LINE = 5;

const NOTE_1 = `e2e DM about the gala ${Date.now().toString(36)}`;
const NOTE_2 = `e2e follow-up, wants to volunteer ${Date.now().toString(36)}`;

const shots = join(repoRoot, 'test-results');
const timings: Record<string, number> = {};

let server: SiteServer;
let browser: Launched;
let context: BrowserContext;
let sw: Worker;
let profileDir: string;
const tabs: Record<string, { page: Page; tabId: number }> = {};
let optionsPage: Page;
let kikoPopup: Page;
let javilopPopup: Page;

const visible = (locator: Locator, timeout = 5_000) => locator.waitFor({ state: 'visible', timeout });

async function launch(): Promise<void> {
  browser = await launchBrowser({ port: server.port, userDataDir: profileDir });
  context = browser.context;
  sw = await browser.serviceWorker();
}

/** Opens `url` in a new tab and returns it with its Chrome tab id. */
async function openTab(key: string, url: string): Promise<{ page: Page; tabId: number; dcl: number }> {
  const page = await context.newPage();
  await page.goto(url, { waitUntil: 'domcontentloaded' });
  const dcl = await domContentLoadedAt(page);
  const tabId = await tabIdOf(sw, url);
  tabs[key] = { page, tabId };
  return { page, tabId, dcl };
}

/** The popup, opened as a page for the given tab (`popup.html?tab=<id>`), popup-sized. */
async function openPopup(tabId: number): Promise<Page> {
  const popup = await context.newPage();
  await popup.setViewportSize({ width: 400, height: 600 });
  return extensionPage(context, browser.extensionId, `popup.html?tab=${tabId}`, popup);
}

const heading = (page: Page) => page.getByRole('heading', { level: 1 });
const timeline = (page: Page) => page.getByRole('list', { name: 'Timeline' });

/** Waits until the tab has reported a profile (tooltip no longer the default) and returns the badge. */
async function settledBadge(tabId: number, timeoutMs = 5_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while ((await actionTitle(sw, tabId)) === 'Kindred') {
    if (Date.now() > deadline) throw new Error(`Tab ${tabId} never reported a profile (action title still "Kindred")`);
    await sleep(50);
  }
  return badgeText(sw, tabId);
}

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  profileDir = mkdtempSync(join(tmpdir(), 'kindred-e2e-profile-'));
  server = await startSiteServer(e2eRoutes());
  await launch();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (profileDir) rmSync(profileDir, { recursive: true, force: true });
  console.log('[e2e timings, ms]', JSON.stringify(timings));
});

describe('first session', () => {
  it('a. imports a CSV from the options page, with a mapping step and a rejected row', async () => {
    const options = browser.installTab ?? (await context.newPage());
    await extensionPage(context, browser.extensionId, 'options.html', options);
    await options.getByLabel('Import CSV').setInputFiles({ name: 'people.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV) });

    // Only `favourite_colour` is unknown: the mapping step lists it with "Ignore" chosen.
    const unknownColumn = options.getByRole('combobox', { name: /favourite_colour/ });
    await visible(unknownColumn);
    expect(await unknownColumn.inputValue()).toBe('');
    expect(await unknownColumn.locator('option:checked').textContent()).toBe('Ignore');
    const started = Date.now();
    await options.getByRole('button', { name: 'Import', exact: true }).click();

    const report = options.getByRole('status').filter({ hasText: /Imported 3\b/ });
    await visible(report, 15_000);
    timings.importMs = Date.now() - started;
    expect(await report.textContent()).toMatch(/1 rejected/);
    await visible(options.getByText(new RegExp(`Line ${BAD_LINE}\\b`)));
    await options.screenshot({ path: join(shots, 'e2e-options-import.png'), fullPage: true });
    optionsPage = options;
  });

  it('b. badges known profiles within a second of DOMContentLoaded, and only those', async () => {
    // Known, real saved page.
    const kiko = await openTab('kiko', URLS.kiko);
    const shown = await waitForBadge(sw, kiko.tabId, (t) => t !== '', 5_000);
    timings.kikoBadgeAfterDcl = Math.round(shown.at - kiko.dcl);
    console.log(`[e2e] badge on ${URLS.kiko} ${timings.kikoBadgeAfterDcl} ms after DOMContentLoaded`);
    expect(timings.kikoBadgeAfterDcl).toBeLessThanOrEqual(2_000);

    // Not imported, real saved page: the content script reports it, the badge stays empty.
    const javilop = await openTab('javilop', URLS.javilop);
    await javilop.page.waitForLoadState('load');
    expect(await settledBadge(javilop.tabId)).toBe('');
    await sleep(1_500);
    expect(await badgeText(sw, javilop.tabId)).toBe('');

    const meedan = await openTab('meedan', URLS.meedan);
    const meedanShown = await waitForBadge(sw, meedan.tabId, (t) => t !== '', 5_000);
    timings.meedanBadgeAfterDcl = Math.round(meedanShown.at - meedan.dcl);

    const priya = await openTab('priya', URLS.priya);
    const priyaShown = await waitForBadge(sw, priya.tabId, (t) => t !== '', 5_000);
    timings.priyaBadgeAfterDcl = Math.round(priyaShown.at - priya.dcl);
  });

  it('c. the popup shows the card, the do-not-contact warning, and the unknown-person view', async () => {
    const started = Date.now();
    const kiko = await openPopup(tabs.kiko!.tabId);
    await visible(heading(kiko).filter({ hasText: 'Kiko Beats' }));
    timings.popupCardMs = Date.now() - started;
    await visible(kiko.getByText('Volunteer', { exact: true }));
    await visible(kiko.getByText('Gala 2026', { exact: true }));
    await visible(kiko.getByText(/1,250\.50/).first());
    await kiko.screenshot({ path: join(shots, 'e2e-popup-kiko.png'), fullPage: true });
    kikoPopup = kiko;

    const priya = await openPopup(tabs.priya!.tabId);
    await visible(heading(priya).filter({ hasText: 'Priya Raman' }));
    await visible(priya.getByText('Do not contact').first());
    await priya.screenshot({ path: join(shots, 'e2e-popup-priya-dnc.png'), fullPage: true });
    await priya.close();

    const javilop = await openPopup(tabs.javilop!.tabId);
    await visible(heading(javilop).filter({ hasText: 'Not in your constituents' }));
    await visible(javilop.getByRole('searchbox', { name: 'Search constituents' }));
    await javilop.screenshot({ path: join(shots, 'e2e-popup-javilop-unknown.png'), fullPage: true });
    javilopPopup = javilop;
  });

  it('d. logs interactions from the popup; the timeline shows them at once, newest first', async () => {
    const popup = kikoPopup;
    await popup.bringToFront(); // background tabs get no animation frames, which slows Playwright's clicks
    await popup.getByLabel('Kind').selectOption({ label: 'Direct message' });
    const notes = popup.getByRole('textbox', { name: 'Notes' });
    await notes.fill(NOTE_1);
    let started = Date.now();
    await notes.press('Control+Enter');
    const first = timeline(popup).getByRole('listitem').first();
    await visible(first.filter({ hasText: NOTE_1 }), 3_000);
    timings.logToTimelineMs = Date.now() - started;
    expect(await first.textContent()).toContain('Direct message');
    // The form is cleared when the background has it safe (the reply), right after the item shows.
    await expect.poll(() => notes.inputValue(), { timeout: 3_000 }).toBe('');

    await notes.fill(NOTE_2);
    started = Date.now();
    await popup.getByRole('button', { name: 'Log interaction' }).click();
    await visible(first.filter({ hasText: NOTE_2 }), 3_000);
    timings.logToTimelineMs2 = Date.now() - started;
    await expect.poll(() => timeline(popup).getByRole('listitem').nth(1).textContent()).toContain(NOTE_1);
    await popup.screenshot({ path: join(shots, 'e2e-popup-kiko-logged.png'), fullPage: true });
  });

  it('e. links an unknown profile to an existing constituent, and creates a new one', async () => {
    const popup = javilopPopup;
    await popup.bringToFront();
    await popup.getByRole('searchbox', { name: 'Search constituents' }).fill('Meedan');
    const link = popup.getByRole('button', { name: /^Link/ });
    await visible(link);
    await link.first().click();
    await visible(heading(popup).filter({ hasText: 'Meedan' }));
    await waitForBadge(sw, tabs.javilop!.tabId, (t) => t !== '', 3_000);
    await popup.screenshot({ path: join(shots, 'e2e-popup-javilop-linked-meedan.png'), fullPage: true });
    await popup.close();

    const sam = await openTab('sam', URLS.sam);
    expect(await settledBadge(sam.tabId)).toBe('');
    const samPopup = await openPopup(sam.tabId);
    await visible(heading(samPopup).filter({ hasText: 'Not in your constituents' }));
    await samPopup.getByRole('button', { name: 'Create constituent' }).click();
    const name = samPopup.getByRole('textbox', { name: 'Name', exact: true });
    await visible(name);
    if ((await name.inputValue()).trim() === '') await name.fill('Sam Oyelaran');
    await samPopup.getByRole('button', { name: 'Create', exact: true }).click();
    await visible(heading(samPopup).filter({ hasText: 'Sam Oyelaran' }));
    await waitForBadge(sw, sam.tabId, (t) => t !== '', 3_000);
    await samPopup.screenshot({ path: join(shots, 'e2e-popup-sam-created.png'), fullPage: true });
    await samPopup.close();
  });

  it('f. follows SPA navigation (pushState) on x.com', async () => {
    const jordan = await openTab('jordan', URLS.jordan);
    expect(await settledBadge(jordan.tabId)).toBe('');

    let started = Date.now();
    await jordan.page.evaluate(() => history.pushState({}, '', '/Kikobeats'));
    let shown = await waitForBadge(sw, jordan.tabId, (t) => t !== '', 3_000);
    timings.spaKnownMs = shown.at - started;
    console.log(`[e2e] badge after pushState to /Kikobeats: ${timings.spaKnownMs} ms`);
    expect(timings.spaKnownMs).toBeLessThanOrEqual(1_000);
    await sleep(700); // and it stays: nothing (e.g. a late tabs.onUpdated) clears it again
    expect(await badgeText(sw, jordan.tabId)).not.toBe('');

    started = Date.now();
    await jordan.page.evaluate(() => history.pushState({}, '', '/jordanpike'));
    shown = await waitForBadge(sw, jordan.tabId, (t) => t === '', 3_000);
    timings.spaUnknownMs = shown.at - started;

    await jordan.page.evaluate(() => history.pushState({}, '', '/Kikobeats'));
    await waitForBadge(sw, jordan.tabId, (t) => t !== '', 3_000);
    started = Date.now();
    await jordan.page.evaluate(() => history.pushState({}, '', '/home'));
    shown = await waitForBadge(sw, jordan.tabId, (t) => t === '', 3_000);
    timings.spaHomeMs = shown.at - started;
    await jordan.page.close();
  });

  it('i. the page learns nothing: no constituent data and nothing of ours in its DOM', async () => {
    const { page, tabId } = tabs.kiko!;
    expect(await badgeText(sw, tabId)).not.toBe('');
    const served = readSavedPage('x.com/kikobeats');
    const secrets = ['Gala 2026', 'Volunteer', '1,250', '1250.5', 'kiko@example.org', 'e2e-1', NOTE_1, NOTE_2];
    for (const secret of secrets) expect(served, `the saved page itself contains ${secret}`).not.toContain(secret);

    const seen = await page.evaluate(() => {
      const all = [...document.querySelectorAll('*')];
      return {
        html: document.documentElement.outerHTML,
        text: document.body?.innerText ?? '',
        // Our only trace: identical, empty badge hosts (same for known and unknown people).
        hosts: [...new Set(all.filter((el) => el.localName === 'kindred-badge').map((el) => el.outerHTML))],
        ours: all
          .filter((el) => el.localName !== 'kindred-badge' && (/kindred/i.test(el.localName) || [...el.attributes].some((a) => /kindred/i.test(a.name) || /kindred/i.test(a.value))))
          .map((el) => el.outerHTML.slice(0, 200)),
        openShadowRoots: all.filter((el) => el.shadowRoot !== null).length,
      };
    });
    for (const secret of secrets) expect(seen.html).not.toContain(secret);
    expect(seen.hosts.length).toBeLessThanOrEqual(1);
    if (seen.hosts[0]) expect(seen.hosts[0]).toBe('<kindred-badge></kindred-badge>');
    expect(seen.html.replaceAll('<kindred-badge></kindred-badge>', '')).not.toMatch(/kindred/i);
    expect(seen.text).not.toMatch(/kindred/i);
    expect(seen.ours).toEqual([]);
    expect(seen.openShadowRoots).toBe(0);
  });

  it('exports the constituents as CSV', async () => {
    const options = optionsPage;
    await options.bringToFront();
    const download = options.waitForEvent('download');
    await options.getByRole('button', { name: 'Export CSV' }).click();
    const file = await (await download).path();
    const csv = readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
    const [header, ...rows] = csv.split(/\r?\n/).filter(Boolean);
    expect(header).toMatch(/^external_id,/);
    expect(header).toContain('display_name');
    const kiko = rows.find((row) => row.includes('Kiko Beats'));
    expect(kiko, csv).toBeDefined();
    expect(kiko).toContain('https://x.com/kikobeats');
    writeFileSync(join(shots, 'e2e-export.csv'), csv); // beside the screenshots, for a human to look at
  });
});

describe('after a browser restart (same profile)', () => {
  beforeAll(async () => {
    await browser.close();
    await launch();
  });

  it('g. keeps the logged interactions', async () => {
    const kiko = await openTab('kiko', URLS.kiko);
    await waitForBadge(sw, kiko.tabId, (t) => t !== '', 5_000);
    const popup = await openPopup(kiko.tabId);
    await visible(heading(popup).filter({ hasText: 'Kiko Beats' }));
    await visible(timeline(popup).getByRole('listitem').first().filter({ hasText: NOTE_2 }));
    await visible(timeline(popup).getByRole('listitem').filter({ hasText: NOTE_1 }));
    await popup.screenshot({ path: join(shots, 'e2e-popup-kiko-after-restart.png'), fullPage: true });
    await popup.close();
  });

  it('h. answers again after the service worker is stopped', async () => {
    const { page, tabId } = tabs.kiko!;
    await sw.evaluate(() => {
      (globalThis as { __e2eInstance?: string }).__e2eInstance = 'before-stop';
    });
    // Clear the badge first (this still runs in the old instance), so only a fresh answer can set it.
    await sw.evaluate((id) => chrome.action.setBadgeText({ tabId: id, text: '' }), tabId);
    await stopServiceWorker(context, browser.extensionId);
    const started = Date.now();
    await page.reload({ waitUntil: 'domcontentloaded' });
    const shown = await waitForBadge(sw, tabId, (t) => t !== '', 5_000);
    timings.badgeAfterWorkerStopMs = shown.at - started;
    const instance = await (await browser.serviceWorker()).evaluate(() => (globalThis as { __e2eInstance?: string }).__e2eInstance ?? null);
    expect(instance, 'the worker was not restarted').toBeNull();
  });
});

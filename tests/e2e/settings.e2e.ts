// Settings, end to end, in real Chromium with the built dist/chrome:
// 1. Site health: an X status page without the tweet author block (a redesigned X) is listed on
//    the options page ("Site health": X, tweet-author, 1 page); a normal status page adds nothing.
// 2. A user-added Mastodon server (social.example.org, not built in): without the host permission
//    "Add server" says so in words and registers nothing; with it, the content script is registered
//    for that host, a known person's profile there gets the toolbar badge, and "Remove" undoes it all.
//
// Granting the optional host permission headlessly: `chrome.permissions.request` from a real click
// never settles in headless Chromium (the prompt is shown nowhere and nothing answers it), and no
// command-line switch auto-accepts it. What does work is the user's other way to allow a site:
// chrome://extensions → Kindred → Site access → "Add a site", i.e. `developerPrivate.addHostPermission`
// on the chrome://extensions page. Chromium then grants the later `permissions.request` for that
// origin without a prompt, so the product's own click path (request → settings → sync → register)
// runs for real.
import type { BrowserContext, Page, Worker } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  actionTitle,
  badgeText,
  DEFAULT_HOSTS,
  domContentLoadedAt,
  extensionPage,
  launchBrowser,
  selfSignedCertificate,
  sleep,
  startSiteServer,
  tabIdOf,
  waitForBadge,
  type Launched,
  type SiteResponse,
  type SiteServer,
} from '../../scripts/lib/harness';
import { mastodonProfilePage, xStatusPage } from './settings-pages';

const SERVER = 'social.example.org';
const ORIGIN = `https://${SERVER}/*`;
const URLS = {
  redesigned: 'https://x.com/jack/status/123',
  normal: 'https://x.com/jack/status/124',
  ada: `https://${SERVER}/@ada`,
  zed: `https://${SERVER}/@zed`,
};
/** content/index.ts HEALTH_DELAY_MS, plus a margin. */
const HEALTH_WAIT_MS = 7_000;

const CSV = [
  'external_id,display_name,email,mastodon,tags',
  `ms-1,Ada Okafor,ada.ms@example.org,ada@${SERVER},River Clean-up`,
].join('\n');

let server: SiteServer;
let browser: Launched;
let context: BrowserContext;
let sw: Worker;
const timings: Record<string, number> = {};

function routes(url: URL): SiteResponse | null {
  const path = url.pathname.replace(/\/+$/, '');
  if (url.hostname === 'x.com' && path === '/jack/status/123') return { body: xStatusPage('jack', 'just setting up my twttr', false) };
  if (url.hostname === 'x.com' && path === '/jack/status/124') return { body: xStatusPage('jack', 'inviting coworkers', true) };
  if (url.hostname === SERVER && (path === '/@ada' || path === '/@zed')) {
    const user = path.slice(2);
    return {
      body: mastodonProfilePage({
        host: SERVER,
        user,
        name: user === 'ada' ? 'Ada Okafor' : 'Zed Unknown',
        site: 'Example Social',
        others: ['bob', 'carol'],
      }),
    };
  }
  return null;
}

const storageLocal = (key: string) => sw.evaluate(async (k) => (await chrome.storage.local.get(k))[k], key);
const mastodonInstances = async () => ((await storageLocal('settings')) as { mastodonInstances?: string[] } | undefined)?.mastodonInstances ?? [];
const registered = () => sw.evaluate(() => chrome.scripting.getRegisteredContentScripts());
const hasPermission = () => sw.evaluate((origin) => chrome.permissions.contains({ origins: [origin] }), ORIGIN);

async function openOptions(): Promise<Page> {
  const page = await extensionPage(context, browser.extensionId, 'options.html');
  await page.getByRole('heading', { name: 'Your Mastodon servers' }).waitFor({ timeout: 10_000 });
  return page;
}

async function open(url: string): Promise<{ page: Page; tabId: number; dcl: number }> {
  const page = await context.newPage();
  await page.goto(url, { waitUntil: 'domcontentloaded' });
  await page.bringToFront();
  return { page, tabId: await tabIdOf(sw, url), dcl: await domContentLoadedAt(page) };
}

beforeAll(async () => {
  const certificate = selfSignedCertificate([SERVER]);
  server = await startSiteServer(routes, { certificate });
  browser = await launchBrowser({ port: server.port, hosts: [...DEFAULT_HOSTS, SERVER], trustSpki: certificate.spki });
  context = browser.context;
  sw = await browser.serviceWorker();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  console.log('[settings.e2e timings, ms]', JSON.stringify(timings));
});

describe('settings', () => {
  it('imports a constituent with a Mastodon handle on a server that is not built in', async () => {
    const options = browser.installTab ?? (await context.newPage());
    await extensionPage(context, browser.extensionId, 'options.html', options);
    await options.getByLabel('Import CSV').setInputFiles({ name: 'mastodon.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV) });
    await options.getByRole('status').filter({ hasText: /Imported 1\b/ }).waitFor({ timeout: 15_000 });
    await options.close();
  });

  it('site health: a status page without the tweet author block is listed; a normal one is not', async () => {
    expect(await storageLocal('health')).toBeUndefined();
    const started = Date.now();
    // Both at once: each checks its own page 6 s after it loaded, if it is visible then.
    const normal = await open(URLS.normal);
    const redesigned = await open(URLS.redesigned);
    const visibility = async () => [await normal.page.evaluate(() => document.visibilityState), await redesigned.page.evaluate(() => document.visibilityState)];
    // Headless Chromium shows every page (each in its own window), so the normal page is checked
    // too: without that, "no entry for it" would prove nothing.
    expect(await visibility()).toEqual(['visible', 'visible']);

    // Wait until both checks are due, then a little more for the background to store the report.
    const due = Math.max(normal.dcl, redesigned.dcl) + HEALTH_WAIT_MS;
    await sleep(Math.max(0, due - Date.now()));
    const deadline = Date.now() + 3_000;
    while (!(await storageLocal('health')) && Date.now() < deadline) await sleep(100);
    timings.healthEntryMs = Date.now() - started;
    expect(await visibility()).toEqual(['visible', 'visible']);

    const health = (await storageLocal('health')) as Record<string, { platform: string; probe: string; pages: number; lastSeen: string }>;
    expect(Object.keys(health ?? {})).toEqual(['x:tweet-author']);
    expect(health['x:tweet-author']).toMatchObject({ platform: 'x', probe: 'tweet-author', pages: 1 });
    expect(Date.now() - Date.parse(health['x:tweet-author']!.lastSeen)).toBeLessThan(30_000);

    const options = await openOptions();
    const section = options.getByRole('region', { name: 'Site health' });
    const rows = section.getByRole('table').getByRole('row');
    await rows.nth(1).waitFor({ timeout: 5_000 });
    expect(await rows.count()).toBe(2); // the header row and X
    const cells = await rows.nth(1).getByRole('cell').allTextContents();
    expect(cells.slice(0, 3)).toEqual(['X', 'tweet-author', '1']);
    await options.close();
    await normal.page.close();
    await redesigned.page.close();
  });

  it('without the host permission, "Add server" says Kindred was not allowed and registers nothing', async () => {
    // No user activation on this page at all: Chromium refuses `permissions.request` ("must be
    // called during a user gesture"), which the product treats like the user saying no. (A real
    // click would open a prompt that headless Chromium never answers; see the top of the file.)
    // Playwright's own evaluations and locator waits run as user gestures, so until the form is
    // submitted this page is driven through the DevTools protocol only.
    const options = await extensionPage(context, browser.extensionId, 'options.html');
    const cdp = await context.newCDPSession(options);
    const inPage = async (expression: string): Promise<unknown> => {
      const { result, exceptionDetails } = (await cdp.send('Runtime.evaluate', { expression, userGesture: false, returnByValue: true, awaitPromise: true })) as {
        result: { value?: unknown };
        exceptionDetails?: { text: string };
      };
      if (exceptionDetails) throw new Error(`In the options page: ${exceptionDetails.text}`);
      return result.value;
    };
    const formReady = Date.now() + 10_000;
    while (!(await inPage(`!!document.querySelector('form.row input')`))) {
      if (Date.now() > formReady) throw new Error('The options page never showed the "Add server" form');
      await sleep(50);
    }
    expect(await inPage('navigator.userActivation.isActive')).toBe(false);
    await inPage(`(() => {
      const input = document.querySelector('form.row input');
      input.value = ${JSON.stringify(SERVER)};
      input.dispatchEvent(new Event('input', { bubbles: true }));
      setTimeout(() => input.form.requestSubmit(), 50);
    })()`);
    const messageShown = Date.now() + 5_000;
    while (!(await inPage(`!!document.querySelector('p.message')`))) {
      if (Date.now() > messageShown) throw new Error('"Add server" showed no message');
      await sleep(50);
    }
    await cdp.detach();
    const alert = options.getByRole('alert');
    await alert.waitFor({ timeout: 5_000 });
    expect(await alert.textContent()).toBe(`Kindred was not allowed to read ${SERVER}, so it cannot recognise people there.`);
    expect(await hasPermission()).toBe(false);
    expect(await mastodonInstances()).toEqual([]);
    expect(await options.getByRole('list', { name: 'Your Mastodon servers' }).count()).toBe(0);
    expect(await registered()).toEqual([]);

    // Even with the server in the settings (as an older version or a sync could leave it), the
    // background registers nothing for a host it has no permission for.
    const before = await storageLocal('settings');
    await sw.evaluate(async (host) => {
      const { settings } = (await chrome.storage.local.get('settings')) as { settings?: Record<string, unknown> };
      await chrome.storage.local.set({ settings: { ...(settings ?? {}), mastodonInstances: [host] } });
    }, SERVER);
    const reply = await options.evaluate(() => chrome.runtime.sendMessage({ kindred: 1, type: 'syncMastodonInstances', data: {} }));
    expect(reply).toEqual({ ok: true, data: { hosts: [] } });
    expect(await registered()).toEqual([]);
    await sw.evaluate((s) => (s === undefined ? chrome.storage.local.remove('settings') : chrome.storage.local.set({ settings: s })), before);
    expect(await mastodonInstances()).toEqual([]);
    await options.close();
  });

  it('with the permission, "Add server" registers the content script for that server only', async () => {
    // The user allows the site on chrome://extensions (Site access → Add a site).
    const extensions = await context.newPage();
    await extensions.goto('chrome://extensions/');
    await extensions.evaluate(
      ([id, origin]) => (chrome as unknown as { developerPrivate: { addHostPermission(id: string, host: string): Promise<void> } }).developerPrivate.addHostPermission(id!, origin!),
      [browser.extensionId, ORIGIN],
    );
    await extensions.close();

    const options = await openOptions();
    await options.getByRole('textbox', { name: 'Server' }).fill(`https://${SERVER}/@ada`); // pasted from the address bar
    const started = Date.now();
    await options.getByRole('button', { name: 'Add server' }).click();
    const status = options.getByRole('status').filter({ hasText: `Added ${SERVER}` });
    await status.waitFor({ timeout: 5_000 });
    timings.addServerMs = Date.now() - started;
    expect(await status.textContent()).toBe(`Added ${SERVER}. Reload its open tabs to start.`);
    expect(await options.getByRole('textbox', { name: 'Server' }).inputValue()).toBe('');
    expect(await options.getByRole('list', { name: 'Your Mastodon servers' }).getByRole('listitem').allTextContents()).toEqual([`${SERVER}Remove`]);

    expect(await hasPermission()).toBe(true);
    expect(await mastodonInstances()).toEqual([SERVER]);
    const scripts = await registered();
    expect(scripts).toHaveLength(1);
    expect(scripts[0]).toMatchObject({ id: 'kindred-mastodon', matches: [ORIGIN], js: ['content.js'], persistAcrossSessions: true });

    // Adding it again changes nothing.
    await options.getByRole('textbox', { name: 'Server' }).fill(SERVER);
    await options.getByRole('button', { name: 'Add server' }).click();
    await options.getByRole('status').filter({ hasText: `${SERVER} is already on the list.` }).waitFor({ timeout: 5_000 });
    expect(await mastodonInstances()).toEqual([SERVER]);
    await options.close();
  });

  it('badges a known person on that server, not an unknown one', async () => {
    const ada = await open(URLS.ada);
    const shown = await waitForBadge(sw, ada.tabId, (t) => t !== '', 5_000);
    timings.mastodonBadgeAfterDcl = Math.round(shown.at - ada.dcl);
    expect(await actionTitle(sw, ada.tabId)).not.toBe('Kindred');

    const zed = await open(URLS.zed);
    const deadline = Date.now() + 5_000;
    while ((await actionTitle(sw, zed.tabId)) === 'Kindred') {
      if (Date.now() > deadline) throw new Error(`${URLS.zed} never reported (action title still "Kindred")`);
      await sleep(50);
    }
    await sleep(500);
    expect(await badgeText(sw, zed.tabId)).toBe('');
    await zed.page.close();
    await ada.page.close();
  });

  it('"Remove" unregisters the content script and gives the permission back', async () => {
    const options = await openOptions();
    await options.getByRole('button', { name: `Remove ${SERVER}` }).click();
    await options.getByRole('status').filter({ hasText: `Removed ${SERVER}.` }).waitFor({ timeout: 5_000 });
    expect(await mastodonInstances()).toEqual([]);
    expect(await registered()).toEqual([]);
    expect(await hasPermission()).toBe(false);
    expect(await options.getByRole('list', { name: 'Your Mastodon servers' }).count()).toBe(0);
    await options.close();

    // The page no longer runs Kindred: no badge for the known person.
    const page = await context.newPage();
    await page.goto(URLS.ada, { waitUntil: 'load' });
    await sleep(1_500);
    const tabs = await sw.evaluate(async () => (await chrome.storage.session.get(null)) as Record<string, { url?: string | null }>);
    expect(Object.values(tabs).filter((t) => t?.url?.startsWith(URLS.ada))).toHaveLength(0); // tabs closed above were cleared
    await page.close();
  });
});

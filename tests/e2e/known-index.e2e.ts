// The known-identity index (issue 5), end to end in real Chromium with the built extension: after
// an import the index is in Cache Storage and holds every linked profile; while the store cannot
// open (here: held behind another page's unfinished upgrade, standing in for a million-row store
// reopening after a browser restart), a woken worker still badges the known people of a timeline
// from the index, and the store confirms it once it opens. A change marked after the index was
// built makes the worker wait for the store instead.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escapeHtml, extensionPage, launchBrowser, stopServiceWorker, startSiteServer, type Launched, type SiteServer } from '../../scripts/lib/harness';
import { run } from '../../scripts/bench/scale-browser';
import { knownIndexState, markKnownIndexChanged } from '../../scripts/bench/scale-page';
import { badgeStates, handleOf } from './badge-probe';

const PEOPLE = 300; // imported: handle p0 … p299
const KNOWN_ON_PAGE = ['p0', 'p17', 'p299'];
const UNKNOWN_ON_PAGE = ['stranger1', 'stranger2', 'stranger3'];

/** An X timeline with one tweet per author (the adapter's `User-Name` author block). */
function timeline(handles: readonly string[]): string {
  const tweets = handles.map(
    (h, i) => `<article data-testid="tweet" role="article"><div data-testid="User-Name"><a href="/${h}" role="link"><span>${escapeHtml(h)}</span></a><a href="/${h}" role="link"><span>@${escapeHtml(h)}</span></a></div>
<div data-testid="tweetText" lang="en"><span>post ${i}</span></div><a href="/${h}/status/${i + 1}"><time datetime="2026-11-01T10:00:00.000Z">Nov 1</time></a></article>`,
  );
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Home / X</title></head>
<body><main role="main"><section aria-label="Timeline: Your Home Timeline">${tweets.join('\n')}</section></main></body></html>`;
}

let browser: Launched;
let server: SiteServer;
let dir: string;
let options: Page;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kindred-known-'));
  const rows = Array.from({ length: PEOPLE }, (_, i) => `k${i},First${i},Last${i},@p${i}`);
  writeFileSync(join(dir, 'people.csv'), ['external_id,first_name,last_name,x', ...rows].join('\n') + '\n');
  const page = timeline([...KNOWN_ON_PAGE, ...UNKNOWN_ON_PAGE].sort());
  server = await startSiteServer((url) => (url.hostname === 'x.com' && url.pathname === '/home' ? { body: page } : null));
  browser = await launchBrowser({ port: server.port });
  options = browser.installTab ?? (await browser.context.newPage());
  await extensionPage(browser.context, browser.extensionId, 'options.html', options);
  await options.getByLabel('Import CSV').setInputFiles(join(dir, 'people.csv'));
  await options.getByRole('status').filter({ hasText: /Imported 300 rows/ }).waitFor({ timeout: 30_000 });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The saved index's header and whether it is current, read from an extension page. */
const savedIndex = (page: Page) => run(page, knownIndexState, undefined);

/**
 * Holds Kindred's database behind an upgrade that never finishes (its versionchange transaction
 * kept busy), so no connection can open it until `release`: what a slow store open looks like.
 */
async function holdStore(page: Page): Promise<() => Promise<void>> {
  await page.evaluate(async () => {
    const w = window as unknown as { __release?: boolean; __spins?: number };
    w.__release = false;
    w.__spins = 0;
    const current = (await indexedDB.databases()).find((d) => d.name === 'kindred')!.version!;
    await new Promise<void>((holding, failed) => {
      const request = indexedDB.open('kindred', current + 1);
      request.onupgradeneeded = () => {
        const tx = request.transaction!;
        const meta = tx.objectStore('meta');
        const spin = () => {
          if (w.__release) return tx.abort();
          w.__spins!++;
          meta.get('spin').onsuccess = spin;
        };
        spin();
        holding();
      };
      request.onsuccess = () => failed(new Error('the upgrade was not held'));
      request.onerror = () => undefined; // the abort, on release
    });
  });
  return async () => {
    await page.evaluate(() => void ((window as unknown as { __release: boolean }).__release = true));
  };
}

const spins = (page: Page) => page.evaluate(() => (window as unknown as { __spins: number }).__spins);

const visibleHandles = async (page: Page) =>
  (await badgeStates(page))
    .filter((b) => b.visible)
    .map((b) => handleOf(b.href))
    .sort();

describe('the known-identity index', () => {
  it('is saved after an import, holding every linked profile', async () => {
    await expect.poll(async () => (await savedIndex(options))?.count, { timeout: 15_000 }).toBe(PEOPLE);
    expect((await savedIndex(options))!.current).toBe(true);
  });

  it('badges the known people of a timeline while the store cannot open, and the store agrees once it opens', async () => {
    const { context, extensionId } = browser;
    const release = await holdStore(options);
    try {
      await stopServiceWorker(context, extensionId);
      const home = await context.newPage();
      const before = await spins(options);
      await home.goto('https://x.com/home');
      // Every author gets a host; the known ones' badges show, answered by the woken worker.
      await expect.poll(async () => (await badgeStates(home)).length, { timeout: 10_000 }).toBe(KNOWN_ON_PAGE.length + UNKNOWN_ON_PAGE.length);
      await expect.poll(() => visibleHandles(home), { timeout: 10_000 }).toEqual([...KNOWN_ON_PAGE].sort());
      // …and the store was held all along: the upgrade is still running.
      expect(await spins(options)).toBeGreaterThan(before);
      await release();
      // The store opens and checks the answers: nothing changes on the page.
      await home.waitForTimeout(1_500);
      expect(await visibleHandles(home)).toEqual([...KNOWN_ON_PAGE].sort());
      await home.close();
    } finally {
      await release();
    }
  });

  it('is not used once a change is marked after it was built: the worker waits for the store', async () => {
    const { context, extensionId } = browser;
    await run(options, markKnownIndexChanged, undefined);
    // Reopen the options page: its own connection closed when the store was held the first time.
    await extensionPage(context, extensionId, 'options.html', options);
    const release = await holdStore(options);
    let home: Page | null = null;
    try {
      await stopServiceWorker(context, extensionId);
      home = await context.newPage();
      await home.goto('https://x.com/home');
      await expect.poll(async () => (await badgeStates(home!)).length, { timeout: 10_000 }).toBe(KNOWN_ON_PAGE.length + UNKNOWN_ON_PAGE.length);
      await home.waitForTimeout(2_000);
      expect(await visibleHandles(home)).toEqual([]);
      await release();
      await expect.poll(() => visibleHandles(home!), { timeout: 10_000 }).toEqual([...KNOWN_ON_PAGE].sort());
    } finally {
      await release();
      await home?.close();
    }
    // The worker found the index stale and builds a new one in the background (10 s after start).
    await expect
      .poll(async () => {
        const saved = await savedIndex(options);
        return saved !== null && saved.changedAt !== null && saved.current && saved.count === PEOPLE;
      }, { timeout: 30_000, interval: 500 })
      .toBe(true);
  });
});

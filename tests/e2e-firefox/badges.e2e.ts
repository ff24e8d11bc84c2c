// In-page badges (tests/e2e/badges.e2e.ts) in real Firefox ESR with the built dist/firefox, on the
// real saved X home timeline (../shared/fixtures/pages/x/home-timeline-loggedin-regenerate.html)
// served at https://x.com/home: import → a host after every author link, visible exactly for known
// people → infinite scroll → virtualised row reuse → click a badge → the sidebar / popup on that
// person → the page learns nothing → quiet mode and the per-site switch inject nothing.
// Badge state is read through WebDriver BiDi (./badge-probe.ts): the badge is in a CLOSED root.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ElementHandle, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { xProfilePage } from '../../scripts/demo/pages';
import { launchFirefox, openExtensionPage, poll, setViewport, tabIdOf, waitForBadge, type FirefoxLaunched } from '../../scripts/lib/firefox-harness';
import { sleep, startSiteServer, type SiteResponse, type SiteServer } from '../../scripts/lib/harness';
import { fixturePagesDir } from '../e2e/fixtures';
import { CSV, HASU_PROFILE, HOME, HOME_CSP, KNOWN, PEOPLE, QUOTED_AUTHORS, SAVED_HOME, SECRETS, TWEET_AUTHORS, WHO_TO_FOLLOW } from '../e2e/x-home-scenario';
import { badgeStates, clickablePoint, handleOf, HOST_TAG, type BadgeState } from './badge-probe';
import { byLabel, heading, status } from './ui';

const ALL_HOSTS = TWEET_AUTHORS.length + QUOTED_AUTHORS.length + WHO_TO_FOLLOW.length;

let server: SiteServer;
let ff: FirefoxLaunched;
let workDir: string;
let home: Page;
let homeTabId: number;
let savedHome: string;
const notes: string[] = [];
const note = (text: string) => {
  notes.push(text);
  console.log(`[badges.e2e firefox] ${text}`);
};

function routes(url: URL): SiteResponse | null {
  const path = url.pathname.replace(/\/+$/, '').toLowerCase();
  if (url.hostname !== 'x.com') return null;
  if (path === '/home') return { body: savedHome, headers: { 'content-security-policy': HOME_CSP } };
  if (path === '/hasufl') return { body: xProfilePage({ platform: 'x', handle: 'hasufl', name: 'Hasu', id: '1400000001', bio: 'Research.' }, []) };
  return null;
}

const byHandle = (states: BadgeState[], handle: string) => states.filter((s) => s.anchorTag === 'a' && handleOf(s.href) === handle.toLowerCase());
const handleOfState = (s: BadgeState): string | null =>
  s.anchorTag === 'a' ? handleOf(s.href) : s.anchorText.startsWith('@') ? s.anchorText.slice(1).toLowerCase() : null;
const sortedLower = (list: readonly string[]) => list.map((h) => h.toLowerCase()).sort();

async function statesUntil(page: Page, done: (states: BadgeState[]) => boolean, timeoutMs: number, what: string): Promise<BadgeState[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const states = await badgeStates(ff, page);
    if (done(states)) return states;
    if (Date.now() > deadline) {
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}. Hosts: ${states.map((s) => `${s.visible ? 'V' : '-'} ${s.href ?? s.anchorText}`).join(', ')}`);
    }
    await sleep(100);
  }
}

async function setSettings(patch: Record<string, unknown>): Promise<void> {
  await ff.ext(async (p) => {
    const { settings } = (await browser.storage.local.get('settings')) as { settings?: Record<string, unknown> };
    await browser.storage.local.set({ settings: { ...(settings ?? {}), ...p } });
  }, patch);
}

/** Reloads the tab and waits until its content script reported the page to the background. */
async function reloadAndWaitForReport(page: Page, tabId: number): Promise<void> {
  await ff.ext((id) => browser.storage.session.remove(`tab:${id}`), tabId);
  await page.reload({ waitUntil: 'domcontentloaded' });
  const deadline = Date.now() + 8_000;
  while (!(await ff.ext(async (id) => `tab:${id}` in (await browser.storage.session.get(`tab:${id}`)), tabId))) {
    if (Date.now() > deadline) throw new Error(`The content script of tab ${tabId} never reported after the reload`);
    await sleep(50);
  }
}

beforeAll(async () => {
  savedHome = readFileSync(join(fixturePagesDir(), SAVED_HOME), 'utf8');
  workDir = mkdtempSync(join(tmpdir(), 'kindred-ff-badges-'));
  server = await startSiteServer(routes);
  ff = await launchFirefox({ port: server.port });
});

afterAll(async () => {
  await ff?.close();
  await server?.close();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
  if (notes.length > 0) console.log(`[badges.e2e firefox notes]\n- ${notes.join('\n- ')}`);
});

describe('in-page badges on the saved X home timeline (Firefox)', () => {
  it('imports the constituents through the options page', async () => {
    for (const secret of SECRETS) expect(savedHome, `the saved page itself contains ${secret}`).not.toContain(secret);
    const options = ff.installTab ?? (await openExtensionPage(ff, 'options.html'));
    await options.bringToFront();
    const csv = join(workDir, 'badges.csv');
    writeFileSync(csv, CSV);
    await ((await byLabel(options, 'Import CSV')) as ElementHandle<HTMLInputElement>).uploadFile(csv);
    await status(options, new RegExp(`Imported ${PEOPLE.length}\\b`), 15_000);
    await options.close();
  });

  it('puts a host after every author link and shows the badge exactly on known people', async () => {
    home = await ff.browser.newPage();
    await setViewport(ff.browser, home, 1280, 800);
    await home.goto(HOME, { waitUntil: 'domcontentloaded' });
    homeTabId = await tabIdOf(ff, HOME);
    await statesUntil(home, (s) => s.length >= ALL_HOSTS && s.filter((b) => b.visible).length >= 5, 10_000, 'every host and the 5 visible badges');
    await sleep(500); // nothing else arrives late
    const states = await badgeStates(ff, home);

    expect(states.every((s) => s.shadowRootMode === 'closed')).toBe(true);
    const linked = states.filter((s) => s.anchorTag === 'a');
    expect(sortedLower(linked.map((s) => handleOf(s.href)!))).toEqual(sortedLower([...TWEET_AUTHORS, ...WHO_TO_FOLLOW]));
    const quoted = states.filter((s) => s.anchorTag !== 'a');
    expect(sortedLower(quoted.map((s) => s.anchorText.replace(/^@/, '')))).toEqual(sortedLower(QUOTED_AUTHORS));
    expect(states).toHaveLength(ALL_HOSTS);
    for (const s of states) {
      const handle = handleOfState(s);
      expect(s.visible, `badge after ${s.href ?? s.anchorText}`).toBe(handle !== null && KNOWN.has(handle) && s.anchorTag === 'a');
    }
    expect(states.filter((s) => s.visible).map(handleOfState).sort()).toEqual(['hasufl', 'hasufl', 'hwchase17', 'nic__carter', 'repligate']);
    // No host inside tweet text (mentions) nor after the viewer's own links.
    const misplaced = await home.evaluate((tag) => document.querySelectorAll(`[data-testid="tweetText"] ${tag}`).length, HOST_TAG);
    expect(misplaced).toBe(0);
    expect(states.filter((s) => handleOf(s.href) === '__regenerate')).toEqual([]);
  });

  it('badges tweets that arrive by infinite scroll', async () => {
    const before = (await badgeStates(ff, home)).length;
    await home.evaluate(
      ({ handles, tag }) => {
        const cells = [...document.querySelectorAll<HTMLElement>('[data-testid="cellInnerDiv"]')];
        const template = cells.find(
          (c) => c.querySelectorAll('[data-testid="User-Name"]').length === 1 && c.querySelector('[data-testid="User-Name"] a[href]') && !c.querySelector('[data-testid="tweetText"] a'),
        )!;
        const original = new URL(template.querySelector('[data-testid="User-Name"] a[href]')!.getAttribute('href')!, location.href).pathname.split('/')[1]!;
        let y = Math.max(...cells.map((c) => c.getBoundingClientRect().bottom + scrollY));
        for (const handle of handles) {
          const clone = template.cloneNode(true) as HTMLElement;
          for (const host of clone.querySelectorAll(tag)) host.remove(); // closed roots are not cloned
          for (const a of clone.querySelectorAll('a[href]')) {
            const path = new URL(a.getAttribute('href')!, location.href).pathname.split('/');
            if (path[1]?.toLowerCase() !== original.toLowerCase()) continue;
            path[1] = handle;
            a.setAttribute('href', path.join('/'));
          }
          for (const span of clone.querySelectorAll('span')) if (span.textContent === `@${original}`) span.textContent = `@${handle}`;
          clone.style.transform = `translateY(${y}px)`;
          y += 200;
          template.parentElement!.append(clone);
        }
      },
      { handles: ['scroll_known', 'scroll_nobody'], tag: HOST_TAG },
    );
    const states = await statesUntil(
      home,
      (s) => byHandle(s, 'scroll_known').some((b) => b.visible) && byHandle(s, 'scroll_nobody').length > 0,
      5_000,
      'the appended tweets to get their badges',
    );
    expect(byHandle(states, 'scroll_known')).toHaveLength(1);
    expect(byHandle(states, 'scroll_nobody')).toHaveLength(1);
    expect(states).toHaveLength(before + 2);
    await sleep(300);
    const after = await badgeStates(ff, home);
    expect(byHandle(after, 'scroll_nobody')[0]!.visible).toBe(false);
    expect(after).toHaveLength(before + 2);
  });

  it('follows a virtualised row re-pointed at someone else, both ways', async () => {
    const repoint = (from: string, to: string) =>
      home.evaluate(
        ({ from, to }) => {
          const block = [...document.querySelectorAll('[data-testid="User-Name"]')].find(
            (b) => new URL(b.querySelector('a[href]')?.getAttribute('href') ?? '/', location.href).pathname.split('/')[1]?.toLowerCase() === from,
          )!;
          for (const a of block.querySelectorAll('a[href]')) {
            const path = new URL(a.getAttribute('href')!, location.href).pathname.split('/');
            path[1] = to;
            a.setAttribute('href', path.join('/'));
          }
        },
        { from, to },
      );
    const before = await badgeStates(ff, home);
    const willHost = byHandle(before, 'will__price')[0]!;
    const repligateHost = byHandle(before, 'repligate')[0]!;
    expect([willHost.visible, repligateHost.visible]).toEqual([false, true]);

    await repoint('will__price', 'reuse_known');
    let states = await statesUntil(home, (s) => byHandle(s, 'reuse_known').some((b) => b.visible), 5_000, 'the re-pointed row to show its badge');
    expect(byHandle(states, 'reuse_known').map((s) => s.hostId)).toEqual([willHost.hostId]); // the same host, not a second one

    await repoint('repligate', 'reuse_nobody');
    states = await statesUntil(home, (s) => byHandle(s, 'reuse_nobody').length === 1 && !byHandle(s, 'reuse_nobody')[0]!.visible, 5_000, 'the re-pointed row to hide its badge');
    expect(byHandle(states, 'reuse_nobody').map((s) => s.hostId)).toEqual([repligateHost.hostId]);
    expect(states).toHaveLength(before.length);
  });

  it('clicking a visible badge shows that person (sidebar, and the popup for the tab)', async () => {
    await home.bringToFront();
    const states = await badgeStates(ff, home);
    let index = -1;
    let point: { x: number; y: number } | null = null;
    for (const [i, s] of states.entries()) {
      if (!s.visible || s.anchorTag !== 'a') continue;
      point = await clickablePoint(home, i);
      if (point) {
        index = i;
        break;
      }
    }
    if (!point) {
      // X's rows can cover the badge; make the page's covering elements transparent to clicks (test-only).
      await home.addStyleTag({ content: '[data-testid="tweetText"], [data-testid="tweetPhoto"] { pointer-events: none !important; }' });
      index = states.findIndex((s) => s.visible && handleOf(s.href) === 'hasufl');
      point = await clickablePoint(home, index);
      note('no visible badge was reachable by a click; made tweet text/photos pointer-events:none');
    }
    expect(point, 'no point on any visible badge reaches the button').not.toBeNull();
    const target = states[index]!;
    const person = PEOPLE.find((p) => handleOf(p.x.replace(/^@/, '')) === handleOf(target.href))!;
    await home.mouse.click(point!.x, point!.y);

    // The background records whom to show (the tab's `focus`).
    const focus = await poll(
      await ff.probe(),
      async (id) => ((await browser.storage.session.get(`tab:${id}`))[`tab:${id}`] as { focus?: unknown } | undefined)?.focus ?? null,
      homeTabId,
      5_000,
      'the badge click to reach the background',
    );
    expect(focus).toEqual({ platform: 'x', handle: handleOf(target.href) });
    // What the user sees: Firefox refuses sidebarAction.open() from the background (no user input
    // there; src/browser.ts openSidePanelForTab), so the toolbar popup opens on that person, or,
    // where Firefox needs a gesture for that too (ESR 140), a small window with the popup page.
    const shown = await poll(
      await ff.probe(),
      (tabId) => {
        const views = [
          ...browser.extension.getViews({ type: 'popup' }).map((v) => ({ v, how: 'toolbar popup' })),
          ...browser.extension.getViews({ type: 'tab' }).filter((v) => v.location.search === `?tab=${tabId}`).map((v) => ({ v, how: 'popup window' })),
        ];
        return views.map(({ v, how }) => ({ how, name: v.document.querySelector('h1')?.textContent ?? '' })).find((x) => x.name !== '') ?? null;
      },
      homeTabId,
      5_000,
      'the toolbar popup (or a popup window) to open with a card',
    );
    expect(shown.name).toBe(person.name);
    const sidebarOpen = await ff.ext(() => (browser as unknown as { sidebarAction: { isOpen(d: object): Promise<boolean> } }).sidebarAction.isOpen({}), null);
    note(`after the badge click: ${shown.how} shows "${shown.name}"; sidebar open: ${sidebarOpen}`);
    // The popup for the tab (as the Chromium test's fallback) reads the same focus.
    const popup = await openExtensionPage(ff, `popup.html?tab=${homeTabId}`);
    await heading(popup, person.name);
    await popup.close();
  });

  it('the page learns nothing: hosts after known and unknown people are indistinguishable', async () => {
    const seen = await home.evaluate(async (tag) => {
      const hosts = [...document.querySelectorAll<HTMLElement>(tag)].map((host) => {
        const style = getComputedStyle(host);
        let attachShadow = 'allowed';
        try {
          host.attachShadow({ mode: 'open' });
        } catch (error) {
          attachShadow = (error as Error).name;
        }
        return {
          href: host.parentElement?.closest('[href]')?.getAttribute('href') ?? null,
          rendered: host.getClientRects().length > 0,
          shadowRootIsNull: host.shadowRoot === null,
          fingerprint: {
            outerHTML: host.outerHTML,
            childNodes: host.childNodes.length,
            size: [host.getBoundingClientRect().width, host.getBoundingClientRect().height, host.scrollWidth, host.scrollHeight],
            attachShadow,
            style: ['position', 'width', 'height', 'visibility', 'opacity', 'z-index', 'overflow', 'vertical-align', 'pointer-events', 'cursor']
              .map((p) => `${p}:${style.getPropertyValue(p)}`),
          },
        };
      });
      return { hosts, html: document.documentElement.outerHTML, text: document.body.innerText };
    }, HOST_TAG);
    const states = await badgeStates(ff, home);
    expect(seen.hosts.length).toBe(states.length);
    expect(states.some((s) => s.visible) && states.some((s) => !s.visible)).toBe(true);
    expect(seen.hosts.every((h) => h.shadowRootIsNull)).toBe(true);
    const rendered = seen.hosts.filter((h) => h.rendered);
    const reference = rendered[0]!.fingerprint;
    expect(reference.outerHTML).toBe(`<${HOST_TAG}></${HOST_TAG}>`);
    expect(reference.size).toEqual([16, 13, 16, 13]);
    const afterLinks = rendered.filter((h) => h.href !== null);
    expect(afterLinks.some((h) => KNOWN.has(handleOf(h.href) ?? ''))).toBe(true);
    expect(afterLinks.some((h) => !KNOWN.has(handleOf(h.href) ?? ''))).toBe(true);
    for (const host of rendered) expect(host.fingerprint, `host after ${host.href}`).toEqual(reference);
    for (const secret of SECRETS) {
      expect(seen.html, `page DOM contains ${secret}`).not.toContain(secret);
      expect(seen.text, `page text contains ${secret}`).not.toContain(secret);
    }
  });

  it('quiet mode and the per-site switch inject nothing; the toolbar badge still works', async () => {
    const profile = await ff.browser.newPage();
    await profile.goto(HASU_PROFILE, { waitUntil: 'domcontentloaded' });
    const profileTabId = await tabIdOf(ff, HASU_PROFILE);
    await waitForBadge(ff, profileTabId, (t) => t !== '', 5_000);

    const cases: [string, Record<string, unknown>][] = [
      ['quiet', { quiet: true }],
      ['x badges off', { quiet: false, sites: { x: { recognize: true, badges: false } } }],
    ];
    for (const [name, patch] of cases) {
      await setSettings(patch);
      await reloadAndWaitForReport(home, homeTabId);
      await sleep(1_000); // well past the content script's idle-time scan
      expect((await badgeStates(ff, home)).length, `${name}: hosts in the page`).toBe(0);

      await ff.ext((id) => browser.action.setBadgeText({ tabId: id, text: '' }), profileTabId);
      await profile.reload({ waitUntil: 'domcontentloaded' });
      expect(await waitForBadge(ff, profileTabId, (t) => t !== '', 5_000), `${name}: toolbar badge`).not.toBe('');
    }

    await setSettings({ quiet: false, sites: {} });
    await reloadAndWaitForReport(home, homeTabId);
    const states = await statesUntil(home, (s) => s.filter((b) => b.visible).length >= 5, 8_000, 'badges after switching them back on');
    expect(states.length).toBe(ALL_HOSTS);
    await profile.close();
  });
});

/** In functions evaluated in extension pages: the extension API (module-scoped, not a global). */
declare const browser: import('webextension-polyfill').Browser;

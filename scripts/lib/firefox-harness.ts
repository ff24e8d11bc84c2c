// Drives the built dist/firefox in real headless Firefox ESR: puppeteer-core over WebDriver BiDi
// (no geckodriver, no downloads), pages served at the real site URLs by the same local HTTPS
// server as the Chromium harness. Measured recipe and every quirk handled here:
// ../../../shared/firefox-e2e.md (referred to as "recipe §N" below).
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { DEFAULT_HOSTS, repoRoot, sleep } from './harness';

/** In functions evaluated in extension pages: the extension API (module-scoped, not a global). */
declare const browser: import('webextension-polyfill').Browser;

export const defaultFirefoxExtensionDir = join(repoRoot, 'dist/firefox');

/**
 * The moz-extension:// host of the extension in tests, pinned by the `extensions.webextensions.uuids`
 * pref (recipe §5); the counterpart of Chrome's path-derived extension id.
 */
export const EXTENSION_UUID = '6b1d5c52-4e1f-4c7a-9d0e-00000000e2e0';

export function firefoxPath(): string {
  const path = process.env.FIREFOX_PATH || '/usr/bin/firefox-esr';
  if (!existsSync(path)) {
    throw new Error(
      `Firefox was not found at ${path}. Install it (Debian: apt-get install -y firefox-esr) or set FIREFOX_PATH ` +
        'to a Firefox (ESR 140 or newer) binary.',
    );
  }
  return path;
}

/** `browser_specific_settings.gecko.id` of a built extension. */
export function geckoIdOf(extensionDir: string): string {
  const manifest = JSON.parse(readFileSync(join(extensionDir, 'manifest.json'), 'utf8')) as {
    browser_specific_settings?: { gecko?: { id?: string } };
  };
  const id = manifest.browser_specific_settings?.gecko?.id;
  if (!id) throw new Error(`${extensionDir}/manifest.json has no browser_specific_settings.gecko.id (needed to pin its UUID)`);
  return id;
}

export interface FirefoxLaunchOptions {
  extensionDir?: string;
  /** Reuse a profile (restart scenarios); a fresh temp dir otherwise, removed by close(). */
  profileDir?: string;
  /** Port of the site server that the hosts map to. */
  port: number;
  hosts?: readonly string[];
  /**
   * Event-page idle timeout (ms) before Firefox suspends the background
   * (`extensions.background.idle.timeout`, 30 s by default). Short values make unloads testable.
   */
  backgroundIdleMs?: number;
  /**
   * Answer `permissions.request` for optional permissions with "Allow" instead of showing the
   * door-hanger nobody can click in a headless run (`extensions.webextOptionalPermissionPrompts`).
   * The request must still come from a user gesture: Firefox checks that before the pref.
   */
  autoAllowPermissionRequests?: boolean;
  extraPrefs?: Record<string, string | number | boolean>;
}

export interface FirefoxLaunched {
  browser: Browser;
  /** The gecko id (`kindred@…`). */
  extensionId: string;
  /** `moz-extension://<EXTENSION_UUID>` */
  origin: string;
  profileDir: string;
  /**
   * The options tab the extension opens from `runtime.onInstalled` on a fresh profile, if it did.
   * launchFirefox waits for it: Firefox's `runtime.openOptionsPage` takes over an options tab the
   * test has just opened (its elements then die under the test, "can't access dead object").
   */
  installTab: Page | null;
  /** A background tab on an extension page, for reading extension state (badges, tabs, storage). */
  probe(): Promise<Page>;
  /** Closes the probe tab, so no extension page is open (lets the event page go idle). */
  closeProbe(): Promise<void>;
  /** Runs `fn(arg)` in an extension page, where the `browser` namespace is the extension's API. */
  ext<A, R>(fn: (arg: A) => R | Promise<R>, arg: A): Promise<R>;
  close(): Promise<void>;
}

/**
 * Prefs for a test profile. Loopback only (recipe §3: with MOZ_REMOTE_SETTINGS_DEVTOOLS=1 in the
 * environment these leave no DNS query and no connection outside 127.0.0.1).
 */
export function firefoxPrefs(options: {
  port: number;
  hosts: readonly string[];
  geckoId: string;
  backgroundIdleMs?: number;
  autoAllowPermissionRequests?: boolean;
}): Record<string, string | number | boolean> {
  return {
    // Firefox has no host-resolver-rules: these names resolve to 127.0.0.1 and :443 goes to the server.
    'network.dns.localDomains': options.hosts.join(','),
    'network.socket.forcePort': `443=${options.port}`,
    'extensions.webextensions.uuids': JSON.stringify({ [options.geckoId]: EXTENSION_UUID }),
    // A temporary add-on is uninstalled when Firefox quits; keep its IndexedDB, storage and UUID
    // so a relaunch on the same profile finds the user's data (what `web-ext run` does too).
    'extensions.webextensions.keepStorageOnUninstall': true,
    'extensions.webextensions.keepUuidOnUninstall': true,
    ...(options.backgroundIdleMs !== undefined ? { 'extensions.background.idle.timeout': options.backgroundIdleMs } : {}),
    ...(options.autoAllowPermissionRequests ? { 'extensions.webextOptionalPermissionPrompts': false } : {}),
    // Money and dates in the UI follow the locale; pin it like the Chromium harness does.
    'intl.locale.requested': 'en-US',
    'intl.accept_languages': 'en-US, en',
    'network.captive-portal-service.enabled': false,
    'network.connectivity-service.enabled': false,
    'network.dns.disablePrefetch': true,
    'network.trr.mode': 5,
    'browser.shell.checkDefaultBrowser': false,
    'datareporting.policy.dataSubmissionEnabled': false,
    'toolkit.telemetry.enabled': false,
  };
}

export async function launchFirefox(options: FirefoxLaunchOptions): Promise<FirefoxLaunched> {
  const extensionDir = resolve(options.extensionDir ?? process.env.KINDRED_FIREFOX_EXTENSION ?? defaultFirefoxExtensionDir);
  if (!existsSync(join(extensionDir, 'manifest.json'))) {
    throw new Error(`No built extension at ${extensionDir} (manifest.json missing). Run \`npm run build\` first.`);
  }
  const geckoId = geckoIdOf(extensionDir);
  const ownProfile = options.profileDir === undefined;
  const profileDir = options.profileDir ?? mkdtempSync(join(tmpdir(), 'kindred-ff-profile-'));
  // Firefox writes crash-report folders under $HOME (recipe §7): keep them out of the real home.
  const home = mkdtempSync(join(tmpdir(), 'kindred-ff-home-'));
  let browser: Browser | undefined;
  try {
    browser = await puppeteer.launch({
      browser: 'firefox', // => WebDriver BiDi, no geckodriver
      executablePath: firefoxPath(),
      headless: true, // plain --headless, no Xvfb
      userDataDir: profileDir,
      acceptInsecureCerts: true, // the self-signed server; unlike Chromium this also covers the background's fetch()
      // Lets BiDi navigate a tab to moz-extension:// (ESR 153; ESR 140 allows it without).
      args: ['--remote-allow-system-access'],
      // MOZ_REMOTE_SETTINGS_DEVTOOLS: else ESR ignores puppeteer's dummy remote-settings server.
      env: { ...process.env, HOME: home, MOZ_REMOTE_SETTINGS_DEVTOOLS: '1' },
      extraPrefsFirefox: {
        ...firefoxPrefs({
          port: options.port,
          hosts: options.hosts ?? DEFAULT_HOSTS,
          geckoId,
          ...(options.backgroundIdleMs !== undefined ? { backgroundIdleMs: options.backgroundIdleMs } : {}),
          ...(options.autoAllowPermissionRequests !== undefined ? { autoAllowPermissionRequests: options.autoAllowPermissionRequests } : {}),
        }),
        ...options.extraPrefs,
      },
    });
    // BiDi webExtension.install {type:'path'}: a temporary add-on, host permissions granted (recipe §4).
    const installed = await browser.installExtension(extensionDir);
    if (installed !== geckoId) throw new Error(`Firefox installed the extension as ${installed}, expected ${geckoId}`);
  } catch (error) {
    await browser?.close().catch(() => undefined);
    if (ownProfile) rmSync(profileDir, { recursive: true, force: true });
    rmSync(home, { recursive: true, force: true });
    throw error;
  }

  const launchedBrowser = browser;
  const origin = `moz-extension://${EXTENSION_UUID}`;
  const installTab = await findExtensionTab({ browser: launchedBrowser, origin }, 'options.html', 2_000);
  let probePage: Page | null = null;
  let closed = false;
  const launched: FirefoxLaunched = {
    browser: launchedBrowser,
    extensionId: geckoId,
    origin,
    profileDir,
    installTab,
    async probe() {
      if (probePage && !probePage.isClosed()) return probePage;
      // Any extension document gets the `browser` namespace; the popup without a tab is a light one.
      probePage = await openExtensionPage(launched, 'popup.html?probe=1');
      return probePage;
    },
    async closeProbe() {
      const page = probePage;
      probePage = null;
      if (page && !page.isClosed()) await page.close();
    },
    async ext(fn, arg) {
      const page = await launched.probe();
      return page.evaluate(fn as (a: unknown) => unknown, arg) as Promise<Awaited<ReturnType<typeof fn>>>;
    },
    async close() {
      if (closed) return;
      closed = true;
      await launchedBrowser.close().catch(() => undefined);
      if (ownProfile) rmSync(profileDir, { recursive: true, force: true });
      rmSync(home, { recursive: true, force: true });
    },
  };
  return launched;
}

// ---------------------------------------------------------------------------------------------
// Pages

/**
 * Polls `fn(arg)` in the page until it returns something truthy. `page.waitForFunction` aborts
 * ("Waiting failed") in extension pages on ESR 140 (recipe §7); plain evaluate does not.
 */
export async function poll<A, R>(page: Page, fn: (arg: A) => R | Promise<R>, arg: A, timeoutMs = 10_000, what?: string): Promise<NonNullable<Awaited<R>>> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = (await page.evaluate(fn as (a: unknown) => unknown, arg)) as Awaited<R>;
      if (value) return value as NonNullable<Awaited<R>>;
    } catch (error) {
      lastError = error; // the document is being replaced; try again
    }
    if (Date.now() > deadline) {
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what ?? String(fn)}${lastError ? ` (last error: ${String(lastError)})` : ''}`);
    }
    await sleep(50);
  }
}

/** The BiDi browsing context behind a puppeteer page (puppeteer internals, typed here). */
interface BidiFrame {
  browsingContext: { id: string; navigate(url: string, wait: 'none' | 'interactive' | 'complete'): Promise<unknown> };
}
const contextOf = (page: Page) => (page.mainFrame() as unknown as BidiFrame).browsingContext;

/**
 * Opens an extension page (`options.html`, `popup.html?tab=3`) in a new tab or in `page`.
 * `page.goto('moz-extension://…')` never settles (Firefox sends no BiDi load event for extension
 * documents), so: raw `browsingContext.navigate`, then poll the document (recipe §5). Inside the
 * page use `location.href`; `page.url()` stays about:blank.
 */
export async function openExtensionPage(launched: Pick<FirefoxLaunched, 'browser' | 'origin'>, path: string, page?: Page): Promise<Page> {
  const target = page ?? (await launched.browser.newPage());
  const url = `${launched.origin}/${path.replace(/^\//, '')}`;
  const loaded = () => poll(target, (href) => location.href === href && document.readyState === 'complete', url, 5_000, `${url} to load`);
  for (let attempt = 1; ; attempt++) {
    try {
      // Not awaited: on ESR 140 the command sometimes never answers (even with wait 'none') or
      // answers "A new navigation interrupted an unfinished navigation" while the tab's first
      // about:blank load settles, though the page loads. The document is the truth; else try again.
      contextOf(target).navigate(url, 'none').catch(() => undefined);
      await loaded();
      return target;
    } catch (error) {
      if (attempt === 3) throw error;
    }
  }
}

/**
 * Sets the page's viewport with WebDriver BiDi `browsingContext.setViewport` directly: puppeteer's
 * `page.setViewport` also sends `emulation.setScreenOrientationOverride`, unknown to ESR 140.
 */
export async function setViewport(browser: Browser, page: Page, width: number, height: number): Promise<void> {
  const connection = (browser as unknown as { connection: { send(method: string, params: unknown): Promise<unknown> } }).connection;
  await connection.send('browsingContext.setViewport', { context: contextOf(page).id, viewport: { width, height } });
}

/** The tab showing `path` of the extension (e.g. the options page `runtime.onInstalled` opens), if any. */
export async function findExtensionTab(launched: Pick<FirefoxLaunched, 'browser' | 'origin'>, path: string, timeoutMs = 2_000): Promise<Page | null> {
  const prefix = `${launched.origin}/${path}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const page of await launched.browser.pages()) {
      const href = await page.evaluate(() => location.href).catch(() => '');
      if (href.startsWith(prefix)) return page;
    }
    if (Date.now() > deadline) return null;
    await sleep(100);
  }
}

/**
 * Evaluates `expression` in the page with WebDriver BiDi's node serialization that includes CLOSED
 * shadow roots (`includeShadowTree: 'all'`): how a test reads Kindred's in-page badges, which
 * neither the page nor `page.evaluate` can open (Chromium's counterpart: CDP DOM.getDocument pierce).
 */
export async function evaluateWithShadowTrees(browser: Browser, page: Page, expression: string, maxDomDepth = 4): Promise<BidiValue> {
  const connection = (browser as unknown as { connection: { send(method: string, params: unknown): Promise<unknown> } }).connection;
  const response = (await connection.send('script.evaluate', {
    expression,
    target: { context: contextOf(page).id },
    awaitPromise: true,
    resultOwnership: 'none',
    serializationOptions: { maxDomDepth, includeShadowTree: 'all' },
  })) as { result: { type: 'success'; result: BidiValue } | { type: 'exception'; exceptionDetails: { text: string } } };
  const answer = response.result;
  if (answer.type === 'exception') throw new Error(`script.evaluate threw: ${answer.exceptionDetails.text}`);
  return answer.result;
}

/** A WebDriver BiDi remote value (the parts the tests read). */
export interface BidiValue {
  type: string;
  value?: unknown;
  sharedId?: string;
}
export interface BidiNodeValue {
  nodeType: number;
  localName?: string;
  nodeValue?: string;
  mode?: 'open' | 'closed';
  attributes?: Record<string, string>;
  childNodeCount?: number;
  children?: { type: 'node'; sharedId?: string; value?: BidiNodeValue }[];
  shadowRoot?: { type: 'node'; sharedId?: string; value?: BidiNodeValue } | null;
}

// ---------------------------------------------------------------------------------------------
// Extension state, read from an extension page

/** The extension API's id of the tab whose URL starts with `urlPrefix` (host permission shows tab.url). */
export async function tabIdOf(launched: FirefoxLaunched, urlPrefix: string, timeoutMs = 5_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const id = await launched.ext(async (prefix) => {
      const tabs = await browser.tabs.query({});
      return tabs.filter((t) => (t.url ?? '').startsWith(prefix)).at(-1)?.id ?? null;
    }, urlPrefix);
    if (id !== null) return id;
    if (Date.now() > deadline) throw new Error(`No tab found with a URL starting ${urlPrefix}`);
    await sleep(50);
  }
}

export const badgeText = (launched: FirefoxLaunched, tabId: number): Promise<string> =>
  launched.ext((id) => browser.action.getBadgeText({ tabId: id }), tabId);

export const actionTitle = (launched: FirefoxLaunched, tabId: number): Promise<string> =>
  launched.ext((id) => browser.action.getTitle({ tabId: id }), tabId);

/** Polls the tab's toolbar badge until `predicate` holds. */
export async function waitForBadge(launched: FirefoxLaunched, tabId: number, predicate: (text: string) => boolean, timeoutMs = 5_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = await badgeText(launched, tabId);
    if (predicate(text)) return text;
    if (Date.now() > deadline) throw new Error(`Badge of tab ${tabId} is still ${JSON.stringify(text)} after ${timeoutMs} ms`);
    await sleep(50);
  }
}

/** Waits until the tab has reported a profile (tooltip no longer the default) and returns its badge. */
export async function settledBadge(launched: FirefoxLaunched, tabId: number, timeoutMs = 5_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while ((await actionTitle(launched, tabId)) === 'Kindred') {
    if (Date.now() > deadline) throw new Error(`Tab ${tabId} never reported a profile (action title still "Kindred")`);
    await sleep(50);
  }
  return badgeText(launched, tabId);
}

/**
 * A marker on the background's global object, or null when the running background never had one:
 * `runtime.getBackgroundPage()` is the Firefox counterpart of Chromium's `serviceWorker.evaluate`
 * (recipe §5). It wakes a suspended event page, so reading it starts a new instance.
 */
export const backgroundMarker = (launched: FirefoxLaunched): Promise<string | null> =>
  launched.ext(async () => ((await browser.runtime.getBackgroundPage()) as unknown as { __e2eInstance?: string }).__e2eInstance ?? null, null);

export const setBackgroundMarker = (launched: FirefoxLaunched, value: string): Promise<void> =>
  launched.ext(async (v) => {
    ((await browser.runtime.getBackgroundPage()) as unknown as { __e2eInstance?: string }).__e2eInstance = v;
  }, value);

/**
 * Leaves the extension idle long enough for Firefox to suspend its event page: marks the running
 * background, closes the probe tab (no extension page open) and waits three idle timeouts
 * (`backgroundIdleMs` at launch). There is no counterpart of CDP's stopAllWorkers; the idle timeout
 * is the lever (recipe §5). Afterwards `backgroundMarker()` is null if it did unload (reading it
 * wakes the background, so read it only after whatever should find the background suspended).
 */
export async function idleUntilUnloaded(launched: FirefoxLaunched, idleMs: number): Promise<void> {
  await setBackgroundMarker(launched, 'before-unload');
  await launched.closeProbe();
  await sleep(idleMs * 3);
}

/**
 * Grants origins to the extension the way the user does in about:addons (BiDi chrome scope). ESR 153
 * and newer only: on ESR 140 `moz:scope` is ignored (recipe §4). Returns false where unsupported.
 */
export async function grantOrigins(launched: FirefoxLaunched, origins: readonly string[]): Promise<boolean> {
  const connection = (launched.browser as unknown as { connection: { send(method: string, params: unknown): Promise<unknown> } }).connection;
  const tree = (await connection.send('browsingContext.getTree', { 'moz:scope': 'chrome' })) as { result: { contexts: { context: string; url: string }[] } };
  const chrome = tree.result.contexts.find((c) => c.url.startsWith('chrome://'));
  if (!chrome) return false;
  const id = JSON.stringify(launched.extensionId);
  await connection.send('script.evaluate', {
    target: { context: chrome.context },
    awaitPromise: true,
    expression: `(async () => {
      const { ExtensionPermissions } = ChromeUtils.importESModule('resource://gre/modules/ExtensionPermissions.sys.mjs');
      await ExtensionPermissions.add(${id}, { permissions: [], origins: ${JSON.stringify(origins)} }, WebExtensionPolicy.getByID(${id}).extension);
    })()`,
  });
  return true;
}

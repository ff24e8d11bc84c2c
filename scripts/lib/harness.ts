// Drives the built extension in real Chromium, with pages served at the real site URLs from a
// local HTTPS server. Shared by the e2e tests (tests/e2e), `npm start` and `npm run demo`.
// How and why each flag is used: ../../../shared/e2e-recipe.md.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page, type Worker } from 'playwright-core';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const defaultExtensionDir = join(repoRoot, 'dist/chrome');

/** Hosts mapped to the local site server unless `hosts` says otherwise. */
export const DEFAULT_HOSTS = ['x.com', 'twitter.com', 'mobile.x.com', 'www.facebook.com', 'facebook.com', 'm.facebook.com'];

// ---------------------------------------------------------------------------------------------
// Site server

export interface SiteResponse {
  status?: number;
  body: string | Buffer;
  /** Content type; `text/html; charset=utf-8` by default. */
  type?: string;
  headers?: Record<string, string>;
}
/** Answers one request (`url` is the full https URL with the request's Host), or null for a 404. */
export type SiteRoutes = (url: URL) => SiteResponse | null;

export interface SiteServer {
  port: number;
  /** base64 SHA-256 of the certificate's public key, for `--ignore-certificate-errors-spki-list`. */
  spki: string;
  /** Every request served, as full URLs, in order. */
  requests: string[];
  close(): Promise<void>;
}

export interface Certificate {
  key: Buffer;
  cert: Buffer;
  spki: string;
}

const CERT_NAMES = ['x.com', 'twitter.com', 'www.facebook.com', 'facebook.com', 'localhost'];

/** A throwaway self-signed certificate for the social hosts (openssl, generated in a temp dir). */
export function selfSignedCertificate(extraHosts: readonly string[] = []): Certificate {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
  } catch {
    throw new Error(
      'openssl was not found on PATH. It is needed to make the self-signed certificate for the local x.com / ' +
        'facebook.com server. Install it (Debian: apt-get install -y openssl) and try again.',
    );
  }
  const dir = mkdtempSync(join(tmpdir(), 'kindred-tls-'));
  try {
    const names = [...new Set([...CERT_NAMES, ...DEFAULT_HOSTS, ...extraHosts])];
    const san = [...names.map((n) => `DNS:${n}`), 'IP:127.0.0.1'].join(',');
    execFileSync(
      'openssl',
      [
        'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
        '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '30',
        '-subj', '/CN=x.com', '-addext', `subjectAltName=${san}`,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    const cert = readFileSync(join(dir, 'cert.pem'));
    const der = new X509Certificate(cert).publicKey.export({ type: 'spki', format: 'der' });
    return { key: readFileSync(join(dir, 'key.pem')), cert, spki: createHash('sha256').update(der).digest('base64') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** An HTTPS server on 127.0.0.1 (random port) answering for any Host. */
export async function startSiteServer(routes: SiteRoutes, options: { certificate?: Certificate } = {}): Promise<SiteServer> {
  const tls = options.certificate ?? selfSignedCertificate();
  const requests: string[] = [];
  const server: Server = createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
    let answer: SiteResponse | null;
    let url: URL | null = null;
    try {
      url = new URL(req.url ?? '/', `https://${req.headers.host ?? 'localhost'}`);
      requests.push(url.href);
      answer = routes(url);
    } catch (error) {
      answer = { status: 500, body: `Internal error: ${error instanceof Error ? error.message : String(error)}`, type: 'text/plain' };
    }
    answer ??= { status: 404, body: `<!doctype html><title>Not found</title><p>Not found: ${escapeHtml(url?.pathname ?? '')}</p>` };
    res.writeHead(answer.status ?? 200, {
      'content-type': answer.type ?? 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      ...answer.headers,
    });
    res.end(req.method === 'HEAD' ? undefined : answer.body);
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => ok());
  });
  return {
    port: (server.address() as AddressInfo).port,
    spki: tls.spki,
    requests,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}

export const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

// ---------------------------------------------------------------------------------------------
// Browser

export interface LaunchOptions {
  extensionDir?: string;
  /** Reuse a profile (restart scenarios); a fresh temp dir otherwise, removed by close(). */
  userDataDir?: string;
  /** Port of the site server that the hosts map to. */
  port: number;
  hosts?: readonly string[];
  headless?: boolean;
  /**
   * Keep the browser on loopback (`MAP * ~NOTFOUND`): every host not in `hosts` fails to resolve.
   * On by default; `npm start` turns it off so the user can still browse other sites.
   */
  isolate?: boolean;
  /**
   * Trust only this certificate key (base64 SPKI hash) instead of `--ignore-certificate-errors`,
   * which would switch off certificate checks for every site the user visits.
   */
  trustSpki?: string;
  viewport?: { width: number; height: number } | null;
  /**
   * Let Playwright close the browser on SIGINT/SIGTERM/SIGHUP (default). It then exits the process
   * itself, so a caller with its own clean-up turns this off.
   */
  handleSignals?: boolean;
  /** Browser locale (`en-US` unless given). */
  locale?: string;
  args?: string[];
  /** More unpacked extensions to load beside Kindred (the bench's empty-worker floor). */
  alsoLoad?: string[];
}

export interface Launched {
  context: BrowserContext;
  /**
   * The options tab the extension opens from `runtime.onInstalled`, if it did. Chromium reports
   * reason "install" on every launch with `--load-extension`, even on a reused profile, and the tab
   * can take over a blank tab; launchBrowser waits for it so later navigations are not interrupted.
   */
  installTab: Page | null;
  extensionId: string;
  userDataDir: string;
  /** The extension's service worker. The handle survives a worker restart (recipe gotcha 7). */
  serviceWorker(): Promise<Worker>;
  close(): Promise<void>;
}

export function chromePath(): string {
  const path = process.env.CHROME_PATH || '/usr/bin/chromium';
  if (!existsSync(path)) {
    throw new Error(
      `Chromium was not found at ${path}. Install it (Debian: apt-get install -y chromium) or set CHROME_PATH ` +
        'to a Chromium/Chrome for Testing binary.',
    );
  }
  return path;
}

/** Chrome's id for an unpacked extension: SHA-256 of its absolute path, first 32 hex digits mapped to a–p. */
export function extensionIdForPath(dir: string): string {
  const hex = createHash('sha256').update(realpathSync(dir)).digest('hex').slice(0, 32);
  return [...hex].map((c) => String.fromCharCode('a'.charCodeAt(0) + parseInt(c, 16))).join('');
}

export function hostResolverRules(port: number, hosts: readonly string[], isolate: boolean): string {
  const rules = hosts.map((host) => `MAP ${host} 127.0.0.1:${port}`);
  if (isolate) rules.push('MAP * ~NOTFOUND', 'EXCLUDE localhost', 'EXCLUDE 127.0.0.1');
  return rules.join(',');
}

export async function launchBrowser(options: LaunchOptions): Promise<Launched> {
  const extensionDir = resolve(options.extensionDir ?? defaultExtensionDir);
  if (!existsSync(join(extensionDir, 'manifest.json'))) {
    throw new Error(`No built extension at ${extensionDir} (manifest.json missing). Run \`npm run build\` first.`);
  }
  const ownProfile = options.userDataDir === undefined;
  const userDataDir = options.userDataDir ?? mkdtempSync(join(tmpdir(), 'kindred-profile-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: chromePath(),
    headless: options.headless ?? true,
    viewport: options.viewport === undefined ? { width: 1280, height: 800 } : options.viewport,
    // Money and dates in the UI follow the browser's locale; pin it so output is the same everywhere.
    locale: options.locale ?? 'en-US',
    ...(options.handleSignals === false ? { handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false } : {}),
    args: [
      `--disable-extensions-except=${[extensionDir, ...(options.alsoLoad ?? [])].join(',')}`,
      `--load-extension=${[extensionDir, ...(options.alsoLoad ?? [])].join(',')}`,
      `--host-resolver-rules=${hostResolverRules(options.port, options.hosts ?? DEFAULT_HOSTS, options.isolate ?? true)}`,
      options.trustSpki ? `--ignore-certificate-errors-spki-list=${options.trustSpki}` : '--ignore-certificate-errors',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--no-default-browser-check',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...(options.args ?? []),
    ],
  });

  const expectedId = extensionIdForPath(extensionDir);
  let worker: Worker | undefined;
  const find = () => context.serviceWorkers().find((w) => w.url().startsWith(`chrome-extension://${expectedId}/`));
  try {
    worker = find() ?? (await context.waitForEvent('serviceworker', { predicate: (w) => w.url().startsWith(`chrome-extension://${expectedId}/`), timeout: 5_000 }).catch(() => undefined));
    if (!worker) {
      // A profile that already has the extension does not always start its worker at launch; any
      // extension page that wakes it (the options page talks to the background) brings it up.
      const page = await context.newPage();
      await page.goto(`chrome-extension://${expectedId}/options.html`).catch(() => undefined);
      worker = find() ?? (await context.waitForEvent('serviceworker', { timeout: 15_000 }).catch(() => undefined)) ?? find();
      await page.close().catch(() => undefined);
    }
    if (!worker) {
      throw new Error(
        `The extension's service worker did not start (expected id ${expectedId}, loaded from ${extensionDir}). ` +
          (loadError(extensionDir) ?? 'Chromium reported no load error; check the service worker for an exception at start-up.'),
      );
    }
  } catch (error) {
    await context.close().catch(() => undefined);
    if (ownProfile) rmSync(userDataDir, { recursive: true, force: true });
    throw error;
  }
  const extensionId = new URL(worker.url()).host;
  const installTab = await optionsTabOpenedOnInstall(context, extensionId, 2_000);
  let closed = false;
  return {
    context,
    installTab,
    extensionId,
    userDataDir,
    async serviceWorker() {
      const current = find();
      if (current) worker = current;
      return worker!;
    },
    async close() {
      if (closed) return;
      closed = true;
      await context.close().catch(() => undefined);
      if (ownProfile) rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Why Chromium refused an unpacked extension (bad manifest, missing file…). Chromium only says so in
 * its log, so on failure a second, short-lived headless run with logging on reads it from there.
 */
function loadError(extensionDir: string): string | null {
  const profile = mkdtempSync(join(tmpdir(), 'kindred-diagnose-'));
  try {
    const result = spawnSync(
      chromePath(),
      ['--headless', '--no-sandbox', `--user-data-dir=${profile}`, `--disable-extensions-except=${extensionDir}`,
        `--load-extension=${extensionDir}`, '--enable-logging=stderr', '--v=0', 'about:blank'],
      { encoding: 'utf8', timeout: 8_000 },
    );
    const line = `${result.stderr ?? ''}`.split('\n').find((l) => l.includes('Failed to load extension'));
    return line ? `Chromium says: ${line.replace(/^.*?Extension error: /, '').trim()}` : null;
  } catch {
    return null;
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// Helpers

/** Opens an extension page (e.g. `options.html`, `popup.html?tab=3`) in a new tab. */
export async function extensionPage(context: BrowserContext, extensionId: string, path: string, page?: Page): Promise<Page> {
  const target = page ?? (await context.newPage());
  await target.goto(`chrome-extension://${extensionId}/${path.replace(/^\//, '')}`);
  return target;
}

/** The extension's options tab opened by `runtime.onInstalled`, if it is (or becomes) open. */
export async function optionsTabOpenedOnInstall(context: BrowserContext, extensionId: string, timeoutMs = 2_000): Promise<Page | null> {
  // A new tab's url is about:blank until its first navigation commits, so poll rather than filter the event.
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = context.pages().find((p) => p.url().startsWith(`chrome-extension://${extensionId}/options.html`));
    if (open) return open;
    if (Date.now() > deadline) return null;
    await sleep(50);
  }
}

export async function badgeText(sw: Worker, tabId: number): Promise<string> {
  return sw.evaluate((id) => chrome.action.getBadgeText({ tabId: id }), tabId);
}

/** The toolbar button's tooltip for a tab (the background words it by what the tab shows). */
export async function actionTitle(sw: Worker, tabId: number): Promise<string> {
  return sw.evaluate((id) => chrome.action.getTitle({ tabId: id }), tabId);
}

/**
 * The Chrome tab id of the tab whose URL starts with `urlPrefix`. The extension has no `tabs`
 * permission; `tab.url` is visible for the hosts it runs on, and otherwise the background's own
 * per-tab record in `storage.session` (`tab:<id>` → `{url}`) names the tab.
 */
export async function tabIdOf(sw: Worker, urlPrefix: string, timeoutMs = 5_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const id = await sw.evaluate(async (prefix) => {
      const tabs = await chrome.tabs.query({});
      const hit = tabs.filter((t) => (t.url ?? t.pendingUrl ?? '').startsWith(prefix)).at(-1);
      if (hit?.id !== undefined) return hit.id;
      const session = (await chrome.storage.session.get(null)) as Record<string, { url?: string | null } | undefined>;
      const ids = Object.entries(session)
        .filter(([key, value]) => key.startsWith('tab:') && typeof value?.url === 'string' && value.url.startsWith(prefix))
        .map(([key]) => Number(key.slice(4)))
        .filter((n) => tabs.some((t) => t.id === n));
      return ids.at(-1) ?? null;
    }, urlPrefix);
    if (id !== null) return id;
    if (Date.now() > deadline) throw new Error(`No tab found with a URL starting ${urlPrefix}`);
    await sleep(50);
  }
}

/** Polls the tab's badge every 50 ms until `predicate` holds; returns the text and when it held. */
export async function waitForBadge(
  sw: Worker,
  tabId: number,
  predicate: (text: string) => boolean,
  timeoutMs = 5_000,
): Promise<{ text: string; at: number }> {
  const deadline = Date.now() + timeoutMs;
  let text = '';
  for (;;) {
    text = await badgeText(sw, tabId);
    if (predicate(text)) return { text, at: Date.now() };
    if (Date.now() > deadline) throw new Error(`Badge of tab ${tabId} is still ${JSON.stringify(text)} after ${timeoutMs} ms`);
    await sleep(50);
  }
}

/** Stops the extension's service worker (CDP `ServiceWorker.stopAllWorkers` from an extension page). */
export async function stopServiceWorker(context: BrowserContext, extensionId: string): Promise<void> {
  const page = await extensionPage(context, extensionId, 'manifest.json');
  try {
    const cdp = await context.newCDPSession(page);
    await cdp.send('ServiceWorker.enable');
    await cdp.send('ServiceWorker.stopAllWorkers');
    await cdp.detach();
  } finally {
    await page.close();
  }
}

/** Epoch ms of the page's DOMContentLoaded (start of the event). */
export async function domContentLoadedAt(page: Page): Promise<number> {
  return page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
    return performance.timeOrigin + (nav?.domContentLoadedEventStart ?? 0);
  });
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------
// Added for scripts/bench/sync.ts (usable by any test or bench)

/**
 * Grants an optional host permission (`http://127.0.0.1/*`…) the way a user does it on
 * chrome://extensions (Site access → Add a site): `developerPrivate.addHostPermission`. A later
 * `permissions.request` for that origin is then granted without a prompt (see settings.e2e.ts).
 */
export async function grantHostPermission(context: BrowserContext, extensionId: string, origin: string): Promise<void> {
  const page = await context.newPage();
  try {
    await page.goto('chrome://extensions/');
    await page.evaluate(
      ([id, host]) => (chrome as unknown as { developerPrivate: { addHostPermission(id: string, host: string): Promise<void> } }).developerPrivate.addHostPermission(id!, host!),
      [extensionId, origin],
    );
  } finally {
    await page.close();
  }
}

/** A DevTools protocol session on the extension's service worker. */
export interface WorkerCdp {
  /** Sends one command to the worker; rejects if the worker is gone (stopped) or the command fails. */
  send<T = unknown>(method: string, params?: Record<string, unknown>): Promise<T>;
  /** Events from the worker (`Profiler.consoleProfileFinished`…). */
  on(listener: (method: string, params: unknown) => void): void;
  detach(): Promise<void>;
}

/**
 * Attaches to the extension's service worker target through the browser's CDP session (Playwright's
 * `newCDPSession` takes pages and frames only). Non-flat mode (`Target.sendMessageToTarget`), since
 * a Playwright CDPSession cannot address a child session id. After a worker restart, attach again.
 */
export async function serviceWorkerCdp(context: BrowserContext, extensionId: string): Promise<WorkerCdp> {
  const worker = await targetCdp(context, (t) => t.type === 'service_worker' && t.url.startsWith(`chrome-extension://${extensionId}/`));
  if (!worker) throw new Error(`serviceWorkerCdp: the service worker of ${extensionId} is not running`);
  return worker;
}

// ---------------------------------------------------------------------------------------------
// Added for scripts/bench/scale.ts (usable by any test or bench)
// (An import declaration is hoisted wherever it stands; kept here so this section is self-contained.)
import { readdirSync } from 'node:fs';

/**
 * A DevTools session on any target the browser lists (a side panel page, an offscreen document…),
 * found by `match` over `Target.getTargets`; null when none matches. Non-flat mode, like
 * serviceWorkerCdp (Playwright's newCDPSession takes only pages it knows).
 */
export async function targetCdp(
  context: BrowserContext,
  match: (target: { targetId: string; type: string; url: string }) => boolean,
): Promise<(WorkerCdp & { targetId: string }) | null> {
  const browser = context.browser();
  if (!browser) throw new Error('targetCdp: no browser for this context');
  const session = await browser.newBrowserCDPSession();
  const { targetInfos } = (await session.send('Target.getTargets')) as { targetInfos: { targetId: string; type: string; url: string }[] };
  const target = targetInfos.find(match);
  if (!target) {
    await session.detach().catch(() => undefined);
    return null;
  }
  const { sessionId } = (await session.send('Target.attachToTarget', { targetId: target.targetId, flatten: false })) as { sessionId: string };
  let nextId = 0;
  let gone = false;
  const pending = new Map<number, { ok: (v: unknown) => void; fail: (e: Error) => void }>();
  const listeners: ((method: string, params: unknown) => void)[] = [];
  session.on('Target.receivedMessageFromTarget', (event: { sessionId?: string; message: string }) => {
    if (event.sessionId !== sessionId) return;
    const message = JSON.parse(event.message) as { id?: number; result?: unknown; error?: { message: string }; method?: string; params?: unknown };
    if (message.id !== undefined) {
      const p = pending.get(message.id);
      pending.delete(message.id);
      if (message.error) p?.fail(new Error(message.error.message));
      else p?.ok(message.result);
    } else if (message.method) for (const l of listeners) l(message.method, message.params);
  });
  session.on('Target.detachedFromTarget', (event: { sessionId?: string }) => {
    if (event.sessionId !== sessionId) return;
    gone = true;
    for (const p of pending.values()) p.fail(new Error('target detached'));
    pending.clear();
  });
  return {
    targetId: target.targetId,
    send<T>(method: string, params: Record<string, unknown> = {}): Promise<T> {
      if (gone) return Promise.reject(new Error('target detached'));
      const id = ++nextId;
      return new Promise<T>((ok, fail) => {
        pending.set(id, { ok: ok as (v: unknown) => void, fail });
        session.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method, params }) }).catch((e: unknown) => {
          pending.delete(id);
          fail(e instanceof Error ? e : new Error(String(e)));
        });
      });
    },
    on(listener) {
      listeners.push(listener);
    },
    async detach() {
      gone = true;
      await session.detach().catch(() => undefined);
    },
  };
}

/** Targets the browser lists (type and URL), through a short-lived browser session. */
export async function listTargets(context: BrowserContext): Promise<{ targetId: string; type: string; url: string }[]> {
  const session = await context.browser()!.newBrowserCDPSession();
  try {
    return ((await session.send('Target.getTargets')) as { targetInfos: { targetId: string; type: string; url: string }[] }).targetInfos;
  } finally {
    await session.detach().catch(() => undefined);
  }
}

/**
 * Stops the extension's service worker with CDP `ServiceWorker.stopAllWorkers` sent on a session
 * the caller already has (e.g. the social page's), and waits until the worker target is gone.
 * Unlike stopServiceWorker above, it opens and closes no tab: a closed tab fires `tabs.onRemoved`
 * (and a new one `tabs.onUpdated`), which wakes the worker again at once, so a "cold" message
 * sent a second later would find it running.
 */
export async function stopServiceWorkerQuietly(
  cdp: { send(method: 'ServiceWorker.enable' | 'ServiceWorker.stopAllWorkers'): Promise<unknown> },
  context: BrowserContext,
  extensionId: string,
  timeoutMs = 5_000,
): Promise<void> {
  await cdp.send('ServiceWorker.enable');
  await cdp.send('ServiceWorker.stopAllWorkers');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const running = (await listTargets(context)).some((t) => t.type === 'service_worker' && t.url.startsWith(`chrome-extension://${extensionId}/`));
    if (!running) return;
    if (Date.now() > deadline) throw new Error('stopServiceWorkerQuietly: the service worker is still running');
    await sleep(50);
  }
}

/** The browser process id (CDP SystemInfo.getProcessInfo), for reading its process tree from /proc. */
export async function browserProcessId(context: BrowserContext): Promise<number> {
  const session = await context.browser()!.newBrowserCDPSession();
  try {
    const { processInfo } = (await session.send('SystemInfo.getProcessInfo')) as { processInfo: { type: string; id: number }[] };
    const browser = processInfo.find((p) => p.type === 'browser');
    if (!browser) throw new Error('SystemInfo.getProcessInfo named no browser process');
    return browser.id;
  } finally {
    await session.detach().catch(() => undefined);
  }
}

export interface ChromiumProcess {
  pid: number;
  /** browser, renderer, extension renderer, gpu-process, utility <service>… */
  kind: string;
  rssBytes: number;
  /** utime + stime so far, seconds. */
  cpuSeconds: number;
}

/** The browser process and its descendants, from /proc (Linux only; empty elsewhere). */
export function chromiumProcesses(browserPid: number): ChromiumProcess[] {
  if (!existsSync('/proc/self/stat')) return [];
  const parent = new Map<number, number>();
  const cpu = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const text = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
      parent.set(Number(name), Number(fields[1]));
      cpu.set(Number(name), (Number(fields[11]) + Number(fields[12])) / 100);
    } catch {
      // exited meanwhile
    }
  }
  const out: ChromiumProcess[] = [];
  for (const pid of parent.keys()) {
    let inTree = false;
    for (let p = pid, depth = 0; p > 1 && depth < 20; p = parent.get(p) ?? 0, depth++) if (p === browserPid) inTree = true;
    if (!inTree) continue;
    try {
      const rssBytes = Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]) * 4096;
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
      const type = /--type=([\w-]+)/.exec(cmd)?.[1];
      const kind = !type
        ? 'browser'
        : type === 'renderer'
          ? cmd.includes('--extension-process') ? 'extension renderer' : 'renderer'
          : type === 'utility'
            ? `utility ${(/--utility-sub-type=([\w.]+)/.exec(cmd)?.[1] ?? '?').replace(/\.mojom\.\w+$/, '')}`
            : type;
      out.push({ pid, kind, rssBytes, cpuSeconds: cpu.get(pid) ?? 0 });
    } catch {
      // exited meanwhile
    }
  }
  return out;
}

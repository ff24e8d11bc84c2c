// Browser-side plumbing of the scale benchmark (scripts/bench/scale.ts): running scale-page.ts
// functions in extension pages and in the content script's isolated world, the CRM double of the
// network baseline, memory/CPU sampling, CPU profiles, and opening the real popup and side panel.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BrowserContext, CDPSession, Page } from 'playwright-core';
import { chromiumProcesses, listTargets, serviceWorkerCdp, targetCdp, type WorkerCdp } from '../lib/harness';
import { round, sleep } from './lib';
import * as inPage from './scale-page';

export const NETWORK_DELAY_MS = 150;
export const MB = 2 ** 20;

// ---------------------------------------------------------------------------------------------
// Statistics

export interface Dist {
  p50: number;
  p95: number;
  p99: number;
  min: number;
  max: number;
  mean: number;
  n: number;
}
/** Nearest-rank percentiles. */
export function dist(samples: readonly number[]): Dist {
  const s = samples.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  const q = (p: number) => (s.length ? s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]! : NaN);
  const r = (x: number) => round(x, 3);
  return { p50: r(q(50)), p95: r(q(95)), p99: r(q(99)), min: r(s[0] ?? NaN), max: r(s.at(-1) ?? NaN), mean: r(s.reduce((a, b) => a + b, 0) / (s.length || NaN)), n: s.length };
}
export const loadAvg = (): number[] => {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number);
  } catch {
    return [];
  }
};

// ---------------------------------------------------------------------------------------------
// Running code in the browser

/** A scale-page.ts function in an extension page's main world (tsx's keepNames needs `__name`). */
export function run<A, R>(page: Page, fn: (a: A) => R | Promise<R>, arg: A): Promise<R> {
  return page.evaluate(`(() => { globalThis.__name ??= (f) => f; return (${fn.toString()})(${JSON.stringify(arg)}); })()`) as Promise<R>;
}

/** The same in the Kindred content script's isolated world of a tab (CDP Runtime.evaluate). */
export async function runIsolated<A, R>(world: IsolatedWorld, fn: (a: A) => R | Promise<R>, arg: A, userGesture = false): Promise<R> {
  const { result, exceptionDetails } = (await world.cdp.send('Runtime.evaluate', {
    contextId: world.contextId,
    expression: `(() => { globalThis.__name ??= (f) => f; return (${fn.toString()})(${JSON.stringify(arg)}); })()`,
    awaitPromise: true,
    returnByValue: true,
    userGesture,
  })) as { result: { value: R }; exceptionDetails?: { text: string; exception?: { description?: string } } };
  if (exceptionDetails) throw new Error(`isolated world: ${exceptionDetails.exception?.description ?? exceptionDetails.text}`);
  return result.value;
}

export interface IsolatedWorld {
  cdp: CDPSession;
  contextId: number;
}

/**
 * Opens `url` and finds the execution context of Kindred's content script in it, and of the content
 * scripts of the extensions in `also` (the empty-worker floor's), in the same page.
 */
export async function openSocialTab(
  context: BrowserContext,
  extensionId: string,
  url: string,
  also: readonly string[] = [],
): Promise<{ page: Page; world: IsolatedWorld; also: Map<string, IsolatedWorld> }> {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  const contexts: { id: number; origin: string; auxData?: { type?: string; isDefault?: boolean } }[] = [];
  cdp.on('Runtime.executionContextCreated', (e: { context: (typeof contexts)[number] }) => contexts.push(e.context));
  cdp.on('Runtime.executionContextsCleared', () => (contexts.length = 0));
  await cdp.send('Runtime.enable');
  await page.goto(url, { waitUntil: 'load' });
  const deadline = Date.now() + 10_000;
  const worldOf = (id: string) => contexts.find((c) => c.auxData?.type === 'isolated' && c.origin === `chrome-extension://${id}`);
  for (;;) {
    const world = worldOf(extensionId);
    if (world && also.every((id) => worldOf(id))) {
      await cdp.send('Runtime.disable'); // no more context events needed; keeps CDP quiet during timing
      return { page, world: { cdp, contextId: world.id }, also: new Map(also.map((id) => [id, { cdp, contextId: worldOf(id)!.id }])) };
    }
    if (Date.now() > deadline) throw new Error(`${world ? 'The empty-worker extension' : "Kindred"}'s content script did not run on ${url}`);
    await sleep(50);
  }
}

/**
 * The cold-start floor: an unpacked MV3 extension whose service worker does nothing but answer a
 * message, with an empty content script on x.com to send from. A cold ping to it, next to a cold
 * ping to Kindred's worker in the same browser, is what starting a worker costs Chromium here, and
 * the difference what Kindred's own start (its script, its listeners) adds.
 */
export function writeEmptyExtension(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const manifest = {
    manifest_version: 3,
    name: 'Kindred bench: empty worker',
    version: '1.0.0',
    background: { service_worker: 'background.js' },
    content_scripts: [{ matches: ['https://x.com/*'], js: ['content.js'], run_at: 'document_idle' }],
  };
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
  writeFileSync(join(dir, 'background.js'), 'chrome.runtime.onMessage.addListener((message, sender, sendResponse) => sendResponse(null));\n');
  writeFileSync(join(dir, 'content.js'), '// An isolated world for the bench to send from.\n');
  return dir;
}

// ---------------------------------------------------------------------------------------------
// Servers

/** The peer baseline: a CRM lookup endpoint on 127.0.0.1 that answers after 150 ms. */
export async function startCrmDouble(): Promise<{ url: string; requests: () => number; close(): Promise<void> }> {
  let requests = 0;
  const server: Server = createServer((req, res) => {
    requests++;
    const key = new URL(req.url ?? '/', 'http://127.0.0.1').searchParams.get('key') ?? '';
    setTimeout(() => {
      res.writeHead(200, { 'content-type': 'application/json', 'access-control-allow-origin': '*', 'cache-control': 'no-store' });
      res.end(JSON.stringify({ key, matches: key.startsWith('x:nobody') ? [] : [{ id: `crm-${key.length}`, displayName: 'Someone' }] }));
    }, NETWORK_DELAY_MS);
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/lookup`,
    requests: () => requests,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}

export const profilePage = (handle: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${handle} (@${handle}) / X</title></head>` +
  `<body><main><h1>@${handle}</h1><p>A profile page served by the benchmark.</p></main></body></html>`;

// ---------------------------------------------------------------------------------------------
// Memory sampling

export interface MemoryTrace {
  pageHeapPeakMB: number;
  workerHeapPeakMB: number;
  rssSumPeakMB: number;
  rssExtensionPeakMB: number;
  rssBrowserPeakMB: number;
  /** Options page heap (MB) when the import passed 25/50/75/100% of the rows. */
  pageHeapAtMB: Record<string, number>;
  samples: number;
}

export class Sampler {
  private stopped = false;
  private loop: Promise<void> | null = null;
  private worker: WorkerCdp | null = null;
  progress = 0; // rows imported so far (set by the caller)
  readonly trace: MemoryTrace = { pageHeapPeakMB: 0, workerHeapPeakMB: 0, rssSumPeakMB: 0, rssExtensionPeakMB: 0, rssBrowserPeakMB: 0, pageHeapAtMB: {}, samples: 0 };
  latest = { pageHeapMB: NaN, workerHeapMB: NaN, rssSumMB: NaN };

  constructor(
    private readonly context: BrowserContext,
    private readonly extensionId: string,
    private readonly browserPid: number,
    private readonly page: CDPSession | null,
    private readonly total: number,
    private readonly everyMs = 1_000,
  ) {}

  start(): void {
    this.loop = (async () => {
      while (!this.stopped) {
        await this.sample().catch(() => undefined);
        await sleep(this.everyMs);
      }
    })();
  }

  async sample(): Promise<void> {
    const procs = chromiumProcesses(this.browserPid);
    const sum = procs.reduce((s, p) => s + p.rssBytes, 0) / MB;
    const ext = procs.filter((p) => p.kind === 'extension renderer').reduce((s, p) => s + p.rssBytes, 0) / MB;
    const browser = procs.filter((p) => p.kind === 'browser').reduce((s, p) => s + p.rssBytes, 0) / MB;
    const t = this.trace;
    t.rssSumPeakMB = Math.max(t.rssSumPeakMB, sum);
    t.rssExtensionPeakMB = Math.max(t.rssExtensionPeakMB, ext);
    t.rssBrowserPeakMB = Math.max(t.rssBrowserPeakMB, browser);
    this.latest.rssSumMB = sum;
    if (this.page) {
      const heap = (await this.page.send('Runtime.getHeapUsage')) as { usedSize: number };
      const mb = heap.usedSize / MB;
      t.pageHeapPeakMB = Math.max(t.pageHeapPeakMB, mb);
      this.latest.pageHeapMB = mb;
      for (const q of [25, 50, 75, 100]) if (t.pageHeapAtMB[q] === undefined && this.progress >= (this.total * q) / 100) t.pageHeapAtMB[q] = round(mb, 1);
    }
    try {
      this.worker ??= await serviceWorkerCdp(this.context, this.extensionId);
      const heap = await this.worker.send<{ usedSize: number }>('Runtime.getHeapUsage');
      t.workerHeapPeakMB = Math.max(t.workerHeapPeakMB, heap.usedSize / MB);
      this.latest.workerHeapMB = heap.usedSize / MB;
    } catch {
      await this.worker?.detach();
      this.worker = null;
    }
    t.samples++;
  }

  async stop(): Promise<MemoryTrace> {
    this.stopped = true;
    await this.loop;
    await this.worker?.detach();
    const t = this.trace;
    return { ...t, pageHeapPeakMB: round(t.pageHeapPeakMB, 1), workerHeapPeakMB: round(t.workerHeapPeakMB, 1), rssSumPeakMB: round(t.rssSumPeakMB, 0), rssExtensionPeakMB: round(t.rssExtensionPeakMB, 0), rssBrowserPeakMB: round(t.rssBrowserPeakMB, 0) };
  }
}

/** The worker's JS heap after a full GC (MB): what it keeps, not what it has not collected yet. */
export async function workerHeapAfterGc(context: BrowserContext, extensionId: string): Promise<{ usedMB: number; beforeGcMB: number }> {
  const cdp = await serviceWorkerCdp(context, extensionId);
  try {
    const before = await cdp.send<{ usedSize: number }>('Runtime.getHeapUsage');
    await cdp.send('HeapProfiler.collectGarbage');
    const after = await cdp.send<{ usedSize: number }>('Runtime.getHeapUsage');
    return { usedMB: round(after.usedSize / MB, 2), beforeGcMB: round(before.usedSize / MB, 2) };
  } finally {
    await cdp.detach();
  }
}

/** Evaluates an expression in the running worker (a fresh CDP attach each time: it survives restarts). */
export async function workerEval(context: BrowserContext, extensionId: string, expression: string): Promise<unknown> {
  const cdp = await serviceWorkerCdp(context, extensionId);
  try {
    return (await cdp.send<{ result: { value: unknown } }>('Runtime.evaluate', { expression, returnByValue: true, awaitPromise: true })).result.value;
  } finally {
    await cdp.detach();
  }
}

export function cpuByKind(browserPid: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const p of chromiumProcesses(browserPid)) out.set(p.kind, (out.get(p.kind) ?? 0) + p.cpuSeconds);
  return out;
}
/**
 * CPU seconds of the browser process's threads, by name (numbers dropped: "ThreadPoolForegroundWorker"
 * pools together), to tell the IndexedDB backend's work from IPC and the rest.
 */
export function browserThreadCpu(browserPid: number): Map<string, number> {
  const out = new Map<string, number>();
  let tasks: string[] = [];
  try {
    tasks = readdirSync(`/proc/${browserPid}/task`);
  } catch {
    return out;
  }
  for (const tid of tasks) {
    try {
      const text = readFileSync(`/proc/${browserPid}/task/${tid}/stat`, 'utf8');
      const name = text.slice(text.indexOf('(') + 1, text.lastIndexOf(')')).replace(/[\d/:.-]+$/, '') || '?';
      const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
      out.set(name, (out.get(name) ?? 0) + (Number(fields[11]) + Number(fields[12])) / 100);
    } catch {
      // exited meanwhile
    }
  }
  return out;
}
export const cpuDelta = (a: Map<string, number>, b: Map<string, number>): Record<string, number> =>
  Object.fromEntries([...b].map(([k, v]) => [k, round(v - (a.get(k) ?? 0), 1)] as const).filter(([, v]) => v > 0.05).sort((x, y) => y[1] - x[1]));

// ---------------------------------------------------------------------------------------------
// CPU profiles (KINDRED_BENCH_PROFILE=1): self time per function

export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
}
export function topSelf(profile: CpuProfile | CpuProfile[], limit = 25): { fn: string; ms: number }[] {
  const self = new Map<string, number>();
  for (const one of Array.isArray(profile) ? profile : [profile]) {
    const byId = new Map(one.nodes.map((n) => [n.id, n]));
    one.samples.forEach((id, i) => {
      const f = byId.get(id)!.callFrame;
      const key = `${f.functionName || '(anonymous)'} ${f.url.replace(/^chrome-extension:\/\/[a-p]{32}\//, '')}:${f.lineNumber + 1}`;
      self.set(key, (self.get(key) ?? 0) + (one.timeDeltas[i] ?? 0) / 1000);
    });
  }
  return [...self].sort((a, b) => b[1] - a[1]).slice(0, limit).map(([fn, ms]) => ({ fn, ms: round(ms, 1) }));
}

// ---------------------------------------------------------------------------------------------
// Popup and side panel

/** Waits for a page target whose URL starts with `prefix` (and is not in `except`), attaches to it. */
async function attachWhenOpen(context: BrowserContext, prefix: string, except: Set<string>, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const cdp = await targetCdp(context, (t) => t.type === 'page' && t.url.startsWith(prefix) && !except.has(t.targetId));
    if (cdp) return cdp;
    if (Date.now() > deadline) return null;
    await sleep(10);
  }
}

/** Closes every target whose URL starts with `prefix` and waits until the browser no longer lists one. */
export async function closeAll(context: BrowserContext, prefix: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = (await listTargets(context)).filter((t) => t.url.startsWith(prefix));
    if (open.length === 0) return;
    if (Date.now() > deadline) throw new Error(`${prefix} is still open`);
    for (const t of open) await closeTarget(context, t.targetId);
    await sleep(50);
  }
}

/** Resolves in the page once `kindred:card-painted` is marked: { mark, start mark, h1, timeOrigin }. */
const CARD_PAINTED = `new Promise((ok) => {
  const done = () => {
    const card = performance.getEntriesByName('kindred:card-painted')[0];
    if (!card) return false;
    const start = performance.getEntriesByName('kindred:popup-start')[0];
    const nav = performance.getEntriesByType('navigation')[0];
    ok({
      cardMs: card.startTime,
      startMs: start ? start.startTime : null,
      timeOrigin: performance.timeOrigin,
      heading: document.querySelector('h1')?.textContent ?? '',
      htmlMs: nav ? nav.responseEnd : null,
      domContentLoadedMs: nav ? nav.domContentLoadedEventEnd : null,
    });
    return true;
  };
  if (done()) return;
  new PerformanceObserver((list, observer) => { if (done()) observer.disconnect(); }).observe({ type: 'mark', buffered: true });
  setTimeout(() => ok(null), 15000);
})`;

export interface CardPaint {
  cardMs: number;
  /** `kindred:popup-start` (the popup's module starts running; the side panel has no such mark). */
  startMs: number | null;
  timeOrigin: number;
  heading: string;
  /** Navigation timing: HTML received, DOMContentLoaded done (ms from navigation start). */
  htmlMs: number | null;
  domContentLoadedMs: number | null;
}

export async function closeTarget(context: BrowserContext, targetId: string): Promise<void> {
  const session = await context.browser()!.newBrowserCDPSession();
  try {
    await session.send('Target.closeTarget', { targetId });
  } catch {
    // already closed
  } finally {
    await session.detach().catch(() => undefined);
  }
}

export async function openPopupOnce(
  context: BrowserContext,
  extensionId: string,
  from: Page,
  tabId: number,
  path = 'popup.html',
  profile = false,
): Promise<{ paint: CardPaint; fromOpenMs: number; method: string; profile?: CpuProfile }> {
  const prefix = `chrome-extension://${extensionId}/${path}`;
  await closeAll(context, prefix);
  const existing = new Set<string>();
  const opened = (await from.evaluate(`(async () => { const at = performance.timeOrigin + performance.now(); try { await chrome.action.openPopup(); return { at, error: null }; } catch (e) { return { at, error: String(e) }; } })()`)) as { at: number; error: string | null };
  if (opened.error) {
    // No toolbar popup possible (no browser window): the same page in a tab, for this tab.
    const page = await context.newPage();
    await page.setViewportSize({ width: 400, height: 600 });
    const at = Date.now();
    await page.goto(`${prefix}?tab=${tabId}`);
    const paint = (await page.evaluate(CARD_PAINTED)) as CardPaint | null;
    await page.close();
    if (!paint) throw new Error('popup (tab): no card painted within 15 s');
    return { paint, fromOpenMs: paint.timeOrigin + paint.cardMs - at, method: `popup.html?tab= in a tab (openPopup failed: ${opened.error})` };
  }
  const cdp = await attachWhenOpen(context, prefix, existing);
  if (!cdp) throw new Error('chrome.action.openPopup() resolved but no popup target appeared');
  try {
    if (profile) {
      // Attached some milliseconds into the popup's life: the profile misses its very start.
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
      await cdp.send('Profiler.start');
    }
    const { result } = await cdp.send<{ result: { value: CardPaint | null } }>('Runtime.evaluate', { expression: CARD_PAINTED, awaitPromise: true, returnByValue: true });
    if (!result.value) throw new Error('popup: no card painted within 15 s');
    const paint = result.value;
    const cpu = profile ? (await cdp.send<{ profile: CpuProfile }>('Profiler.stop')).profile : undefined;
    return { paint, fromOpenMs: paint.timeOrigin + paint.cardMs - opened.at, method: 'chrome.action.openPopup() (the toolbar popup, active tab)', ...(cpu ? { profile: cpu } : {}) };
  } finally {
    await cdp.detach();
    await closeTarget(context, cdp.targetId);
    await sleep(100);
  }
}

export async function openSidePanelOnce(
  context: BrowserContext,
  extensionId: string,
  world: IsolatedWorld,
  from: Page,
  tabId: number,
  key: string,
  path = 'sidepanel.html',
): Promise<{ paint: CardPaint; fromClickMs: number; method: string }> {
  const prefix = `chrome-extension://${extensionId}/${path}`;
  await closeAll(context, prefix);
  const existing = new Set<string>();
  let method = 'openPanel message from the content script with a user gesture (a badge click)';
  const { sentAt } = await runIsolated(world, inPage.openPanelFromBadge, { key }, true);
  let cdp = await attachWhenOpen(context, prefix, existing, 3_000);
  if (process.env.KINDRED_BENCH_DEBUG) console.log('panel debug', [...existing], !!cdp, JSON.stringify((await listTargets(context)).map((t) => [t.type, t.url.slice(-30), t.targetId.slice(0, 6)])));
  let clickAt = sentAt;
  if (!cdp) {
    method = 'chrome.sidePanel.open() from an extension page with a user gesture';
    const session = await context.newCDPSession(from);
    const { result } = (await session.send('Runtime.evaluate', {
      expression: `(async () => { const at = performance.timeOrigin + performance.now(); await chrome.sidePanel.open({ tabId: ${tabId} }); return at; })()`,
      userGesture: true,
      awaitPromise: true,
      returnByValue: true,
    })) as { result: { value: number } };
    await session.detach();
    clickAt = result.value;
    cdp = await attachWhenOpen(context, prefix, existing);
  }
  if (!cdp) {
    const targets = (await listTargets(context)).map((t) => `${t.type} ${t.url.replace(/^chrome-extension:\/\/[a-p]{32}\//, 'ext:')}`);
    throw new Error(`the side panel did not open (targets: ${targets.join(', ')})`);
  }
  try {
    const { result } = await cdp.send<{ result: { value: CardPaint | null } }>('Runtime.evaluate', { expression: CARD_PAINTED, awaitPromise: true, returnByValue: true });
    if (!result.value) throw new Error('side panel: no card painted within 15 s');
    const paint = result.value;
    return { paint, fromClickMs: paint.timeOrigin + paint.cardMs - clickAt, method };
  } finally {
    await cdp.detach();
    await closeTarget(context, cdp.targetId);
    await sleep(100);
  }
}

/**
 * The floor of "open → painted": an empty page (bench-empty.html, added to the benchmark's copy of
 * the extension only) that marks `kindred:card-painted` on its first frame, shown through the same
 * toolbar popup and side panel machinery.
 */
export const EMPTY_PAGE = {
  html: '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>empty</title></head><body><p>empty</p><script type="module" src="bench-empty.js"></script></body></html>\n',
  js: "performance.mark('kindred:popup-start');\nrequestAnimationFrame(() => performance.mark('kindred:card-painted'));\n",
};

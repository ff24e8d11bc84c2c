// Benchmark section "sync": the first sync of 100,000 CiviCRM contacts (20,000 with --quick) into
// IndexedDB, in real Chromium with the built extension, against a raw baseline measured in the same
// run. Timings are reported, never asserted; the correctness checks (counts, sample, resume) are
// reported as ok/WRONG, and the section throws if a sync does not finish. One repetition of each
// measurement (a 100k sync is ~35–50 s; the whole section takes about 3 minutes on 2 cores).
//
// Method (the product is driven from outside, as a user would; nothing in src/ knows about it):
//  - The CiviCRM contract double (tests/crm/civicrm-double) runs in this Node process, seeded with
//    `seed: 'none'` + seedContacts(N, {websitesEvery: 3, contributionsEvery: 10}): every contact has
//    an email, 1 in 3 a website (X / Facebook / Bluesky URL, rotating), 1 in 10 a completed gift.
//    The double is timed from outside (through its `log` array): each request's arrival and the
//    moment its reply is ready; its handler is synchronous, so that is its own CPU time.
//  - Browser 1, fresh profile: the host permission http://127.0.0.1/* is allowed on
//    chrome://extensions (developerPrivate.addHostPermission); on the options page the Connect form
//    is filled ("CiviCRM address", "API key") and "Connect CiviCRM" clicked; the sync starts by
//    itself. The options page stays open (the user watches the progress bar). Duration = click →
//    the sync record's `finishedAt` (meta `sync.civicrm`, state idle with lastSyncedAt set), polled
//    every 250 ms with the plain indexedDB API. Rows/s = live contacts / duration.
//  - Memory, every 250 ms during the sync: the service worker's JS heap (CDP Runtime.getHeapUsage on
//    the worker target, attached through the browser session), and RSS from /proc of every Chromium
//    process (sum; the largest one; the extension renderer, which hosts the worker and the extension
//    pages). CPU seconds per Chromium process kind from /proc/<pid>/stat, and this Node process's
//    (≈ the double's) over the same window.
//  - Baselines, from an extension page (manifest.json) of the same browser after Kindred's sync,
//    replaying the exact requests Kindred's sync made (taken from the double's log), page by page:
//      A "contacts only": the 200 Contact/get keyset pages; each page's rows put in one transaction
//        into a scratch database with one object store and no indexes (the brief's baseline);
//      B "same requests": each Contact/get followed by its 6 related requests in parallel (Email,
//        Phone, EntityTag, GroupContact, Contribution, Website), contact rows put as in A. The
//        double's own cost is then in both, so Kindred/B isolates Kindred's work in the browser.
//    The ratios use the faster of A's two runs (browser 1, and browser 2's fresh profile).
//  - Browser 2, fresh profile: baseline A, then the same first sync with the options page closed
//    as soon as "Connected as" shows (the sync runs on in the worker; progress read from a bare
//    extension page). The difference to browser 1 is what the open options page costs.
//  - Browser 3, fresh profile (resume): the same sync (options page closed once connected); the
//    worker is stopped (harness stopServiceWorker) at about 30% and 65% and woken 1 s later by a
//    runtime message from an extension page (any event does; the worker resumes an unfinished sync
//    at start). Checks: idle at the end with every contact and identity; pages pulled twice =
//    Contact/get requests whose `id >` value was already asked for in that run.
//  - KINDRED_BENCH_PROFILE=1: browser 1 runs an unminified copy of the extension, takes a CPU
//    profile of the worker over the sync, and traces IndexedDB work in every process (browser-wide
//    Tracing, categories IndexedDB/leveldb) over Kindred's sync and over baseline A. Timings of such
//    a run are not the product's (tracing and profiling cost CPU); use it for where the time goes.
import { build } from 'esbuild';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { canonicalizeProfile } from '../../src/sites';
import { startCiviDouble, type CiviDouble, type LoggedRequest } from '../../tests/crm/civicrm-double/index';
import {
  extensionPage,
  grantHostPermission,
  launchBrowser,
  repoRoot,
  serviceWorkerCdp,
  stopServiceWorker,
  type Launched,
  type WorkerCdp,
} from '../lib/harness';
import { benchTmp, round, sleep, stat, table, type BenchOptions, type Stat } from './lib';

const CONTACTS_FULL = 100_000;
const CONTACTS_QUICK = 20_000;
const SEED_OPTIONS = { websitesEvery: 3, contributionsEvery: 10 };
const SAMPLE_MS = 250;
const PROGRESS_MS = 5_000;
const SYNC_TIMEOUT_MS = 7 * 60_000;
const STOP_AT = [0.3, 0.65];
const STOPPED_FOR_MS = 1_000;
const SAMPLE_SIZE = 50;
const ORIGIN = 'http://127.0.0.1/*';
const PROFILE = Boolean(process.env.KINDRED_BENCH_PROFILE);
const MB = 2 ** 20;
const RELATED = new Set(['Email', 'Phone', 'EntityTag', 'GroupContact', 'Contribution', 'Website']);

// ---------------------------------------------------------------------------------------------
// The double, timed from outside

interface Timed {
  entry: LoggedRequest;
  /** performance.now() when the double logged the request (body read) and when its reply was ready. */
  start: number;
  end: number;
}

/**
 * Wraps `double.log.push`: every logged request gets a start time, and its `status` becomes an
 * accessor that stamps the end (the double sets it right before sending the reply). The double's
 * handler is synchronous between the two, so end − start is its own CPU time for the request.
 */
function timeDouble(double: CiviDouble): Timed[] {
  const timed: Timed[] = [];
  const log = double.log;
  const push = log.push.bind(log);
  log.push = (...entries: LoggedRequest[]) => {
    for (const entry of entries) {
      const t: Timed = { entry, start: performance.now(), end: NaN };
      let status = entry.status;
      Object.defineProperty(entry, 'status', {
        configurable: true,
        enumerable: true,
        get: () => status,
        set: (value: number) => {
          status = value;
          t.end = performance.now();
        },
      });
      timed.push(t);
    }
    return push(...entries);
  };
  return timed;
}

/** `X` of a keyset Contact/get (`where: [['id', '>', X], …]`), else null. */
function keysetAfter(entry: LoggedRequest): number | null {
  if (entry.entity !== 'Contact' || entry.action !== 'get') return null;
  const where = (entry.params as { where?: unknown } | null)?.where;
  if (!Array.isArray(where)) return null;
  for (const clause of where) {
    if (Array.isArray(clause) && clause[0] === 'id' && clause[1] === '>' && typeof clause[2] === 'number') return clause[2];
  }
  return null;
}

interface ReplayPage {
  contact: string;
  related: { entity: string; params: string }[];
}

/** Kindred's sync requests from a slice of the log, grouped per keyset page, as JSON params. */
function capturePages(slice: Timed[]): ReplayPage[] {
  const pages: ReplayPage[] = [];
  for (const { entry } of slice) {
    if (keysetAfter(entry) !== null) pages.push({ contact: JSON.stringify(entry.params), related: [] });
    else if (pages.length > 0 && entry.action === 'get' && entry.entity && RELATED.has(entry.entity)) {
      pages.at(-1)!.related.push({ entity: entry.entity, params: JSON.stringify(entry.params) });
    }
  }
  return pages;
}

interface PageTiming {
  /** Sum of the double's service time for the page's requests, ms. */
  serverMs: number;
  /** Contact/get reply ready → first related request arrives (client parses the contacts), ms. */
  contactToRelatedMs: number;
  /** First related request arrives → last related reply ready (mostly the double, serially), ms. */
  relatedMs: number;
  /** Last reply of the page ready → the next page's Contact/get arrives (client: transfer, parse, write), ms. */
  afterDataMs: number;
  /** Contact/get arrival to the next one, ms. */
  cycleMs: number;
}

/** Per-page decomposition from the double's side (see PageTiming). `endAt`: performance.now() of the end, for the last page. */
function pageTimings(slice: Timed[], endAt: number): PageTiming[] {
  const starts = slice.map((t, i) => ({ t, i })).filter(({ t }) => keysetAfter(t.entry) !== null);
  return starts.map(({ t, i }, k) => {
    const nextIndex = starts[k + 1]?.i ?? slice.length;
    const nextStart = starts[k + 1]?.t.start ?? endAt;
    const related = slice.slice(i + 1, nextIndex).filter((r) => r.entry.entity && RELATED.has(r.entry.entity));
    const lastEnd = Math.max(t.end, ...related.map((r) => r.end));
    const firstRelated = related.length ? Math.min(...related.map((r) => r.start)) : t.end;
    return {
      serverMs: [t, ...related].reduce((s, r) => s + (r.end - r.start), 0),
      contactToRelatedMs: firstRelated - t.end,
      relatedMs: related.length ? lastEnd - firstRelated : 0,
      afterDataMs: nextStart - lastEnd,
      cycleMs: nextStart - t.start,
    };
  });
}

function sumOf(timings: PageTiming[], key: keyof PageTiming): number {
  return timings.reduce((s, t) => s + t[key], 0);
}

// ---------------------------------------------------------------------------------------------
// Chromium's processes from /proc

const PAGE_BYTES = 4096;
const CLK_TCK = 100;

interface ProcInfo {
  pid: number;
  kind: string;
  rss: number;
  /** utime + stime, seconds. */
  cpu: number;
}

function readStat(pid: number): { ppid: number; cpu: number } | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state): ppid is field 4, utime 14, stime 15.
    return { ppid: Number(fields[1]), cpu: (Number(fields[11]) + Number(fields[12])) / CLK_TCK };
  } catch {
    return null;
  }
}

const kinds = new Map<number, string>();
function kindOf(pid: number): string {
  let kind = kinds.get(pid);
  if (kind) return kind;
  let cmd = '';
  try {
    cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return 'gone';
  }
  const type = /--type=([\w-]+)/.exec(cmd)?.[1];
  if (!type) kind = /chrom/.test(cmd) ? 'browser' : 'other';
  else if (type === 'renderer') kind = cmd.includes('--extension-process') ? 'extension renderer' : 'renderer';
  else if (type === 'utility') kind = `utility ${(/--utility-sub-type=([\w.]+)/.exec(cmd)?.[1] ?? '?').replace(/\.mojom\.\w+$/, '')}`;
  else kind = type;
  kinds.set(pid, kind);
  return kind;
}

/** The browser process and all its descendants. */
function chromiumProcesses(browserPid: number): ProcInfo[] {
  const parents = new Map<number, number>();
  const cpu = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const s = readStat(Number(name));
    if (!s) continue;
    parents.set(Number(name), s.ppid);
    cpu.set(Number(name), s.cpu);
  }
  const inTree = (pid: number): boolean => {
    for (let p = pid, depth = 0; p > 1 && depth < 20; p = parents.get(p) ?? 0, depth++) if (p === browserPid) return true;
    return false;
  };
  const out: ProcInfo[] = [];
  for (const pid of parents.keys()) {
    if (!inTree(pid)) continue;
    let rss = 0;
    try {
      rss = Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]) * PAGE_BYTES;
    } catch {
      continue;
    }
    out.push({ pid, kind: kindOf(pid), rss, cpu: cpu.get(pid) ?? 0 });
  }
  return out;
}

/** Rejects after `ms`: no CDP call or page read may hold the sampling or the polling loop. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, fail) => {
      timer = setTimeout(() => fail(new Error(`${what}: no answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

const loadAverage = (): number[] => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number);

// ---------------------------------------------------------------------------------------------
// Sampling: worker heap + Chromium RSS every 250 ms

interface MemoryPeaks {
  samples: number;
  heapSamples: number;
  /** Service worker JS heap, used and total (MB). */
  heapUsedPeakMb: number;
  heapUsedEndMb: number;
  heapTotalPeakMb: number;
  /** Sum of RSS over Chromium's processes (MB; shared pages counted once per process), before the click too. */
  rssSumStartMb: number;
  rssSumPeakMb: number;
  rssSumEndMb: number;
  /** The largest single process (MB) and its kind at that peak. */
  rssMaxPeakMb: number;
  rssMaxPeakKind: string;
  rssExtensionStartMb: number;
  rssExtensionPeakMb: number;
  rssExtensionEndMb: number;
  heapUsedStartMb: number;
  /** CPU seconds per process kind over the window, and this Node process (the double + driver). */
  cpuSeconds: Record<string, number>;
  nodeCpuSeconds: number;
  loadAvgStart: number[];
  loadAvgEnd: number[];
}

class Sampler {
  private timer: NodeJS.Timeout | null = null;
  private busy = false;
  private cdp: WorkerCdp | null = null;
  private reattachAfter = 0;
  private cpuStart = new Map<number, { kind: string; cpu: number }>();
  private nodeCpu = process.cpuUsage();
  private loadStart = loadAverage();
  latest = { heapUsed: NaN, rssSum: NaN, rssExt: NaN };
  peaks: Omit<MemoryPeaks, 'cpuSeconds' | 'nodeCpuSeconds' | 'loadAvgStart' | 'loadAvgEnd'> = {
    samples: 0, heapSamples: 0, heapUsedStartMb: NaN, heapUsedPeakMb: 0, heapUsedEndMb: NaN, heapTotalPeakMb: 0, rssSumStartMb: NaN, rssSumPeakMb: 0,
    rssSumEndMb: NaN, rssMaxPeakMb: 0, rssMaxPeakKind: '', rssExtensionStartMb: NaN, rssExtensionPeakMb: 0, rssExtensionEndMb: NaN,
  };

  constructor(
    private readonly context: BrowserContext,
    private readonly extensionId: string,
    private readonly browserPid: number,
  ) {}

  async start(cdp: WorkerCdp | null): Promise<void> {
    this.cdp = cdp;
    for (const p of chromiumProcesses(this.browserPid)) this.cpuStart.set(p.pid, { kind: p.kind, cpu: p.cpu });
    this.nodeCpu = process.cpuUsage();
    this.loadStart = loadAverage();
    await this.sample();
    this.timer = setInterval(() => void this.sample(), SAMPLE_MS);
  }

  /** The worker was restarted: attach to the new one at the next sample. */
  workerGone(): void {
    void this.cdp?.detach();
    this.cdp = null;
  }

  private async sample(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const procs = chromiumProcesses(this.browserPid);
      const sum = procs.reduce((s, p) => s + p.rss, 0);
      const max = procs.reduce((m, p) => (p.rss > m.rss ? p : m), { rss: 0, kind: '' } as Pick<ProcInfo, 'rss' | 'kind'>);
      const ext = procs.filter((p) => p.kind === 'extension renderer').reduce((s, p) => s + p.rss, 0);
      const pk = this.peaks;
      pk.samples++;
      if (pk.samples === 1) {
        pk.rssSumStartMb = sum / MB;
        pk.rssExtensionStartMb = ext / MB;
      }
      pk.rssSumPeakMb = Math.max(pk.rssSumPeakMb, sum / MB);
      if (max.rss / MB > pk.rssMaxPeakMb) {
        pk.rssMaxPeakMb = max.rss / MB;
        pk.rssMaxPeakKind = max.kind;
      }
      pk.rssExtensionPeakMb = Math.max(pk.rssExtensionPeakMb, ext / MB);
      pk.rssSumEndMb = sum / MB;
      pk.rssExtensionEndMb = ext / MB;
      this.latest.rssSum = sum / MB;
      this.latest.rssExt = ext / MB;

      if (!this.cdp && Date.now() > this.reattachAfter) {
        const attaching = serviceWorkerCdp(this.context, this.extensionId);
        this.cdp = await within(attaching, 2_000, 'attach to the worker').catch(() => {
          void attaching.then((late) => late.detach()).catch(() => undefined);
          return null;
        });
        if (!this.cdp) this.reattachAfter = Date.now() + 500;
      }
      if (this.cdp) {
        try {
          const heap = await within(this.cdp.send<{ usedSize: number; totalSize: number }>('Runtime.getHeapUsage'), 2_000, 'Runtime.getHeapUsage');
          pk.heapSamples++;
          if (pk.heapSamples === 1) pk.heapUsedStartMb = heap.usedSize / MB;
          pk.heapUsedPeakMb = Math.max(pk.heapUsedPeakMb, heap.usedSize / MB);
          pk.heapTotalPeakMb = Math.max(pk.heapTotalPeakMb, heap.totalSize / MB);
          pk.heapUsedEndMb = heap.usedSize / MB;
          this.latest.heapUsed = heap.usedSize / MB;
        } catch {
          this.workerGone();
        }
      }
    } finally {
      this.busy = false;
    }
  }

  async stop(): Promise<MemoryPeaks> {
    if (this.timer) clearInterval(this.timer);
    while (this.busy) await sleep(10);
    await this.sample();
    const cpuSeconds: Record<string, number> = {};
    for (const p of chromiumProcesses(this.browserPid)) {
      const before = this.cpuStart.get(p.pid)?.cpu ?? 0;
      cpuSeconds[p.kind] = round((cpuSeconds[p.kind] ?? 0) + p.cpu - before);
    }
    const node = process.cpuUsage(this.nodeCpu);
    await this.cdp?.detach();
    const r = (n: number) => round(n, 1);
    const pk = this.peaks;
    return {
      ...pk,
      heapUsedStartMb: r(pk.heapUsedStartMb), heapUsedPeakMb: r(pk.heapUsedPeakMb), heapUsedEndMb: r(pk.heapUsedEndMb), heapTotalPeakMb: r(pk.heapTotalPeakMb),
      rssSumStartMb: r(pk.rssSumStartMb), rssSumPeakMb: r(pk.rssSumPeakMb), rssSumEndMb: r(pk.rssSumEndMb), rssMaxPeakMb: r(pk.rssMaxPeakMb),
      rssExtensionStartMb: r(pk.rssExtensionStartMb), rssExtensionPeakMb: r(pk.rssExtensionPeakMb), rssExtensionEndMb: r(pk.rssExtensionEndMb),
      cpuSeconds,
      nodeCpuSeconds: round((node.user + node.system) / 1e6),
      loadAvgStart: this.loadStart,
      loadAvgEnd: loadAverage(),
    };
  }
}

async function browserPidOf(launched: Launched): Promise<number> {
  const session = await launched.context.browser()!.newBrowserCDPSession();
  try {
    const { processInfo } = (await session.send('SystemInfo.getProcessInfo')) as { processInfo: { type: string; id: number }[] };
    const browser = processInfo.find((p) => p.type === 'browser');
    if (!browser) throw new Error('SystemInfo.getProcessInfo named no browser process');
    return browser.id;
  } finally {
    await session.detach().catch(() => undefined);
  }
}

// ---------------------------------------------------------------------------------------------
// In the extension's pages

/**
 * tsx compiles this file with esbuild's keepNames, which wraps named functions declared inside the
 * callbacks given to page.evaluate in `__name(…)`; the page has no such helper, so give it one.
 */
async function nameShim(page: Page): Promise<void> {
  await page.evaluate('globalThis.__name ??= (f) => f');
}

interface SyncRecord {
  state: 'idle' | 'running' | 'error';
  done: number;
  total: number | null;
  startedAt: number | null;
  finishedAt: number | null;
  lastSyncedAt: number | null;
  lastError: string | null;
}

/** The `sync.civicrm` meta record, read with the plain IndexedDB API (null before the database exists). */
function readSyncRecord(page: Page): Promise<SyncRecord | null> {
  return page.evaluate(async () => {
    if (!(await indexedDB.databases()).some((d) => d.name === 'kindred')) return null;
    const db = await new Promise<IDBDatabase>((ok, fail) => {
      const r = indexedDB.open('kindred');
      r.onsuccess = () => ok(r.result);
      r.onerror = () => fail(r.error);
    });
    try {
      if (!db.objectStoreNames.contains('meta')) return null;
      const value = await new Promise<unknown>((ok, fail) => {
        const r = db.transaction('meta').objectStore('meta').get('sync.civicrm');
        r.onsuccess = () => ok((r.result as { value?: unknown } | undefined)?.value ?? null);
        r.onerror = () => fail(r.error);
      });
      return value as SyncRecord | null;
    } finally {
      db.close();
    }
  });
}

interface StoreCheck {
  constituents: number;
  identities: number;
  /** Distinct constituents among the CRM's links (the heldBy index). */
  identityOwners: number;
  sampleConstituentsFound: number;
  sampleConstituentsMatching: number;
  sampleIdentitiesFound: number;
  sampleIdentitiesMatching: number;
}

async function checkStore(
  page: Page,
  sample: { constituents: { id: string; displayName: string; email: string }[]; identities: { key: string; constituentId: string }[] },
): Promise<StoreCheck> {
  await nameShim(page);
  return page.evaluate(async (s) => {
    const db = await new Promise<IDBDatabase>((ok, fail) => {
      const r = indexedDB.open('kindred');
      r.onsuccess = () => ok(r.result);
      r.onerror = () => fail(r.error);
    });
    const req = <T>(r: IDBRequest<T>) =>
      new Promise<T>((ok, fail) => {
        r.onsuccess = () => ok(r.result);
        r.onerror = () => fail(r.error);
      });
    try {
      const tx = db.transaction(['constituents', 'identities']);
      const constituents = tx.objectStore('constituents');
      const identities = tx.objectStore('identities');
      const [nC, nI, owners] = await Promise.all([
        req(constituents.count()),
        req(identities.count()),
        // Distinct keys of the heldBy index (every link a sync writes is a CRM link, which carries it).
        new Promise<number>((ok, fail) => {
          let n = 0;
          const r = identities.index('heldBy').openKeyCursor(null, 'nextunique');
          r.onsuccess = () => {
            if (!r.result) return ok(n);
            n++;
            r.result.continue();
          };
          r.onerror = () => fail(r.error);
        }),
      ]);
      const cs = (await Promise.all(s.constituents.map((c) => req(constituents.get(c.id))))) as ({ displayName?: string; emails?: string[] } | undefined)[];
      const is = (await Promise.all(s.identities.map((i) => req(identities.get(i.key))))) as ({ constituentId?: string } | undefined)[];
      return {
        constituents: nC,
        identities: nI,
        identityOwners: owners,
        sampleConstituentsFound: cs.filter(Boolean).length,
        sampleConstituentsMatching: cs.filter((c, i) => c && c.displayName === s.constituents[i]!.displayName && c.emails?.length === 1 && c.emails[0] === s.constituents[i]!.email).length,
        sampleIdentitiesFound: is.filter(Boolean).length,
        sampleIdentitiesMatching: is.filter((r, i) => r && r.constituentId === s.identities[i]!.constituentId).length,
      };
    } finally {
      db.close();
    }
  }, sample);
}

interface BaselineRun {
  rows: number;
  pages: number;
  ms: number;
  rowsPerSecond: number;
}

/** Replays the captured pages from an extension page: fetch, parse, put rows into a scratch DB with no indexes. */
async function runBaseline(
  context: BrowserContext,
  extensionId: string,
  double: CiviDouble,
  pages: ReplayPage[],
  withRelated: boolean,
  label: string,
  log: (line: string) => void,
): Promise<BaselineRun> {
  const page = await extensionPage(context, extensionId, 'manifest.json');
  page.on('console', (m) => {
    if (m.text().startsWith('[bench] ')) log(`    ${label}: ${m.text().slice(8)}`);
  });
  try {
    await nameShim(page);
    // The origin must be a granted permission (not only allowed on chrome://extensions) for the
    // page's fetch to skip CORS: ask for it from a real click, as the Connect button does.
    await page.evaluate((origin) => {
      const button = document.createElement('button');
      button.id = 'kindred-bench-grant';
      button.textContent = 'grant';
      button.style.cssText = 'position:fixed;top:0;left:0;z-index:2147483647';
      button.onclick = () => void chrome.permissions.request({ origins: [origin] }).then((granted) => (document.title = `granted:${granted}`));
      document.body.prepend(button);
    }, ORIGIN);
    await page.click('#kindred-bench-grant');
    await page.waitForFunction(() => document.title.startsWith('granted:'));
    if ((await page.title()) !== 'granted:true') throw new Error(`${label}: ${ORIGIN} was not granted`);
    const result = await page.evaluate(
      async ({ baseUrl, apiKey, pages, withRelated, progressMs }) => {
        const name = `kindred-bench-baseline-${Date.now()}`;
        const db = await new Promise<IDBDatabase>((ok, fail) => {
          const r = indexedDB.open(name, 1);
          r.onupgradeneeded = () => r.result.createObjectStore('rows', { keyPath: 'id' });
          r.onsuccess = () => ok(r.result);
          r.onerror = () => fail(r.error);
        });
        const headers = { 'X-Civi-Auth': `Bearer ${apiKey}`, 'X-Requested-With': 'XMLHttpRequest', 'Content-Type': 'application/x-www-form-urlencoded' };
        const call = async (entity: string, params: string) => {
          const reply = await fetch(`${baseUrl}/civicrm/ajax/api4/${entity}/get`, { method: 'POST', headers, body: new URLSearchParams({ params }).toString() });
          if (!reply.ok) throw new Error(`${entity}/get: HTTP ${reply.status}`);
          return ((await reply.json()) as { values: Record<string, unknown>[] }).values;
        };
        const started = performance.now();
        let rows = 0;
        let lastPrint = started;
        for (const p of pages) {
          const values = await call('Contact', p.contact);
          if (withRelated) await Promise.all(p.related.map((r) => call(r.entity, r.params)));
          await new Promise<void>((ok, fail) => {
            const tx = db.transaction('rows', 'readwrite');
            const store = tx.objectStore('rows');
            for (const v of values) store.put(v);
            tx.oncomplete = () => ok();
            tx.onerror = () => fail(tx.error);
            tx.onabort = () => fail(tx.error);
          });
          rows += values.length;
          if (performance.now() - lastPrint > progressMs) {
            lastPrint = performance.now();
            console.log(`[bench] ${rows.toLocaleString('en-US')} rows, ${Math.round(rows / ((lastPrint - started) / 1000)).toLocaleString('en-US')} rows/s`);
          }
        }
        const ms = performance.now() - started;
        db.close();
        await new Promise<void>((ok) => {
          const r = indexedDB.deleteDatabase(name);
          r.onsuccess = () => ok();
          r.onerror = () => ok();
        });
        return { rows, pages: pages.length, ms };
      },
      { baseUrl: double.baseUrl, apiKey: double.users.admin.apiKey, pages, withRelated, progressMs: PROGRESS_MS },
    );
    return { ...result, ms: round(result.ms), rowsPerSecond: round(result.rows / (result.ms / 1000), 0) };
  } finally {
    await page.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Kindred's sync, driven through the options page

interface SyncRun {
  contacts: number;
  /** Click on "Connect CiviCRM" → "Connected as …" shown, ms. */
  connectMs: number;
  /** Click → first page written (done > 0 seen), ms (polled, ±250 ms). */
  firstPageMs: number;
  /** Click → the sync record's finishedAt, ms. */
  durationMs: number;
  rowsPerSecond: number;
  memory: MemoryPeaks;
  record: SyncRecord;
  /** This run's slice of the double's timed log. */
  slice: Timed[];
  endAt: number;
  stops: { atDone: number; atMs: number; wokenAfterMs: number; nextContactGetMs: number | null }[];
  /** The extension page that polled the sync record (the options page, unless it was closed). */
  page: Page;
  optionsClosed: boolean;
  workerProfile: CpuProfile | null;
  browserTrace: TraceSummary | null;
}

async function kindredSync(
  launched: Launched,
  double: CiviDouble,
  timed: Timed[],
  contacts: number,
  label: string,
  log: (line: string) => void,
  { stopAt = [], closeOptions = false, profile = false }: { stopAt?: readonly number[]; closeOptions?: boolean; profile?: boolean } = {},
): Promise<SyncRun> {
  const { context, extensionId } = launched;
  const options = launched.installTab ?? (await context.newPage());
  await extensionPage(context, extensionId, 'options.html', options);
  await nameShim(options);
  await options.getByLabel('CiviCRM address').fill(double.baseUrl);
  await options.getByLabel('API key').fill(double.users.admin.apiKey);

  const sampler = new Sampler(context, extensionId, await browserPidOf(launched));
  const workerCdp = await serviceWorkerCdp(context, extensionId);
  let workerProfile: CpuProfile | null = null;
  if (profile) {
    await workerCdp.send('Profiler.enable');
    await workerCdp.send('Profiler.setSamplingInterval', { interval: 500 });
    await workerCdp.send('Profiler.start');
  }
  const tracing = profile ? await startBrowserTrace(launched) : null;
  await sampler.start(workerCdp);
  const logFrom = timed.length;

  const clickAt = Date.now();
  await options.getByRole('button', { name: 'Connect CiviCRM' }).click();
  await options.getByRole('status').filter({ hasText: /Connected as/ }).first().waitFor({ timeout: 30_000 });
  const connectMs = Date.now() - clickAt;
  log(`  ${label}: connected after ${connectMs} ms; syncing ${contacts.toLocaleString('en-US')} contacts${closeOptions ? ' (options page closed)' : ''}`);
  let page = options;
  if (closeOptions) {
    // The user closes the tab once connected; the sync carries on in the worker. Progress is read
    // from a bare extension page instead (one meta get every 250 ms).
    page = await extensionPage(context, extensionId, 'manifest.json');
    await nameShim(page);
    await options.close();
  }

  let firstPageMs = NaN;
  let lastProgress = Date.now();
  const stops: SyncRun['stops'] = [];
  let record: SyncRecord | null = null;
  for (;;) {
    await sleep(SAMPLE_MS);
    record = await within(readSyncRecord(page), 10_000, 'reading the sync record').catch((error: unknown) => {
      log(`  ${label}: ${error instanceof Error ? error.message : String(error)}`);
      return null;
    });
    const now = Date.now();
    if (record && record.done > 0 && Number.isNaN(firstPageMs)) firstPageMs = now - clickAt;
    if (record?.state === 'error') throw new Error(`${label}: the sync stopped with an error: ${record.lastError}`);
    if (record?.state === 'idle' && record.lastSyncedAt !== null && (record.finishedAt ?? 0) >= clickAt) break;
    if (now - clickAt > SYNC_TIMEOUT_MS) throw new Error(`${label}: the sync did not finish within ${SYNC_TIMEOUT_MS / 60_000} min (last record ${JSON.stringify(record)})`);
    if (now - lastProgress >= PROGRESS_MS && record) {
      lastProgress = now;
      const s = (now - clickAt) / 1000;
      log(
        `  ${label}: ${record.done.toLocaleString('en-US')}/${(record.total ?? contacts).toLocaleString('en-US')} after ${s.toFixed(1)} s ` +
          `(${Math.round(record.done / s).toLocaleString('en-US')} rows/s), SW heap ${sampler.latest.heapUsed.toFixed(1)} MB, ` +
          `Chromium RSS ${sampler.latest.rssSum.toFixed(0)} MB (extension ${sampler.latest.rssExt.toFixed(0)} MB), load ${loadAverage()[0]}`,
      );
    }
    const nextStop = stopAt[stops.length];
    if (nextStop !== undefined && record && record.state === 'running' && record.done >= nextStop * contacts) {
      const atMs = Date.now() - clickAt;
      const atDone = record.done;
      await stopServiceWorker(context, extensionId);
      sampler.workerGone();
      log(`  ${label}: stopped the service worker at ${atDone.toLocaleString('en-US')} contacts (${(atMs / 1000).toFixed(1)} s)`);
      await sleep(STOPPED_FOR_MS);
      const logAtWake = timed.length;
      const wokeAt = performance.now();
      // Any event starts the worker again; the options page's own message kind is used.
      await page.evaluate(() => chrome.runtime.sendMessage({ kindred: 1, type: 'refreshBadges', data: {} }).catch(() => null));
      let next: Timed | undefined;
      for (const deadline = Date.now() + 10_000; !next && Date.now() < deadline; await sleep(20)) {
        next = timed.slice(logAtWake).find((t) => keysetAfter(t.entry) !== null);
      }
      const nextContactGetMs = next ? round(next.start - wokeAt) : null;
      stops.push({ atDone, atMs, wokenAfterMs: STOPPED_FOR_MS, nextContactGetMs });
      log(`  ${label}: woke it; next Contact/get page request after ${nextContactGetMs ?? 'n/a'} ms`);
    }
  }
  const endAt = performance.now() - (Date.now() - (record.finishedAt ?? Date.now()));
  if (profile) {
    workerProfile = (await workerCdp.send<{ profile: CpuProfile }>('Profiler.stop').catch(() => null))?.profile ?? null;
  }
  const memory = await sampler.stop();
  await workerCdp.detach();
  const browserTrace = tracing ? await tracing.stop() : null;
  const durationMs = (record.finishedAt ?? Date.now()) - clickAt;
  const live = liveContacts(double);
  log(`  ${label}: finished: ${record.done.toLocaleString('en-US')} contacts in ${(durationMs / 1000).toFixed(1)} s = ${Math.round(live / (durationMs / 1000)).toLocaleString('en-US')} rows/s`);
  return {
    contacts: live,
    connectMs,
    firstPageMs,
    durationMs,
    rowsPerSecond: round(live / (durationMs / 1000), 0),
    memory,
    record,
    slice: timed.slice(logFrom),
    endAt,
    stops,
    page,
    optionsClosed: closeOptions,
    workerProfile,
    browserTrace,
  };
}

// ---------------------------------------------------------------------------------------------
// Browser-wide trace of IndexedDB work (KINDRED_BENCH_PROFILE=1): where the browser process's CPU goes.

interface TraceSummary {
  /** Per event name and process kind: count and summed duration (ms) of complete/nested-free events. */
  events: { name: string; process: string; count: number; ms: number }[];
}

async function startBrowserTrace(launched: Launched): Promise<{ stop(): Promise<TraceSummary> }> {
  const session = await launched.context.browser()!.newBrowserCDPSession();
  await session.send('Tracing.start', {
    transferMode: 'ReturnAsStream',
    traceConfig: { includedCategories: ['IndexedDB', 'toplevel', 'leveldb', 'disabled-by-default-devtools.timeline'], recordMode: 'recordAsMuchAsPossible' },
  });
  return {
    async stop() {
      const complete = new Promise<{ stream?: string }>((ok) => session.once('Tracing.tracingComplete', ok));
      await session.send('Tracing.end');
      const { stream } = await complete;
      let text = '';
      if (stream) {
        for (;;) {
          const chunk = (await session.send('IO.read', { handle: stream, size: 1 << 22 })) as { data: string; eof: boolean; base64Encoded?: boolean };
          text += chunk.base64Encoded ? Buffer.from(chunk.data, 'base64').toString('utf8') : chunk.data;
          if (chunk.eof) break;
        }
      }
      await session.detach().catch(() => undefined);
      const parsed = JSON.parse(text || '[]') as TraceEvent[] | { traceEvents: TraceEvent[] };
      const events = Array.isArray(parsed) ? parsed : parsed.traceEvents;
      const processNames = new Map<number, string>();
      const threadNames = new Map<string, string>();
      for (const e of events) {
        if (e.ph === 'M' && e.name === 'process_name') processNames.set(e.pid, String(e.args?.name ?? e.pid));
        if (e.ph === 'M' && e.name === 'thread_name') threadNames.set(`${e.pid}:${e.tid}`, String(e.args?.name ?? e.tid));
      }
      const open = new Map<string, number[]>();
      const sums = new Map<string, { name: string; process: string; count: number; ms: number }>();
      const add = (e: TraceEvent, us: number) => {
        const thread = (threadNames.get(`${e.pid}:${e.tid}`) ?? String(e.tid)).replace(/\d+$/, '');
        const process = `${processNames.get(e.pid) ?? String(e.pid)}/${thread}`;
        const key = `${process}|${e.name}`;
        const entry = sums.get(key) ?? { name: e.name, process, count: 0, ms: 0 };
        entry.count++;
        entry.ms += us / 1000;
        sums.set(key, entry);
      };
      for (const e of events) {
        if (!/IndexedDB|LevelDB|leveldb|Transaction|Cursor|IDB/i.test(e.name) && e.cat !== 'IndexedDB' && e.cat !== 'leveldb') continue;
        if (e.ph === 'X') add(e, e.dur ?? 0);
        else if (e.ph === 'B') open.set(`${e.pid}:${e.tid}:${e.name}`, [...(open.get(`${e.pid}:${e.tid}:${e.name}`) ?? []), e.ts]);
        else if (e.ph === 'E') {
          const stack = open.get(`${e.pid}:${e.tid}:${e.name}`);
          const ts = stack?.pop();
          if (ts !== undefined) add(e, e.ts - ts);
        }
      }
      return { events: [...sums.values()].map((x) => ({ ...x, ms: round(x.ms, 0) })).sort((a, b) => b.ms - a.ms).slice(0, 40) };
    },
  };
}

interface TraceEvent {
  name: string;
  cat: string;
  ph: string;
  ts: number;
  dur?: number;
  pid: number;
  tid: number;
  args?: { name?: unknown };
}

// ---------------------------------------------------------------------------------------------
// Expected contents, from the double's own tables

const liveContacts = (double: CiviDouble): number => [...double.data.contacts.values()].filter((c) => !c.is_deleted).length;

function expected(double: CiviDouble) {
  const live = new Map<number, { display_name: string | null }>();
  for (const c of double.data.contacts.values()) if (!c.is_deleted) live.set(c.id as number, c as { display_name: string | null });
  const emails = new Map<number, string>();
  for (const e of double.data.emails.values()) if (e.is_primary) emails.set(e.contact_id as number, e.email as string);
  const identities = new Map<string, string>();
  for (const w of double.data.websites.values()) {
    if (!live.has(w.contact_id as number)) continue;
    const identity = canonicalizeProfile(String(w.url));
    if (identity) identities.set(`${identity.platform}:${identity.handle}`, `civicrm:${w.contact_id}`);
  }
  // A deterministic spread of contacts and identities across the whole id range.
  const ids = [...live.keys()].sort((a, b) => a - b);
  const every = Math.max(1, Math.floor(ids.length / SAMPLE_SIZE));
  const constituents = ids
    .filter((_, i) => i % every === every - 1)
    .slice(0, SAMPLE_SIZE)
    .map((id) => ({ id: `civicrm:${id}`, displayName: live.get(id)!.display_name ?? '', email: emails.get(id) ?? '' }));
  const keys = [...identities.entries()];
  const iEvery = Math.max(1, Math.floor(keys.length / SAMPLE_SIZE));
  const sampleIdentities = keys
    .filter((_, i) => i % iEvery === iEvery - 1)
    .slice(0, SAMPLE_SIZE)
    .map(([key, constituentId]) => ({ key, constituentId }));
  return {
    contacts: live.size,
    identities: identities.size,
    identityOwners: new Set(identities.values()).size,
    sample: { constituents, identities: sampleIdentities },
  };
}

// ---------------------------------------------------------------------------------------------
// CPU profile summary (KINDRED_BENCH_PROFILE=1)

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
}

function summariseProfile(profile: CpuProfile): { self: { fn: string; ms: number }[]; totalMs: number } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    const dt = profile.timeDeltas[i] ?? 0;
    if (!node) return;
    const cf = node.callFrame;
    const file = cf.url.split('/').pop() ?? '';
    const key = cf.functionName === '(idle)' || cf.functionName === '(program)' || cf.functionName === '(garbage collector)' ? cf.functionName : `${cf.functionName || '(anonymous)'} ${file}:${cf.lineNumber + 1}`;
    selfUs.set(key, (selfUs.get(key) ?? 0) + dt);
    total += dt;
  });
  const self = [...selfUs.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([fn, us]) => ({ fn, ms: round(us / 1000, 0) }));
  return { self, totalMs: round(total / 1000, 0) };
}

/** An unminified copy of dist/chrome (readable function names in the worker's profile). */
async function profilingCopy(): Promise<string> {
  const dir = join(benchTmp, 'sync-profile');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(benchTmp, { recursive: true });
  cpSync(join(repoRoot, 'dist/chrome'), dir, { recursive: true });
  await build({
    entryPoints: [join(repoRoot, 'src/background/index.ts')],
    bundle: true,
    minify: false,
    format: 'esm',
    target: ['chrome120'],
    logLevel: 'warning',
    outfile: join(dir, 'background.js'),
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  return dir;
}

// ---------------------------------------------------------------------------------------------

export interface SyncResults {
  method: string;
  contacts: number;
  seed: typeof SEED_OPTIONS & { emails: number; websites: number; contributions: number; identitiesExpected: number };
  /** The options page stays open through the sync (the user watches the progress bar). */
  kindred: SyncFigures;
  /** Browser 2: the options page is closed once "Connected as" shows; the sync runs on in the worker. */
  kindredOptionsClosed: SyncFigures;
  baseline: {
    contactsOnly: BaselineRun & { serverMs: number; afterDataPerPage: Stat; browserTrace: TraceSummary | null };
    sameRequests: BaselineRun & { serverMs: number; afterDataPerPage: Stat };
    /** Baseline A again, in browser 2's fresh profile before its own sync. */
    contactsOnlyFreshProfile: BaselineRun;
  };
  /** Kindred rows/s over baseline rows/s (A: the brief's baseline, the faster of its two runs). */
  ratioToContactsOnly: number;
  ratioToSameRequests: number;
  ratioOptionsClosedToContactsOnly: number;
  ratioOptionsClosedToSameRequests: number;
  resume: {
    durationMs: number;
    stops: SyncRun['stops'];
    contactGetRequests: number;
    distinctPages: number;
    pagesPulledTwice: number;
    finalDone: number;
    checks: StoreCheck & { ok: boolean };
    ok: boolean;
    memory: MemoryPeaks;
  };
  loadAvg: { start: number[]; end: number[] };
}

interface SyncFigures {
  optionsPageOpen: boolean;
  durationMs: number;
  rowsPerSecond: number;
  connectMs: number;
  firstPageMs: number;
  pages: number;
  memory: MemoryPeaks;
  checks: StoreCheck & { contactsExpected: number; identitiesExpected: number; identityOwnersExpected: number; ok: boolean };
  /** Sums over the sync's pages, ms (see PageTiming). */
  breakdown: { serverMs: number; contactToRelatedMs: number; relatedMs: number; afterDataMs: number; cycleMs: number; afterDataPerPage: Stat; serverPerPage: Stat };
  workerProfile: { totalMs: number; self: { fn: string; ms: number }[] } | null;
  browserTrace: TraceSummary | null;
}

export async function runSync(options: BenchOptions): Promise<{ results: SyncResults; table: string }> {
  const { log, quick } = options;
  const n = quick ? CONTACTS_QUICK : CONTACTS_FULL;
  if (!existsSync(join(repoRoot, 'dist/chrome/manifest.json'))) throw new Error('dist/chrome is missing: run `npm run build` first.');
  const loadStart = loadAverage();
  log(`load average ${loadStart.join(' ')}`);

  const double = await startCiviDouble({ seed: 'none' });
  const timed = timeDouble(double);
  const seededAt = performance.now();
  double.seedContacts(n, SEED_OPTIONS);
  const want = expected(double);
  log(
    `double: ${want.contacts.toLocaleString('en-US')} live contacts (${n.toLocaleString('en-US')} seeded in ${Math.round(performance.now() - seededAt)} ms), ` +
      `${double.data.emails.size.toLocaleString('en-US')} emails, ${double.data.websites.size.toLocaleString('en-US')} websites, ` +
      `${double.data.contributions.size.toLocaleString('en-US')} contributions; ${want.identities.toLocaleString('en-US')} identities expected`,
  );
  const port = Number(new URL(double.baseUrl).port);
  const extensionDir = PROFILE ? await profilingCopy() : undefined;

  try {
    // --- browser 1: Kindred's first sync, then the baselines -----------------------------------
    log('browser 1: first sync through the options page');
    const b1 = await launchBrowser({ port, ...(extensionDir ? { extensionDir } : {}) });
    let run: SyncRun;
    let checks: StoreCheck;
    let baseA: BaselineRun;
    let baseB: BaselineRun;
    let sliceA: Timed[];
    let sliceB: Timed[];
    let endA: number;
    let endB: number;
    let baseATrace: TraceSummary | null = null;
    try {
      await grantHostPermission(b1.context, b1.extensionId, ORIGIN);
      run = await kindredSync(b1, double, timed, n, 'kindred', log, { profile: PROFILE });
      checks = await checkStore(run.page, want.sample);
      log(`  check: ${checks.constituents.toLocaleString('en-US')} constituents (want ${want.contacts.toLocaleString('en-US')}), ${checks.identities.toLocaleString('en-US')} identities (want ${want.identities.toLocaleString('en-US')}), sample ${checks.sampleConstituentsMatching}/${want.sample.constituents.length} + ${checks.sampleIdentitiesMatching}/${want.sample.identities.length}`);
      const pages = capturePages(run.slice);
      log(`baseline A (contacts only): replaying ${pages.length} Contact/get pages from an extension page`);
      let from = timed.length;
      const baseTracing = PROFILE ? await startBrowserTrace(b1) : null;
      baseA = await runBaseline(b1.context, b1.extensionId, double, pages, false, 'baseline A', log);
      baseATrace = baseTracing ? await baseTracing.stop() : null;
      endA = performance.now();
      sliceA = timed.slice(from);
      log(`  baseline A: ${baseA.rows.toLocaleString('en-US')} rows in ${(baseA.ms / 1000).toFixed(1)} s = ${baseA.rowsPerSecond.toLocaleString('en-US')} rows/s`);
      log(`baseline B (same requests): replaying ${pages.length} pages × ${1 + (pages[0]?.related.length ?? 0)} requests`);
      from = timed.length;
      baseB = await runBaseline(b1.context, b1.extensionId, double, pages, true, 'baseline B', log);
      endB = performance.now();
      sliceB = timed.slice(from);
      log(`  baseline B: ${baseB.rows.toLocaleString('en-US')} rows in ${(baseB.ms / 1000).toFixed(1)} s = ${baseB.rowsPerSecond.toLocaleString('en-US')} rows/s`);
    } finally {
      await b1.close();
    }

    // --- browser 2: baseline A in a fresh profile, then the sync with the options page closed ---
    log('browser 2: baseline A in a fresh profile, then a first sync with the options page closed once connected');
    const b2 = await launchBrowser({ port });
    let baseA2: BaselineRun;
    let closedRun: SyncRun;
    let closedChecks: StoreCheck;
    try {
      await grantHostPermission(b2.context, b2.extensionId, ORIGIN);
      baseA2 = await runBaseline(b2.context, b2.extensionId, double, capturePages(run.slice), false, 'baseline A (fresh)', log);
      log(`  baseline A (fresh profile): ${baseA2.rows.toLocaleString('en-US')} rows in ${(baseA2.ms / 1000).toFixed(1)} s = ${baseA2.rowsPerSecond.toLocaleString('en-US')} rows/s`);
      closedRun = await kindredSync(b2, double, timed, n, 'kindred, options closed', log, { closeOptions: true });
      closedChecks = await checkStore(closedRun.page, want.sample);
    } finally {
      await b2.close();
    }

    // --- browser 3: the sync with two worker stops ------------------------------------------------
    log('browser 3: first sync with the service worker stopped twice (options page closed once connected)');
    const b3 = await launchBrowser({ port });
    let resumeRun: SyncRun;
    let resumeChecks: StoreCheck;
    try {
      await grantHostPermission(b3.context, b3.extensionId, ORIGIN);
      resumeRun = await kindredSync(b3, double, timed, n, 'resume', log, { stopAt: STOP_AT, closeOptions: true });
      resumeChecks = await checkStore(resumeRun.page, want.sample);
    } finally {
      await b3.close();
    }

    // --- figures --------------------------------------------------------------------------------
    const kTimings = pageTimings(run.slice, run.endAt);
    const cTimings = pageTimings(closedRun.slice, closedRun.endAt);
    const aTimings = pageTimings(sliceA, endA);
    const bTimings = pageTimings(sliceB, endB);
    const storeOk = (c: StoreCheck) =>
      c.constituents === want.contacts &&
      c.identities === want.identities &&
      c.identityOwners === want.identityOwners &&
      c.sampleConstituentsMatching === want.sample.constituents.length &&
      c.sampleIdentitiesMatching === want.sample.identities.length;
    const afterIds = resumeRun.slice.map((t) => keysetAfter(t.entry)).filter((x): x is number => x !== null);
    const distinct = new Set(afterIds).size;
    const bestA = baseA.rowsPerSecond >= baseA2.rowsPerSecond ? baseA : baseA2;
    const resumeOk = storeOk(resumeChecks) && resumeRun.record.done === want.contacts && resumeRun.stops.length === STOP_AT.length;
    const figures = (r: SyncRun, c: StoreCheck, t: PageTiming[]): SyncFigures => ({
      optionsPageOpen: !r.optionsClosed,
      durationMs: r.durationMs,
      rowsPerSecond: r.rowsPerSecond,
      connectMs: r.connectMs,
      firstPageMs: r.firstPageMs,
      pages: t.length,
      memory: r.memory,
      checks: {
        ...c,
        contactsExpected: want.contacts,
        identitiesExpected: want.identities,
        identityOwnersExpected: want.identityOwners,
        ok: storeOk(c) && r.record.done === want.contacts,
      },
      breakdown: {
        serverMs: round(sumOf(t, 'serverMs'), 0),
        contactToRelatedMs: round(sumOf(t, 'contactToRelatedMs'), 0),
        relatedMs: round(sumOf(t, 'relatedMs'), 0),
        afterDataMs: round(sumOf(t, 'afterDataMs'), 0),
        cycleMs: round(sumOf(t, 'cycleMs'), 0),
        afterDataPerPage: { ...stat(t.map((x) => x.afterDataMs)), samples: [] },
        serverPerPage: { ...stat(t.map((x) => x.serverMs)), samples: [] },
      },
      workerProfile: r.workerProfile ? summariseProfile(r.workerProfile) : null,
      browserTrace: r.browserTrace,
    });

    const results: SyncResults = {
      method:
        'First sync through the options page (fill the Connect form, click), timed from the click to the sync record\'s finishedAt. ' +
        'Baselines replay the same requests from an extension page of the same browser and put raw rows in a scratch DB without indexes: ' +
        'A = the Contact/get pages only, B = each page\'s 7 requests as Kindred sends them. Memory sampled every 250 ms (worker heap by CDP, ' +
        'Chromium RSS from /proc). Per-page breakdown from the double\'s side: its service time, and the gap between the page\'s last reply and the next page request.',
      contacts: want.contacts,
      seed: {
        ...SEED_OPTIONS,
        emails: double.data.emails.size,
        websites: double.data.websites.size,
        contributions: double.data.contributions.size,
        identitiesExpected: want.identities,
      },
      kindred: figures(run, checks, kTimings),
      kindredOptionsClosed: figures(closedRun, closedChecks, cTimings),
      baseline: {
        contactsOnly: { ...baseA, serverMs: round(sumOf(aTimings, 'serverMs'), 0), afterDataPerPage: { ...stat(aTimings.map((t) => t.afterDataMs)), samples: [] }, browserTrace: baseATrace },
        sameRequests: { ...baseB, serverMs: round(sumOf(bTimings, 'serverMs'), 0), afterDataPerPage: { ...stat(bTimings.map((t) => t.afterDataMs)), samples: [] } },
        contactsOnlyFreshProfile: baseA2,
      },
      ratioToContactsOnly: round(run.rowsPerSecond / bestA.rowsPerSecond, 3),
      ratioToSameRequests: round(run.rowsPerSecond / baseB.rowsPerSecond, 3),
      ratioOptionsClosedToContactsOnly: round(closedRun.rowsPerSecond / bestA.rowsPerSecond, 3),
      ratioOptionsClosedToSameRequests: round(closedRun.rowsPerSecond / baseB.rowsPerSecond, 3),
      resume: {
        durationMs: resumeRun.durationMs,
        stops: resumeRun.stops,
        contactGetRequests: afterIds.length,
        distinctPages: distinct,
        pagesPulledTwice: afterIds.length - distinct,
        finalDone: resumeRun.record.done,
        checks: { ...resumeChecks, ok: storeOk(resumeChecks) },
        ok: resumeOk,
        memory: resumeRun.memory,
      },
      loadAvg: { start: loadStart, end: loadAverage() },
    };
    return { results, table: render(results) };
  } finally {
    await double.close();
  }
}

function render(r: SyncResults): string {
  const f = (n: number) => n.toLocaleString('en-US');
  const sec = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const cpu = (m: MemoryPeaks) =>
    Object.entries(m.cpuSeconds)
      .filter(([, v]) => v >= 0.05)
      .sort((a, b) => b[1] - a[1])
      .map(([kind, v]) => `${kind.replace(' renderer', '')} ${v.toFixed(1)}`)
      .join(', ') + `; node (double) ${m.nodeCpuSeconds}`;
  const variant = (name: string, k: SyncFigures, ratioA: number, ratioB: number): string[][] => [
    [name, `first sync of ${f(r.contacts)} contacts`, `${sec(k.durationMs)}, ${f(k.rowsPerSecond)} rows/s`, `click → finishedAt; ${k.pages} pages; connect ${k.connectMs} ms, first page ${k.firstPageMs} ms`],
    [name, 'ratio to baseline A / B', `${ratioA} / ${ratioB}`, ''],
    [name, 'SW JS heap used, before / peak / end', `${k.memory.heapUsedStartMb} / ${k.memory.heapUsedPeakMb} / ${k.memory.heapUsedEndMb} MB`, `heap total peak ${k.memory.heapTotalPeakMb} MB; ${k.memory.heapSamples} samples`],
    [name, 'Chromium RSS sum, before / peak / end', `${k.memory.rssSumStartMb} / ${k.memory.rssSumPeakMb} / ${k.memory.rssSumEndMb} MB`, `largest process ${k.memory.rssMaxPeakMb} MB (${k.memory.rssMaxPeakKind})`],
    [name, 'extension renderer RSS, before / peak / end', `${k.memory.rssExtensionStartMb} / ${k.memory.rssExtensionPeakMb} / ${k.memory.rssExtensionEndMb} MB`, k.optionsPageOpen ? 'worker + options page' : 'worker + polling page'],
    [name, 'CPU s over the sync', cpu(k.memory), `loadavg ${k.memory.loadAvgStart[0]} → ${k.memory.loadAvgEnd[0]}`],
    [name, 'double service time (sum)', sec(k.breakdown.serverMs), `median ${k.breakdown.serverPerPage.median} ms/page`],
    [name, 'last reply → next page request', sec(k.breakdown.afterDataMs), `median ${k.breakdown.afterDataPerPage.median} ms/page`],
    [name, 'contacts reply → related requests', sec(k.breakdown.contactToRelatedMs), ''],
    [name, 'constituents / identities', `${f(k.checks.constituents)} / ${f(k.checks.identities)}`, `want ${f(k.checks.contactsExpected)} / ${f(k.checks.identitiesExpected)}; sample ${k.checks.sampleConstituentsMatching}+${k.checks.sampleIdentitiesMatching} of ${2 * SAMPLE_SIZE}: ${k.checks.ok ? 'ok' : 'WRONG'}`],
  ];
  const a = r.baseline.contactsOnly;
  const b = r.baseline.sameRequests;
  const rows: string[][] = [
    ['sync', 'measure', 'value', 'note'],
    ...variant('kindred', r.kindred, r.ratioToContactsOnly, r.ratioToSameRequests),
    ...variant('kindred, options closed', r.kindredOptionsClosed, r.ratioOptionsClosedToContactsOnly, r.ratioOptionsClosedToSameRequests),
    ['baseline A', 'Contact/get pages + put, no indexes', `${sec(a.ms)}, ${f(a.rowsPerSecond)} rows/s`, `fresh profile ${f(r.baseline.contactsOnlyFreshProfile.rowsPerSecond)} rows/s; last reply → next ${a.afterDataPerPage.median} ms/page`],
    ['baseline B', 'same 7 requests/page + put', `${sec(b.ms)}, ${f(b.rowsPerSecond)} rows/s`, `double ${sec(b.serverMs)}; last reply → next ${b.afterDataPerPage.median} ms/page`],
    ['resume', 'worker stopped at', r.resume.stops.map((x) => f(x.atDone)).join(', '), `woken after 1 s; next page request ${r.resume.stops.map((x) => `${x.nextContactGetMs} ms`).join(', ')} after the wake`],
    ['resume', 'finished', `${sec(r.resume.durationMs)}; ${f(r.resume.finalDone)} done`, `${f(r.resume.checks.constituents)} constituents, ${f(r.resume.checks.identities)} identities: ${r.resume.ok ? 'ok' : 'WRONG'}`],
    ['resume', 'pages pulled twice', `${r.resume.pagesPulledTwice}`, `${r.resume.contactGetRequests} page requests, ${r.resume.distinctPages} distinct`],
    ['load', 'loadavg start → end', `${r.loadAvg.start.join(' ')} → ${r.loadAvg.end.join(' ')}`, 'other work shares this 2-core machine'],
  ];
  let out = table(rows);
  const k = r.kindred;
  if (k.workerProfile) {
    out += `\n\nworker CPU profile (unminified build; ${k.workerProfile.totalMs} ms sampled), self time:\n`;
    out += k.workerProfile.self.map((x) => `  ${String(x.ms).padStart(7)} ms  ${x.fn}`).join('\n');
  }
  const traced = (title: string, t: TraceSummary | null) => {
    if (!t) return;
    out += `\n\n${title}:\n`;
    out += t.events.slice(0, 25).map((x) => `  ${String(x.ms).padStart(7)} ms  ${String(x.count).padStart(7)}×  ${x.process}  ${x.name}`).join('\n');
  };
  traced('IndexedDB trace events over Kindred\'s sync (all processes), summed', k.browserTrace);
  traced('IndexedDB trace events over baseline A, summed', a.browserTrace);
  return out;
}

// Benchmark section "scale" (issue 5): Kindred at 10,000 / 100,000 / 1,000,000 constituents in real
// Chromium with the built extension, every figure next to its physical floor and its network
// baseline measured in the same run. `--quick`: 10,000 only. `--sizes=10000,100000`: a subset.
// Timings are reported, never asserted.
//
// Method (the product is driven from outside; nothing in src/ knows about the benchmark):
//  - Extension: a snapshot copy of dist/chrome under bench/tmp/scale-ext, taken when the section
//    starts, so a rebuild during a long run cannot swap the code under the browser.
//  - Data (scale-data.ts): seeded rows in Kindred's CSV format (1–4 identities, 1–2 emails, 0–3
//    tags, giving summary on 70%), streamed to bench/tmp/scale-<n>.csv (reused while the generator
//    is unchanged). Each size runs in a fresh browser profile.
//  - Import: the options page's "Import CSV" input gets the file path (setInputFiles), so the
//    product's streaming import runs as for a user. Rate = rows / (file input `change` → the
//    "Imported N rows" status), both taken in the page by a listener and a MutationObserver.
//    Every second meanwhile: the options page's JS heap (CDP Runtime.getHeapUsage), the worker's,
//    and Chromium's RSS from /proc; CPU seconds per Chromium process kind over the import.
//  - Interactions (0–20 per constituent, 45% none, most few): written after the import into
//    Kindred's `interactions` store with plain IndexedDB from an extension page; timed separately.
//  - Lookups take the content script's path: CDP Runtime.evaluate in the Kindred content script's
//    isolated world on an x.com profile tab (served locally), calling chrome.runtime.sendMessage
//    with `lookupIdentities`, timed with performance.now() there (100 µs resolution). Warm: back to
//    back, half known keys. Cold: before each sample the worker is stopped (CDP
//    ServiceWorker.stopAllWorkers on the x.com tab's session, without opening or closing a tab: a
//    tab event would wake the worker at once) and left stopped COLD_WAIT_MS, with no extension page
//    open; every cold sample is checked to have been answered by a new worker instance. "Database
//    closed too": the same after also closing the build's offscreen keeper document (what a browser
//    restart does) and waiting for Chromium to close the backing store.
//  - Name search: `searchConstituents` from an extension page; prefixes typed from real names, and
//    "fuzzy" queries (transposed letters, a letter missing, the inner part of a last name).
//  - Popup: the real toolbar popup (chrome.action.openPopup() from an extension page) over the
//    x.com tab of a seeded person with the most interactions; time = the popup's navigation start
//    → Kindred's `kindred:card-painted` mark. Side panel: opened the way a badge click does (the
//    content script's `openPanel` message, sent with a user gesture), same mark. Their floor: the
//    same popup / side panel showing an empty page (bench-empty.html, added to the benchmark's
//    copy only) that marks its first frame.
//  - Floors, same browser: the records Kindred's import stores (made in Node by the product's own
//    row parser, src/import/rows.ts), put 2,000 rows + identities per transaction into a scratch
//    database without indexes (import floor), in a fresh origin of its own (an x.com tab), as the
//    import had an empty one; then the same with Kindred's indexes (first 100k rows, another fresh
//    origin). On that scratch store: `get` by primary key (lookup floor), 100 gets in one
//    transaction (batch floor), every identity key in a Map (in-memory floor). From an extension
//    page: one getAll(20) on Kindred's own nameKey index (search floor). From the content script:
//    a message the worker answers without store work (message-path floor, warm and cold). Peer
//    baseline: a lookup over HTTP against a local CRM double that answers after 150 ms.
//  - KINDRED_BENCH_PROFILE=1: unminified UI and worker; CPU profiles of the options page over the
//    import, of the worker over the warm lookups and of the popups (figures of such a run are not
//    the product's).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { KindredDB } from '../../src/store/db';
import { foldName } from '../../src/store/model';
import { browserProcessId, extensionIdForPath, extensionPage, launchBrowser, listTargets, repoRoot, serviceWorkerCdp, startSiteServer, stopServiceWorkerQuietly, tabIdOf, type Launched } from '../lib/harness';
import { benchTmp, readResults, round, sleep, table, writeResults, type BenchOptions } from './lib';
import {
  browserThreadCpu, closeTarget, cpuByKind, cpuDelta, dist, EMPTY_PAGE, loadAvg, MB, NETWORK_DELAY_MS, openPopupOnce, openSidePanelOnce, openSocialTab, profilePage, run, runIsolated,
  Sampler, startCrmDouble, topSelf, workerEval, workerHeapAfterGc, writeEmptyExtension, type CardPaint, type CpuProfile, type Dist, type MemoryTrace,
} from './scale-browser';
import { lookupKeys, person, searchQueries, SEED, storedRecords, writeCsv, type CsvFile } from './scale-data';
import * as inPage from './scale-page';

export const SIZES = [10_000, 100_000, 1_000_000];
export const BUDGETS = {
  lookupWarmP95Ms: 3,
  lookupColdP95Ms: 150,
  batch100WarmMs: 10,
  importOfRawPut: 0.8,
  nameSearchP95Ms: 30,
  popupCardMs: 100,
  workerHeapMB: 60,
} as const;
const IMPORT_BATCH = 2_000; // src/import/import-csv.ts DEFAULT_CHUNK_ROWS
const COLD_WAIT_MS = 2_500;
/** Rows of the "put with Kindred's indexes" comparison (the whole set up to this many). */
const INDEXED_ROWS = 100_000;
/**
 * Rows of the raw-put floor. Default: all of them, the faithful floor. A 1M floor takes as long as
 * the import on a slow machine, so KINDRED_BENCH_FLOOR_ROWS may cap it: the import is then compared
 * with it over the same first rows (like for like), and its whole-run rate is still reported.
 */
const FLOOR_ROWS = Number(process.env.KINDRED_BENCH_FLOOR_ROWS) || Infinity;
/** Give up on an import that has not finished after this long (minutes); the rate so far is reported. */
const IMPORT_CAP_MIN = Number(process.env.KINDRED_SCALE_IMPORT_CAP_MIN ?? 45);
/**
 * With KINDRED_SCALE_SEED_REST=1, an import stopped by that cap does not end the size: the rows it
 * did not reach are put straight into Kindred's database (the records its row parser makes, with
 * its indexes), and everything else is measured at the full size. The import rate is then the rate
 * over the rows it reached, and the figures say how many (`importRows`, `seededRows`). For 1M on a
 * slow machine, where the import alone takes longer than a session.
 */
const SEED_REST = process.env.KINDRED_SCALE_SEED_REST === '1';
const PROFILE = Boolean(process.env.KINDRED_BENCH_PROFILE);

/** Which build is measured: dist/chrome's build time and a hash of its scripts. */
function buildInfo(): { builtAt: string; jsSha256: string } {
  const dist = join(repoRoot, 'dist/chrome');
  const hash = createHash('sha256');
  let newest = 0;
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.js')) {
        hash.update(readFileSync(path));
        newest = Math.max(newest, statSync(path).mtimeMs);
      }
    }
  };
  if (existsSync(dist)) walk(dist);
  return { builtAt: newest ? new Date(newest).toISOString() : 'missing', jsSha256: hash.digest('hex').slice(0, 12) };
}

interface Counts {
  warm: number;
  warmPing: number;
  batchWarm: number;
  cold: number;
  coldBatch: number;
  coldPing: number;
  coldNoKeeper: number;
  prefix: number;
  fuzzy: number;
  popup: number;
  popupCold: number;
  panel: number;
  rawGet: number;
  rawBatch: number;
  network: number;
}
const countsFor = (quick: boolean, n: number): Counts =>
  quick
    ? // Each cold sample waits COLD_WAIT_MS for the stopped worker: they are most of quick mode's time.
      { warm: 500, warmPing: 200, batchWarm: 40, cold: 4, coldBatch: 2, coldPing: 2, coldNoKeeper: 2, prefix: 100, fuzzy: 30, popup: 5, popupCold: 1, panel: 3, rawGet: 500, rawBatch: 40, network: 10 }
    : { warm: 2_000, warmPing: 500, batchWarm: 100, cold: n >= 1_000_000 ? 20 : 12, coldBatch: 8, coldPing: 8, coldNoKeeper: 6, prefix: 200, fuzzy: 60, popup: 10, popupCold: 4, panel: 5, rawGet: 1_000, rawBatch: 100, network: 20 };

/** The snapshot of dist/chrome this section loads, plus the empty page of the popup floor (unminified UI and worker with KINDRED_BENCH_PROFILE). */
async function extensionCopy(): Promise<string> {
  const dist = join(repoRoot, 'dist/chrome');
  if (!existsSync(join(dist, 'manifest.json'))) throw new Error('dist/chrome is missing: run `npm run build` first.');
  const dir = join(benchTmp, 'scale-ext');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(benchTmp, { recursive: true });
  cpSync(dist, dir, { recursive: true });
  writeFileSync(join(dir, 'bench-empty.html'), EMPTY_PAGE.html);
  writeFileSync(join(dir, 'bench-empty.js'), EMPTY_PAGE.js);
  if (PROFILE) {
    const common = { bundle: true, minify: false, target: ['chrome120'], logLevel: 'warning' as const, define: { 'process.env.NODE_ENV': '"production"' } };
    await build({ ...common, entryPoints: { background: join(repoRoot, 'src/background/index.ts') }, format: 'esm', outdir: dir });
    await build({
      ...common,
      entryPoints: { options: join(repoRoot, 'src/ui/options/main.tsx'), popup: join(repoRoot, 'src/ui/popup/main.tsx'), sidepanel: join(repoRoot, 'src/ui/sidepanel/main.tsx') },
      format: 'esm',
      outdir: dir,
      jsx: 'automatic',
      jsxImportSource: 'preact',
    });
  }
  return dir;
}

// ---------------------------------------------------------------------------------------------
// One size

export interface SizeFigures {
  // The issue's keys
  lookupWarmP95Ms: number;
  lookupColdP95Ms: number;
  batch100WarmMs: number;
  importRowsPerSec: number;
  rawPutRowsPerSec: number;
  nameSearchP95Ms: number;
  indexedPutRowsPerSec: number;
  popupCardMs: number;
  workerHeapMB: number;
  diskMB: number;
  networkBaselineP50Ms: number;
  // More
  lookupWarmP50Ms: number;
  lookupWarmP99Ms: number;
  lookupColdP50Ms: number;
  lookupColdP99Ms: number;
  lookupColdDbClosedP50Ms: number;
  /** Optional: runs before the known-identity index have none. */
  lookupColdDbClosedP95Ms?: number;
  knownIndexMB?: number;
  knownIndexBuildMs?: number;
  batch100WarmP95Ms: number;
  batch100ColdMs: number;
  batch100ColdP95Ms: number;
  importOfRawPut: number;
  /** Set when the import was stopped by KINDRED_SCALE_IMPORT_CAP_MIN and the rest seeded: the rows the import rate covers, and the rows seeded. */
  importRows?: number;
  seededRows?: number;
  /** Set when KINDRED_BENCH_FLOOR_ROWS capped the raw-put floor: its rows, and the import's rate over the same rows. */
  rawPutRows?: number;
  importRowsPerSecSameRowsAsRawPut?: number;
  nameSearchP50Ms: number;
  fuzzySearchP50Ms: number;
  fuzzySearchP95Ms: number;
  popupCardP95Ms: number;
  popupCardColdMs: number;
  sidePanelCardMs: number;
  emptyPopupMs: number;
  emptySidePanelMs: number;
  workerHeapPeakMB: number;
  importPageHeapPeakMB: number;
  rssPeakMB: number;
  interactions: number;
  interactionRowsPerSec: number;
  rawGetP50Ms: number;
  rawGetP95Ms: number;
  rawBatch100Ms: number;
  mapGetNs: number;
  messagePingWarmP50Ms: number;
  messagePingWarmP95Ms: number;
  messagePingColdP50Ms: number;
  messagePingColdP95Ms: number;
  /** The same ping to an extension whose worker does nothing else (writeEmptyExtension), same browser. */
  emptyWorkerPingWarmP95Ms: number;
  emptyWorkerPingColdP50Ms: number;
  emptyWorkerPingColdP95Ms: number;
  rawNameRangeP95Ms: number;
  quick: boolean;
  date: string;
  loadAvg: number[];
}

interface SizeDetail {
  constituents: number;
  csv: Omit<CsvFile, 'path'> & { file: string };
  counts: Counts;
  stores: Record<string, number>;
  import: {
    rows: number;
    seconds: number;
    uiSeconds: number | null;
    rowsPerSec: number;
    complete: boolean;
    memory: MemoryTrace;
    pageHeapAfterGcMB: number;
    cpuSecondsByProcess: Record<string, number>;
    /** The browser process's CPU by thread name (IndexedDB backend, IPC, main thread…). */
    browserCpuSecondsByThread: Record<string, number>;
    statusText: string;
    /** The import's rate over each tenth of the rows (from the progress polled every second or so). */
    rowsPerSecByTenth: number[];
    profile?: { fn: string; ms: number }[];
  };
  interactions: { written: number; putSeconds: number; rowsPerSec: number; richest: { index: number; count: number } };
  disk: { afterImportMB: number; afterInteractionsMB: number; indexedDbMB: number | null; profileIndexedDbDirMB: number | null };
  worker: { afterImportMB: number; afterWarmLookupsMB: number; freshAfterColdLookupMB: number; peakMB: number };
  /** The known-identity index (src/store/known-index.ts): its size, its build (by the worker, after the import), and reading it in the worker. */
  knownIndex: { profiles: number; shortOfProfiles: number; bytes: number; buildMs: number; builtBy: 'options page' | 'worker'; currentAfterSeconds: number; workerReadMs: Dist };
  lookup: { warm: Dist; warmPing: Dist; warmEmptyPing: Dist; cold: Dist; coldPing: Dist; coldEmptyWorkerPing: Dist; coldDatabaseClosed: Dist & { keepersClosed: number; known: Dist; unknown: Dist; wrongAnswers: number }; wrongAnswers: number; coldRestartsVerified: string; errors: string[]; workerProfile?: { fn: string; ms: number }[] };
  batch100: { warm: Dist; cold: Dist; knownPerBatch: number };
  search: { prefix: Dist; prefixHits: Dist; fuzzy: Dist; fuzzyHits: Dist; fuzzyByKind: Record<string, { n: number; zeroHits: number; medianHits: number }>; examples: { query: string; hits: number }[]; errors: string[] };
  popup: PaintDetail & { cold: Dist; expected: string; getTabProfileMessage: Dist; emptyPage: Dist };
  sidePanel: PaintDetail & { emptyPage: Dist };
  floors: {
    rawPut: { constituents: number; identities: number; seconds: number; rowsPerSec: number; rowsPerSecByTenth: number[]; transactions: number; cpuSecondsByProcess: Record<string, number>; browserCpuSecondsByThread: Record<string, number> };
    /** The same records into stores with Kindred's indexes, first INDEXED_ROWS rows; and Kindred's import rate over those rows. */
    indexedPut: { constituents: number; identities: number; seconds: number; rowsPerSec: number; importRowsPerSecSameRows: number; cpuSecondsByProcess: Record<string, number>; browserCpuSecondsByThread: Record<string, number> };
    rawGet: Dist;
    rawBatch100: Dist;
    map: { entries: number; buildMs: number; getNs: number; batch100Us: number };
    nameRange: Dist;
    network: Dist;
  };
  phasesSeconds: Record<string, number>;
  loadAvg: { start: number[]; end: number[] };
}

async function measureSize(n: number, options: BenchOptions, extensionDir: string, crm: Awaited<ReturnType<typeof startCrmDouble>>): Promise<{ figures: SizeFigures; detail: SizeDetail }> {
  const { log, quick } = options;
  const counts = countsFor(quick, n);
  const phases: Record<string, number> = {};
  let phaseStart = Date.now();
  const phase = (name: string) => {
    phases[name] = round((Date.now() - phaseStart) / 1000, 1);
    phaseStart = Date.now();
  };
  const loadStart = loadAvg();
  log(`-- ${n.toLocaleString('en-US')} constituents (load average ${loadStart.join(' ')})`);

  const csv = await writeCsv(join(benchTmp, `scale-${n}.csv`), n);
  log(`  CSV ${(csv.bytes / MB).toFixed(1)} MB, ${csv.identities.toLocaleString('en-US')} identities${csv.cached ? ' (cached)' : `, written in ${(csv.ms / 1000).toFixed(1)} s`}`);
  phase('csv');

  const site = await startSiteServer((url) => {
    const handle = url.pathname.split('/')[1];
    return url.hostname === 'x.com' && handle ? { body: profilePage(handle) } : null;
  });
  const emptyDir = writeEmptyExtension(join(benchTmp, 'empty-ext'));
  const emptyId = extensionIdForPath(emptyDir);
  const launched: Launched = await launchBrowser({ port: site.port, extensionDir, alsoLoad: [emptyDir] });
  const { context, extensionId } = launched;
  try {
    const browserPid = await browserProcessId(context);
    phase('launch');

    // --- Import through the options page ------------------------------------------------------
    const options_ = launched.installTab ?? (await context.newPage());
    await extensionPage(context, extensionId, 'options.html', options_);
    const pageCdp = await context.newCDPSession(options_);
    await options_.evaluate(() => {
      const w = window as unknown as { __benchImport: { changeAt: number | null; doneAt: number | null; text: string } };
      w.__benchImport = { changeAt: null, doneAt: null, text: '' };
      document.addEventListener('change', (e) => {
        if ((e.target as HTMLInputElement | null)?.type === 'file' && w.__benchImport.changeAt === null) w.__benchImport.changeAt = performance.now();
      }, true);
      new MutationObserver(() => {
        if (w.__benchImport.doneAt !== null) return;
        for (const el of document.querySelectorAll('[role=status],[role=alert]')) {
          const text = el.textContent ?? '';
          if (/Imported [\d,]+ rows? from/.test(text) || el.getAttribute('role') === 'alert') {
            w.__benchImport.doneAt = performance.now();
            w.__benchImport.text = text;
          }
        }
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    if (PROFILE) {
      await pageCdp.send('Profiler.enable');
      await pageCdp.send('Profiler.setSamplingInterval', { interval: 1000 });
      await pageCdp.send('Profiler.start');
    }
    const sampler = new Sampler(context, extensionId, browserPid, pageCdp, n, n >= 100_000 ? 1_000 : 250);
    const cpu0 = cpuByKind(browserPid);
    const threads0 = browserThreadCpu(browserPid);
    sampler.start();
    const importStarted = Date.now();
    await options_.getByLabel('Import CSV').setInputFiles(csv.path);
    let lastLog = Date.now();
    let lastLogged = { rows: 0, s: 0 };
    let state: { changeAt: number | null; doneAt: number | null; text: string; progress: string } = { changeAt: null, doneAt: null, text: '', progress: '' };
    let complete = true;
    const progress: { s: number; rows: number }[] = [{ s: 0, rows: 0 }];
    for (;;) {
      await sleep(n >= 100_000 ? 1_000 : 100);
      state = await options_.evaluate(() => {
        const w = window as unknown as { __benchImport: { changeAt: number | null; doneAt: number | null; text: string } };
        return { ...w.__benchImport, progress: document.querySelector('.progress [role=status], .progress')?.textContent ?? '' };
      });
      const imported = Number(/([\d,]+) imported/.exec(state.progress)?.[1]?.replace(/,/g, '') ?? (state.doneAt ? n : 0));
      sampler.progress = imported;
      progress.push({ s: (Date.now() - importStarted) / 1000, rows: state.doneAt !== null && state.changeAt !== null ? n : imported });
      if (state.doneAt !== null && state.changeAt !== null) progress[progress.length - 1]!.s = (state.doneAt - state.changeAt) / 1000;
      if (state.doneAt !== null) break;
      const elapsed = (Date.now() - importStarted) / 1000;
      if (Date.now() - lastLog > 30_000 || (n >= 100_000 && Date.now() - lastLog > 15_000 && imported > 0 && imported < n * 0.05)) {
        lastLog = Date.now();
        const rate = imported / elapsed;
        const recent = (imported - lastLogged.rows) / (elapsed - lastLogged.s);
        lastLogged = { rows: imported, s: elapsed };
        log(
          `  import: ${imported.toLocaleString('en-US')} / ${n.toLocaleString('en-US')} after ${elapsed.toFixed(0)} s (${rate.toFixed(0)} rows/s, lately ${recent.toFixed(0)}, ` +
            `${rate > 0 ? `~${((n - imported) / rate / 60).toFixed(1)} min left` : '…'}); page heap ${sampler.latest.pageHeapMB.toFixed(0)} MB, ` +
            `worker ${sampler.latest.workerHeapMB.toFixed(1)} MB, Chromium RSS ${sampler.latest.rssSumMB.toFixed(0)} MB, load ${loadAvg()[0]}`,
        );
      }
      if (elapsed > IMPORT_CAP_MIN * 60) {
        complete = false;
        log(`  import: not finished after ${IMPORT_CAP_MIN} min (${imported.toLocaleString('en-US')} rows); reporting the rate so far`);
        break;
      }
    }
    sampler.progress = complete ? n : sampler.progress;
    await sampler.sample().catch(() => undefined);
    const memory = await sampler.stop();
    const cpu1 = cpuByKind(browserPid);
    const importThreads = cpuDelta(threads0, browserThreadCpu(browserPid));
    log(`  browser-process CPU s by thread over the import: ${JSON.stringify(importThreads)}`);
    const importProfile = PROFILE ? topSelf(((await pageCdp.send('Profiler.stop')) as { profile: CpuProfile }).profile, 40) : undefined;
    if (importProfile) log(`  options page profile over the import (self ms): ${importProfile.map((e) => `${e.fn} ${e.ms}`).join('; ')}`);
    const importedRows = complete ? n : sampler.progress;
    const seconds = complete && state.changeAt !== null && state.doneAt !== null ? (state.doneAt - state.changeAt) / 1000 : (Date.now() - importStarted) / 1000;
    const uiSeconds = Number(/\(([\d.]+) s\)/.exec(state.text)?.[1] ?? NaN);
    if (complete && !/Imported [\d,]+ rows? from/.test(state.text)) throw new Error(`The import failed: ${state.text}`);
    await pageCdp.send('HeapProfiler.collectGarbage');
    const pageHeapAfterGcMB = round(((await pageCdp.send('Runtime.getHeapUsage')) as { usedSize: number }).usedSize / MB, 1);
    const importRowsPerSec = round(importedRows / seconds, 0);
    log(`  import: ${importedRows.toLocaleString('en-US')} rows in ${seconds.toFixed(1)} s = ${importRowsPerSec} rows/s (${state.text.trim()}); page heap peak ${memory.pageHeapPeakMB} MB`);
    // The import's page builds the known-identity index once its writes have been quiet 2 s: a
    // user who keeps the page open that long gets it from there (else the worker builds it later).
    const indexWaitFrom = Date.now();
    let indexBuiltBy: 'options page' | 'worker' = 'options page';
    let indexCurrentAfter = NaN;
    if (complete) {
      while (!(await run(options_, inPage.knownIndexState, undefined))?.current) {
        if (Date.now() - indexWaitFrom > 10 * 60_000) throw new Error('the options page did not build the known-identity index');
        await sleep(250);
      }
      indexCurrentAfter = (Date.now() - indexWaitFrom) / 1000;
    }
    await pageCdp.detach();
    await options_.close();
    phase('import');
    if (!complete && !SEED_REST) throw new IncompleteImport(importedRows, seconds);
    const seededRows = complete ? 0 : await seedRest(context, extensionId, n, log);
    if (seededRows) phase('seed');

    // --- Interactions (not part of the CSV format), plain IndexedDB from an extension page ----
    const blank = await extensionPage(context, extensionId, 'manifest.json');
    const workerAfterImport = await workerHeapAfterGc(context, extensionId);
    const diskAfterImport = await run(blank, inPage.storageEstimate, undefined);
    const chunk = Math.max(10_000, Math.ceil(n / 10));
    const interactions = { written: 0, putMs: 0, richest: { index: -1, count: -1 } };
    const now = Date.parse('2026-06-01T12:00:00Z');
    for (let from = 0; from < n; from += chunk) {
      const r = await run(blank, inPage.writeInteractions, { from, to: Math.min(n, from + chunk), seed: SEED, batch: 5_000, now });
      interactions.written += r.written;
      interactions.putMs += r.putMs;
      if (from === 0) interactions.richest = r.richest;
      if (n >= 100_000) log(`  interactions: rows ${Math.min(n, from + chunk).toLocaleString('en-US')}/${n.toLocaleString('en-US')}, ${interactions.written.toLocaleString('en-US')} written (${Math.round(interactions.written / (interactions.putMs / 1000))} rows/s)`);
    }
    const stores = await run(blank, inPage.storeCounts, undefined);
    const diskAfterInteractions = await run(blank, inPage.storageEstimate, undefined);
    const dirMB = profileIdbMB(launched.userDataDir);
    log(`  interactions: ${interactions.written.toLocaleString('en-US')} in ${(interactions.putMs / 1000).toFixed(1)} s; stores ${JSON.stringify(stores)}; disk ${(diskAfterInteractions.usage / MB).toFixed(1)} MB`);
    phase('interactions');

    // --- The known-identity index ------------------------------------------------------------
    // Kindred marks every change to identities and rebuilds the index once writes are quiet; the
    // options page closed right after the import, so the worker builds it, 10 s after it next
    // starts. The seed wrote around Kindred: its change is marked here as Kindred would have.
    if (seededRows) await run(blank, inPage.markKnownIndexChanged, undefined);
    let indexState = await run(blank, inPage.knownIndexState, undefined);
    if (!indexState?.current) {
      indexBuiltBy = 'worker';
      const wokeAt = Date.now();
      const blankCdp = await context.newCDPSession(blank);
      await stopServiceWorkerQuietly(blankCdp, context, extensionId);
      await blankCdp.detach();
      await blank.evaluate(() => chrome.runtime.sendMessage({ type: 'benchPing' }).catch(() => undefined));
      while (!(indexState?.current && indexState.count > 0)) {
        if (Date.now() - wokeAt > 15 * 60_000) throw new Error(`the known-identity index was not rebuilt: ${JSON.stringify(indexState)}`);
        await sleep(500);
        indexState = await run(blank, inPage.knownIndexState, undefined);
      }
      indexCurrentAfter = (Date.now() - wokeAt) / 1000;
    }
    const indexReads: number[] = [];
    for (let r = 0; r < 5; r++) {
      const ms = await workerEval(
        context,
        extensionId,
        `(async () => { const t = performance.now(); const c = await caches.open('kindred-known-index'); const b = await (await c.match('https://kindred.invalid/known-index')).arrayBuffer(); return b.byteLength > 0 ? performance.now() - t : -1; })()`,
      );
      indexReads.push(Number(ms));
    }
    // Fewer hashes than profiles only by 32-bit collisions (about n²/2³³: ≈ 730 at 2.5M, none at 25k).
    const knownIndex = { profiles: indexState.count, shortOfProfiles: (stores.identities ?? 0) - indexState.count, bytes: indexState.bytes, buildMs: indexState.buildMs, builtBy: indexBuiltBy, currentAfterSeconds: round(indexCurrentAfter, 1), workerReadMs: dist(indexReads) };
    log(
      `  known-identity index: ${indexState.count.toLocaleString('en-US')} profiles (of ${stores.identities?.toLocaleString('en-US')}), ${(indexState.bytes / MB).toFixed(1)} MB, ` +
        `built by the ${indexBuiltBy} in ${indexState.buildMs} ms, current ${indexCurrentAfter.toFixed(1)} s after the ${indexBuiltBy === 'worker' ? 'worker woke' : 'import ended'}; read in the worker p50 ${knownIndex.workerReadMs.p50} ms`,
    );
    phase('knownIndex');

    // --- Warm lookups through the content script ---------------------------------------------
    const star = person(interactions.richest.index);
    const xKey = star.identities[0]!.key;
    const starUrl = `https://x.com/${xKey.slice(2)}`;
    const social = await openSocialTab(context, extensionId, starUrl, [emptyId]);
    const emptyWorld = social.also.get(emptyId)!;
    const sw = await launched.serviceWorker();
    const tabId = await tabIdOf(sw, starUrl);
    const warmKeys = lookupKeys(n, counts.warm + 50, 0.5, 11);
    const workerProfiler = PROFILE ? await serviceWorkerCdp(context, extensionId) : null;
    if (workerProfiler) {
      await workerProfiler.send('Profiler.enable');
      await workerProfiler.send('Profiler.setSamplingInterval', { interval: 200 });
      await workerProfiler.send('Profiler.start');
    }
    const warm = await runIsolated(social.world, inPage.messageLoop, { batches: warmKeys.map((k) => [k.key]), ping: false });
    const warmProfile = workerProfiler ? topSelf((await workerProfiler.send<{ profile: CpuProfile }>('Profiler.stop')).profile) : undefined;
    await workerProfiler?.detach();
    if (warmProfile) log(`  worker profile over the warm lookups (self ms): ${warmProfile.slice(0, 15).map((e) => `${e.fn} ${e.ms}`).join('; ')}`);
    const wrongAnswers = warm.known.filter((k, i) => k !== (warmKeys[i]!.known ? 1 : 0)).length;
    const warmPing = await runIsolated(social.world, inPage.messageLoop, { batches: Array.from({ length: counts.warmPing + 20 }, () => []), ping: true });
    const warmEmptyPing = await runIsolated(emptyWorld, inPage.messageLoop, { batches: Array.from({ length: counts.warmPing + 20 }, () => []), ping: true });
    const knownPerBatch = 25;
    const batchKeys = (count: number, salt: number) =>
      Array.from({ length: count }, (_, b) => lookupKeys(n, 100, knownPerBatch / 100, salt + b).map((k) => k.key));
    const batchWarm = await runIsolated(social.world, inPage.messageLoop, { batches: batchKeys(counts.batchWarm + 5, 5_000), ping: false });
    const workerAfterWarm = await workerHeapAfterGc(context, extensionId);
    const lookup = { warm: dist(warm.ms.slice(50)), warmPing: dist(warmPing.ms.slice(20)), warmEmptyPing: dist(warmEmptyPing.ms.slice(20)) };
    const batchWarmDist = dist(batchWarm.ms.slice(5));
    log(`  lookup warm p50/p95/p99 ${lookup.warm.p50}/${lookup.warm.p95}/${lookup.warm.p99} ms (ping p95 ${lookup.warmPing.p95}, to an empty worker ${lookup.warmEmptyPing.p95}); batch of 100 p50/p95 ${batchWarmDist.p50}/${batchWarmDist.p95} ms; wrong answers ${wrongAnswers}`);
    phase('lookupWarm');

    // --- Name search -------------------------------------------------------------------------
    const queries = searchQueries(n, Math.max(counts.prefix, counts.fuzzy) + 10, 21);
    await run(blank, inPage.searchMessages, { queries: queries.prefix.slice(0, 10) });
    const prefix = await run(blank, inPage.searchMessages, { queries: queries.prefix.slice(10, 10 + counts.prefix) });
    const fuzzyQueries = queries.fuzzy.slice(0, counts.fuzzy);
    const fuzzy = await run(blank, inPage.searchMessages, { queries: fuzzyQueries.map((q) => q.text) });
    const fuzzyByKind: SizeDetail['search']['fuzzyByKind'] = {};
    fuzzyQueries.forEach((q, i) => {
      const e = (fuzzyByKind[q.kind] ??= { n: 0, zeroHits: 0, medianHits: 0 });
      e.n++;
      if (fuzzy.hits[i] === 0) e.zeroHits++;
    });
    for (const kind of Object.keys(fuzzyByKind)) fuzzyByKind[kind]!.medianHits = dist(fuzzy.hits.filter((_, i) => fuzzyQueries[i]!.kind === kind)).p50;
    const search = {
      prefix: dist(prefix.ms),
      prefixHits: dist(prefix.hits),
      fuzzy: dist(fuzzy.ms),
      fuzzyHits: dist(fuzzy.hits),
      fuzzyByKind,
      examples: fuzzyQueries.slice(0, 6).map((q, i) => ({ query: `${q.text} (${q.kind} of ${q.of})`, hits: fuzzy.hits[i]! })),
      errors: [...prefix.errors, ...fuzzy.errors],
    };
    log(`  search prefix p50/p95 ${search.prefix.p50}/${search.prefix.p95} ms (median ${search.prefixHits.p50} hits); fuzzy p50/p95 ${search.fuzzy.p50}/${search.fuzzy.p95} ms, by kind ${JSON.stringify(fuzzyByKind)}`);
    phase('search');

    // --- Popup and side panel ----------------------------------------------------------------
    await social.page.bringToFront();
    const popup = { paints: [] as CardPaint[], fromOpen: [] as number[], cold: [] as number[], method: '' };
    const popupProfiles: CpuProfile[] = [];
    for (let r = 0; r < counts.popup + 1; r++) {
      const m = await openPopupOnce(context, extensionId, blank, tabId, 'popup.html', PROFILE);
      popup.method = m.method;
      if (r === 0) continue; // the first popup of a session loads its code from disk
      popup.paints.push(m.paint);
      popup.fromOpen.push(m.fromOpenMs);
      if (m.profile) popupProfiles.push(m.profile);
    }
    if (popupProfiles.length) log(`  popup profile, ${popupProfiles.length} opens (self ms): ${topSelf(popupProfiles, 20).map((e) => `${e.fn} ${e.ms}`).join('; ')}`);
    const panel = { paints: [] as CardPaint[], fromClick: [] as number[], method: '' };
    try {
      for (let r = 0; r < counts.panel + 1; r++) {
        const m = await openSidePanelOnce(context, extensionId, social.world, blank, tabId, xKey);
        panel.method = m.method;
        if (r === 0) continue;
        panel.paints.push(m.paint);
        panel.fromClick.push(m.fromClickMs);
      }
    } catch (error) {
      panel.method = `FAILED: ${error instanceof Error ? error.message : String(error)}`;
      log(`  side panel: ${panel.method}`);
    }
    // Floors: the same popup and side panel showing an empty page.
    const emptyPopup: number[] = [];
    const emptyPanel: number[] = [];
    try {
      await blank.evaluate(`chrome.action.setPopup({ popup: 'bench-empty.html' })`);
      for (let r = 0; r < counts.popup + 1; r++) {
        const m = await openPopupOnce(context, extensionId, blank, tabId, 'bench-empty.html');
        if (r > 0) emptyPopup.push(m.paint.cardMs);
      }
    } finally {
      await blank.evaluate(`chrome.action.setPopup({ popup: 'popup.html' })`);
    }
    try {
      await blank.evaluate(`chrome.sidePanel.setOptions({ path: 'bench-empty.html' })`);
      for (let r = 0; r < counts.panel + 1; r++) {
        const m = await openSidePanelOnce(context, extensionId, social.world, blank, tabId, xKey, 'bench-empty.html');
        if (r > 0) emptyPanel.push(m.paint.cardMs);
      }
    } catch (error) {
      log(`  empty side panel: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      await blank.evaluate(`chrome.sidePanel.setOptions({ path: 'sidepanel.html' })`);
    }
    const tabProfile = await run(blank, inPage.tabProfileMessages, { tabId, count: 30 });
    const popupDetail = paintDetail(popup.paints, popup.fromOpen, popup.method);
    const panelDetail = paintDetail(panel.paints, panel.fromClick, panel.method);
    log(
      `  popup → card p50/p95 ${popupDetail.card.p50}/${popupDetail.card.p95} ms (html ${popupDetail.html.p50}, ` +
        `module start ${popupDetail.scriptStart.p50}, DCL ${popupDetail.domContentLoaded.p50}; getTabProfile alone p50 ${dist(tabProfile.ms.slice(5)).p50} ms) ` +
        `"${popupDetail.heading}", empty popup ${dist(emptyPopup).p50} ms; side panel p50 ${panelDetail.card.p50} ms "${panelDetail.heading}" (${panel.method}), empty panel ${dist(emptyPanel).p50} ms`,
    );
    phase('popupPanel');

    // --- Cold: the worker stopped before each sample, no extension page open -------------------
    const coldKeys = lookupKeys(n, counts.cold, 1, 31);
    const cold: number[] = [];
    const coldPing: number[] = [];
    const coldEmptyPing: number[] = [];
    const coldBatch: number[] = [];
    const coldErrors: string[] = [];
    let verified = 0;
    let attempts = 0;
    const coldBatches = batchKeys(counts.coldBatch, 9_000);
    // Popup cold needs an extension page to call openPopup from: measured first, with `blank` open.
    for (let r = 0; r < counts.popupCold; r++) {
      await stopServiceWorkerQuietly(social.world.cdp, context, extensionId);
      await sleep(COLD_WAIT_MS);
      const m = await openPopupOnce(context, extensionId, blank, tabId);
      popup.cold.push(m.paint.cardMs);
    }
    await blank.close();
    for (const p of context.pages()) if (p.url().startsWith(`chrome-extension://${extensionId}/`)) await p.close();
    const rounds = Math.max(counts.cold, counts.coldPing, counts.coldBatch);
    for (let r = 0; r < rounds; r++) {
      const kinds: ('single' | 'ping' | 'batch' | 'empty')[] = [];
      if (r < counts.cold) kinds.push('single');
      if (r < counts.coldPing) kinds.push('ping', 'empty');
      if (r < counts.coldBatch) kinds.push('batch');
      for (const kind of kinds) {
        if (kind === 'empty') {
          // Both workers stopped, as for Kindred's; the ping goes to the empty one.
          await stopServiceWorkerQuietly(social.world.cdp, context, extensionId);
          await stopServiceWorkerQuietly(social.world.cdp, context, emptyId);
          await sleep(COLD_WAIT_MS);
          const res = await runIsolated(emptyWorld, inPage.messageLoop, { batches: [[]], ping: true });
          coldErrors.push(...res.errors);
          coldEmptyPing.push(res.ms[0]!);
          continue;
        }
        attempts++;
        await workerEval(context, extensionId, 'globalThis.__benchColdMark = 1').catch(() => undefined);
        await stopServiceWorkerQuietly(social.world.cdp, context, extensionId);
        await sleep(COLD_WAIT_MS);
        const res = await runIsolated(social.world, inPage.messageLoop, {
          batches: [kind === 'single' ? [coldKeys[r]!.key] : kind === 'batch' ? coldBatches[r]! : []],
          ping: kind === 'ping',
        });
        const fresh = (await workerEval(context, extensionId, 'globalThis.__benchColdMark === undefined').catch(() => false)) === true;
        if (fresh) verified++;
        coldErrors.push(...res.errors);
        const ms = res.ms[0]!;
        (kind === 'single' ? cold : kind === 'ping' ? coldPing : coldBatch).push(ms);
      }
      if (n >= 1_000_000 || r === rounds - 1) log(`  cold round ${r + 1}/${rounds}: single ${cold.at(-1)?.toFixed(1) ?? '-'} ms, ping ${r < counts.coldPing ? coldPing.at(-1)?.toFixed(1) : '-'} ms (empty worker ${r < counts.coldPing ? coldEmptyPing.at(-1)?.toFixed(1) : '-'} ms), batch ${r < counts.coldBatch ? coldBatch.at(-1)?.toFixed(1) : '-'} ms`);
    }
    // Cold with the database closed too: the keeper (an offscreen document holding a connection
    // open, if the build has one) is closed as well, as after a browser restart, and left closed
    // long enough for Chromium to close the backing store; the worker's first lookup reopens it.
    const coldNoKeeper: number[] = [];
    const coldNoKeeperKnown: number[] = [];
    const coldNoKeeperUnknown: number[] = [];
    let coldNoKeeperWrong = 0;
    // Known and unknown people in turn: the index answers both while the store reopens.
    const closedKeys = lookupKeys(n, counts.coldNoKeeper * 4, 0.5, 37);
    const closedSamples = [...closedKeys.filter((k) => k.known), ...closedKeys.filter((k) => !k.known)];
    let keepers = 0;
    for (let r = 0; r < counts.coldNoKeeper; r++) {
      for (const t of await listTargets(context)) {
        if (t.url.startsWith(`chrome-extension://${extensionId}/`) && t.type !== 'service_worker' && t.type !== 'page') {
          keepers++;
          await closeTarget(context, t.targetId);
        }
      }
      await stopServiceWorkerQuietly(social.world.cdp, context, extensionId);
      await sleep(COLD_WAIT_MS + 2_500);
      const sample = r % 2 === 0 ? closedSamples[r >> 1]! : closedSamples.at(-1 - (r >> 1))!;
      const res = await runIsolated(social.world, inPage.messageLoop, { batches: [[sample.key]], ping: false });
      coldErrors.push(...res.errors);
      coldNoKeeper.push(res.ms[0]!);
      (sample.known ? coldNoKeeperKnown : coldNoKeeperUnknown).push(res.ms[0]!);
      if (res.known[0] !== (sample.known ? 1 : 0)) coldNoKeeperWrong++;
    }
    log(
      `  cold, database closed too (${keepers} keeper document(s) closed): ${coldNoKeeper.map((x) => x.toFixed(0)).join(', ')} ms ` +
        `(known ${coldNoKeeperKnown.map((x) => x.toFixed(0)).join(', ')}; unknown ${coldNoKeeperUnknown.map((x) => x.toFixed(0)).join(', ')}; wrong answers ${coldNoKeeperWrong})`,
    );
    const workerFresh = await workerHeapAfterGc(context, extensionId);
    phase('cold');

    // --- Floors, same browser ----------------------------------------------------------------
    // The put floors run in origins of their own (an x.com and a twitter.com tab, served locally),
    // each with an empty LevelDB as Kindred's import had, rather than in the extension's origin,
    // which by now holds Kindred's data (and whose compactions would slow the floor down).
    const scratch = 'kindred-bench-scratch';
    const putFloor = async (url: string, rows: number, indexed: boolean, label: string) => {
      const tab = await context.newPage();
      await tab.goto(url);
      const now = new Date().toISOString();
      const total = { constituents: 0, identities: 0, putMs: 0, transactions: 0 };
      // Put time against rows, as the import's progress is kept: the two compare tenth by tenth.
      const progress: { s: number; rows: number }[] = [{ s: 0, rows: 0 }];
      const PER_CALL = 2; // transactions per evaluate (≈ 5 MB of records)
      let lastLog = Date.now();
      const cpuBefore = cpuByKind(browserPid);
      const threadsBefore = browserThreadCpu(browserPid);
      for (let from = 0; from < rows; from += IMPORT_BATCH * PER_CALL) {
        const batches = [];
        for (let b = from; b < Math.min(rows, from + IMPORT_BATCH * PER_CALL); b += IMPORT_BATCH) batches.push(storedRecords(b, Math.min(rows, b + IMPORT_BATCH), `scale-${n}.csv`, now));
        const r = await run(tab, inPage.putBatches, { scratch, fresh: from === 0, indexes: indexed ? kindredImportIndexes() : [], batches });
        total.constituents += r.constituents;
        total.identities += r.identities;
        total.putMs += r.putMs;
        total.transactions += r.transactions;
        progress.push({ s: total.putMs / 1000, rows: total.constituents });
        if (Date.now() - lastLog > 30_000) {
          lastLog = Date.now();
          log(`  ${label}: ${total.constituents.toLocaleString('en-US')} rows, ${Math.round(total.constituents / (total.putMs / 1000))} rows/s`);
        }
      }
      // CPU over the whole loop, which also builds the records in Node and sends them over CDP (the
      // renderer's share includes parsing them); the browser process's share is the store's work.
      const cpuSeconds = cpuDelta(cpuBefore, cpuByKind(browserPid));
      const browserThreads = cpuDelta(threadsBefore, browserThreadCpu(browserPid));
      log(`  ${label}: browser-process CPU s by thread ${JSON.stringify(browserThreads)}`);
      return { tab, total, rowsPerSec: round(total.constituents / (total.putMs / 1000), 0), rowsPerSecByTenth: ratesByTenth(progress, n), cpuSeconds, browserThreads };
    };
    const put = await putFloor('https://x.com/__floor', Math.min(n, FLOOR_ROWS), false, 'raw put');
    const rawPutRowsPerSec = put.rowsPerSec;
    const importSameRowsAsRawPut = put.total.constituents < n ? importRateAt(progress, put.total.constituents) : null;
    const probeKeys = lookupKeys(n, counts.rawGet + 50, 0.5, 11).map((k) => k.key);
    const gets = await run(put.tab, inPage.rawGets, { scratch, keys: probeKeys, batches: batchKeys(counts.rawBatch + 5, 5_000) });
    const map = await run(put.tab, inPage.mapGets, { scratch, probe: probeKeys, iterations: 1_000_000 });
    await put.tab.close();
    // Between the floor and Kindred: the same records into stores with Kindred's indexes (no reads,
    // no parsing, no UI), for the first INDEXED_ROWS rows: what the indexes themselves cost.
    const indexed = await putFloor('https://twitter.com/__floor', Math.min(n, INDEXED_ROWS), true, 'indexed put');
    await indexed.tab.close();
    const indexedPutRowsPerSec = indexed.rowsPerSec;
    log(`  put with Kindred's indexes (first ${indexed.total.constituents.toLocaleString('en-US')} rows): ${indexedPutRowsPerSec} rows/s; Kindred's import over its first ${indexed.total.constituents.toLocaleString('en-US')} rows: ${importRateAt(progress, indexed.total.constituents)} rows/s`);
    const floorPage = await extensionPage(context, extensionId, 'manifest.json');
    const nameRange = await run(floorPage, inPage.rawNameRange, { prefixes: queries.prefix.slice(10, 10 + counts.prefix).map(foldName) });
    const network = await run(floorPage, inPage.networkLookups, { url: crm.url, keys: probeKeys.slice(0, counts.network + 2) });
    await floorPage.close();
    const floors: SizeDetail['floors'] = {
      rawPut: { constituents: put.total.constituents, identities: put.total.identities, seconds: round(put.total.putMs / 1000, 1), rowsPerSec: rawPutRowsPerSec, rowsPerSecByTenth: put.rowsPerSecByTenth, transactions: put.total.transactions, cpuSecondsByProcess: put.cpuSeconds, browserCpuSecondsByThread: put.browserThreads },
      indexedPut: {
        constituents: indexed.total.constituents, identities: indexed.total.identities, seconds: round(indexed.total.putMs / 1000, 1), rowsPerSec: indexedPutRowsPerSec,
        importRowsPerSecSameRows: importRateAt(progress, indexed.total.constituents),
        cpuSecondsByProcess: indexed.cpuSeconds,
        browserCpuSecondsByThread: indexed.browserThreads,
      },
      rawGet: dist(gets.single.slice(50)),
      rawBatch100: dist(gets.batch.slice(5)),
      map: { entries: map.entries, buildMs: round(map.buildMs, 0), getNs: round(map.getNs, 1), batch100Us: round(map.batch100Us, 2) },
      nameRange: dist(nameRange.ms),
      network: dist(network.ms.slice(2)),
    };
    log(`  floors: raw put ${rawPutRowsPerSec} rows/s, raw get p50/p95 ${floors.rawGet.p50}/${floors.rawGet.p95} ms, batch ${floors.rawBatch100.p50} ms, Map.get ${floors.map.getNs} ns, name range p95 ${floors.nameRange.p95} ms, network p50 ${floors.network.p50} ms`);
    phase('floors');

    const loadEnd = loadAvg();
    const importDetail: SizeDetail['import'] = {
      rows: importedRows,
      seconds: round(seconds, 2),
      uiSeconds: Number.isFinite(uiSeconds) ? uiSeconds : null,
      rowsPerSec: importRowsPerSec,
      complete,
      memory,
      pageHeapAfterGcMB,
      cpuSecondsByProcess: cpuDelta(cpu0, cpu1),
      browserCpuSecondsByThread: importThreads,
      statusText: state.text.trim().replace(/\s+/g, ' '),
      rowsPerSecByTenth: ratesByTenth(progress, n),
      ...(importProfile ? { profile: importProfile } : {}),
    };
    const detail: SizeDetail = {
      constituents: n,
      csv: { file: `bench/tmp/scale-${n}.csv`, rows: csv.rows, bytes: csv.bytes, identities: csv.identities, ms: round(csv.ms, 0), cached: csv.cached },
      counts,
      stores,
      import: importDetail,
      interactions: { written: interactions.written, putSeconds: round(interactions.putMs / 1000, 1), rowsPerSec: round(interactions.written / (interactions.putMs / 1000), 0), richest: interactions.richest },
      disk: {
        afterImportMB: round(diskAfterImport.usage / MB, 1),
        afterInteractionsMB: round(diskAfterInteractions.usage / MB, 1),
        indexedDbMB: diskAfterInteractions.indexedDB === null ? null : round(diskAfterInteractions.indexedDB / MB, 1),
        profileIndexedDbDirMB: dirMB,
      },
      worker: { afterImportMB: workerAfterImport.usedMB, afterWarmLookupsMB: workerAfterWarm.usedMB, freshAfterColdLookupMB: workerFresh.usedMB, peakMB: memory.workerHeapPeakMB },
      lookup: { ...lookup, cold: dist(cold), coldPing: dist(coldPing), coldEmptyWorkerPing: dist(coldEmptyPing), coldDatabaseClosed: { ...dist(coldNoKeeper), keepersClosed: keepers, known: dist(coldNoKeeperKnown), unknown: dist(coldNoKeeperUnknown), wrongAnswers: coldNoKeeperWrong }, wrongAnswers, coldRestartsVerified: `${verified}/${attempts}`, errors: [...warm.errors, ...coldErrors].slice(0, 5), ...(warmProfile ? { workerProfile: warmProfile } : {}) },
      batch100: { warm: batchWarmDist, cold: dist(coldBatch), knownPerBatch },
      knownIndex,
      search,
      popup: { ...popupDetail, cold: dist(popup.cold), expected: star.displayName, getTabProfileMessage: dist(tabProfile.ms.slice(5)), emptyPage: dist(emptyPopup) },
      sidePanel: { ...panelDetail, emptyPage: dist(emptyPanel) },
      floors,
      phasesSeconds: phases,
      loadAvg: { start: loadStart, end: loadEnd },
    };
    const workerHeapMB = Math.max(workerAfterImport.usedMB, workerAfterWarm.usedMB);
    const figures: SizeFigures = {
      lookupWarmP95Ms: lookup.warm.p95,
      lookupColdP95Ms: detail.lookup.cold.p95,
      batch100WarmMs: batchWarmDist.p50,
      importRowsPerSec,
      rawPutRowsPerSec,
      indexedPutRowsPerSec: floors.indexedPut.rowsPerSec,
      nameSearchP95Ms: search.prefix.p95,
      popupCardMs: detail.popup.card.p50,
      workerHeapMB,
      diskMB: detail.disk.afterInteractionsMB,
      networkBaselineP50Ms: floors.network.p50,
      lookupWarmP50Ms: lookup.warm.p50,
      lookupWarmP99Ms: lookup.warm.p99,
      lookupColdP50Ms: detail.lookup.cold.p50,
      lookupColdP99Ms: detail.lookup.cold.p99,
      lookupColdDbClosedP50Ms: detail.lookup.coldDatabaseClosed.p50,
      lookupColdDbClosedP95Ms: detail.lookup.coldDatabaseClosed.p95,
      knownIndexMB: round(knownIndex.bytes / MB, 1),
      knownIndexBuildMs: knownIndex.buildMs,
      batch100WarmP95Ms: batchWarmDist.p95,
      batch100ColdMs: detail.batch100.cold.p50,
      batch100ColdP95Ms: detail.batch100.cold.p95,
      importOfRawPut: round((importSameRowsAsRawPut ?? importRowsPerSec) / rawPutRowsPerSec, 2),
      ...(complete ? {} : { importRows: importedRows, seededRows }),
      ...(importSameRowsAsRawPut !== null ? { rawPutRows: put.total.constituents, importRowsPerSecSameRowsAsRawPut: importSameRowsAsRawPut } : {}),
      nameSearchP50Ms: search.prefix.p50,
      fuzzySearchP50Ms: search.fuzzy.p50,
      fuzzySearchP95Ms: search.fuzzy.p95,
      popupCardP95Ms: detail.popup.card.p95,
      popupCardColdMs: detail.popup.cold.p50,
      sidePanelCardMs: detail.sidePanel.card.p50,
      emptyPopupMs: detail.popup.emptyPage.p50,
      emptySidePanelMs: detail.sidePanel.emptyPage.p50,
      workerHeapPeakMB: memory.workerHeapPeakMB,
      importPageHeapPeakMB: memory.pageHeapPeakMB,
      rssPeakMB: memory.rssSumPeakMB,
      interactions: interactions.written,
      interactionRowsPerSec: detail.interactions.rowsPerSec,
      rawGetP50Ms: floors.rawGet.p50,
      rawGetP95Ms: floors.rawGet.p95,
      rawBatch100Ms: floors.rawBatch100.p50,
      mapGetNs: floors.map.getNs,
      messagePingWarmP50Ms: lookup.warmPing.p50,
      messagePingWarmP95Ms: lookup.warmPing.p95,
      messagePingColdP50Ms: detail.lookup.coldPing.p50,
      messagePingColdP95Ms: detail.lookup.coldPing.p95,
      emptyWorkerPingWarmP95Ms: lookup.warmEmptyPing.p95,
      emptyWorkerPingColdP50Ms: detail.lookup.coldEmptyWorkerPing.p50,
      emptyWorkerPingColdP95Ms: detail.lookup.coldEmptyWorkerPing.p95,
      rawNameRangeP95Ms: floors.nameRange.p95,
      quick,
      date: new Date().toISOString(),
      loadAvg: loadEnd,
    };
    return { figures, detail };
  } finally {
    await launched.close();
    await site.close();
  }
}

interface PaintDetail {
  /** Navigation start → `kindred:card-painted`. */
  card: Dist;
  /** The open call (openPopup / badge click) → card painted, across processes (epoch clocks). */
  fromOpenCall: Dist;
  html: Dist;
  scriptStart: Dist;
  domContentLoaded: Dist;
  heading: string;
  method: string;
}

function paintDetail(paints: CardPaint[], fromOpen: number[], method: string): PaintDetail {
  const of = (f: (p: CardPaint) => number | null) => dist(paints.map((p) => f(p) ?? NaN));
  return {
    card: of((p) => p.cardMs),
    fromOpenCall: dist(fromOpen),
    html: of((p) => p.htmlMs),
    scriptStart: of((p) => p.startMs),
    domContentLoaded: of((p) => p.domContentLoadedMs),
    heading: paints.at(-1)?.heading ?? '',
    method,
  };
}

/** Kindred's import rate (rows/s) over its first `rows` rows, from the progress polled during the import. */
function importRateAt(progress: { s: number; rows: number }[], rows: number): number {
  const at = progress.find((p) => p.rows >= rows);
  return at && at.s > 0 ? round(at.rows / at.s, 0) : NaN;
}

function ratesByTenth(progress: { s: number; rows: number }[], n: number): number[] {
  const at = (rows: number) => progress.find((p) => p.rows >= rows);
  const out: number[] = [];
  for (let k = 1; k <= 10; k++) {
    const a = k === 1 ? progress[0] : at(((k - 1) * n) / 10);
    const b = at((k * n) / 10);
    out.push(a && b && b.s > a.s ? round((b.rows - a.rows) / (b.s - a.s), 0) : NaN);
  }
  return out;
}

/** The indexes the import writes through, as the product's schema declares them (never opened here). */
function kindredImportIndexes(): { store: 'constituents' | 'identities'; name: string; keyPath: string; multiEntry: boolean }[] {
  const schema = new KindredDB('kindred-bench-schema');
  return (['constituents', 'identities'] as const).flatMap((store) =>
    schema.table(store).schema.indexes.map((index) => {
      if (typeof index.keyPath !== 'string') throw new Error(`compound index ${index.name} on ${store}: the floor does not model it`);
      return { store, name: index.name, keyPath: index.keyPath, multiEntry: Boolean(index.multi) };
    }),
  );
}

/**
 * Puts the rows a time-capped import did not reach straight into Kindred's database (see
 * SEED_REST). The import writes its batches in file order, so the stored constituents are the
 * file's first rows; seeding restarts at the last whole batch (puts are upserts). Returns the rows put.
 */
async function seedRest(context: Launched['context'], extensionId: string, n: number, log: (line: string) => void): Promise<number> {
  const page = await extensionPage(context, extensionId, 'manifest.json');
  const have = (await run(page, inPage.storeCounts, undefined)).constituents ?? 0;
  const from = Math.floor(Math.min(have, n) / IMPORT_BATCH) * IMPORT_BATCH;
  const now = new Date().toISOString();
  const started = Date.now();
  let lastLog = started;
  let putMs = 0;
  for (let b = from; b < n; b += IMPORT_BATCH * 2) {
    const batches = [];
    for (let c = b; c < Math.min(n, b + IMPORT_BATCH * 2); c += IMPORT_BATCH) batches.push(storedRecords(c, Math.min(n, c + IMPORT_BATCH), `scale-${n}.csv`, now));
    putMs += (await run(page, inPage.putBatches, { scratch: 'kindred', existing: true, fresh: false, indexes: [], batches })).putMs;
    if (Date.now() - lastLog > 30_000) {
      lastLog = Date.now();
      const done = Math.min(n, b + IMPORT_BATCH * 2) - from;
      log(`  seed: ${(from + done).toLocaleString('en-US')} / ${n.toLocaleString('en-US')} (${Math.round(done / (putMs / 1000))} rows/s put, ${((Date.now() - started) / 60_000).toFixed(1)} min)`);
    }
  }
  await page.close();
  log(`  seed: rows ${from.toLocaleString('en-US')}–${n.toLocaleString('en-US')} put straight into Kindred's database in ${((Date.now() - started) / 60_000).toFixed(1)} min (${have.toLocaleString('en-US')} constituents were imported)`);
  return n - from;
}

class IncompleteImport extends Error {
  constructor(readonly rows: number, readonly seconds: number) {
    super(`import not finished: ${rows} rows in ${seconds.toFixed(0)} s`);
  }
}

/** Size of the profile's IndexedDB directory for extensions (MB), by `du`. */
function profileIdbMB(userDataDir: string): number | null {
  try {
    const out = execFileSync('du', ['-sb', join(userDataDir, 'Default/IndexedDB')], { encoding: 'utf8' });
    return round(Number(out.split('\t')[0]) / MB, 1);
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------------
// Section

export interface ScaleResults {
  method: string;
  sizesRun: number[];
  extension: ReturnType<typeof buildInfo> & { profiling: boolean };
  budgets: typeof BUDGETS;
  details: Record<string, SizeDetail | { error: string }>;
}

function sizesFromArgs(quick: boolean): number[] {
  const arg = process.argv.find((a) => a.startsWith('--sizes='))?.slice(8) ?? process.env.KINDRED_SCALE_SIZES;
  if (arg) return arg.split(',').map((s) => Number(s.replace(/[_k]/gi, (m) => (m.toLowerCase() === 'k' ? '000' : '')))).filter((x) => x > 0);
  return quick ? [10_000] : SIZES;
}

function previousDetails(): ScaleResults['details'] {
  const scale = (readResults() as { scale?: Partial<ScaleResults> }).scale;
  return scale?.details ?? {};
}

export async function runScale(options: BenchOptions): Promise<{ results: ScaleResults; table: string }> {
  const { log, quick } = options;
  const sizes = sizesFromArgs(quick);
  const build = buildInfo();
  log(`extension: snapshot of dist/chrome built ${build.builtAt} (js sha256 ${build.jsSha256})${PROFILE ? ', UI and worker rebuilt unminified for profiling' : ''}`);
  const extensionDir = await extensionCopy();
  const crm = await startCrmDouble();
  const details: ScaleResults['details'] = {};
  const tables: string[] = [];
  try {
    for (const n of sizes) {
      const started = Date.now();
      try {
        const { figures, detail } = await measureSize(n, options, extensionDir, crm);
        details[n] = detail;
        const previous = (readResults().sizes ?? {}) as Record<string, unknown>;
        writeResults({ sizes: { ...previous, [n]: figures } });
        tables.push(sizeTable(n, figures, detail));
        log(`-- ${n.toLocaleString('en-US')} done in ${((Date.now() - started) / 60_000).toFixed(1)} min`);
        log(tables.at(-1)!);
      } catch (error) {
        const message = error instanceof IncompleteImport
          ? `import not finished within ${IMPORT_CAP_MIN} min: ${error.rows.toLocaleString('en-US')} rows in ${error.seconds.toFixed(0)} s = ${Math.round(error.rows / error.seconds)} rows/s`
          : error instanceof Error ? (error.stack ?? error.message) : String(error);
        log(`-- ${n.toLocaleString('en-US')} FAILED after ${((Date.now() - started) / 60_000).toFixed(1)} min: ${message}`);
        details[n] = { error: message };
        tables.push(`${n.toLocaleString('en-US')} constituents: ${message}`);
      }
    }
  } finally {
    await crm.close();
  }
  return {
    results: {
      method:
        'Real Chromium with a snapshot of dist/chrome, a fresh profile per size. Import: CSV through the options page file input (rate = change → "Imported N" status). ' +
        'Lookups: chrome.runtime.sendMessage(lookupIdentities) in the content script isolated world of an x.com tab (CDP Runtime.evaluate), timed there. ' +
        `Cold: worker stopped by CDP ServiceWorker.stopAllWorkers, ${COLD_WAIT_MS} ms with no extension page open, new instance verified; "database closed": keeper document closed too. ` +
        'Search: searchConstituents from an extension page. Popup: chrome.action.openPopup(), navigation start → kindred:card-painted; floor: an empty page in the same popup. ' +
        'Floors: the import\'s records (product row parser) put without indexes in a fresh origin (2,000 rows + identities per transaction), with Kindred\'s indexes (first 100k rows), ' +
        'get by key and Map on that store, nameKey getAll(20), a not-Kindred message (ping). ' +
        `Baseline: HTTP lookup to a local double answering after ${NETWORK_DELAY_MS} ms. Percentiles are nearest-rank.`,
      sizesRun: sizes,
      extension: { ...build, profiling: PROFILE },
      budgets: BUDGETS,
      // Sizes not run this time keep their details from the run that measured them (as `sizes` keeps
      // their figures): a 1M run alone takes hours and must not drop the 10k and 100k evidence.
      details: { ...previousDetails(), ...details },
    },
    table: tables.join('\n\n'),
  };
}

// ---------------------------------------------------------------------------------------------
// Table

const fmt = (x: number, unit = 'ms'): string => (Number.isFinite(x) ? `${x < 10 ? round(x, 2) : x < 100 ? round(x, 1) : Math.round(x).toLocaleString('en-US')} ${unit}`.trim() : 'n/a');
const ratio = (a: number, b: number): string => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${a / b >= 10 ? Math.round(a / b) : round(a / b, 2)}×` : '');

function sizeTable(n: number, f: SizeFigures, d: SizeDetail): string {
  const net = f.networkBaselineP50Ms;
  const atBudgetSize = n >= 1_000_000;
  const verdict = (ok: boolean) => (atBudgetSize ? (ok ? 'within' : 'MISSED') : ok ? '(within)' : '(over)');
  const rows: string[][] = [['figure', 'value', 'floor', '×floor', 'baseline', '×baseline', 'budget (1M)', 'verdict']];
  const add = (figure: string, value: number, floor: number, floorLabel: string, budget: string, ok: boolean | null, unit = 'ms') =>
    rows.push([figure, fmt(value, unit), floorLabel ? `${fmt(floor, unit)} ${floorLabel}` : '', floorLabel ? ratio(value, floor) : '', unit === 'ms' ? fmt(net) : '', unit === 'ms' ? ratio(value, net) : '', budget, ok === null ? '' : verdict(ok)]);
  add('lookup warm p50', f.lookupWarmP50Ms, f.rawGetP50Ms, 'IDB get', '', null);
  add('lookup warm p95', f.lookupWarmP95Ms, f.rawGetP95Ms, 'IDB get', `≤ ${BUDGETS.lookupWarmP95Ms} ms`, f.lookupWarmP95Ms <= BUDGETS.lookupWarmP95Ms);
  add('lookup warm p99', f.lookupWarmP99Ms, d.floors.rawGet.p99, 'IDB get', '', null);
  add('  message path alone (ping) p50', f.messagePingWarmP50Ms, NaN, '', '', null);
  add('  message path alone (ping) p95', f.messagePingWarmP95Ms, f.emptyWorkerPingWarmP95Ms, 'empty worker', '', null);
  add('  in-memory Map.get (floor of floors)', f.mapGetNs, NaN, '', '', null, 'ns');
  add('lookup cold p50', f.lookupColdP50Ms, f.messagePingColdP50Ms, 'cold ping', '', null);
  add('lookup cold p95', f.lookupColdP95Ms, f.messagePingColdP95Ms, 'cold ping', `≤ ${BUDGETS.lookupColdP95Ms} ms`, f.lookupColdP95Ms <= BUDGETS.lookupColdP95Ms);
  add('  cold ping p50', f.messagePingColdP50Ms, f.emptyWorkerPingColdP50Ms, 'empty worker p50', '', null);
  add('  cold ping p95', f.messagePingColdP95Ms, f.emptyWorkerPingColdP95Ms, 'empty worker p95', '', null);
  add('lookup cold, database closed too, p50', f.lookupColdDbClosedP50Ms, f.messagePingColdP50Ms, 'cold ping', '', null);
  if (f.lookupColdDbClosedP95Ms !== undefined) add('lookup cold, database closed too, p95', f.lookupColdDbClosedP95Ms, f.messagePingColdP95Ms, 'cold ping', '', null);
  if (f.knownIndexBuildMs !== undefined) add(`known-identity index build (${f.knownIndexMB} MB)`, f.knownIndexBuildMs, NaN, '', '', null);
  add('batch of 100 warm p50', f.batch100WarmMs, f.rawBatch100Ms, 'IDB 100 gets/txn', `≤ ${BUDGETS.batch100WarmMs} ms`, f.batch100WarmMs <= BUDGETS.batch100WarmMs);
  add('batch of 100 warm p95', f.batch100WarmP95Ms, d.floors.rawBatch100.p95, 'IDB 100 gets/txn', '', null);
  add('batch of 100 cold p50', f.batch100ColdMs, f.messagePingColdP50Ms, 'cold ping', '', null);
  add('batch of 100 cold p95', f.batch100ColdP95Ms, f.messagePingColdP95Ms, 'cold ping', '', null);
  add(`name search prefix p50 (${d.search.prefixHits.p50} hits)`, f.nameSearchP50Ms, d.floors.nameRange.p50, 'IDB range(20)', '', null);
  add('name search prefix p95', f.nameSearchP95Ms, f.rawNameRangeP95Ms, 'IDB range(20)', `≤ ${BUDGETS.nameSearchP95Ms} ms`, f.nameSearchP95Ms <= BUDGETS.nameSearchP95Ms);
  add(`name search fuzzy p95 (${d.search.fuzzyHits.p50} hits median)`, f.fuzzySearchP95Ms, f.rawNameRangeP95Ms, 'IDB range(20)', '', null);
  add('popup open → card p50', f.popupCardMs, d.popup.emptyPage.p50, 'empty popup', `≤ ${BUDGETS.popupCardMs} ms`, f.popupCardMs <= BUDGETS.popupCardMs);
  add('popup open → card p95', f.popupCardP95Ms, d.popup.emptyPage.p95, 'empty popup', '', null);
  rows.push(['  popup: html / module start / DCL p50', [d.popup.html, d.popup.scriptStart, d.popup.domContentLoaded].map((x) => fmt(x.p50)).join(' / '), `getTabProfile msg ${fmt(d.popup.getTabProfileMessage.p50)}`, '', '', '', '', '']);
  add('popup → card, worker cold p50', f.popupCardColdMs, d.popup.emptyPage.p50, 'empty popup', '', null);
  add('popup: openPopup() call → card p50', d.popup.fromOpenCall.p50, d.popup.emptyPage.p50, 'empty popup', '', null);
  add('side panel → card p50', f.sidePanelCardMs, d.sidePanel.emptyPage.p50, 'empty panel', '', null);
  add('side panel: badge click → card p50', d.sidePanel.fromOpenCall.p50, d.sidePanel.emptyPage.p50, 'empty panel', '', null);
  if (f.importRows !== undefined) rows.push([`import stopped after ${IMPORT_CAP_MIN} min at ${f.importRows.toLocaleString('en-US')} rows`, `${(f.seededRows ?? 0).toLocaleString('en-US')} rows seeded`, 'rate below is over the rows imported', '', '', '', '', '']);
  rows.push(['import', `${f.importRowsPerSec.toLocaleString('en-US')} rows/s`, `${f.rawPutRowsPerSec.toLocaleString('en-US')} rows/s raw put`, `${f.importOfRawPut}×`, '', '', `≥ ${BUDGETS.importOfRawPut}× raw put`, verdict(f.importOfRawPut >= BUDGETS.importOfRawPut)]);
  if (f.rawPutRows !== undefined) rows.push([`  raw put capped at the first ${f.rawPutRows.toLocaleString('en-US')} rows`, `import over them ${f.importRowsPerSecSameRowsAsRawPut?.toLocaleString('en-US')} rows/s`, '', '', '', '', '', '']);
  rows.push([`  put with Kindred's indexes, first ${Math.min(n, INDEXED_ROWS).toLocaleString('en-US')} rows`, `${f.indexedPutRowsPerSec.toLocaleString('en-US')} rows/s`, `import over them ${d.floors.indexedPut.importRowsPerSecSameRows.toLocaleString('en-US')} rows/s`, ratio(d.floors.indexedPut.importRowsPerSecSameRows, f.indexedPutRowsPerSec), '', '', '', '']);
  const tenths = (xs: number[]) => xs.map((x) => (Number.isFinite(x) ? Math.round(x) : '?')).join(' ');
  rows.push(['  import rows/s by tenth of the file', tenths(d.import.rowsPerSecByTenth), '', '', '', '', '', '']);
  rows.push(['  raw put rows/s by tenth', tenths(d.floors.rawPut.rowsPerSecByTenth), '', '', '', '', '', '']);
  rows.push(['  import / raw put by tenth', d.import.rowsPerSecByTenth.map((x, i) => ratio(x, d.floors.rawPut.rowsPerSecByTenth[i] ?? NaN) || '?').join(' '), '', '', '', '', '', '']);
  rows.push(['  import wall time', `${d.import.seconds} s`, `${round(n / f.rawPutRowsPerSec, 1)} s raw put`, '', '', '', '', '']);
  const at = d.import.memory.pageHeapAtMB;
  rows.push(['  options page heap at 25/50/75/100%', `${at[25] ?? '?'}/${at[50] ?? '?'}/${at[75] ?? '?'}/${at[100] ?? '?'} MB`, `after GC ${d.import.pageHeapAfterGcMB} MB`, '', '', '', 'constant', '']);
  rows.push(['  browser-process CPU s: import / raw put', `${d.import.cpuSecondsByProcess.browser ?? '?'} / ${d.floors.rawPut.cpuSecondsByProcess.browser ?? '?'} s`, `${round((d.import.cpuSecondsByProcess.browser ?? NaN) / n * 1e6, 0)} / ${round((d.floors.rawPut.cpuSecondsByProcess.browser ?? NaN) / n * 1e6, 0)} µs per row`, ratio(d.import.cpuSecondsByProcess.browser ?? NaN, d.floors.rawPut.cpuSecondsByProcess.browser ?? NaN), '', '', '', '']);
  rows.push(['  CPU s during import', Object.entries(d.import.cpuSecondsByProcess).slice(0, 4).map(([k, v]) => `${k} ${v}`).join(', '), '', '', '', '', '', '']);
  rows.push(['interactions write (not in import)', `${f.interactionRowsPerSec.toLocaleString('en-US')} rows/s`, `${f.interactions.toLocaleString('en-US')} rows`, '', '', '', '', '']);
  rows.push(['worker heap (after GC)', `${f.workerHeapMB} MB`, `fresh worker ${d.worker.freshAfterColdLookupMB} MB`, '', '', '', `≤ ${BUDGETS.workerHeapMB} MB`, verdict(f.workerHeapMB <= BUDGETS.workerHeapMB)]);
  rows.push(['worker heap peak (sampled)', `${f.workerHeapPeakMB} MB`, '', '', '', '', '', '']);
  rows.push(['Chromium RSS peak (all processes)', `${f.rssPeakMB} MB`, `extension renderer ${d.import.memory.rssExtensionPeakMB} MB`, '', '', '', '', '']);
  rows.push(['disk (storage.estimate)', `${f.diskMB} MB`, `CSV ${round(d.csv.bytes / MB, 1)} MB`, ratio(f.diskMB, d.csv.bytes / MB), '', '', '', '']);
  rows.push(['network baseline p50 / p95', `${fmt(net)} / ${fmt(d.floors.network.p95)}`, `${NETWORK_DELAY_MS} ms server delay`, '', '', '', '', '']);
  const notes = [
    `checks: wrong lookup answers ${d.lookup.wrongAnswers}; cold samples answered by a new worker ${d.lookup.coldRestartsVerified}; ` +
      `popup shows "${d.popup.heading}" (expected "${d.popup.expected}"), side panel "${d.sidePanel.heading}"`,
    `fuzzy queries with no hit: ${Object.entries(d.search.fuzzyByKind).map(([k, v]) => `${k} ${v.zeroHits}/${v.n}`).join(', ')} (typos are searched only when no name starts with the text; a part from inside a name is not searched)`,
    `load average start → end: ${d.loadAvg.start.join(' ')} → ${d.loadAvg.end.join(' ')}; phases ${Object.entries(d.phasesSeconds).map(([k, v]) => `${k} ${v} s`).join(', ')}`,
  ];
  return `${n.toLocaleString('en-US')} constituents${f.quick ? ' (quick)' : ''}\n${table(rows)}\n${notes.join('\n')}`;
}

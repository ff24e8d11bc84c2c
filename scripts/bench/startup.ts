// Where a cold start of Kindred's service worker goes (issue 5: cold lookups, p95 ≤ 150 ms).
//
// A cold ping to Kindred's worker is set against the same ping to an extension whose worker does
// nothing else (writeEmptyExtension), in the same browser. The difference is Kindred's own start:
// - the shipped bundle, with a clock read before its first statement and after its last, says how
//   long its top level runs (module evaluation: schema construction, listeners, the store's setup);
// - an unminified build of the same entry, with a clock read at each of esbuild's module markers,
//   says which modules that time goes to (each module's top level runs once, in bundle order).
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { extensionIdForPath, launchBrowser, repoRoot, startSiteServer, stopServiceWorkerQuietly } from '../lib/harness';
import { benchTmp, round, sleep, table, type BenchOptions } from './lib';
import { dist, openSocialTab, profilePage, runIsolated, workerEval, writeEmptyExtension, type Dist } from './scale-browser';
import * as inPage from './scale-page';

const COLD_WAIT_MS = 2_500;

interface StartupResults {
  /** Cold ping round trip, content script → worker → content script. */
  coldPing: { kindred: Dist; emptyWorker: Dist };
  /** In Kindred's worker, from its time origin: when its first statement ran, and how long its top level took. */
  kindred: { firstStatementMs: Dist; topLevelMs: Dist };
  emptyWorker: { firstStatementMs: Dist; topLevelMs: Dist };
  /** Unminified build: median top-level ms by package or source folder, and the costliest modules. */
  byPackage: Record<string, number>;
  topModules: Record<string, number>;
}

/** Clock reads around (and, with `perModule`, inside) a bundle: `globalThis.__benchMarks`. */
function instrument(code: string, perModule: boolean): string {
  const out = ['globalThis.__benchMarks = [["start", performance.now()]]; const __benchMark = (m) => globalThis.__benchMarks.push([m, performance.now()]);'];
  let imports = true;
  for (const line of code.split('\n')) {
    // esbuild marks each module's code with a `// path` line; the first lines of an ESM bundle may be imports.
    const module = /^\/\/ (\S+\.(?:ts|tsx|js|mjs|cjs))$/.exec(line);
    if (perModule && module && !imports) out.push(`__benchMark(${JSON.stringify(module[1])});`);
    if (!/^import /.test(line)) imports = false;
    out.push(line);
  }
  out.push(';__benchMark("end");');
  return out.join('\n');
}

async function coldRounds(rounds: number, variant: { dir: string; emptyDir: string }) {
  const emptyId = extensionIdForPath(variant.emptyDir);
  const site = await startSiteServer((url) => (url.hostname === 'x.com' ? { body: profilePage(url.pathname.slice(1) || 'someone') } : null));
  const browser = await launchBrowser({ port: site.port, extensionDir: variant.dir, alsoLoad: [variant.emptyDir] });
  try {
    const { context, extensionId } = browser;
    // Let the install-time work (the options tab, the keeper) settle, and close what keeps the worker up.
    await sleep(5_000);
    for (const page of context.pages()) if (page.url().startsWith('chrome-extension://')) await page.close();
    const social = await openSocialTab(context, extensionId, 'https://x.com/someone', [emptyId]);
    // Something may wake the worker again as it stops (the install's options tab, the keeper
    // starting): stop again, a few times, before giving up.
    const stopBoth = async () => {
      for (let attempt = 1; ; attempt++) {
        try {
          await stopServiceWorkerQuietly(social.world.cdp, context, extensionId, 5_000);
          await stopServiceWorkerQuietly(social.world.cdp, context, emptyId, 5_000);
          return;
        } catch (error) {
          if (attempt === 4) throw error;
          for (const page of context.pages()) if (page.url().startsWith('chrome-extension://')) await page.close();
        }
      }
    };
    const out = { kindred: [] as number[][], empty: [] as number[][], marks: [] as [string, number][][] };
    for (let r = 0; r < rounds; r++) {
      for (const which of ['kindred', 'empty'] as const) {
        await stopBoth();
        await sleep(COLD_WAIT_MS);
        const world = which === 'kindred' ? social.world : social.also.get(emptyId)!;
        const res = await runIsolated(world, inPage.messageLoop, { batches: [[]], ping: true });
        const marks = JSON.parse((await workerEval(context, which === 'kindred' ? extensionId : emptyId, 'JSON.stringify(globalThis.__benchMarks)')) as string) as [string, number][];
        out[which].push([res.ms[0]!, marks[0]![1], marks.at(-1)![1] - marks[0]![1]]);
        if (which === 'kindred') out.marks.push(marks);
      }
    }
    return out;
  } finally {
    await browser.close();
    await site.close();
  }
}

export async function runStartup(options: BenchOptions): Promise<{ results: StartupResults; table: string }> {
  const { log, quick } = options;
  const rounds = quick ? 5 : 12;
  const shipped = join(benchTmp, 'startup-ext');
  const unminified = join(benchTmp, 'startup-ext-modules');
  const emptyDir = writeEmptyExtension(join(benchTmp, 'empty-ext'));
  writeFileSync(join(emptyDir, 'background.js'), instrument(readFileSync(join(emptyDir, 'background.js'), 'utf8'), false));
  for (const dir of [shipped, unminified]) {
    rmSync(dir, { recursive: true, force: true });
    cpSync(join(repoRoot, 'dist/chrome'), dir, { recursive: true });
  }
  writeFileSync(join(shipped, 'background.js'), instrument(readFileSync(join(shipped, 'background.js'), 'utf8'), false));
  await build({
    entryPoints: { background: join(repoRoot, 'src/background/index.ts') },
    bundle: true, minify: false, format: 'esm', target: ['chrome120'], outdir: unminified, logLevel: 'warning',
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  writeFileSync(join(unminified, 'background.js'), instrument(readFileSync(join(unminified, 'background.js'), 'utf8'), true));

  const a = await coldRounds(rounds, { dir: shipped, emptyDir });
  const col = (rows: number[][], i: number) => dist(rows.map((r) => r[i]!));
  log(`  shipped bundle: cold ping p50 ${col(a.kindred, 0).p50} ms (empty worker ${col(a.empty, 0).p50} ms); first statement at ${col(a.kindred, 1).p50} ms (empty ${col(a.empty, 1).p50}); top level ${col(a.kindred, 2).p50} ms`);
  const b = await coldRounds(rounds, { dir: unminified, emptyDir });
  const perModule = new Map<string, number[]>();
  for (const marks of b.marks) {
    for (let i = 0; i < marks.length - 1; i++) {
      const list = perModule.get(marks[i]![0]) ?? [];
      list.push(marks[i + 1]![1] - marks[i]![1]);
      perModule.set(marks[i]![0], list);
    }
  }
  const modules = [...perModule].map(([name, ms]) => [name, dist(ms).p50] as const).sort((x, y) => y[1] - x[1]);
  const byPackage = new Map<string, number>();
  for (const [name, ms] of modules) {
    const inPackage = name.split('node_modules/')[1];
    const key = inPackage ? inPackage.split('/').slice(0, inPackage.startsWith('@') ? 2 : 1).join('/') : name.split('/').slice(0, name.startsWith('src/') && name.split('/').length > 2 ? 2 : 1).join('/');
    byPackage.set(key, (byPackage.get(key) ?? 0) + ms);
  }
  const results: StartupResults = {
    coldPing: { kindred: col(a.kindred, 0), emptyWorker: col(a.empty, 0) },
    kindred: { firstStatementMs: col(a.kindred, 1), topLevelMs: col(a.kindred, 2) },
    emptyWorker: { firstStatementMs: col(a.empty, 1), topLevelMs: col(a.empty, 2) },
    byPackage: Object.fromEntries([...byPackage].sort((x, y) => y[1] - x[1]).slice(0, 12).map(([k, v]) => [k, round(v, 1)])),
    topModules: Object.fromEntries(modules.slice(0, 12).map(([k, v]) => [k, round(v, 1)])),
  };
  const rows = [
    ['figure', 'Kindred p50 / p95', 'empty worker p50 / p95'],
    ['cold ping (ms)', `${results.coldPing.kindred.p50} / ${results.coldPing.kindred.p95}`, `${results.coldPing.emptyWorker.p50} / ${results.coldPing.emptyWorker.p95}`],
    ['first statement, from the worker\'s time origin (ms)', `${results.kindred.firstStatementMs.p50} / ${results.kindred.firstStatementMs.p95}`, `${results.emptyWorker.firstStatementMs.p50} / ${results.emptyWorker.firstStatementMs.p95}`],
    ['top level ran (ms)', `${results.kindred.topLevelMs.p50} / ${results.kindred.topLevelMs.p95}`, `${results.emptyWorker.topLevelMs.p50} / ${results.emptyWorker.topLevelMs.p95}`],
  ];
  const text = [
    table(rows),
    `top level by package or folder (unminified build, p50 ms): ${Object.entries(results.byPackage).map(([k, v]) => `${k} ${v}`).join(', ')}`,
    `costliest modules: ${Object.entries(results.topModules).map(([k, v]) => `${k} ${v}`).join(', ')}`,
    'A module\'s figure includes the first use of what it calls: the first module to build a zod schema pays for zod\'s own warm-up.',
  ].join('\n');
  return { results, table: text };
}

// Builds both targets from the one manifest: dist/chrome and dist/firefox, plus their zips.
//   tsx scripts/build.ts [--watch is not supported; rebuilds take ~1 s]
import { build, type Plugin } from 'esbuild';
import { cpSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { icon } from './lib/icons';
import { zip } from './lib/zip';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const staging = join(dist, '.staging');

/** Content scripts get the native `browser`/`chrome` object instead of the 10 KB polyfill. */
const nativeBrowserInContent: Plugin = {
  name: 'native-browser',
  setup(b) {
    b.onResolve({ filter: /^webextension-polyfill$/ }, () => ({ path: join(root, 'src/browser-native.ts') }));
  },
};

const common = {
  bundle: true,
  minify: true,
  sourcemap: false,
  target: ['chrome120', 'firefox128'],
  legalComments: 'none' as const,
  logLevel: 'warning' as const,
  define: { 'process.env.NODE_ENV': '"production"' },
};

export async function buildExtension(): Promise<{ chrome: string; firefox: string; sizes: Record<string, number> }> {
  rmSync(dist, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });

  await Promise.all([
    build({ ...common, entryPoints: { background: 'src/background/index.ts', keeper: 'src/keeper/index.ts' }, format: 'esm', outdir: staging }),
    build({
      ...common,
      entryPoints: { content: 'src/content/index.ts' },
      format: 'iife',
      outdir: staging,
      plugins: [nativeBrowserInContent],
    }),
    build({
      ...common,
      entryPoints: { popup: 'src/ui/popup/main.tsx', sidepanel: 'src/ui/sidepanel/main.tsx', options: 'src/ui/options/main.tsx' },
      format: 'esm',
      splitting: true,
      chunkNames: 'chunks/[name]-[hash]',
      outdir: staging,
      jsx: 'automatic',
      jsxImportSource: 'preact',
    }),
  ]);
  cpSync(join(root, 'src/ui/static'), staging, { recursive: true });
  mkdirSync(join(staging, 'icons'), { recursive: true });
  for (const size of [16, 32, 48, 128]) writeFileSync(join(staging, `icons/icon-${size}.png`), icon(size));

  const manifest = JSON.parse(readFileSync(join(root, 'manifest.json'), 'utf8')) as Record<string, any>;
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  manifest.version = pkg.version;
  // The background must see the URL of tabs on our sites (tabs.onUpdated, popup fallback); the
  // content script matches are the one list of those sites.
  manifest.host_permissions = [...new Set(manifest.content_scripts.flatMap((c: { matches: string[] }) => c.matches))];

  const targets = {
    // Chrome ignores Firefox-only keys with warnings on chrome://extensions; drop them.
    chrome: () => {
      const m = structuredClone(manifest);
      delete m.background.scripts;
      delete m.sidebar_action;
      delete m.browser_specific_settings;
      return m;
    },
    // Firefox runs an event page (background.scripts) and shows side panels as sidebar_action.
    firefox: () => {
      const m = structuredClone(manifest);
      delete m.background.service_worker;
      delete m.side_panel;
      // Firefox has no side panel and no offscreen documents (its event page is the background).
      m.permissions = m.permissions.filter((p: string) => p !== 'sidePanel' && p !== 'offscreen');
      return m;
    },
  };

  const out: Record<string, string> = {};
  for (const [target, makeManifest] of Object.entries(targets)) {
    const dir = join(dist, target);
    cpSync(staging, dir, { recursive: true });
    if (target === 'firefox') for (const file of ['keeper.html', 'keeper.js']) rmSync(join(dir, file), { force: true });
    writeFileSync(join(dir, 'manifest.json'), `${JSON.stringify(makeManifest(), null, 2)}\n`);
    const entries = listFiles(dir).map((file) => ({ name: relative(dir, file), data: readFileSync(file) }));
    writeFileSync(join(dist, `kindred-${target}.zip`), zip(entries));
    out[target] = dir;
  }
  rmSync(staging, { recursive: true, force: true });

  const sizes: Record<string, number> = {};
  for (const file of listFiles(out.chrome!)) if (file.endsWith('.js')) sizes[relative(out.chrome!, file)] = statSync(file).size;
  return { chrome: out.chrome!, firefox: out.firefox!, sizes };
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? listFiles(join(dir, entry.name)) : [join(dir, entry.name)]))
    .sort();
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = performance.now();
  const { sizes } = await buildExtension();
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
  for (const [file, size] of Object.entries(sizes)) console.log(`  ${file.padEnd(40)} ${kb(size)}`);
  console.log(`built dist/chrome, dist/firefox, dist/kindred-chrome.zip, dist/kindred-firefox.zip in ${Math.round(performance.now() - started)} ms`);
  const content = sizes['content.js'] ?? 0;
  if (content > 25 * 1024) {
    console.error(`content.js is ${kb(content)}; the budget is 25 KB (DESIGN.md "Performance budgets").`);
    process.exitCode = 1;
  }
}

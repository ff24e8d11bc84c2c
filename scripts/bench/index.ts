// `npm run bench` (builds first): measures Kindred and writes bench/results.json
// (`{ machine, date, <section>: {...} }`), printing a table per section. Never asserts timings.
//   npm run bench                   all sections, 5 repetitions
//   npm run bench -- --quick        the scale section at 10k with fewer samples, under two minutes
//                                   (issue 5), to bench/results.quick.json; add --only for others
//   npm run bench -- --only content one section
//   npm run bench -- --only scale --sizes=100000   scale section at chosen sizes (default 10k/100k/1M; --quick: 10k)
//   npm run bench -- --only sync    first sync of 100,000 CiviCRM contacts (20,000 with --quick); ~3 min
// Later issues add sections: write scripts/bench/<name>.ts exporting a runner with the same
// shape as runContent and list it in SECTIONS; each run replaces only its own key in the file.
import { relative } from 'node:path';
import { runContent } from './content';
import { runScale } from './scale';
import { runStartup } from './startup';
import { runSync } from './sync';
import { repoRoot } from '../lib/harness';
import { machine, resultsFile, writeResults, type BenchOptions } from './lib';

type Section = (options: BenchOptions) => Promise<{ results: unknown; table: string }>;

const SECTIONS: Record<string, Section> = {
  content: runContent,
  sync: runSync,
  scale: runScale,
  startup: runStartup,
};

function parseArgs(argv: string[]): { quick: boolean; only: string[] } {
  const quick = argv.includes('--quick');
  const only: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--only' && argv[i + 1]) only.push(...argv[++i]!.split(','));
    else if (arg.startsWith('--only=')) only.push(...arg.slice(7).split(','));
  }
  for (const name of only) if (!SECTIONS[name]) throw new Error(`Unknown section "${name}" (have: ${Object.keys(SECTIONS).join(', ')})`);
  return { quick, only };
}

async function main(): Promise<void> {
  const { quick, only } = parseArgs(process.argv.slice(2));
  const options: BenchOptions = { quick, reps: quick ? 2 : 5, log: (line) => console.log(line) };
  const m = machine();
  console.log(`Kindred bench${quick ? ' (quick)' : ''}: ${m.cpu} × ${m.cores}, ${m.memoryGb} GB, ${m.os}, Node ${m.node}, ${m.chromium ?? 'chromium ?'}`);
  // Quick mode is the check to run often: the store at 10k. The content and sync sections take
  // as long again each, so they run quick only when named.
  const names = only.length > 0 ? only : quick ? ['scale'] : Object.keys(SECTIONS);
  const sections: Record<string, unknown> = {};
  const tables: string[] = [];
  for (const name of names) {
    console.log(`\n== ${name} ==`);
    const started = Date.now();
    const { results, table } = await SECTIONS[name]!(options);
    sections[name] = { ...(results as object), quick, elapsedMs: Date.now() - started };
    tables.push(`== ${name} ==\n${table}`);
  }
  writeResults(sections);
  console.log(`\n${tables.join('\n\n')}\n\nwrote ${relative(repoRoot, resultsFile)}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

// Shared helpers for the benchmark sections (scripts/bench/*.ts): statistics, the results file,
// machine facts and the printed table. Timings are reported, never asserted.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { repoRoot } from '../lib/harness';

export const benchDir = join(repoRoot, 'bench');
export const benchTmp = join(benchDir, 'tmp');
/**
 * bench/results.json holds the latest full run and is committed; a quick run (fewer samples, 10k
 * only) writes bench/results.quick.json instead, so it never overwrites full figures.
 */
export const resultsFile = join(benchDir, process.argv.includes('--quick') ? 'results.quick.json' : 'results.json');

export interface BenchOptions {
  quick: boolean;
  /** Repetitions per measured variant (5, or 2 with --quick). */
  reps: number;
  /** Print progress. */
  log: (line: string) => void;
}

/** Median and range of a series (ms unless said otherwise), with the samples kept. */
export interface Stat {
  median: number;
  min: number;
  max: number;
  n: number;
  samples: number[];
}

export function stat(samples: readonly number[]): Stat {
  const sorted = [...samples].filter((n) => Number.isFinite(n)).sort((a, b) => a - b);
  const n = sorted.length;
  const median = n === 0 ? NaN : n % 2 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2;
  return { median: round(median), min: round(sorted[0] ?? NaN), max: round(sorted[n - 1] ?? NaN), n, samples: samples.map((n) => round(n)) };
}

export const round = (n: number, digits = 2): number => (Number.isFinite(n) ? Math.round(n * 10 ** digits) / 10 ** digits : n);

export const fmtStat = (s: Stat, unit = 'ms'): string =>
  Number.isFinite(s.median) ? `${s.median} ${unit} (${s.min}–${s.max}, n=${s.n})` : 'n/a';

/** The results file: `{ machine, date, <section>: {...} }`; each section replaces only its own key. */
export interface Results {
  machine: Record<string, unknown>;
  date: string;
  [section: string]: unknown;
}

export function readResults(): Partial<Results> {
  if (!existsSync(resultsFile)) return {};
  try {
    return JSON.parse(readFileSync(resultsFile, 'utf8')) as Partial<Results>;
  } catch {
    return {};
  }
}

export function writeResults(sections: Record<string, unknown>): Results {
  const previous = readResults();
  const here = machine();
  const date = new Date().toISOString();
  // Each section keeps the machine and date it was measured on: a later run of one section must
  // not relabel the others, which may come from another machine.
  const stamped = Object.fromEntries(
    Object.entries(sections).map(([name, value]) => [name, value && typeof value === 'object' && !Array.isArray(value) && name !== 'sizes' ? { ...value, machine: here, measuredAt: date } : value]),
  );
  const results: Results = { ...previous, machine: here, date, ...stamped };
  mkdirSync(dirname(resultsFile), { recursive: true });
  writeFileSync(resultsFile, `${JSON.stringify(results, null, 2)}\n`);
  return results;
}

export function machine(): Record<string, unknown> {
  const cpu = cpus();
  let chromium: string | null = null;
  try {
    chromium = execFileSync(process.env.CHROME_PATH || '/usr/bin/chromium', ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    chromium = null;
  }
  return {
    cpu: cpu[0]?.model ?? 'unknown',
    cores: cpu.length,
    memoryGb: round(totalmem() / 2 ** 30, 1),
    os: `${process.platform} ${release()}`,
    node: process.version,
    chromium,
  };
}

/** A plain-text table: first row is the header. */
export function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: readonly string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

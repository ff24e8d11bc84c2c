// Typo-tolerant name search over the `nameKey` index ("margaet smith", "smtih", "hrovat"), reading
// a bounded number of records, so it stays fast at a million constituents.
//
// A typo at position p leaves the query's first p letters exact, so the names it means sit in the
// index range that starts with them. The search reads the ranges of a few of the query's stems,
// from the longest (a typo near the end: a handful of names) to the shortest (a typo in the second
// letter: a wide range), each record at most once, until it has enough names or has read its
// budget. A query of several words is also tried last word first ("smith margaet"): the index
// holds "last first" too, so a typo in the first name still has a long exact stem. A swap of the
// first two letters gets a range of its own. A typo in the first letter of every word is not
// found: its range would be the whole index.
import type { KindredDB } from './db';

/** Records read at most per search: each range is one `getAll`, so a read costs a record's clone, not a cursor step. */
export const FUZZY_READ_BUDGET = 400;

/** Shorter queries match too much by accident; longer ones may carry two typos. */
export const maxTypos = (query: string): number => (query.length < 4 ? 0 : query.length < 8 ? 1 : 2);

/**
 * The fewest edits (insert, delete, substitute, swap two neighbours) that turn `query` into some
 * prefix of `key`; `max + 1` when more than `max` are needed. "smtih" → "smith jane" is 1.
 */
export function prefixDistance(query: string, key: string, max: number): number {
  const n = query.length;
  const m = Math.min(key.length, n + max);
  // Rows of the optimal-string-alignment table: previous-but-one, previous, current.
  let before = new Array<number>(m + 1).fill(0);
  let previous = Array.from({ length: m + 1 }, (_, j) => j);
  let current = new Array<number>(m + 1).fill(0);
  for (let i = 1; i <= n; i++) {
    current[0] = i;
    let rowMin = i;
    for (let j = 1; j <= m; j++) {
      const cost = query[i - 1] === key[j - 1] ? 0 : 1;
      let d = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && query[i - 1] === key[j - 2] && query[i - 2] === key[j - 1]) d = Math.min(d, before[j - 2]! + 1);
      current[j] = d;
      if (d < rowMin) rowMin = d;
    }
    if (rowMin > max) return max + 1;
    [before, previous, current] = [previous, current, before];
  }
  // `previous` is now the last row: the query against each prefix length of the key.
  let best = max + 1;
  for (let j = Math.max(0, n - max); j <= m; j++) best = Math.min(best, previous[j]!);
  return best;
}

/** Stem lengths to read, longest first: the last three, then halving (a few ranges, not one per letter). */
function stemLengths(length: number): number[] {
  const lengths: number[] = [];
  for (let k = length - 1; k >= 1 && k >= length - 3; k--) lengths.push(k);
  for (let k = Math.floor((length - 3) / 2); k >= 1; k = Math.floor(k / 2)) lengths.push(k);
  return lengths;
}

/** Key ranges to read for `query`, best first: [lower, upper) of the `nameKey` index, none twice. */
export function fuzzyRanges(query: string): [string, string][] {
  const ranges: [string, string][] = [];
  const end = (stem: string) => `${stem}\uffff`;
  let read: string | null = null; // the stem whose range is read already
  for (const k of stemLengths(query.length)) {
    const stem = query.slice(0, k);
    if (read === null) ranges.push([stem, end(stem)]);
    else {
      // The stem's range less the longer stem's, read before it.
      ranges.push([stem, read]);
      ranges.push([end(read), end(stem)]);
    }
    read = stem;
    if (k === Math.max(1, query.length - 3) && query.length >= 3 && query[0] !== query[1]) {
      // "ohrvat" for "horvat": the first two letters swapped.
      const swapped = query[1]! + query[0]! + query[2]!;
      ranges.push([swapped, end(swapped)]);
    }
  }
  return ranges;
}

/** "margaet smith" → "smith margaet"; null for one word. */
export function lastWordFirst(query: string): string | null {
  const words = query.split(' ');
  return words.length < 2 ? null : [words.at(-1)!, ...words.slice(0, -1)].join(' ');
}

/** Up to `limit` constituent ids whose name keys are within `maxTypos` of `query`, fewest typos first. */
export async function fuzzyNameSearch(
  db: KindredDB,
  query: string,
  limit: number,
  skip: ReadonlySet<string>,
): Promise<{ id: string; typos: number }[]> {
  const max = maxTypos(query);
  if (!max) return [];
  const queries = [query, lastWordFirst(query)].filter((q): q is string => q !== null);
  // Both orders' ranges, the narrow ones of each first.
  const perQuery = queries.map((q) => fuzzyRanges(q).map(([lower, upper]) => ({ q, lower, upper })));
  const ranges: { q: string; lower: string; upper: string }[] = [];
  for (let i = 0; i < Math.max(...perQuery.map((r) => r.length)); i++) for (const r of perQuery) if (r[i]) ranges.push(r[i]!);

  const found = new Map<string, number>();
  let budget = FUZZY_READ_BUDGET;
  for (const { q, lower, upper } of ranges) {
    if (budget <= 0 || found.size >= limit) break;
    if (lower > upper) continue;
    const rows = await db.constituents.where('nameKey').between(lower, upper, true, false).limit(budget).toArray();
    budget -= rows.length;
    for (const row of rows) {
      if (found.size >= limit) break;
      if (skip.has(row.id) || found.has(row.id)) continue;
      // Only the keys that put the record in this range; the others are other ranges' business.
      let typos = max + 1;
      for (const key of row.nameKey) if (key >= lower && key < upper) typos = Math.min(typos, prefixDistance(q, key, max));
      if (typos <= max) found.set(row.id, typos);
    }
  }
  return [...found].map(([id, typos]) => ({ id, typos })).sort((a, b) => a.typos - b.typos);
}

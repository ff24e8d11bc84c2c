// Typo-tolerant name search over the `nameKey` index ("margaet smith", "smtih", "hrovat"), in a
// bounded number of index keys read, so it stays fast at a million constituents.
//
// A typo at position p leaves the query's first p letters exact, so the names it means sit in
// the index range that starts with them. The search reads the ranges of the query's stems from
// the longest (a typo in the last letter: a handful of keys) to the shortest (a typo in the second
// letter: a wide range), each key once, until it has enough names or has read its budget of keys.
// A swap of the first two letters gets a range of its own. A typo in the first letter is not
// found: its range would be the whole index.
import type { KindredDB } from './db';

/** Index keys read at most per search (each read is a step of an IndexedDB key cursor). */
export const FUZZY_SCAN_BUDGET = 3_000;

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

/** Key ranges to read, best first: [lower, upper) of the `nameKey` index, none read twice. */
export function fuzzyRanges(query: string): [string, string][] {
  const ranges: [string, string][] = [];
  const end = (stem: string) => `${stem}\uffff`;
  // Stems from the query less its last letter down to its first letter; each range is its stem's
  // keys less those of the longer stem read before it.
  for (let k = query.length - 1; k >= 1; k--) {
    const stem = query.slice(0, k);
    const inner = query.slice(0, k + 1);
    if (k === query.length - 1) ranges.push([stem, end(stem)]);
    else {
      ranges.push([stem, inner]);
      ranges.push([end(inner), end(stem)]);
    }
    if (k === 2 && query.length >= 3 && query[0] !== query[1]) {
      // "ohrvat" for "horvat": the first two letters swapped.
      const swapped = query[1]! + query[0]! + query[2]!;
      ranges.push([swapped, end(swapped)]);
    }
  }
  return ranges;
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
  const found = new Map<string, number>();
  let budget = FUZZY_SCAN_BUDGET;
  for (const [lower, upper] of fuzzyRanges(query)) {
    if (budget <= 0 || found.size >= limit) break;
    await db.constituents
      .where('nameKey')
      .between(lower, upper, true, false)
      .until(() => budget <= 0 || found.size >= limit)
      .eachKey((key, cursor) => {
        budget--;
        const id = cursor.primaryKey as string;
        if (skip.has(id)) return;
        const typos = prefixDistance(query, key as string, max);
        if (typos <= max && typos < (found.get(id) ?? Infinity)) found.set(id, typos);
      });
  }
  return [...found].map(([id, typos]) => ({ id, typos })).sort((a, b) => a.typos - b.typos);
}

// One table of the double: a Map from id to row that also keeps its ids sorted, so that keyset
// pages (`id > N ORDER BY id`) over 100,000 contacts are a binary search, not a scan and a sort.
// Secondary indexes (rows by contact_id…) are rebuilt lazily when the table's version moves;
// tests that change an indexed field in place should `set` the row again to bump the version.

export interface Row {
  id: number;
  [field: string]: unknown;
}

export class Table<R extends Row = Row> extends Map<number, R> {
  /** Bumped by every set/delete; lazy indexes compare against it. */
  version = 0;
  private ids: number[] = [];
  private idsSorted = true;
  private maxId = 0;
  private indexes = new Map<string, { version: number; map: Map<unknown, R[]> }>();
  private orders = new Map<string, SortedIndex>();

  override set(id: number, row: R): this {
    if (!super.has(id)) {
      // Appending in id order (the usual case) keeps the list sorted for free.
      if (this.idsSorted && (this.ids.length === 0 || id > this.ids[this.ids.length - 1]!)) this.ids.push(id);
      else this.idsSorted = false;
    }
    if (id > this.maxId) this.maxId = id;
    this.version++;
    return super.set(id, row);
  }

  override delete(id: number): boolean {
    const had = super.delete(id);
    if (had) {
      this.version++;
      this.idsSorted = false;
    }
    return had;
  }

  override clear(): void {
    super.clear();
    this.ids = [];
    this.idsSorted = true;
    this.version++;
  }

  /** The next AUTO_INCREMENT id (never reuses an id, like MySQL). */
  nextId(): number {
    return this.maxId + 1;
  }

  /** Adds a row under the next id and returns it. */
  insert(values: Omit<R, 'id'>): R {
    const row = { id: this.nextId(), ...values } as R;
    this.set(row.id, row);
    return row;
  }

  /** All ids, ascending. */
  sortedIds(): readonly number[] {
    if (!this.idsSorted) {
      this.ids = [...super.keys()].sort((a, b) => a - b);
      this.idsSorted = true;
    }
    return this.ids;
  }

  /** Rows grouped by the value of `field` (e.g. emails by contact_id), cached per table version. */
  by(field: string): Map<unknown, R[]> {
    const cached = this.indexes.get(field);
    if (cached && cached.version === this.version) return cached.map;
    const map = new Map<unknown, R[]>();
    for (const row of super.values()) {
      const key = row[field];
      const list = map.get(key);
      if (list) list.push(row);
      else map.set(key, [row]);
    }
    this.indexes.set(field, { version: this.version, map });
    return map;
  }

  /**
   * Ids sorted by a text field (modified_date), for range scans. Unlike `by`, this also notices
   * rows changed in place (`row.modified_date = …` in a test, or a bump): checking every row
   * against the indexed value costs a few ms over 100,000 rows, far less than a sort.
   */
  sortedBy(field: string): SortedIndex {
    const cached = this.orders.get(field);
    if (cached && cached.version === this.version && this.unchanged(cached, field)) return cached;
    const entries: [string, number][] = [];
    const seen = new Map<number, unknown>();
    for (const row of super.values()) {
      const v = row[field];
      seen.set(row.id, v);
      entries.push([v === null || v === undefined ? '' : String(v), row.id]);
    }
    entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1]));
    const index: SortedIndex = { version: this.version, ids: entries.map((e) => e[1]), keys: entries.map((e) => e[0]), seen };
    this.orders.set(field, index);
    return index;
  }

  private unchanged(index: SortedIndex, field: string): boolean {
    for (const row of super.values()) if (index.seen.get(row.id) !== row[field]) return false;
    return true;
  }
}

/** Ids ordered by (field, id), with the field's text beside each id for binary search. */
export interface SortedIndex {
  version: number;
  ids: number[];
  keys: string[];
  /** The value each row had when indexed: rows edited in place are caught by comparing against it. */
  seen: Map<number, unknown>;
}

/** First index in the sorted `ids` whose id is >= `id` (or > when `strict`). */
export function lowerBound<T extends number | string>(ids: readonly T[], id: T, strict = false): number {
  let lo = 0;
  let hi = ids.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const v = ids[mid]!;
    if (v < id || (strict && v === id)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

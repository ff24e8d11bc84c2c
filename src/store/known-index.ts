// The known-identity index: every linked profile's key as a 32-bit hash, sorted, in one binary
// blob kept outside IndexedDB (Cache Storage). It answers the content script's "is this person
// known?" while the big store is still opening: all of an origin's IndexedDB databases share one
// backing store in Chromium, and after a browser restart a million-constituent one took 0.6–5.5 s
// to open here (issue 5), while this blob (4 bytes a profile) reads in milliseconds.
//
// It is a hint, never the truth: a hash can collide (≈ 1 in 1,700 unknown keys at 2.5M profiles)
// and it may be older than the store. So it is only used until the store is open, every answer it
// gave is checked against the store then (the tab asks again when one was wrong), and it is not
// used at all when a change since it was built is on record.
import type { DBCore, DBCoreMutateRequest, Middleware } from 'dexie';
import type { KindredDB } from './db';

const MAGIC = 0x4b4b4931; // "KKI1"
const HEADER_BYTES = 24; // magic u32, version u32, count u32, buildMs u32, builtFrom f64
export const KNOWN_INDEX_VERSION = 1;
/** Keys read per transaction while building: bounded memory at any store size. */
const BUILD_CHUNK = 20_000;

/** FNV-1a over the key's UTF-16 units, then murmur3's finaliser so near-equal keys spread out. */
export function hashKey(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export class KnownIndex {
  /**
   * @param hashes sorted ascending, no repeats
   * @param builtFrom when the build started reading the store (ms): changes after it are not in it
   * @param buildMs how long the build took (for the benchmark and the curious)
   */
  constructor(
    readonly hashes: Uint32Array,
    readonly builtFrom: number,
    readonly buildMs = 0,
  ) {}

  get size(): number {
    return this.hashes.length;
  }

  /** False: certainly not linked when the index was built. True: very probably linked. */
  mayHave(key: string): boolean {
    const h = hashKey(key);
    const a = this.hashes;
    let lo = 0;
    let hi = a.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = a[mid]!;
      if (v === h) return true;
      if (v < h) lo = mid + 1;
      else hi = mid - 1;
    }
    return false;
  }

  /** Builds from hashes in any order, with repeats; sorts `hashes` in place (no copy: at 1M it is 10 MB). */
  static fromHashes(hashes: Uint32Array, builtFrom: number): KnownIndex {
    const sorted = hashes.sort();
    let n = 0;
    for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[n - 1]) sorted[n++] = sorted[i]!;
    return new KnownIndex(sorted.subarray(0, n), builtFrom);
  }

  static fromKeys(keys: Iterable<string>, builtFrom: number): KnownIndex {
    return KnownIndex.fromHashes(Uint32Array.from(keys, hashKey), builtFrom);
  }

  encode(): ArrayBuffer {
    const buffer = new ArrayBuffer(HEADER_BYTES + this.hashes.byteLength);
    const view = new DataView(buffer);
    view.setUint32(0, MAGIC, true);
    view.setUint32(4, KNOWN_INDEX_VERSION, true);
    view.setUint32(8, this.hashes.length, true);
    view.setUint32(12, Math.min(Math.round(this.buildMs), 0xffffffff), true);
    view.setFloat64(16, this.builtFrom, true);
    new Uint32Array(buffer, HEADER_BYTES).set(this.hashes);
    return buffer;
  }

  /** The header alone (the first 24 bytes suffice), or null when it is not one of this version. */
  static decodeHeader(bytes: ArrayBuffer | Uint8Array): { count: number; builtFrom: number; buildMs: number } | null {
    const view = bytes instanceof Uint8Array ? new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength) : new DataView(bytes);
    if (view.byteLength < HEADER_BYTES) return null;
    if (view.getUint32(0, true) !== MAGIC || view.getUint32(4, true) !== KNOWN_INDEX_VERSION) return null;
    const builtFrom = view.getFloat64(16, true);
    if (!Number.isFinite(builtFrom)) return null;
    return { count: view.getUint32(8, true), builtFrom, buildMs: view.getUint32(12, true) };
  }

  /** Null for anything that is not a whole index of this version (an older format, a torn write). */
  static decode(buffer: ArrayBuffer): KnownIndex | null {
    const header = KnownIndex.decodeHeader(buffer);
    if (!header || buffer.byteLength !== HEADER_BYTES + header.count * 4) return null;
    return new KnownIndex(new Uint32Array(buffer, HEADER_BYTES, header.count), header.builtFrom, header.buildMs);
  }
}

/**
 * Reads every identity key, a chunk per transaction, so memory stays at the hashes (4 bytes each)
 * plus one chunk of keys. Changes made while it reads are later than `builtFrom`, so they leave a
 * mark newer than the index (see `KnownIndexStore`) and the next build takes them in. `onChunk`
 * runs after each chunk (the worker keeps itself alive with it: IndexedDB work alone does not).
 */
export async function buildKnownIndex(
  db: KindredDB,
  options: { now?: () => number; chunk?: number; onChunk?: () => void } = {},
): Promise<KnownIndex> {
  const { now = Date.now, chunk = BUILD_CHUNK, onChunk } = options;
  const builtFrom = now();
  const started = performance.now();
  let hashes = new Uint32Array(1024);
  let n = 0;
  let after: string | null = null;
  for (;;) {
    const collection = after === null ? db.identities.toCollection() : db.identities.where(':id').above(after);
    const keys = (await collection.limit(chunk).primaryKeys()) as string[];
    if (keys.length === 0) break;
    if (n + keys.length > hashes.length) {
      const grown = new Uint32Array(Math.max(hashes.length * 2, n + keys.length));
      grown.set(hashes.subarray(0, n));
      hashes = grown;
    }
    for (const key of keys) hashes[n++] = hashKey(key);
    after = keys[keys.length - 1]!;
    onChunk?.();
    if (keys.length < chunk) break;
  }
  const { hashes: sorted } = KnownIndex.fromHashes(hashes.subarray(0, n), builtFrom);
  return new KnownIndex(sorted, builtFrom, performance.now() - started);
}

/** Where the index and the mark of the last change live. */
export interface KnownIndexStore {
  /** The index, unless there is none, it is unreadable, or a change was marked after it was built. */
  loadCurrent(): Promise<KnownIndex | null>;
  /** Whether there is an index with no change marked after it, reading its header only (10 MB at 1M). */
  isCurrent(): Promise<boolean>;
  save(index: KnownIndex): Promise<void>;
  /** Records that identities changed at `at` (ms), which makes every index built before it stale. */
  markChanged(at: number): Promise<void>;
}

// Cache Storage only takes http(s) request URLs as keys; these are names, never fetched.
const INDEX_URL = 'https://kindred.invalid/known-index';
const CHANGED_URL = 'https://kindred.invalid/known-index-changed';
export const KNOWN_INDEX_CACHE = 'kindred-known-index';

/** When identities last changed, as marked; -Infinity for never. An unreadable mark counts as now: better no index than a stale one. */
async function lastChange(cache: Cache): Promise<number> {
  const response = await cache.match(CHANGED_URL);
  if (!response) return -Infinity;
  const at = Number(await response.text());
  return Number.isFinite(at) ? at : Date.now();
}

/** The first `n` bytes of a body (or fewer, if it is shorter), without reading the rest. */
async function leadingBytes(response: Response, n: number): Promise<Uint8Array> {
  if (!response.body) return new Uint8Array(await response.arrayBuffer()).subarray(0, n);
  const reader = response.body.getReader();
  const out = new Uint8Array(n);
  let filled = 0;
  try {
    while (filled < n) {
      const { done, value } = await reader.read();
      if (done) break;
      const take = value.subarray(0, n - filled);
      out.set(take, filled);
      filled += take.length;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return out.subarray(0, filled);
}

/** The index in Cache Storage, or null where the context has none (tests, some private windows). */
export function cacheKnownIndexStore(storage: CacheStorage | undefined = globalThis.caches): KnownIndexStore | null {
  if (!storage) return null;
  const open = () => storage.open(KNOWN_INDEX_CACHE);
  return {
    async loadCurrent() {
      const cache = await open();
      const [indexResponse, changedAt] = await Promise.all([cache.match(INDEX_URL), lastChange(cache)]);
      if (!indexResponse) return null;
      const index = KnownIndex.decode(await indexResponse.arrayBuffer());
      return index && changedAt < index.builtFrom ? index : null;
    },
    async isCurrent() {
      const cache = await open();
      const [indexResponse, changedAt] = await Promise.all([cache.match(INDEX_URL), lastChange(cache)]);
      if (!indexResponse) return false;
      const header = KnownIndex.decodeHeader(await leadingBytes(indexResponse, HEADER_BYTES));
      return header !== null && changedAt < header.builtFrom;
    },
    async save(index) {
      const cache = await open();
      await cache.put(INDEX_URL, new Response(index.encode(), { headers: { 'content-type': 'application/octet-stream' } }));
    },
    async markChanged(at) {
      const cache = await open();
      await cache.put(CHANGED_URL, new Response(String(at)));
    },
  };
}

/**
 * A Dexie middleware that calls `onChange` whenever a write to `identities` is made and again when
 * it commits, wherever it comes from (import, sync, a link, clearing the cache): no write site can
 * forget it.
 */
export function identityChangeTracker(onChange: () => void): Middleware<DBCore> {
  return {
    stack: 'dbcore',
    name: 'known-index-tracker',
    create(down: DBCore): DBCore {
      return {
        ...down,
        table(name) {
          const table = down.table(name);
          if (name !== 'identities') return table;
          return {
            ...table,
            mutate(request: DBCoreMutateRequest) {
              // Once as the write is made, and again once it is committed: an index built by
              // another context in between read the store without it, and must not look current.
              onChange();
              const tx = request.trans as unknown as Partial<IDBTransaction>;
              tx.addEventListener?.('complete', onChange, { once: true });
              return table.mutate(request);
            },
          };
        },
      };
    },
  };
}

export interface KnownIndexMaintainer {
  /** A write to identities is being made in this context. */
  changed(): void;
  /** Builds and saves the index now (also what the debounce ends in). */
  rebuild(): Promise<KnownIndex>;
  /** Builds it after `delayMs` (or the quiet time) unless a change pushes it back. */
  rebuildSoon(delayMs?: number): void;
  /**
   * For a bulk writer (an import, a sync) whose batches may be more than the quiet time apart:
   * changes are still marked, but nothing is rebuilt until every pause is over. Returns the resume.
   */
  pause(): () => void;
}

/**
 * Keeps the saved index following the store from one context. Changes are marked as they happen,
 * at most once a `markEveryMs` and never later than that after one (an index another context builds
 * meanwhile must not look current: a worker can wake in the middle of an import), so a context that
 * dies before rebuilding leaves the index unused, not wrong. The rebuild waits until writes have
 * stopped for `quietMs`.
 */
export function createKnownIndexMaintainer(options: {
  db: KindredDB;
  store: KnownIndexStore;
  quietMs?: number;
  markEveryMs?: number;
  now?: () => number;
  /** Called while a build runs (the worker's keep-alive). */
  keepAlive?: () => void;
  onError?: (error: unknown) => void;
}): KnownIndexMaintainer {
  const {
    db, store, quietMs = 2_000, markEveryMs = 1_000, now = Date.now, keepAlive,
    onError = (error) => console.warn('[kindred] known-identity index', error),
  } = options;
  let lastMark = -Infinity;
  let marking: Promise<void> = Promise.resolve();
  let markTimer: ReturnType<typeof setTimeout> | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let building: Promise<KnownIndex> | null = null;
  let again = false;
  let pauses = 0;
  let pending = false;

  const mark = () => {
    if (markTimer !== null) clearTimeout(markTimer);
    markTimer = null;
    lastMark = now();
    marking = store.markChanged(lastMark).catch(onError);
  };

  const rebuild = async (): Promise<KnownIndex> => {
    if (building) {
      again = true;
      return building;
    }
    building = (async () => {
      // A change not marked yet is marked first, and the build starts strictly after every mark.
      if (markTimer !== null) mark();
      await marking;
      while (now() <= lastMark) await new Promise((resolve) => setTimeout(resolve, 1));
      const index = await buildKnownIndex(db, { now, onChunk: keepAlive });
      await store.save(index);
      return index;
    })();
    try {
      return await building;
    } finally {
      building = null;
      if (again) {
        again = false;
        schedule();
      }
    }
  };

  function schedule(delayMs = quietMs) {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    if (pauses > 0) {
      pending = true;
      return;
    }
    timer = setTimeout(() => {
      timer = null;
      rebuild().catch(onError);
    }, delayMs);
  }

  return {
    changed() {
      const since = now() - lastMark;
      if (since >= markEveryMs) mark();
      else markTimer ??= setTimeout(mark, markEveryMs - since);
      if (building) again = true;
      schedule();
    },
    rebuild,
    rebuildSoon: (delayMs) => schedule(delayMs),
    pause() {
      pauses++;
      if (timer !== null) {
        clearTimeout(timer);
        timer = null;
        pending = true;
      }
      let resumed = false;
      return () => {
        if (resumed) return;
        resumed = true;
        pauses--;
        if (pauses === 0 && pending) {
          pending = false;
          schedule();
        }
      };
    },
  };
}

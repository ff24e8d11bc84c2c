import { describe, expect, it, vi } from 'vitest';
import {
  buildKnownIndex,
  cacheKnownIndexStore,
  createKnownIndexMaintainer,
  hashKey,
  identityChangeTracker,
  KnownIndex,
  type KnownIndexStore,
} from '../../src/store/known-index';
import { buildConstituent } from '../../src/store/queries';
import type { IdentityRecord } from '../../src/store/model';
import { freshDb } from '../helpers/db';

const identity = (handle: string, constituentId = 'local:1'): IdentityRecord => ({
  key: `x:${handle}`, platform: 'x', handle, constituentId, provenance: 'imported',
  linkedBy: 'test.csv', linkedAt: '2026-01-01', confirmed: true, sourceUrl: null,
});

/** Cache Storage as the browser has it, in memory: requests by URL, bodies kept as bytes. */
function memoryCaches(): CacheStorage & { entries: Map<string, Map<string, Uint8Array>> } {
  const entries = new Map<string, Map<string, Uint8Array>>();
  const urlOf = (request: RequestInfo | URL) => (typeof request === 'string' ? request : request instanceof URL ? request.href : request.url);
  const cacheFor = (name: string) => {
    const bodies = entries.get(name) ?? new Map<string, Uint8Array>();
    entries.set(name, bodies);
    return {
      async match(request: RequestInfo | URL) {
        const body = bodies.get(urlOf(request));
        return body ? new Response(body.slice()) : undefined;
      },
      async put(request: RequestInfo | URL, response: Response) {
        const url = urlOf(request);
        if (!/^https?:/.test(url)) throw new TypeError('Request scheme is unsupported'); // as Chromium
        bodies.set(url, new Uint8Array(await response.arrayBuffer()));
      },
    } as unknown as Cache;
  };
  return { entries, open: async (name: string) => cacheFor(name) } as unknown as CacheStorage & { entries: Map<string, Map<string, Uint8Array>> };
}

describe('known-identity index', () => {
  it('holds every key it was built from and almost never another', () => {
    const keys = Array.from({ length: 20_000 }, (_, i) => `x:handle${i}`);
    const index = KnownIndex.fromKeys([...keys, ...keys.slice(0, 100)], 1);
    expect(index.size).toBeGreaterThan(19_990); // repeats go; 32-bit collisions among 20k are rare
    for (const key of keys) expect(index.mayHave(key)).toBe(true);
    const strangers = Array.from({ length: 20_000 }, (_, i) => `x:stranger${i}`);
    // Expected false positives: 20k × 20k / 2^32 ≈ 0.1.
    expect(strangers.filter((key) => index.mayHave(key)).length).toBeLessThanOrEqual(3);
    expect(KnownIndex.fromKeys([], 1).mayHave('x:anyone')).toBe(false);
  });

  it('hashes are stable 32-bit values that spread near-equal keys', () => {
    expect(hashKey('x:ada')).toBe(hashKey('x:ada'));
    expect(hashKey('x:ada')).not.toBe(hashKey('x:adb'));
    const hashes = Array.from({ length: 1_000 }, (_, i) => hashKey(`x:h${i}`));
    for (const h of hashes) expect(Number.isInteger(h) && h >= 0 && h < 2 ** 32).toBe(true);
    // The top byte alone takes most of its 256 values across 1,000 sequential keys.
    expect(new Set(hashes.map((h) => h >>> 24)).size).toBeGreaterThan(200);
  });

  it('survives its binary form, and refuses anything that is not a whole index of this version', () => {
    const index = KnownIndex.fromKeys(['x:a', 'x:b', 'facebook:c'], 1234.5);
    const decoded = KnownIndex.decode(index.encode())!;
    expect(decoded.builtFrom).toBe(1234.5);
    expect([...decoded.hashes]).toEqual([...index.hashes]);
    expect(decoded.mayHave('facebook:c')).toBe(true);

    const bytes = new Uint8Array(index.encode());
    expect(KnownIndex.decode(bytes.slice(0, bytes.length - 4).buffer)).toBeNull(); // torn
    expect(KnownIndex.decode(bytes.slice(0, 10).buffer)).toBeNull();
    const wrongVersion = bytes.slice();
    new DataView(wrongVersion.buffer).setUint32(4, 99, true);
    expect(KnownIndex.decode(wrongVersion.buffer)).toBeNull();
    const wrongMagic = bytes.slice();
    wrongMagic[0] = 0;
    expect(KnownIndex.decode(wrongMagic.buffer)).toBeNull();
  });

  it('is built from the store a chunk at a time, every key included', async () => {
    const db = freshDb();
    await db.constituents.put(buildConstituent('local', '1', { displayName: 'Ada' }));
    const handles = Array.from({ length: 53 }, (_, i) => `p${i}`);
    await db.identities.bulkPut(handles.map((h) => identity(h)));
    let chunks = 0;
    const index = await buildKnownIndex(db, { now: () => 42, chunk: 7, onChunk: () => chunks++ });
    expect(chunks).toBe(8); // 7 full chunks and the last 4 keys
    expect(index.builtFrom).toBe(42);
    expect(index.buildMs).toBeGreaterThan(0);
    expect(KnownIndex.decode(index.encode())!.buildMs).toBe(Math.round(index.buildMs));
    expect(index.size).toBe(53);
    for (const h of handles) expect(index.mayHave(`x:${h}`)).toBe(true);
    expect(index.mayHave('x:nobody')).toBe(false);
    expect((await buildKnownIndex(freshDb())).size).toBe(0);
  });

  it('is used only when no change was marked after its build started', async () => {
    const caches = memoryCaches();
    const store = cacheKnownIndexStore(caches)!;
    const both = async () => [(await store.loadCurrent())?.size ?? null, await store.isCurrent()];
    expect(await both()).toEqual([null, false]); // none yet
    await store.save(KnownIndex.fromKeys(['x:a'], 100));
    expect((await store.loadCurrent())?.mayHave('x:a')).toBe(true);
    expect(await both()).toEqual([1, true]);
    await store.markChanged(99);
    expect(await both()).toEqual([1, true]);
    await store.markChanged(100); // the same millisecond: may not be in it
    expect(await both()).toEqual([null, false]);
    await store.markChanged(150);
    expect(await both()).toEqual([null, false]);
    await store.save(KnownIndex.fromKeys(['x:a', 'x:b'], 200));
    expect(await both()).toEqual([2, true]);
    // A damaged blob is no index; a damaged header is not current either.
    const bodies = caches.entries.get('kindred-known-index')!;
    const [indexUrl] = [...bodies.keys()].filter((url) => !url.endsWith('-changed'));
    const whole = bodies.get(indexUrl!)!;
    bodies.set(indexUrl!, whole.slice(0, 30));
    expect(await store.loadCurrent()).toBeNull();
    bodies.set(indexUrl!, whole.slice(0, 10));
    expect(await store.isCurrent()).toBe(false);
    // An unreadable mark counts as a change just now.
    bodies.set(indexUrl!, whole);
    bodies.set([...bodies.keys()].find((url) => url.endsWith('-changed'))!, new TextEncoder().encode('garbage'));
    expect(await both()).toEqual([null, false]);
    expect(cacheKnownIndexStore(undefined)).toBeNull();
  });

  it('reads only the header of a large index to tell whether it is current', async () => {
    const caches = memoryCaches();
    const store = cacheKnownIndexStore(caches)!;
    await store.save(KnownIndex.fromKeys(Array.from({ length: 300_000 }, (_, i) => `x:p${i}`), 100));
    let pulled = 0;
    const original = caches.open.bind(caches);
    // Count what is read from the body: a stream that hands out 64 KB at a time.
    caches.open = async (name: string) => {
      const cache = await original(name);
      return {
        ...cache,
        match: async (request: RequestInfo | URL) => {
          const response = await cache.match(request);
          if (!response || !String(request).endsWith('/known-index')) return response;
          const bytes = new Uint8Array(await response.arrayBuffer());
          let at = 0;
          const body = new ReadableStream<Uint8Array>({
            pull(controller) {
              if (at >= bytes.length) return controller.close();
              const chunk = bytes.subarray(at, at + 65_536);
              at += chunk.length;
              pulled += chunk.length;
              controller.enqueue(chunk);
            },
          });
          return new Response(body);
        },
      } as Cache;
    };
    expect(await store.isCurrent()).toBe(true);
    expect(pulled).toBeLessThanOrEqual(65_536 * 2); // not the 1.2 MB
    pulled = 0;
    expect((await store.loadCurrent())?.size).toBeGreaterThan(299_000);
    expect(pulled).toBeGreaterThan(1_000_000);
  });

  it('hears every kind of write to identities, and only those', async () => {
    const db = freshDb();
    const seen: number[] = [];
    db.use(identityChangeTracker(() => seen.push(1)));
    await db.constituents.put(buildConstituent('local', '1', { displayName: 'Ada' }));
    await db.meta.put({ key: 'k', value: 1 });
    await db.identities.get('x:a');
    await db.identities.where('heldBy').equals('local:1').toArray();
    expect(seen.length).toBe(0);
    await db.identities.put(identity('a'));
    expect(seen.length).toBe(2); // as it is written, and as it commits
    await db.identities.bulkPut([identity('b'), identity('c')]);
    await db.identities.delete('x:a');
    await db.identities.where('heldBy').equals('local:1').delete();
    await db.identities.clear();
    expect(seen.length).toBeGreaterThanOrEqual(5);
  });
});

describe('keeping the saved index following the store', () => {
  const recording = (): KnownIndexStore & { saved: KnownIndex[]; marks: number[] } => {
    const saved: KnownIndex[] = [];
    const marks: number[] = [];
    return {
      saved,
      marks,
      loadCurrent: async () => saved.at(-1) ?? null,
      isCurrent: async () => saved.length > 0,
      save: async (index) => void saved.push(index),
      markChanged: async (at) => void marks.push(at),
    };
  };

  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('marks changes as they happen and rebuilds once writes have been quiet a while', async () => {
    const db = freshDb();
    const store = recording();
    const maintainer = createKnownIndexMaintainer({ db, store, quietMs: 1_000, markEveryMs: 200 });
    db.use(identityChangeTracker(() => maintainer.changed()));
    const before = Date.now();
    await db.identities.put(identity('a'));
    expect(store.marks.length).toBe(1); // the first one at once
    expect(store.marks[0]!).toBeGreaterThanOrEqual(before);
    for (const handle of ['b', 'c', 'd', 'e']) {
      await sleep(250);
      await db.identities.put(identity(handle)); // each pushes the rebuild back
    }
    const lastWrite = Date.now();
    expect(store.saved).toEqual([]);
    // Writes spread over a second are marked again, never later than 200 ms after.
    expect(store.marks.length).toBeGreaterThanOrEqual(3);
    await vi.waitFor(() => expect(store.marks.at(-1)!).toBeGreaterThanOrEqual(lastWrite - 250), { timeout: 1_000 });
    await vi.waitFor(() => expect(store.saved.length).toBe(1), { timeout: 3_000 });
    const [index] = store.saved;
    expect(store.marks.every((at) => at < index!.builtFrom)).toBe(true);
    expect(['x:a', 'x:b', 'x:c', 'x:e'].every((key) => index!.mayHave(key))).toBe(true);
    // The next change is marked after that build, and the build after it does not have the key.
    await db.identities.delete('x:a');
    expect(store.marks.at(-1)!).toBeGreaterThanOrEqual(index!.builtFrom);
    await vi.waitFor(() => expect(store.saved.length).toBe(2), { timeout: 3_000 });
    expect(store.saved[1]!.mayHave('x:a')).toBe(false);
    expect(store.saved[1]!.builtFrom).toBeGreaterThan(store.marks.at(-1)!);
  });

  it("marks a change another context's build would miss: an index built meanwhile never looks current", async () => {
    const db = freshDb();
    const caches = memoryCaches();
    const store = cacheKnownIndexStore(caches)!;
    const writer = createKnownIndexMaintainer({ db, store, quietMs: 60_000, markEveryMs: 100 });
    db.use(identityChangeTracker(() => writer.changed()));
    await db.identities.put(identity('a')); // the import's first batch
    await sleep(5);
    // Another context (a worker waking mid-import) builds and saves an index now.
    const other = freshDb();
    await other.identities.put(identity('a'));
    await store.save(await buildKnownIndex(other));
    expect(await store.isCurrent()).toBe(true);
    await db.identities.put(identity('b')); // the next batch, within the same second
    await vi.waitFor(async () => expect(await store.isCurrent()).toBe(false), { timeout: 1_000 });
  });

  it('marks a write again once it commits: a build between the write and its commit does not look current', async () => {
    const db = freshDb();
    const marks: number[] = [];
    db.use(identityChangeTracker(() => marks.push(Date.now())));
    let between = 0;
    await db.transaction('rw', db.identities, async () => {
      await db.identities.put(identity('a'));
      between = marks.length;
      await db.identities.get('x:a');
    });
    expect(between).toBe(1);
    expect(marks.length).toBe(2); // the write, then its commit
  });

  it('builds again when a change comes while it builds', async () => {
    const db = freshDb();
    await db.identities.put(identity('a'));
    const store = recording();
    let clock = 10;
    const maintainer = createKnownIndexMaintainer({ db, store, quietMs: 5, now: () => clock++ });
    const first = maintainer.rebuild();
    maintainer.changed(); // while it builds: the build may have read the store before the write
    await first;
    await vi.waitFor(() => expect(store.saved.length).toBe(2));
    expect(store.saved[1]!.builtFrom).toBeGreaterThan(store.marks.at(-1)!);
  });

  it('rebuilds nothing while a bulk writer has it paused, however long its batches take, and once after', async () => {
    const db = freshDb();
    const store = recording();
    const maintainer = createKnownIndexMaintainer({ db, store, quietMs: 100 });
    db.use(identityChangeTracker(() => maintainer.changed()));
    const resume = maintainer.pause();
    const resumeToo = maintainer.pause(); // a sync during an import
    for (const handle of ['a', 'b', 'c']) {
      await db.identities.put(identity(handle));
      await sleep(250); // batches further apart than the quiet time
    }
    expect(store.marks.length).toBe(1); // still marked: a stale index is never used
    expect(store.saved).toEqual([]);
    resume();
    resume(); // twice is once
    await sleep(250);
    expect(store.saved).toEqual([]);
    resumeToo();
    await vi.waitFor(() => expect(store.saved.length).toBe(1), { timeout: 2_000 });
    expect(['x:a', 'x:b', 'x:c'].every((key) => store.saved[0]!.mayHave(key))).toBe(true);
    await sleep(300);
    expect(store.saved.length).toBe(1);
  });

  it('rebuilds on request after a delay, for an index found missing or stale', async () => {
    const db = freshDb();
    await db.identities.put(identity('a'));
    const store = recording();
    createKnownIndexMaintainer({ db, store }).rebuildSoon(300);
    await sleep(150);
    expect(store.saved.length).toBe(0);
    await vi.waitFor(() => expect(store.saved.length).toBe(1), { timeout: 2_000 });
    expect(store.saved[0]!.mayHave('x:a')).toBe(true);
  });
});

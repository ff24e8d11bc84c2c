// Functions the scale benchmark runs inside the browser (scripts/bench/scale.ts). Each one is
// self-contained (no imports, no closure over this module): Playwright / CDP send its source to
// the page. They use only the plain web APIs a page has (indexedDB, fetch, chrome.runtime), never
// Kindred's code: the floors must not share Kindred's costs, and Kindred is driven through its UI
// and its messages.

/** The interactions of rows [from, to), seeded per row like scale-data.ts, written to Kindred's `interactions` store. */
export async function writeInteractions(a: { from: number; to: number; seed: number; batch: number; now: number }): Promise<{
  written: number;
  putMs: number;
  genMs: number;
  richest: { index: number; count: number };
}> {
  const rowRng = (seed: number, i: number, salt: number) => {
    let s = (Math.imul(seed ^ salt, 0x9e3779b1) ^ Math.imul(i + 1, 0x85ebca6b)) >>> 0;
    return () => {
      s = (s + 0x6d2b79f5) >>> 0;
      let t = s;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  };
  const KINDS = ['comment', 'dm', 'call', 'meeting', 'email', 'event', 'note'];
  const CHANNELS = ['x', 'facebook', 'bluesky', 'instagram', null, null];
  const SUMMARIES = ['Talked about the gala', 'Thanked for the gift', 'Asked about volunteering', 'Follow-up on the appeal', 'Event RSVP', 'Newsletter reply', 'Board intro', 'Phone bank call'];
  const NOTES = [
    'Wants to volunteer at the spring event and bring two friends.',
    'Prefers email; asked us not to call before 10 am.',
    'Interested in the youth programme; send the annual report.',
    'Mentioned a matching gift from their employer this year.',
    'Shared our post about the clean-water campaign.',
    'Left a comment asking how donations are used.',
  ];
  const db = await new Promise<IDBDatabase>((ok, fail) => {
    const r = indexedDB.open('kindred');
    r.onsuccess = () => ok(r.result);
    r.onerror = () => fail(r.error);
  });
  let written = 0;
  let putMs = 0;
  let genMs = 0;
  let richest = { index: -1, count: -1 };
  const YEAR_MS = 365 * 24 * 3600 * 1000;
  let pending: unknown[] = [];
  const flush = async () => {
    if (!pending.length) return;
    const rows = pending;
    pending = [];
    const t = performance.now();
    await new Promise<void>((ok, fail) => {
      const tx = db.transaction('interactions', 'readwrite');
      const store = tx.objectStore('interactions');
      for (const row of rows) store.put(row);
      tx.oncomplete = () => ok();
      tx.onerror = () => fail(tx.error);
      tx.onabort = () => fail(tx.error ?? new Error('aborted'));
    });
    putMs += performance.now() - t;
    written += rows.length;
  };
  for (let i = a.from; i < a.to; i++) {
    const g0 = performance.now();
    const rng = rowRng(a.seed, i, 7);
    // 45% have none; the rest 1–20, most of them few (1 + ⌊20·u⁴⌋).
    const count = rng() < 0.45 ? 0 : Math.min(20, 1 + Math.floor(20 * rng() ** 4));
    if (count > richest.count) richest = { index: i, count };
    const constituentId = `local:bench-${i.toString(36).padStart(4, '0')}`;
    for (let k = 0; k < count; k++) {
      const at = new Date(a.now - Math.floor(rng() * 5 * YEAR_MS)).toISOString();
      pending.push({
        id: `bench-int-${i}-${k}`,
        constituentId,
        kind: KINDS[Math.floor(rng() * KINDS.length)],
        channel: CHANNELS[Math.floor(rng() * CHANNELS.length)],
        at,
        summary: SUMMARIES[Math.floor(rng() * SUMMARIES.length)],
        notes: NOTES[Math.floor(rng() * NOTES.length)],
        profileUrl: null,
        author: 'Bench Staffer',
        source: 'local',
        externalId: null,
        status: 'synced',
        lastError: null,
        createdAt: at,
      });
    }
    genMs += performance.now() - g0;
    if (pending.length >= a.batch) await flush();
  }
  await flush();
  db.close();
  return { written, putMs, genMs, richest };
}

/** Storage used by the extension's origin (navigator.storage.estimate). */
export async function storageEstimate(): Promise<{ usage: number; indexedDB: number | null }> {
  const e = (await navigator.storage.estimate()) as StorageEstimate & { usageDetails?: { indexedDB?: number } };
  return { usage: e.usage ?? 0, indexedDB: e.usageDetails?.indexedDB ?? null };
}

/** Record counts of Kindred's stores (plain IndexedDB). */
export async function storeCounts(): Promise<Record<string, number>> {
  const db = await new Promise<IDBDatabase>((ok, fail) => {
    const r = indexedDB.open('kindred');
    r.onsuccess = () => ok(r.result);
    r.onerror = () => fail(r.error);
  });
  const names = ['constituents', 'identities', 'interactions'];
  const tx = db.transaction(names, 'readonly');
  const out: Record<string, number> = {};
  await Promise.all(
    names.map(
      (n) =>
        new Promise<void>((ok, fail) => {
          const r = tx.objectStore(n).count();
          r.onsuccess = () => {
            out[n] = r.result;
            ok();
          };
          r.onerror = () => fail(r.error);
        }),
    ),
  );
  db.close();
  return out;
}

/**
 * Floor for the import: the records Kindred's import stores (built by its own row parser in Node),
 * put into a scratch database in this page's origin, one transaction per batch (2,000 rows and
 * their identities, as the import writes them). Stores without indexes, or with Kindred's indexes
 * (`indexes`, as the product's schema declares them). Only the
 * transactions are timed.
 */
export async function putBatches(a: {
  scratch: string;
  fresh: boolean;
  /** Indexes to create (Kindred's current schema, read from the product's KindredDB in Node); none for the raw floor. */
  indexes: { store: 'constituents' | 'identities'; name: string; keyPath: string; multiEntry: boolean }[];
  batches: { constituents: unknown[]; identities: unknown[] }[];
  /** Put into this existing database as it is (Kindred's own, for KINDRED_SCALE_SEED_REST): no upgrade. */
  existing?: boolean;
}): Promise<{ constituents: number; identities: number; putMs: number; transactions: number }> {
  if (a.fresh) {
    await new Promise<void>((ok, fail) => {
      const r = indexedDB.deleteDatabase(a.scratch);
      r.onsuccess = () => ok();
      r.onerror = () => fail(r.error);
    });
  }
  const db = await new Promise<IDBDatabase>((ok, fail) => {
    const r = a.existing ? indexedDB.open(a.scratch) : indexedDB.open(a.scratch, 1);
    r.onupgradeneeded = () => {
      const c = r.result.createObjectStore('constituents', { keyPath: 'id' });
      const i = r.result.createObjectStore('identities', { keyPath: 'key' });
      for (const index of a.indexes) (index.store === 'constituents' ? c : i).createIndex(index.name, index.keyPath, { multiEntry: index.multiEntry });
    };
    r.onsuccess = () => ok(r.result);
    r.onerror = () => fail(r.error);
  });
  let putMs = 0;
  let constituents = 0;
  let identities = 0;
  for (const batch of a.batches) {
    const t = performance.now();
    await new Promise<void>((ok, fail) => {
      const tx = db.transaction(['constituents', 'identities'], 'readwrite');
      const c = tx.objectStore('constituents');
      const i = tx.objectStore('identities');
      for (const row of batch.constituents) c.put(row);
      for (const row of batch.identities) i.put(row);
      tx.oncomplete = () => ok();
      tx.onerror = () => fail(tx.error);
      tx.onabort = () => fail(tx.error ?? new Error('aborted'));
    });
    putMs += performance.now() - t;
    constituents += batch.constituents.length;
    identities += batch.identities.length;
  }
  db.close();
  return { constituents, identities, putMs, transactions: a.batches.length };
}

export async function deleteDatabase(name: string): Promise<void> {
  await new Promise<void>((ok, fail) => {
    const r = indexedDB.deleteDatabase(name);
    r.onsuccess = () => ok();
    r.onerror = () => fail(r.error);
  });
}

/** Floor for a lookup: one `get` by primary key per transaction on the scratch identities store. Also 100-key batches in one transaction. */
export async function rawGets(a: { scratch: string; keys: string[]; batches: string[][] }): Promise<{ single: number[]; batch: number[]; hits: number }> {
  const db = await new Promise<IDBDatabase>((ok, fail) => {
    const r = indexedDB.open(a.scratch);
    r.onsuccess = () => ok(r.result);
    r.onerror = () => fail(r.error);
  });
  const get = (store: IDBObjectStore, key: string) =>
    new Promise<unknown>((ok, fail) => {
      const r = store.get(key);
      r.onsuccess = () => ok(r.result);
      r.onerror = () => fail(r.error);
    });
  const single: number[] = [];
  let hits = 0;
  for (const key of a.keys) {
    const t = performance.now();
    const row = await get(db.transaction('identities', 'readonly').objectStore('identities'), key);
    single.push(performance.now() - t);
    if (row) hits++;
  }
  const batch: number[] = [];
  for (const keys of a.batches) {
    const t = performance.now();
    const store = db.transaction('identities', 'readonly').objectStore('identities');
    await Promise.all(keys.map((k) => get(store, k)));
    batch.push(performance.now() - t);
  }
  db.close();
  return { single, batch, hits };
}

/** Floor of floors: every identity key of the scratch store in a `Map`, and `Map.get` timed in aggregate. */
export async function mapGets(a: { scratch: string; probe: string[]; iterations: number }): Promise<{ entries: number; buildMs: number; getNs: number; batch100Us: number; hits: number }> {
  const db = await new Promise<IDBDatabase>((ok, fail) => {
    const r = indexedDB.open(a.scratch);
    r.onsuccess = () => ok(r.result);
    r.onerror = () => fail(r.error);
  });
  const t0 = performance.now();
  const map = new Map<string, number>();
  let after: string | null = null;
  for (;;) {
    const keys: string[] = await new Promise<string[]>((ok, fail) => {
      const r = db.transaction('identities', 'readonly').objectStore('identities').getAllKeys(after === null ? null : IDBKeyRange.lowerBound(after, true), 100_000);
      r.onsuccess = () => ok(r.result as string[]);
      r.onerror = () => fail(r.error);
    });
    if (!keys.length) break;
    for (const k of keys) map.set(k, map.size);
    after = keys[keys.length - 1]!;
  }
  const buildMs = performance.now() - t0;
  db.close();
  let hits = 0;
  const n = a.probe.length;
  const t1 = performance.now();
  for (let i = 0; i < a.iterations; i++) if (map.get(a.probe[i % n]!) !== undefined) hits++;
  const getNs = ((performance.now() - t1) * 1e6) / a.iterations;
  const rounds = Math.max(1, Math.floor(a.iterations / 100));
  const t2 = performance.now();
  let sink = 0;
  for (let r = 0; r < rounds; r++) {
    const found: number[] = [];
    for (let i = 0; i < 100; i++) {
      const v = map.get(a.probe[(r * 100 + i) % n]!);
      if (v !== undefined) found.push(v);
    }
    sink += found.length;
  }
  const batch100Us = ((performance.now() - t2) * 1000) / rounds;
  return { entries: map.size + (sink < 0 ? 1 : 0), buildMs, getNs, batch100Us, hits };
}

/** Floor for name search: one `getAll(range, 20)` on Kindred's own `nameKey` index with the folded prefix. */
export async function rawNameRange(a: { prefixes: string[] }): Promise<{ ms: number[]; hits: number[] }> {
  const db = await new Promise<IDBDatabase>((ok, fail) => {
    const r = indexedDB.open('kindred');
    r.onsuccess = () => ok(r.result);
    r.onerror = () => fail(r.error);
  });
  const ms: number[] = [];
  const hits: number[] = [];
  for (const p of a.prefixes) {
    const t = performance.now();
    const rows = await new Promise<unknown[]>((ok, fail) => {
      const r = db.transaction('constituents', 'readonly').objectStore('constituents').index('nameKey').getAll(IDBKeyRange.bound(p, `${p}\uffff`), 20);
      r.onsuccess = () => ok(r.result as unknown[]);
      r.onerror = () => fail(r.error);
    });
    ms.push(performance.now() - t);
    hits.push(rows.length);
  }
  db.close();
  return { ms, hits };
}

/** Kindred's name search through its message (`searchConstituents`), from an extension page. */
export async function searchMessages(a: { queries: string[] }): Promise<{ ms: number[]; hits: number[]; errors: string[] }> {
  const ms: number[] = [];
  const hits: number[] = [];
  const errors: string[] = [];
  for (const text of a.queries) {
    const t = performance.now();
    const reply = (await chrome.runtime.sendMessage({ kindred: 1, type: 'searchConstituents', data: { text, limit: 20 } })) as
      | { ok: true; data: unknown[] }
      | { ok: false; error: { message: string } };
    ms.push(performance.now() - t);
    if (reply?.ok) hits.push(reply.data.length);
    else {
      hits.push(-1);
      if (errors.length < 5) errors.push(reply?.error?.message ?? 'no reply');
    }
  }
  return { ms, hits, errors };
}

/** The peer baseline: a lookup against a CRM over HTTP (the local double answers after 150 ms). */
export async function networkLookups(a: { url: string; keys: string[] }): Promise<{ ms: number[]; errors: number }> {
  const ms: number[] = [];
  let errors = 0;
  for (const key of a.keys) {
    const t = performance.now();
    try {
      const r = await fetch(`${a.url}?key=${encodeURIComponent(key)}`, { cache: 'no-store' });
      await r.json();
    } catch {
      errors++;
    }
    ms.push(performance.now() - t);
  }
  return { ms, errors };
}

// ---------------------------------------------------------------------------------------------
// In the content script's isolated world (x.com tab): the message path a page's badges use.

/**
 * `lookupIdentities` once per entry, timed; or, with `ping`, a message that is not Kindred's (no
 * `kindred: 1` envelope): the worker's listener runs and the router answers "not ours" at once,
 * with no store work and no log line — the floor of the message path.
 */
export async function messageLoop(a: { batches: string[][]; ping: boolean }): Promise<{ ms: number[]; known: number[]; errors: string[] }> {
  const ms: number[] = [];
  const known: number[] = [];
  const errors: string[] = [];
  for (const keys of a.batches) {
    const message = a.ping ? { type: 'benchPing' } : { kindred: 1, type: 'lookupIdentities', data: { keys } };
    const t = performance.now();
    let reply: { ok: boolean; data?: { known: string[] }; error?: { code: string; message: string } } | undefined;
    try {
      reply = await chrome.runtime.sendMessage(message);
    } catch (error) {
      if (errors.length < 5) errors.push(String(error));
    }
    ms.push(performance.now() - t);
    if (a.ping) known.push(reply == null ? 0 : -1);
    else if (reply?.ok && reply.data) known.push(reply.data.known.length);
    else {
      known.push(-1);
      if (errors.length < 5) errors.push(JSON.stringify(reply?.error ?? reply ?? null));
    }
  }
  return { ms, known, errors };
}

/** Sends `openPanel` as a badge click does (the caller evaluates this with a user gesture). Returns the epoch ms of the send. */
export function openPanelFromBadge(a: { key: string }): { sentAt: number } {
  const sentAt = performance.timeOrigin + performance.now();
  void chrome.runtime.sendMessage({ kindred: 1, type: 'openPanel', data: { key: a.key } });
  return { sentAt };
}

/** Kindred's `getTabProfile` (what the popup asks first), from an extension page, timed. */
export async function tabProfileMessages(a: { tabId: number; count: number }): Promise<{ ms: number[]; known: number }> {
  const ms: number[] = [];
  let known = 0;
  for (let i = 0; i < a.count; i++) {
    const t = performance.now();
    const reply = (await chrome.runtime.sendMessage({ kindred: 1, type: 'getTabProfile', data: { tabId: a.tabId } })) as { ok: boolean; data?: { constituentId: string | null } };
    ms.push(performance.now() - t);
    if (reply?.ok && reply.data?.constituentId) known++;
  }
  return { ms, known };
}

/** The known-identity index as saved in Cache Storage (src/store/known-index.ts's format): its header, and whether a change was marked after it. */
export async function knownIndexState(): Promise<{ count: number; bytes: number; buildMs: number; builtFrom: number; changedAt: number | null; current: boolean } | null> {
  const cache = await caches.open('kindred-known-index');
  const [index, changed] = await Promise.all([cache.match('https://kindred.invalid/known-index'), cache.match('https://kindred.invalid/known-index-changed')]);
  if (!index) return null;
  const buffer = await index.arrayBuffer();
  const view = new DataView(buffer);
  const builtFrom = view.getFloat64(16, true);
  const changedAt = changed ? Number(await changed.text()) : null;
  return { count: view.getUint32(8, true), bytes: buffer.byteLength, buildMs: view.getUint32(12, true), builtFrom, changedAt, current: changedAt === null || changedAt < builtFrom };
}

/** Marks a change to identities now, as Kindred does before writing them (the bench's seed writes around Kindred). */
export async function markKnownIndexChanged(): Promise<void> {
  const cache = await caches.open('kindred-known-index');
  await cache.put('https://kindred.invalid/known-index-changed', new Response(String(Date.now())));
}

import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConnectorError, type ChangePage, type Connector } from '../../src/crm/types';
import type { Identity } from '../../src/identity';
import type { Constituent, Gift, IdentityRecord, Interaction } from '../../src/store/model';
import { buildConstituent, identitiesOf } from '../../src/store/queries';
import { memoryLock } from '../../src/sync/lock';
import { resetSync, runSync, syncMetaKey, syncStatus, type SyncDeps, type SyncStatus } from '../../src/sync/pull';
import { freshDb } from '../helpers/db';

// A fake CRM whose change feed is a list of pages; the cursor after page i is `p<i+1>`.
// `failBefore` makes the feed throw once when it is about to yield that page index.
class FakeFeed {
  pages: Omit<ChangePage, 'cursor'>[] = [];
  readonly pulls: (string | null)[] = [];
  readonly yielded: number[] = [];
  failBefore: { index: number; error: Error } | null = null;

  connector(): Connector {
    const unused = () => {
      throw new Error('not used by the sync engine');
    };
    const feed = this;
    return {
      id: 'fake',
      testConnection: unused,
      findByIdentities: unused,
      search: unused,
      get: unused,
      history: unused,
      logInteraction: unused,
      createConstituent: unused,
      linkIdentity: unused,
      async *pull(cursor) {
        feed.pulls.push(cursor);
        const start = cursor === null ? 0 : Number(cursor.slice(1));
        for (let i = start; i < feed.pages.length; i++) {
          if (feed.failBefore?.index === i) {
            const { error } = feed.failBefore;
            feed.failBefore = null;
            throw error;
          }
          feed.yielded.push(i);
          yield { ...feed.pages[i]!, cursor: `p${i + 1}` };
        }
      },
    };
  }
}

const T0 = Date.parse('2026-11-22T10:00:00Z');
const person = (n: number, name = `Person ${n}`): Constituent =>
  buildConstituent('civicrm', String(n), { displayName: name }, '2026-01-01T00:00:00.000Z');
const x = (handle: string): Identity => ({ platform: 'x', handle });

function identityRow(key: string, constituentId: string, provenance: IdentityRecord['provenance'], linkedAt = '2026-01-01T00:00:00.000Z'): IdentityRecord {
  const [platform, handle] = [key.slice(0, key.indexOf(':')), key.slice(key.indexOf(':') + 1)];
  return {
    key, platform: platform as IdentityRecord['platform'], handle, constituentId, provenance,
    linkedBy: provenance === 'crm' ? null : 'Sam', linkedAt, confirmed: true, sourceUrl: null,
  };
}

function setup() {
  const db = freshDb();
  const feed = new FakeFeed();
  const clock = { t: T0 };
  const progress: SyncStatus[] = [];
  const deps: SyncDeps = {
    db, connector: async () => feed.connector(), connectorId: 'civicrm', now: () => clock.t, lock: memoryLock(),
    onProgress: (s) => progress.push(s),
  };
  return { db, feed, clock, progress, deps, sync: () => runSync(deps) };
}

/** `count` constituents in pages of `size`, each with one X profile `p<n>`. */
function pagesOf(count: number, size: number): Omit<ChangePage, 'cursor'>[] {
  const pages: Omit<ChangePage, 'cursor'>[] = [];
  for (let start = 0; start < count; start += size) {
    const ns = Array.from({ length: Math.min(size, count - start) }, (_, i) => start + i);
    pages.push({
      constituents: ns.map((n) => person(n)),
      identities: ns.map((n) => ({ constituentId: `civicrm:${n}`, identity: x(`p${n}`) })),
      deleted: [],
      progress: { done: start + ns.length, total: count },
    });
  }
  return pages;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('runSync', () => {
  it('pulls every page into the cache, with CRM identities, progress and a final idle status', async () => {
    const { db, feed, clock, progress, sync } = setup();
    feed.pages = pagesOf(250, 100);
    expect(await syncStatus(db, 'civicrm')).toMatchObject({ state: 'idle', cursor: null, lastSyncedAt: null });
    const t = T0;
    const report = await sync();
    expect(report).toMatchObject({ skipped: false, pages: 3, constituents: 250, deleted: 0, error: null });
    expect(feed.pulls).toEqual([null]);
    expect(await db.constituents.count()).toBe(250);
    expect(await db.identities.get('x:p7')).toEqual({
      key: 'x:p7', platform: 'x', handle: 'p7', constituentId: 'civicrm:7', provenance: 'crm', linkedBy: null,
      linkedAt: new Date(t).toISOString(), confirmed: true, sourceUrl: 'https://x.com/p7', heldBy: 'civicrm:7',
    });
    expect(await db.identities.count()).toBe(250);
    expect(progress.map((p) => [p.state, p.done, p.total, p.cursor])).toEqual([
      ['running', 0, null, null],
      ['running', 100, 250, 'p1'],
      ['running', 200, 250, 'p2'],
      ['running', 250, 250, 'p3'],
      ['idle', 250, 250, 'p3'],
    ]);
    expect(await syncStatus(db, 'civicrm')).toMatchObject({
      state: 'idle', cursor: 'p3', done: 250, total: 250, startedAt: clock.t, finishedAt: clock.t, lastSyncedAt: clock.t, lastError: null,
    });

    // The next run is incremental: it starts from the stored cursor.
    feed.pages.push({ constituents: [person(7, 'Seven Renamed')], identities: [{ constituentId: 'civicrm:7', identity: x('p7') }], deleted: [], progress: { done: 1, total: 1 } });
    clock.t += 60_000;
    expect(await sync()).toMatchObject({ pages: 1, constituents: 1 });
    expect(feed.pulls).toEqual([null, 'p3']);
    expect((await db.constituents.get('civicrm:7'))?.displayName).toBe('Seven Renamed');
    // Unchanged link: not rewritten, its first date kept.
    expect((await db.identities.get('x:p7'))?.linkedAt).toBe(new Date(T0).toISOString());
    expect(await syncStatus(db, 'civicrm')).toMatchObject({ cursor: 'p4', lastSyncedAt: clock.t });
  });

  it('records a thrown error in words, keeps the last written cursor and resumes from it', async () => {
    const { db, feed, clock, sync } = setup();
    feed.pages = pagesOf(500, 100);
    // Page 3 brings an update of someone first seen on page 0, to catch a page being applied out of order.
    feed.pages[3]!.constituents.push(person(5, 'Five, updated later'));
    feed.failBefore = { index: 3, error: new ConnectorError('network', 'CiviCRM could not be reached.') };
    const report = await sync();
    expect(report).toMatchObject({ pages: 3, error: { code: 'network', message: 'CiviCRM could not be reached.' } });
    expect(await syncStatus(db, 'civicrm')).toMatchObject({
      state: 'error', cursor: 'p3', done: 300, lastError: 'CiviCRM could not be reached.', errorCode: 'network', finishedAt: clock.t,
    });
    expect(await db.constituents.count()).toBe(300);

    clock.t += 1000;
    const again = await sync();
    expect(again).toMatchObject({ pages: 2, error: null });
    expect(feed.pulls).toEqual([null, 'p3']);
    expect(feed.yielded).toEqual([0, 1, 2, 3, 4]); // no page pulled twice, none skipped
    expect(await db.constituents.count()).toBe(500);
    expect((await db.constituents.get('civicrm:5'))?.displayName).toBe('Five, updated later');
    expect(await syncStatus(db, 'civicrm')).toMatchObject({ state: 'idle', cursor: 'p5', lastError: null, errorCode: null });
  });

  it('never half-applies a page: a failed write rolls the whole page back and it is pulled again', async () => {
    const { db, feed, sync } = setup();
    feed.pages = pagesOf(30, 10);
    const broken = { ...person(99), id: undefined } as unknown as Constituent; // no primary key: the write fails
    feed.pages[1]!.constituents.push(broken);
    const report = await sync();
    expect(report.error?.message).toMatch(/unexpected error/);
    expect(await syncStatus(db, 'civicrm')).toMatchObject({ state: 'error', cursor: 'p1', errorCode: null });
    expect(await db.constituents.count()).toBe(10); // page 1's ten good rows are not there either
    expect(await db.identities.get('x:p12')).toBeUndefined();

    feed.pages[1]!.constituents.pop();
    expect(await sync()).toMatchObject({ error: null, pages: 2 });
    expect(feed.pulls).toEqual([null, 'p1']);
    expect(await db.constituents.count()).toBe(30);
  });

  it('records an auth error so the UI can ask to reconnect', async () => {
    const { db, feed, sync } = setup();
    feed.pages = pagesOf(10, 10);
    feed.failBefore = { index: 0, error: new ConnectorError('auth', 'The API key was revoked.') };
    expect(await sync()).toMatchObject({ error: { code: 'auth' } });
    expect(await syncStatus(db, 'civicrm')).toMatchObject({ state: 'error', errorCode: 'auth', lastError: 'The API key was revoked.', cursor: null });
    // A connector that cannot even be created is recorded the same way.
    const failing = await runSync({ db, connectorId: 'civicrm', connector: async () => { throw new ConnectorError('auth', 'Not connected.'); } });
    expect(failing).toMatchObject({ error: { code: 'auth', message: 'Not connected.' } });
  });

  it("replaces a constituent's CRM identities and keeps the links the user made", async () => {
    const { db, feed, sync } = setup();
    // An import lists its links on their constituent; the page's copy of it (which does not) keeps the list.
    await db.constituents.bulkPut([{ ...person(1), importedKeys: ['github:ada'] }, person(2), person(3)]);
    await db.identities.bulkPut([
      identityRow('x:old', 'civicrm:1', 'crm'),
      identityRow('facebook:ada', 'civicrm:1', 'crm'),
      identityRow('x:mine', 'civicrm:1', 'user-linked'),
      identityRow('github:ada', 'civicrm:1', 'imported'),
      identityRow('x:listed-too', 'civicrm:1', 'user-linked'), // the CRM now lists it as well
      identityRow('x:moved', 'civicrm:2', 'user-linked'), // the CRM says it is constituent 1's
      identityRow('x:two', 'civicrm:2', 'crm'), // constituent 2 is not in the page: untouched
      identityRow('x:from3', 'civicrm:3', 'crm'), // moves to 1 in the CRM
    ]);
    feed.pages = [{
      constituents: [person(1)],
      identities: [
        { constituentId: 'civicrm:1', identity: { platform: 'facebook', handle: 'ada' } },
        { constituentId: 'civicrm:1', identity: x('new') },
        { constituentId: 'civicrm:1', identity: x('listed-too') },
        { constituentId: 'civicrm:1', identity: x('moved') },
        { constituentId: 'civicrm:1', identity: x('from3') },
      ],
      deleted: [],
      progress: { done: 1, total: 1 },
    }];
    await sync();
    const rows = Object.fromEntries((await db.identities.toArray()).map((r) => [r.key, [r.constituentId, r.provenance]]));
    expect(rows).toEqual({
      'facebook:ada': ['civicrm:1', 'crm'],
      'x:new': ['civicrm:1', 'crm'],
      'x:mine': ['civicrm:1', 'user-linked'],
      'github:ada': ['civicrm:1', 'imported'],
      'x:listed-too': ['civicrm:1', 'user-linked'],
      'x:moved': ['civicrm:1', 'crm'],
      'x:two': ['civicrm:2', 'crm'],
      'x:from3': ['civicrm:1', 'crm'],
    });
    expect(await db.identities.get('x:listed-too')).toMatchObject({ linkedBy: 'Sam' });
    expect(await db.identities.get('facebook:ada')).toMatchObject({ linkedAt: '2026-01-01T00:00:00.000Z' });
    expect(await db.identities.get('x:new')).toMatchObject({ sourceUrl: 'https://x.com/new', linkedBy: null, confirmed: true });

    // A constituent whose profiles were all removed in the CRM loses its CRM identities only.
    feed.pages.push({ constituents: [person(1)], identities: [], deleted: [], progress: { done: 1, total: 1 } });
    await sync();
    expect((await identitiesOf(db, 'civicrm:1')).map((r) => r.key)).toEqual(['github:ada', 'x:listed-too', 'x:mine']);
  });

  it('moves a key between two constituents of the same page', async () => {
    const { db, feed, sync } = setup();
    await db.identities.put(identityRow('x:shared', 'civicrm:1', 'crm'));
    feed.pages = [{
      constituents: [person(1), person(2)],
      identities: [{ constituentId: 'civicrm:2', identity: x('shared') }],
      deleted: [],
      progress: { done: 2, total: 2 },
    }];
    await sync();
    expect(await db.identities.get('x:shared')).toMatchObject({ constituentId: 'civicrm:2', provenance: 'crm' });
  });

  it("deletes a constituent with its identities and gifts, and keeps what the user logged", async () => {
    const { db, feed, sync } = setup();
    // Constituent 1's list names an imported link of its own, and one that has moved to 2 since.
    await db.constituents.bulkPut([{ ...person(1), importedKeys: ['x:one-imported', 'x:two-imported'] }, { ...person(2), importedKeys: ['x:two-imported'] }]);
    await db.identities.bulkPut([
      identityRow('x:one', 'civicrm:1', 'crm'), identityRow('x:one-mine', 'civicrm:1', 'user-linked'), identityRow('x:one-imported', 'civicrm:1', 'imported'),
      identityRow('x:two', 'civicrm:2', 'crm'), identityRow('x:two-imported', 'civicrm:2', 'imported'),
    ]);
    const gift = (id: string, constituentId: string): Gift => ({ id, constituentId, amount: 10, currency: 'EUR', date: '2026-01-0' + id.length, fund: null, campaign: null });
    await db.gifts.bulkPut([gift('g1', 'civicrm:1'), gift('g11', 'civicrm:1'), gift('g2', 'civicrm:2')]);
    const logged: Interaction = {
      id: 'i1', constituentId: 'civicrm:1', kind: 'call', channel: null, at: '2026-11-01T10:00:00.000Z', summary: null, notes: 'Called about the gala',
      profileUrl: null, author: 'Sam', source: 'civicrm', externalId: '77', status: 'synced', lastError: null, createdAt: '2026-11-01T10:00:00.000Z',
    };
    await db.interactions.put(logged);
    feed.pages = [{ constituents: [], identities: [], deleted: ['civicrm:1', 'civicrm:404'], progress: { done: 1, total: null } }];
    expect(await sync()).toMatchObject({ deleted: 2, error: null });
    expect(await db.constituents.get('civicrm:1')).toBeUndefined();
    expect((await db.identities.toArray()).map((r) => r.key)).toEqual(['x:two', 'x:two-imported']);
    expect((await db.gifts.toArray()).map((g) => g.id)).toEqual(['g2']);
    expect(await db.interactions.get('i1')).toEqual(logged);
    expect(await db.constituents.get('civicrm:2')).toBeDefined();
  });

  it('runs once at a time: a second run while one is going is skipped', async () => {
    const { db, feed, deps } = setup();
    feed.pages = pagesOf(20, 10);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const inner = feed.connector();
    const slow: Connector = {
      ...inner,
      async *pull(cursor) {
        await gate;
        yield* inner.pull(cursor);
      },
    };
    const shared = { ...deps, connector: slow };
    const first = runSync(shared);
    expect(await runSync(shared)).toMatchObject({ skipped: true, pages: 0, status: null });
    release();
    expect(await first).toMatchObject({ skipped: false, pages: 2 });
    expect(feed.yielded).toEqual([0, 1]);
    expect(await db.constituents.count()).toBe(20);
  });

  it('resetSync forgets the cursor, and a run in progress stops rather than bring it back', async () => {
    const { db, feed, sync, deps } = setup();
    feed.pages = pagesOf(30, 10);
    await sync();
    expect((await syncStatus(db, 'civicrm')).cursor).toBe('p3');
    await resetSync(db, 'civicrm');
    expect(await syncStatus(db, 'civicrm')).toMatchObject({ cursor: null, state: 'idle', lastSyncedAt: null });

    // Reset while a run is between two pages.
    const inner = feed.connector();
    const resetting: Connector = {
      ...inner,
      async *pull(cursor) {
        let i = 0;
        for await (const page of inner.pull(cursor)) {
          if (i++ === 1) await resetSync(db, 'civicrm');
          yield page;
        }
      },
    };
    const report = await runSync({ ...deps, connector: resetting });
    expect(report).toMatchObject({ pages: 1, error: { code: 'reset' } });
    expect(await db.meta.get(syncMetaKey('civicrm'))).toBeUndefined();
    expect(feed.pulls).toEqual([null, null]);
  });

  it('writes a large first sync with one transaction per page', async () => {
    const { db, feed, sync } = setup();
    feed.pages = pagesOf(5000, 500);
    const transaction = vi.spyOn(db, 'transaction');
    expect(await sync()).toMatchObject({ pages: 10, constituents: 5000, error: null });
    // One per page, plus the final status; nothing per row.
    expect(transaction.mock.calls.length).toBeLessThanOrEqual(12);
    expect(await db.constituents.count()).toBe(5000);
    expect(await db.identities.count()).toBe(5000);
  });

  it('reads a damaged status record as "never synced" and starts over', async () => {
    const { db, feed, sync } = setup();
    await db.meta.put({ key: syncMetaKey('civicrm'), value: { cursor: 42 } });
    feed.pages = pagesOf(5, 5);
    expect(await syncStatus(db, 'civicrm')).toMatchObject({ cursor: null, state: 'idle' });
    await sync();
    expect(feed.pulls).toEqual([null]);
    expect(await syncStatus(db, 'civicrm')).toMatchObject({ cursor: 'p1', state: 'idle' });
  });
});

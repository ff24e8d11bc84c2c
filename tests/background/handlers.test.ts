import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHandlers, type BackgroundDeps } from '../../src/background/handlers';
import { createTabStateStore } from '../../src/background/tab-state';
import { createCrmService } from '../../src/background/crm-service';
import { PUBLIC_KEY } from '../../src/crm/connection';
import { memoryLock } from '../../src/sync/lock';
import { parseSettings, type Settings } from '../../src/settings';
import { siteFor } from '../../src/sites';
import { KindredDB } from '../../src/store/db';
import { buildConstituent } from '../../src/store/queries';

let db: KindredDB;
let badges: Map<number, { known: boolean; title: string }>;
let session: Map<string, unknown>;
let urls: Map<number, string | null>;
let settings: Settings;
let health: [string, readonly string[]][];
let registered: readonly string[];
const ctx = (tabId: number, url = 'https://x.com/') => ({ sender: { url }, tabId });

function setup(extra: Partial<BackgroundDeps> = {}) {
  const tabs = createTabStateStore({
    get: async (key) => session.get(key),
    set: async (key, value) => void session.set(key, structuredClone(value)),
    remove: async (key) => void session.delete(key),
    keys: async () => [...session.keys()],
  });
  return createHandlers({
    db,
    crm: createCrmService({
      db,
      userName: async () => 'me',
      alarms: { at: () => undefined, every: () => undefined, clear: () => undefined },
      storeChanged: () => undefined,
      lock: memoryLock(),
    }),
    tabs,
    showBadge: async (tabId, known, title) => void badges.set(tabId, { known, title }),
    activeTab: async () => ({ id: 1, url: urls.get(1) ?? null }),
    tabUrl: async (tabId) => urls.get(tabId) ?? null,
    settings: async () => settings,
    platformOf: (url) => siteFor(url)?.platform ?? null,
    recordHealth: async (platform, missing) => void health.push([platform, missing]),
    registerMastodon: async (hosts) => {
      registered = hosts;
      return [...hosts];
    },
    ...extra,
  });
}

beforeEach(async () => {
  db = new KindredDB(`test-${crypto.randomUUID()}`);
  badges = new Map();
  session = new Map();
  urls = new Map();
  settings = parseSettings({});
  health = [];
  registered = [];
  await db.constituents.put(buildConstituent('local', '1', { displayName: 'Ada Okafor' }));
  await db.identities.put({
    key: 'x:adaokafor', platform: 'x', handle: 'adaokafor', constituentId: 'local:1', provenance: 'imported',
    linkedBy: 'demo.csv', linkedAt: '2026-01-01', confirmed: true, sourceUrl: null,
  });
});
afterEach(() => db.delete());

const profile = (handle: string) => ({ identities: [{ platform: 'x' as const, handle }], displayName: null });

describe('background handlers', () => {
  it('badges a known profile and clears the badge for an unknown one', async () => {
    const h = setup();
    expect(await h.reportNavigation({ url: 'https://x.com/adaokafor', profile: profile('adaokafor') }, ctx(3))).toEqual({
      known: true, recognize: true, badges: true,
    });
    expect(badges.get(3)?.known).toBe(true);
    expect(await h.reportNavigation({ url: 'https://x.com/jordan', profile: profile('jordan') }, ctx(3))).toMatchObject({ known: false });
    expect(badges.get(3)?.known).toBe(false);
    expect(await h.reportNavigation({ url: 'https://x.com/home', profile: null }, ctx(3))).toMatchObject({ known: false });
  });

  it('recognises a profile by an upgraded identity (numeric id) reported after the URL one', async () => {
    await db.identities.put({
      key: 'x:id:99', platform: 'x', handle: 'id:99', constituentId: 'local:1', provenance: 'crm',
      linkedBy: null, linkedAt: '2026-01-01', confirmed: true, sourceUrl: null,
    });
    const h = setup();
    const upgraded = { identities: [{ platform: 'x' as const, handle: 'renamed' }, { platform: 'x' as const, handle: 'id:99' }], displayName: 'Ada' };
    expect(await h.reportNavigation({ url: 'https://x.com/renamed', profile: upgraded }, ctx(4))).toMatchObject({ known: true });
  });

  it('gives the popup the reported profile of its tab, re-resolved against the store', async () => {
    const h = setup();
    urls.set(5, 'https://x.com/jordan');
    await h.reportNavigation({ url: 'https://x.com/jordan', profile: profile('jordan') }, ctx(5));
    expect(await h.getTabProfile({ tabId: 5 }, ctx(0))).toMatchObject({ constituentId: null, profile: profile('jordan') });
    // Linking from the popup turns the same tab into a known one, and its badge with it.
    await h.linkIdentity({ constituentId: 'local:1', identity: { platform: 'x', handle: 'jordan' }, sourceUrl: 'https://x.com/jordan' }, ctx(5));
    expect(await h.getTabProfile({ tabId: 5 }, ctx(0))).toMatchObject({ constituentId: 'local:1' });
    expect(badges.get(5)?.known).toBe(true);
  });

  it("sends the card with the tab, saying whether the CRM user may read gifts", async () => {
    const h = setup();
    await db.constituents.put(buildConstituent('civicrm', '7', { displayName: 'Bea Mensah' }));
    await db.identities.put({
      key: 'x:bea', platform: 'x', handle: 'bea', constituentId: 'civicrm:7', provenance: 'crm',
      linkedBy: null, linkedAt: '2026-01-01', confirmed: true, sourceUrl: null,
    });
    await db.meta.put({ key: PUBLIC_KEY, value: { crm: 'civicrm', baseUrl: 'https://crm.example.org', user: 'sam', canReadGifts: false, connectedAt: '2026-01-01' } });
    urls.set(3, 'https://x.com/bea');
    await h.reportNavigation({ url: 'https://x.com/bea', profile: profile('bea') }, ctx(3));
    const reply = await h.getTabProfile({ tabId: 3 }, ctx(0));
    expect(reply.card).toEqual({ constituent: await db.constituents.get('civicrm:7'), canReadGifts: false });
    // Unknown profile: no card.
    urls.set(4, 'https://x.com/nobody');
    expect((await h.getTabProfile({ tabId: 4 }, ctx(0))).card).toBeNull();
  });

  it('falls back to the URL when the content script has not reported (or reported another page)', async () => {
    const h = setup();
    urls.set(1, 'https://twitter.com/AdaOkafor/status/1');
    expect(await h.getTabProfile({ tabId: null }, ctx(0))).toEqual({
      url: 'https://twitter.com/AdaOkafor/status/1',
      profile: profile('adaokafor'),
      constituentId: 'local:1',
      focus: null,
      card: { constituent: await db.constituents.get('local:1'), canReadGifts: true },
    });
    urls.set(2, 'https://example.org/');
    expect(await h.getTabProfile({ tabId: 2 }, ctx(0))).toEqual({ url: 'https://example.org/', profile: null, constituentId: null, focus: null, card: null });
  });

  it('creates a constituent from a profile and links it in one step', async () => {
    const h = setup();
    await h.reportNavigation({ url: 'https://x.com/sam', profile: profile('sam') }, ctx(6));
    const { id } = await h.createConstituent({ draft: { displayName: 'Sam Oyelaran' }, identity: { platform: 'x', handle: 'sam' }, sourceUrl: null }, ctx(6));
    expect((await db.identities.get('x:sam'))?.constituentId).toBe(id);
    expect(badges.get(6)?.known).toBe(true);
  });

  it('answers batched lookups with the known keys only', async () => {
    const h = setup();
    expect(await h.lookupIdentities({ keys: ['x:nobody', 'x:adaokafor'] }, ctx(1))).toEqual({ known: ['x:adaokafor'] });
  });

  describe('while the store is still opening (issue 5: the known-identity index)', () => {
    const opening = () => {
      let open!: () => void;
      const storeReady = new Promise<void>((resolve) => (open = resolve));
      return { storeReady, open };
    };

    it("answers from the index without waiting for the store, and says nothing more when the store agrees", async () => {
      const { storeReady, open } = opening();
      const notified: number[] = [];
      let asked: readonly string[] = [];
      const h = setup({
        storeReady,
        knownBeforeOpen: async (keys) => ((asked = keys), keys.filter((key) => key === 'x:adaokafor')),
        notifyTab: (tabId) => void notified.push(tabId),
      });
      // The store never opened yet: the reply cannot have come from it.
      expect(await h.lookupIdentities({ keys: ['x:nobody', 'x:adaokafor'] }, ctx(7))).toEqual({ known: ['x:adaokafor'] });
      expect(asked).toEqual(['x:nobody', 'x:adaokafor']);
      open();
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(notified).toEqual([]);
    });

    it('tells the tab to ask again when the store disagrees with what the index said (a stale index, a collision)', async () => {
      for (const said of [['x:nobody', 'x:adaokafor'], []]) {
        const { storeReady, open } = opening();
        const notified: number[] = [];
        const h = setup({ storeReady, knownBeforeOpen: async () => said, notifyTab: (tabId) => void notified.push(tabId) });
        expect(await h.lookupIdentities({ keys: ['x:nobody', 'x:adaokafor'] }, ctx(8))).toEqual({ known: said });
        expect(notified).toEqual([]);
        open();
        await expect.poll(() => notified).toEqual([8]);
      }
    });

    it('answers a navigation at once (whether to badge), and records the tab once the store is open, in order', async () => {
      const { storeReady, open } = opening();
      let isOpen = false;
      void storeReady.then(() => (isOpen = true));
      const h = setup({
        storeReady,
        storeOpen: () => isOpen,
        knownBeforeOpen: async (keys) => (isOpen ? null : keys.filter((key) => key === 'x:adaokafor')),
      });
      expect(await h.reportNavigation({ url: 'https://x.com/home', profile: null }, ctx(11))).toEqual({ known: false, recognize: true, badges: true });
      expect(await h.reportNavigation({ url: 'https://x.com/adaokafor', profile: profile('adaokafor') }, ctx(11))).toEqual({ known: true, recognize: true, badges: true });
      expect(await h.reportNavigation({ url: 'https://x.com/jordan', profile: profile('jordan') }, ctx(12))).toMatchObject({ known: false });
      expect(badges.size).toBe(0); // nothing recorded before the store opens
      open();
      await expect.poll(() => badges.get(11)?.known).toBe(true); // the last navigation of tab 11 wins
      await expect.poll(() => badges.get(12)?.known).toBe(false);
      expect(await h.getTabProfile({ tabId: 11 }, ctx(0))).toMatchObject({ constituentId: 'local:1', profile: profile('adaokafor') });
    });

    it('waits for the store when there is no index to answer from', async () => {
      const { storeReady, open } = opening();
      const h = setup({ storeReady, knownBeforeOpen: async () => null });
      let reply: unknown = null;
      const pending = h.lookupIdentities({ keys: ['x:nobody', 'x:adaokafor'] }, ctx(9)).then((r) => (reply = r));
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(reply).toBeNull();
      open();
      await pending;
      expect(reply).toEqual({ known: ['x:adaokafor'] });
    });
  });

  it('honours per-site switches: off, LinkedIn badges off by default, quiet mode', async () => {
    const h = setup();
    const linkedin = { identities: [{ platform: 'linkedin' as const, handle: 'ada' }], displayName: null };
    expect(await h.reportNavigation({ url: 'https://www.linkedin.com/in/ada', profile: linkedin }, ctx(8, 'https://www.linkedin.com/in/ada'))).toEqual({
      known: false, recognize: true, badges: false,
    });
    settings = parseSettings({ quiet: true });
    expect(await h.reportNavigation({ url: 'https://x.com/adaokafor', profile: profile('adaokafor') }, ctx(8))).toEqual({
      known: true, recognize: true, badges: false,
    });
    settings = parseSettings({ sites: { x: { recognize: false, badges: true } } });
    expect(await h.reportNavigation({ url: 'https://x.com/adaokafor', profile: profile('adaokafor') }, ctx(8))).toEqual({
      known: false, recognize: false, badges: false,
    });
    expect(badges.get(8)?.known).toBe(false);
    expect(session.has('tab:8')).toBe(false);
  });

  it('remembers whose badge was clicked so the panel opens on them, until the tab navigates', async () => {
    const h = setup();
    urls.set(9, 'https://x.com/home');
    await h.reportNavigation({ url: 'https://x.com/home', profile: null }, ctx(9));
    await h.openPanel({ key: 'x:adaokafor' }, ctx(9));
    expect(await h.getTabProfile({ tabId: 9 }, ctx(0))).toMatchObject({
      focus: { platform: 'x', handle: 'adaokafor' },
      // The card of the badge-clicked person comes with the reply, for the popup's first paint.
      card: { constituent: { id: 'local:1', displayName: 'Ada Okafor' } },
    });
    await h.reportNavigation({ url: 'https://x.com/home', profile: null }, ctx(9));
    expect(await h.getTabProfile({ tabId: 9 }, ctx(0))).toMatchObject({ focus: null });
  });

  it("records selector health by the sending page's platform and syncs Mastodon servers", async () => {
    const h = setup();
    await h.reportHealth({ url: 'https://x.com/jack/status/1', missing: ['tweet-author'] }, ctx(1, 'https://x.com/jack/status/1'));
    expect(health).toEqual([['x', ['tweet-author']]]);
    settings = parseSettings({ mastodonInstances: ['social.example.org'] });
    expect(await h.syncMastodonInstances({}, ctx(0))).toEqual({ hosts: ['social.example.org'] });
    expect(registered).toEqual(['social.example.org']);
  });
});

// What the background does for each message. Pure of the platform: everything it touches comes in deps.
import { publicConnection } from '../crm/connection';
import { ConnectorError } from '../crm/types';
import { identityKey, parseIdentityKey, type Identity, type Platform } from '../identity';
import type { FirstCard, TabProfile } from '../messages';
import { siteSetting, type Settings } from '../settings';
import { detect } from '../sites';
import type { KindredDB } from '../store/db';
import { constituentIdForIdentities, knownIdentities } from '../store/queries';
import type { CrmService } from './crm-service';
import type { Handlers } from './router';
import type { TabStateStore } from './tab-state';

export interface BackgroundDeps {
  db: KindredDB;
  /** The CRM side: connection, outbox, sync, live lookup, and where writes go. */
  crm: CrmService;
  tabs: TabStateStore;
  /** Sets the toolbar badge of one tab. */
  showBadge: (tabId: number, known: boolean, title: string) => Promise<void>;
  /** The active tab of the focused window (id and, where we may see it, url). */
  activeTab: () => Promise<{ id: number; url: string | null } | null>;
  tabUrl: (tabId: number) => Promise<string | null>;
  settings: () => Promise<Settings>;
  /** The platform a content script's page belongs to (built-in hosts and the user's Mastodon servers). */
  platformOf: (url: string) => Platform | null;
  /** Remembers that a selector found nothing on a page of a site (shown on the options page). */
  recordHealth: (platform: Platform, missing: readonly string[]) => Promise<void>;
  /** (Re-)registers the content script on these extra Mastodon hosts; returns those registered. */
  registerMastodon: (hosts: readonly string[]) => Promise<string[]>;
  /** Tells a tab's content script that the store changed, so its page badges ask again. */
  notifyTab?: (tabId: number) => void;
  /**
   * Set where the page's messages (`lookupIdentities`, `reportNavigation`) are routed without
   * waiting for the store (see index.ts): resolves when the store is open.
   */
  storeReady?: Promise<unknown>;
  /**
   * Which of `keys` the known-identity index holds, when it is loaded before the store is open;
   * null once the store is open (or there is no usable index).
   */
  knownBeforeOpen?: (keys: readonly string[]) => Promise<string[] | null>;
  /** Whether the store is open yet (absent: it always is). */
  storeOpen?: () => boolean;
}

export function createHandlers(deps: BackgroundDeps): Handlers {
  const { db } = deps;

  const resolve = (identities: readonly Identity[]) => constituentIdForIdentities(db, identities);

  /**
   * The page gets the cache's answer at once; the CRM is asked about the rest meanwhile, and the
   * tab is told to ask again if it knew someone (a network round trip must not hold badges).
   */
  function askCrm(misses: string[], tabId: number | null) {
    if (misses.length === 0) return;
    void deps.crm
      .liveLookup(misses)
      .then((found) => {
        if (found.length > 0 && tabId !== null) deps.notifyTab?.(tabId);
      })
      .catch(() => undefined);
  }

  async function tabProfile(tabId: number | null): Promise<TabProfile> {
    const tab = tabId === null ? await deps.activeTab() : { id: tabId, url: await deps.tabUrl(tabId) };
    if (!tab) return { url: null, profile: null, constituentId: null, focus: null };
    const reported = await deps.tabs.get(tab.id);
    if (reported && (tab.url === null || reported.url === tab.url)) {
      // Re-resolve: the user may have linked or imported since the page reported.
      const constituentId = reported.profile ? await resolve(reported.profile.identities) : null;
      return { ...reported, constituentId, focus: reported.focus ?? null };
    }
    // No report (content script not injected yet, or a page we do not run on): the URL alone.
    const identity = tab.url ? detect(tab.url) : null;
    const profile = identity ? { identities: [identity], displayName: null } : null;
    return { url: tab.url, profile, constituentId: profile ? await resolve(profile.identities) : null, focus: null };
  }

  /** The card the panel shows first: the badge-clicked person's, else the page's (this worker's store is open already). */
  async function firstCard(view: TabProfile): Promise<FirstCard | null> {
    const id = view.focus ? await resolve([view.focus]) : view.constituentId;
    if (!id) return null;
    const [constituent, connection] = await Promise.all([db.constituents.get(id), publicConnection(db)]);
    return constituent ? { constituent, canReadGifts: connection?.canReadGifts ?? true } : null;
  }

  async function updateTab(tabId: number, state: TabProfile): Promise<boolean> {
    const constituentId = state.profile ? await resolve(state.profile.identities) : null;
    const next: TabProfile = { ...state, constituentId };
    await deps.tabs.set(tabId, next);
    const known = constituentId !== null;
    const title = !state.profile
      ? 'Kindred'
      : known
        ? 'Kindred: known constituent — click for their card'
        : 'Kindred: not in your constituents yet — click to link or add';
    await deps.showBadge(tabId, known, title);
    return known;
  }

  /** What a page's navigation leaves: the tab's record and toolbar badge, and a CRM look when unknown. */
  async function recordNavigation(tabId: number, state: TabProfile): Promise<boolean> {
    const known = await updateTab(tabId, state);
    if (!known && state.profile) {
      // Not in the cache: the CRM may know them (a Website added since the last sync). The page
      // is answered now; the toolbar badge turns on when the CRM says so.
      void deps.crm
        .liveLookup(state.profile.identities.map(identityKey))
        .then(async (found) => {
          if (found.length > 0 && (await deps.tabs.get(tabId))?.url === state.url) await updateTab(tabId, state);
        })
        .catch(() => undefined);
    }
    return known;
  }

  /** Runs a tab's navigation records one after another, after the store is open. */
  const tabQueues = new Map<number, Promise<unknown>>();
  function afterOpen<T>(tabId: number, work: () => Promise<T>): Promise<T> {
    const previous = tabQueues.get(tabId) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => deps.storeReady).then(work);
    tabQueues.set(tabId, next);
    void next.finally(() => {
      if (tabQueues.get(tabId) === next) tabQueues.delete(tabId);
    }).catch(() => undefined);
    return next;
  }

  return {
    async lookupIdentities({ keys }, { tabId }) {
      const early = await deps.knownBeforeOpen?.(keys);
      if (early) {
        // Answered from the index while the store opens: checked against the store once it is
        // open, and the tab asks again if any answer was wrong (a hash collision, a stale index).
        void (async () => {
          await deps.storeReady;
          const known = await knownIdentities(db, keys);
          const said = new Set(early);
          if (tabId !== null && keys.some((key) => known.has(key) !== said.has(key))) deps.notifyTab?.(tabId);
          askCrm(keys.filter((key) => !known.has(key)), tabId);
        })().catch(() => undefined);
        return { known: early };
      }
      await deps.storeReady;
      const known = await knownIdentities(db, keys);
      askCrm(keys.filter((key) => !known.has(key)), tabId);
      return { known: keys.filter((key) => known.has(key)) };
    },

    async reportNavigation({ url, profile }, { tabId, sender }) {
      if (tabId === null) throw new ConnectorError('invalid', 'No tab');
      const platform = deps.platformOf(sender.url ?? url);
      const settings = await deps.settings();
      const site = platform ? siteSetting(settings, platform) : { recognize: false, badges: false };
      if (!site.recognize) {
        // Switched off for this site: forget the tab and show nothing.
        await deps.tabs.clear(tabId);
        await deps.showBadge(tabId, false, 'Kindred is off on this site');
        return { known: false, recognize: false, badges: false };
      }
      const state = { url, profile, constituentId: null, focus: null };
      const badges = site.badges && !settings.quiet;
      const early = profile ? await deps.knownBeforeOpen?.(profile.identities.map(identityKey)) : null;
      // A page that is no one's profile (a timeline) needs no store for its answer at all.
      if (early || (!profile && deps.storeOpen?.() === false)) {
        // The store is still opening: the page needs only whether to badge, which it gets now; the
        // tab's record and toolbar badge follow once the store is open, in the order reported.
        void afterOpen(tabId, () => recordNavigation(tabId, state));
        return { known: (early?.length ?? 0) > 0, recognize: true, badges };
      }
      return { known: await afterOpen(tabId, () => recordNavigation(tabId, state)), recognize: true, badges };
    },

    async openPanel({ key }, { tabId }) {
      // The panel itself was opened synchronously by the listener (it needs the click's user
      // gesture); here we only tell it whom to show.
      const identity = parseIdentityKey(key);
      if (tabId === null || !identity) throw new ConnectorError('invalid', 'No tab');
      const state = (await deps.tabs.get(tabId)) ?? { url: null, profile: null, constituentId: null, focus: null };
      await deps.tabs.set(tabId, { ...state, focus: identity });
      return { opened: true };
    },

    async reportHealth({ url, missing }, { sender }) {
      const platform = deps.platformOf(sender.url ?? url);
      if (platform) await deps.recordHealth(platform, missing);
      return {};
    },

    async syncMastodonInstances() {
      return { hosts: await deps.registerMastodon((await deps.settings()).mastodonInstances) };
    },

    async getTabProfile({ tabId }) {
      const view = await tabProfile(tabId);
      return { ...view, card: await firstCard(view) };
    },

    async searchConstituents({ text, limit }) {
      return deps.crm.search(text, limit);
    },

    async logInteraction({ constituentId, draft }) {
      if (!(await db.constituents.get(constituentId))) throw new ConnectorError('notFound', 'That constituent is no longer in Kindred.');
      const interaction = await deps.crm.logInteraction(constituentId, draft);
      return { id: interaction.id, status: interaction.status };
    },

    async connectCrm(request) {
      return deps.crm.connect(request);
    },

    async crmFields() {
      return deps.crm.crmFields();
    },

    async setCrmFieldMap({ fieldMap }) {
      await deps.crm.setFieldMap(Object.fromEntries(Object.entries(fieldMap).filter((entry): entry is [string, string] => typeof entry[1] === 'string')));
      return {};
    },

    async disconnectCrm() {
      await deps.crm.disconnect();
      return {};
    },

    async syncNow() {
      const report = await deps.crm.sync();
      if (!report) throw new ConnectorError('invalid', 'No CRM is connected.');
      return { constituents: report.constituents, error: report.error?.message ?? null };
    },

    async retryInteraction({ id }) {
      return { retried: await deps.crm.retry(id) };
    },

    async refreshConstituent({ id }) {
      return { refreshed: await deps.crm.refresh(id) };
    },

    async linkIdentity({ constituentId, identity }) {
      await deps.crm.link(constituentId, identity);
      await refreshTabs();
      return { key: identityKey(identity) };
    },

    async createConstituent({ draft, identity }) {
      const id = await deps.crm.create(draft, identity);
      await refreshTabs();
      return { id };
    },

    async refreshBadges() {
      return { tabs: await refreshTabs() };
    },
  };

  /** After links, creates and imports, every open profile tab's badge is re-resolved. */
  async function refreshTabs(): Promise<number> {
    const tabIds = await deps.tabs.list();
    let refreshed = 0;
    for (const tabId of tabIds) {
      const state = await deps.tabs.get(tabId);
      if (state) {
        await updateTab(tabId, state);
        deps.notifyTab?.(tabId);
        refreshed++;
      }
    }
    return refreshed;
  }
}

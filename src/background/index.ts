// Service worker (Chrome) / event page (Firefox). Listeners are registered synchronously at the
// top level and await one `ready` promise: the worker can be stopped at any moment and woken by
// any event, so nothing durable lives in module state (the caches below are rebuilt by `ready`).
import { browser, ensureKeeper, extensionOrigin, oauthRedirectUri, openSidePanelForTab, registerContentScript, setTabBadge, webAuthFlow, type Runtime } from '../browser';
import { parseSettings, type Settings } from '../settings';
import { siteFor } from '../sites';
import { readCheckpoint } from '../import/checkpoint';
import { db, knownIndexMaintainer } from '../store/db';
import { cacheKnownIndexStore, type KnownIndex } from '../store/known-index';
import { webLock } from '../sync/lock';
import { createCrmService, OUTBOX_ALARM, SYNC_ALARM } from './crm-service';
import { createHandlers } from './handlers';
import { createHealthLog } from './health';
import { createRouter, senderTier } from './router';
import { createTabStateStore } from './tab-state';

// An extension API call resets the worker's idle timer: a long rebuild of the known-identity index
// (seconds at a million profiles) is not cut off as idle.
const keepAlive = () => void browser.runtime.getPlatformInfo();
const database = db({ keepAlive });

const loadSettings = async (): Promise<Settings> => parseSettings((await browser.storage.local.get('settings')).settings);

/** Hosts of the user's own Mastodon servers, mirrored from settings for the synchronous sender check. */
let mastodonHosts = new Set<string>();
const refreshHosts = async () => {
  mastodonHosts = new Set((await loadSettings()).mastodonInstances);
};
browser.storage.onChanged.addListener((changes, area) => {
  if (area === 'local' && changes.settings) void refreshHosts();
});

const hostsReady = refreshHosts();
let storeOpen = false;
const ready = Promise.all([database.open(), hostsReady]).then(() => {
  storeOpen = true;
});

// The known-identity index (store/known-index.ts): when a page asks before the store is open (after
// a browser restart, a million-row store took seconds to open), it is read and answers instead of
// the store. Not read otherwise: with the keeper holding the store open, the store wins anyway.
const indexStore = cacheKnownIndexStore();
let indexLoad: Promise<KnownIndex | null> | null = null;
const loadIndex = () =>
  (indexLoad ??= (async () => {
    try {
      return (await indexStore?.loadCurrent()) ?? null;
    } catch (error) {
      console.warn('[kindred] known-identity index unreadable', error);
      return null;
    }
  })());
const knownBeforeOpen = async (keys: readonly string[]): Promise<string[] | null> => {
  if (storeOpen) return null;
  const first = await Promise.race([ready.then(() => null), loadIndex()]);
  if (!first || storeOpen) return null;
  return keys.filter((key) => first.mayHave(key));
};
void ready
  .then(async () => {
    indexLoad = null; // the store answers from now on: let the index go
    if (!indexStore || (await indexStore.isCurrent())) return;
    // An import writing right now rebuilds it itself when it ends (its batches are seconds apart at
    // a million rows, so a build here would be stale at once); one that stopped a while ago will not.
    const importing = await readCheckpoint(database);
    if (importing && Date.now() - importing.updatedAt < 60_000) return;
    // Not straight away: the first lookups after a start come first.
    knownIndexMaintainer()?.rebuildSoon(10_000);
  })
  .catch((error) => console.warn('[kindred] known-identity index check failed', error));

const platformOf = (url: string) => {
  const site = siteFor(url);
  if (site) return site.platform;
  try {
    return mastodonHosts.has(new URL(url).hostname) ? 'mastodon' : null;
  } catch {
    return null;
  }
};
const isSiteUrl = (url: string) => platformOf(url) !== null;

const tabs = createTabStateStore({
  get: async (key) => (await browser.storage.session.get(key))[key],
  set: (key, value) => browser.storage.session.set({ [key]: value }),
  remove: (key) => browser.storage.session.remove(key),
  keys: async () => Object.keys(await browser.storage.session.get(null)),
});

const health = createHealthLog({
  get: async () => (await browser.storage.local.get('health')).health,
  set: (value) => browser.storage.local.set({ health: value }),
});

const crm = createCrmService({
  db: database,
  userName: async () => (await loadSettings()).userName || 'me',
  liveLookup: async () => (await loadSettings()).liveLookup,
  alarms: {
    at: (name, when) => void browser.alarms.create(name, { when }),
    // Only when missing: re-creating it at every worker start would push it back each time.
    every: (name, minutes) =>
      void browser.alarms.get(name).then((alarm) => {
        if (!alarm) void browser.alarms.create(name, { periodInMinutes: minutes, delayInMinutes: minutes });
      }),
    clear: (name) => void browser.alarms.clear(name),
  },
  // Pages and tabs re-check what they show (liveQuery covers the extension pages by itself).
  storeChanged: () => void handlers.refreshBadges({}, { sender: {}, tabId: null }),
  // A long first sync is not cut off as idle either.
  keepAlive,
  holdKnownIndex: () => knownIndexMaintainer()?.pause() ?? (() => undefined),
  lock: webLock,
  webAuthFlow,
  redirectUri: oauthRedirectUri,
});

const handlers = createHandlers({
  db: database,
  crm,
  tabs,
  showBadge: setTabBadge,
  activeTab: async () => {
    const [tab] = await browser.tabs.query({ active: true, lastFocusedWindow: true });
    return tab?.id === undefined ? null : { id: tab.id, url: tab.url ?? null };
  },
  tabUrl: async (tabId) => (await browser.tabs.get(tabId).catch(() => null))?.url ?? null,
  settings: loadSettings,
  platformOf,
  recordHealth: (platform, missing) => health.record(platform, missing),
  notifyTab: (tabId) => void browser.tabs.sendMessage(tabId, { kindred: 1, type: 'storeChanged' }).catch(() => undefined),
  registerMastodon: (hosts) => registerContentScript('kindred-mastodon', hosts.map((host) => `https://${host}/*`)),
  storeReady: ready,
  knownBeforeOpen,
  storeOpen: () => storeOpen,
});

const routerDeps = {
  runtimeId: browser.runtime.id,
  extensionOrigin: extensionOrigin(),
  isSiteUrl,
  ready,
  // The page's two messages wait for the store themselves, or answer from the known-identity index.
  readyFor: (type: string) => (type === 'lookupIdentities' || type === 'reportNavigation' ? hostsReady : ready),
};
const route = createRouter(handlers, routerDeps);

browser.runtime.onMessage.addListener((message: unknown, sender: Runtime.MessageSender) => {
  // Opening the side panel needs the user's click, which only lasts for this synchronous call:
  // no await may come before it. The router then records whom the panel should show.
  // A cheap look at the type only: the router parses and checks everything right after.
  if ((message as { type?: unknown } | null)?.type === 'openPanel' && sender.tab?.id !== undefined && senderTier(sender, routerDeps) === 'content') {
    openSidePanelForTab(sender.tab.id);
  }
  return route(message, sender);
});

// The outbox and the sync run on alarms (back-off, every 15 minutes) and when the worker starts,
// so what was queued before the worker or the browser stopped still goes out.
browser.alarms.onAlarm.addListener((alarm) => {
  if (alarm.name !== OUTBOX_ALARM && alarm.name !== SYNC_ALARM) return;
  void ready.then(() => crm.wake(alarm.name)).catch((error) => console.warn('[kindred] alarm failed', error));
});
void ensureKeeper().catch((error) => console.warn('[kindred] could not start the keeper', error));
// A startup listener makes the browser start this worker when the browser starts, so the keeper
// opens the store then rather than when the first profile is looked up: after a restart, opening a
// million-row store took 0.6–5.5 s here (issue 5), which the first badge would otherwise wait for.
browser.runtime.onStartup.addListener(() => undefined);
void ready.then(() => crm.wake('startup')).catch((error) => console.warn('[kindred] start-up flush failed', error));

// A full navigation to a page we do not run on must not keep the previous profile's badge.
// (`tab.url` is visible for the hosts we have permission for, which is all we need.)
browser.tabs.onUpdated.addListener((tabId, change, tab) => {
  if (change.status !== 'loading') return;
  if (tab.url && isSiteUrl(tab.url)) return; // its content script reports
  void tabs.clear(tabId).then(() => setTabBadge(tabId, false, 'Kindred'));
});
browser.tabs.onRemoved.addListener((tabId) => void tabs.clear(tabId));

// First run: open the settings page so the user can import or load demo data. Chromium reports
// `install` on every launch of an unpacked extension loaded with --load-extension, so a flag in
// storage makes it once per profile.
browser.runtime.onInstalled.addListener(async ({ reason }) => {
  if (reason !== 'install') return;
  const { welcomed } = await browser.storage.local.get('welcomed');
  if (welcomed) return;
  await browser.storage.local.set({ welcomed: true });
  await browser.runtime.openOptionsPage();
});

// Service worker (Chrome) / event page (Firefox). Listeners are registered synchronously at the
// top level and await one `ready` promise: the worker can be stopped at any moment and woken by
// any event, so nothing durable lives in module state.
import { browser, extensionOrigin, setTabBadge, type Runtime } from '../browser';
import { createConnector } from '../crm';
import { siteFor } from '../sites';
import { db } from '../store/db';
import { createHandlers } from './handlers';
import { createRouter } from './router';
import { parseSettings } from '../settings';
import { createTabStateStore } from './tab-state';

const database = db();
const ready = database.open();

const userName = async () => {
  const { settings } = await browser.storage.local.get('settings');
  return parseSettings(settings).userName || 'me';
};

const tabs = createTabStateStore({
  get: async (key) => (await browser.storage.session.get(key))[key],
  set: (key, value) => browser.storage.session.set({ [key]: value }),
  remove: (key) => browser.storage.session.remove(key),
  keys: async () => Object.keys(await browser.storage.session.get(null)),
});

const handlers = createHandlers({
  db: database,
  connector: async () => createConnector('local', {}, { db: database, userName }),
  tabs,
  showBadge: setTabBadge,
  activeTab: async () => {
    const [tab] = await browser.tabs.query({ active: true, lastFocusedWindow: true });
    return tab?.id === undefined ? null : { id: tab.id, url: tab.url ?? null };
  },
  tabUrl: async (tabId) => (await browser.tabs.get(tabId).catch(() => null))?.url ?? null,
});

const route = createRouter(handlers, {
  runtimeId: browser.runtime.id,
  extensionOrigin: extensionOrigin(),
  isSiteUrl: (url) => siteFor(url) !== null,
  ready,
});

browser.runtime.onMessage.addListener((message: unknown, sender: Runtime.MessageSender) => route(message, sender));

// A full navigation to a page we do not run on must not keep the previous profile's badge.
// (Without the `tabs` permission `tab.url` is only visible for our own hosts, which is all we need.)
browser.tabs.onUpdated.addListener((tabId, change, tab) => {
  if (change.status !== 'loading') return;
  if (tab.url && siteFor(tab.url)) return; // its content script reports
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

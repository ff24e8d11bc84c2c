// The one wrapper over the extension platform. Nothing else imports webextension-polyfill or
// touches `chrome.*`; Chrome-only APIs sit behind feature checks here.
import browser from 'webextension-polyfill';
import type { Envelope, MessageType, Reply, RequestOf, ResponseOf } from './messages';

export { browser };
export type { Runtime } from 'webextension-polyfill';

/** Send a typed message to the background. Never throws: transport failures become `{ok:false}`. */
export async function send<K extends MessageType>(type: K, data: RequestOf<K>): Promise<Reply<ResponseOf<K>>> {
  const envelope: Envelope<K> = { kindred: 1, type, data };
  try {
    const reply = (await browser.runtime.sendMessage(envelope)) as Reply<ResponseOf<K>> | undefined;
    return reply ?? { ok: false, error: { code: 'internal', message: 'No reply from the background' } };
  } catch (error) {
    return { ok: false, error: { code: 'internal', message: error instanceof Error ? error.message : String(error) } };
  }
}

/** Like `send`, but throws the error message; for UI code that shows it in words. */
export async function ask<K extends MessageType>(type: K, data: RequestOf<K>): Promise<ResponseOf<K>> {
  const reply = await send(type, data);
  if (!reply.ok) throw new Error(reply.error.message);
  return reply.data;
}

export const extensionOrigin = (): string => new URL(browser.runtime.getURL('/')).origin;

export async function setTabBadge(tabId: number, known: boolean, title: string): Promise<void> {
  // Per-tab badge state; text must be non-empty exactly when the profile is a constituent.
  await Promise.all([
    browser.action.setBadgeText({ tabId, text: known ? '✓' : '' }),
    browser.action.setTitle({ tabId, title }),
    known ? browser.action.setBadgeBackgroundColor({ tabId, color: '#1f7a4d' }) : Promise.resolve(),
  ]);
}

interface FirefoxSidebar {
  sidebarAction?: { open(): Promise<void>; isOpen(details: { windowId?: number }): Promise<boolean> };
}

/** Whether this browser can show Kindred beside the page (Chrome side panel, Firefox sidebar). */
export const hasSidePanel = (): boolean =>
  (typeof chrome !== 'undefined' && !!chrome.sidePanel) || !!(browser as unknown as FirefoxSidebar).sidebarAction;

/**
 * Shows the person behind a badge the user clicked, from the background, in response to the
 * content script's message. Called synchronously inside the message listener: Chrome's user
 * gesture ends at the first await.
 * - Chrome: the side panel (`sidePanel.open`, allowed by the click relayed through the message).
 * - Firefox: `sidebarAction.open()` is refused here, because Firefox checks for user input in the
 *   calling context (the event page), and a click in a content script does not carry over a message.
 *   If the sidebar is already open it follows the tab's focus by itself. Otherwise the toolbar
 *   popup shows the same card: `action.openPopup()` needs no gesture in newer Firefox
 *   (`extensions.openPopupWithoutUserGesture.enabled`: on in ESR 153, off in ESR 140). Where it is
 *   refused, or the window is not focused, a small window with the popup page for the tab does the same.
 */
export function openSidePanelForTab(tabId: number): void {
  const warn = (error: unknown) => console.warn('[kindred] could not open the side panel', error);
  const sidebar = (browser as unknown as FirefoxSidebar).sidebarAction;
  if (sidebar) {
    const popupWindow = () =>
      browser.windows.create({ type: 'popup', url: browser.runtime.getURL(`popup.html?tab=${tabId}`), width: 420, height: 640 });
    sidebar
      .isOpen({})
      .then((open) => (open ? undefined : browser.action.openPopup().catch(popupWindow)))
      .catch(warn);
    return;
  }
  if (typeof chrome !== 'undefined' && chrome.sidePanel) chrome.sidePanel.open({ tabId }).catch(warn);
}

/**
 * Registers (or replaces, or removes when `matches` is empty) a dynamic content script running
 * Kindred's content.js, limited to the origins the user has granted. Returns the granted hosts.
 */
export async function registerContentScript(id: string, matches: readonly string[]): Promise<string[]> {
  const existing = await browser.scripting.getRegisteredContentScripts({ ids: [id] });
  if (existing.length > 0) await browser.scripting.unregisterContentScripts({ ids: [id] });
  const granted: string[] = [];
  for (const match of matches) if (await browser.permissions.contains({ origins: [match] })) granted.push(match);
  if (granted.length > 0) {
    await browser.scripting.registerContentScripts([
      { id, matches: granted, js: ['content.js'], runAt: 'document_idle', persistAcrossSessions: true },
    ]);
  }
  return granted.map((match) => new URL(match.replace('/*', '/')).hostname);
}

/** Asks the user for access to one host (must run inside a click on an extension page). */
export function requestHostPermission(host: string): Promise<boolean> {
  return browser.permissions.request({ origins: [`https://${host}/*`] });
}

/** Opens the side panel (Chrome) or sidebar (Firefox). Must run inside a user gesture. */
export async function openSidePanel(): Promise<void> {
  const sidebar = (browser as unknown as FirefoxSidebar).sidebarAction;
  if (sidebar) return sidebar.open();
  const win = await chrome.windows.getCurrent();
  if (win.id !== undefined) await chrome.sidePanel.open({ windowId: win.id });
}

/**
 * Calls back when what the active tab shows may have changed: another tab activated, or any
 * tab's reported profile changed (SPA navigation, page upgrade). Returns an unsubscribe.
 */
export function onActiveTabChange(callback: () => void): () => void {
  const onActivated = () => callback();
  const onChanged = (changes: Record<string, unknown>, area: string) => {
    if (area === 'session' && Object.keys(changes).some((key) => key.startsWith('tab:'))) callback();
  };
  browser.tabs.onActivated.addListener(onActivated);
  browser.storage.onChanged.addListener(onChanged);
  return () => {
    browser.tabs.onActivated.removeListener(onActivated);
    browser.storage.onChanged.removeListener(onChanged);
  };
}

/**
 * Chrome: makes sure the keeper (src/keeper) is running, an offscreen document that holds the
 * database open so the first lookup after the service worker wakes up does not pay for reopening
 * it. Firefox has no offscreen documents (and no need: its background is an event page).
 */
export async function ensureKeeper(): Promise<void> {
  if (typeof chrome === 'undefined' || !chrome.offscreen || !chrome.runtime.getContexts) return;
  const url = chrome.runtime.getURL('keeper.html');
  const open = await chrome.runtime.getContexts({ contextTypes: ['OFFSCREEN_DOCUMENT' as chrome.runtime.ContextType], documentUrls: [url] });
  if (open.length > 0) return;
  await chrome.offscreen
    .createDocument({
      url: 'keeper.html',
      reasons: ['LOCAL_STORAGE' as chrome.offscreen.Reason],
      justification: "Keeps Kindred's local constituent database open so profile lookups stay instant after the background sleeps.",
    })
    // Two wake-ups racing both try; the second is refused with "Only a single offscreen document".
    .catch((error: unknown) => {
      if (!/single offscreen/i.test(String(error))) throw error;
    });
}

/**
 * The OAuth consent window (`identity.launchWebAuthFlow`): resolves with the address the CRM sent
 * the browser back to. Chrome and Firefox both have it; the redirect URL differs (chromiumapp.org
 * vs a Firefox-owned host), which is why the CRM app must list the one `oauthRedirectUri` gives.
 */
export function webAuthFlow(request: { url: string; interactive: boolean }): Promise<string> {
  return browser.identity.launchWebAuthFlow(request).then((url) => {
    if (!url) throw new Error('the sign-in window closed without an answer');
    return url;
  });
}

/** Where a CRM's consent page must send the browser back to, per CRM (`path`). */
export function oauthRedirectUri(path: string): string {
  return browser.identity.getRedirectURL(path);
}

// Build-time stand-in for webextension-polyfill in the content script only (see scripts/build.ts).
// Every browser Kindred supports exposes a promise-based `browser` (Firefox, Chrome 148+) or
// promise-returning `chrome.runtime.sendMessage` (MV3 Chrome), and the content script uses only
// runtime messaging, so the 10 KB polyfill would be dead weight against its 25 KB budget.
declare const globalThis: { browser?: unknown; chrome?: unknown };
export default (globalThis.browser ?? globalThis.chrome) as typeof import('webextension-polyfill');

// Bench-only: the naive in-page badge a straightforward implementation would write, as the
// baseline Kindred's content script is measured against (scripts/bench/content.ts). On every
// mutation it re-scans the whole document (`a[href]` + `new URL` + the site's `detect` for every
// link), sends one `lookupIdentities` message per new profile link and awaits each answer, and
// puts a plain visible <span> after the links of known people. Never shipped.
import { identityKey } from '../../src/identity';
import { siteFor } from '../../src/sites';

declare const chrome: { runtime: { sendMessage(message: unknown): Promise<unknown> } };

const site = siteFor(location.href);
const asked = new WeakSet<Element>();
let pending = 0;
let scans = 0;
let badges = 0;

/** Progress for the benchmark driver (read from the page's DOM; the naive badge is not private anyway). */
function report() {
  const root = document.documentElement;
  root.setAttribute('data-naive-scans', String(scans));
  root.setAttribute('data-naive-pending', String(pending));
  root.setAttribute('data-naive-badges', String(badges));
}

async function scan(): Promise<void> {
  if (!site) return;
  scans += 1;
  const base = new URL(location.href);
  for (const link of document.querySelectorAll('a[href]')) {
    let url: URL;
    try {
      url = new URL(link.getAttribute('href')!, base);
    } catch {
      continue;
    }
    const who = site.hosts.includes(url.hostname) ? site.detect(url) : null;
    if (!who || asked.has(link)) continue;
    asked.add(link);
    const key = identityKey(who);
    pending += 1;
    report();
    let known = false;
    try {
      const reply = (await chrome.runtime.sendMessage({ kindred: 1, type: 'lookupIdentities', data: { keys: [key] } })) as
        | { ok: true; data: { known: string[] } }
        | { ok: false }
        | undefined;
      known = !!reply && reply.ok && reply.data.known.includes(key);
    } catch {
      known = false;
    }
    pending -= 1;
    if (known && link.isConnected) {
      const badge = document.createElement('span');
      badge.className = 'naive-badge';
      badge.textContent = '✓';
      badge.title = 'Known constituent';
      badge.style.cssText = 'display:inline-block;margin-left:4px;padding:0 4px;border-radius:8px;background:#1f6f6b;color:#fff;font-size:11px';
      link.after(badge);
      badges += 1;
    }
    report();
  }
  report();
}

if (site) {
  new MutationObserver(() => void scan()).observe(document.documentElement, {
    childList: true,
    subtree: true,
    attributes: true,
    attributeFilter: ['href'],
  });
  void scan();
}

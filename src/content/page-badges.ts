// Puts a badge host after every author link on the page and shows the badge on known people.
import { identityKey } from '../identity';
import type { SiteAdapter } from '../sites/types';
import { badgeSlot, createBadge, HOST_TAG, type Badge } from './badge';
import type { Lookup } from './lookup';
import { observeSubtrees } from './scanner';

export interface PageBadges {
  /** Starts badging for the page at `url`; stops when `signal` aborts (navigation). */
  start(url: URL, signal: AbortSignal): void;
  /** The lookup answered for `key`: update every badge waiting on it. */
  answer(key: string, known: boolean): void;
  /** Ask again for every badge on the page (the store changed). */
  recheck(): void;
}

export function createPageBadges(
  site: SiteAdapter,
  lookup: Lookup,
  onOpen: (key: string) => void,
  makeBadge: typeof createBadge = createBadge,
): PageBadges {
  // Keyed by the page's link element; survives SPA navigation, so re-rendered timelines that keep
  // their nodes do not get a second host.
  const badges = new WeakMap<Element, Badge>();
  const byHost = new WeakMap<Element, Badge>();
  const waiting = new Map<string, Set<Badge>>();

  /** Shows the cached answer, or queues the question; `keep` leaves the badge as is meanwhile. */
  function wait(badge: Badge, keep = false) {
    const known = lookup.get(badge.key);
    if (known !== undefined) return badge.show(known);
    if (!keep) badge.show(false);
    let set = waiting.get(badge.key);
    if (!set) waiting.set(badge.key, (set = new Set()));
    set.add(badge);
  }

  function scan(root: ParentNode, url: URL) {
    for (const { element, identity } of site.authorLinks(root, url)) {
      const key = identityKey(identity);
      const existing = badges.get(element);
      if (existing && existing.key === key && existing.host.isConnected) continue;
      if (existing && existing.host.isConnected) {
        existing.key = key; // the row now shows someone else
        wait(existing);
        continue;
      }
      const badge = makeBadge(key, onOpen);
      badges.set(element, badge);
      byHost.set(badge.host, badge);
      badgeSlot(element).append(badge.host);
      wait(badge);
    }
  }

  return {
    start(url, signal) {
      observeSubtrees((root) => scan(root, url), signal);
    },
    answer(key, known) {
      const set = waiting.get(key);
      if (!set) return;
      waiting.delete(key);
      for (const badge of set) if (badge.key === key && badge.host.isConnected) badge.show(known);
    },
    recheck() {
      lookup.clear();
      for (const host of document.querySelectorAll(HOST_TAG)) {
        const badge = byHost.get(host);
        if (badge) wait(badge, true); // no flicker: keep what it shows until the answer
      }
    },
  };
}

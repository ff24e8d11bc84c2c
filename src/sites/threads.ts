import type { Identity } from '../identity';
import { authors, fromHead, once, q, site } from './dom';
import { igUsername } from './instagram';
import { atName, enc, identity, segments } from './url';

// No saved Threads page exists (shared/fixtures/pages/SOURCES.md "Platforms with nothing usable"):
// every selector here is a GUESS from Threads' web markup (Meta's Instagram conventions), checked
// only against tests/fixtures/sites/threads/feed.html.
// A `const enum`: esbuild writes each selector where it is used, so the names cost no bytes.
const enum SEL {
  // Each post (and each reply, and a quoted post nested inside one) is a pressable container.
  post = '[data-pressable-container]',
  // Profile links inside it: avatar, author name, mentions and the "reposted" line.
  link = '[data-pressable-container] a[href*="/@"]',
  // Running text (post body, "X reposted"): Meta's `span[dir=auto]`; author links contain one.
  text = 'span[dir="auto"]',
  avatar = 'img,picture',
}

const POST: string = SEL.post;

// §2 Threads: only `/@<u>` (and its `/post/<code>` sub-pages) names a person; `/t/<code>` does not.
const detect = (url: URL): Identity | null => identity('threads', igUsername(atName(segments(url)?.[0])));

export const threadsSite = site(
  'threads',
  ['threads.net', 'www.threads.net', 'threads.com', 'www.threads.com'],
  detect,
  /** Title/og:title `Name (@user) • Threads` or og:url/canonical, each only when it names the URL's own user. */
  (doc, url, want) => fromHead(doc, url, threadsSite, want),
  /**
   * The first `/@<user>` link of each post that is neither its avatar nor inside running text (so
   * mentions and the "reposted" line are skipped), and points at the profile itself rather than a
   * `/@<user>/post/<code>` timestamp link.
   */
  (root, url) =>
    authors(
      root,
      url,
      SEL.link,
      threadsSite,
      (a, _, seen) => !q(a, SEL.avatar) && !a.parentElement?.closest(SEL.text) && once(seen, a.closest(POST)),
      1,
    ),
  (handle) => `https://www.threads.com/@${enc(handle)}`,
  // A rendered post page shows the post and its replies as pressable containers.
  'post-container',
  POST,
  (url) => segments(url)?.[1] === 'post' && detect(url) !== null,
);

import type { Identity } from '../identity';
import type { AuthorLink, PageProfile, Probe, SiteAdapter } from './types';
import { atName, enc, identity, segments } from './url';
import { igUsername } from './instagram';
import { fromHead, linked, within } from './x';

// No saved Threads page exists (shared/fixtures/pages/SOURCES.md "Platforms with nothing usable"):
// every selector here is a GUESS from Threads' web markup (Meta's Instagram conventions), checked
// only against tests/fixtures/sites/threads/feed.html.
const SEL = {
  // Each post (and each reply, and a quoted post nested inside one) is a pressable container.
  post: '[data-pressable-container]',
  // Profile links inside it: avatar, author name, mentions and the "reposted" line.
  link: '[data-pressable-container] a[href*="/@"]',
  // Running text (post body, "X reposted"): Meta's `span[dir=auto]`; author links contain one.
  text: 'span[dir="auto"]',
  avatar: 'img,picture',
};

// §2 Threads: only `/@<u>` (and its `/post/<code>` sub-pages) names a person; `/t/<code>` does not.
const detect = (url: URL): Identity | null => identity('threads', igUsername(atName(segments(url)?.[0])));

/**
 * The first `/@<user>` link of each post that is neither its avatar nor inside running text (so
 * mentions and the "reposted" line are skipped), and points at the profile itself rather than a
 * `/@<user>/post/<code>` timestamp link.
 */
function authorLinks(root: ParentNode, url: URL): AuthorLink[] {
  const out: AuthorLink[] = [];
  const done = new Set<Element>();
  for (const a of within(root, SEL.link)) {
    const post = a.closest(SEL.post);
    const skip = !post || done.has(post) || a.querySelector(SEL.avatar) || a.parentElement?.closest(SEL.text);
    const who = !skip && linked(a.getAttribute('href'), url, threadsSite, 1);
    if (who && post) {
      done.add(post);
      out.push({ element: a, identity: who });
    }
  }
  return out;
}

/** Title/og:title `Name (@user) • Threads` or og:url/canonical, each only when it names the URL's own user. */
function fromDocument(doc: Document, url: URL): PageProfile | null {
  const want = detect(url);
  return want && fromHead(doc, url, threadsSite, want);
}

const probes: Probe[] = [
  {
    // A rendered post page shows the post and its replies as pressable containers.
    name: 'post-container',
    selector: SEL.post,
    expectedOn: (url) => segments(url)?.[1] === 'post' && detect(url) !== null,
  },
];

export const threadsSite: SiteAdapter = {
  platform: 'threads',
  hosts: ['threads.net', 'www.threads.net', 'threads.com', 'www.threads.com'],
  detect,
  fromDocument,
  authorLinks,
  probes,
  profileUrl: (handle) => `https://www.threads.com/@${enc(handle)}`,
};

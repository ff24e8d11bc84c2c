import type { Identity } from '../identity';
import type { AuthorLink, PageProfile, SiteAdapter } from './types';
import { enc, identity, segments } from './url';

// Every selector this adapter relies on, each checked against the saved page named beside it
// (shared/fixtures/pages/bluesky, SOURCES.md) and tests/fixtures/sites/bluesky/thread.html.
const SEL = {
  // A post in a feed or thread; the testid ends in the author's handle
  // (thread-*.html `postThreadItem-by-<h>`, profile-stephenking.html `feedItem-by-<h>`).
  post: '[data-testid*="Item-by-"]',
  // Profile links inside a post: avatar, name, `@handle`, "Reposted by", "Replied to", mentions.
  postLink: '[data-testid*="Item-by-"] a[href^="/profile/"]',
  // Follower/search list rows: the whole card is one link (social-app ProfileCard.tsx `profileCard-<h>-link`;
  // GUESS: no saved list page).
  card: 'a[data-testid^="profileCard-"][href^="/profile/"]',
  // Post text (RichText `dataSet={{wordWrap: 1}}`): its profile links are mentions (thread-forbes-replies.html).
  richText: '[data-word-wrap]',
  // The avatar link wraps the image (all three pages).
  avatar: '[data-testid="userAvatarImage"]',
} as const;

// atproto syntax (§2 Bluesky): handle = ≥2 DNS labels of 1–63 chars, TLD starts with a letter.
const HANDLE = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const DID = /^did:[a-z]+:[a-zA-Z0-9._:%-]*[a-zA-Z0-9._-]$/;

/** §1 bluesky: a DID keeps its case; a handle is lowercased (`normalizeHandle`). */
export function actor(raw: string | null | undefined): string | null {
  if (!raw) return null;
  if (raw.startsWith('did:')) return DID.test(raw) ? raw : null;
  const h = raw.toLowerCase();
  return h.length <= 253 && HANDLE.test(h) ? h : null;
}

const bsky = (handle: string | null | undefined): Identity | null => identity('bluesky', handle);

// §2: /profile/<actor> and every sub-page (post, followers, lists…) belong to <actor>.
function detect(url: URL): Identity | null {
  const s = segments(url);
  return s?.[0]?.toLowerCase() === 'profile' ? bsky(actor(s[1])) : null;
}

/** The `@handle` link after the name link in the same header row (a verified badge may sit between). */
function twin(a: Element, href: string): boolean {
  for (let prev = a.previousElementSibling; prev; prev = prev.previousElementSibling) {
    if (prev.tagName === 'A' && prev.getAttribute('href') === href) return true;
  }
  return false;
}

const ANCHORS = `${SEL.postLink},${SEL.card}`;

/**
 * Post headers: the name link of every post (thread item, feed item, quoted post) and list cards.
 * A reply/feed header has avatar, name and `@handle` links to the same profile; only the name counts.
 * Name links are react-native-web Text links (`dir="auto"`); the thread's focused post instead has
 * one Link (no `dir`) for name + handle, accepted only when it names the post's own author, which
 * also rules out the "Reposted by"/"Replied to" context links (profile-stephenking.html).
 * Only `/profile/<actor>` itself: post, followers and feed links are not name links. Every selected
 * href starts with `/profile/`, so resolving it cannot throw.
 */
function authorLinks(root: ParentNode, url: URL): AuthorLink[] {
  const out: AuthorLink[] = [];
  for (const a of [...((root as Element).matches?.(ANCHORS) ? [root as Element] : []), ...root.querySelectorAll(ANCHORS)]) {
    const href = a.getAttribute('href') ?? '';
    const u = new URL(href, url);
    const id = u.hostname === 'bsky.app' && /^\/profile\/[^/]+\/?$/.test(u.pathname) ? detect(u) : null;
    if (!id) continue;
    if (!a.matches(SEL.card)) {
      if (a.closest(SEL.richText) || a.querySelector(SEL.avatar) || twin(a, href)) continue;
      if (!a.hasAttribute('dir')) {
        const testid = a.closest(SEL.post)?.getAttribute('data-testid') ?? '';
        if (actor(testid.slice(testid.indexOf('-by-') + 4)) !== id.handle) continue;
      }
    }
    out.push({ element: a, identity: id });
  }
  return out;
}

const content = (doc: Document, selector: string): string =>
  doc.querySelector(selector)?.getAttribute('content')?.trim() ?? '';

/**
 * §3 Bluesky: bskyweb's server <head> names the page's actor (profile:username; the DID in
 * `twitter:value1` on profiles and in the `at://` alternate link on profiles and posts). The noscript
 * `#bsky_did` is not read: with scripting on, browsers parse <noscript> content as text, so a content
 * script never sees that element. The head is not rewritten on SPA navigation, so it only counts when
 * its handle (or DID) is the URL's; otherwise the page is not (yet) showing that profile.
 */
function fromDocument(doc: Document, url: URL): PageProfile | null {
  const want = detect(url)?.handle;
  const handle = actor(content(doc, 'meta[property="profile:username"]'));
  const did = [
    content(doc, 'meta[name="twitter:value1"]'),
    doc.querySelector('link[rel="alternate"][href^="at://did:"]')?.getAttribute('href')?.slice(5).split('/')[0],
  ].find((d) => d?.startsWith('did:') && actor(d));
  if (!want || !handle || (want !== handle && want !== did)) return null;
  // og:title is `Name (@handle)` on profiles and posts alike.
  const title = content(doc, 'meta[property="og:title"]');
  return {
    identities: [handle, did].flatMap((h) => (h ? [{ platform: 'bluesky' as const, handle: h }] : [])),
    displayName: (title.endsWith(`(@${handle})`) && title.slice(0, -handle.length - 3).trim()) || null,
  };
}

export const blueskySite: SiteAdapter = {
  platform: 'bluesky',
  hosts: ['bsky.app'],
  detect,
  fromDocument,
  authorLinks,
  probes: [
    {
      // A thread always renders its posts (thread-*.html); feeds can legitimately be empty.
      name: 'bluesky-post',
      selector: SEL.post,
      expectedOn: (url) => /^\/profile\/[^/]+\/post\/[^/]+\/?$/.test(url.pathname),
    },
  ],
  profileUrl: (handle) => `https://bsky.app/profile/${enc(handle)}`,
};

import type { Identity } from '../identity';
import { attr, authors, og, profile, q, site } from './dom';
import { enc, identity, lower, segments, type Site, valid } from './url';

// Every selector this adapter relies on, each checked against the saved page named beside it
// (shared/fixtures/pages/bluesky, SOURCES.md) and tests/fixtures/sites/bluesky/thread.html.
// A `const enum`: esbuild writes each selector where it is used, so the names cost no bytes.
const enum SEL {
  // A post in a feed or thread; the testid ends in the author's handle
  // (thread-*.html `postThreadItem-by-<h>`, profile-stephenking.html `feedItem-by-<h>`).
  post = '[data-testid*="Item-by-"]',
  // Profile links inside a `post`: avatar, name, `@handle`, "Reposted by", "Replied to", mentions.
  postLink = 'a[href^="/profile/"]',
  // Follower/search list rows: the whole card is one link (social-app ProfileCard.tsx `profileCard-<h>-link`;
  // GUESS: no saved list page).
  card = 'a[data-testid^="profileCard-"][href^="/profile/"]',
  // Post text (RichText `dataSet={{wordWrap: 1}}`): its profile links are mentions (thread-forbes-replies.html).
  richText = '[data-word-wrap]',
  // The avatar link wraps the image (all three pages).
  avatar = '[data-testid="userAvatarImage"]',
  // The server <head> (bskyweb): the actor's handle and DID.
  username = 'meta[property="profile:username"]',
  did = 'meta[name="twitter:value1"]',
  atUri = 'link[rel="alternate"][href^="at://did:"]',
}

const POST: string = SEL.post;
const CARD: string = SEL.card;

// atproto syntax (§2 Bluesky): handle = ≥2 DNS labels of 1–63 chars, TLD starts with a letter,
// at most 253 characters in all.
const HANDLE = /^(?=.{0,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const DID = /^did:[a-z]+:[a-zA-Z0-9._:%-]*[a-zA-Z0-9._-]$/;

/** §1 bluesky: a DID keeps its case; a handle is lowercased (`normalizeHandle`). */
export const actor = (raw: string | null | undefined): string | null =>
  raw?.startsWith('did:') ? (DID.test(raw) ? raw : null) : valid(HANDLE, raw);

// §2: /profile/<actor> and every sub-page (post, followers, lists…) belong to <actor>.
const detect = (url: URL): Identity | null => {
  const s = segments(url);
  return identity('bluesky', lower(s?.[0]) === 'profile' && actor(s![1]));
};

// Only `/profile/<actor>` itself: post, followers and feed links are not name links.
const nameLinks: Site = { hosts: ['bsky.app'], detect: (u) => (/^\/profile\/[^/]+\/?$/.test(u.pathname) ? detect(u) : null) };

/** The `@handle` link after the name link in the same header row (a verified badge may sit between). */
const twin = (a: Element): boolean => {
  for (let prev = a.previousElementSibling; prev; prev = prev.previousElementSibling) {
    if (prev.tagName === 'A' && prev.getAttribute('href') === a.getAttribute('href')) return true;
  }
  return false;
};

export const blueskySite = site(
  'bluesky',
  ['bsky.app'],
  detect,
  /**
   * §3 Bluesky: bskyweb's server <head> names the page's actor (profile:username; the DID in
   * `twitter:value1` on profiles and in the `at://` alternate link on profiles and posts). The noscript
   * `#bsky_did` is not read: with scripting on, browsers parse <noscript> content as text, so a content
   * script never sees that element. The head is not rewritten on SPA navigation, so it only counts when
   * its handle (or DID) is the URL's; otherwise the page is not (yet) showing that profile.
   */
  (doc, _, want) => {
    const handle = actor(attr(doc, SEL.username)?.trim());
    const did = [attr(doc, SEL.did)?.trim(), attr(doc, SEL.atUri, 'href')?.slice(5).split('/')[0]].find(
      (d) => d?.startsWith('did:') && actor(d),
    );
    // og:title is `Name (@handle)` on profiles and posts alike.
    const title = og(doc, 'title')?.trim() ?? '';
    // Both identities as given, even when profile:username is the DID itself.
    return handle && (want.handle === handle || want.handle === did)
      ? profile(
          [handle, did].flatMap((h) => (h ? [{ platform: 'bluesky' as const, handle: h }] : [])),
          title.endsWith(`(@${handle})`) && title.slice(0, -handle.length - 3).trim(),
        )
      : null;
  },
  /**
   * Post headers: the name link of every post (thread item, feed item, quoted post) and list cards.
   * A reply/feed header has avatar, name and `@handle` links to the same profile; only the name counts.
   * Name links are react-native-web Text links (`dir="auto"`); the thread's focused post instead has
   * one Link (no `dir`) for name + handle, accepted only when it names the post's own author, which
   * also rules out the "Reposted by"/"Replied to" context links (profile-stephenking.html).
   */
  (root, url) =>
    authors(
      root,
      url,
      `${POST} ${SEL.postLink},${CARD}`,
      nameLinks,
      (a, id) => {
        if (a.matches(CARD)) return true;
        const testid = a.closest(POST)?.getAttribute('data-testid') ?? '';
        return (
          !a.closest(SEL.richText) &&
          !q(a, SEL.avatar) &&
          !twin(a) &&
          (a.hasAttribute('dir') || actor(testid.slice(testid.indexOf('-by-') + 4)) === id.handle)
        );
      },
      0,
      1,
    ),
  (handle) => `https://bsky.app/profile/${enc(handle)}`,
  // A thread always renders its posts (thread-*.html); feeds can legitimately be empty.
  'bluesky-post',
  POST,
  (url) => /^\/profile\/[^/]+\/post\/[^/]+\/?$/.test(url.pathname),
);

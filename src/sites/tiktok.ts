import type { Identity } from '../identity';
import { authors, fromHead, once, profile, profilePage, q, site, text, within } from './dom';
import type { AuthorLink } from './types';
import { atName, enc, identity, segments, valid } from './url';

// Author anchors, checked against shared/fixtures/pages/tiktok (SOURCES.md) and
// tests/fixtures/sites/tiktok/video.html. `data-e2e` attributes are TikTok's own test hooks and have
// outlived several redesigns; the emotion class labels (`…-DivCreatorInfoContainer`) are the fragile part.
// A `const enum`: esbuild writes each selector where it is used, so the names cost no bytes.
const enum SEL {
  // Comment and reply author names. 2022: the attribute is on a span inside the link
  // (video-rebelunicorncrafts); later layouts put it on a wrapper around the link (video.html).
  comment = '[data-e2e^="comment-username"]',
  // Video author name. 2022 layout: `browse-username` span inside the link (video-rebelunicorncrafts);
  // 2025 layout: the name link in the creator-info block of each feed item (video-illojuan).
  video = '[data-e2e="browse-username"],[class*="DivCreatorInfoContainer"] a[href]',
  // Suggested-account cards: the nickname link beside the avatar link (profile-illojuan).
  suggested = '[class*="DivNicknameContainer"] a[href]',
  // Profile header: unique id and nickname (profile-illojuan h1/h2, profile-huxleythepandapuppy h2/h1).
  title = '[data-e2e="user-title"]',
  subtitle = '[data-e2e="user-subtitle"]',
}
const TITLE: string = SEL.title;

// §1 tiktok: `^[a-z0-9._]{2,24}$`, not ending in a dot. secUid paths (`/@MS4wLjABAAAA…`) fail on length.
const username = (raw: string | null | undefined): string | null => valid(/^[a-z0-9._]{1,23}[a-z0-9_]$/, raw);

// §2: /@u, /@u/video/<id>, /@u/photo/<id> give u; short links (/t/<code>) need a redirect, so null.
const detect = (url: URL): Identity | null => identity('tiktok', username(atName(segments(url)?.[0])));

/**
 * Comment authors, the video's author and suggested accounts, by their name links (the hit itself,
 * the link around it, or the link inside it; each once). Mentions in descriptions
 * (`search-common-link`) and comments (inside `comment-level-N` text), avatars and the
 * recommended-video thumbnails (`/@u/video/<id>`, no name shown) are not matched.
 */
const authorLinks = (root: ParentNode, url: URL): AuthorLink[] =>
  authors(
    root,
    url,
    within(root, `${SEL.comment},${SEL.video},${SEL.suggested}`).map((hit) => hit.closest('a[href]') ?? q(hit, 'a[href]')),
    tiktokSite,
    (a, _, seen) => once(seen, a),
    1,
  );

export const tiktokSite = site(
  'tiktok',
  ['tiktok.com', 'www.tiktok.com', 'm.tiktok.com'],
  detect,
  /**
   * The rendered header (`user-title` is the unique id) decides alone once present, since it follows
   * SPA navigation. Without it (video pages, unrendered shells) the head counts only when it names the
   * URL's own user. The rehydration JSON is not read: og:url/canonical come from the same server
   * render and cost no scan of a large script.
   */
  (doc, url, want) => {
    const title = q(doc, TITLE);
    return !title
      ? fromHead(doc, url, tiktokSite, want)
      : username(text(title)) === want.handle
        ? profile([want], q(doc, SEL.subtitle)?.textContent?.replace(/\s+/g, ' ').trim())
        : null;
  },
  authorLinks,
  (handle) => `https://www.tiktok.com/@${enc(handle)}`,
  // Every rendered profile page shows the unique id in its header.
  'profile-header',
  TITLE,
  profilePage(detect),
);

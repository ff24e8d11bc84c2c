import type { Identity } from '../identity';
import type { AuthorLink, PageProfile, Probe, SiteAdapter } from './types';
import { atName, enc, identity, segments } from './url';
import { fromHead, linked, within } from './x';

// Author anchors, checked against shared/fixtures/pages/tiktok (SOURCES.md) and
// tests/fixtures/sites/tiktok/video.html. `data-e2e` attributes are TikTok's own test hooks and have
// outlived several redesigns; the emotion class labels (`…-DivCreatorInfoContainer`) are the fragile part.
const SEL = {
  // Comment and reply author names. 2022: the attribute is on a span inside the link
  // (video-rebelunicorncrafts); later layouts put it on a wrapper around the link (video.html).
  comment: '[data-e2e^="comment-username"]',
  // Video author name. 2022 layout: `browse-username` span inside the link (video-rebelunicorncrafts);
  // 2025 layout: the name link in the creator-info block of each feed item (video-illojuan).
  video: '[data-e2e="browse-username"],[class*="DivCreatorInfoContainer"] a[href]',
  // Suggested-account cards: the nickname link beside the avatar link (profile-illojuan).
  suggested: '[class*="DivNicknameContainer"] a[href]',
  // Profile header: unique id and nickname (profile-illojuan h1/h2, profile-huxleythepandapuppy h2/h1).
  title: '[data-e2e="user-title"]',
  subtitle: '[data-e2e="user-subtitle"]',
};
const NAMES = `${SEL.comment},${SEL.video},${SEL.suggested}`;

// §1 tiktok: 2–24 of [a-z0-9._], not ending in a dot. secUid paths (`/@MS4wLjABAAAA…`) fail on length.
const USERNAME = /^[a-z0-9._]{2,24}$/;
const username = (raw: string | null | undefined): string | null => {
  const u = raw?.toLowerCase();
  return u && USERNAME.test(u) && !u.endsWith('.') ? u : null;
};

// §2: /@u, /@u/video/<id>, /@u/photo/<id> give u; short links (/t/<code>) need a redirect, so null.
const detect = (url: URL): Identity | null => identity('tiktok', username(atName(segments(url)?.[0])));

/**
 * Comment authors, the video's author and suggested accounts, by their name links. Mentions in
 * descriptions (`search-common-link`) and comments (inside `comment-level-N` text), avatars and the
 * recommended-video thumbnails (`/@u/video/<id>`, no name shown) are not matched.
 */
function authorLinks(root: ParentNode, url: URL): AuthorLink[] {
  const out: AuthorLink[] = [];
  const seen = new Set<Element>();
  for (const hit of within(root, NAMES)) {
    const a = hit.closest('a[href]') ?? hit.querySelector('a[href]');
    const who = a && !seen.has(a) && linked(a.getAttribute('href'), url, tiktokSite, 1);
    if (who) {
      seen.add(a);
      out.push({ element: a, identity: who });
    }
  }
  return out;
}

/**
 * The rendered header (`user-title` is the unique id) decides alone once present, since it follows
 * SPA navigation. Without it (video pages, unrendered shells) the head counts only when it names the
 * URL's own user. The rehydration JSON is not read: og:url/canonical come from the same server
 * render and cost no scan of a large script.
 */
function fromDocument(doc: Document, url: URL): PageProfile | null {
  const want = detect(url);
  if (!want) return null;
  const title = doc.querySelector(SEL.title);
  if (!title) return fromHead(doc, url, tiktokSite, want);
  const name = doc.querySelector(SEL.subtitle)?.textContent?.replace(/\s+/g, ' ').trim();
  return username(title.textContent?.trim()) === want.handle ? { identities: [want], displayName: name || null } : null;
}

const probes: Probe[] = [
  {
    // Every rendered profile page shows the unique id in its header.
    name: 'profile-header',
    selector: SEL.title,
    expectedOn: (url) => segments(url)?.length === 1 && detect(url) !== null,
  },
];

export const tiktokSite: SiteAdapter = {
  platform: 'tiktok',
  hosts: ['tiktok.com', 'www.tiktok.com', 'm.tiktok.com'],
  detect,
  fromDocument,
  authorLinks,
  probes,
  profileUrl: (handle) => `https://www.tiktok.com/@${enc(handle)}`,
};

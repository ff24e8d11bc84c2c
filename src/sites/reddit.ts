import type { Identity } from '../identity';
import type { AuthorLink, PageProfile, SiteAdapter } from './types';
import { enc, identity, segments } from './url';

// Every selector this adapter relies on, each with the page it was checked against:
// real = shared/fixtures/pages/reddit (SOURCES.md), unit = tests/fixtures/sites/reddit.
const SEL = {
  // old reddit: the tagline of every post and comment (real thread-old-reddit.html; RES usernameSelector).
  old: '.tagline a.author',
  // 2018–22 redesign: comment and post author name links (real thread-showerthoughts-redesign.html).
  redesign: 'a[data-testid="comment_author_link"],a[data-testid="post_author_link"]',
  // The comment avatar, the only author link left when the name link is not rendered
  // (real thread-humansbeingbros-redesign.html); `.Comment` is that comment's own box.
  icon: 'a[data-testid="comment_author_icon"]',
  comment: '.Comment',
  // 2023+ "shreddit" custom elements carry the author as an attribute (unit shreddit.html, GUESS:
  // no real capture); the name link is the one to `/user/<author>/` outside the avatar slot.
  shreddit: 'shreddit-comment,shreddit-post',
  shredditLink: 'shreddit-comment a[href*="/user/"],shreddit-post a[href*="/user/"]',
  // Not authors: Markdown bodies (mentions), the redesign comment body, shreddit avatar and text
  // slots. (The old-reddit sidebar's moderator links are `a.author` but outside any `.tagline`.)
  skip: '.md,[data-testid="comment"],[slot="commentAvatar"],[slot="comment"],[slot="text-body"]',
} as const;

const USERNAME = /^[a-z0-9_-]{3,20}$/;
const HOSTS = ['', 'www.', 'old.', 'new.', 'np.', 'm.', 'i.', 'sh.'].map((p) => `${p}reddit.com`);

// §2 Reddit: /user/<u> or /u/<u> and their sub-pages; /user/<u>/m/<multi> is a multireddit (RES).
function detect(url: URL): Identity | null {
  const s = segments(url)?.map((p) => p.toLowerCase());
  const u = s?.[1];
  return identity('reddit', s && (s[0] === 'user' || s[0] === 'u') && u && USERNAME.test(u) && s[2] !== 'm' ? u : null);
}

function linked(href: string | null | undefined, base: URL): Identity | null {
  if (!href) return null; // '' would resolve to the page itself
  try {
    const u = new URL(href, base);
    return HOSTS.includes(u.hostname) ? detect(u) : null;
  } catch {
    return null;
  }
}

const ANCHORS = `${SEL.old},${SEL.redesign},${SEL.icon},${SEL.shredditLink}`;

function authorLinks(root: ParentNode, url: URL): AuthorLink[] {
  const out: AuthorLink[] = [];
  const owners = new Set<Element>();
  for (const a of [...((root as Element).matches?.(ANCHORS) ? [root as Element] : []), ...root.querySelectorAll(ANCHORS)]) {
    const id = linked(a.getAttribute('href'), url);
    if (!id || a.closest(SEL.skip)) continue;
    // shreddit: only the link to the element's own `author` (not a nested reply's), once per element.
    const owner = a.closest(SEL.shreddit);
    if (owner && (owner.getAttribute('author')?.toLowerCase() !== id.handle || owners.has(owner))) continue;
    if (owner) owners.add(owner);
    // The avatar stands in only when the comment has no name link.
    if (a.matches(SEL.icon) && a.closest(SEL.comment)?.querySelector(SEL.redesign)) continue;
    out.push({ element: a, identity: id });
  }
  return out;
}

/**
 * Reddit profile pages: the canonical link or the title (`overview for <u>` on old reddit,
 * `<name> (u/<u>) - Reddit` or `u/<u> - Reddit` later; a post titled "AMA with u/<u>" is not one)
 * must name the URL's user. GUESS: no real profile capture.
 */
function fromDocument(doc: Document, url: URL): PageProfile | null {
  const want = detect(url);
  const title = doc.title.trim();
  const shown = [
    linked(doc.querySelector('link[rel="canonical"]')?.getAttribute('href'), url)?.handle,
    /^overview for ([\w-]+)/i.exec(title)?.[1],
    /(?:^|\()u\/([\w-]+)\)?(?: - Reddit)?$/i.exec(title)?.[1],
  ];
  return want && shown.some((h) => h?.toLowerCase() === want.handle) ? { identities: [want], displayName: null } : null;
}

export const redditSite: SiteAdapter = {
  platform: 'reddit',
  hosts: HOSTS,
  detect,
  fromDocument,
  authorLinks,
  probes: [
    {
      // old reddit always renders the post's tagline on a comments page (real old page).
      name: 'reddit-old-tagline',
      selector: '.tagline',
      expectedOn: (url) => url.hostname === 'old.reddit.com' && /^\/r\/[^/]+\/comments\/\w+/.test(url.pathname),
    },
  ],
  profileUrl: (handle) => `https://www.reddit.com/user/${enc(handle)}`,
};

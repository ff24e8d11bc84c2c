import type { Identity } from '../identity';
import { authors, canonical, once, profile, site } from './dom';
import type { PageProfile } from './types';
import { enc, identity, linked, lower, lowered, valid } from './url';

// Every selector this adapter relies on, each with the page it was checked against:
// real = shared/fixtures/pages/reddit (SOURCES.md), unit = tests/fixtures/sites/reddit.
// A `const enum`: esbuild writes each selector where it is used, so the names cost no bytes.
const enum SEL {
  // old reddit: the tagline of every post and comment (real thread-old-reddit.html; RES usernameSelector).
  old = '.tagline a.author',
  // old reddit always renders the post's tagline on a comments page (real old page; health probe).
  tagline = '.tagline',
  // 2018–22 redesign: comment and post author name links (real thread-showerthoughts-redesign.html).
  redesign = 'a[data-testid="comment_author_link"],a[data-testid="post_author_link"]',
  // The comment avatar, the only author link left when the name link is not rendered
  // (real thread-humansbeingbros-redesign.html); `.Comment` is that comment's own box.
  icon = 'a[data-testid="comment_author_icon"]',
  comment = '.Comment',
  // 2023+ "shreddit" custom elements carry the author as an attribute (unit shreddit.html, GUESS:
  // no real capture); the name link is the one to `/user/<author>/` outside the avatar slot.
  shreddit = 'shreddit-comment,shreddit-post',
  shredditLink = 'shreddit-comment a[href*="/user/"],shreddit-post a[href*="/user/"]',
  // Not authors: Markdown bodies (mentions), the redesign comment body, shreddit avatar and text
  // slots. (The old-reddit sidebar's moderator links are `a.author` but outside any `.tagline`.)
  skip = '.md,[data-testid="comment"],[slot="commentAvatar"],[slot="comment"],[slot="text-body"]',
}

const REDESIGN: string = SEL.redesign;
const ICON: string = SEL.icon;

// §2 Reddit: /user/<u> or /u/<u> and their sub-pages; /user/<u>/m/<multi> is a multireddit (RES).
const detect = (url: URL): Identity | null => {
  const [first, u, m] = lowered(url);
  return identity('reddit', (first === 'user' || first === 'u') && m !== 'm' && valid(/^[a-z0-9_-]{3,20}$/, u));
};

/**
 * Reddit profile pages: the canonical link or the title (`overview for <u>` on old reddit,
 * `<name> (u/<u>) - Reddit` or `u/<u> - Reddit` later; a post titled "AMA with u/<u>" is not one)
 * must name the URL's user. GUESS: no real profile capture.
 */
const fromPage = (doc: Document, url: URL, want: Identity): PageProfile | null => {
  const title = doc.title.trim();
  const shown = [
    linked(canonical(doc), url, redditSite, 0, 1)?.handle,
    /^overview for ([\w-]+)/i.exec(title)?.[1],
    /(?:^|\()u\/([\w-]+)\)?(?: - Reddit)?$/i.exec(title)?.[1],
  ];
  return shown.some((h) => lower(h) === want.handle) ? profile([want]) : null;
};

export const redditSite = site(
  'reddit',
  ['', 'www.', 'old.', 'new.', 'np.', 'm.', 'i.', 'sh.'].map((p) => `${p}reddit.com`),
  detect,
  fromPage,
  (root, url) =>
    authors(
      root,
      url,
      `${SEL.old},${REDESIGN},${ICON},${SEL.shredditLink}`,
      redditSite,
      (a, id, seen) => {
        // shreddit: only the link to the element's own `author` (not a nested reply's), once per element.
        const owner = a.closest(SEL.shreddit);
        return (
          !a.closest(SEL.skip) &&
          (!owner || (lower(owner.getAttribute('author')) === id.handle && once(seen, owner))) &&
          // The avatar stands in only when the comment has no name link.
          !(a.matches(ICON) && a.closest(SEL.comment)?.querySelector(REDESIGN))
        );
      },
      0,
      1,
    ),
  (handle) => `https://www.reddit.com/user/${enc(handle)}`,
  'reddit-old-tagline',
  SEL.tagline,
  (url) => url.hostname === 'old.reddit.com' && /^\/r\/[^/]+\/comments\/\w+/.test(url.pathname),
);

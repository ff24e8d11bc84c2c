import type { Identity } from '../identity';
import { authors, fromHead, profile, profilePage, q, site, text } from './dom';
import { enc, identity, lowered, prefixed, valid } from './url';

// Rendered captures are profile pages only (shared/fixtures/pages/instagram, SOURCES.md); posts and
// comments are modelled in tests/fixtures/sites/instagram/post.html on the same markup conventions.
// A `const enum`: esbuild writes each selector where it is used, so the names cost no bytes.
const enum SEL {
  // Author links: post/comment rows inside `article` (feed, post page) or the post modal
  // (`[role=dialog]`, also followers/likers lists), and the "Suggested for you" cards, which are
  // `main [role=presentation] li` (profile-mayuri_0677-rendered-suggested).
  author = 'article a[href],[role="dialog"] a[href],main [role="presentation"] li a[href]',
  // Running text: captions are `h1[dir=auto]`, bios and comments `span[dir=auto]` with @mention
  // links inside (profile-gdg_rbu-rendered bio `/jayeshh.bot/`); author links *contain* such a span.
  text = 'span[dir="auto"],h1',
  // Avatar links hold the picture; the name link beside them is the badge anchor.
  avatar = 'img,canvas',
  // Profile header username (profile-gdg_rbu-rendered: `main header h2`).
  header = 'main header h2',
}

const HEADER: string = SEL.header;

// §2 Instagram: `p`/`reel`/`tv` carry no author; the rest are app routes. `stories` is handled below.
// Front-coded (url.ts `prefixed`): accounts api challenge developer direct explore graphql legal p reel reels tv web.
const RESERVED = prefixed('0accounts1pi0challenge0developer1irect0explore0graphql0legal0p0reel4s0tv0web');
// §1 instagram/threads rule: `^[a-z0-9._]{1,30}$`, no leading or trailing dot and no `..`.
const USERNAME = /^(?!\.)(?!.*\.\.)[a-z0-9._]{0,29}[a-z0-9_]$/;

/** §1 instagram/threads rule, shared with Threads. */
export const igUsername = (raw: string | null | undefined): string | null => valid(USERNAME, raw);

const detect = (url: URL): Identity | null => {
  const [first, second] = lowered(url);
  return identity(
    'instagram',
    // §2: /stories/<u>/<id> is <u>'s story; /stories/highlights/<id> has no author.
    first === 'stories' ? second !== 'highlights' && igUsername(second) : !RESERVED.has(first!) && igUsername(first),
  );
};

export const instagramSite = site(
  'instagram',
  ['instagram.com', 'www.instagram.com', 'm.instagram.com', 'instagr.am', 'www.instagr.am'],
  detect,
  /**
   * §3 Instagram: the `(@user)` of title/og:title/og:description (snscrape) or og:url/canonical, each
   * only when it names the URL's own user; else the rendered header's username (Mask).
   */
  (doc, url, want) =>
    fromHead(doc, url, instagramSite, want) ??
    (igUsername(text(q(doc, HEADER))) === want.handle ? profile([want]) : null),
  /**
   * Links to a profile's own page (`/<user>/`, not `/<user>/followers/` or a post) that are neither
   * an avatar nor inside running text. The viewer's sidebar "Profile" link is outside these containers.
   */
  (root, url) =>
    authors(root, url, SEL.author, instagramSite, (a) => !q(a, SEL.avatar) && !a.parentElement?.closest(SEL.text), 1),
  (handle) => `https://www.instagram.com/${enc(handle)}/`,
  // A rendered profile page shows the username in its header.
  'profile-header',
  HEADER,
  profilePage(detect),
);

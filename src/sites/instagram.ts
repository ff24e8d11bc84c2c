import type { Identity } from '../identity';
import type { AuthorLink, PageProfile, Probe, SiteAdapter } from './types';
import { enc, identity, segments, words } from './url';
import { fromHead, linked, within } from './x';

// Rendered captures are profile pages only (shared/fixtures/pages/instagram, SOURCES.md); posts and
// comments are modelled in tests/fixtures/sites/instagram/post.html on the same markup conventions.
const SEL = {
  // Author links: post/comment rows inside `article` (feed, post page) or the post modal
  // (`[role=dialog]`, also followers/likers lists), and the "Suggested for you" cards, which are
  // `main [role=presentation] li` (profile-mayuri_0677-rendered-suggested).
  author: 'article a[href],[role="dialog"] a[href],main [role="presentation"] li a[href]',
  // Running text: captions are `h1[dir=auto]`, bios and comments `span[dir=auto]` with @mention
  // links inside (profile-gdg_rbu-rendered bio `/jayeshh.bot/`); author links *contain* such a span.
  text: 'span[dir="auto"],h1',
  // Avatar links hold the picture; the name link beside them is the badge anchor.
  avatar: 'img,canvas',
  // Profile header username (profile-gdg_rbu-rendered: `main header h2`).
  header: 'main header h2',
};

// §2 Instagram: `p`/`reel`/`tv` carry no author; the rest are app routes. `stories` is handled below.
const RESERVED = words('p reel tv explore accounts direct reels legal developer web challenge graphql api');
const USERNAME = /^[a-z0-9._]{1,30}$/;

/** §1 instagram/threads rule, shared with Threads: no leading/trailing dot and no `..`. */
export function igUsername(raw: string | null | undefined): string | null {
  const u = raw?.toLowerCase();
  return u && USERNAME.test(u) && u[0] !== '.' && !u.endsWith('.') && !u.includes('..') ? u : null;
}

function detect(url: URL): Identity | null {
  const s = segments(url);
  const first = s?.[0]?.toLowerCase();
  if (!s || !first) return null;
  // §2: /stories/<u>/<id> is <u>'s story; /stories/highlights/<id> has no author.
  if (first === 'stories') {
    const u = s[1]?.toLowerCase();
    return u === 'highlights' ? null : identity('instagram', igUsername(u));
  }
  return RESERVED.has(first) ? null : identity('instagram', igUsername(first));
}

/**
 * Links to a profile's own page (`/<user>/`, not `/<user>/followers/` or a post) that are neither
 * an avatar nor inside running text. The viewer's sidebar "Profile" link is outside these containers.
 */
function authorLinks(root: ParentNode, url: URL): AuthorLink[] {
  const out: AuthorLink[] = [];
  for (const a of within(root, SEL.author)) {
    const text = a.querySelector(SEL.avatar) || a.parentElement?.closest(SEL.text);
    const who = !text && linked(a.getAttribute('href'), url, instagramSite, 1);
    if (who) out.push({ element: a, identity: who });
  }
  return out;
}

/**
 * §3 Instagram: the `(@user)` of title/og:title/og:description (snscrape) or og:url/canonical, each
 * only when it names the URL's own user; else the rendered header's username (Mask).
 */
function fromDocument(doc: Document, url: URL): PageProfile | null {
  const want = detect(url);
  if (!want) return null;
  const header = doc.querySelector(SEL.header)?.textContent?.trim();
  const own = header && igUsername(header) === want.handle;
  return fromHead(doc, url, instagramSite, want) ?? (own ? { identities: [want], displayName: null } : null);
}

const probes: Probe[] = [
  {
    // A rendered profile page shows the username in its header.
    name: 'profile-header',
    selector: SEL.header,
    expectedOn: (url) => segments(url)?.length === 1 && detect(url) !== null,
  },
];

export const instagramSite: SiteAdapter = {
  platform: 'instagram',
  hosts: ['instagram.com', 'www.instagram.com', 'm.instagram.com', 'instagr.am', 'www.instagr.am'],
  detect,
  fromDocument,
  authorLinks,
  probes,
  profileUrl: (handle) => `https://www.instagram.com/${enc(handle)}/`,
};

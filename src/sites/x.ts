import type { Identity } from '../identity';
import type { AuthorLink, PageProfile, Probe, SiteAdapter } from './types';
import { DIGITS, enc, identity, segments, words } from './url';

// Author-link anchors (sites.md §5 X), each checked against the saved pages named beside it
// (shared/fixtures/pages/x, SOURCES.md) and tests/fixtures/sites/x/timeline.html.
const SEL = {
  // Tweet header: display-name link, @handle link, then the time/status link. Quoted tweets have
  // the same block without any link (the quote is one `div[role=link]`).
  // home-timeline-loggedin-regenerate, status-bigtechalert-loggedout, status-badlogicgames-quote-loggedout
  tweet: '[data-testid="User-Name"]',
  // "Who to follow" / followers / search-people rows. home-timeline-loggedin-regenerate
  cell: '[data-testid="UserCell"]',
  // Hover card, a portal under #layers (sites.md §5). No saved capture: timeline.html fixture only.
  card: '[data-testid="HoverCard"]',
  // Avatar wrapper inside rows/cards, `UserAvatar-Container-<handle>`. home-timeline-loggedin-regenerate
  avatar: '[data-testid^="UserAvatar-Container"]',
  // Profile JSON-LD and header (sites.md §3). profile-kikobeats-loggedout, profile-javilop-loggedout
  ld: 'script[data-testid="UserProfileSchema-test"]',
  header: '[data-testid="UserName"]',
};
const BOXES = `${SEL.tweet},${SEL.cell},${SEL.card}`;

// TODO(2026-11-22): the helpers below are shared by the adapters in this folder; move them to
// url.ts once the concurrent site work there has landed.
type Site = Pick<SiteAdapter, 'hosts' | 'detect'>;

/**
 * Elements matching `selector` in `root`, plus `root`'s own nearest match (itself or an ancestor),
 * so a re-rendered subtree inside a tweet or the link element alone is still recognised.
 */
export function within(root: ParentNode, selector: string): Element[] {
  const found = [...root.querySelectorAll(selector)];
  const up = (root as Partial<Element>).closest?.(selector);
  if (up && !found.includes(up)) found.unshift(up);
  return found;
}

/**
 * The profile `href` points at by `site`'s own URL contract. Relative hrefs resolve against the
 * page URL (never `a.href`, whose document base can differ); other hosts and redirect shims
 * (`l.facebook.com`, `t.co`) are not the site's; in-page `#` links are nobody. With `depth`, only
 * a link to the profile page itself counts (`/@u`, not the timestamp link `/@u/post/<id>`).
 */
export function linked(href: string | null | undefined, base: URL, site: Site, depth?: number): Identity | null {
  if (!href || href[0] === '#') return null;
  try {
    const u = new URL(href, base);
    return site.hosts.includes(u.hostname) && (!depth || segments(u)?.length === depth) ? site.detect(u) : null;
  } catch {
    return null;
  }
}

/** An attribute of the first match, `content` by default (meta tags). */
export const attr = (doc: ParentNode, selector: string, name = 'content'): string | null =>
  doc.querySelector(selector)?.getAttribute(name) ?? null;

// `Name (@user) • Instagram…`, `Name (@user) • Threads…`, `Name (@user) | TikTok` (title, og:title)
// and `… from Name (@user)` (Instagram og:description).
const AT = /(?:.* from |^)(.*?) ?\(@([\w.]{1,30})\)/;

/**
 * sites.md §3 for the `(@user)` sites: the title/og:title/og:description handle, then
 * canonical/og:url. The <head> can be left over from an earlier page, so each counts only when it
 * names `want`, the URL's own identity; anything else is "not (yet)", never "someone else".
 */
export function fromHead(doc: Document, url: URL, site: Site, want: Identity): PageProfile | null {
  const texts = [doc.title, attr(doc, 'meta[property="og:title"]'), attr(doc, 'meta[property="og:description"]')];
  for (const text of texts) {
    const m = AT.exec(text ?? '');
    if (m?.[2]?.toLowerCase() === want.handle) return { identities: [want], displayName: m[1]?.trim() || null };
  }
  const heads = [attr(doc, 'link[rel="canonical"]', 'href'), attr(doc, 'meta[property="og:url"]')];
  const named = heads.some((h) => linked(h, url, site)?.handle === want.handle);
  return named ? { identities: [want], displayName: null } : null;
}

// sites.md §2 X "Reserved first segments": union of the Mask, nitter and danbooru lists plus the
// observed routes the notes add. `i` and `intent` are routes with their own rules below.
const RESERVED = words(
  '404 about account compose display download explore follower_requests gif hashtag home i intent ' +
    'jobs keyboard_shortcuts lists login logout mentions messages notifications personalization pic ' +
    'privacy rules search search-advanced search-home session settings share signup tos twitterblue ' +
    'video webview welcome your_twitter_data',
);
// §1 validation: 1–15 (old accounts are shorter than today's 4-character minimum, §2).
const HANDLE = /^[a-z0-9_]{1,15}$/;

/** §1 x rule: strip one leading `@`, lowercase, validate, reject reserved routes. */
export function screenName(raw: string | null | undefined): string | null {
  if (raw == null) return null;
  const h = raw.replace(/^@/, '').toLowerCase();
  return HANDLE.test(h) && !RESERVED.has(h) ? h : null;
}

const x = (handle: string | null | undefined): Identity | null => identity('x', handle);

function detect(url: URL): Identity | null {
  const s = segments(url);
  const first = s?.[0]?.toLowerCase();
  if (!s || !first) return null;
  // §2: under /i/ only /i/user/<digits> names a person (/i/web/status/<id> has no author).
  if (first === 'i') {
    const id = s[2];
    return s.length === 3 && s[1]?.toLowerCase() === 'user' && id && DIGITS.test(id) ? x(`id:${id}`) : null;
  }
  // §2 intents: only user/follow identify someone; a bad screen_name does not fall back (§1 rule 4).
  if (first === 'intent') {
    const kind = s[1]?.toLowerCase();
    if (s.length !== 2 || (kind !== 'user' && kind !== 'follow')) return null;
    const q = url.searchParams;
    const name = q.get('screen_name');
    if (name !== null) return x(screenName(name));
    const id = q.get('user_id');
    return id !== null && DIGITS.test(id) ? x(`id:${id}`) : null;
  }
  // §1 rule 5: /<h>/status/<id>, /<h>/media, /<h>/followers… all belong to <h>.
  return x(screenName(s[0]));
}

interface LdPerson {
  additionalName?: unknown;
  identifier?: unknown;
  name?: unknown;
}

/**
 * §3 X. The JSON-LD is a react-helmet tag (`data-rh`) that is rewritten when a profile renders, so
 * after pushState the previous profile's copy can still be there: it only counts when it names the
 * URL's account, and a mismatch means "not yet" (null), never "someone else".
 */
function fromDocument(doc: Document, url: URL): PageProfile | null {
  const want = detect(url);
  if (!want) return null;
  const wantId = want.handle.startsWith('id:') ? want.handle.slice(3) : null;

  const ld = doc.querySelector(SEL.ld);
  if (ld) {
    let person: LdPerson | undefined;
    try {
      person = (JSON.parse(ld.textContent ?? '') as { mainEntity?: LdPerson }).mainEntity;
    } catch {
      person = undefined;
    }
    if (person) {
      const handle = typeof person.additionalName === 'string' ? screenName(person.additionalName) : null;
      const id = typeof person.identifier === 'string' && DIGITS.test(person.identifier) ? person.identifier : null;
      if (!handle || (wantId ? id !== wantId : handle !== want.handle)) return null;
      const identities: Identity[] = [{ platform: 'x', handle }];
      if (id) identities.push({ platform: 'x', handle: `id:${id}` });
      return { identities, displayName: typeof person.name === 'string' ? person.name.trim() || null : null };
    }
  }
  // Without JSON-LD nothing on the page ties a screen name to a numeric id.
  if (wantId) return null;

  // Header block: decided by the header alone, because after pushState the title can already name
  // the new profile while the old header is still on screen.
  const header = doc.querySelector(SEL.header);
  if (header) {
    const spans = [...header.querySelectorAll('span')];
    const own = spans.some((span) => {
      const text = span.textContent?.trim() ?? '';
      return text[0] === '@' && screenName(text) === want.handle;
    });
    return own ? { identities: [want], displayName: spans[0]?.textContent?.trim() || null } : null;
  }
  // CPFT's `isOnProfilePage` check (§3): the title reads `Name (@handle) / X`.
  const m = /^(?:\(\d+\+?\) )?(.*) \(@(\w{1,15})\)(?: \/ [^/]*)?$/.exec(doc.title.trim());
  if (!m || screenName(m[2]) !== want.handle) return null;
  return { identities: [want], displayName: m[1]?.trim() || null };
}

/**
 * One entry per tweet (its display-name link; the @handle and time links repeat the author), per
 * list row and per hover card. Quoted tweets count: their author wrote the quoted text, and the
 * block shows them by name. A quote has no profile link, so its entry is the `@handle` span and the
 * identity comes from that text. Mentions (`tweetText`), "X reposted" (`socialContext`) and the
 * viewer's own `AppTabBar_Profile_Link` / `SideNav_AccountSwitcher_Button` sit outside these
 * blocks and are never looked at.
 */
function authorLinks(root: ParentNode, url: URL): AuthorLink[] {
  const out: AuthorLink[] = [];
  for (const box of within(root, BOXES)) {
    let element: Element | null | undefined;
    let who: Identity | null = null;
    if (box.matches(SEL.tweet)) {
      element = box.querySelector('a[href]');
      if (element) who = linked(element.getAttribute('href'), url, xSite);
      else {
        // Quoted tweet: the last `@handle` span (a display name may itself start with `@`).
        for (const span of box.querySelectorAll('span')) {
          const text = span.textContent ?? '';
          const h = text[0] === '@' && !span.firstElementChild ? screenName(text) : null;
          if (h) [element, who] = [span, x(h)];
        }
      }
    } else if (!box.querySelector(SEL.tweet)) {
      // Row or card: the first link outside the avatar is the name (bio mentions and "followed by"
      // links come after it).
      for (const a of box.querySelectorAll('a[href]')) {
        if (a.closest(SEL.avatar)) continue;
        [element, who] = [a, linked(a.getAttribute('href'), url, xSite)];
        break;
      }
    }
    if (element && who) out.push({ element, identity: who });
  }
  return out;
}

const probes: Probe[] = [
  {
    // Every rendered tweet detail page shows its author's header block.
    name: 'tweet-author',
    selector: SEL.tweet,
    expectedOn: (url) => segments(url)?.[1] === 'status',
  },
];

export const xSite: SiteAdapter = {
  platform: 'x',
  hosts: ['x.com', 'twitter.com'].flatMap((d) => [d, `www.${d}`, `mobile.${d}`, `m.${d}`]),
  detect,
  fromDocument,
  authorLinks,
  probes,
  profileUrl: (handle) =>
    handle.startsWith('id:') ? `https://x.com/i/user/${enc(handle.slice(3))}` : `https://x.com/${enc(handle)}`,
};

import type { Identity } from '../identity';
import type { AuthorLink, PageProfile, Probe, SiteAdapter } from './types';
import { DIGITS, enc, identity, segments, words } from './url';
import { linked, within } from './x';

// Author-link anchors. Real captures are Pages and one classic post (shared/fixtures/pages/facebook,
// SOURCES.md); comments have no real capture and are modelled in tests/fixtures/sites/facebook/comments.html.
const SEL = {
  // Post header: Comet `[role=article] h2 strong a` (page-heymeedan-comet-loggedout,
  // page-koptisch-arabic-comet-loggedout); classic `[role=article] h5 a` (post-littlemix-pfbid-classic-loggedout).
  // h3/h4 are the other Comet header levels (shared and group posts). First profile link per heading:
  // "X is with Y" / "X is at <Page>" follow the author there.
  heading: ['h2', 'h3', 'h4', 'h5'].map((h) => `[role="article"] ${h} a[href]`).join(),
  // Comment author: Comet links the commenter as `/<vanity>?comment_id=…` (name and avatar; the avatar
  // is aria-hidden). Mentions inside the comment text carry no comment_id. comments.html
  comment: '[role="article"] a[href*="comment_id="]:not([aria-hidden="true"])',
  article: '[role="article"]',
};

// sites.md §2 Facebook "Reserved segments": danbooru + danboorutools + Mask + observed routes.
// `people`, `pages`, `pg`, `p` and `profile` are id/vanity routes handled before this check;
// any other `*.php` is rejected by rule too.
const RESERVED = words(
  'about ads apps bookmarks business careers checkpoint developers dialog directory events feeds ' +
    'find-friends friends fundraisers games gaming groups hashtag help home jobs legal live login ' +
    'marketplace me media memories messages notes notifications places plugins policies posts privacy ' +
    'public recover reel reels saved search settings share sharer stories terms timeline videos watch ' +
    'photo photos',
);
const VANITY = /^[a-z0-9.]{1,50}$/;
// Legacy page URLs `/<Name-With-Hyphens>-<id>` (danboorutools, §2).
const LEGACY = /^[^\s]+-(\d{1,20})$/u;

const fb = (handle: string | null | undefined): Identity | null => identity('facebook', handle);

/**
 * §1 facebook: dots and case are not significant (Facebook help, §1), so `John.Smith55` is
 * `johnsmith55`. Reserved words are checked after stripping, since `e.vents` is `events`.
 */
export function vanity(raw: string | null | undefined): string | null {
  const v = raw?.toLowerCase();
  if (!v || !VANITY.test(v)) return null;
  const h = v.replace(/\./g, '');
  return h && !RESERVED.has(h) ? h : null;
}

/** One owner segment: `/N`, `/Name-N` or a vanity. */
function owner(seg: string | undefined): string | null {
  if (!seg) return null;
  if (DIGITS.test(seg)) return `id:${seg}`;
  const legacy = LEGACY.exec(seg)?.[1];
  return legacy ? `id:${legacy}` : vanity(seg);
}

const id = (n: string | null | undefined): string | null => (n && DIGITS.test(n) ? `id:${n}` : null);

function detect(url: URL): Identity | null {
  const s = segments(url);
  const first = s?.[0]?.toLowerCase();
  if (!s || !first) return null;
  switch (first) {
    case 'profile.php':
      return fb(id(url.searchParams.get('id')));
    case 'profile':
      return fb(id(s[1]));
    case 'people':
    case 'pages':
      return fb(id(s[2]));
    case 'p':
      return fb(id(/-(\d{1,20})$/.exec(s[1] ?? '')?.[1]));
    case 'pg':
      return fb(owner(s[1]));
  }
  // §2: photo.php, story.php, permalink.php… are posts or tools, never a profile.
  if (first.endsWith('.php')) return null;
  return fb(owner(s[0]));
}

const FB_URL = /^fb:\/\/(?:profile|page)\/(?:\?id=)?(\d{1,20})/;
const VANITY_JSON = /"userID":"(\d{1,20})","userVanity":"([^"\\]{1,80})"/g;
const DELEGATE_JSON = /"profile_user":\{[^{}]{0,400}"delegate_page":\{"id":"(\d{1,20})"/;

const content = (doc: Document, selector: string): string | null =>
  doc.querySelector(selector)?.getAttribute('content') ?? null;

function detectHref(href: string | null | undefined): Identity | null {
  if (!href) return null;
  try {
    const u = new URL(href);
    return facebookSite.hosts.includes(u.hostname) ? detect(u) : null;
  } catch {
    return null;
  }
}

/**
 * §3 Facebook. The first load's <head> and inline scripts may outlive SPA navigation (§3 GUESS),
 * so a source counts only when it names the URL's own vanity or id; everything else on the page
 * is read only once one of them has matched.
 */
function fromDocument(doc: Document, url: URL): PageProfile | null {
  const want = detect(url);
  if (!want) return null;
  const wantId = want.handle.startsWith('id:') ? want.handle.slice(3) : null;
  let name: string | null = null;
  let vanityHandle: string | null = wantId ? null : want.handle;
  let profileId: string | null = wantId;
  let confirmed = false;

  // <head>: canonical, og:url and the app-link id describe the same load, so one match vouches for all.
  const heads = [
    detectHref(doc.querySelector('link[rel="canonical"]')?.getAttribute('href')),
    detectHref(content(doc, 'meta[property="og:url"]')),
  ];
  const appId = FB_URL.exec(content(doc, 'meta[property="al:android:url"]') ?? '')?.[1] ?? null;
  if (heads.some((h) => h?.handle === want.handle) || (wantId !== null && appId === wantId)) {
    confirmed = true;
    for (const h of heads) {
      if (h && !h.handle.startsWith('id:')) vanityHandle ??= h.handle;
      else if (h) profileId ??= h.handle.slice(3);
    }
    profileId ??= appId;
    name = content(doc, 'meta[property="og:title"]');
  }

  // Inline JSON from the server render: bounded regexes over script text only, never serialised markup.
  const delegates: [string, string][] = [];
  for (const script of doc.querySelectorAll('script:not([src])')) {
    const text = script.textContent ?? '';
    // Several pairs can appear (e.g. the logged-in viewer's); only the URL's own one counts.
    if (text.includes('"userVanity"')) {
      for (const [, pid = '', raw] of text.matchAll(VANITY_JSON)) {
        const v = vanity(raw);
        if (v === want.handle || pid === wantId) {
          confirmed = true;
          vanityHandle ??= v;
          profileId ??= pid;
        }
      }
    }
    if (wantId && (text.includes(`"userID":"${wantId}"`) || text.includes(`"pageID":"${wantId}"`))) confirmed = true;
    const delegate = text.includes('"delegate_page"') ? DELEGATE_JSON.exec(text)?.[1] : undefined;
    if (delegate) delegates.push([delegate, text]);
  }
  if (!confirmed) return null;

  const identities: Identity[] = [];
  const add = (handle: string | null) => {
    if (handle && !identities.some((i) => i.handle === handle)) identities.push({ platform: 'facebook', handle });
  };
  add(vanityHandle);
  add(profileId && `id:${profileId}`);
  // A Page's classic id (`delegate_page`, §3 "pageID") is only taken from a script that also names
  // the confirmed profile id, so a leftover script from an earlier page cannot contribute it.
  for (const [d, text] of delegates) if (profileId && text.includes(`"userID":"${profileId}"`)) add(`id:${d}`);
  name ||= (doc.querySelector('[role="main"] h1') ?? doc.querySelector('h1'))?.textContent ?? null;
  return { identities, displayName: name?.trim() || null };
}

// A profile's own page, not one of its sub-pages: the timestamp link of a post or comment
// (`/<vanity>/posts/…`, `/<vanity>/videos/…?comment_id=`) names the page owner, not the writer.
const ROOT_LENGTH: Record<string, number> = { people: 3, pages: 3, profile: 2, p: 2, pg: 2 };

function profileLink(a: Element, base: URL): Identity | null {
  const href = a.getAttribute('href');
  const who = linked(href, base, facebookSite);
  const s = who && segments(new URL(href ?? '', base));
  return s && s.length === (ROOT_LENGTH[s[0]?.toLowerCase() ?? ''] ?? 1) ? who : null;
}

/**
 * Post authors (first profile link of each article heading) and comment authors (first
 * `comment_id` profile link of each comment article). Hashtags and groups detect as null,
 * `l.facebook.com` shims are another host, and the viewer's own shortcut and the comment
 * composer sit outside headings and carry no comment_id.
 */
function authorLinks(root: ParentNode, url: URL): AuthorLink[] {
  const out: AuthorLink[] = [];
  const done = new Set<Element>();
  for (const a of within(root, `${SEL.heading},${SEL.comment}`)) {
    // One author per heading, and one per comment article (replies are articles of their own).
    const owner = a.closest('h2,h3,h4,h5') ?? a.closest(SEL.article);
    if (!owner || done.has(owner)) continue;
    const who = profileLink(a, url);
    if (who) {
      done.add(owner);
      out.push({ element: a, identity: who });
    }
  }
  return out;
}

const probes: Probe[] = [
  {
    // A post permalink renders its post as an article with the author in a heading.
    name: 'post-author',
    selector: SEL.heading,
    expectedOn: (url) => segments(url)?.[1]?.toLowerCase() === 'posts',
  },
];

export const facebookSite: SiteAdapter = {
  platform: 'facebook',
  hosts: [
    ...['', 'www.', 'm.', 'mbasic.', 'web.', 'touch.', 'mobile.'].map((p) => `${p}facebook.com`),
    'fb.com',
    'www.fb.com',
  ],
  detect,
  fromDocument,
  authorLinks,
  probes,
  profileUrl: (handle) =>
    handle.startsWith('id:')
      ? `https://www.facebook.com/profile.php?id=${enc(handle.slice(3))}`
      : `https://www.facebook.com/${enc(handle)}`,
};

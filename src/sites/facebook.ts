import type { Identity } from '../identity';
import type { PageProfile, SiteAdapter } from './types';
import { DIGITS, enc, identity, segments, words } from './url';

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

export const facebookSite: SiteAdapter = {
  platform: 'facebook',
  hosts: [
    ...['', 'www.', 'm.', 'mbasic.', 'web.', 'touch.', 'mobile.'].map((p) => `${p}facebook.com`),
    'fb.com',
    'www.fb.com',
  ],
  detect,
  fromDocument,
  profileUrl: (handle) =>
    handle.startsWith('id:')
      ? `https://www.facebook.com/profile.php?id=${enc(handle.slice(3))}`
      : `https://www.facebook.com/${enc(handle)}`,
};

import type { Identity } from '../identity';
import { attr, authors, heads, named, og, once, q, SCRIPTS, site } from './dom';
import type { PageProfile } from './types';
import { enc, idNumber, idOf, identity, linked, lower, prefixed, segments, type Site, valid } from './url';

// Author-link anchors. Real captures are Pages and one classic post (shared/fixtures/pages/facebook,
// SOURCES.md); comments have no real capture and are modelled in tests/fixtures/sites/facebook/comments.html.
// A `const enum`: esbuild writes each selector where it is used, so the names cost no bytes.
const enum SEL {
  // Post header: Comet `[role=article] h2 strong a` (page-heymeedan-comet-loggedout,
  // page-koptisch-arabic-comet-loggedout); classic `[role=article] h5 a` (post-littlemix-pfbid-classic-loggedout).
  // h3/h4 are the other Comet header levels (shared and group posts). First profile link per heading:
  // "X is with Y" / "X is at <Page>" follow the author there.
  heading = '[role="article"] h2 a[href],[role="article"] h3 a[href],[role="article"] h4 a[href],[role="article"] h5 a[href]',
  // Comment author: Comet links the commenter as `/<vanity>?comment_id=…` (name and avatar; the avatar
  // is aria-hidden). Mentions inside the comment text carry no comment_id. comments.html
  comment = '[role="article"] a[href*="comment_id="]:not([aria-hidden="true"])',
  article = '[role="article"]',
  // The profile name when og:title is missing.
  name = '[role="main"] h1',
}
const HEADING: string = SEL.heading;

// sites.md §2 Facebook "Reserved segments": danbooru + danboorutools + Mask + observed routes,
// front-coded (url.ts `prefixed`). `people`, `pages`, `pg`, `p` and `profile` are id/vanity routes
// handled before this check; any other `*.php` is rejected by rule too.
const RESERVED = prefixed(
  '0about1ds1pps0bookmarks1usiness0careers1heckpoint0developers1ialog2rectory0events' +
    '0feeds1ind-friends1riends1undraisers0games3ing1roups0hashtag1elp1ome0jobs0legal1ive1ogin' +
    '0marketplace1e2dia2mories2ssages0notes3ifications0photo5s1laces2ugins1olicies2sts1rivacy1ublic' +
    '0recover2el4s0saved1earch2ttings1hare5r1tories0terms1imeline0videos0watch',
);
const HOSTS = [
  ...['', 'www.', 'm.', 'mbasic.', 'web.', 'touch.', 'mobile.'].map((p) => `${p}facebook.com`),
  'fb.com',
  'www.fb.com',
];

/**
 * §1 facebook: dots and case are not significant (Facebook help, §1), so `John.Smith55` is
 * `johnsmith55`. Reserved words are checked after stripping, since `e.vents` is `events`.
 */
export const vanity = (raw: string | null | undefined): string | null => {
  const h = valid(/^[a-z0-9.]{1,50}$/, raw)?.replace(/\./g, '');
  return h && !RESERVED.has(h) ? h : null;
};

/** One owner segment: `/N`, legacy page URLs `/<Name-With-Hyphens>-<N>` (danboorutools, §2) or a vanity. */
const owner = (seg: string | undefined): string | null =>
  idOf(seg) ?? idOf(/^[^\s]+-(\d{1,20})$/u.exec(seg ?? '')?.[1]) ?? vanity(seg);

const detect = (url: URL): Identity | null => {
  const s = segments(url) ?? [];
  const first = lower(s[0]);
  return identity(
    'facebook',
    first === 'profile.php'
      ? idOf(url.searchParams.get('id'))
      : first === 'profile'
        ? idOf(s[1])
        : first === 'people' || first === 'pages'
          ? idOf(s[2])
          : first === 'p'
            ? idOf(/-(\d{1,20})$/.exec(s[1] ?? '')?.[1])
            : first === 'pg'
              ? owner(s[1])
              : // §2: photo.php, story.php, permalink.php… are posts or tools, never a profile.
                !first?.endsWith('.php') && owner(s[0]),
  );
};

const profiles: Site = { hosts: HOSTS, detect };

/**
 * §3 Facebook. The first load's <head> and inline scripts may outlive SPA navigation (§3 GUESS),
 * so a source counts only when it names the URL's own vanity or id; everything else on the page
 * is read only once one of them has matched. Of the handles found that way the first vanity and
 * the first id are the profile's.
 */
const fromPage = (doc: Document, _: URL, want: Identity): PageProfile | null => {
  const wantId = idNumber(want.handle);
  const found: (string | null | undefined)[] = [want.handle];
  let name: string | null | undefined;
  let confirmed: unknown;

  // <head>: canonical and og:url (absolute URLs only) and the app-link id describe the same load,
  // so one match vouches for all.
  const shown = heads(doc).map((h) => linked(h, undefined, profiles)?.handle);
  const appId = /^fb:\/\/(?:profile|page)\/(?:\?id=)?(\d{1,20})/.exec(attr(doc, 'meta[property="al:android:url"]') ?? '')?.[1];
  if (shown.includes(want.handle) || (wantId && appId === wantId)) {
    found.push(...shown, idOf(appId));
    name = og(doc, 'title');
    confirmed = 1;
  }

  // Inline JSON from the server render: bounded regexes over script text only, never serialised markup.
  const delegates: [string, string][] = [];
  for (const script of doc.querySelectorAll(SCRIPTS)) {
    const t = script.textContent ?? '';
    // Several pairs can appear (e.g. the logged-in viewer's); only the URL's own one counts.
    if (t.includes('"userVanity"')) {
      for (const [, pid, raw] of t.matchAll(/"userID":"(\d{1,20})","userVanity":"([^"\\]{1,80})"/g)) {
        const v = vanity(raw);
        if (v === want.handle || pid === wantId) {
          found.push(v, `id:${pid}`);
          confirmed = 1;
        }
      }
    }
    if (wantId && (t.includes(`"userID":"${wantId}"`) || t.includes(`"pageID":"${wantId}"`))) confirmed = 1;
    const delegate =
      t.includes('"delegate_page"') && /"profile_user":\{[^{}]{0,400}"delegate_page":\{"id":"(\d{1,20})"/.exec(t)?.[1];
    if (delegate) delegates.push([delegate, t]);
  }
  if (!confirmed) return null;

  const id = found.find((h) => h && idNumber(h));
  name ||= (q(doc, SEL.name) ?? q(doc, 'h1'))?.textContent;
  return named(
    'facebook',
    [
      found.find((h) => h && !idNumber(h)),
      id,
      // A Page's classic id (`delegate_page`, §3 "pageID") is only taken from a script that also names
      // the confirmed profile id, so a leftover script from an earlier page cannot contribute it.
      ...delegates.map(([d, t]) => id && t.includes(`"userID":"${id.slice(3)}"`) && `id:${d}`),
    ],
    name?.trim(),
  );
};

// A profile's own page, not one of its sub-pages: the timestamp link of a post or comment
// (`/<vanity>/posts/…`, `/<vanity>/videos/…?comment_id=`) names the page owner, not the writer.
const ROOT_LENGTH: Record<string, number> = { people: 3, pages: 3, profile: 2, p: 2, pg: 2 };
const profilePages: Site = {
  hosts: HOSTS,
  detect(u) {
    const s = segments(u);
    return s && s.length === (ROOT_LENGTH[lower(s[0]) ?? ''] ?? 1) ? detect(u) : null;
  },
};

export const facebookSite = site(
  'facebook',
  HOSTS,
  detect,
  fromPage,
  /**
   * Post authors (first profile link of each article heading) and comment authors (first
   * `comment_id` profile link of each comment article; replies are articles of their own).
   * Hashtags and groups detect as null, `l.facebook.com` shims are another host, and the viewer's
   * own shortcut and the comment composer sit outside headings and carry no comment_id.
   */
  (root, url) =>
    authors(root, url, `${HEADING},${SEL.comment}`, profilePages, (a, _, seen) =>
      once(seen, a.closest('h2,h3,h4,h5') ?? a.closest(SEL.article)),
    ),
  (handle) => `https://www.facebook.com/${handle.startsWith('id:') ? `profile.php?id=${enc(handle.slice(3))}` : enc(handle)}`,
  // A post permalink renders its post as an article with the author in a heading.
  'post-author',
  HEADING,
  (url) => lower(segments(url)?.[1]) === 'posts',
);

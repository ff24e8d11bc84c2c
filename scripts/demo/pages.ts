// Small, self-contained profile pages (no external assets, no script files) shaped like the real
// markup Kindred reads (see ../../../shared/fixtures/pages: x/profile-kikobeats-loggedout.html and
// facebook/page-heymeedan-comet-loggedout.html), served at the real URLs by scripts/lib/harness.ts.
// Used by `npm start`, `npm run demo` and the e2e tests (synthetic profiles, SPA navigation).
import { escapeHtml, type SiteResponse, type SiteRoutes } from '../lib/harness';

export interface XProfile {
  platform: 'x';
  /** Screen name as the site shows it (case kept). */
  handle: string;
  name: string;
  /** Numeric user id (JSON-LD `identifier`). */
  id: string;
  bio?: string;
  location?: string;
}

export interface FacebookProfile {
  platform: 'facebook';
  name: string;
  /** Numeric profile id. */
  id: string;
  /** Vanity (`ada.okafor`); without one the profile lives at /profile.php?id=<id>. */
  vanity?: string;
  bio?: string;
}

export type DemoProfile = (XProfile | FacebookProfile) & {
  /** What the demo data set says about this person (for the demo's printout and checks). */
  expect: { known: true; name: string } | { known: false };
  slug: string;
};

export const demoProfiles: DemoProfile[] = [
  {
    platform: 'x', handle: 'adaokafor', name: 'Ada Okafor', id: '1500000001', slug: 'x-adaokafor',
    bio: 'Community organiser. Food bank volunteer every Saturday. Views my own.', location: 'Leeds, UK',
    expect: { known: true, name: 'Ada Okafor' },
  },
  {
    platform: 'x', handle: 'mlindqvist', name: 'Marcus Lindqvist', id: '1500000002', slug: 'x-mlindqvist',
    bio: 'Architect, cyclist, occasional baker.', location: 'Göteborg',
    expect: { known: true, name: 'Marcus Lindqvist' },
  },
  {
    platform: 'x', handle: 'jordanpike', name: 'Jordan Pike', id: '1500000099', slug: 'x-jordanpike',
    bio: 'Coffee, code and long walks.', location: 'Bristol',
    expect: { known: false },
  },
  {
    platform: 'facebook', vanity: 'ada.okafor', id: '100004500000001', name: 'Ada Okafor', slug: 'facebook-ada-okafor',
    bio: 'Leeds · Community organiser', expect: { known: true, name: 'Ada Okafor' },
  },
  {
    platform: 'facebook', id: '100004512345678', name: 'Priya Raman', slug: 'facebook-priya-raman',
    bio: 'Teacher · Manchester', expect: { known: true, name: 'Priya Raman' },
  },
  {
    platform: 'facebook', vanity: 'sam.oyelaran', id: '100004599999999', name: 'Sam Oyelaran', slug: 'facebook-sam-oyelaran',
    bio: 'Photographer', expect: { known: false },
  },
];

export const profileUrl = (p: XProfile | FacebookProfile): string =>
  p.platform === 'x'
    ? `https://x.com/${p.handle}`
    : p.vanity
      ? `https://www.facebook.com/${p.vanity}`
      : `https://www.facebook.com/profile.php?id=${p.id}`;

export const X_HOME_URL = 'https://x.com/home';

// In-page ("SPA") navigation: fetch the target page, push its URL and swap the document in place,
// the way X and Facebook change profile without a reload. Back/forward reloads the page.
const spaNavigate = (href: string): string =>
  `(async function(){var r=await fetch(${JSON.stringify(href)});` +
  `var d=new DOMParser().parseFromString(await r.text(),'text/html');` +
  `history.pushState({},'',${JSON.stringify(href)});` +
  `document.documentElement.replaceChildren(document.adoptNode(d.head),document.adoptNode(d.body));})()`;

const STYLE = `
  *{box-sizing:border-box} body{margin:0;font:15px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#0f1419;background:#fff}
  .demo-nav{display:flex;flex-wrap:wrap;gap:6px 14px;align-items:center;padding:8px 16px;background:#fff8e1;border-bottom:1px solid #f0d98c;font-size:13px}
  .demo-nav strong{margin-right:6px} .demo-nav a{color:#1d4ed8} .demo-nav button{font:inherit;padding:2px 8px;cursor:pointer}
  main{max-width:600px;margin:0 auto;border-left:1px solid #eff3f4;border-right:1px solid #eff3f4;min-height:100vh}
  .banner{height:150px} .avatar{width:96px;height:96px;border-radius:50%;border:4px solid #fff;margin:-48px 0 0 16px;display:grid;place-items:center;color:#fff;font-size:36px;font-weight:700}
  .who{padding:8px 16px 16px} .who h1,.who .name{font-size:20px;font-weight:800;margin:4px 0 0} .muted{color:#536471}
  .stats{display:flex;gap:16px;margin-top:10px} .stats b{color:#0f1419}
  .tabs{display:flex;border-bottom:1px solid #eff3f4} .tabs span{flex:1;text-align:center;padding:14px 0;color:#536471} .tabs span:first-child{color:#0f1419;font-weight:700;border-bottom:3px solid #1d9bf0}
  article{padding:12px 16px;border-bottom:1px solid #eff3f4}
  .fb{background:#f0f2f5} .fb main{background:#fff;max-width:900px;border:0} .fb .banner{height:220px;border-radius:0 0 8px 8px}
  .fb .avatar{width:140px;height:140px;margin:-70px 0 0 24px;font-size:52px} .fb h1{font-size:30px;margin:4px 0}
  .fb header.top{background:#fff;padding:10px 16px;color:#1877f2;font-weight:800;font-size:24px;box-shadow:0 1px 2px rgba(0,0,0,.1)}
`;

const colour = (seed: string, alpha = 1): string => {
  let h = 0;
  for (const c of seed) h = (h * 31 + c.charCodeAt(0)) % 360;
  return `hsl(${h} 55% 45% / ${alpha})`;
};
const initials = (name: string): string =>
  name.split(/\s+/).filter(Boolean).slice(0, 2).map((w) => w[0]!.toUpperCase()).join('');

/** The nav every demo page carries: plain links to the others, plus in-page (SPA) navigation. */
function demoNav(current: string, pages: readonly DemoProfile[]): string {
  const links = pages
    .filter((p) => profileUrl(p) !== current)
    .map((p) => `<a href="${escapeHtml(profileUrl(p))}">${escapeHtml(p.platform === 'x' ? `@${p.handle}` : `fb/${p.vanity ?? `id ${p.id}`}`)}</a>`);
  const here = new URL(current);
  const sameHost = pages.filter((p) => new URL(profileUrl(p)).host === here.host && profileUrl(p) !== current);
  const spa = sameHost[0];
  const button = spa
    ? `<button type="button" onclick="${escapeHtml(spaNavigate(new URL(profileUrl(spa)).pathname + new URL(profileUrl(spa)).search))}">In-page navigation → ${escapeHtml(spa.name)}</button>`
    : '';
  return `<nav class="demo-nav" aria-label="Kindred demo pages"><strong>Kindred demo</strong>${links.join('')}${
    here.host === 'x.com' && here.pathname !== '/home' ? '<a href="https://x.com/home">x.com/home</a>' : ''
  }${button}</nav>`;
}

function page(opts: { title: string; head?: string; body: string; bodyClass?: string; url: string; pages: readonly DemoProfile[] }): string {
  return `<!DOCTYPE html>
<html lang="en" dir="ltr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(opts.title)}</title>${opts.head ?? ''}<style>${STYLE}</style></head>
<body class="${opts.bodyClass ?? ''}" onpopstate="location.reload()">${demoNav(opts.url, opts.pages)}${opts.body}</body></html>`;
}

const jsonLd = (value: unknown): string => JSON.stringify(value).replace(/</g, '\\u003c');

/** An X profile as logged-out x.com serves it: JSON-LD (react-helmet), UserName header, title. */
export function xProfilePage(p: XProfile, pages: readonly DemoProfile[] = demoProfiles): string {
  const url = `https://x.com/${p.handle}`;
  const ld = {
    '@context': 'http://schema.org',
    '@type': 'ProfilePage',
    dateCreated: '2012-03-14T09:26:53.000Z',
    mainEntity: {
      '@type': 'Person',
      additionalName: p.handle,
      description: p.bio ?? '',
      homeLocation: { '@type': 'Place', name: p.location ?? '' },
      identifier: p.id,
      name: p.name,
      url,
      interactionStatistic: [
        { '@type': 'InteractionCounter', interactionType: 'https://schema.org/FollowAction', name: 'Follows', userInteractionCount: 412 },
        { '@type': 'InteractionCounter', interactionType: 'https://schema.org/SubscribeAction', name: 'Friends', userInteractionCount: 301 },
      ],
    },
    relatedLink: [],
  };
  const body = `<main role="main">
  <div class="banner" style="background:${colour(p.handle, 0.25)}"></div>
  <div class="avatar" style="background:${colour(p.handle)}" aria-hidden="true">${escapeHtml(initials(p.name))}</div>
  <div class="who">
    <div data-testid="UserName"><div><span class="name">${escapeHtml(p.name)}</span></div><div><span class="muted">@${escapeHtml(p.handle)}</span></div></div>
    <div data-testid="UserDescription"><span>${escapeHtml(p.bio ?? '')}</span></div>
    <div class="muted" data-testid="UserProfileHeader_Items"><span data-testid="UserLocation">${escapeHtml(p.location ?? '')}</span> · Joined March 2012</div>
    <div class="stats muted"><span><b>301</b> Following</span><span><b>412</b> Followers</span></div>
  </div>
  <div class="tabs" role="tablist"><span role="tab">Posts</span><span role="tab">Replies</span><span role="tab">Media</span></div>
  <section aria-label="Timeline: ${escapeHtml(p.name)}’s posts">
    ${tweet(p, '2h', 'Thanks to everyone who came along on Saturday. See you at the next one!')}
    ${tweet(p, '1d', 'Reading list for the weekend is getting long.')}
  </section>
</main>`;
  return page({
    title: `${p.name} (@${p.handle}) / X`,
    head: `<meta property="og:title" content="${escapeHtml(`${p.name} (@${p.handle}) on X`)}"><link rel="canonical" href="${escapeHtml(url)}">` +
      `<script type="application/ld+json" data-testid="UserProfileSchema-test" data-rh="true">${jsonLd(ld)}</script>`,
    body,
    url,
    pages,
  });
}

/** A Facebook profile as Comet serves it logged out: og:* and app-link metas, an h1 with the name. */
export function facebookProfilePage(p: FacebookProfile, pages: readonly DemoProfile[] = demoProfiles): string {
  const url = profileUrl(p);
  const head = [
    `<meta property="og:title" content="${escapeHtml(p.name)}">`,
    `<meta property="og:url" content="${escapeHtml(url)}">`,
    `<meta property="og:type" content="profile">`,
    `<meta property="og:description" content="${escapeHtml(p.bio ?? '')}">`,
    `<meta property="al:android:url" content="fb://profile/${escapeHtml(p.id)}">`,
    `<meta property="al:ios:url" content="fb://profile/?id=${escapeHtml(p.id)}">`,
    `<link rel="canonical" href="${escapeHtml(url)}">`,
  ].join('');
  const body = `<header class="top">facebook</header>
<main role="main">
  <div class="banner" style="background:${colour(p.name, 0.3)}"></div>
  <div class="avatar" style="background:${colour(p.name)}" aria-hidden="true">${escapeHtml(initials(p.name))}</div>
  <div class="who"><h1>${escapeHtml(p.name)}</h1><div class="muted">${escapeHtml(p.bio ?? '')}</div>
    <div class="stats muted"><span><b>1.2K</b> friends</span></div></div>
  <div class="tabs" role="tablist"><span role="tab">Posts</span><span role="tab">About</span><span role="tab">Photos</span></div>
  <div role="feed"><article>${escapeHtml(p.name)} shared a memory. <span class="muted">3 days ago</span><p>What a turnout at the community garden!</p></article></div>
</main>`;
  return page({ title: `${p.name} | Facebook`, head, body, bodyClass: 'fb', url, pages });
}

/** A post with X's author block (`User-Name`: name link, then @handle), as on the live site. */
function tweet(p: { name: string; handle: string }, age: string, text: string, mention?: string): string {
  const body = mention
    ? `${escapeHtml(text)} Thanks <a href="/${escapeHtml(mention)}">@${escapeHtml(mention)}</a>!`
    : escapeHtml(text);
  return `<article data-testid="tweet"><div data-testid="User-Name"><a href="/${escapeHtml(p.handle)}"><b>${escapeHtml(p.name)}</b></a> ` +
    `<span class="muted">@${escapeHtml(p.handle)} · ${age}</span></div><p data-testid="tweetText">${body}</p></article>`;
}

/** x.com/home: a timeline, not a profile. */
export function xHomePage(pages: readonly DemoProfile[] = demoProfiles): string {
  const people = pages.filter((p): p is DemoProfile & XProfile => p.platform === 'x');
  // Known and unknown authors, and a mention inside a post (mentions are not authors: no badge).
  const mention = people[people.length - 1];
  const posts = people
    .map((p, i) =>
      tweet(p, `${i + 1}h`, 'Great turnout at the food bank drive this weekend.', i === 0 && mention ? mention.handle : undefined),
    )
    .join('');
  return page({ title: 'Home / X', body: `<main role="main"><h2 style="padding:0 16px">Home</h2>${posts}</main>`, url: X_HOME_URL, pages });
}

/** Routes for every demo page at its real URL; null for anything else (404). */
export function demoRoutes(pages: readonly DemoProfile[] = demoProfiles): SiteRoutes {
  return (url: URL): SiteResponse | null => {
    const host = url.hostname.replace(/^(www|mobile|m)\./, '');
    const path = url.pathname.replace(/\/+$/, '').toLowerCase();
    if (host === 'x.com' || host === 'twitter.com') {
      if (path === '/home') return { body: xHomePage(pages) };
      const p = pages.find((d) => d.platform === 'x' && `/${d.handle.toLowerCase()}` === path);
      return p && p.platform === 'x' ? { body: xProfilePage(p, pages) } : null;
    }
    if (host === 'facebook.com') {
      const id = path === '/profile.php' ? url.searchParams.get('id') : null;
      const p = pages.find(
        (d) => d.platform === 'facebook' && (id ? !d.vanity && d.id === id : d.vanity && `/${d.vanity.toLowerCase()}` === path),
      );
      return p && p.platform === 'facebook' ? { body: facebookProfilePage(p, pages) } : null;
    }
    return null;
  };
}

import type { Identity } from '../identity';
import type { AuthorLink, PageProfile, SiteAdapter } from './types';
import { enc, identity, segments, words } from './url';

// Every selector this adapter relies on, each with the page it was checked against:
// real = shared/fixtures/pages/github (SOURCES.md), unit = tests/fixtures/sites/github.
const SEL = {
  // Authors: classic timeline/commit headers `a.author` (unit issue-classic.html); React issue view
  // body author and comment author links (real issue-kepano-defuddle-56-loggedout.html:
  // `issue-body-header-author`, and `avatar-link`, which despite its name is the login text link);
  // hovercard user links (real repo-marzipanify-loggedin-sdoire.html contributors and commit avatars).
  author:
    'a.author,a[data-testid="issue-body-header-author"],a[data-testid="avatar-link"],a[data-hovercard-type="user"]',
  // Not authors: @mentions in Markdown (`a.user-mention`, real issue page), the repository owner in
  // the repo header (`a.url.fn[rel=author]`, both real pages), site chrome.
  skip: '.user-mention,.markdown-body,.comment-body,[rel="author"],header,nav,footer,.AppHeader,.Header,.footer',
  // Classic timeline: the avatar beside a comment duplicates its `a.author` name link (unit).
  timeline: '.TimelineItem,.timeline-comment-group,.js-comment-container',
  // The signed-in viewer (real repo page: `sdoire`; empty when logged out).
  viewer: 'meta[name="user-login"]',
} as const;

const LOGIN = /^[a-z0-9][a-z0-9-]{0,38}$/;
// Mottie/github-reserved-names@f1095c6 reserved-names.json (§2 GitHub), minus the names the login
// rule already rejects; HTTP status codes and www0–www9 are matched by pattern to keep this short.
const RESERVED = words(
  'about access account admin advisories anonymous any api apps attributes auth billing blob blog bounty ' +
    'branches business businesses c cache case-studies categories central certification changelog chat cla ' +
    'cloud codereview collection collections comments commit commits community companies compare contact ' +
    'contributing cookbook coupons customer-stories customer customers dashboard dashboards design develop ' +
    'developer diff discover discussions docs downloads downtime editor editors edu enterprise events explore ' +
    'featured features files fixtures forked garage ghost gist gists graphs guide guides help help-wanted home ' +
    'hooks hosting hovercards identity images inbox individual info integration interfaces introduction ' +
    'invalid-email-address investors issues jobs join journal journals lab labs languages launch layouts learn ' +
    'legal library linux listings lists login logos logout mac maintenance malware man marketplace mention ' +
    'mentioned mentioning mentions migrating milestones mine mirrors mobile navigation network new news none ' +
    'nonprofit nonprofits notices notifications oauth offer open-source organisations organizations orgs pages ' +
    'partners payments personal plans plugins popular popularity posts press pricing professional projects ' +
    'pulls raw readme recommendations redeem releases render reply repositories resources restore revert ' +
    'save-net-neutrality saved scraping search security services sessions settings shareholders shop showcases ' +
    'signin signup site spam sponsors ssh staff starred stars static status statuses storage store stories ' +
    'styleguide subscriptions suggest suggestion suggestions support suspended talks teach teacher teachers ' +
    'teaching team teams ten terms timeline topic topics tos tour train training translations tree trending ' +
    'updates username users visualization w watching wiki windows works-with',
);
const RESERVED_PATTERN = /^(?:30[02]|4[0-2]\d|43[01]|50\d|51[01]|69[3-5]|900|www\d)$/;
const HOSTS = ['github.com', 'www.github.com'];

/** §1 login rule: lowercase, valid, not a reserved route. */
const login = (raw: string | null | undefined): string | null => {
  const l = raw?.toLowerCase();
  return l && LOGIN.test(l) && !RESERVED.has(l) && !RESERVED_PATTERN.test(l) ? l : null;
};

// §2 GitHub: a profile is exactly one segment (`/<owner>/<repo>` is a repository); `?tab=` is ignored.
function detect(url: URL): Identity | null {
  const s = segments(url);
  return identity('github', s?.length === 1 ? login(s[0]) : null);
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

function authorLinks(root: ParentNode, url: URL): AuthorLink[] {
  const out: AuthorLink[] = [];
  const doc = (root as Node).ownerDocument ?? (root as Document);
  const viewer = doc.querySelector?.(SEL.viewer)?.getAttribute('content')?.trim().toLowerCase();
  for (const a of [...((root as Element).matches?.(SEL.author) ? [root as Element] : []), ...root.querySelectorAll(SEL.author)]) {
    if (a.closest(SEL.skip) || (a.querySelector('img') && !a.matches('.author') && a.closest(SEL.timeline))) continue;
    const id = linked(a.getAttribute('href'), url);
    if (id && id.handle !== viewer) out.push({ element: a, identity: id });
  }
  return out;
}

const meta = (doc: Document, name: string): string =>
  doc.querySelector(`meta[name="${name}"]`)?.getAttribute('content') ?? '';

/**
 * §3 GitHub: a profile page names its owner in og:url (with the login's real casing), in the vcard
 * `span.p-nickname`, and in the octolytics login when the hovercard subject is a user. Turbo
 * navigation rewrites the head, and the issue page's octolytics login is the repository owner, so
 * that last one only counts together with a `user:` hovercard subject. `meta[name=user-login]` is
 * the viewer and is never used.
 */
function fromDocument(doc: Document, url: URL): PageProfile | null {
  const want = detect(url);
  const shown = [
    linked(doc.querySelector('meta[property="og:url"]')?.getAttribute('content'), url)?.handle,
    doc.querySelector('span.p-nickname')?.textContent?.trim().toLowerCase(),
    meta(doc, 'hovercard-subject-tag').startsWith('user:') && meta(doc, 'octolytics-dimension-user_login').toLowerCase(),
  ];
  return want && shown.includes(want.handle)
    ? { identities: [want], displayName: doc.querySelector('span.p-name')?.textContent?.trim() || null }
    : null;
}

export const githubSite: SiteAdapter = {
  platform: 'github',
  hosts: HOSTS,
  detect,
  fromDocument,
  authorLinks,
  probes: [
    {
      // An issue always shows who opened it: React issue view (real issue page) or the classic
      // timeline header. Pull requests are left out: their conversation view is being rebuilt.
      name: 'github-issue-author',
      selector: '[data-testid="issue-body-header-author"],a.author',
      expectedOn: (url) => /^\/[^/]+\/[^/]+\/issues\/\d+\/?$/.test(url.pathname),
    },
  ],
  profileUrl: (handle) => `https://github.com/${enc(handle)}`,
};

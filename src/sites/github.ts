import type { Identity } from '../identity';
import { attr, authors, og, profile, q, site, text } from './dom';
import { enc, identity, linked, lower, prefixed, segments, valid } from './url';

// Every selector this adapter relies on, each with the page it was checked against:
// real = shared/fixtures/pages/github (SOURCES.md), unit = tests/fixtures/sites/github.
// A `const enum`: esbuild writes each selector where it is used, so the names cost no bytes.
const enum SEL {
  // Authors: classic timeline/commit headers `a.author` (unit issue-classic.html); React issue view
  // body author and comment author links (real issue-kepano-defuddle-56-loggedout.html:
  // `issue-body-header-author`, and `avatar-link`, which despite its name is the login text link);
  // hovercard user links (real repo-marzipanify-loggedin-sdoire.html contributors and commit avatars).
  author = 
    'a.author,a[data-testid="issue-body-header-author"],a[data-testid="avatar-link"],a[data-hovercard-type="user"]',
  // Not authors: @mentions in Markdown (`a.user-mention`, real issue page), the repository owner in
  // the repo header (`a.url.fn[rel=author]`, both real pages), site chrome.
  skip = '.user-mention,.markdown-body,.comment-body,[rel="author"],header,nav,footer,.AppHeader,.Header,.footer',
  // Classic timeline: the avatar beside a comment duplicates its `a.author` name link (unit).
  timeline = '.TimelineItem,.timeline-comment-group,.js-comment-container',
  // The signed-in viewer (real repo page: `sdoire`; empty when logged out).
  viewer = 'meta[name="user-login"]',
  // An issue always shows who opened it: React issue view (real issue page) or the classic
  // timeline header (health probe).
  issue = '[data-testid="issue-body-header-author"],a.author',
  // Profile page vcard: login and name (unit profile.html).
  nickname = 'span.p-nickname',
  name = 'span.p-name',
}

// Mottie/github-reserved-names@f1095c6 reserved-names.json (§2 GitHub), minus the names the login
// rule already rejects, front-coded (url.ts `prefixed`): `0about1ccess3ount` is about, access, account.
const RESERVED = prefixed(
  '0about1ccess3ount1dmin2visories1nonymous2y1pi2ps1ttributes1uth' +
    '0billing1lob3g1ounty1ranches1usiness8es' +
    '0c1ache2se-studies2tegories1entral2rtification1hangelog3t1la2oud1odereview2llection9ns2mments4it6s' +
    '4unity3panies5re2ntact4ributing2okbook2upons1ustomer8-stories8s' +
    '0dashboard9s1esign2velop7er1iff2scover4ussions1ocs2wnloads4time' +
    '0editor6s2u1nterprise1vents1xplore' +
    '0featured7s1iles2xtures1orked' +
    '0garage1host1ist4s1raphs1uide5s' +
    '0help4-wanted1ome2oks2sting2vercards' +
    '0identity1mages1nbox2dividual2fo2tegration4rfaces3roduction2valid-email-address3estors1ssues' +
    '0jobs2in2urnal7s' +
    '0lab3s2nguages2unch2youts1earn2gal1ibrary2nux2stings4s1ogin3os4ut' +
    '0mac2intenance2lware2n2rketplace1ention7ed7ing7s1igrating2lestones2ne2rrors1obile' +
    '0navigation1etwork2w3s1one3profit9s2tices4fications' +
    '0oauth1ffer1pen-source1rganisations6zations3s' +
    '0pages2rtners2yments1ersonal1lans2ugins1opular7ity2sts1ress2icing2ofessional3jects1ulls' +
    '0raw1eadme2commendations2deem2leases2nder2ply3ositories2sources3tore2vert' +
    '0save-net-neutrality4d1craping1earch2curity2rvices2ssions2ttings1hareholders2op3wcases1ignin4up2te' +
    '1pam2onsors1sh1taff3rred4s3tic4us6es2orage4e4ies2yleguide1ubscriptions2ggest7ion9ns2pport2spended' +
    '0talks1each5er7s5ing3m4s2n2rms1imeline1opic5s2s2ur1rain5ing3nslations2ee3nding' +
    '0updates1sername4s' +
    '0visualization' +
    '0w1atching1iki2ndows1orks-with',
);
// §1 login rule `^[a-z0-9][a-z0-9-]{0,38}$`; the lookahead is the rest of the reserved names (HTTP
// status codes and www0–www9), matched by pattern to keep the list short.
const LOGIN = /^(?!(?:30[02]|4[0-2]\d|43[01]|50\d|51[01]|69[3-5]|900|www\d)$)[a-z0-9][a-z0-9-]{0,38}$/;

// §2 GitHub: a profile is exactly one segment (`/<owner>/<repo>` is a repository); `?tab=` is ignored.
const detect = (url: URL): Identity | null => {
  const s = segments(url);
  return identity('github', s?.length === 1 && valid(LOGIN, s[0], RESERVED));
};

const meta = (doc: Document, name: string): string => attr(doc, `meta[name="${name}"]`) ?? '';

export const githubSite = site(
  'github',
  ['github.com', 'www.github.com'],
  detect,
  /**
   * §3 GitHub: a profile page names its owner in og:url (with the login's real casing), in the vcard
   * `span.p-nickname`, and in the octolytics login when the hovercard subject is a user. Turbo
   * navigation rewrites the head, and the issue page's octolytics login is the repository owner, so
   * that last one only counts together with a `user:` hovercard subject. `meta[name=user-login]` is
   * the viewer and is never used.
   */
  (doc, url, want) =>
    [
      linked(og(doc, 'url'), url, githubSite, 0, 1)?.handle,
      lower(text(q(doc, SEL.nickname))),
      meta(doc, 'hovercard-subject-tag').startsWith('user:') && meta(doc, 'octolytics-dimension-user_login').toLowerCase(),
    ].includes(want.handle)
      ? profile([want], text(q(doc, SEL.name)))
      : null,
  (root, url) => {
    const viewer = lower(attr((root as Node).ownerDocument ?? root, SEL.viewer)?.trim());
    return authors(
      root,
      url,
      SEL.author,
      githubSite,
      (a, id) =>
        !a.closest(SEL.skip) &&
        !(q(a, 'img') && !a.matches('.author') && a.closest(SEL.timeline)) &&
        id.handle !== viewer,
      0,
      1,
    );
  },
  (handle) => `https://github.com/${enc(handle)}`,
  // Pull requests are left out: their conversation view is being rebuilt.
  'github-issue-author',
  SEL.issue,
  (url) => /^\/[^/]+\/[^/]+\/issues\/\d+\/?$/.test(url.pathname),
);

import type { Identity } from '../identity';
import { named, profile, q, site, text, within } from './dom';
import type { AuthorLink, PageProfile } from './types';
import { enc, idNumber, idOf, identity, linked, lowered, prefixed, segments, str, valid } from './url';

// Author-link anchors (sites.md §5 X), each checked against the saved pages named beside it
// (shared/fixtures/pages/x, SOURCES.md) and tests/fixtures/sites/x/timeline.html.
// A `const enum`: esbuild writes each selector where it is used, so the names cost no bytes.
const enum SEL {
  // Tweet header: display-name link, @handle link, then the time/status link. Quoted tweets have
  // the same block without any link (the quote is one `div[role=link]`).
  // home-timeline-loggedin-regenerate, status-bigtechalert-loggedout, status-badlogicgames-quote-loggedout
  tweet = '[data-testid="User-Name"]',
  // "Who to follow" / followers / search-people rows. home-timeline-loggedin-regenerate
  cell = '[data-testid="UserCell"]',
  // Hover card, a portal under #layers (sites.md §5). No saved capture: timeline.html fixture only.
  card = '[data-testid="HoverCard"]',
  // Avatar wrapper inside rows/cards, `UserAvatar-Container-<handle>`. home-timeline-loggedin-regenerate
  avatar = '[data-testid^="UserAvatar-Container"]',
  // Profile JSON-LD and header (sites.md §3). profile-kikobeats-loggedout, profile-javilop-loggedout
  ld = 'script[data-testid="UserProfileSchema-test"]',
  header = '[data-testid="UserName"]',
}
const TWEET: string = SEL.tweet;

// sites.md §2 X "Reserved first segments": union of the Mask, nitter and danbooru lists plus the
// observed routes the notes add, front-coded (url.ts `prefixed`); `404` is in the handle rule below.
// `i` and `intent` are routes with their own rules below.
const RESERVED = prefixed(
  '0about1ccount0compose0display1ownload0explore0follower_requests0gif0hashtag1ome0i1ntent0jobs' +
    '0keyboard_shortcuts0lists1ogin3out0mentions2ssages0notifications0personalization1ic1rivacy0rules' +
    '0search6-advanced7home2ssion2ttings1hare1ignup0tos1witterblue0video0webview2lcome' +
    '0your_twitter_data',
);

/**
 * §1 x rule: strip one leading `@`, lowercase, validate (1–15: old accounts are shorter than
 * today's 4-character minimum, §2), reject reserved routes (and `404`).
 */
export const screenName = (raw: string | null | undefined): string | null =>
  valid(/^(?!404$)[a-z0-9_]{1,15}$/, raw?.replace(/^@/, ''), RESERVED);

const x = (handle: string | null | undefined | false): Identity | null => identity('x', handle);

const detect = (url: URL): Identity | null => {
  const s = lowered(url);
  const [first, kind] = s;
  const q = url.searchParams;
  const name = q.get('screen_name');
  return x(
    // §2: under /i/ only /i/user/<digits> names a person (/i/web/status/<id> has no author).
    first === 'i'
      ? s.length === 3 && kind === 'user' && idOf(s[2])
      : // §2 intents: only user/follow identify someone; a bad screen_name does not fall back (§1 rule 4).
        first === 'intent'
        ? s.length === 2 && (kind === 'user' || kind === 'follow') && (name !== null ? screenName(name) : idOf(q.get('user_id')))
        : // §1 rule 5: /<h>/status/<id>, /<h>/media, /<h>/followers… all belong to <h>.
          screenName(first),
  );
};

/**
 * §3 X. The JSON-LD is a react-helmet tag (`data-rh`) that is rewritten when a profile renders, so
 * after pushState the previous profile's copy can still be there: it only counts when it names the
 * URL's account, and a mismatch means "not yet" (null), never "someone else".
 */
const fromPage = (doc: Document, _: URL, want: Identity): PageProfile | null => {
  const byId = idNumber(want.handle);
  const ld = q(doc, SEL.ld);
  let person: Record<string, unknown> | null | undefined;
  try {
    person = ld && JSON.parse(ld.textContent ?? '').mainEntity;
  } catch {
    // not JSON: no person
  }
  if (person) {
    const handle = screenName(str(person.additionalName));
    const id = idOf(str(person.identifier));
    return handle && want.handle === (byId ? id : handle) ? named('x', [handle, id], str(person.name)?.trim()) : null;
  }
  // Without JSON-LD nothing on the page ties a screen name to a numeric id.
  if (byId) return null;

  // Header block: decided by the header alone, because after pushState the title can already name
  // the new profile while the old header is still on screen.
  const header = q(doc, SEL.header);
  if (header) {
    const spans = [...header.querySelectorAll('span')];
    const own = spans.some((span) => {
      const t = text(span);
      return t?.[0] === '@' && screenName(t) === want.handle;
    });
    return own ? profile([want], text(spans[0])) : null;
  }
  // CPFT's `isOnProfilePage` check (§3): the title reads `Name (@handle) / X`.
  const m = /^(?:\(\d+\+?\) )?(.*) \(@(\w{1,15})\)(?: \/ [^/]*)?$/.exec(doc.title.trim());
  return m && screenName(m[2]) === want.handle ? profile([want], m[1]?.trim()) : null;
};

/**
 * One entry per tweet (its display-name link; the @handle and time links repeat the author), per
 * list row and per hover card. Quoted tweets count: their author wrote the quoted text, and the
 * block shows them by name. A quote has no profile link, so its entry is the `@handle` span and the
 * identity comes from that text. Mentions (`tweetText`), "X reposted" (`socialContext`) and the
 * viewer's own `AppTabBar_Profile_Link` / `SideNav_AccountSwitcher_Button` sit outside these
 * blocks and are never looked at.
 */
const authorLinks = (root: ParentNode, url: URL): AuthorLink[] => {
  const out: AuthorLink[] = [];
  for (const box of within(root, `${TWEET},${SEL.cell},${SEL.card}`)) {
    const tweet = box.matches(TWEET);
    // Row or card: the first link outside the avatar is the name (bio mentions and "followed by"
    // links come after it). A row holding a tweet is left to the tweet.
    let element = tweet
      ? q(box, 'a[href]')
      : q(box, TWEET)
        ? null
        : [...box.querySelectorAll('a[href]')].find((a) => !a.closest(SEL.avatar));
    let who = linked(element?.getAttribute('href'), url, xSite);
    if (tweet && !element) {
      // Quoted tweet: the last `@handle` span (a display name may itself start with `@`).
      for (const span of box.querySelectorAll('span')) {
        const h = span.textContent?.[0] === '@' && !span.firstElementChild && screenName(span.textContent);
        if (h) [element, who] = [span, x(h)];
      }
    }
    if (element && who) out.push({ element, identity: who });
  }
  return out;
};

export const xSite = site(
  'x',
  ['x.com', 'twitter.com'].flatMap((d) => [d, `www.${d}`, `mobile.${d}`, `m.${d}`]),
  detect,
  fromPage,
  authorLinks,
  (handle) => `https://x.com/${handle.startsWith('id:') ? `i/user/${enc(handle.slice(3))}` : enc(handle)}`,
  // Every rendered tweet detail page shows its author's header block.
  'tweet-author',
  TWEET,
  (url) => segments(url)?.[1] === 'status',
);

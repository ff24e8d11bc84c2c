import type { Identity } from '../identity';
import type { PageProfile, SiteAdapter } from './types';
import { DIGITS, enc, identity, segments, words } from './url';

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

  const ld = doc.querySelector('script[data-testid="UserProfileSchema-test"]');
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
  const header = doc.querySelector('[data-testid="UserName"]');
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

export const xSite: SiteAdapter = {
  platform: 'x',
  hosts: ['x.com', 'twitter.com'].flatMap((d) => [d, `www.${d}`, `mobile.${d}`, `m.${d}`]),
  detect,
  fromDocument,
  profileUrl: (handle) =>
    handle.startsWith('id:') ? `https://x.com/i/user/${enc(handle.slice(3))}` : `https://x.com/${enc(handle)}`,
};

// Helpers every adapter shares for the URL contract of ../../shared/sites.md §1.
import type { Identity, Platform } from '../identity';
import type { SiteAdapter } from './types';

/**
 * §1 rule 3: split on '/', drop empty segments (so `//torvalds` and trailing slashes do not
 * matter), then decode each one. A malformed escape makes the whole URL unusable (null), so a
 * half-decoded handle can never reach the CRM.
 */
export const segments = (url: URL): string[] | null => {
  try {
    return url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    return null;
  }
};

/** `raw` lowercased, passing null and undefined through. */
export const lower = (raw: string | null | undefined): string | undefined => raw?.toLowerCase();

/** The path segments lowercased (`[]` when the path does not decode, so every rule then fails). */
export const lowered = (url: URL): string[] => (segments(url)?.map(lower) as string[] | undefined) ?? [];

/**
 * A reserved-word list, front-coded for bundle size (§5 of the brief): sorted, and each word written
 * as one digit (how many leading characters it shares with the word before it) plus the rest, so
 * `0about1ccess3ount` is `about access account`. The words themselves hold no digits.
 */
export const prefixed = (list: string): ReadonlySet<string> => {
  let last = '';
  return new Set(list.match(/\d\D*/g)?.map((w) => (last = last.slice(0, +w[0]!) + w.slice(1))));
};

/** `typeof` guard for page data (JSON), which may hold anything. */
export const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** The `<n>` of an `id:<n>` handle (X and Facebook numeric ids), else false. */
export const idNumber = (handle: string): string | false => handle.startsWith('id:') && handle.slice(3);

/** `id:<n>` for a numeric id `n` (X user ids, Facebook profile/page ids), else null. */
export const idOf = (n: string | null | undefined): string | null => (/^\d{1,20}$/.test(n as string) ? `id:${n}` : null);

/** `raw` lowercased (§1 rule 4) when it then passes `rule` and is not `reserved`, else null. */
export const valid = (rule: RegExp, raw: string | null | undefined, reserved?: ReadonlySet<string>): string | null => {
  const value = lower(raw);
  return value && rule.test(value) && !reserved?.has(value) ? value : null;
};

/**
 * Builds `{platform, handle}`, passing null through so adapters can chain validators. Handles over
 * 200 characters are refused here so every result satisfies `identitySchema`.
 */
export const identity = (platform: Platform, handle: string | null | undefined | false): Identity | null =>
  handle && handle.length <= 200 ? { platform, handle } : null;

/** The path segment after an `@` prefix (TikTok, Threads, Mastodon), or null. */
export const atName = (segment: string | undefined): string | null =>
  segment?.[0] === '@' ? segment.slice(1) : null;

/** Encodes one handle for use as a single path segment in a profile URL. */
export const enc = encodeURIComponent;

/** What `linked` needs of a site: its exact hosts and its URL contract. */
export type Site = Pick<SiteAdapter, 'hosts' | 'detect'>;

/**
 * The profile `href` points at by `site`'s own URL contract. Relative hrefs resolve against `base`,
 * the page URL (never `a.href`, whose document base can differ; no base: absolute hrefs only);
 * other hosts and redirect shims (`l.facebook.com`, `t.co`) are not the site's. With `depth`, only a
 * link to the profile page itself counts (`/@u`, not the timestamp link `/@u/post/<id>`).
 * In-page `#…` links are nobody, except with `hash` (GitHub, LinkedIn, Reddit, Mastodon), where
 * they are the page itself, as a browser resolves them.
 */
export const linked = (
  href: string | null | undefined,
  base: URL | undefined,
  site: Site,
  depth?: number,
  hash?: unknown,
): Identity | null => {
  if (!href || (!hash && href[0] === '#')) return null;
  try {
    const u = new URL(href, base);
    return site.hosts.includes(u.hostname) && (!depth || segments(u)?.length === depth) ? site.detect(u) : null;
  } catch {
    return null;
  }
};

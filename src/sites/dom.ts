// DOM helpers every adapter shares: the author-link scan of sites.md §5 and the <head> reading of §3.
import type { Identity, Platform } from '../identity';
import type { AuthorLink, PageProfile, Probe, SiteAdapter } from './types';
import { linked, lower, segments, type Site } from './url';

/** Inline scripts (server-rendered JSON), never external ones. */
export const SCRIPTS = 'script:not([src])';

/** The first match of `selector` in `root`. */
export const q = (root: ParentNode, selector: string): Element | null => root.querySelector(selector);

/** An attribute of the first match, `content` by default (meta tags). */
export const attr = (doc: ParentNode, selector: string, name = 'content'): string | null =>
  q(doc, selector)?.getAttribute(name) ?? null;

/** An `og:<name>` meta tag's content. */
export const og = (doc: ParentNode, name: string): string | null => attr(doc, `meta[property="og:${name}"]`);

/** The canonical link. */
export const canonical = (doc: ParentNode): string | null => attr(doc, 'link[rel="canonical"]', 'href');

/** The <head> tags several sites name their profile in (sites.md §3): canonical link and og:url. */
export const heads = (doc: ParentNode): (string | null)[] => [canonical(doc), og(doc, 'url')];

/** The trimmed text of an element. */
export const text = (el: Node | null | undefined): string | undefined => el?.textContent?.trim();

/** A page profile; an empty or missing name is null. */
export const profile = (identities: Identity[], name?: string | null | false): PageProfile => ({
  identities,
  displayName: name || null,
});

/** A page profile from handles in order of preference, empty and repeated ones left out. */
export const named = (platform: Platform, handles: (string | null | undefined | false)[], name?: string | null | false) =>
  profile(
    [...new Set(handles)].flatMap((handle) => (handle ? [{ platform, handle }] : [])),
    name,
  );

/** Adds `key` to `seen` (truthy) unless it is empty or already there (falsy): one author per container. */
export const once = (seen: Set<unknown>, key: unknown): unknown => key && !seen.has(key) && seen.add(key);

/** A selector list's top-level parts (commas inside brackets, parentheses or quotes do not split). */
const parts = (list: string): string[] => list.match(/(?:[^,([\'"]|\([^)]*\)|\[[^\]]*\]|"[^"]*"|'[^']*')+/g) ?? [];
const split = new Map<string, string[]>();

/**
 * Elements matching `selector` in `root`, plus `root`'s own nearest match (itself or an ancestor),
 * so a re-rendered subtree inside a post or the link element alone is still recognised. With
 * `self`, only `root` itself counts, not an ancestor.
 */
export const within = (root: ParentNode, selector: string, self?: unknown): Element[] => {
  // One query per part of a list: Chromium answers `[a],[b],[c]` about ten times slower than
  // three single-selector queries over the same subtree (measured on the saved X timeline), and
  // this query is most of what a new timeline screen costs us.
  let list = split.get(selector);
  if (!list) split.set(selector, (list = parts(selector)));
  let found: Element[] = [];
  let lists = 0;
  for (const part of list) {
    const hits = root.querySelectorAll(part);
    if (hits.length) lists++ ? found.push(...hits) : (found = [...hits]);
  }
  // Back into document order, once each, when more than one part matched ("first link per post").
  if (lists > 1) found = [...new Set(found)].sort((a, b) => (a.compareDocumentPosition(b) & 4 ? -1 : 1));
  // A root that holds matches is a whole post or list being added, not a piece inside one: the
  // ancestor walk (a top cost when a timeline screen arrives) is only needed for pieces.
  const up = self
    ? (root as Element).matches?.(selector) && root
    : !found.length && (root as Partial<Element>).closest?.(selector);
  if (up) found.unshift(up as Element);
  return found;
};

/**
 * sites.md §5: every `selector` link in `root` (see `within`; or the given links) whose href is a
 * profile by `site`'s own URL contract (`linked`, with `depth`), and that `keep` accepts. `keep` gets
 * a set that lives for this one call, for "one author per post" (`once`). With `self` (GitHub,
 * LinkedIn, Reddit, Mastodon, Bluesky) `root` counts only when it is a link itself, and a `#` href
 * is the page.
 */
export const authors = (
  root: ParentNode,
  url: URL,
  selector: string | (Element | null)[],
  site: Site,
  keep?: ((a: Element, id: Identity, seen: Set<unknown>) => unknown) | 0,
  depth?: number,
  self?: unknown,
): AuthorLink[] => {
  const out: AuthorLink[] = [];
  const seen = new Set();
  for (const element of typeof selector === 'string' ? within(root, selector, self) : selector) {
    const identity = linked(element?.getAttribute('href'), url, site, depth, self);
    if (identity && (!keep || keep(element!, identity, seen))) out.push({ element: element!, identity });
  }
  return out;
};

// `Name (@user) • Instagram…`, `Name (@user) • Threads…`, `Name (@user) | TikTok` (title, og:title)
// and `… from Name (@user)` (Instagram og:description).
const AT = /(?:.* from |^)(.*?) ?\(@([\w.]{1,30})\)/;

/**
 * sites.md §3 for the `(@user)` sites: the title/og:title/og:description handle, then
 * canonical/og:url. The <head> can be left over from an earlier page, so each counts only when it
 * names `want`, the URL's own identity; anything else is "not (yet)", never "someone else".
 */
export const fromHead = (doc: Document, url: URL, site: Site, want: Identity): PageProfile | null => {
  for (const head of [doc.title, og(doc, 'title'), og(doc, 'description')]) {
    const m = AT.exec(head ?? '');
    if (lower(m?.[2]) === want.handle) return profile([want], m![1]?.trim());
  }
  return heads(doc).some((h) => linked(h, url, site)?.handle === want.handle) ? profile([want]) : null;
};

/** Probe condition: a profile's own page (`/<user>`, not a sub-page). */
export const profilePage =
  (detect: SiteAdapter['detect']) =>
  (url: URL): boolean =>
    segments(url)?.length === 1 && detect(url) !== null;

/**
 * A site adapter with its one health probe (types.ts `SiteAdapter`, `Probe`). `fromPage` runs only
 * for a URL that `detect` accepts, and gets that identity as `want`.
 */
export const site = (
  platform: Platform,
  hosts: readonly string[],
  detect: SiteAdapter['detect'],
  fromPage: (doc: Document, url: URL, want: Identity) => PageProfile | null,
  authorLinks: SiteAdapter['authorLinks'],
  profileUrl: SiteAdapter['profileUrl'],
  name: string,
  selector: string,
  expectedOn: Probe['expectedOn'],
): SiteAdapter => ({
  platform,
  hosts,
  detect,
  fromDocument: (doc, url) => {
    const want = detect(url);
    return want && fromPage(doc, url, want);
  },
  authorLinks,
  probes: [{ name, selector, expectedOn }],
  profileUrl,
});

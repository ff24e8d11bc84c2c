import type { Identity, Platform } from '../identity';

/** A profile the content script found on the page: the URL result, possibly upgraded from the DOM. */
export interface PageProfile {
  /** Best identity first (e.g. `x:id:12` after `x:jack`); every one is looked up. */
  identities: Identity[];
  /** The name the page shows for the owner, used to pre-fill "create constituent". Page text only. */
  displayName: string | null;
}

/** A link to a person who wrote something on the page (post, comment, reply, list row, hover card). */
export interface AuthorLink {
  /** The element a badge goes after: normally the author's name link. */
  element: Element;
  identity: Identity;
}

/**
 * A selector the adapter relies on, and the pages it must match on once they have rendered.
 * When it finds nothing there, the content script reports it once per page as a health signal
 * (sites change their markup) and the site falls back to URL-only recognition.
 */
export interface Probe {
  name: string;
  selector: string;
  expectedOn(url: URL): boolean;
}

/**
 * One social site. Pure functions of a URL or a document, so they run the same in the content
 * script, in the background (canonicalising CRM/CSV profile URLs) and in unit tests.
 */
export interface SiteAdapter {
  readonly platform: Platform;
  /** Exact host names this site answers on (the manifest's matches are checked against these). */
  readonly hosts: readonly string[];
  /** URL contract of ../shared/sites.md §1. `url` is already parsed, http(s) only. */
  detect(url: URL): Identity | null;
  /**
   * Confirm or upgrade the URL result from the page. Returns null when the page does not (yet)
   * show the profile `url` points at, e.g. the previous profile's DOM lingering after pushState.
   */
  fromDocument?(doc: Document, url: URL): PageProfile | null;
  /**
   * Author links inside `root` (posts, comments, replies, list rows, search results, hover cards).
   * Never mentions inside post text, never the viewer's own navigation link. Must be cheap: it
   * runs on every subtree the page adds, so it queries a few specific selectors and no more.
   */
  authorLinks(root: ParentNode, url: URL): AuthorLink[];
  /** Health probes for the selectors `authorLinks` and `fromDocument` depend on. */
  readonly probes?: readonly Probe[];
  /** A URL that opens this person's profile (for export, links and the card). */
  profileUrl(handle: string): string;
}

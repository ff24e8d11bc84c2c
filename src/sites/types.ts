import type { Identity, Platform } from '../identity';

/** A profile the content script found on the page: the URL result, possibly upgraded from the DOM. */
export interface PageProfile {
  /** Best identity first (e.g. `x:id:12` after `x:jack`); every one is looked up. */
  identities: Identity[];
  /** The name the page shows for the owner, used to pre-fill "create constituent". Page text only. */
  displayName: string | null;
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
  /** A URL that opens this person's profile (for export, links and the card). */
  profileUrl(handle: string): string;
}

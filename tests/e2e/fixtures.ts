// Pages the e2e tests serve at their real URLs: real saved pages from ../shared/fixtures/pages
// (provenance in its SOURCES.md) plus the synthetic demo pages (scripts/demo/pages.ts) for cases no
// saved page covers (profile.php?id=, unknown people, SPA navigation).
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { demoRoutes } from '../../scripts/demo/pages';
import { repoRoot, type SiteResponse, type SiteRoutes } from '../../scripts/lib/harness';

export function fixturePagesDir(): string {
  const dir = process.env.KINDRED_FIXTURE_PAGES ?? resolve(repoRoot, '../shared/fixtures/pages');
  if (!existsSync(join(dir, 'SOURCES.md'))) {
    throw new Error(
      `Saved fixture pages not found at ${dir}. They live in the shared folder beside the project ` +
        '(../shared/fixtures/pages); set KINDRED_FIXTURE_PAGES to their location.',
    );
  }
  return dir;
}

/** Real saved pages by `host + lower-cased path` (x.com paths are case-insensitive). */
export const SAVED_PAGES: Record<string, string> = {
  'x.com/kikobeats': 'x/profile-kikobeats-loggedout.html',
  'x.com/javilop': 'x/profile-javilop-loggedout.html',
  'www.facebook.com/heymeedan': 'facebook/page-heymeedan-comet-loggedout.html',
};

export function readSavedPage(key: keyof typeof SAVED_PAGES | string): string {
  const file = SAVED_PAGES[key];
  if (!file) throw new Error(`No saved page for ${key}`);
  return readFileSync(join(fixturePagesDir(), file), 'utf8');
}

/**
 * The saved pages' own scripts point at twimg/fbcdn bundles (unreachable here) and inline bootstrap
 * code written for the live site; blocking them keeps every run the same: the DOM is the server
 * render, which is what a content script meets first. Page scripts do not affect content scripts
 * (isolated world) nor Playwright's `page.evaluate` (DevTools protocol).
 */
const SAVED_PAGE_CSP = "script-src 'none'; connect-src 'none'; frame-src 'none'; object-src 'none'";

export function e2eRoutes(): SiteRoutes {
  const dir = fixturePagesDir();
  const cache = new Map<string, string>();
  const synthetic = demoRoutes();
  return (url: URL): SiteResponse | null => {
    const key = `${url.hostname}${url.pathname.replace(/\/+$/, '').toLowerCase()}`;
    const file = SAVED_PAGES[key];
    if (file) {
      if (!cache.has(file)) cache.set(file, readFileSync(join(dir, file), 'utf8'));
      return { body: cache.get(file)!, headers: { 'content-security-policy': SAVED_PAGE_CSP } };
    }
    return synthetic(url);
  };
}

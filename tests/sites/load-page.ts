// Shared page loading for the site tests: real saved pages (shared/fixtures/pages, provenance in
// SOURCES.md there) and our own small unit fixtures (tests/fixtures/sites/<platform>/).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Window } from 'happy-dom';
import { afterAll } from 'vitest';
import { identityKey } from '../../src/identity';
import type { AuthorLink } from '../../src/sites/types';

/** The real saved pages; never copied into the project. */
export const PAGES = process.env.KINDRED_FIXTURE_PAGES ?? path.resolve(__dirname, '../../../shared/fixtures/pages');
/** Our own hand-written unit fixtures. */
export const FIXTURES = path.resolve(__dirname, '../fixtures/sites');

/** Throws (never skips) when the saved pages for `platforms` are not where the tests expect them. */
export function requirePages(...platforms: string[]): void {
  const missing = platforms.filter((p) => !existsSync(path.join(PAGES, p)));
  if (missing.length) {
    throw new Error(
      `Saved pages not found at ${PAGES} (${missing.join(', ')}). These tests need shared/fixtures/pages; ` +
        'set KINDRED_FIXTURE_PAGES to its location.',
    );
  }
}

const windows: Window[] = [];
afterAll(async () => {
  await Promise.all(windows.splice(0).map((w) => w.happyDOM.close()));
});

/** Parses `html` as if served at `url`, with every script and subresource load disabled. */
export function parseHtml(html: string, url = 'https://example.invalid/'): Document {
  const window = new Window({
    url,
    settings: {
      disableJavaScriptEvaluation: true,
      disableJavaScriptFileLoading: true,
      disableCSSFileLoading: true,
      disableIframePageLoading: true,
      disableComputedStyleRendering: true,
      navigation: { disableMainFrameNavigation: true, disableChildFrameNavigation: true, disableChildPageNavigation: true },
    },
  });
  windows.push(window);
  const doc = window.document;
  doc.write(html);
  return doc as unknown as Document;
}

const cache = new Map<string, Document>();
/** A real saved page, `<platform>/<file>.html` under PAGES (shared read-only parse). */
export function realPage(file: string): Document {
  let doc = cache.get(file);
  if (!doc) cache.set(file, (doc = parseHtml(readFileSync(path.join(PAGES, file), 'utf8'))));
  return doc;
}

/** One of our unit fixtures, `<platform>/<file>.html` under FIXTURES (fresh parse, safe to mutate). */
export function fixturePage(file: string): Document {
  return parseHtml(readFileSync(path.join(FIXTURES, file), 'utf8'));
}

/** Identity keys of author links, in document order (duplicates kept). */
export const keysOf = (links: readonly AuthorLink[]): string[] => links.map((l) => identityKey(l.identity));

/** Distinct identity keys, sorted. */
export const distinct = (links: readonly AuthorLink[]): string[] => [...new Set(keysOf(links))].sort();

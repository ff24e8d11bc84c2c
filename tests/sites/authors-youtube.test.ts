// YouTube authorLinks, probes and fromDocument: real saved pages (shared/fixtures/pages/youtube,
// SOURCES.md; server HTML whose DOM is only the ytd-app shell, so they test fromDocument and the
// absence of false authors) and our rendered unit fixtures tests/fixtures/sites/youtube/{watch,search}.html.
import { describe, expect, it } from 'vitest';
import { identityKey } from '../../src/identity';
import { youtubeSite } from '../../src/sites/youtube';
import { fixturePage, keysOf, parseHtml, realPage, requirePages } from './load-page';

requirePages('youtube');

const authors = (root: ParentNode, url: string) => youtubeSite.authorLinks(root, new URL(url));
const yt = (...handles: string[]) => handles.map((h) => `youtube:${h}`);
const from = (doc: Document, url: string) => {
  const found = youtubeSite.fromDocument?.(doc, new URL(url));
  return found ? { keys: found.identities.map(identityKey), name: found.displayName } : null;
};

const onemedia = 'youtube/channel-onemedia.html';
const piet = 'youtube/channel-pietsmiet-legacy-urls.html';
const watch = 'youtube/watch-onemedia-related.html';
const search = 'youtube/search-results-es419.html';
const ONE_ID = 'UCzcRQ3vRNr6fJ1A9rqFn7QA';
const PIET_ID = 'UCqwGaUvq_l0RKszeHhZ5leA';

describe('YouTube authorLinks — real pages (unrendered shells)', () => {
  it('finds nothing in server HTML: the channels there live in ytInitialData, not in links', () => {
    expect(authors(realPage(watch), 'https://www.youtube.com/watch?v=hwMkbaS_M_c')).toEqual([]);
    expect(authors(realPage(search), 'https://www.youtube.com/results?search_query=vlogs+kids')).toEqual([]);
    expect(authors(realPage(onemedia), 'https://www.youtube.com/@OneMedia.')).toEqual([]);
    expect(authors(realPage(piet), 'https://www.youtube.com/c/pietsmiet')).toEqual([]);
  });
});

describe('YouTube authorLinks — unit fixtures', () => {
  const WATCH_URL = 'https://www.youtube.com/watch?v=hwMkbaS_M_c';

  it('watch page: the video owner by name link and each comment author, in every URL form', () => {
    const links = authors(fixturePage('youtube/watch.html'), WATCH_URL);
    expect(keysOf(links)).toEqual(yt('onemedia.', 'rapidtrailer', 'c:bestpietsmiet', `channel:${PIET_ID}`, 'user:lefloid'));
    expect(links[0]?.element.textContent).toBe('ONE Media');
  });

  it('watch page: never the viewer, description/comment mentions, hashtags or related videos (plain-text channels)', () => {
    const found = keysOf(authors(fixturePage('youtube/watch.html'), WATCH_URL));
    for (const absent of yt('starwars', 'eastarwars', 'channel:UCkindredViewer000000000')) expect(found).not.toContain(absent);
  });

  it('search results: one visible channel link per result (the hidden byline copy is skipped), channel results', () => {
    const links = authors(fixturePage('youtube/search.html'), 'https://www.youtube.com/results?search_query=vlogs');
    expect(keysOf(links)).toEqual(yt('kidsdianashow', 'vladandniki', 'likenastyaofficial', 'user-vv6sj7in6w'));
    for (const { element } of links) expect(element.closest('[hidden]')).toBeNull();
  });

  it('works on a comment added later and on a channel link alone', () => {
    const doc = fixturePage('youtube/watch.html');
    const replies = doc.getElementById('replies')!;
    expect(keysOf(authors(replies, WATCH_URL))).toEqual(yt('c:bestpietsmiet'));
    expect(keysOf(authors(doc.querySelector('ytd-channel-name a')!, WATCH_URL))).toEqual(yt('onemedia.'));
  });
});

describe('YouTube fromDocument', () => {
  it('upgrades /@handle to the channel id, URL identity first', () => {
    expect(from(realPage(onemedia), 'https://www.youtube.com/@OneMedia.')).toEqual({
      keys: ['youtube:onemedia.', `youtube:channel:${ONE_ID}`],
      name: 'ONE Media',
    });
  });

  it('upgrades a legacy /c/ URL, and adds the vanity to a /channel/ URL', () => {
    expect(from(realPage(piet), 'https://www.youtube.com/c/PietSmiet/videos')).toEqual({
      keys: ['youtube:c:pietsmiet', `youtube:channel:${PIET_ID}`],
      name: 'PietSmiet',
    });
    expect(from(realPage(piet), `https://www.youtube.com/channel/${PIET_ID}`)?.keys).toEqual([
      `youtube:channel:${PIET_ID}`,
      'youtube:c:pietsmiet',
    ]);
    expect(from(realPage(onemedia), `https://m.youtube.com/channel/${ONE_ID}/about`)?.keys).toEqual([
      `youtube:channel:${ONE_ID}`,
      'youtube:onemedia.',
    ]);
  });

  it('returns null when the page is another channel (stale head/ytInitialData after SPA navigation)', () => {
    expect(from(realPage(onemedia), 'https://www.youtube.com/@StarWars')).toBeNull();
    expect(from(realPage(onemedia), `https://www.youtube.com/channel/${PIET_ID}`)).toBeNull();
    expect(from(realPage(piet), 'https://www.youtube.com/user/LeFloid')).toBeNull();
    // a watch page names its owner in [itemprop=author], but it is not the channel page
    expect(from(realPage(watch), 'https://www.youtube.com/@OneMedia.')).toBeNull();
    expect(from(realPage(watch), 'https://www.youtube.com/watch?v=hwMkbaS_M_c')).toBeNull();
  });

  it('confirms a /channel/ URL from the canonical link alone, but never ties a handle to it', () => {
    const doc = parseHtml(
      `<html><head><link rel="canonical" href="https://www.youtube.com/channel/${ONE_ID}">` +
        '<meta property="og:title" content="ONE Media"></head></html>',
    );
    expect(from(doc, `https://www.youtube.com/channel/${ONE_ID}`)).toEqual({ keys: [`youtube:channel:${ONE_ID}`], name: 'ONE Media' });
    expect(from(doc, 'https://www.youtube.com/@OneMedia.')).toBeNull();
  });
});

describe('YouTube probes', () => {
  it('expects the video owner on desktop watch pages only; the rendered fixture has it', () => {
    const [probe] = youtubeSite.probes ?? [];
    expect(probe!.expectedOn(new URL('https://www.youtube.com/watch?v=hwMkbaS_M_c'))).toBe(true);
    expect(probe!.expectedOn(new URL('https://m.youtube.com/watch?v=hwMkbaS_M_c'))).toBe(false);
    expect(probe!.expectedOn(new URL('https://www.youtube.com/@OneMedia.'))).toBe(false);
    expect(fixturePage('youtube/watch.html').querySelector(probe!.selector)).not.toBeNull();
  });
});

describe('YouTube authorLinks — cost', () => {
  it('handles 300 search results in one pass', () => {
    const result = (i: number) =>
      `<ytd-video-renderer><div id="byline-container" hidden=""><ytd-channel-name><a href="/@chan${i}x">C</a></ytd-channel-name></div>` +
      `<div id="channel-info"><ytd-channel-name><a href="/@chan${i}x">C</a></ytd-channel-name></div>` +
      `<a href="/watch?v=${i}">video</a></ytd-video-renderer>`;
    const links = authors(parseHtml(Array.from({ length: 300 }, (_, i) => result(i)).join('')), 'https://www.youtube.com/results');
    expect(links).toHaveLength(300);
    expect(new Set(keysOf(links)).size).toBe(300);
  });
});

// Threads authorLinks, probes and fromDocument. No saved Threads page exists
// (shared/fixtures/pages/SOURCES.md "Platforms with nothing usable"), so everything here runs on our
// unit fixture tests/fixtures/sites/threads/feed.html and small inline documents.
import { describe, expect, it } from 'vitest';
import { identityKey } from '../../src/identity';
import { threadsSite } from '../../src/sites/threads';
import { fixturePage, keysOf, parseHtml } from './load-page';

const URL_ = 'https://www.threads.net/@ada.lovelace';
const authors = (root: ParentNode, url = URL_) => threadsSite.authorLinks(root, new URL(url));
const th = (...handles: string[]) => handles.map((h) => `threads:${h}`);
const from = (doc: Document, url: string) => {
  const found = threadsSite.fromDocument?.(doc, new URL(url));
  return found ? { keys: found.identities.map(identityKey), name: found.displayName } : null;
};

describe('Threads authorLinks — unit fixture', () => {
  it('finds one author per post, including a quoted post and a reply, by name link', () => {
    const links = authors(fixturePage('threads/feed.html'));
    expect(keysOf(links)).toEqual(th('ada.lovelace', 'grace_hopper', 'linus.t', 'margaret.h'));
    expect(links.map((l) => l.element.textContent)).toEqual(['ada.lovelace', 'grace_hopper', 'linus.t', 'margaret.h']);
  });

  it('never reports the viewer, the "reposted" line, mentions or short links', () => {
    const found = keysOf(authors(fixturePage('threads/feed.html')));
    for (const absent of th('kindred.viewer', 'reposter.rt', 'mentioned.one')) expect(found).not.toContain(absent);
    // ada.lovelace is mentioned in margaret.h's reply too, but only counted for her own post
    expect(found.filter((k) => k === 'threads:ada.lovelace')).toHaveLength(1);
  });

  it('works on a post container added later and on the name link alone', () => {
    const doc = fixturePage('threads/feed.html');
    const posts = doc.querySelectorAll('[data-pressable-container]');
    expect(keysOf(authors(posts[3]!))).toEqual(th('margaret.h'));
    expect(keysOf(authors(posts[1]!))).toEqual(th('grace_hopper', 'linus.t'));
    expect(keysOf(authors(posts[2]!.querySelector('a')!))).toEqual(th('linus.t'));
  });
});

describe('Threads fromDocument', () => {
  it('reads the owner from the title/og:title `Name (@user)`', () => {
    expect(from(fixturePage('threads/feed.html'), URL_)).toEqual({ keys: ['threads:ada.lovelace'], name: 'Ada Lovelace' });
    expect(from(fixturePage('threads/feed.html'), 'https://www.threads.com/@Ada.Lovelace/post/C1aBcDeFgH')?.keys).toEqual([
      'threads:ada.lovelace',
    ]);
  });

  it('returns null for another user (stale head after SPA navigation) and for non-profile URLs', () => {
    expect(from(fixturePage('threads/feed.html'), 'https://www.threads.net/@grace_hopper')).toBeNull();
    expect(from(fixturePage('threads/feed.html'), 'https://www.threads.net/t/C1aBcDeFgH')).toBeNull();
  });

  it('accepts og:url/canonical alone when it names the URL user', () => {
    const doc = parseHtml('<html><head><link rel="canonical" href="https://www.threads.com/@zuck"></head></html>');
    expect(from(doc, 'https://www.threads.net/@Zuck')).toEqual({ keys: ['threads:zuck'], name: null });
    expect(from(doc, 'https://www.threads.net/@mosseri')).toBeNull();
  });
});

describe('Threads probes', () => {
  it('expects post containers on post pages only', () => {
    const [probe] = threadsSite.probes ?? [];
    expect(probe!.expectedOn(new URL('https://www.threads.net/@zuck/post/C1aBcDeFgH'))).toBe(true);
    expect(probe!.expectedOn(new URL('https://www.threads.net/@zuck'))).toBe(false);
    expect(probe!.expectedOn(new URL('https://www.threads.net/'))).toBe(false);
    expect(fixturePage('threads/feed.html').querySelector(probe!.selector)).not.toBeNull();
  });
});

describe('Threads authorLinks — cost', () => {
  it('handles 300 posts in one pass', () => {
    const post = (i: number) =>
      `<div data-pressable-container="true"><a href="/@user_${i}"><img alt=""></a>` +
      `<span><a href="/@user_${i}"><span dir="auto">user_${i}</span></a></span><a href="/@user_${i}/post/C${i}"><time>1h</time></a>` +
      `<span dir="auto">hi <a href="/@mention_${i}">@mention_${i}</a></span></div>`;
    const links = authors(parseHtml(Array.from({ length: 300 }, (_, i) => post(i)).join('')));
    expect(links).toHaveLength(300);
    expect(new Set(keysOf(links)).size).toBe(300);
  });
});

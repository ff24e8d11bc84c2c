// Facebook authorLinks, probes and fromDocument: real saved pages (shared/fixtures/pages/facebook,
// SOURCES.md: two Comet Pages, one classic post, the login wall) and our unit fixture
// tests/fixtures/sites/facebook/comments.html (comment threads have no real capture).
import { describe, expect, it } from 'vitest';
import { identityKey } from '../../src/identity';
import { facebookSite } from '../../src/sites/facebook';
import { fixturePage, keysOf, parseHtml, realPage, requirePages } from './load-page';

requirePages('facebook');

const authors = (root: ParentNode, url = 'https://www.facebook.com/') => facebookSite.authorLinks(root, new URL(url));
const fb = (...handles: string[]) => handles.map((h) => `facebook:${h}`);

describe('Facebook authorLinks — real pages', () => {
  it('Comet Page: the post header name link, not the avatar, timestamp or profile tabs', () => {
    const links = authors(realPage('facebook/page-heymeedan-comet-loggedout.html'), 'https://www.facebook.com/heymeedan');
    expect(keysOf(links)).toEqual(fb('heymeedan'));
    expect(links[0]?.element.closest('h2')).not.toBeNull();
    expect(links[0]?.element.textContent).toBe('Meedan');
  });

  it('Comet Page with dotted vanity: one entry per post', () => {
    const url = 'https://www.facebook.com/Koptisch.Orthodoxes.Kulturzentrum.e.V';
    const links = authors(realPage('facebook/page-koptisch-arabic-comet-loggedout.html'), url);
    expect(keysOf(links)).toEqual(fb('koptischorthodoxeskulturzentrumev', 'koptischorthodoxeskulturzentrumev'));
    for (const { element } of links) expect(element.getAttribute('href')).not.toContain('/posts/');
  });

  it('classic post markup: the h5 author link; "#" buttons and footer links are nobody', () => {
    const url = 'https://www.facebook.com/LittleMix/posts/pfbid02Hvu5Jys35PPckFHUQFNbxoT7pK8quieyMMG7D5KkkwtxbwJuSkpPjXK1ZEXceQNXl';
    const links = authors(realPage('facebook/post-littlemix-pfbid-classic-loggedout.html'), url);
    expect(keysOf(links)).toEqual(fb('littlemix'));
    expect(links[0]?.element.textContent).toBe('Little Mix');
  });

  it('the login wall has no authors', () => {
    expect(authors(realPage('facebook/login-wall.html'), 'https://www.facebook.com/login/web/')).toEqual([]);
  });
});

describe('Facebook authorLinks — unit fixture (Comet comment thread)', () => {
  const URL_ = 'https://www.facebook.com/hey.kindred.page/posts/pfbid0abc';

  it('finds the post author and each commenter once, by name link', () => {
    const links = authors(fixturePage('facebook/comments.html'), URL_);
    expect(keysOf(links)).toEqual(
      fb('heykindredpage', 'johnsmith55', 'adalovelace', 'id:100004123456789', 'id:100009876543210', 'adalovelace'),
    );
    for (const { element } of links) expect(element.getAttribute('aria-hidden')).toBeNull();
  });

  it('never reports the viewer, mentions, tagged friends, hashtags or l.facebook.com shims', () => {
    const found = keysOf(authors(fixturePage('facebook/comments.html'), URL_));
    for (const absent of fb('kindredviewer', 'mentionedfriend', 'taggedincomment', 'gracehopper', 'someoneelse', 'kindred')) {
      expect(found).not.toContain(absent);
    }
  });

  it('works on a comment subtree added later', () => {
    const doc = fixturePage('facebook/comments.html');
    const comment = doc.querySelector('[aria-label^="Comment by Numeric"]')!;
    expect(keysOf(authors(comment, URL_))).toEqual(fb('id:100004123456789'));
    expect(keysOf(authors(comment.querySelector('a')!, URL_))).toEqual(fb('id:100004123456789'));
  });
});

describe('Facebook probes', () => {
  const [probe] = facebookSite.probes ?? [];

  it('expects a post header on post permalinks only, and matches both markups', () => {
    expect(probe!.expectedOn(new URL('https://www.facebook.com/LittleMix/posts/pfbid02Hvu5'))).toBe(true);
    expect(probe!.expectedOn(new URL('https://www.facebook.com/heymeedan'))).toBe(false);
    expect(probe!.expectedOn(new URL('https://www.facebook.com/login/web/'))).toBe(false);
    expect(realPage('facebook/post-littlemix-pfbid-classic-loggedout.html').querySelector(probe!.selector)).not.toBeNull();
    expect(realPage('facebook/page-heymeedan-comet-loggedout.html').querySelector(probe!.selector)).not.toBeNull();
  });
});

describe('Facebook fromDocument (see from-document.test.ts for the full set)', () => {
  it('finds the Page owner and is null for another profile', () => {
    const doc = realPage('facebook/page-heymeedan-comet-loggedout.html');
    const keys = (url: string) => facebookSite.fromDocument?.(doc, new URL(url))?.identities.map(identityKey) ?? null;
    expect(keys('https://www.facebook.com/heymeedan')?.[0]).toBe('facebook:heymeedan');
    expect(keys('https://www.facebook.com/zuck')).toBeNull();
  });
});

describe('Facebook authorLinks — cost', () => {
  it('handles 300 comments in one pass (one entry per comment)', () => {
    const comment = (i: number) =>
      `<div role="article" aria-label="Comment by P${i}">` +
      `<a aria-hidden="true" href="/person.${i}?comment_id=${i}"><svg></svg></a>` +
      `<span><a href="/person.${i}?comment_id=${i}"><span dir="auto">P${i}</span></a></span>` +
      `<div dir="auto">hi <a href="/mention.${i}?__cft__[0]=x">M</a></div>` +
      `<a href="/page/posts/pfbid0?comment_id=${i}">1d</a></div>`;
    const links = authors(parseHtml(Array.from({ length: 300 }, (_, i) => comment(i)).join('')));
    expect(links).toHaveLength(300);
    expect(new Set(keysOf(links)).size).toBe(300);
  });
});

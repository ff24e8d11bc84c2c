// Instagram authorLinks, probes and fromDocument: real saved pages (shared/fixtures/pages/instagram,
// SOURCES.md: two rendered logged-in profiles, two SSR shells) and our unit fixture
// tests/fixtures/sites/instagram/post.html (posts and comments have no real capture).
import { describe, expect, it } from 'vitest';
import { identityKey } from '../../src/identity';
import { instagramSite } from '../../src/sites/instagram';
import { fixturePage, keysOf, parseHtml, realPage, requirePages } from './load-page';

requirePages('instagram');

const authors = (root: ParentNode, url: string) => instagramSite.authorLinks(root, new URL(url));
const ig = (...handles: string[]) => handles.map((h) => `instagram:${h}`);
const from = (doc: Document, url: string) => {
  const found = instagramSite.fromDocument?.(doc, new URL(url));
  return found ? { keys: found.identities.map(identityKey), name: found.displayName } : null;
};

const mayuri = 'instagram/profile-mayuri_0677-rendered-suggested.html';
const gdg = 'instagram/profile-gdg_rbu-rendered.html';
const fiat = 'instagram/profile-plan.nacionalfiat11-ssr.html';
const pluto = 'instagram/profile-pluto__travel-ssr.html';

describe('Instagram authorLinks — real pages', () => {
  it('"Suggested for you" cards: each account once, by its name link', () => {
    const links = authors(realPage(mayuri), 'https://www.instagram.com/mayuri_0677/');
    expect(keysOf(links)).toEqual(
      ig('epicureanjali', 'pratikshaj_11', 'bunny_._24', 'divya_ruthiya', 'samidha___n', 'nitya__joshi__',
        'himanshu.gautam.8', 'srushti_appa', 'ujer.mohammad', 'mayursoni24_', 'deveshvyas9412'),
    );
    for (const { element } of links) expect(element.querySelector('img')).toBeNull();
    // the owner (header, "See all"), the viewer's sidebar link and the "Followed by" line are not authors
    for (const absent of ig('mayuri_0677', 'imposterx.com.in', 'akshay_padia')) expect(keysOf(links)).not.toContain(absent);
  });

  it('a profile header with a bio mention yields no authors (the owner comes from fromDocument)', () => {
    expect(authors(realPage(gdg), 'https://www.instagram.com/gdg_rbu/')).toEqual([]);
  });

  it('unrendered SSR shells have no authors', () => {
    expect(authors(realPage(fiat), 'https://www.instagram.com/plan.nacionalfiat11/')).toEqual([]);
    expect(authors(realPage(pluto), 'https://www.instagram.com/pluto__travel/')).toEqual([]);
  });
});

describe('Instagram authorLinks — unit fixture (post page)', () => {
  const URL_ = 'https://www.instagram.com/p/C0dEaBcDeF/';

  it('finds the post author, commenters, likers dialog rows and suggested cards', () => {
    const links = authors(fixturePage('instagram/post.html'), URL_);
    expect(keysOf(links)).toEqual(
      ig('ada.lovelace', 'ada.lovelace', 'grace_hopper', 'linus.t', 'suggested_one', 'suggested_two', 'margaret_h'),
    );
  });

  it('never reports the viewer, mentions in captions/comments or the "Liked by" line', () => {
    const found = keysOf(authors(fixturePage('instagram/post.html'), URL_));
    for (const absent of ig('kindred.viewer', 'mentioned.user', 'caption.mention', 'liked_by_friend')) {
      expect(found).not.toContain(absent);
    }
  });

  it('works on a post added later and on a name link alone', () => {
    // happy-dom scope-matches `article a` only inside the root (browsers match against the whole
    // tree), so a subtree test starts at the container; a lone link goes through closest().
    const doc = fixturePage('instagram/post.html');
    expect(keysOf(authors(doc.querySelector('article')!, URL_))).toEqual(ig('ada.lovelace', 'ada.lovelace', 'grace_hopper', 'linus.t'));
    const row = doc.querySelectorAll('article li')[1]!;
    expect(keysOf(authors(row.querySelector('span a')!, URL_))).toEqual(ig('grace_hopper'));
    expect(authors(row.querySelector('span[dir="auto"] a')!, URL_)).toEqual([]);
  });
});

describe('Instagram fromDocument', () => {
  it('finds the owner of rendered and SSR profile pages from the head', () => {
    expect(from(realPage(gdg), 'https://www.instagram.com/gdg_rbu/')).toEqual({
      keys: ['instagram:gdg_rbu'],
      name: 'GDG On Campus RBU',
    });
    expect(from(realPage(mayuri), 'https://www.instagram.com/Mayuri_0677/reels/')).toEqual({
      keys: ['instagram:mayuri_0677'],
      name: 'Mayuri Barapatre',
    });
    expect(from(realPage(fiat), 'https://www.instagram.com/plan.nacionalfiat11/')).toEqual({
      keys: ['instagram:plan.nacionalfiat11'],
      name: 'Plan Nacional Fiat',
    });
    expect(from(realPage(pluto), 'https://www.instagram.com/pluto__travel/')).toEqual({
      keys: ['instagram:pluto__travel'],
      name: 'Pluto',
    });
  });

  it('returns null for a different profile (stale head after SPA navigation) and for posts', () => {
    expect(from(realPage(gdg), 'https://www.instagram.com/mayuri_0677/')).toBeNull();
    expect(from(realPage(pluto), 'https://www.instagram.com/gdg_rbu/')).toBeNull();
    expect(from(realPage(gdg), 'https://www.instagram.com/p/C0dEaBcDeF/')).toBeNull();
    // the bio mention in gdg_rbu's header does not vouch for that account
    expect(from(realPage(gdg), 'https://www.instagram.com/jayeshh.bot/')).toBeNull();
  });

  it('falls back to the rendered header when the head names someone else', () => {
    const doc = parseHtml(
      '<html><head><title>Old (@old.user) • Instagram photos and videos</title>' +
        '<meta property="og:url" content="https://www.instagram.com/old.user/"></head>' +
        '<body><main><header><h2 dir="auto"><span>new.user</span></h2></header></main></body></html>',
    );
    expect(from(doc, 'https://www.instagram.com/new.user/')).toEqual({ keys: ['instagram:new.user'], name: null });
    expect(from(doc, 'https://www.instagram.com/other/')).toBeNull();
  });

  it('trusts og:url alone when it names the URL user', () => {
    const doc = parseHtml('<html><head><meta property="og:url" content="https://www.instagram.com/ada.lovelace/"></head></html>');
    expect(from(doc, 'https://instagram.com/Ada.Lovelace')).toEqual({ keys: ['instagram:ada.lovelace'], name: null });
  });
});

describe('Instagram probes', () => {
  const [probe] = instagramSite.probes ?? [];

  it('expects the header username on profile pages, and it matches the rendered captures', () => {
    expect(probe!.expectedOn(new URL('https://www.instagram.com/gdg_rbu/'))).toBe(true);
    for (const url of ['https://www.instagram.com/p/C0dEaBcDeF/', 'https://www.instagram.com/explore/', 'https://www.instagram.com/gdg_rbu/reels/']) {
      expect(probe!.expectedOn(new URL(url)), url).toBe(false);
    }
    expect(realPage(gdg).querySelector(probe!.selector)?.textContent).toBe('gdg_rbu');
    expect(realPage(mayuri).querySelector(probe!.selector)).not.toBeNull();
  });
});

describe('Instagram authorLinks — cost', () => {
  it('handles 300 comment rows in one pass', () => {
    const row = (i: number) =>
      `<li><a href="/user_${i}/"><img alt=""></a><span><a href="/user_${i}/"><span dir="auto">user_${i}</span></a></span>` +
      `<span dir="auto">hi <a href="/mention_${i}/">@mention_${i}</a></span><a href="/p/ABC/c/${i}/">1d</a></li>`;
    const doc = parseHtml(`<article><ul>${Array.from({ length: 300 }, (_, i) => row(i)).join('')}</ul></article>`);
    const links = authors(doc, 'https://www.instagram.com/p/ABC/');
    expect(links).toHaveLength(300);
    expect(new Set(keysOf(links)).size).toBe(300);
  });
});

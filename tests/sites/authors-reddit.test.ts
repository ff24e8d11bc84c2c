// Reddit authorLinks + fromDocument: real saved pages (shared/fixtures/pages/reddit, SOURCES.md)
// and our unit fixtures tests/fixtures/sites/reddit/*.html.
import { describe, expect, it } from 'vitest';
import { identityKey } from '../../src/identity';
import { redditSite } from '../../src/sites/reddit';
import { distinct, fixturePage, keysOf, parseHtml, realPage, requirePages } from './load-page';

requirePages('reddit');

const shower = 'reddit/thread-showerthoughts-redesign.html';
const bros = 'reddit/thread-humansbeingbros-redesign.html';
const old = 'reddit/thread-old-reddit.html';
const authors = (doc: ParentNode, url: string) => redditSite.authorLinks(doc, new URL(url));
const rd = (...names: string[]) => names.map((n) => `reddit:${n.toLowerCase()}`);

describe('Reddit authorLinks — real threads', () => {
  it('old reddit: post author and every commenter (one per tagline = the page’s 150 data-author values)', () => {
    const doc = realPage(old);
    const links = authors(doc, 'https://old.reddit.com/r/aww/comments/8e5dn1/ben/');
    const dataAuthors = new Set([...doc.querySelectorAll('[data-author]')].map((e) => `reddit:${e.getAttribute('data-author')!.toLowerCase()}`));
    expect(distinct(links)).toEqual([...dataAuthors].sort());
    expect(distinct(links)).toHaveLength(150);
    expect(distinct(links)).toEqual(
      expect.arrayContaining(rd('Brookefemale', 'rollinonandon', 'Henesgfy', 'nihilistickitten', 'M1CKYMC', 'IAMG222',
        'DvnEm', 'BenClaShi', 'randomlycandy', 'mcmanybucks', 'kendallvarent', 'ihate_avos')),
    );
  });

  it('old reddit: not the sidebar moderators, nor /u/ links inside comment text', () => {
    const links = authors(realPage(old), 'https://old.reddit.com/r/aww/comments/8e5dn1/ben/');
    expect(keysOf(links)).not.toContain('reddit:cwenham');
    for (const { element } of links) expect(element.closest('.md, .side')).toBeNull();
  });

  it('redesign: post author and ~170 commenters via the name links, never the avatar twin or body mentions', () => {
    const links = authors(realPage(shower), 'https://www.reddit.com/r/Showerthoughts/comments/awx46q/vanilla/');
    expect(distinct(links)).toEqual(
      expect.arrayContaining(rd('benyacobi', 'silvertoothpaste', 'roastbeeftacohat', 'fuzzynyanko', 'pramit57', 'MowMdown',
        'saltyhumor', 'Monotonegent', 'joinyohana')),
    );
    expect(distinct(links).length).toBeGreaterThanOrEqual(170);
    for (const { element } of links) {
      expect(element.getAttribute('data-testid')).toMatch(/^(comment|post)_author_link$/);
      expect(element.closest('[data-testid="comment"]')).toBeNull();
    }
    // 173 comments + 11 post cards + 1 promoted post
    expect(links.filter((l) => l.element.getAttribute('data-testid') === 'comment_author_link')).toHaveLength(173);
  });

  it('redesign without rendered name links: the comment avatar stands in; sidebar "Community Heroes" are not authors', () => {
    const links = authors(realPage(bros), 'https://www.reddit.com/r/HumansBeingBros/comments/aybtf7/thanks_human/');
    expect(distinct(links)).toEqual(
      expect.arrayContaining(rd('HR_Dragonfly', 'nvrmnd_tht_was_dumb', 'Wacks_on_Wacks_off', 'Oz70NYC', 'langdonsnare',
        'cgmaciel', 'TrueRusher', 'EasternKanyeWest', 'snek-queen')),
    );
    expect(links).toHaveLength(16);
    expect(keysOf(links)).not.toContain('reddit:ima-bigdeal');
  });
});

describe('Reddit authorLinks — unit fixture (shreddit + redesign)', () => {
  const doc = fixturePage('reddit/shreddit.html');
  const url = 'https://www.reddit.com/r/books/comments/abc123/best_book_ever/';

  it('finds the post author, each comment author once (nested replies included) and the avatar-only comment', () => {
    expect(keysOf(authors(doc, url))).toEqual(rd('op_user', 'alice_1', 'carol_3', 'erin_5'));
  });

  it('badges the name link, not the avatar', () => {
    for (const { element } of authors(doc, url)) {
      if (element.closest('shreddit-comment')) expect(element.closest('[slot="commentAvatar"]')).toBeNull();
    }
  });

  it('skips the viewer, body mentions, multireddits, deleted authors and the moderator list', () => {
    const found = keysOf(authors(doc, url));
    for (const k of rd('viewer_me', 'bob_2', 'dave_4', 'mentioned_one', 'mod_person')) expect(found).not.toContain(k);
  });

  it('returns a custom element’s own author link when that element is the added root', () => {
    const reply = doc.querySelector('shreddit-comment[author="carol_3"]')!;
    expect(keysOf(authors(reply, url))).toEqual(rd('carol_3'));
    const parent = doc.querySelector('shreddit-comment[author="Alice_1"]')!;
    expect(keysOf(authors(parent, url))).toEqual(rd('alice_1', 'carol_3'));
    const metaLink = reply.querySelector('[slot="commentMeta"] a')!;
    expect(keysOf(authors(metaLink, url))).toEqual(rd('carol_3'));
  });
});

describe('Reddit authorLinks — 300-comment synthetic threads (no quadratic work)', () => {
  it('returns one link per comment on old reddit and on shreddit', () => {
    const oldComment = (i: number) =>
      `<div class="thing comment"><p class="tagline"><a class="author" href="https://www.reddit.com/user/user_${i}">u</a></p>` +
      `<div class="md"><a href="/u/other_${i}">u/other</a></div></div>`;
    const newComment = (i: number) =>
      `<shreddit-comment author="user_${i}"><div slot="commentMeta"><a href="/user/user_${i}/">u</a></div>` +
      `<div slot="comment"><div class="md"><a href="/user/other_${i}/">o</a></div></div></shreddit-comment>`;
    const list = (f: (i: number) => string) => parseHtml(`<body>${Array.from({ length: 300 }, (_, i) => f(i)).join('')}</body>`);
    expect(authors(list(oldComment), 'https://old.reddit.com/r/a/comments/b/')).toHaveLength(300);
    expect(authors(list(newComment), 'https://www.reddit.com/r/a/comments/b/')).toHaveLength(300);
  });
});

describe('Reddit fromDocument', () => {
  const run = (doc: Document, url: string) => {
    const found = redditSite.fromDocument!(doc, new URL(url));
    return found && found.identities.map(identityKey);
  };

  it('confirms a user page by canonical link or title, and only for that user', () => {
    const doc = fixturePage('reddit/profile-old.html');
    expect(run(doc, 'https://old.reddit.com/user/spez')).toEqual(['reddit:spez']);
    expect(run(doc, 'https://www.reddit.com/u/Spez/submitted/')).toEqual(['reddit:spez']);
    expect(run(doc, 'https://old.reddit.com/user/kn0thing')).toBeNull();
    doc.querySelector('link[rel="canonical"]')!.remove();
    expect(run(doc, 'https://old.reddit.com/user/spez')).toEqual(['reddit:spez']);
    doc.title = 'spez (u/spez) - Reddit';
    expect(run(doc, 'https://www.reddit.com/user/spez')).toEqual(['reddit:spez']);
    doc.title = 'u/spez - Reddit';
    expect(run(doc, 'https://www.reddit.com/user/spez')).toEqual(['reddit:spez']);
    // a stale post title that merely names the user
    doc.title = 'AMA with u/spez';
    expect(run(doc, 'https://www.reddit.com/user/spez')).toBeNull();
    doc.title = 'r/books';
    expect(run(doc, 'https://www.reddit.com/user/spez')).toBeNull();
  });

  it('returns null on threads (not a profile URL, and not the commenters’ profiles either)', () => {
    expect(run(realPage(old), 'https://old.reddit.com/r/aww/comments/8e5dn1/ben/')).toBeNull();
    expect(run(realPage(old), 'https://old.reddit.com/user/Brookefemale')).toBeNull();
    expect(run(realPage(shower), 'https://www.reddit.com/user/benyacobi')).toBeNull();
  });
});

describe('Reddit probes', () => {
  it('expect taglines on old-reddit comment pages only, and find them on the real old thread', () => {
    const [probe] = redditSite.probes!;
    expect(probe!.expectedOn(new URL('https://old.reddit.com/r/aww/comments/8e5dn1/ben/'))).toBe(true);
    expect(probe!.expectedOn(new URL('https://www.reddit.com/r/aww/comments/8e5dn1/ben/'))).toBe(false);
    expect(probe!.expectedOn(new URL('https://old.reddit.com/user/spez'))).toBe(false);
    expect(realPage(old).querySelector(probe!.selector)).not.toBeNull();
  });
});

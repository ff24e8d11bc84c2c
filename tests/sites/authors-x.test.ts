// X authorLinks, probes and fromDocument: real saved pages (shared/fixtures/pages/x, SOURCES.md)
// and our unit fixture tests/fixtures/sites/x/timeline.html.
import { describe, expect, it } from 'vitest';
import { identityKey } from '../../src/identity';
import { xSite } from '../../src/sites/x';
import { distinct, fixturePage, keysOf, parseHtml, realPage, requirePages } from './load-page';

requirePages('x');

const home = 'x/home-timeline-loggedin-regenerate.html';
const authors = (root: ParentNode, url = 'https://x.com/home') => xSite.authorLinks(root, new URL(url));
const x = (...handles: string[]) => handles.map((h) => `x:${h.toLowerCase()}`);

// SOURCES.md "handles to assert" for the home timeline.
const TOP_LEVEL = x('will__price', 'kevinafischer', 'hasufl', 'cmsholdings', 'repligate', 'cryptolyxe', 'nic__carter',
  'vibhu', 'solarapparition', 'ericjang11', 'Gioscotti_', 'aeyakovenko', 'mlunghi2000', 'ChillHouseSOL', 'beffjezos',
  'itszach', 'gallabytes', 'solidintel_x', 'ThinkingUSD');
// Quoted-tweet authors: they wrote the quoted text, so they count (see xSite.authorLinks).
const QUOTED = x('AIatMeta', 'TrumpDailyPosts', 'Xeer', 'enzo_gte', 'scottmelker', 'solana', 'tonyzzhao');
const WHO_TO_FOLLOW = x('sonofalli', 'hwchase17', 'antigravity');

describe('X authorLinks — real pages', () => {
  it('home timeline: every tweet author, quoted author and Who-to-follow row, never the viewer or social context', () => {
    const links = authors(realPage(home));
    expect(distinct(links)).toEqual([...TOP_LEVEL, ...QUOTED, ...WHO_TO_FOLLOW].sort());
    // one entry per tweet (20), per quote (9, kevinafischer and enzo_gte are quoted too) and per row (3)
    expect(links).toHaveLength(32);
    const found = keysOf(links);
    // the viewer; "hdf reposted" / "latent moss reposted" social context; a mention in tweet text
    for (const absent of x('__regenerate', 'PaikCapital', 'latentmoss', 'chichengcc')) expect(found).not.toContain(absent);
  });

  it('badges the display-name link, not the @handle twin or the time link', () => {
    const [first] = authors(realPage(home));
    expect(first?.element.tagName).toBe('A');
    expect(first?.element.textContent?.trim()).toBe('Will Price');
    for (const { element } of authors(realPage(home))) {
      expect(element.getAttribute('href') ?? '').not.toContain('/status/');
      expect(element.closest('[data-testid^="UserAvatar-Container"]')).toBeNull();
    }
  });

  it('a quoted tweet (no profile link) is badged on its @handle span', () => {
    const links = authors(realPage('x/status-badlogicgames-quote-loggedout.html'), 'https://x.com/badlogicgames/status/1');
    expect(keysOf(links)).toEqual(x('badlogicgames', 'randall_balestr'));
    expect(links[1]?.element.tagName).toBe('SPAN');
    expect(links[1]?.element.textContent).toBe('@randall_balestr');
  });

  it('status pages: the author, never the mentions in the tweet text', () => {
    const big = keysOf(authors(realPage('x/status-bigtechalert-loggedout.html'), 'https://x.com/BigTechAlert/status/1'));
    expect(big).toEqual(x('BigTechAlert'));
    expect(big).not.toContain('x:elonmusk');
    expect(big).not.toContain('x:ylecun');
    const trump = keysOf(authors(realPage('x/status-realdonaldtrump-loggedout.html'), 'https://x.com/realDonaldTrump/status/1'));
    expect(trump).toEqual(x('realDonaldTrump'));
  });

  it('profile pages: the owner per tweet plus quoted authors, not bio/tweet mentions', () => {
    expect(distinct(authors(realPage('x/profile-kikobeats-loggedout.html'), 'https://x.com/Kikobeats'))).toEqual(
      x('kikobeats', 'rauchg'),
    );
    const javi = distinct(authors(realPage('x/profile-javilop-loggedout.html'), 'https://x.com/javilop'));
    expect(javi).toEqual(x('javilop'));
    const mario = authors(realPage('x/profile-badlogicgames-loggedout-cpft.html'), 'https://x.com/badlogicgames');
    expect(distinct(mario)).toEqual(x('badlogicgames', 'mehulmpt'));
    expect(keysOf(mario)).not.toContain('x:florianklenk');
  });

  it('article page: the author and the "relevant people" row, not the logged-in viewer or a bio mention', () => {
    const found = keysOf(authors(realPage('x/article-arscontexta-loggedin-kepano.html'), 'https://x.com/arscontexta'));
    expect(found).toEqual(x('arscontexta', 'arscontexta'));
    expect(found).not.toContain('x:kepano');
    expect(found).not.toContain('x:molt_cornelius');
  });

  it('an unrendered shell has no authors', () => {
    expect(authors(realPage('x/shell-unrendered-home.html'))).toEqual([]);
  });
});

describe('X authorLinks — unit fixture', () => {
  it('finds tweet authors, the quoted author, the list row and the hover card portal', () => {
    const links = authors(fixturePage('x/timeline.html'));
    expect(keysOf(links)).toEqual(x('ada_lovelace', 'grace_hopper', 'linus_t', 'grace_hopper', 'margaret_h', 'barbara_l'));
    expect(links.map((l) => l.element.textContent?.trim())).toEqual([
      'Ada Lovelace', 'Grace Hopper', '@linus_t', 'Grace Hopper', 'Margaret Hamilton', 'Barbara Liskov',
    ]);
  });

  it('works on a subtree the page just added, on the link itself, and on the hover card alone', () => {
    const doc = fixturePage('x/timeline.html');
    const [, second] = doc.querySelectorAll('[data-testid="cellInnerDiv"]');
    expect(keysOf(authors(second!))).toEqual(x('grace_hopper', 'linus_t'));
    const nameLink = doc.querySelector('[data-testid="User-Name"] a')!;
    expect(keysOf(authors(nameLink))).toEqual(x('ada_lovelace'));
    expect(keysOf(authors(doc.getElementById('layers')!))).toEqual(x('barbara_l'));
    // a node inside the tweet text is not an author, even though its tweet has one
    expect(authors(doc.querySelector('[data-testid="tweetText"] a')!)).toEqual([]);
  });

  it('ignores links to other hosts and shims', () => {
    const doc = parseHtml(
      '<div data-testid="User-Name"><a href="https://t.co/abc">t.co</a></div>' +
        '<div data-testid="User-Name"><a href="https://x.com.evil.example/jack">jack</a></div>' +
        '<div data-testid="User-Name"><a href="/home">Home</a></div>',
    );
    expect(authors(doc)).toEqual([]);
  });
});

describe('X probes', () => {
  const [probe] = xSite.probes ?? [];

  it('expects a tweet header on status pages only', () => {
    expect(xSite.probes).toHaveLength(1);
    expect(probe!.expectedOn(new URL('https://x.com/BigTechAlert/status/1797'))).toBe(true);
    for (const url of ['https://x.com/home', 'https://x.com/jack', 'https://x.com/i/web/status/1', 'https://x.com/search?q=a']) {
      expect(probe!.expectedOn(new URL(url)), url).toBe(false);
    }
  });

  it('its selector matches the rendered status pages', () => {
    for (const file of ['x/status-bigtechalert-loggedout.html', 'x/status-realdonaldtrump-loggedout.html']) {
      expect(realPage(file).querySelector(probe!.selector), file).not.toBeNull();
    }
  });
});

describe('X fromDocument (see from-document.test.ts for the full set)', () => {
  const kiko = realPage('x/profile-kikobeats-loggedout.html');

  it('finds the owner, upgrades /i/user/<id> via the JSON-LD identifier, and is null for another profile', () => {
    const keys = (url: string) => xSite.fromDocument?.(kiko, new URL(url))?.identities.map(identityKey) ?? null;
    expect(keys('https://x.com/Kikobeats')).toEqual(['x:kikobeats', 'x:id:101198215']);
    expect(keys('https://x.com/i/user/101198215')).toEqual(['x:kikobeats', 'x:id:101198215']);
    expect(keys('https://x.com/javilop')).toBeNull();
    expect(keys('https://x.com/i/user/16045832')).toBeNull();
  });
});

describe('X authorLinks — cost', () => {
  it('handles a 300-tweet timeline in one pass (one entry per tweet)', () => {
    const tweet = (i: number) =>
      `<article data-testid="tweet"><div data-testid="User-Name"><a href="/user_${i}">User ${i}</a>` +
      `<a href="/user_${i}">@user_${i}</a><a href="/user_${i}/status/${i}"><time>1h</time></a></div>` +
      `<div data-testid="tweetText"><a href="/mention_${i}">@mention_${i}</a></div></article>`;
    const doc = parseHtml(Array.from({ length: 300 }, (_, i) => tweet(i)).join(''));
    const links = authors(doc);
    expect(links).toHaveLength(300);
    expect(new Set(keysOf(links)).size).toBe(300);
  });
});

// Bluesky authorLinks + fromDocument: real saved pages (shared/fixtures/pages/bluesky, SOURCES.md)
// and our unit fixture tests/fixtures/sites/bluesky/thread.html.
import { describe, expect, it } from 'vitest';
import { identityKey } from '../../src/identity';
import { blueskySite } from '../../src/sites/bluesky';
import { distinct, fixturePage, keysOf, parseHtml, realPage, requirePages } from './load-page';

requirePages('bluesky');

const glen = 'bluesky/thread-glendunlap-replies.html';
const forbes = 'bluesky/thread-forbes-replies.html';
const king = 'bluesky/profile-stephenking.html';
const GLEN_URL = 'https://bsky.app/profile/glendunlap.bsky.social/post/3mdegyw3ves2t';
const FORBES_URL = 'https://bsky.app/profile/forbes.com/post/3mdd7aj7pgs2x';
const KING_URL = 'https://bsky.app/profile/stephenking.bsky.social';

const authors = (doc: Document | ParentNode, url: string) => blueskySite.authorLinks(doc, new URL(url));
const bsky = (...handles: string[]) => handles.map((h) => `bluesky:${h}`);
/** The thread's own list of post authors: `postThreadItem-by-<handle>` (SOURCES.md's oracle). */
const threadItems = (doc: Document) =>
  [...doc.querySelectorAll('[data-testid^="postThreadItem-by-"]')].map((e) =>
    `bluesky:${e.getAttribute('data-testid')!.slice('postThreadItem-by-'.length)}`,
  );

describe('Bluesky authorLinks — real reply threads', () => {
  it('finds the 38 authors of the Glen Dunlap thread, one link per post', () => {
    const doc = realPage(glen);
    const links = authors(doc, GLEN_URL);
    expect(distinct(links)).toHaveLength(38);
    expect(distinct(links)).toEqual([...new Set(threadItems(doc))].sort());
    expect(keysOf(links)).toEqual(threadItems(doc));
    expect(distinct(links)).toEqual(
      expect.arrayContaining(
        bsky('glendunlap.bsky.social', 'dreece-ca.bsky.social', 'lizthelawless.bsky.social', 'tomforsyth.bsky.social',
          'dting.bsky.social', 'mattymcgraw.bsky.social', 'tacoengineer.bsky.social', 'hoo20.bsky.social',
          'thewatchcat.bsky.social', 'crimzonvt.bsky.social', 'daisydo333.bsky.social', 'robertjeff57-58.bsky.social',
          'watershipdown-72.bsky.social'),
      ),
    );
  });

  it('badges the name link, never the avatar or the @handle twin', () => {
    for (const { element } of authors(realPage(glen), GLEN_URL)) {
      expect(element.querySelector('[data-testid="userAvatarImage"]')).toBeNull();
      expect(element.textContent).not.toMatch(/^\s*\u00a0?\u202a?@/);
    }
  });

  it('finds the 46 authors of the Forbes thread (domain handle) and skips the DID mention in a reply', () => {
    const doc = realPage(forbes);
    const found = distinct(authors(doc, FORBES_URL));
    expect(found).toHaveLength(46);
    expect(found).toEqual([...new Set(threadItems(doc))].sort());
    expect(found).toEqual(
      expect.arrayContaining(
        bsky('forbes.com', 'nowsentient.bsky.social', 'not-dicax.bsky.social', 'el-phantasmo.bsky.social',
          '99montez34.bsky.social', 'pepeyc7526.bsky.social', 'this-aggression.bsky.social', 'lafayette1111.bsky.social'),
      ),
    );
    expect(found).not.toContain('bluesky:did:plc:o7ws7fk6dp6t3crzocnj2qgs');
    for (const { element } of authors(doc, FORBES_URL)) expect(element.closest('[data-word-wrap]')).toBeNull();
  });

  it('on a profile feed: post and quoted-post authors, not the "Reposted by"/"Replied to" owner links or topics', () => {
    const links = authors(realPage(king), KING_URL);
    expect(distinct(links)).toEqual(
      bsky('allenwhitlock.bsky.social', 'athena563.bsky.social', 'jeffreyskarski.bsky.social',
        'markhamillofficial.bsky.social', 'michele866.bsky.social', 'nillintheblanks.bsky.social',
        'smashbro67.bsky.social', 'stephenking.bsky.social').sort(),
    );
    expect(distinct(links)).not.toContain('bluesky:trending.bsky.app');
    for (const { element } of links) expect(element.getAttribute('aria-label') ?? '').not.toMatch(/Reposted by/);
  });

  it('works on a subtree the page just added, including the root itself', () => {
    const doc = realPage(glen);
    const item = doc.querySelector('[data-testid="postThreadItem-by-dreece-ca.bsky.social"]')!;
    expect(keysOf(authors(item, GLEN_URL))).toEqual(['bluesky:dreece-ca.bsky.social']);
    const name = authors(item, GLEN_URL)[0]!.element;
    expect(keysOf(authors(name, GLEN_URL))).toEqual(['bluesky:dreece-ca.bsky.social']);
  });
});

describe('Bluesky authorLinks — unit fixture', () => {
  const doc = fixturePage('bluesky/thread.html');
  const url = 'https://bsky.app/profile/alice.bsky.social/post/3aaa';

  it('finds exactly the post, quote and list-row authors', () => {
    expect(keysOf(authors(doc, url))).toEqual(
      bsky('alice.bsky.social', 'bob.bsky.social', 'carol.example.com', 'dave.bsky.social', 'frank.bsky.social',
        'did:plc:ewvi7nxzyoun6zhxrhs64oiz', 'gina.bsky.social'),
    );
  });

  it('skips the viewer nav link, mentions and social context', () => {
    const found = keysOf(authors(doc, url));
    for (const h of ['me.bsky.social', 'henry.bsky.social', 'did:plc:7iza6de2dwap2sbkpav7c6c6', 'erin.bsky.social']) {
      expect(found).not.toContain(`bluesky:${h}`);
    }
  });

  it('ignores links off bsky.app', () => {
    expect(authors(doc, 'https://example.com/')).toEqual([]);
  });
});

describe('Bluesky authorLinks — 300-post synthetic feed (no quadratic work)', () => {
  it('returns one link per post', () => {
    const post = (i: number) =>
      `<div data-testid="feedItem-by-user${i}.bsky.social"><a href="/profile/user${i}.bsky.social"><div data-testid="userAvatarImage"></div></a>` +
      `<div><a href="/profile/user${i}.bsky.social" dir="auto">User ${i}</a><a href="/profile/user${i}.bsky.social" dir="auto">@user${i}.bsky.social</a></div>` +
      `<div data-word-wrap="1"><a href="/profile/other${i}.bsky.social">@other</a></div></div>`;
    const doc = parseHtml(`<body>${Array.from({ length: 300 }, (_, i) => post(i)).join('')}</body>`);
    expect(authors(doc, 'https://bsky.app/')).toHaveLength(300);
  });
});

describe('Bluesky fromDocument', () => {
  const run = (file: string, url: string) => {
    const found = blueskySite.fromDocument!(realPage(file), new URL(url));
    return found && { keys: found.identities.map(identityKey), name: found.displayName };
  };

  it('confirms the profile owner and adds the DID (case kept)', () => {
    expect(run(king, KING_URL)).toEqual({
      keys: ['bluesky:stephenking.bsky.social', 'bluesky:did:plc:h7obn4tkp47wn7gqh4oe5eij'],
      name: 'Stephen King',
    });
    expect(run(king, 'https://bsky.app/profile/StephenKing.bsky.social/followers')?.keys[0]).toBe(
      'bluesky:stephenking.bsky.social',
    );
  });

  it('confirms a DID URL by the DID', () => {
    expect(run(king, 'https://bsky.app/profile/did:plc:h7obn4tkp47wn7gqh4oe5eij')?.keys).toEqual([
      'bluesky:stephenking.bsky.social',
      'bluesky:did:plc:h7obn4tkp47wn7gqh4oe5eij',
    ]);
  });

  it('confirms a post page author (the DID comes from the at:// alternate link, not the "Posted At" value)', () => {
    expect(run(forbes, FORBES_URL)).toEqual({
      keys: ['bluesky:forbes.com', 'bluesky:did:plc:2w45zyhuklwihpdc7oj3mi63'],
      name: 'Forbes',
    });
  });

  it('returns null for a different profile (stale head after SPA navigation) or a non-profile URL', () => {
    expect(run(king, 'https://bsky.app/profile/markhamillofficial.bsky.social')).toBeNull();
    expect(run(king, 'https://bsky.app/profile/did:plc:2w45zyhuklwihpdc7oj3mi63')).toBeNull();
    expect(run(glen, FORBES_URL)).toBeNull();
    expect(run(king, 'https://bsky.app/notifications')).toBeNull();
  });

  it('needs profile:username; the DID is optional; a DID in <noscript> is ignored (browsers keep it as text)', () => {
    const doc = parseHtml(
      '<head><meta property="profile:username" content="alice.bsky.social"></head>' +
        '<body><noscript><div id="bsky_did">did:plc:ewvi7nxzyoun6zhxrhs64oiz</div></noscript></body>',
    );
    expect(blueskySite.fromDocument!(doc, new URL('https://bsky.app/profile/alice.bsky.social'))?.identities.map(identityKey)).toEqual([
      'bluesky:alice.bsky.social',
    ]);
    expect(blueskySite.fromDocument!(doc, new URL('https://bsky.app/search?q=alice'))).toBeNull();
    expect(blueskySite.fromDocument!(doc, new URL('https://bsky.app/settings'))).toBeNull();
    expect(blueskySite.fromDocument!(parseHtml('<body></body>'), new URL('https://bsky.app/profile/alice.bsky.social'))).toBeNull();
  });
});

describe('Bluesky probes', () => {
  it('expect posts on thread pages only, and find them on the real threads', () => {
    const [probe] = blueskySite.probes!;
    expect(probe!.expectedOn(new URL(GLEN_URL))).toBe(true);
    expect(probe!.expectedOn(new URL(KING_URL))).toBe(false);
    expect(realPage(glen).querySelector(probe!.selector)).not.toBeNull();
  });
});

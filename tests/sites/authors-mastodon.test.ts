// Mastodon authorLinks, fromDocument, isMastodonDocument and detectMastodonAt. No real Mastodon page
// was found (shared/fixtures/pages/SOURCES.md "Platforms with nothing usable"), so these run on our
// unit fixtures tests/fixtures/sites/mastodon/*.html, modelled on mastodon/mastodon's web UI source.
import { describe, expect, it } from 'vitest';
import { identityKey } from '../../src/identity';
import { detect } from '../../src/sites';
import { detectMastodonAt, isMastodonDocument, mastodonSite } from '../../src/sites/mastodon';
import { fixturePage, keysOf, parseHtml, realPage, requirePages } from './load-page';

requirePages('bluesky');

const authors = (doc: ParentNode, url: string) => mastodonSite.authorLinks(doc, new URL(url));
const at = (url: string) => {
  const found = detectMastodonAt(new URL(url));
  return found ? identityKey(found) : null;
};

describe('detectMastodonAt — the §1 path rules on any host', () => {
  it.each([
    ['https://social.example.net/@Alice', 'mastodon:alice@social.example.net'],
    ['https://social.example.net/@alice@other.example', 'mastodon:alice@other.example'],
    ['https://social.example.net/@alice/109876543210', 'mastodon:alice@social.example.net'],
    ['https://social.example.net/users/alice', 'mastodon:alice@social.example.net'],
    ['https://social.example.net/web/@alice', 'mastodon:alice@social.example.net'],
    ['https://mastodon.social/@Gargron', 'mastodon:gargron@mastodon.social'],
    ['https://social.example.net/explore', null],
    ['https://social.example.net/@', null],
    ['https://social.example.net/@a@b@c.example', null],
    ['https://social.example.net/users/a@b.example', null],
    ['https://social.example.net/@bad%', null],
  ])('%s → %s', (url, expected) => {
    expect(at(url)).toBe(expected);
  });

  it('leaves the registry alone: unknown hosts are still not Mastodon at URL level (§1)', () => {
    expect(detect('https://social.example.net/@alice')).toBeNull();
    expect(mastodonSite.detect(new URL('https://social.example.net/@alice'))).toBeNull();
    expect(mastodonSite.detect(new URL('https://fosstodon.org/@alice'))).toEqual({ platform: 'mastodon', handle: 'alice@fosstodon.org' });
  });
});

describe('isMastodonDocument', () => {
  it('recognises the Mastodon web app by its holder and initial state', () => {
    expect(isMastodonDocument(fixturePage('mastodon/timeline.html'))).toBe(true);
    expect(isMastodonDocument(fixturePage('mastodon/profile.html'))).toBe(true);
  });

  it('rejects other pages, and either marker alone', () => {
    expect(isMastodonDocument(realPage('bluesky/profile-stephenking.html'))).toBe(false);
    expect(isMastodonDocument(parseHtml('<div id="mastodon" data-props="{}"></div>'))).toBe(false);
    expect(isMastodonDocument(parseHtml('<script id="initial-state" type="application/json">{}</script>'))).toBe(false);
    expect(isMastodonDocument(parseHtml('<div id="mastodon"></div><script id="initial-state">{}</script>'))).toBe(false);
  });
});

describe('Mastodon authorLinks — unit fixture', () => {
  const doc = fixturePage('mastodon/timeline.html');

  it('finds status, detailed-status, account-row and hover-card authors on a user-added host', () => {
    expect(keysOf(authors(doc, 'https://example.social/home'))).toEqual([
      'mastodon:alice@example.social',
      'mastodon:carol@remote.example',
      'mastodon:dave@example.social',
      'mastodon:gina@example.social',
      'mastodon:erin@mstdn.example',
      'mastodon:frank@example.social',
    ]);
  });

  it('takes local accounts from the page host', () => {
    expect(keysOf(authors(doc, 'https://mastodon.social/home'))).toEqual([
      'mastodon:alice@mastodon.social',
      'mastodon:carol@remote.example',
      'mastodon:gina@mastodon.social',
      'mastodon:erin@mstdn.example',
      'mastodon:frank@mastodon.social',
    ]);
  });

  it('skips the viewer, the booster, mentions in post text and links to other hosts', () => {
    const found = keysOf(authors(doc, 'https://example.social/home'));
    for (const h of ['viewer@example.social', 'bob@example.social', 'zed@other.social', 'old@elsewhere.example']) {
      expect(found).not.toContain(`mastodon:${h}`);
    }
    expect(found.filter((k) => k === 'mastodon:alice@example.social')).toHaveLength(1);
    for (const { element } of authors(doc, 'https://example.social/home')) {
      expect(element.closest('.status__content, .status__prepend, .navigation-bar')).toBeNull();
    }
  });

  it('works on an added subtree and on the added element itself', () => {
    const card = doc.getElementById('hover-card')!;
    expect(keysOf(authors(card, 'https://example.social/home'))).toEqual(['mastodon:frank@example.social']);
    expect(keysOf(authors(card.firstElementChild!, 'https://example.social/home'))).toEqual(['mastodon:frank@example.social']);
  });
});

describe('Mastodon authorLinks — 300-status synthetic timeline (no quadratic work)', () => {
  it('returns one link per status', () => {
    const status = (i: number) =>
      `<article><div class="status"><div class="status__info"><a class="status__display-name" href="/@user${i}">User ${i}</a>` +
      `<a class="status__relative-time" href="/@user${i}/${i}">1h</a></div>` +
      `<div class="status__content"><p><a class="mention" href="/@other${i}">@other</a></p></div></div></article>`;
    const doc = parseHtml(`<body>${Array.from({ length: 300 }, (_, i) => status(i)).join('')}</body>`);
    expect(authors(doc, 'https://fosstodon.org/home')).toHaveLength(300);
  });
});

describe('Mastodon fromDocument', () => {
  const run = (doc: Document, url: string) => {
    const found = mastodonSite.fromDocument!(doc, new URL(url));
    return found && { keys: found.identities.map(identityKey), name: found.displayName };
  };

  it('returns the canonical account domain even when the web host differs (WEB_DOMAIN)', () => {
    expect(run(fixturePage('mastodon/profile.html'), 'https://social.example.com/@alice')).toEqual({
      keys: ['mastodon:alice@example.com'],
      name: 'Alice Example',
    });
    expect(run(fixturePage('mastodon/profile.html'), 'https://social.example.com/@Alice@example.com/media')?.keys).toEqual([
      'mastodon:alice@example.com',
    ]);
  });

  it('returns null for another profile (stale title/head) and for non-profile URLs', () => {
    const doc = fixturePage('mastodon/profile.html');
    expect(run(doc, 'https://social.example.com/@bob')).toBeNull();
    expect(run(doc, 'https://social.example.com/@alice@elsewhere.example')).toBeNull();
    expect(run(doc, 'https://social.example.com/explore')).toBeNull();
  });

  it('falls back to og:type=profile + the activity+json actor when the title is not a profile title', () => {
    const doc = fixturePage('mastodon/profile.html');
    doc.title = 'Example Social';
    doc.querySelector('meta[property="og:title"]')!.remove();
    expect(run(doc, 'https://social.example.com/@alice')).toEqual({ keys: ['mastodon:alice@example.com'], name: null });
    expect(run(doc, 'https://social.example.com/@bob')).toBeNull();
    // the actor must live on this web host
    doc.querySelector('link[type="application/activity+json"]')!.setAttribute('href', 'https://evil.example/users/alice');
    expect(run(doc, 'https://social.example.com/@alice')).toBeNull();
  });

  it('follows the title the web UI writes on SPA navigation (remote accounts too)', () => {
    const doc = fixturePage('mastodon/timeline.html');
    doc.title = 'Carol (@carol@remote.example) - Example Social';
    expect(run(doc, 'https://example.social/@carol@remote.example')).toEqual({ keys: ['mastodon:carol@remote.example'], name: 'Carol' });
    expect(run(doc, 'https://example.social/@alice')).toBeNull();
    doc.title = 'Alice (he/him) (@alice@example.social) - Example Social';
    expect(run(doc, 'https://example.social/@alice')?.name).toBe('Alice (he/him)');
  });
});

describe('Mastodon probes', () => {
  it('expect the focused status author on status permalinks only', () => {
    const [probe] = mastodonSite.probes!;
    expect(probe!.expectedOn(new URL('https://mastodon.social/@Gargron/109876543210'))).toBe(true);
    expect(probe!.expectedOn(new URL('https://mastodon.social/@Gargron'))).toBe(false);
    expect(probe!.expectedOn(new URL('https://mastodon.social/home'))).toBe(false);
    expect(fixturePage('mastodon/timeline.html').querySelector(probe!.selector)).not.toBeNull();
  });
});

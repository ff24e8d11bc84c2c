// TikTok authorLinks, probes and fromDocument: real saved pages (shared/fixtures/pages/tiktok,
// SOURCES.md) and our unit fixture tests/fixtures/sites/tiktok/video.html.
import { describe, expect, it } from 'vitest';
import { identityKey } from '../../src/identity';
import { tiktokSite } from '../../src/sites/tiktok';
import { distinct, fixturePage, keysOf, parseHtml, realPage, requirePages } from './load-page';

requirePages('tiktok');

const authors = (root: ParentNode, url: string) => tiktokSite.authorLinks(root, new URL(url));
const tt = (...handles: string[]) => handles.map((h) => `tiktok:${h}`);
const from = (doc: Document, url: string) => {
  const found = tiktokSite.fromDocument?.(doc, new URL(url));
  return found ? { keys: found.identities.map(identityKey), name: found.displayName } : null;
};

const rebel = 'tiktok/video-rebelunicorncrafts.html';
const REBEL_URL = 'https://www.tiktok.com/@rebelunicorncrafts/video/7134059641968872746';
const illoVideo = 'tiktok/video-illojuan.html';
const ILLO_VIDEO_URL = 'https://www.tiktok.com/@illojuan/video/7571863205253778710';
const illo = 'tiktok/profile-illojuan.html';
const huxley = 'tiktok/profile-huxleythepandapuppy.html';

describe('TikTok authorLinks — real pages', () => {
  it('2022 video page: the author and the 20 commenters SOURCES.md lists, one entry per comment', () => {
    const links = authors(realPage(rebel), REBEL_URL);
    expect(distinct(links)).toEqual(
      tt('rebelunicorncrafts', 'starling_dust', 'andrea.nelson.art', 'missmorgeen', 'jess_sharpe24', 'bettasandbuddies',
        'enlightenedwatercolors', 'elvislover365', 'embodied_nutrition', 'quakercats', 'mr.context', '5star_h0tel',
        'michaeljmaltese', 'stichin.with.samantha', 'discomfortandjoy', 'mamamc66', 'ashleyl84', 'emilyanddoggos',
        'josie8211', 'adornedsin', 'instacart').sort(),
    );
    // 1 video author + 20 comments + 13 creator replies
    expect(links).toHaveLength(34);
    // in the JSON only, never a link
    expect(keysOf(links)).not.toContain('tiktok:hartsick');
    for (const { element } of links) expect(element.getAttribute('data-e2e')).toBeNull(); // name links, not avatars
  });

  it('2025 video page: the video author and the next feed item author, not description mentions or thumbnails', () => {
    const found = keysOf(authors(realPage(illoVideo), ILLO_VIDEO_URL));
    expect(found).toEqual(tt('illojuan', 'lacasa2edicion'));
    // SOURCES.md files esperanzagraciaoficial under the recommended list, but in the page it is a
    // `search-common-link` mention in the video description, like burgerking_es.
    for (const absent of tt('burgerking_es', 'esperanzagraciaoficial')) expect(found).not.toContain(absent);
    // recommended thumbnails link only `/@u/video/<id>` and show no author name
    for (const absent of tt('wlsn_dior_lm', 'xzoneclipsx', 'toppkick', 'noeliamoree', 'vitalisiooo')) {
      expect(found).not.toContain(absent);
    }
  });

  it('2025 profile: the 20 suggested accounts, not the owner', () => {
    const found = keysOf(authors(realPage(illo), 'https://www.tiktok.com/@illojuan'));
    expect(found).toEqual(
      tt('toni.kr8s', 'georginagio', 'rosalia', 'edsheeran', 'fernandoalonso', 'davidbeckham', 'pedri', 'carlosalcaraz',
        'sergioramos', 'davidbisbaloficial', 'daniolmo', 'hakimiachraf', 'carlossainz55', 'shakira', 'iamanamena',
        'aron.piper', 'abba', 'davidalaba', 'mterstegen1', 'ikercasillas'),
    );
  });

  it('2022 profile: no authors (the video grid is the owner; caption mentions are not authors)', () => {
    const found = keysOf(authors(realPage(huxley), 'https://www.tiktok.com/@huxleythepandapuppy'));
    expect(found).toEqual([]);
  });
});

describe('TikTok authorLinks — unit fixture', () => {
  const URL_ = 'https://www.tiktok.com/@ada.lovelace/video/7571863205253778710';

  it('finds the video author, commenters (both comment layouts), the creator reply and suggested accounts', () => {
    const links = authors(fixturePage('tiktok/video.html'), URL_);
    expect(keysOf(links)).toEqual(tt('ada.lovelace', 'grace_hopper', 'ada.lovelace', 'linus.t', 'margaret.h'));
    expect(links.map((l) => l.element.textContent?.trim())).toEqual(['ada.lovelace', 'Grace', 'Ada', 'Linus', 'Margaret H']);
  });

  it('never reports the viewer, mentions, secUid links or thumbnail-only authors', () => {
    const found = keysOf(authors(fixturePage('tiktok/video.html'), URL_));
    for (const absent of tt('kindred.viewer', 'mentioned.one', 'mentioned.two', 'related.author')) {
      expect(found).not.toContain(absent);
    }
    expect(found.some((k) => k.toLowerCase().includes('ms4wljab'))).toBe(false);
  });

  it('works on a comment added later and on the name link alone', () => {
    const doc = fixturePage('tiktok/video.html');
    const comment = doc.querySelectorAll('[class*="DivCommentItemWrapper"]')[1]!;
    expect(keysOf(authors(comment, URL_))).toEqual(tt('linus.t'));
    expect(keysOf(authors(doc.querySelector('[data-e2e="comment-username-1"] a')!, URL_))).toEqual(tt('grace_hopper'));
  });
});

describe('TikTok fromDocument', () => {
  it('profile pages: the rendered header unique id, with the nickname', () => {
    expect(from(realPage(illo), 'https://www.tiktok.com/@IlloJuan')).toEqual({ keys: ['tiktok:illojuan'], name: 'IlloJuan' });
    expect(from(realPage(huxley), 'https://www.tiktok.com/@huxleythepandapuppy')).toEqual({
      keys: ['tiktok:huxleythepandapuppy'],
      name: 'Huxley the Panda Puppy🐼🐶(pandaloon',
    });
  });

  it('video pages: canonical/og:url naming the URL user', () => {
    expect(from(realPage(illoVideo), ILLO_VIDEO_URL)?.keys).toEqual(['tiktok:illojuan']);
    expect(from(realPage(rebel), REBEL_URL)?.keys).toEqual(['tiktok:rebelunicorncrafts']);
  });

  it('returns null for another user: the header vetoes a matching head, and a stale head never vouches', () => {
    expect(from(realPage(illo), 'https://www.tiktok.com/@rosalia')).toBeNull();
    expect(from(realPage(illoVideo), 'https://www.tiktok.com/@burgerking_es')).toBeNull();
    const doc = parseHtml(
      '<html><head><link rel="canonical" href="https://www.tiktok.com/@new.user"></head>' +
        '<body><h1 data-e2e="user-title">old.user</h1></body></html>',
    );
    expect(from(doc, 'https://www.tiktok.com/@new.user')).toBeNull();
  });
});

describe('TikTok probes', () => {
  it('expects the header unique id on profile pages only, and it matches both profile captures', () => {
    const [probe] = tiktokSite.probes ?? [];
    expect(probe!.expectedOn(new URL('https://www.tiktok.com/@illojuan'))).toBe(true);
    expect(probe!.expectedOn(new URL(ILLO_VIDEO_URL))).toBe(false);
    expect(probe!.expectedOn(new URL('https://www.tiktok.com/foryou'))).toBe(false);
    expect(realPage(illo).querySelector(probe!.selector)).not.toBeNull();
    expect(realPage(huxley).querySelector(probe!.selector)).not.toBeNull();
  });
});

describe('TikTok authorLinks — cost', () => {
  it('handles 300 comments in one pass', () => {
    const comment = (i: number) =>
      `<div><a data-e2e="comment-avatar-1" href="/@user_${i}"><img alt=""></a>` +
      `<div data-e2e="comment-username-1"><a href="/@user_${i}"><p>U${i}</p></a></div>` +
      `<p data-e2e="comment-level-1">hi <a href="/@mention_${i}">@mention_${i}</a></p></div>`;
    const links = authors(parseHtml(Array.from({ length: 300 }, (_, i) => comment(i)).join('')), 'https://www.tiktok.com/@a/video/1');
    expect(links).toHaveLength(300);
    expect(new Set(keysOf(links)).size).toBe(300);
  });
});

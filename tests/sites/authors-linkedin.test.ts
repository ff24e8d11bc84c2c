// LinkedIn authorLinks + fromDocument: real saved pages (shared/fixtures/pages/linkedin, SOURCES.md)
// and our unit fixtures tests/fixtures/sites/linkedin/*.html.
import { describe, expect, it } from 'vitest';
import { identityKey } from '../../src/identity';
import { linkedinSite } from '../../src/sites/linkedin';
import { distinct, fixturePage, keysOf, parseHtml, realPage, requirePages } from './load-page';

requirePages('linkedin');

const guest = 'linkedin/public-profile-julianamelung-2016.html';
const feed = 'linkedin/feed-loggedin-andressantossanz-serverhtml.html';
const authors = (doc: ParentNode, url: string) => linkedinSite.authorLinks(doc, new URL(url));
const li = (...handles: string[]) => handles.map((h) => `linkedin:${h}`);

describe('LinkedIn authorLinks — real pages', () => {
  it('2016 guest profile: the ten "People also viewed" rows, name links only, ü decoded', () => {
    const links = authors(realPage(guest), 'https://de.linkedin.com/in/julianamelung');
    expect(keysOf(links)).toEqual(
      li('janbeckers', 'emiliodelazzari', 'aselimsalman', 'floriantopf', 'pbrueske', 'michael-rüffer-61125324',
        'daurer', 'dominic-breuker', 'belveryin', 'dmitrykh'),
    );
    for (const { element } of links) expect(element.querySelector('img')).toBeNull();
  });

  it('2016 guest profile: not the owner, the "Example: Jeff Weiner" search tip, or experience company links', () => {
    const found = keysOf(authors(realPage(guest), 'https://de.linkedin.com/in/julianamelung'));
    expect(found).not.toContain('linkedin:julianamelung');
    expect(found).not.toContain('linkedin:jeffweiner08');
    expect(found.filter((k) => k.startsWith('linkedin:company:'))).toEqual([]);
  });

  it('server-HTML feed: nothing is rendered yet (the posts are JSON in <code>), and never the viewer', () => {
    const found = keysOf(authors(realPage(feed), 'https://www.linkedin.com/feed/'));
    expect(found).toEqual([]);
    expect(found).not.toContain('linkedin:andressantossanz');
  });
});

describe('LinkedIn authorLinks — unit feed', () => {
  const doc = fixturePage('linkedin/feed.html');
  const url = 'https://www.linkedin.com/feed/';

  it('finds post actors (person, company, URN link) and comment authors, once each', () => {
    expect(keysOf(authors(doc, url))).toEqual(
      li('jane-doe-123', 'sam-commenter', 'lee-replier', 'company:acme-corp', 'urn:ACoAAB0qTngBYndQHQ3rAFSCFcrpyhKULJuTov8'),
    );
  });

  it('skips the viewer, mentions, company links in post text, social context and chrome', () => {
    const found = keysOf(authors(doc, url));
    for (const k of li('viewer-slug', 'mentioned-person', 'company:other-co', 'liker-person', 'company:linkedin')) {
      expect(found).not.toContain(k);
    }
  });

  it('works on a single added post and resolves relative hrefs on a country host', () => {
    const post = doc.querySelector('[data-urn="urn:li:activity:1"]')!;
    expect(keysOf(authors(post, 'https://de.linkedin.com/feed/'))).toEqual(li('jane-doe-123', 'sam-commenter', 'lee-replier'));
    expect(authors(post, 'https://example.com/')).toHaveLength(2); // relative /in/ links are not LinkedIn's there
  });
});

describe('LinkedIn authorLinks — 300-post synthetic feed (no quadratic work)', () => {
  it('returns one link per post', () => {
    const post = (i: number) =>
      `<div class="feed-shared-update-v2"><a class="update-components-actor__image" href="/in/person-${i}"><img></a>` +
      `<a class="update-components-actor__meta-link" href="/in/person-${i}?miniProfileUrn=x">Person ${i}</a>` +
      `<div class="update-components-text"><a href="/in/other-${i}">Other</a></div></div>`;
    const doc = parseHtml(`<body>${Array.from({ length: 300 }, (_, i) => post(i)).join('')}</body>`);
    expect(authors(doc, 'https://www.linkedin.com/feed/')).toHaveLength(300);
  });
});

describe('LinkedIn fromDocument', () => {
  const run = (doc: Document, url: string) => {
    const found = linkedinSite.fromDocument!(doc, new URL(url));
    return found && { keys: found.identities.map(identityKey), name: found.displayName };
  };

  it('confirms the 2016 guest profile from its canonical link (country host, any casing)', () => {
    expect(run(realPage(guest), 'https://de.linkedin.com/in/julianamelung')).toEqual({
      keys: ['linkedin:julianamelung'],
      name: 'Julian (Beisenkötter) Amelung',
    });
    expect(run(realPage(guest), 'https://www.linkedin.com/in/JulianAmelung/details/experience/')?.keys).toEqual([
      'linkedin:julianamelung',
    ]);
  });

  it('returns null for another profile, and on the feed even though its JSON names many members', () => {
    expect(run(realPage(guest), 'https://www.linkedin.com/in/janbeckers')).toBeNull();
    expect(run(realPage(feed), 'https://www.linkedin.com/in/satyanadella')).toBeNull();
    expect(run(realPage(feed), 'https://www.linkedin.com/in/andressantossanz')).toBeNull();
    expect(run(realPage(feed), 'https://www.linkedin.com/feed/')).toBeNull();
  });

  it('upgrades to slug + URN from the real Voyager JSON once the page shows that member', () => {
    const doc = parseHtml('<html><head></head><body></body></html>');
    for (const code of realPage(feed).querySelectorAll('code')) doc.body.appendChild(doc.importNode(code, true));
    const canonical = doc.createElement('link');
    canonical.setAttribute('rel', 'canonical');
    canonical.setAttribute('href', 'https://www.linkedin.com/in/satyanadella');
    doc.head.appendChild(canonical);
    const both = ['linkedin:satyanadella', 'linkedin:urn:ACoAAAEkwwAB9KEc2TrQgOLEQ-vzRyZeCDyc6DQ'];
    expect(run(doc, 'https://www.linkedin.com/in/satyanadella')?.keys).toEqual(both);
    expect(run(doc, 'https://www.linkedin.com/in/ACoAAAEkwwAB9KEc2TrQgOLEQ-vzRyZeCDyc6DQ')?.keys).toEqual(both);
    expect(run(doc, 'https://www.linkedin.com/in/bradsmi')).toBeNull();
  });

  it('logged-in profile: contact-info link + Voyager JSON + top-card name', () => {
    const doc = fixturePage('linkedin/profile.html');
    const both = ['linkedin:jane-doe-123', 'linkedin:urn:ACoAAAEkwwAB9KEc2TrQgOLEQ-vzRyZeCDyc6DQ'];
    expect(run(doc, 'https://www.linkedin.com/in/jane-doe-123/')).toEqual({ keys: both, name: 'Jane Doe' });
    expect(run(doc, 'https://www.linkedin.com/in/ACoAAAEkwwAB9KEc2TrQgOLEQ-vzRyZeCDyc6DQ')?.keys).toEqual(both);
    // the viewer's own entry in the same JSON does not make their profile "shown"
    expect(run(doc, 'https://www.linkedin.com/in/viewer-slug')).toBeNull();
    expect(run(doc, 'https://www.linkedin.com/in/ACoAAB0qTngBYndQHQ3rAFSCFcrpyhKULJuTov8')).toBeNull();
    // without the JSON the slug alone is still confirmed
    for (const code of doc.querySelectorAll('code')) code.remove();
    expect(run(doc, 'https://www.linkedin.com/in/jane-doe-123')?.keys).toEqual(['linkedin:jane-doe-123']);
  });
});

describe('LinkedIn probes', () => {
  it('expect post actors on the home feed only, and find them in the unit feed', () => {
    const [probe] = linkedinSite.probes!;
    expect(probe!.expectedOn(new URL('https://www.linkedin.com/feed/'))).toBe(true);
    expect(probe!.expectedOn(new URL('https://www.linkedin.com/in/jane-doe-123/'))).toBe(false);
    expect(fixturePage('linkedin/feed.html').querySelector(probe!.selector)).not.toBeNull();
    expect(distinct(authors(fixturePage('linkedin/feed.html'), 'https://www.linkedin.com/feed/')).length).toBeGreaterThan(0);
  });
});

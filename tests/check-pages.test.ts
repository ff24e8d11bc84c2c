// The saved real pages (shared/fixtures/pages, see SOURCES.md there) against
// tests/shared-pages.expectations.json, through the same library as `npm run check:pages`;
// plus tests of the checker itself, so that it can fail.
import { existsSync, mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as mastodon from '../src/sites/mastodon';
import {
  checkFile,
  checkFolder,
  checkHtml,
  compare,
  formatPage,
  formatReport,
  formatSummary,
  loadExpectations,
  validateExpectations,
  type PageResult,
} from '../scripts/lib/page-check';

const REPO = path.resolve(__dirname, '..');
const PAGES = process.env.KINDRED_FIXTURE_PAGES ?? path.resolve(REPO, '../shared/fixtures/pages');
const EXPECTATIONS = path.join(REPO, 'tests/shared-pages.expectations.json');
if (!existsSync(PAGES)) {
  throw new Error(
    `Saved pages not found at ${PAGES}. This test needs shared/fixtures/pages next to the repository; ` +
      'set KINDRED_FIXTURE_PAGES to its location.',
  );
}

describe('saved pages (shared/fixtures/pages)', () => {
  it('give what tests/shared-pages.expectations.json says', async () => {
    const { expectations, problems } = loadExpectations(EXPECTATIONS);
    expect(problems, 'problems in the expectations file').toEqual([]);
    const report = await checkFolder(PAGES, expectations);
    const failing = report.pages.filter((p) => p.problems.length);
    const text = [...failing.map(formatPage), formatSummary(report, true)].join('\n\n');
    expect(report.pages.length, text).toBeGreaterThanOrEqual(35);
    expect(report.noEntry, `pages without an entry:\n${text}`).toEqual([]);
    expect(report.missingFiles, `entries without a file:\n${text}`).toEqual([]);
    expect(report.failed, `\n${text}\n`).toBe(0);
    // Every page was parsed and run through its site's adapter (no unknown URL or unreadable file).
    expect(report.pages.filter((p) => p.result.status !== 'checked').map((p) => p.result.file)).toEqual([]);
  }, 120_000);
});

// --------------------------------------------------------------------------------------------

const X_PAGE = `<!DOCTYPE html><html><head><title>Home / X</title>
<link rel="canonical" href="https://x.com/home"></head><body>
<nav><a data-testid="AppTabBar_Profile_Link" href="/viewer_me">Profile</a></nav>
<main><div data-testid="primaryColumn"><section>
<div data-testid="cellInnerDiv"><article data-testid="tweet">
  <div data-testid="User-Name"><div><a href="/alice" role="link"><span>Alice</span></a></div>
    <div><a href="/alice" role="link"><span>@alice</span></a>
    <a href="/alice/status/1" role="link"><time datetime="2025-01-01T00:00:00.000Z">Jan 1</time></a></div></div>
  <div data-testid="tweetText"><span>hello </span><a href="/bob" role="link">@bob</a></div>
</article></div>
</section></div></main>
<script>document.body.textContent = 'scripts must not run'; fetch('https://example.invalid/');</script>
</body></html>`;

const result = (over: Partial<PageResult>): PageResult => ({
  file: 'x/page.html',
  status: 'checked',
  url: 'https://x.com/alice',
  urlSource: 'expectations',
  platform: 'x',
  siteBy: 'host',
  urlOwner: 'x:alice',
  domOwner: { keys: ['x:alice', 'x:id:1'], name: 'Alice' },
  authors: [
    { key: 'x:alice', count: 3 },
    { key: 'x:carol', count: 1 },
  ],
  hasAuthorLinks: true,
  probesChecked: [],
  probesEmpty: [],
  errors: [],
  ms: 1,
  ...over,
});

describe('page check: comparison', () => {
  it('passes a page that matches', () => {
    expect(
      compare(result({}), {
        owner: 'x:alice',
        ownerIds: ['x:id:1'],
        authors: ['x:alice', 'x:carol'],
        notAuthors: ['x:bob'],
        exactAuthors: true,
      }),
    ).toEqual([]);
  });

  it('reports a wrong owner, from the URL and from the page', () => {
    expect(compare(result({}), { owner: 'x:bob' })).toEqual([
      'profile from the URL: expected x:bob, got x:alice',
      'profile from the page: expected x:bob, got x:alice, x:id:1',
    ]);
    expect(compare(result({ urlOwner: null, domOwner: null }), { owner: 'x:alice' })).toEqual([
      'profile from the URL: expected x:alice, got nobody',
    ]);
    expect(compare(result({}), { owner: null })).toEqual([
      'profile from the URL: expected nobody, got x:alice',
      'profile from the page: expected nobody, got x:alice, x:id:1',
    ]);
    expect(compare(result({ domOwner: null }), { owner: 'x:alice', ownerIds: ['x:id:1'] })).toEqual([
      'profile from the page: expected x:id:1, got nothing',
    ]);
  });

  it('reports missing authors, forbidden authors and (when exact) extra authors', () => {
    expect(compare(result({}), { authors: ['x:alice', 'x:dave'] })).toEqual(['authors not found (1): x:dave']);
    expect(compare(result({}), { notAuthors: ['x:carol', 'x:bob'] })).toEqual([
      'reported as authors but must not be (mention or viewer): x:carol (1 link)',
    ]);
    expect(compare(result({}), { authors: ['x:alice'], exactAuthors: true })).toEqual(['unexpected authors (1): x:carol']);
    expect(compare(result({ authors: [] }), { authors: [], exactAuthors: true })).toEqual([]);
  });

  it('fails pages that were not checked and adapters that threw', () => {
    expect(compare(result({ status: 'no-url', message: 'URL unknown — pass it in expectations' }), {})).toEqual([
      'URL unknown — pass it in expectations',
    ]);
    expect(compare(result({ errors: ['authorLinks failed: boom'] }), {})).toEqual(['adapter error: authorLinks failed: boom']);
  });
});

describe('page check: a tiny in-memory page', () => {
  it('runs the real adapter and reports a wrong owner, a missing author and a mention', async () => {
    const page = await checkHtml(X_PAGE, { file: 'tiny.html' });
    expect(page.status).toBe('checked');
    expect(page.url).toBe('https://x.com/home');
    expect(page.urlSource).toBe('canonical link');
    expect(page.platform).toBe('x');
    expect(page.urlOwner).toBeNull();
    expect(page.errors).toEqual([]);
    const keys = page.authors.map((a) => a.key);
    expect(keys).toContain('x:alice');
    expect(keys).not.toContain('x:viewer_me');

    const problems = compare(page, { owner: 'x:alice', authors: ['x:alice', 'x:nobody'], notAuthors: ['x:alice'] });
    expect(problems).toEqual([
      'profile from the URL: expected x:alice, got nobody',
      'authors not found (1): x:nobody',
      expect.stringMatching(/^reported as authors but must not be \(mention or viewer\): x:alice \(\d+ links?\)$/),
    ]);
    expect(formatPage({ result: page, expected: {}, problems })).toContain('FAIL');
  });

  it('keeps saved pages inert: scripts do not run', async () => {
    const page = await checkHtml(X_PAGE, { url: 'https://x.com/alice' });
    expect(page.urlOwner).toBe('x:alice');
    expect(page.urlSource).toBe('expectations');
    // the inline script would have replaced the body, and with it every author link
    expect(page.authors.map((a) => a.key)).toContain('x:alice');
  });

  it('says in one line when a page is on another site or has no known address', async () => {
    const other = await checkHtml('<html><head><link rel="canonical" href="https://example.com/a"></head></html>');
    expect(other.status).toBe('unsupported');
    expect(other.message).toBe('example.com is not a site Kindred supports');
    const unknown = await checkHtml('<html><body><p>hi</p></body></html>');
    expect(unknown.status).toBe('no-url');
    expect(unknown.message).toBe('URL unknown — pass it in expectations');
    // the address tools such as pender write at the top of the file
    const comment = await checkHtml('<!-- https://x.com/jack -->\n<html><head><link rel="canonical" href="https://x.com/other"></head></html>');
    expect([comment.url, comment.urlSource, comment.urlOwner]).toEqual(['https://x.com/jack', 'comment at the top of the file', 'x:jack']);
    const ld = await checkHtml(
      '<html><head><script type="application/ld+json">{"@type":"ProfilePage","url":"https://bsky.app/profile/a.bsky.social"}</script></head></html>',
    );
    expect([ld.urlSource, ld.urlOwner]).toEqual(['JSON-LD', 'bluesky:a.bsky.social']);
    const gone = await checkFile(path.join(os.tmpdir(), 'kindred-no-such-page.html'), 'gone.html');
    expect([gone.status, gone.message]).toEqual(['unreadable', 'file not found']);
  });

  it('recognises Mastodon on an instance that is not built in, from the page', async () => {
    const html =
      '<!-- https://social.example.org/@alice -->\n<html><head><title>Alice (@alice@social.example.org)</title></head><body>' +
      '<div id="mastodon" class="app-holder" data-props="{}"></div>' +
      '<script id="initial-state" type="application/json">{"meta":{"domain":"social.example.org"}}</script></body></html>';
    const page = await checkHtml(html);
    if ('isMastodonDocument' in mastodon && 'detectMastodonAt' in mastodon) {
      expect([page.status, page.platform, page.siteBy, page.urlOwner]).toEqual([
        'checked',
        'mastodon',
        'page',
        'mastodon:alice@social.example.org',
      ]);
    } else {
      expect(page.status).toBe('unsupported');
    }
    // the same host without the Mastodon app markup is just another site
    expect((await checkHtml('<!-- https://social.example.org/@alice --><html></html>')).status).toBe('unsupported');
  });
});

describe('page check: folders and expectation files', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kindred-pages-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('fails an entry whose file is missing, warns about a page without an entry', async () => {
    mkdirSync(path.join(dir, 'x'));
    writeFileSync(path.join(dir, 'x/tiny.html'), X_PAGE);
    writeFileSync(path.join(dir, 'x/extra.html'), X_PAGE);
    const report = await checkFolder(dir, {
      'x/tiny.html': { owner: null, authors: ['x:alice'] },
      'x/gone.html': { url: 'https://x.com/gone', owner: 'x:gone' },
    });
    expect(report.pages.map((p) => [p.result.file, p.problems])).toEqual([
      ['x/extra.html', []],
      ['x/tiny.html', []],
    ]);
    expect(report.missingFiles).toEqual(['x/gone.html']);
    expect(report.noEntry).toEqual(['x/extra.html']);
    expect(report.failed).toBe(1);
    const text = formatReport(report, true);
    expect(text).toContain('FAIL  x/gone.html: listed in the expectations but the file is missing');
    expect(text).toContain('warning  x/extra.html: no entry in the expectations');
    expect(text).toMatch(/^FAILED: 2 pages, 2 on supported sites, 1 passed, 1 failed, 1 without expectations/m);
  });

  it('rejects keys that are not canonical, and unknown fields', () => {
    const { problems } = validateExpectations({
      'a.html': { owner: 'x:Kikobeats', authors: ['facebook:Koptisch.Orthodoxes'], notAuthors: ['nope'], colour: 1 },
      'b.html': { url: 'ftp://x.com/a', authors: ['x:a'], notAuthors: ['x:a'] },
    });
    expect(problems).toEqual([
      'entry "a.html": unknown field "colour"',
      'entry "a.html": owner "x:Kikobeats" is not canonical, the adapter writes it "x:kikobeats"',
      'entry "a.html": authors "facebook:Koptisch.Orthodoxes" is not canonical, the adapter writes it "facebook:koptischorthodoxes"',
      'entry "a.html": notAuthors "nope" is not a key like "x:jack"',
      'entry "b.html": "url" must be an http(s) address',
      'entry "b.html": x:a is in both authors and notAuthors',
    ]);
    expect(loadExpectations(path.join(dir, 'missing.json')).problems[0]).toMatch(/^cannot read the expectations file/);
  });
});

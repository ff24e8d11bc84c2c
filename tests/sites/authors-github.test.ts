// GitHub authorLinks + fromDocument: real saved pages (shared/fixtures/pages/github, SOURCES.md)
// and our unit fixtures tests/fixtures/sites/github/*.html.
import { describe, expect, it } from 'vitest';
import { identityKey } from '../../src/identity';
import { githubSite } from '../../src/sites/github';
import { distinct, fixturePage, keysOf, parseHtml, realPage, requirePages } from './load-page';

requirePages('github');

const issue = 'github/issue-kepano-defuddle-56-loggedout.html';
const repo = 'github/repo-marzipanify-loggedin-sdoire.html';
const ISSUE_URL = 'https://github.com/kepano/defuddle/issues/56';
const REPO_URL = 'https://github.com/steventroughtonsmith/marzipanify';
const authors = (doc: ParentNode, url: string) => githubSite.authorLinks(doc, new URL(url));
const gh = (...logins: string[]) => logins.map((l) => `github:${l}`);

describe('GitHub authorLinks — real pages', () => {
  it('React issue view: the issue author and both commenters, one link per comment', () => {
    const links = authors(realPage(issue), ISSUE_URL);
    expect(distinct(links)).toEqual(gh('jmorrell', 'masylum', 'nbbaier'));
    // body header + one per timeline comment (jmorrell 1, masylum 2, nbbaier 3); no avatar duplicates
    expect(keysOf(links)).toEqual(gh('jmorrell', 'jmorrell', 'masylum', 'nbbaier', 'nbbaier', 'masylum', 'nbbaier'));
    for (const { element } of links) expect(element.querySelector('img')).toBeNull();
  });

  it('React issue view: not the repository owner, who is only mentioned and in the repo header', () => {
    const links = authors(realPage(issue), ISSUE_URL);
    expect(keysOf(links)).not.toContain('github:kepano');
    for (const { element } of links) expect(element.closest('.markdown-body, .user-mention')).toBeNull();
  });

  it('repository page: latest-commit author and contributors, never the signed-in viewer', () => {
    const found = distinct(authors(realPage(repo), REPO_URL));
    expect(found).toEqual(gh('916253', 'andrianbdn', 'danielpunkass', 'steventroughtonsmith'));
    expect(found).not.toContain('github:sdoire');
  });
});

describe('GitHub authorLinks — unit fixture (classic timeline)', () => {
  const doc = fixturePage('github/issue-classic.html');
  const url = 'https://github.com/octo-org/widgets/issues/7';

  it('finds the opener, commenters, event actor, list-row author and hovercard user', () => {
    expect(keysOf(authors(doc, url))).toEqual(gh('alice', 'alice', 'carol', 'dave', 'erin', 'frank'));
  });

  it('prefers the name link over the timeline avatar', () => {
    for (const { element } of authors(doc, url).slice(0, 4)) expect(element.classList.contains('author')).toBe(true);
  });

  it('skips the viewer (any casing), mentions, the repo owner and org links', () => {
    const found = keysOf(authors(doc, url));
    for (const k of gh('viewer-me', 'bob', 'octo-org', 'about')) expect(found).not.toContain(k);
  });

  it('works on an added subtree with no viewer meta in it', () => {
    const item = doc.querySelectorAll('.TimelineItem')[1]!;
    expect(keysOf(authors(item, url))).toEqual(gh('carol'));
    const fragment = doc.createDocumentFragment();
    fragment.appendChild(item.cloneNode(true));
    expect(keysOf(authors(fragment, url))).toEqual(gh('carol'));
  });
});

describe('GitHub authorLinks — 300-comment synthetic timeline (no quadratic work)', () => {
  it('returns one link per comment', () => {
    const comment = (i: number) =>
      `<div class="TimelineItem"><div class="TimelineItem-avatar"><a data-hovercard-type="user" href="/user${i}"><img></a></div>` +
      `<h3><a class="author" data-hovercard-type="user" href="/user${i}">user${i}</a></h3>` +
      `<div class="comment-body markdown-body"><a class="user-mention" data-hovercard-type="user" href="/other${i}">@other</a></div></div>`;
    const doc = parseHtml(`<body>${Array.from({ length: 300 }, (_, i) => comment(i)).join('')}</body>`);
    expect(authors(doc, 'https://github.com/o/r/issues/1')).toHaveLength(300);
  });
});

describe('GitHub fromDocument', () => {
  const run = (doc: Document, url: string) => {
    const found = githubSite.fromDocument!(doc, new URL(url));
    return found && { keys: found.identities.map(identityKey), name: found.displayName };
  };

  it('confirms a profile page from og:url / vcard / octolytics, never from the viewer login', () => {
    expect(run(fixturePage('github/profile.html'), 'https://github.com/octo-cat')).toEqual({
      keys: ['github:octo-cat'],
      name: 'The Octocat',
    });
    expect(run(fixturePage('github/profile.html'), 'https://github.com/Octo-Cat?tab=repositories')?.keys).toEqual(['github:octo-cat']);
    expect(run(fixturePage('github/profile.html'), 'https://github.com/viewer-me')).toBeNull();
  });

  it('each profile fact alone is enough', () => {
    const only = (keep: string) => {
      const doc = fixturePage('github/profile.html');
      const drop = ['meta[property="og:url"]', '.p-nickname', 'meta[name="octolytics-dimension-user_login"]'].filter((s) => s !== keep);
      for (const sel of drop) doc.querySelector(sel)!.remove();
      return run(doc, 'https://github.com/octo-cat')?.keys;
    };
    expect(only('meta[property="og:url"]')).toEqual(['github:octo-cat']);
    expect(only('.p-nickname')).toEqual(['github:octo-cat']);
    expect(only('meta[name="octolytics-dimension-user_login"]')).toEqual(['github:octo-cat']);
  });

  it('returns null for /owner/repo and on issue/repo pages for the owner (stale or not a profile)', () => {
    expect(run(realPage(issue), 'https://github.com/kepano/defuddle')).toBeNull();
    expect(run(realPage(issue), 'https://github.com/kepano')).toBeNull(); // octolytics login is the repo owner there
    expect(run(realPage(repo), 'https://github.com/steventroughtonsmith')).toBeNull();
    expect(run(realPage(repo), 'https://github.com/sdoire')).toBeNull();
    expect(run(fixturePage('github/profile.html'), 'https://github.com/octo-cat/hello-world')).toBeNull();
  });
});

describe('GitHub probes', () => {
  it('expect an issue author on issue pages only, and find it on the real issue', () => {
    const [probe] = githubSite.probes!;
    expect(probe!.expectedOn(new URL(ISSUE_URL))).toBe(true);
    expect(probe!.expectedOn(new URL('https://github.com/o/r/pull/12'))).toBe(false);
    expect(probe!.expectedOn(new URL(REPO_URL))).toBe(false);
    expect(probe!.expectedOn(new URL('https://github.com/o/r/issues'))).toBe(false);
    expect(realPage(issue).querySelector(probe!.selector)).not.toBeNull();
    expect(fixturePage('github/issue-classic.html').querySelector(probe!.selector)).not.toBeNull();
  });
});

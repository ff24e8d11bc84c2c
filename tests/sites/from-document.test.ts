// @vitest-environment happy-dom
// fromDocument against real pages saved from the live sites (shared/fixtures/pages, see SOURCES.md there).
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { identityKey } from '../../src/identity';
import { facebookSite } from '../../src/sites/facebook';
import type { PageProfile, SiteAdapter } from '../../src/sites/types';
import { xSite } from '../../src/sites/x';
import { PAGES, parseHtml, realPage, requirePages } from './load-page';

requirePages('x', 'facebook');

/** A fresh parse of a saved page as served at `url` (safe to mutate). */
const load = (file: string, url: string): Document => parseHtml(readFileSync(path.join(PAGES, file), 'utf8'), url);
/** Shared read-only parse of a page (tests that mutate the DOM use `load`). */
const page = realPage;

const run = (site: SiteAdapter, doc: Document, url: string): { keys: string[]; name: string | null } | null => {
  const found: PageProfile | null | undefined = site.fromDocument?.(doc, new URL(url));
  return found ? { keys: found.identities.map(identityKey), name: found.displayName } : null;
};

describe('fixtures', () => {
  it('are the real saved pages this suite was written against', () => {
    expect(readdirSync(path.join(PAGES, 'x'))).toContain('profile-kikobeats-loggedout.html');
    expect(readdirSync(path.join(PAGES, 'facebook'))).toContain('login-wall.html');
    // happy-dom really parsed them (not an empty document)
    expect(page('x/profile-kikobeats-loggedout.html').title).toBe('Kiko Beats (@Kikobeats) / X');
    expect(page('facebook/page-heymeedan-comet-loggedout.html').querySelectorAll('script').length).toBeGreaterThan(100);
  });
});

describe('X fromDocument', () => {
  const kiko = 'x/profile-kikobeats-loggedout.html';
  const javi = 'x/profile-javilop-loggedout.html';
  const mario = 'x/profile-badlogicgames-loggedout-cpft.html';

  it('confirms the owner from the JSON-LD and adds the numeric id', () => {
    expect(run(xSite, page(kiko), 'https://x.com/Kikobeats')).toEqual({
      keys: ['x:kikobeats', 'x:id:101198215'],
      name: 'Kiko Beats',
    });
    expect(run(xSite, page(javi), 'https://x.com/javilop')).toEqual({
      keys: ['x:javilop', 'x:id:16045832'],
      name: 'Javi López ⛩️',
    });
    expect(run(xSite, page(mario), 'https://twitter.com/badlogicgames/media')).toEqual({
      keys: ['x:badlogicgames', 'x:id:189876762'],
      name: 'Mario Zechner',
    });
  });

  it('confirms an /i/user/<id> URL by the numeric id', () => {
    expect(run(xSite, page(kiko), 'https://x.com/i/user/101198215')?.keys).toEqual(['x:kikobeats', 'x:id:101198215']);
    expect(run(xSite, page(kiko), 'https://x.com/i/user/16045832')).toBeNull();
  });

  it('returns null for a different profile URL (stale DOM after SPA navigation)', () => {
    expect(run(xSite, page(kiko), 'https://x.com/javilop')).toBeNull();
    expect(run(xSite, page(javi), 'https://x.com/Kikobeats')).toBeNull();
    expect(run(xSite, page(mario), 'https://x.com/florianklenk')).toBeNull();
  });

  it('returns null when the URL is not a profile', () => {
    expect(run(xSite, page(kiko), 'https://x.com/home')).toBeNull();
    expect(run(xSite, page(kiko), 'https://x.com/i/web/status/1')).toBeNull();
  });

  it('falls back to the UserName header, which alone decides once present', () => {
    const doc = load(kiko, 'https://x.com/Kikobeats');
    doc.querySelector('script[data-testid="UserProfileSchema-test"]')?.remove();
    expect(run(xSite, doc, 'https://x.com/kikobeats')).toEqual({ keys: ['x:kikobeats'], name: 'Kiko Beats' });
    // the title is updated first on pushState; the old header must still veto
    doc.title = 'Javi López ⛩️ (@javilop) / X';
    expect(run(xSite, doc, 'https://x.com/javilop')).toBeNull();
    // no id can be tied to a screen name without the JSON-LD
    expect(run(xSite, doc, 'https://x.com/i/user/101198215')).toBeNull();
  });

  it('falls back to the title `Name (@handle) / X` (CPFT)', () => {
    const doc = load(mario, 'https://x.com/badlogicgames');
    doc.querySelector('script[data-testid="UserProfileSchema-test"]')?.remove();
    doc.querySelector('[data-testid="UserName"]')?.remove();
    expect(run(xSite, doc, 'https://x.com/badlogicgames')).toEqual({
      keys: ['x:badlogicgames'],
      name: 'Mario Zechner',
    });
    expect(run(xSite, doc, 'https://x.com/badlogic')).toBeNull();
    doc.title = '(3) Mario Zechner (@badlogicgames) / X';
    expect(run(xSite, doc, 'https://x.com/badlogicgames')?.name).toBe('Mario Zechner');
    doc.title = 'Home / X';
    expect(run(xSite, doc, 'https://x.com/badlogicgames')).toBeNull();
  });

  it('does not confirm status pages, timelines or an unrendered shell', () => {
    expect(run(xSite, page('x/status-realdonaldtrump-loggedout.html'), 'https://x.com/realDonaldTrump/status/1')).toBeNull();
    expect(run(xSite, page('x/status-bigtechalert-loggedout.html'), 'https://x.com/elonmusk')).toBeNull();
    // the logged-in viewer is all over the home timeline but is not "on screen"
    expect(run(xSite, page('x/home-timeline-loggedin-regenerate.html'), 'https://x.com/__regenerate')).toBeNull();
    expect(run(xSite, page('x/shell-unrendered-home.html'), 'https://x.com/__regenerate')).toBeNull();
    expect(run(xSite, page('x/article-arscontexta-loggedin-kepano.html'), 'https://x.com/kepano')).toBeNull();
  });
});

describe('Facebook fromDocument', () => {
  const meedan = 'facebook/page-heymeedan-comet-loggedout.html';
  const kopt = 'facebook/page-koptisch-arabic-comet-loggedout.html';

  it('confirms a Page by vanity and recovers its profile and Page ids', () => {
    expect(run(facebookSite, page(meedan), 'https://www.facebook.com/heymeedan')).toEqual({
      keys: ['facebook:heymeedan', 'facebook:id:100067935271247', 'facebook:id:54421674438'],
      name: 'Meedan',
    });
  });

  it('normalises the vanity (dots and case) before comparing', () => {
    expect(run(facebookSite, page(kopt), 'https://www.facebook.com/Koptisch.Orthodoxes.Kulturzentrum.e.V')).toEqual({
      keys: ['facebook:koptischorthodoxeskulturzentrumev', 'facebook:id:100064435044283', 'facebook:id:179240385797'],
      name: 'المركز الثقافي القبطي الأرثوذكسي بالمانيا',
    });
    expect(run(facebookSite, page(meedan), 'https://m.facebook.com/Hey.Meedan/about')?.keys[0]).toBe('facebook:heymeedan');
  });

  it('confirms a profile.php?id= URL by the numeric id and adds the vanity', () => {
    expect(run(facebookSite, page(meedan), 'https://www.facebook.com/profile.php?id=100067935271247')?.keys).toEqual([
      'facebook:heymeedan',
      'facebook:id:100067935271247',
      'facebook:id:54421674438',
    ]);
  });

  it('returns null for a different profile URL (stale DOM after SPA navigation)', () => {
    expect(run(facebookSite, page(meedan), 'https://www.facebook.com/zuck')).toBeNull();
    expect(run(facebookSite, page(kopt), 'https://www.facebook.com/heymeedan')).toBeNull();
    expect(run(facebookSite, page(meedan), 'https://www.facebook.com/profile.php?id=100064435044283')).toBeNull();
    expect(run(facebookSite, page(meedan), 'https://www.facebook.com/groups/kindred')).toBeNull();
  });

  it('trusts head metadata only when it names the URL profile', () => {
    // Scripts gone: the matching head alone confirms, including the app-link id.
    const headOnly = load(meedan, 'https://www.facebook.com/heymeedan');
    for (const s of headOnly.querySelectorAll('script')) s.remove();
    expect(run(facebookSite, headOnly, 'https://www.facebook.com/heymeedan')).toEqual({
      keys: ['facebook:heymeedan', 'facebook:id:100067935271247'],
      name: 'Meedan',
    });
    expect(run(facebookSite, headOnly, 'https://www.facebook.com/zuck')).toBeNull();

    // Head metadata gone: the server-rendered JSON (userID + userVanity) still confirms.
    const scriptsOnly = load(kopt, 'https://www.facebook.com/Koptisch.Orthodoxes.Kulturzentrum.e.V');
    for (const n of scriptsOnly.querySelectorAll('head meta, head link[rel="canonical"]')) n.remove();
    expect(run(facebookSite, scriptsOnly, 'https://www.facebook.com/koptischorthodoxeskulturzentrumev')?.keys).toEqual([
      'facebook:koptischorthodoxeskulturzentrumev',
      'facebook:id:100064435044283',
      'facebook:id:179240385797',
    ]);
  });

  it('confirms the author of a classic post page from its canonical link', () => {
    expect(
      run(
        facebookSite,
        page('facebook/post-littlemix-pfbid-classic-loggedout.html'),
        'https://www.facebook.com/LittleMix/posts/pfbid02Hvu5Jys35PPckFHUQFNbxoT7pK8quieyMMG7D5KkkwtxbwJuSkpPjXK1ZEXceQNXl',
      ),
    ).toEqual({ keys: ['facebook:littlemix'], name: 'Little Mix' });
  });

  it('gives null on the login wall', () => {
    const wall = page('facebook/login-wall.html');
    expect(run(facebookSite, wall, 'https://www.facebook.com/heymeedan')).toBeNull();
    expect(run(facebookSite, wall, 'https://www.facebook.com/profile.php?id=100067935271247')).toBeNull();
    expect(run(facebookSite, wall, 'https://www.facebook.com/login/web/')).toBeNull();
  });
});

describe('content-script hygiene', () => {
  it('never touches innerHTML in src/sites', () => {
    const dir = path.resolve(__dirname, '../../src/sites');
    for (const file of readdirSync(dir)) {
      expect(readFileSync(path.join(dir, file), 'utf8'), file).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML/);
    }
  });
});

// Meta-test (style.md habit 1, after refined-github's build/features.test.ts): adding a site to the
// registry is not done until it has unit fixtures and URL cases.
//
// Covered elsewhere, deliberately not repeated here:
// - every registered host is matched by the manifest's content_scripts: tests/manifest.test.ts;
// - no host is listed by two sites, each case URL is claimed by at most one site, and every positive
//   case comes from the platform its expectation names: tests/sites/detect.test.ts "host registry"
//   and "positive cases come from the platform named in the expectation".
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sites } from '../../src/sites';

const FIXTURES = path.resolve(__dirname, '../fixtures/sites');
const DETECT = readFileSync(path.join(__dirname, 'detect.test.ts'), 'utf8');

/** detect.test.ts keeps one `const <platform>: Case[] = [ … ];` table per platform (plus `generic`). */
function table(platform: string): { url: string; expected: string | null }[] | null {
  const m = new RegExp(`^const ${platform}: Case\\[\\] = \\[\\n([\\s\\S]*?)^\\];`, 'm').exec(DETECT);
  if (!m) return null;
  return [...(m[1] ?? '').matchAll(/^\s*\[\s*'((?:[^'\\]|\\.)*)'\s*,\s*(null|'(?:[^'\\]|\\.)*')/gm)].map((c) => ({
    url: (c[1] ?? '').replace(/\\(.)/g, '$1'),
    expected: c[2] === 'null' ? null : (c[2] ?? '').slice(1, -1),
  }));
}

describe('every registered site', () => {
  it('the table parser understands detect.test.ts (guards this meta-test itself)', () => {
    expect(table('generic')?.length).toBeGreaterThan(5);
    expect(table('no_such_platform')).toBeNull();
  });

  describe.each(sites.map((site) => [site.platform, site] as const))('%s', (platform, site) => {
    it(`has unit fixtures in tests/fixtures/sites/${platform}/`, () => {
      const dir = path.join(FIXTURES, platform);
      expect(existsSync(dir), `missing ${dir}`).toBe(true);
      expect(readdirSync(dir).filter((f) => f.endsWith('.html')).length, dir).toBeGreaterThan(0);
    });

    it('has a URL table in detect.test.ts, registered in `tables`, with positive and negative cases', () => {
      const cases = table(platform);
      expect(cases, `no \`const ${platform}: Case[]\` table`).not.toBeNull();
      expect(DETECT).toMatch(new RegExp(`^const tables[^]*?^  ${platform},$`, 'm'));
      expect(cases!.filter((c) => c.expected?.startsWith(`${platform}:`)).length).toBeGreaterThanOrEqual(3);
      expect(cases!.filter((c) => c.expected === null).length).toBeGreaterThanOrEqual(3);
    });

    it('its table holds only its own hosts or hosts no site claims (cases are filed under the right platform)', () => {
      for (const { url } of table(platform) ?? []) {
        let host: string;
        try {
          host = new URL(url).hostname;
        } catch {
          continue;
        }
        const owner = sites.find((s) => s.hosts.includes(host));
        if (owner) expect(owner.platform, url).toBe(platform);
      }
    });

    it('declares its authorLinks (and any probes are well-formed)', () => {
      expect(typeof site.authorLinks).toBe('function');
      expect(site.probes?.length ?? 1).toBeGreaterThan(0);
      expect(site.probes?.length ?? 0).toBeLessThanOrEqual(3);
      for (const probe of site.probes ?? []) {
        expect(probe.name).toMatch(/^[a-z]+-[a-z-]+$/);
        expect(probe.selector.trim()).not.toBe('');
        expect(typeof probe.expectedOn(new URL(`https://${site.hosts[0]}/`))).toBe('boolean');
      }
    });
  });
});

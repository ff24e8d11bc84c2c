// Meta-test: every registered site's hosts are covered by the manifest's content script matches,
// and the manifest carries what both browsers need.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sites } from '../src/sites';

const manifest = JSON.parse(readFileSync(new URL('../manifest.json', import.meta.url), 'utf8'));
const matches: string[] = manifest.content_scripts.flatMap((c: { matches: string[] }) => c.matches);

function covered(host: string): boolean {
  return matches.some((pattern) => {
    const m = /^https:\/\/(\*\.)?([^/]+)\/\*$/.exec(pattern);
    if (!m) return false;
    return m[1] ? host === m[2] || host.endsWith(`.${m[2]}`) : host === m[2];
  });
}

describe('manifest', () => {
  it.each(sites.map((site) => [site.platform, site.hosts] as const))('every %s host is matched by a content script', (_platform, hosts) => {
    expect(hosts.length).toBeGreaterThan(0);
    expect(hosts.filter((host) => !covered(host))).toEqual([]);
  });
  it('exposes no web_accessible_resources to social sites', () => {
    expect(manifest.web_accessible_resources).toBeUndefined();
  });
  it('declares both a Chrome service worker and a Firefox event page', () => {
    expect(manifest.background.service_worker).toBe('background.js');
    expect(manifest.background.scripts).toEqual(['background.js']);
    expect(manifest.browser_specific_settings.gecko.id).toMatch(/@/);
  });
});

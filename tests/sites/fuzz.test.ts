// Fuzzing the URL contract (sites.md §1): 100,000 random and mutated URLs through `detect`, from a
// seeded PRNG so every run sees the same inputs. Whatever the input, detect must not throw, and
// anything it returns must be on an exactly-registered host and fit the shared identity schema.
import { describe, expect, it } from 'vitest';
import { PLATFORMS, type Identity, type Platform } from '../../src/identity';
import { identitySchema } from '../../src/identity-schema';
import { detect, MASTODON_HOSTS, profileUrl, sites } from '../../src/sites';
import { mulberry32 as prng } from '../../scripts/lib/random';

const TOTAL = 100_000;

const HOSTS: ReadonlySet<string> = new Set([...sites.flatMap((s) => s.hosts), ...MASTODON_HOSTS]);
const OWNER = new Map<string, Platform>(sites.flatMap((s) => s.hosts.map((h) => [h, s.platform] as const)));

// Valid seeds: each platform's canonical profile URL for a few handles, plus other accepted forms.
const HANDLES: Record<Platform, string[]> = {
  x: ['jack', 'Kikobeats', 'id:12'],
  facebook: ['zuck', 'john.smith.55', 'id:100004'],
  linkedin: ['williamhgates', 'michael-rüffer-61125324', 'urn:ACoAAAKT9JQBr4jV0j9X6Zt1nLkq9YR5Bx3Xk2c', 'company:microsoft'],
  instagram: ['natgeo', 'plan.nacionalfiat11'],
  bluesky: ['jay.bsky.team', 'did:plc:z72i7hdynmk6r22z27h6tvur'],
  mastodon: ['gargron@mastodon.social', 'first.last@hachyderm.io'],
  threads: ['zuck'],
  youtube: ['mrbeast', 'channel:UCzcRQ3vRNr6fJ1A9rqFn7QA', 'user:pewdiepie'],
  tiktok: ['huxleythepandapuppy'],
  github: ['torvalds', 'legacy-'],
  reddit: ['spez', 'HR_Dragonfly'],
};
const SEEDS: string[] = [
  ...PLATFORMS.flatMap((p) => HANDLES[p].map((handle) => profileUrl({ platform: p, handle }))),
  'https://twitter.com/jack/status/20',
  'https://x.com/intent/user?screen_name=jack',
  'https://www.facebook.com/profile.php?id=100004&sk=about',
  'https://de.linkedin.com/pub/krzysztof-marzec/a7/576/b50',
  'https://bsky.app/profile/forbes.com/post/3mdd7aj7pgs2x',
  'https://fosstodon.org/@alice@hachyderm.io/109876543210',
  'https://www.threads.com/@zuck/post/C1',
  'https://www.youtube.com/@MrBeast/videos',
  'https://www.tiktok.com/@huxleythepandapuppy/video/1',
  'https://old.reddit.com/user/spez/comments/',
  'https://github.com/torvalds?tab=repositories',
];

// Look-alikes of a registered host that must never match (§1 rule 2).
const lookalike = (host: string, r: () => number): string => {
  const bare = host.replace(/^www\./, '');
  const options = [
    `${host}.evil.example`,
    `evil${bare}`,
    `${bare}-login.example`,
    `${bare}.`.replace(/\.$/, '.evil'),
    `xn--${bare.replace(/\./g, '-')}`,
    // Cyrillic а/о/е for a Latin one: the parser punycodes it to xn--…
    bare.replace(/[aoe]/, (c) => ({ a: '\u0430', o: '\u043e', e: '\u0435' })[c as 'a' | 'o' | 'e']),
    `sub.${bare}.evil.example`,
    bare.split('').reverse().join(''),
  ];
  return options[Math.floor(r() * options.length)]!;
};

const SCHEMES = ['https:', 'http:', 'HTTPS:', 'ftp:', 'ws:', 'wss:', 'javascript:', 'data:', 'file:', 'chrome-extension:', 'about:', 'blob:https:'];
const CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~:/?#[]@!$&\'()*+,;=% \t\n\\"<>^`{|}\u0000\u00e9\u00fc\u0430\u200b\ufeff\ud83d\ude00';

interface Sample {
  url: string;
  /** True when the mutation guarantees a non-registered host, so detect must return null. */
  mustBeNull: boolean;
}

function mutate(seed: string, r: () => number): Sample {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const at = (s: string) => Math.floor(r() * (s.length + 1));
  let url = seed;
  let mustBeNull = false;
  const rounds = 1 + Math.floor(r() * 3);
  for (let i = 0; i < rounds; i++) {
    const parsed = (() => {
      try {
        return new URL(url);
      } catch {
        return null;
      }
    })();
    switch (Math.floor(r() * 14)) {
      case 0: // case flips
        url = [...url].map((c) => (r() < 0.3 ? (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()) : c)).join('');
        break;
      case 1: {
        const p = at(url);
        url = url.slice(0, p) + pick([...CHARS]) + url.slice(p);
        break;
      }
      case 2: {
        const p = Math.floor(r() * url.length);
        url = url.slice(0, p) + url.slice(p + 1);
        break;
      }
      case 3: {
        // percent-encode one path/handle character (sometimes badly)
        const p = url.indexOf('/', 8) + 1 + Math.floor(r() * 12);
        const c = url[p];
        if (c) url = url.slice(0, p) + (r() < 0.8 ? `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}` : '%Z') + url.slice(p + 1);
        break;
      }
      case 4:
        if (parsed && HOSTS.has(parsed.hostname)) {
          url = url.replace(parsed.host, lookalike(parsed.hostname, r));
          mustBeNull = true;
        }
        break;
      case 5: // userinfo that looks like the host: x.com@evil.example
        if (parsed) {
          url = url.replace(`//${parsed.host}`, `//${parsed.host}@evil.example`);
          mustBeNull = true;
        }
        break;
      case 6: // harmless userinfo
        if (parsed) url = url.replace(`//${parsed.host}`, `//${pick(['user', 'u:p', '%40', 'a@b'])}@${parsed.host}`);
        break;
      case 7: // ports
        if (parsed) url = url.replace(`//${parsed.host}`, `//${parsed.hostname}:${pick(['443', '80', '8080', '0', '65535', '99999', ''])}`);
        break;
      case 8: // extra slashes / backslashes
        url = url.replace(/(https?:\/\/[^/]+)\//, (_, h: string) => `${h}${pick(['//', '///', '/./', '\\', '/%2F', '/../'])}`);
        break;
      case 9: // schemes
        url = url.replace(/^[a-z][a-z0-9+.-]*:/i, pick(SCHEMES));
        break;
      case 10: // query and fragment noise
        url += pick(['?', '#', '?a=b', '#@evil.example', '?screen_name=jack&user_id=1', '?id=%00', '/..', '/%2e%2e', '/']);
        break;
      case 11: // long segments (handle length caps, identity ≤ 200)
        url += `/${pick(['a', '@', '.', '-', '%41', 'é'])}`.repeat(1 + Math.floor(r() * 120));
        break;
      case 12: // whitespace and controls around and inside
        url = pick([' ', '\t', '\n', '\u0000', '\u200b']) + url + pick(['', ' ', '\r\n']);
        break;
      default: // random tail replacement
        url = url.slice(0, Math.floor(r() * url.length)) + Array.from({ length: Math.floor(r() * 30) }, () => pick([...CHARS])).join('');
    }
  }
  // A mutation after a look-alike can only move further from a registered host, except when it
  // rewrites the scheme back or deletes characters; re-check instead of trusting the flag blindly.
  if (mustBeNull) {
    try {
      if (HOSTS.has(new URL(url).hostname)) mustBeNull = false;
    } catch {
      // unparseable: null anyway
    }
  }
  return { url, mustBeNull };
}

function randomUrl(r: () => number): string {
  const len = Math.floor(r() * 60);
  const tail = Array.from({ length: len }, () => CHARS[Math.floor(r() * CHARS.length)]).join('');
  const hosts = [...HOSTS];
  return `${SCHEMES[Math.floor(r() * SCHEMES.length)]}//${hosts[Math.floor(r() * hosts.length)]}/${tail}`;
}

describe('detect fuzzing (100,000 seeded random and mutated URLs)', () => {
  it('never throws, and every result is on a registered host and fits the identity schema', () => {
    const r = prng(0x6b696e64); // "kind"
    let found = 0;
    let lookalikes = 0;
    const problems: string[] = [];
    for (let i = 0; i < TOTAL; i++) {
      const sample: Sample = r() < 0.15 ? { url: randomUrl(r), mustBeNull: false } : mutate(SEEDS[Math.floor(r() * SEEDS.length)]!, r);
      let result: Identity | null;
      try {
        result = detect(sample.url);
      } catch (error) {
        problems.push(`threw on ${JSON.stringify(sample.url)}: ${String(error)}`);
        continue;
      }
      if (sample.mustBeNull) lookalikes++;
      if (!result) continue;
      found++;
      const host = new URL(sample.url).hostname;
      if (sample.mustBeNull) problems.push(`look-alike matched: ${JSON.stringify(sample.url)}`);
      if (!HOSTS.has(host)) problems.push(`unregistered host ${host}: ${JSON.stringify(sample.url)}`);
      if (OWNER.get(host) !== result.platform) problems.push(`${result.platform} on ${host}: ${JSON.stringify(sample.url)}`);
      if (result.handle.length > 200 || !identitySchema.safeParse(result).success) {
        problems.push(`bad identity ${JSON.stringify(result)} from ${JSON.stringify(sample.url)}`);
      }
      if (/[\s/?#\\<>"]/.test(result.handle)) problems.push(`unsafe handle ${JSON.stringify(result.handle)} from ${JSON.stringify(sample.url)}`);
      if (problems.length > 20) break;
    }
    expect(problems).toEqual([]);
    // The corpus really exercises both outcomes (guards against a fuzzer that only makes garbage).
    expect(found).toBeGreaterThan(TOTAL * 0.05);
    expect(lookalikes).toBeGreaterThan(TOTAL * 0.05);
  });

  it('is deterministic: the same seed gives the same inputs', () => {
    const a = prng(42);
    const b = prng(42);
    const first = Array.from({ length: 50 }, () => mutate(SEEDS[Math.floor(a() * SEEDS.length)]!, a).url);
    const second = Array.from({ length: 50 }, () => mutate(SEEDS[Math.floor(b() * SEEDS.length)]!, b).url);
    expect(first).toEqual(second);
  });

  it('every seed is itself a profile URL, so mutations start from valid input', () => {
    for (const seed of SEEDS) expect(detect(seed), seed).not.toBeNull();
  });
});

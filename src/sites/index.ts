// Site registry and the URL contract of ../../shared/sites.md §1 (normative).
import type { Identity, Platform } from '../identity';
import type { SiteAdapter } from './types';
import { blueskySite } from './bluesky';
import { facebookSite } from './facebook';
import { githubSite } from './github';
import { instagramSite } from './instagram';
import { linkedinSite } from './linkedin';
import { mastodonSite } from './mastodon';
import { redditSite } from './reddit';
import { threadsSite } from './threads';
import { tiktokSite } from './tiktok';
import { CHANNEL, youtubeSite } from './youtube';
import { xSite } from './x';

export { MASTODON_HOSTS } from './mastodon';
export type { PageProfile, SiteAdapter } from './types';

export const sites: readonly SiteAdapter[] = [
  xSite,
  facebookSite,
  linkedinSite,
  instagramSite,
  blueskySite,
  mastodonSite,
  threadsSite,
  youtubeSite,
  tiktokSite,
  githubSite,
  redditSite,
];

// §1 rule 2: exact hostname equality only, so look-alikes (`x.com.evil.example`, `evilx.com`,
// punycoded homoglyphs) and unlisted subdomains simply miss the map.
const byHost = new Map<string, SiteAdapter>();
for (const site of sites) for (const host of site.hosts) byHost.set(host, site);
const byPlatform = (platform: Platform | undefined): SiteAdapter | undefined => sites.find((site) => site.platform === platform);

/** §1 rule 1: WHATWG parse with no base; only http(s). */
function parse(input: string): URL | null {
  try {
    const url = new URL(input);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url : null;
  } catch {
    return null;
  }
}

/** The site whose exact host `url` is on, or null. */
export function siteFor(url: string): SiteAdapter | null {
  const parsed = parse(url);
  return (parsed && byHost.get(parsed.hostname)) ?? null;
}

/** The profile `url` points at, from the URL alone (§1), or null. */
export function detect(url: string): Identity | null {
  const parsed = parse(url);
  return (parsed && byHost.get(parsed.hostname)?.detect(parsed)) ?? null;
}

/** A URL that opens `identity`'s profile. */
export function profileUrl(identity: Identity): string {
  const site = byPlatform(identity.platform);
  if (!site) throw new Error(`unknown platform ${identity.platform}`);
  return site.profileUrl(identity.handle);
}

// `host/path` without a scheme, e.g. `twitter.com/Jack` pasted into a CSV cell.
const HOST_PATH = /^[^\s/@:?#]+\.[^\s/@:?#]+(?::\d+)?\//;

/**
 * Canonical identity for a CRM/CSV cell: a profile URL (with or without `https://`), or a bare
 * handle for `platformHint`. Bare handles go through the same adapter `detect` as URLs (via a
 * synthetic profile URL), so lowercasing, dot-stripping and validation cannot drift apart.
 */
export function canonicalizeProfile(input: string, platformHint?: Platform): Identity | null {
  const cell = input.trim();
  if (!cell) return null;
  const host = cell.split(/[/?#]/, 1)[0]?.toLowerCase() ?? '';
  const url = /^[a-z][a-z\d+.-]*:\/\//i.test(cell)
    ? cell
    : cell.startsWith('//')
      ? `https:${cell}`
      : HOST_PATH.test(cell) || byHost.has(host)
        ? `https://${cell}`
        : null;
  if (url) {
    const found = detect(url);
    return found && (!platformHint || found.platform === platformHint) ? found : null;
  }
  const site = platformHint && byPlatform(platformHint);
  if (!site) return null;
  let handle = cell.replace(/^@/, '');
  // Only one `@` is optional (§1 x rule); adapters that take `/@name` paths must not strip a second.
  if (handle[0] === '@') return null;
  switch (platformHint) {
    case 'mastodon':
      // A bare `user` has no instance; `user@domain` is resolved on any built-in host (§1 `/@u@d`).
      return handle.includes('@') ? detect(`https://mastodon.social/@${encodeURIComponent(handle)}`) : null;
    case 'youtube':
      if (CHANNEL.test(handle)) handle = `channel:${handle}`;
      break;
    case 'reddit':
      handle = handle.replace(/^\/?u(?:ser)?\//i, '');
      break;
  }
  const found = detect(site.profileUrl(handle));
  return found?.platform === platformHint ? found : null;
}

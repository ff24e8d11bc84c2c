// The one vocabulary every context shares: which platforms exist and how a person on one is keyed.
// Deliberately free of zod: the content script imports it and has a 25 KB budget. The schemas
// for message and storage boundaries are in identity-schema.ts.

export const PLATFORMS = [
  'x', 'facebook', 'linkedin', 'instagram', 'bluesky', 'mastodon',
  'threads', 'youtube', 'tiktok', 'github', 'reddit',
] as const;

export type Platform = (typeof PLATFORMS)[number];

export interface Identity {
  platform: Platform;
  /** Canonical handle as produced by the site adapter (see ../shared/sites.md §1). */
  handle: string;
}

/** `"<platform>:<handle>"`, e.g. `x:jack`, `facebook:id:100004`, `mastodon:gargron@mastodon.social`. */
export type IdentityKey = string;

export const identityKey = (identity: Identity): IdentityKey => `${identity.platform}:${identity.handle}`;

const platformSet: ReadonlySet<string> = new Set(PLATFORMS);

export function parseIdentityKey(key: string): Identity | null {
  const colon = key.indexOf(':');
  if (colon <= 0) return null;
  const platform = key.slice(0, colon);
  const handle = key.slice(colon + 1);
  if (!platformSet.has(platform) || !handle) return null;
  return { platform: platform as Platform, handle };
}

export const PLATFORM_LABELS: Record<Platform, string> = {
  x: 'X', facebook: 'Facebook', linkedin: 'LinkedIn', instagram: 'Instagram', bluesky: 'Bluesky',
  mastodon: 'Mastodon', threads: 'Threads', youtube: 'YouTube', tiktok: 'TikTok', github: 'GitHub',
  reddit: 'Reddit',
};

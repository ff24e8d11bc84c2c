// The one vocabulary every context shares: which platforms exist and how a person on one is keyed.
import { z } from 'zod';

export const PLATFORMS = [
  'x', 'facebook', 'linkedin', 'instagram', 'bluesky', 'mastodon',
  'threads', 'youtube', 'tiktok', 'github', 'reddit',
] as const;

export const platformSchema = z.enum(PLATFORMS);
export type Platform = z.infer<typeof platformSchema>;

export const identitySchema = z.object({
  platform: platformSchema,
  // Canonical handle as produced by the site adapter (see ../shared/sites.md §1). Bounded so a
  // hostile page cannot make us store or send megabytes.
  handle: z.string().min(1).max(200),
});
export type Identity = z.infer<typeof identitySchema>;

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

export const identityKeySchema = z
  .string()
  .max(220)
  .refine((key) => parseIdentityKey(key) !== null, 'not an identity key');

export const PLATFORM_LABELS: Record<Platform, string> = {
  x: 'X', facebook: 'Facebook', linkedin: 'LinkedIn', instagram: 'Instagram', bluesky: 'Bluesky',
  mastodon: 'Mastodon', threads: 'Threads', youtube: 'YouTube', tiktok: 'TikTok', github: 'GitHub',
  reddit: 'Reddit',
};

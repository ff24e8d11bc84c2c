// User settings, validated at the boundary (storage can hold anything an older version wrote).
import * as z from './zod';
import { PLATFORMS, type Platform } from './identity';
import { platformSchema } from './identity-schema';

export const siteSettingSchema = z.object({
  /** Recognise profiles on this site (toolbar badge, popup). */
  recognize: z.boolean(),
  /** Mark known constituents next to their names in the page. */
  badges: z.boolean(),
});
export type SiteSetting = z.infer<typeof siteSettingSchema>;

/** A bare host name as users type it: "social.example.org". */
export const hostSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(253)
  .regex(/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/, 'not a host name');

export const settingsSchema = z.object({
  /** Shown as the author of interactions this person logs. */
  userName: z.string().trim().max(120).default(''),
  /** Inject nothing into any page: the toolbar badge alone says who is known. */
  quiet: z.boolean().default(false),
  /** Overrides of the per-site defaults (see `siteSetting`). */
  sites: z.partialRecord(platformSchema, siteSettingSchema).default({}),
  /** Mastodon servers beyond the built-in list; each was granted host permission when added. */
  mastodonInstances: z.array(hostSchema).max(200).default([]),
  /** Ask the connected CRM about people the cache does not know (sends the handles on screen to it). */
  liveLookup: z.boolean().default(true),
});
export type Settings = z.infer<typeof settingsSchema>;

/** LinkedIn penalises accounts whose pages are modified, so its in-page badges start off. */
const DEFAULT_SITE: Record<Platform, SiteSetting> = Object.fromEntries(
  PLATFORMS.map((platform) => [platform, { recognize: true, badges: platform !== 'linkedin' }]),
) as Record<Platform, SiteSetting>;

export function siteSetting(settings: Settings, platform: Platform): SiteSetting {
  return settings.sites[platform] ?? DEFAULT_SITE[platform];
}

export function parseSettings(raw: unknown): Settings {
  const parsed = settingsSchema.safeParse(raw ?? {});
  if (parsed.success) return parsed.data;
  // Keep every field that is still valid rather than resetting the user's choices wholesale.
  const base = settingsSchema.parse({});
  const record = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  for (const key of Object.keys(base) as (keyof Settings)[]) {
    const field = settingsSchema.shape[key].safeParse(record[key]);
    if (field.success) (base as Record<string, unknown>)[key] = field.data;
  }
  return base;
}

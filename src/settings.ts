// User settings, validated at the boundary (storage can hold anything an older version wrote).
import * as z from 'zod';

export const settingsSchema = z.object({
  /** Shown as the author of interactions this person logs. */
  userName: z.string().trim().max(120).default(''),
});
export type Settings = z.infer<typeof settingsSchema>;

export function parseSettings(raw: unknown): Settings {
  const parsed = settingsSchema.safeParse(raw ?? {});
  return parsed.success ? parsed.data : settingsSchema.parse({});
}

// zod schemas for identities at trust boundaries (messages, storage, imports).
import * as z from './zod';
import { parseIdentityKey, PLATFORMS } from './identity';

export const platformSchema = z.enum(PLATFORMS);

export const identitySchema = z.object({
  platform: platformSchema,
  // Bounded so a hostile page cannot make us store or send megabytes.
  handle: z.string().min(1).max(200),
});

export const identityKeySchema = z
  .string()
  .max(220)
  .refine((key) => parseIdentityKey(key) !== null, 'not an identity key');

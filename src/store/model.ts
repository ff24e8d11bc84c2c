// Records as they live in IndexedDB (see DESIGN.md "Data model"). zod schemas double as the
// validation of anything that arrives from outside (CSV, CRM, messages) before it is stored; each
// is built when first used (`z.lazy`), not when a context starts (src/zod.ts).
import * as z from '../zod';
import { platformSchema } from '../identity-schema';

export const INTERACTION_KINDS = ['comment', 'dm', 'call', 'meeting', 'email', 'event', 'note'] as const;
export const interactionKindSchema = z.enum(INTERACTION_KINDS);
export type InteractionKind = z.infer<typeof interactionKindSchema>;
export const INTERACTION_KIND_LABELS: Record<InteractionKind, string> = {
  comment: 'Comment', dm: 'Direct message', call: 'Call', meeting: 'Meeting', email: 'Email',
  event: 'Event', note: 'Note',
};

export const givingSchema = z.lazy(() => z.object({
  lifetime: z.number().nonnegative().nullable(),
  lastGiftAmount: z.number().nonnegative().nullable(),
  lastGiftDate: z.string().nullable(), // ISO date (YYYY-MM-DD)
  largestGift: z.number().nonnegative().nullable(),
  currency: z.string().length(3).nullable(),
  /** First gift, where the CRM reports it (Raiser's Edge NXT's giving summary). */
  firstGiftAmount: z.number().nonnegative().nullable().optional(),
  firstGiftDate: z.string().nullable().optional(), // ISO date (YYYY-MM-DD)
}));
export type Giving = z.infer<typeof givingSchema>;

export const constituentSchema = z.lazy(() => z.object({
  id: z.string(), // `<source>:<externalId>`
  source: z.string(),
  externalId: z.string(),
  displayName: z.string().min(1),
  firstName: z.string().nullable(),
  lastName: z.string().nullable(),
  emails: z.array(z.string()),
  phones: z.array(z.string()),
  tags: z.array(z.string()),
  doNotContact: z.boolean(),
  /**
   * Active contact rules in the CRM's own words ("Do not call on weekends"; Raiser's Edge NXT
   * solicit codes), for the card to show beside the do-not-contact flag. Absent when not read.
   */
  solicitCodes: z.array(z.string()).optional(),
  giving: givingSchema.nullable(),
  photoUrl: z.string().nullable(),
  /** Search keys: folded "first last" and "last first" (see `nameKeys`). */
  nameKey: z.array(z.string()),
  /**
   * The file and line a CSV import last wrote this record from. It lets an import tell "a row
   * earlier in this file" from "an earlier import" by reading the store, so the import holds no
   * per-row state in memory however long the file is.
   */
  importedFrom: z.object({ file: z.string(), line: z.number().int() }).optional(),
  /**
   * Keys of the profiles a CSV import linked to this person. The import writes them with the
   * record, so finding a person's imported links needs no index on identities (see `heldBy`).
   * May name a key that has since moved to someone else: readers check each link's owner.
   */
  importedKeys: z.array(z.string()).optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
}));
export type Constituent = z.infer<typeof constituentSchema>;

export const PROVENANCES = ['crm', 'user-linked', 'imported'] as const;
export const identityRecordSchema = z.lazy(() => z.object({
  key: z.string(), // `<platform>:<handle>`
  platform: platformSchema,
  handle: z.string(),
  constituentId: z.string(),
  provenance: z.enum(PROVENANCES),
  /** Who made the link (user-linked: the Kindred user; imported: the file name). */
  linkedBy: z.string().nullable(),
  linkedAt: z.string(),
  confirmed: z.boolean(),
  /** The page or cell the link was made from, kept as evidence. */
  sourceUrl: z.string().nullable(),
  /**
   * `constituentId` again, on links the CRM or a user made, never on imported ones: the index on
   * it finds a person's links, and an import (most links, written with their constituent) writes
   * no index entry for its own. Set by the store (links.ts), not by writers.
   */
  heldBy: z.string().optional(),
}));
export type IdentityRecord = z.infer<typeof identityRecordSchema>;

export const INTERACTION_STATUSES = ['synced', 'pending', 'failed'] as const;
export const interactionSchema = z.lazy(() => z.object({
  id: z.string(),
  constituentId: z.string(),
  kind: interactionKindSchema,
  channel: platformSchema.nullable(),
  at: z.string(), // ISO 8601 instant
  summary: z.string().nullable(),
  notes: z.string(),
  profileUrl: z.string().nullable(),
  author: z.string().nullable(),
  source: z.string(),
  externalId: z.string().nullable(),
  status: z.enum(INTERACTION_STATUSES),
  lastError: z.string().nullable(),
  createdAt: z.string(),
}));
export type Interaction = z.infer<typeof interactionSchema>;

export const giftSchema = z.lazy(() => z.object({
  id: z.string(),
  constituentId: z.string(),
  amount: z.number(),
  currency: z.string().nullable(),
  date: z.string(),
  fund: z.string().nullable(),
  campaign: z.string().nullable(),
}));
export type Gift = z.infer<typeof giftSchema>;

export const outboxItemSchema = z.lazy(() => z.object({
  id: z.string(), // idempotency key
  op: z.string(),
  payload: z.unknown(),
  attempts: z.number().int().nonnegative(),
  nextAttemptAt: z.number(),
  lastError: z.string().nullable(),
}));
export type OutboxItem = z.infer<typeof outboxItemSchema>;

export interface MetaRecord {
  key: string;
  value: unknown;
}

/** Lower-case, strip diacritics and punctuation, collapse spaces: "Zoë  O'Brien" → "zoe obrien". */
export function foldName(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/['’`.]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** Keys that let a prefix search find "Ada Lovelace" by "ada", "ada lov", "lovelace" or "lovelace a". */
export function nameKeys(displayName: string, firstName: string | null, lastName: string | null): string[] {
  const keys = new Set<string>();
  const full = foldName(displayName);
  if (full) keys.add(full);
  const first = firstName ? foldName(firstName) : '';
  const last = lastName ? foldName(lastName) : '';
  if (first && last) {
    keys.add(`${first} ${last}`);
    keys.add(`${last} ${first}`);
  } else if (last) keys.add(last);
  // Every later word of the display name as a start, so "smith" finds "Jane Smith".
  const words = full.split(' ');
  for (let i = 1; i < words.length; i++) keys.add(words.slice(i).join(' '));
  // A key that starts another ("lovelace" of "lovelace ada") finds nothing the longer one does not,
  // in a prefix search or a typo search (both read prefix ranges), and each is an index entry to
  // write: a third fewer for the usual "First Last" at import and sync.
  const all = [...keys];
  return all.filter((key) => !all.some((other) => other !== key && other.startsWith(key)));
}


// The CSV columns of the local CRM and how a file's headers are matched to them.
import * as z from '../zod';
import { PLATFORMS, type Platform } from '../identity';

/** Every column Kindred reads and writes, in export order. */
export const CSV_FIELDS = [
  'external_id', 'first_name', 'last_name', 'display_name', 'email', 'phone', 'tags',
  ...PLATFORMS,
  'lifetime_giving', 'last_gift_amount', 'last_gift_date', 'largest_gift', 'currency', 'do_not_contact',
] as const;
export type CsvField = (typeof CSV_FIELDS)[number];

export const csvFieldSchema = z.enum(CSV_FIELDS);

const platformSet: ReadonlySet<string> = new Set(PLATFORMS);
export const isPlatformField = (field: CsvField): field is Platform => platformSet.has(field);

/**
 * Fields that hold `;`-separated lists. Two columns may map to one of these (e.g. `email` and
 * `work_email`); their values are joined. Every other field takes at most one column.
 */
const MULTI: ReadonlySet<CsvField> = new Set<CsvField>(['email', 'phone', 'tags', ...PLATFORMS]);
export const isMultiValued = (field: CsvField): boolean => MULTI.has(field);


/** A header as matched: lower-cased, BOM dropped, every space, `_`, `-`, `.` (any non letter/digit) removed. */
export const normalizeHeader = (header: string): string =>
  header.replace(/^\uFEFF/, '').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');

const SYNONYMS: Record<Exclude<CsvField, Platform>, string> = {
  external_id: 'id externalid constituentid constituentnumber recordid contactid donorid supporterid memberid crmid',
  first_name: 'firstname first givenname forename fname',
  last_name: 'lastname last surname familyname lname',
  display_name: 'displayname name fullname contactname constituentname',
  email: 'email emails emailaddress emailaddresses mail primaryemail',
  phone: 'phone phones phonenumber mobile mobilephone mobilenumber cell cellphone telephone tel primaryphone',
  tags: 'tags tag labels label',
  lifetime_giving: 'lifetimegiving lifetime totalgiving lifetimevalue lifetimetotal totalgifts totaldonations totalgiven',
  last_gift_amount: 'lastgiftamount lastgift lastdonation lastdonationamount mostrecentgift mostrecentgiftamount',
  last_gift_date: 'lastgiftdate lastdonationdate mostrecentgiftdate',
  largest_gift: 'largestgift largestgiftamount largestdonation biggestgift highestgift maxgift',
  currency: 'currency currencycode ccy',
  do_not_contact: 'donotcontact dnc donotemail donotsolicit nocontact optout',
};

// Each platform column also matches `<alias>handle`, `<alias>url`, `<alias>profile`, … .
const PLATFORM_ALIASES: Record<Platform, string> = {
  x: 'x twitter xcom twittercom xtwitter twitterx',
  facebook: 'facebook fb facebookcom',
  linkedin: 'linkedin linkedincom',
  instagram: 'instagram ig insta instagramcom',
  bluesky: 'bluesky bsky bskyapp',
  mastodon: 'mastodon fediverse',
  threads: 'threads threadsnet',
  youtube: 'youtube yt youtubecom',
  tiktok: 'tiktok tiktokcom',
  github: 'github gh githubcom',
  reddit: 'reddit redditcom',
};
const PLATFORM_SUFFIXES = ['', 'handle', 'url', 'profile', 'profileurl', 'username', 'account', 'link'];

const LOOKUP = new Map<string, CsvField>();
for (const [field, words] of Object.entries(SYNONYMS)) {
  for (const word of words.split(' ')) LOOKUP.set(word, field as CsvField);
}
for (const [platform, aliases] of Object.entries(PLATFORM_ALIASES)) {
  for (const alias of aliases.split(' ')) {
    for (const suffix of PLATFORM_SUFFIXES) LOOKUP.set(alias + suffix, platform as Platform);
  }
}
for (const field of CSV_FIELDS) LOOKUP.set(normalizeHeader(field), field);

/** The field one header names, or null. */
export function matchHeader(header: string): CsvField | null {
  return LOOKUP.get(normalizeHeader(header)) ?? null;
}

export type ColumnMapping = (CsvField | null)[];

/**
 * Matches a file's headers to fields. A second column naming a single-valued field already taken
 * (two `name` columns) is left unmapped and reported with the unknown ones, so the mapping step
 * asks the user instead of silently picking one. Blank headers are ignored without a report.
 */
export function autoMap(headers: string[]): { mapping: ColumnMapping; unknown: string[] } {
  const taken = new Set<CsvField>();
  const unknown: string[] = [];
  const mapping = headers.map((header) => {
    const field = matchHeader(header);
    if (field && (!taken.has(field) || isMultiValued(field))) {
      taken.add(field);
      return field;
    }
    if (normalizeHeader(header)) unknown.push(header.replace(/^\uFEFF/, '').trim());
    return null;
  });
  return { mapping, unknown };
}

/** A mapping the user chose: one entry per column, null to ignore it; single-valued fields at most once. */
export const columnMappingSchema = z.lazy(() =>
  z.array(csvFieldSchema.nullable()).superRefine((mapping, ctx) => {
    const seen = new Set<CsvField>();
    mapping.forEach((field, index) => {
      if (!field) return;
      if (seen.has(field) && !isMultiValued(field)) {
        ctx.addIssue({ code: 'custom', path: [index], message: `${field} is mapped to more than one column` });
      }
      seen.add(field);
    });
  }),
);

/** The columns a row needs at least one of. */
export const NAME_FIELDS: readonly CsvField[] = ['display_name', 'first_name', 'last_name'];

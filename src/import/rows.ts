// One CSV row → one constituent and its identities. Pure: no database, no clock, no I/O.
import { identityKey, PLATFORM_LABELS, PLATFORMS } from '../identity';
import { canonicalizeProfile } from '../sites';
import { buildConstituent } from '../store/queries';
import { foldName, type Constituent, type Giving, type IdentityRecord } from '../store/model';
import type { CsvField } from './columns';

export const LOCAL_SOURCE = 'local';

/** Longest cell we accept. Anything longer is a broken file (or an attack), not a name or a tag. */
export const MAX_CELL_CHARS = 10_000;

/** The mapped cells of one row; missing columns are `undefined`. */
export type RowCells = Partial<Record<CsvField, string | undefined>>;

export interface RowContext {
  /** The file name, recorded as `linkedBy` on imported identities. */
  fileName: string;
  /** ISO timestamp for `createdAt`/`updatedAt`/`linkedAt` (one per import run). */
  now: string;
}

export type ParsedRow =
  | {
      ok: true;
      constituent: Constituent;
      identities: IdentityRecord[];
      warnings: string[];
      /** True when the row had no `external_id` and one was derived (see `derivedExternalId`). */
      derivedId: boolean;
    }
  | { ok: false; reason: string };

const count = (n: number) => n.toLocaleString('en-US');

/** A cell quoted in a message: short, on one line. */
export function quoteCell(value: string): string {
  const flat = value.replace(/\s+/g, ' ');
  return `'${flat.length > 40 ? `${flat.slice(0, 37)}…` : flat}'`;
}

/**
 * Trimmed cell. A leading `'` before `= + - @` is dropped: that is how `exportCsv` (and OWASP's
 * CSV-injection advice) keeps spreadsheets from running a cell as a formula, so a round trip
 * gets the original value back.
 */
export function cleanCell(raw: string | undefined): string {
  const value = (raw ?? '').trim();
  return /^'[=+\-@]/.test(value) ? value.slice(1) : value;
}

/** `;`-separated list: trimmed, empties dropped, de-duplicated case-insensitively (first spelling kept). */
export function splitList(value: string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const part of value.split(';')) {
    const item = part.trim();
    const folded = item.toLowerCase();
    if (!item || seen.has(folded)) continue;
    seen.add(folded);
    out.push(item);
  }
  return out;
}

// Unambiguous currency signs only: `$` and `¥` are several currencies each.
const SIGN_CURRENCY: Record<string, string> = { '€': 'EUR', '£': 'GBP', '₹': 'INR', '₩': 'KRW', '₪': 'ILS' };

type Amount = { ok: true; value: number; currency: string | null } | { ok: false; reason: string };

/**
 * Money as people type it: `1234.5`, `1,234.50`, `$1,234`, `€ 50`, `50 EUR`. Comma is only a
 * thousands separator (`1.234,50` is refused rather than guessed); negatives are refused.
 */
export function parseAmount(column: string, raw: string): Amount {
  let s = raw.replace(/[\s\u00a0\u202f]+/g, '');
  let currency: string | null = null;
  let negative = false;
  if (/^\(.*\)$/.test(s)) {
    negative = true;
    s = s.slice(1, -1);
  }
  for (let pass = 0; pass < 2; pass++) {
    if (/^[-−]/.test(s)) {
      negative = true;
      s = s.slice(1);
    }
    const sign = /^\p{Sc}|\p{Sc}$/u.exec(s)?.[0];
    const code = /^[A-Za-z]{3}(?=[\d.])|(?<=[\d.])[A-Za-z]{3}$/.exec(s)?.[0];
    if (sign) {
      currency ??= SIGN_CURRENCY[sign] ?? null;
      s = s.startsWith(sign) ? s.slice(sign.length) : s.slice(0, -sign.length);
    } else if (code) {
      currency = code.toUpperCase();
      s = s.startsWith(code) ? s.slice(3) : s.slice(0, -3);
    }
  }
  if (!/^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$|^\.\d+$/.test(s)) {
    return { ok: false, reason: `${column}: ${quoteCell(raw)} is not an amount` };
  }
  const value = Number(s.replace(/,/g, ''));
  if (!Number.isFinite(value)) return { ok: false, reason: `${column}: ${quoteCell(raw)} is not an amount` };
  if (negative && value !== 0) return { ok: false, reason: `${column}: ${quoteCell(raw)} is negative` };
  return { ok: true, value, currency };
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;

/** `YYYY-MM-DD`, or an ISO date-time whose date part (as written, not converted to UTC) is kept. */
export function parseIsoDate(raw: string): string | null {
  const m = ISO_DATE.exec(raw);
  if (!m) return null;
  const [, y, mo, d, h, mi, sec] = m;
  const date = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  if (date.getUTCFullYear() !== Number(y) || date.getUTCMonth() !== Number(mo) - 1 || date.getUTCDate() !== Number(d)) {
    return null;
  }
  if (h !== undefined && (Number(h) > 23 || Number(mi) > 59 || Number(sec ?? 0) > 59)) return null;
  return `${y}-${mo}-${d}`;
}

const TRUE_WORDS = new Set(['true', 'yes', 'y', '1']);
const FALSE_WORDS = new Set(['false', 'no', 'n', '0', '']);

/**
 * 64-bit non-cryptographic hash (cyrb53's mixing, both halves kept) as 16 hex digits. Only needs
 * to be stable across runs and browsers and collision-free in practice for a few million rows.
 */
export function hash64(text: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (h2 >>> 0).toString(16).padStart(8, '0') + (h1 >>> 0).toString(16).padStart(8, '0');
}

/**
 * `external_id` is optional. Without one, the id is derived from what identifies a person in the
 * row — the folded display name and the e-mail addresses — so re-importing the same file (or the
 * same person with new giving, tags or profiles) updates the record instead of duplicating it.
 * The cost: two rows with the same name and e-mails and no id are one person (the importer
 * rejects the second as a duplicate and says so); an edited name or e-mail makes a new record.
 * Export writes the derived id out, so the round trip is stable.
 */
export function derivedExternalId(displayName: string, emails: readonly string[]): string {
  const key = `${foldName(displayName)}\u0000${emails.map((e) => e.toLowerCase()).sort().join(';')}`;
  return `csv-${hash64(key)}`;
}

/** Parses one row. Every problem with the row is listed in `reason` (joined with `; `). */
export function parseRow(cells: RowCells, ctx: RowContext): ParsedRow {
  const problems: string[] = [];
  const warnings: string[] = [];
  const v: RowCells = {};
  for (const [field, raw] of Object.entries(cells) as [CsvField, string | undefined][]) {
    const value = cleanCell(raw);
    if (value.length > MAX_CELL_CHARS) {
      problems.push(`${field} is too long (${count(value.length)} characters; limit ${count(MAX_CELL_CHARS)})`);
    } else v[field] = value;
  }
  if (problems.length) return { ok: false, reason: problems.join('; ') };

  const firstName = v.first_name || null;
  const lastName = v.last_name || null;
  const displayName = v.display_name || [firstName, lastName].filter(Boolean).join(' ');
  if (!displayName) problems.push('no name: needs display_name or first_name/last_name');

  const emails = splitList(v.email ?? '');
  const phones = splitList(v.phone ?? '');
  const tags = splitList(v.tags ?? '');

  const dnc = (v.do_not_contact ?? '').toLowerCase();
  const doNotContact = TRUE_WORDS.has(dnc);
  if (!doNotContact && !FALSE_WORDS.has(dnc)) {
    problems.push(`do_not_contact: ${quoteCell(v.do_not_contact ?? '')} is not yes/no/true/false/1/0`);
  }

  // Giving: null when every giving cell is empty.
  const amounts: Partial<Record<'lifetime' | 'lastGiftAmount' | 'largestGift', number>> = {};
  const signCurrencies = new Set<string>();
  for (const [field, key] of [
    ['lifetime_giving', 'lifetime'],
    ['last_gift_amount', 'lastGiftAmount'],
    ['largest_gift', 'largestGift'],
  ] as const) {
    const raw = v[field];
    if (!raw) continue;
    const amount = parseAmount(field, raw);
    if (!amount.ok) problems.push(amount.reason);
    else {
      amounts[key] = amount.value;
      if (amount.currency) signCurrencies.add(amount.currency);
    }
  }
  let lastGiftDate: string | null = null;
  if (v.last_gift_date) {
    lastGiftDate = parseIsoDate(v.last_gift_date);
    if (!lastGiftDate) problems.push(`last_gift_date: ${quoteCell(v.last_gift_date)} is not a date (use YYYY-MM-DD)`);
  }
  let currency: string | null = null;
  if (v.currency) {
    if (/^[A-Za-z]{3}$/.test(v.currency)) currency = v.currency.toUpperCase();
    else problems.push(`currency: ${quoteCell(v.currency)} is not a 3-letter currency code (e.g. USD)`);
  }
  if (signCurrencies.size === 1) {
    const [written] = signCurrencies;
    if (!currency && !v.currency) currency = written!;
    else if (currency && currency !== written) {
      warnings.push(`currency is ${currency} but an amount is written in ${written}; kept ${currency}`);
    }
  } else if (signCurrencies.size > 1 && !v.currency) {
    warnings.push(`amounts are written in ${[...signCurrencies].join(' and ')}; currency left empty`);
  }

  if (problems.length) return { ok: false, reason: problems.join('; ') };

  const hasGiving =
    amounts.lifetime !== undefined || amounts.lastGiftAmount !== undefined || amounts.largestGift !== undefined ||
    lastGiftDate !== null || currency !== null;
  const giving: Giving | null = hasGiving
    ? {
        lifetime: amounts.lifetime ?? null,
        lastGiftAmount: amounts.lastGiftAmount ?? null,
        lastGiftDate,
        largestGift: amounts.largestGift ?? null,
        currency,
      }
    : null;

  const derivedId = !v.external_id;
  const externalId = v.external_id || derivedExternalId(displayName, emails);
  const constituent = buildConstituent(
    LOCAL_SOURCE,
    externalId,
    { displayName, firstName, lastName, emails, phones, tags, doNotContact, giving },
    ctx.now,
  );

  const identities: IdentityRecord[] = [];
  const keys = new Set<string>();
  for (const platform of PLATFORMS) {
    const cell = v[platform];
    if (!cell) continue;
    for (const value of splitList(cell)) {
      const identity = canonicalizeProfile(value, platform);
      if (!identity) {
        warnings.push(`${platform}: ${quoteCell(value)} is not a valid ${PLATFORM_LABELS[platform]} handle or profile URL`);
        continue;
      }
      const key = identityKey(identity);
      if (keys.has(key)) continue;
      keys.add(key);
      identities.push({
        key,
        platform: identity.platform,
        handle: identity.handle,
        constituentId: constituent.id,
        provenance: 'imported',
        linkedBy: ctx.fileName,
        linkedAt: ctx.now,
        confirmed: true,
        sourceUrl: value,
      });
    }
  }
  constituent.importedKeys = [...keys];
  return { ok: true, constituent, identities, warnings, derivedId };
}

// Synthetic, seeded constituents for the scale benchmark (scripts/bench/scale.ts), written as CSV in
// Kindred's import format (src/import/columns.ts). Every row is a pure function of (seed, index):
// row i can be rebuilt on its own (the lookup keys of the benchmark are picked that way, without
// keeping a million rows in memory), and the same seed always gives the same file.
//
// A row: external_id `bench-<i>`, first/last/display name (a few hundred common names, some with
// diacritics and apostrophes), 1–2 emails, 0–3 tags, 1–4 identities (x always; then facebook, bluesky,
// instagram, in that order), and a giving summary (70% of rows; the rest leave the giving cells empty).
// Interactions (0–20 per constituent) are not part of the CSV format: scale-page.ts writes them
// after the import with the same per-row seeding.
import { once } from 'node:events';
import { createWriteStream, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseRow, type RowCells } from '../../src/import/rows';
import type { Constituent, IdentityRecord } from '../../src/store/model';
import { mulberry32 } from '../lib/random';

export const SEED = 0x5eed_2026;
/** Bump when the rows change, so cached CSV files under bench/tmp are rebuilt. */
export const GENERATOR_VERSION = 3;

/** The PRNG of row i (independent of every other row). */
export const rowRng = (seed: number, i: number, salt = 0): (() => number) =>
  mulberry32(Math.imul(seed ^ salt, 0x9e3779b1) ^ Math.imul(i + 1, 0x85ebca6b));

const FIRST = (
  'James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara Richard Susan Joseph Jessica ' +
  'Thomas Sarah Charles Karen Christopher Lisa Daniel Nancy Matthew Betty Anthony Margaret Mark Sandra Donald Ashley ' +
  'Steven Kimberly Paul Emily Andrew Donna Joshua Michelle Kenneth Carol Kevin Amanda Brian Dorothy George Melissa ' +
  'Timothy Deborah Ronald Stephanie Edward Rebecca Jason Sharon Jeffrey Laura Ryan Cynthia Jacob Kathleen Gary Amy ' +
  'Nicholas Angela Eric Shirley Jonathan Anna Stephen Brenda Larry Pamela Justin Emma Scott Nicole Brandon Helen ' +
  'Benjamin Samantha Samuel Katherine Gregory Christine Alexander Debra Frank Rachel Patrick Carolyn Raymond Janet ' +
  'Jack Catherine Dennis Maria Jerry Heather Tyler Diane Aaron Ruth Jose Julie Adam Olivia Nathan Joyce Henry Virginia ' +
  'Zoë Chloé Renée Amélie Inès Léa José Andrés Björn Søren Jürgen François Ngozi Chiamaka Oluwaseun Aiyana Priya ' +
  'Anjali Rohan Arjun Mei Hiroshi Yuki Sakura Minh Linh Fatima Aisha Omar Yusuf Leila Mateo Valentina Sofía Diego ' +
  'Siobhán Aoife Niamh Seán Ciarán Kai Noa Ada Grace Ivy'
).split(' ');

const LAST = (
  'Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez Gonzalez Wilson Anderson ' +
  'Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris Sanchez Clark Ramirez Lewis Robinson Walker Young ' +
  'Allen King Wright Scott Torres Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter ' +
  'Roberts Gomez Phillips Evans Turner Diaz Parker Cruz Edwards Collins Reyes Stewart Morris Morales Murphy Cook ' +
  'Rogers Gutierrez Ortiz Morgan Cooper Peterson Bailey Reed Kelly Howard Ramos Kim Cox Ward Richardson Watson Brooks ' +
  'Chavez Wood James Bennett Gray Mendoza Ruiz Hughes Price Alvarez Castillo Sanders Patel Myers Long Ross Foster ' +
  "Jiménez Müller Schröder Brontë Núñez Åberg Østergaard Łukasiewicz Dvořák Çelik O'Brien O'Connor D'Angelo " +
  'McAllister MacDonald Okafor Adeyemi Mensah Okonkwo Nakamura Tanaka Yamamoto Watanabe Takahashi Suzuki Wang Li ' +
  'Zhang Liu Chen Yang Huang Zhao Kumar Singh Sharma Gupta Iyer Reddy Novak Kowalski Nowak Horvat Petrović Ivanova ' +
  'Lovelace Hopper Turing Curie Franklin Noether Lamarr Goodall Johansson Lindqvist Virtanen Korhonen Fitzgerald'
).split(' ').concat(['Van der Berg', 'De la Cruz', 'St. James']);

const TAGS = [
  'Volunteer', 'Donor', 'Major donor', 'Monthly giver', 'Board', 'Gala 2025', 'Gala 2026', 'Newsletter', 'Event attendee',
  'Press', 'Partner', 'Lapsed', 'Prospect', 'Legacy', 'Youth programme', 'Advocate', 'Staff', 'Alumni', 'Corporate',
  'Foundation', 'Church group', 'Phone bank', 'Canvasser', 'Petition signer', 'Social media', 'VIP', 'Ambassador',
  'Trustee', 'Local chapter', 'Do not mail',
];
const CURRENCIES = ['USD', 'USD', 'USD', 'EUR', 'GBP', 'CAD'];

const pick = <T>(rng: () => number, list: readonly T[]): T => list[Math.floor(rng() * list.length)]!;
/** Fixed-width base-36 serial (4 digits cover 1,679,616 rows): a unique, unambiguous handle suffix. */
export const serial = (i: number): string => i.toString(36).padStart(4, '0');
const ascii = (s: string): string =>
  s.normalize('NFKD').replace(/\p{M}+/gu, '').replace(/ø/g, 'o').replace(/Ø/g, 'O').replace(/ł/g, 'l').replace(/Ł/g, 'L').toLowerCase().replace(/[^a-z0-9]+/g, '');

export interface Person {
  index: number;
  externalId: string;
  constituentId: string;
  firstName: string;
  lastName: string;
  displayName: string;
  emails: string[];
  tags: string[];
  /** Canonical identity keys as Kindred stores them (`x:…`, `facebook:…`), and the CSV cells. */
  identities: { platform: 'x' | 'facebook' | 'bluesky' | 'instagram'; cell: string; key: string }[];
  giving: { lifetime: string; lastAmount: string; lastDate: string; largest: string; currency: string } | null;
}

export function person(i: number, seed = SEED): Person {
  const rng = rowRng(seed, i);
  const firstName = pick(rng, FIRST);
  const lastName = pick(rng, LAST);
  const f = ascii(firstName);
  const l = ascii(lastName);
  const s = serial(i);
  const emails = [`${f}.${l}.${s}@example.org`];
  if (rng() < 0.3) emails.push(`${f}${s}@mail.example.net`);
  const tags: string[] = [];
  const tagCount = Math.floor(rng() * 4);
  while (tags.length < tagCount) {
    const t = pick(rng, TAGS);
    if (!tags.includes(t)) tags.push(t);
  }
  const identityCount = 1 + Math.floor(rng() * 4);
  const identities: Person['identities'] = [];
  // x handles: ≤ 15 characters, [a-z0-9_], unique by their serial suffix.
  const xHandle = `${f.slice(0, 5)}${l.slice(0, 4)}_${s}`;
  identities.push({ platform: 'x', cell: rng() < 0.5 ? `@${xHandle}` : `https://twitter.com/${xHandle}`, key: `x:${xHandle}` });
  if (identityCount >= 2) {
    if (rng() < 0.35) {
      const id = String(100_000_000_000 + i);
      identities.push({ platform: 'facebook', cell: `https://www.facebook.com/profile.php?id=${id}`, key: `facebook:id:${id}` });
    } else {
      // Facebook drops dots from vanity names: `k0a1b.ada.lovelace` → `k0a1badalovelace`.
      identities.push({ platform: 'facebook', cell: `k${s}.${f}.${l}`, key: `facebook:k${s}${f}${l}` });
    }
  }
  if (identityCount >= 3) {
    const handle = `${f}-${l}-${s}.bsky.social`;
    identities.push({ platform: 'bluesky', cell: handle, key: `bluesky:${handle}` });
  }
  if (identityCount >= 4) {
    const handle = `${f}.${l}.${s}`;
    identities.push({ platform: 'instagram', cell: `https://www.instagram.com/${handle}/`, key: `instagram:${handle}` });
  }
  let giving: Person['giving'] = null;
  if (rng() < 0.7) {
    const largest = Math.round(10 + rng() ** 3 * 25_000);
    const last = Math.max(5, Math.round(largest * (0.1 + rng() * 0.9)));
    const lifetime = largest + Math.round(rng() * largest * 6);
    const year = 2012 + Math.floor(rng() * 14);
    const month = 1 + Math.floor(rng() * 12);
    const day = 1 + Math.floor(rng() * 28);
    giving = {
      lifetime: `${lifetime}.00`,
      lastAmount: `${last}.00`,
      lastDate: `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
      largest: `${largest}.00`,
      currency: pick(rng, CURRENCIES),
    };
  }
  const externalId = `bench-${s}`;
  return {
    index: i,
    externalId,
    constituentId: `local:${externalId}`,
    firstName,
    lastName,
    displayName: `${firstName} ${lastName}`,
    emails,
    tags,
    identities,
    giving,
  };
}

export const CSV_HEADER =
  'external_id,first_name,last_name,display_name,email,tags,x,facebook,bluesky,instagram,lifetime_giving,last_gift_amount,last_gift_date,largest_gift,currency';

const q = (cell: string): string => (/[",\n\r]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell);

export function csvRow(p: Person): string {
  const id = (platform: string) => p.identities.find((x) => x.platform === platform)?.cell ?? '';
  const g = p.giving;
  return [
    p.externalId, p.firstName, p.lastName, p.displayName, p.emails.join(';'), p.tags.join(';'),
    id('x'), id('facebook'), id('bluesky'), id('instagram'),
    g?.lifetime ?? '', g?.lastAmount ?? '', g?.lastDate ?? '', g?.largest ?? '', g?.currency ?? '',
  ].map(q).join(',');
}

export interface CsvFile {
  path: string;
  rows: number;
  bytes: number;
  identities: number;
  /** Generation time (0 when the cached file was reused). */
  ms: number;
  cached: boolean;
}

/** Writes (or reuses, when seed, size and generator version match) the CSV of `rows` constituents. */
export async function writeCsv(path: string, rows: number, seed = SEED): Promise<CsvFile> {
  const metaPath = `${path}.json`;
  const want = { version: GENERATOR_VERSION, seed, rows };
  if (existsSync(path) && existsSync(metaPath)) {
    try {
      const meta = JSON.parse(readFileSync(metaPath, 'utf8')) as typeof want & { bytes: number; identities: number };
      if (meta.version === want.version && meta.seed === seed && meta.rows === rows && statSync(path).size === meta.bytes) {
        return { path, rows, bytes: meta.bytes, identities: meta.identities, ms: 0, cached: true };
      }
    } catch {
      // rebuild
    }
  }
  mkdirSync(dirname(path), { recursive: true });
  const started = performance.now();
  const out = createWriteStream(path, { encoding: 'utf8' });
  let identities = 0;
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, 'drain');
  };
  await write(`${CSV_HEADER}\n`);
  const CHUNK = 5_000;
  for (let start = 0; start < rows; start += CHUNK) {
    const lines: string[] = [];
    for (let i = start; i < Math.min(rows, start + CHUNK); i++) {
      const p = person(i, seed);
      identities += p.identities.length;
      lines.push(csvRow(p));
    }
    await write(`${lines.join('\n')}\n`);
  }
  await new Promise<void>((ok, fail) => out.end((error?: Error | null) => (error ? fail(error) : ok())));
  const bytes = statSync(path).size;
  writeFileSync(metaPath, JSON.stringify({ ...want, bytes, identities }));
  return { path, rows, bytes, identities, ms: performance.now() - started, cached: false };
}

/** Identity keys of random constituents (known) and of nobody (unknown), mixed, deterministic. */
export function lookupKeys(rows: number, count: number, knownShare: number, salt: number): { key: string; known: boolean }[] {
  const rng = mulberry32(SEED ^ salt);
  const out: { key: string; known: boolean }[] = [];
  for (let n = 0; n < count; n++) {
    if (rng() < knownShare) {
      const p = person(Math.floor(rng() * rows));
      out.push({ key: pick(rng, p.identities).key, known: true });
    } else {
      // Plausible handles nobody in the data set has (the serial is out of range, or a shape we never write).
      const platform = pick(rng, ['x', 'x', 'x', 'facebook', 'bluesky'] as const);
      const s = (2_000_000 + Math.floor(rng() * 1e6)).toString(36);
      out.push({
        key: platform === 'x' ? `x:nobody${s}` : platform === 'facebook' ? `facebook:id:${200_000_000_000 + Math.floor(rng() * 1e9)}` : `bluesky:nobody-${s}.bsky.social`,
        known: false,
      });
    }
  }
  return out;
}

/** Name-search queries built from real rows: prefixes as people type them, and misspelled/partial ones. */
export function searchQueries(rows: number, count: number, salt: number): { prefix: string[]; fuzzy: { text: string; kind: string; of: string }[] } {
  const rng = mulberry32(SEED ^ salt);
  const prefix: string[] = [];
  const fuzzy: { text: string; kind: string; of: string }[] = [];
  for (let n = 0; n < count; n++) {
    const p = person(Math.floor(rng() * rows));
    const first = p.firstName.toLowerCase();
    const last = p.lastName.toLowerCase();
    switch (n % 5) {
      case 0: prefix.push(first.slice(0, 3)); break; // "mar"
      case 1: prefix.push(`${first} ${last.slice(0, 2)}`); break; // "margaret sm"
      case 2: prefix.push(last.slice(0, 4)); break; // "smit"
      case 3: prefix.push(`${last} ${first.slice(0, 1)}`); break; // "smith m"
      default: prefix.push(p.displayName); break; // "Margaret Smith"
    }
    const k = n % 3;
    if (k === 0 && last.length >= 4) {
      // Two adjacent letters swapped: "smtih".
      const at = 1 + Math.floor(rng() * (last.length - 2));
      fuzzy.push({ text: last.slice(0, at) + last[at + 1] + last[at] + last.slice(at + 2), kind: 'transposed letters', of: p.lastName });
    } else if (k === 1 && last.length >= 5) {
      fuzzy.push({ text: last.slice(1, -1), kind: 'inner part of the last name', of: p.lastName });
    } else {
      // One letter dropped from the full name: "margaet smith".
      const full = `${first} ${last}`;
      const at = 1 + Math.floor(rng() * (full.length - 2));
      fuzzy.push({ text: full.slice(0, at) + full.slice(at + 1), kind: 'a letter missing', of: p.displayName });
    }
  }
  return { prefix, fuzzy };
}

/**
 * The records Kindred's import stores for rows [from, to), made by the product's own pure row
 * parser (src/import/rows.ts) from the same cells the CSV carries: the input of the floors.
 */
export function storedRecords(from: number, to: number, fileName: string, now: string): { constituents: Constituent[]; identities: IdentityRecord[] } {
  const constituents: Constituent[] = [];
  const identities: IdentityRecord[] = [];
  for (let i = from; i < to; i++) {
    const p = person(i);
    const cell = (platform: string) => p.identities.find((x) => x.platform === platform)?.cell ?? '';
    const cells: RowCells = {
      external_id: p.externalId, first_name: p.firstName, last_name: p.lastName, display_name: p.displayName,
      email: p.emails.join(';'), tags: p.tags.join(';'), x: cell('x'), facebook: cell('facebook'), bluesky: cell('bluesky'),
      instagram: cell('instagram'), lifetime_giving: p.giving?.lifetime ?? '', last_gift_amount: p.giving?.lastAmount ?? '',
      last_gift_date: p.giving?.lastDate ?? '', largest_gift: p.giving?.largest ?? '', currency: p.giving?.currency ?? '',
    };
    const parsed = parseRow(cells, { fileName, now });
    if (!parsed.ok) throw new Error(`row ${i} does not parse: ${parsed.reason}`);
    constituents.push(parsed.constituent);
    identities.push(...parsed.identities);
  }
  return { constituents, identities };
}

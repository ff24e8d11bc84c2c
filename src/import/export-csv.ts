// CSV export of the local CRM, in the column format `importCsv` reads, one page at a time.
import Papa from 'papaparse';
import { PLATFORMS, type Platform } from '../identity';
import { profileUrl } from '../sites';
import type { KindredDB } from '../store/db';
import { linksOf } from '../store/links';
import type { Constituent, IdentityRecord } from '../store/model';
import { CSV_FIELDS, type CsvField } from './columns';
import { LOCAL_SOURCE } from './rows';

export interface ExportOptions {
  /** Only constituents of this source (`<source>:` id prefix). Default `local`; null exports every source. */
  source?: string | null;
  /** Constituents per page (one read and one yielded chunk each). Default 1,000. */
  pageSize?: number;
  signal?: AbortSignal;
}

const NEWLINE = '\r\n'; // RFC 4180

// Plain decimal notation, never `1e+21`, so every exported amount imports again.
const amount = new Intl.NumberFormat('en-US', { useGrouping: false, maximumFractionDigits: 20 });
const money = (n: number | null | undefined) => (n == null ? '' : amount.format(n));

const unparse = (rows: string[][]) =>
  Papa.unparse(rows, {
    newline: NEWLINE,
    // A cell starting with = + - @ (a name or note from a social site) would run as a formula in
    // a spreadsheet; papaparse prefixes it with ' and the importer drops that prefix again.
    escapeFormulae: /^[=+\-@]/,
  });

function toRow(c: Constituent, identities: IdentityRecord[]): string[] {
  const urls = new Map<Platform, string[]>();
  for (const identity of [...identities].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))) {
    urls.set(identity.platform, [...(urls.get(identity.platform) ?? []), profileUrl(identity)]);
  }
  const g = c.giving;
  const values: Record<CsvField, string> = {
    external_id: c.externalId,
    first_name: c.firstName ?? '',
    last_name: c.lastName ?? '',
    display_name: c.displayName,
    email: c.emails.join(';'),
    phone: c.phones.join(';'),
    tags: c.tags.join(';'),
    ...(Object.fromEntries(PLATFORMS.map((p) => [p, (urls.get(p) ?? []).join(';')])) as Record<Platform, string>),
    lifetime_giving: money(g?.lifetime),
    last_gift_amount: money(g?.lastGiftAmount),
    last_gift_date: g?.lastGiftDate ?? '',
    largest_gift: money(g?.largestGift),
    currency: g?.currency ?? '',
    do_not_contact: c.doNotContact ? 'true' : 'false',
  };
  return CSV_FIELDS.map((field) => values[field]);
}

/**
 * The header line, then one CSV chunk per page of constituents (ordered by id). Platform columns
 * hold canonical profile URLs; lists are `;`-joined. Concatenate the chunks for the file.
 */
export async function* exportCsv(db: KindredDB, opts: ExportOptions = {}): AsyncGenerator<string> {
  const source = opts.source === undefined ? LOCAL_SOURCE : opts.source;
  const pageSize = opts.pageSize ?? 1_000;
  const prefix = source === null ? null : `${source}:`;
  yield unparse([[...CSV_FIELDS]]) + NEWLINE;
  let after: string | null = null;
  for (;;) {
    opts.signal?.throwIfAborted();
    const last: string | null = after;
    // One read transaction per page, so the page and its links are consistent with each other.
    const read = async (): Promise<[Constituent[], IdentityRecord[]]> => {
      // Keyset paging on the primary key: each page starts after the last id of the previous one.
      const ids = db.constituents.where('id');
      const range =
        prefix === null
          ? last === null ? db.constituents.orderBy('id') : ids.above(last)
          : last === null ? ids.startsWith(prefix) : ids.between(last, `${prefix}\uffff`, false, true);
      const rows = await range.limit(pageSize).toArray();
      const links = await linksOf(db, rows.map((c) => c.id), rows);
      return [rows, links.flat()];
    };
    const [page, identities] = await db.transaction('r', db.constituents, db.identities, read);
    if (!page.length) return;
    const byConstituent = new Map<string, IdentityRecord[]>();
    for (const identity of identities) {
      byConstituent.set(identity.constituentId, [...(byConstituent.get(identity.constituentId) ?? []), identity]);
    }
    yield unparse(page.map((c) => toRow(c, byConstituent.get(c.id) ?? []))) + NEWLINE;
    after = page.at(-1)!.id;
    if (page.length < pageSize) return;
  }
}

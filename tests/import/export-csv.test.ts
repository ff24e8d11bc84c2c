import Papa from 'papaparse';
import { describe, expect, test } from 'vitest';
import { CSV_FIELDS } from '../../src/import/columns';
import { exportCsv } from '../../src/import/export-csv';
import { importCsv } from '../../src/import/import-csv';
import type { KindredDB } from '../../src/store/db';
import { freshDb } from '../helpers/db';
import type { Constituent, IdentityRecord } from '../../src/store/model';
import { buildConstituent } from '../../src/store/queries';


async function collect(chunks: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const chunk of chunks) out.push(chunk);
  return out;
}

const SOURCE = [
  'external_id,first_name,last_name,display_name,email,phone,tags,twitter,facebook,linkedin,instagram,bluesky,mastodon,github,' +
    'lifetime_giving,last_gift_amount,last_gift_date,largest_gift,currency,do_not_contact,notes',
  '1,Ada,Lovelace,,ada@example.org;ada@work.example,+44 20 7946 0000,board; gala,https://twitter.com/Ada/;@ada_l,' +
    'facebook.com/Ada.Lovelace,,@ada,ada.bsky.social,https://mastodon.social/@ada,,"$1,234.50",50,2024-03-05T10:00:00Z,1000,gbp,no,hi',
  '2,"Bob ""Bobby""",,,,,,,,https://www.linkedin.com/in/bob-smith/,,,,Bob,,,,,,yes,',
  ',Cat,Ng,,cat@example.org,,,,,,,,,,,,,,,,',
  '10,"=HYPERLINK(""http://evil"")",,,,-1 555,,,,,,,,,€ 5,,,,,,',
  '3,"Multi',
  'Line",Name,,,,"a;b;a",,,,,,,,0,,,,,1,',
].join('\n');

describe('exportCsv', () => {
  test('writes the import columns: canonical profile URLs, ;-joined lists, plain numbers, true/false', async () => {
    const db = freshDb();
    const report = await importCsv(db, SOURCE, { fileName: 'in.csv' });
    expect(report.rejected).toEqual([]);
    expect(report.imported).toBe(5);

    const chunks = await collect(exportCsv(db));
    expect(chunks[0]).toBe(`${CSV_FIELDS.join(',')}\r\n`);
    const rows = Papa.parse<Record<string, string>>(chunks.join(''), { header: true, skipEmptyLines: true }).data;
    expect(rows.map((r) => r.external_id)).toEqual(['1', '10', '2', '3', expect.stringMatching(/^csv-[0-9a-f]{16}$/)]);
    expect(rows[0]).toEqual({
      external_id: '1', first_name: 'Ada', last_name: 'Lovelace', display_name: 'Ada Lovelace',
      email: 'ada@example.org;ada@work.example', phone: "'+44 20 7946 0000", tags: 'board;gala',
      x: 'https://x.com/ada;https://x.com/ada_l', facebook: 'https://www.facebook.com/adalovelace', linkedin: '',
      instagram: 'https://www.instagram.com/ada/', bluesky: 'https://bsky.app/profile/ada.bsky.social',
      mastodon: 'https://mastodon.social/@ada', threads: '', youtube: '', tiktok: '', github: '', reddit: '',
      lifetime_giving: '1234.5', last_gift_amount: '50', last_gift_date: '2024-03-05', largest_gift: '1000', currency: 'GBP',
      do_not_contact: 'false',
    });
    expect(rows[1]).toMatchObject({ display_name: `'=HYPERLINK("http://evil")`, phone: "'-1 555", lifetime_giving: '5', currency: 'EUR' });
    expect(rows[2]).toMatchObject({
      display_name: 'Bob "Bobby"', linkedin: 'https://www.linkedin.com/in/bob-smith', github: 'https://github.com/bob', do_not_contact: 'true',
    });
    expect(rows[3]).toMatchObject({ display_name: 'Multi\nLine Name', tags: 'a;b', lifetime_giving: '0', do_not_contact: 'true' });
  });

  test('pages of pageSize constituents in id order, only the local source by default', async () => {
    const db = freshDb();
    const make = (source: string, id: string) => buildConstituent(source, id, { displayName: `P ${id}` }, '2025-01-01T00:00:00.000Z');
    await db.constituents.bulkPut([
      make('local', 'b'), make('local', 'a'), make('local', 'c'), make('civicrm', '1'), make('localx', '1'), make('zz', '9'),
    ]);
    const chunks = await collect(exportCsv(db, { pageSize: 2 }));
    expect(chunks).toHaveLength(3); // header, [a, b], [c]
    const ids = (chunks: string[]) =>
      Papa.parse<Record<string, string>>(chunks.join(''), { header: true, skipEmptyLines: true }).data.map((r) => r.display_name);
    expect(ids(chunks)).toEqual(['P a', 'P b', 'P c']);
    expect(ids(await collect(exportCsv(db, { source: null, pageSize: 4 })))).toEqual(['P 1', 'P a', 'P b', 'P c', 'P 1', 'P 9']);
    expect(ids(await collect(exportCsv(db, { source: 'civicrm' })))).toEqual(['P 1']);
    expect(await collect(exportCsv(freshDb()))).toEqual([`${CSV_FIELDS.join(',')}\r\n`]);
  });

  test('round trip: import → export → import into a fresh database gives the same constituents and identities', async () => {
    const first = freshDb();
    await importCsv(first, SOURCE, { fileName: 'in.csv' });
    const exported = (await collect(exportCsv(first))).join('');

    const second = freshDb();
    const report = await importCsv(second, exported, { fileName: 'export.csv' });
    expect(report).toMatchObject({ imported: 5, rejected: [], warnings: [], unknownColumns: [] });

    const constituents = async (db: KindredDB) =>
      (await db.constituents.orderBy('id').toArray()).map(({ createdAt, updatedAt, importedFrom, ...rest }: Constituent) => rest);
    const identities = async (db: KindredDB) =>
      (await db.identities.orderBy('key').toArray()).map(({ linkedAt, linkedBy, sourceUrl, ...rest }: IdentityRecord) => rest);
    const before = await constituents(first);
    expect(before).toHaveLength(5);
    expect(await constituents(second)).toEqual(before);
    const links = await identities(first);
    expect(links.map((l) => l.key)).toEqual([
      'bluesky:ada.bsky.social', 'facebook:adalovelace', 'github:bob', 'instagram:ada', 'linkedin:bob-smith', 'mastodon:ada@mastodon.social',
      'x:ada', 'x:ada_l',
    ]);
    expect(await identities(second)).toEqual(links);

    // And exporting the second database gives the same file.
    expect((await collect(exportCsv(second))).join('')).toBe(exported);
  });
});

import { describe, expect, test, vi } from 'vitest';
import { importCsv, readCsvHeaders, type ImportProgress } from '../../src/import/import-csv';
import { isSameFile, readCheckpoint } from '../../src/import/checkpoint';
import { freshDb } from '../helpers/db';
import { linksOf } from '../../src/store/links';
import type { IdentityRecord } from '../../src/store/model';


const lines = (...rows: string[]) => rows.join('\n') + '\n';
/** Both ways a batch learns what the store holds; every test of what gets written runs with each. */
const PROBES = ['add', 'read'] as const;

describe('importCsv: the bad-input file', () => {
  const FIVE_MB = 5 * 1024 * 1024;
  // Line numbers are physical lines of the file; the header is line 1.
  const csv = lines(
    'external_id,first_name,last_name,display_name,email,twitter,Favourite Colour,lifetime_giving', //  1
    '1,Ann,Lee,,ann@example.org,https://twitter.com/Jack/,blue,"$1,234.50"', //                         2 good
    '2,Bob,,,,@bob,"likes', //                                                                           3 good (quoted
    'long walks",10', //                                                                                 4   multi-line cell)
    '3,,,,nobody@example.org,,,', //                                                                     5 no name
    '4,Cat,Ng,,cat@example.org,@@bad,,5', //                                                             6 good, warning
    '5,"Dan "the man" Smith",,,,,,', //                                                                  7 stray quote
    '6,Eve,Ro,,,,,', //                                                                                  8 good
    '1,Ann,Again,,,,,', //                                                                               9 duplicate id
    '13,Kim,Ov,,,,,,extra,more', //                                                                     10 too many fields
    '14,Lou', //                                                                                        11 good (too few fields)
    '15,Max,Ox,,,,,,,', //                                                                              12 good (empty extras)
    '', //                                                                                              13 empty line
    '7,"Fay "Fi" Wu,,,,,,', //                                                                          14 stray quote that runs to EOF
    `8,${'x'.repeat(FIVE_MB)},,,,,,`, //                                                                15 5 MB cell
    '9,Gus,Li,,,,,', //                                                                                 16 good
    '10,Hal,"unterminated', //                                                                          17 quote never closed
    '11,Ida,Fox,,,,,', //                                                                               18 good
  );

  test.each([
    ['a string, default chunks', (s: string) => s, undefined],
    ['a Blob read 64 KiB at a time', (s: string) => new Blob([s]), 64 * 1024],
    ['a Blob read 7 bytes at a time', (s: string) => new Blob([s]), 7],
  ])('imports every good row and reports each bad one by line (%s)', async (_, wrap, chunkBytes) => {
    const db = freshDb();
    const progress: ImportProgress[] = [];
    const report = await importCsv(db, wrap(csv), {
      fileName: 'bad.csv', chunkBytes, chunkRows: 3, onProgress: (p) => progress.push(p),
    });

    expect(report.rejected).toEqual([
      { line: 5, reason: 'no name: needs display_name or first_name/last_name' },
      { line: 7, reason: expect.stringContaining('broken quoting: a quoted field has a stray "') },
      { line: 9, reason: 'duplicate external_id 1 (first seen on line 2)' },
      { line: 10, reason: 'has 10 fields, header has 8' },
      { line: 14, reason: expect.stringContaining('broken quoting: a quoted field has a stray "') },
      { line: 15, reason: 'first_name is too long (5,242,880 characters; limit 10,000)' },
      { line: 17, reason: 'broken quoting: a quoted field is never closed' },
    ]);
    expect(report.imported).toBe(8);
    expect(report.rejectedCount).toBe(7);
    expect(report.warnings).toEqual([{ line: 6, message: "x: '@@bad' is not a valid X handle or profile URL" }]);
    expect(report.unknownColumns).toEqual(['Favourite Colour']);

    const ids = (await db.constituents.toCollection().primaryKeys()).sort();
    expect(ids).toEqual(['local:1', 'local:11', 'local:14', 'local:15', 'local:2', 'local:4', 'local:6', 'local:9']);
    expect(await db.constituents.get('local:1')).toMatchObject({
      displayName: 'Ann Lee', emails: ['ann@example.org'],
      giving: { lifetime: 1234.5, lastGiftAmount: null, lastGiftDate: null, largestGift: null, currency: null },
    });
    expect(await db.constituents.get('local:2')).toMatchObject({ displayName: 'Bob', giving: { lifetime: 10 } });
    expect(await db.constituents.get('local:14')).toMatchObject({ displayName: 'Lou', lastName: null, giving: null });
    expect(await db.identities.get('x:jack')).toMatchObject({
      constituentId: 'local:1', provenance: 'imported', linkedBy: 'bad.csv', sourceUrl: 'https://twitter.com/Jack/',
    });
    expect(await db.identities.get('x:bob')).toMatchObject({ constituentId: 'local:2' });
    expect(await db.identities.count()).toBe(2);

    // Progress: bytes never go back, the last call has the final counts.
    expect(progress.length).toBeGreaterThan(1);
    for (let i = 1; i < progress.length; i++) expect(progress[i]!.bytes).toBeGreaterThanOrEqual(progress[i - 1]!.bytes);
    const total = new Blob([csv]).size;
    expect(progress.at(-1)).toEqual({ bytes: total, totalBytes: total, imported: 8, rejected: 7 });
    // Rows were written while the file was still being read.
    expect(progress.some((p) => p.bytes < total && p.imported > 0)).toBe(true);
  }, 60_000);
});

describe('importCsv: line numbers', () => {
  // CRLF file, quoted cells holding CRLF and lone LF, a quoted comma, empty lines, bad rows between.
  const csv = [
    'id,name,notes', //                            1
    '1,"Multi', //                                 2
    'Line",a', //                                  3
    '2,,no name here', //                          4 no name
    '', //                                         5
    '3,"x",b', //                                  6
    '4,"three', //                                 7
    'line', //                                     8
    'cell",c', //                                  9
    '5,Bad,1,2,3', //                             10 too many fields
    '6,"Comma, Inc.","note\nwith lone LF"', //    11–12
    '7,,again no name', //                        13 no name
    '8,Last,z', //                                14
  ].join('\r\n');

  test.each([1, 2, 3, 5, 8, 13, 1024])('are physical lines whatever the chunk size (%i bytes)', async (chunkBytes) => {
    const db = freshDb();
    const report = await importCsv(db, csv, { fileName: 'crlf.csv', chunkBytes, mapping: ['external_id', 'display_name', null] });
    expect(report.rejected).toEqual([
      { line: 4, reason: 'no name: needs display_name or first_name/last_name' },
      { line: 10, reason: 'has 5 fields, header has 3' },
      { line: 13, reason: 'no name: needs display_name or first_name/last_name' },
    ]);
    expect(report.imported).toBe(5);
    expect((await db.constituents.get('local:1'))?.displayName).toBe('Multi\r\nLine');
    expect((await db.constituents.get('local:6'))?.displayName).toBe('Comma, Inc.');
    expect((await db.constituents.get('local:8'))?.displayName).toBe('Last');
  });

  test('blank lines before the header count; old-Mac CR line endings work', async () => {
    const db = freshDb();
    const report = await importCsv(db, '\n  \nid,name\n1,Ada\n2,\n', { fileName: 'f.csv' });
    expect(report.rejected).toEqual([{ line: 5, reason: expect.stringContaining('no name') }]);
    const mac = await importCsv(db, 'id,name\r3,"Cr\rLf"\r4,\r5,Eve', { fileName: 'mac.csv', chunkBytes: 4 });
    expect(mac).toMatchObject({ imported: 2, rejected: [{ line: 4, reason: expect.stringContaining('no name') }] });
    expect((await db.constituents.get('local:3'))?.displayName).toBe('Cr\rLf');
  });

  test('lines swallowed by a stray quote are read again; fragments are reported, not imported', async () => {
    const db = freshDb();
    const csv = lines(
      'id,name,email', //                 1
      '1,"Ann "Nan" Lee,a@example.org', //   2 stray quote: the field runs on to the quote after Cat
      '2,Bob,b@example.org', //           3
      'just a fragment', //               4
      'another fragment', //              5
      '3,"Cat",c@example.org', //         6
      '4,Dan,d@example.org', //           7
    );
    const report = await importCsv(db, csv, { fileName: 'f.csv' });
    expect(report.rejected).toEqual([
      { line: 2, reason: expect.stringContaining('stray "') },
      { line: 4, reason: 'lines 4–5 could not be read as rows after the broken quote on line 2 (1 field, header has 3)' },
    ]);
    expect((await db.constituents.toCollection().primaryKeys()).sort()).toEqual(['local:2', 'local:3', 'local:4']);
    expect((await db.constituents.get('local:3'))?.displayName).toBe('Cat');
  });
});

describe('importCsv: columns and structure', () => {
  test('headers are matched with synonyms; unknown columns are ignored and listed', async () => {
    const db = freshDb();
    const report = await importCsv(
      db,
      lines('Constituent ID,Given Name,Surname,E-mail,X Handle,Shoe Size,,DNC', '9,Ada,Lovelace,ada@example.org,@ada,38,,yes'),
      { fileName: 'f.csv' },
    );
    expect(report).toMatchObject({ imported: 1, rejected: [], unknownColumns: ['Shoe Size'] });
    expect(await db.constituents.get('local:9')).toMatchObject({
      displayName: 'Ada Lovelace', emails: ['ada@example.org'], doNotContact: true,
    });
    expect(await db.identities.get('x:ada')).toMatchObject({ constituentId: 'local:9' });
  });

  test('an explicit mapping maps headers autoMap does not know', async () => {
    const db = freshDb();
    const report = await importCsv(db, lines('Ref,Who,Handle', 'A1,Ada,@ada'), {
      fileName: 'f.csv', mapping: ['external_id', 'display_name', 'x'],
    });
    expect(report).toMatchObject({ imported: 1, unknownColumns: [] });
    expect(await db.identities.get('x:ada')).toMatchObject({ constituentId: 'local:A1' });
  });

  test('a mapping of the wrong length or with a field twice is an error', async () => {
    const db = freshDb();
    await expect(importCsv(db, lines('a,b', '1,2'), { fileName: 'f.csv', mapping: ['display_name'] })).rejects.toThrow(
      'Column mapping has 1 entries but f.csv has 2 columns.',
    );
    await expect(
      importCsv(db, lines('a,b', '1,2'), { fileName: 'f.csv', mapping: ['display_name', 'display_name'] }),
    ).rejects.toThrow('display_name is mapped to more than one column');
  });

  test('an empty file, a blank file and a file without a name column are errors', async () => {
    const db = freshDb();
    await expect(importCsv(db, '', { fileName: 'empty.csv' })).rejects.toThrow('empty.csv is empty.');
    await expect(importCsv(db, '\n\r\n  \n', { fileName: 'blank.csv' })).rejects.toThrow('blank.csv is empty.');
    await expect(importCsv(db, lines('id,colour,size', '1,red,9'), { fileName: 'odd.csv' })).rejects.toThrow(
      'odd.csv has no recognisable name column (display_name, first_name or last_name). Its columns: id, colour, size.',
    );
    expect(await db.constituents.count()).toBe(0);
  });

  test('a header-only file imports nothing', async () => {
    const report = await importCsv(freshDb(), 'id,name', { fileName: 'f.csv' });
    expect(report).toMatchObject({ imported: 0, rejected: [] });
  });

  test('semicolon- and tab-separated files are detected from the header', async () => {
    const db = freshDb();
    expect((await importCsv(db, lines('id;name;tags', '1;Ada;a,b'), { fileName: 'f.csv' })).imported).toBe(1);
    expect((await db.constituents.get('local:1'))?.tags).toEqual(['a,b']);
    expect((await importCsv(db, lines('id\tname', '2\tBob'), { fileName: 'f.tsv' })).imported).toBe(1);
    expect((await db.constituents.get('local:2'))?.displayName).toBe('Bob');
  });

  test('rows without external_id get a stable derived id; an identical second row is a duplicate', async () => {
    const db = freshDb();
    const csv = lines('name,email', 'Ada,ada@example.org', 'Bob,', 'ada, ADA@example.org', 'Bob,bob@example.org');
    const first = await importCsv(db, csv, { fileName: 'f.csv' });
    expect(first.imported).toBe(3);
    expect(first.rejected).toEqual([
      { line: 4, reason: 'duplicate of line 2: same name and email, and no external_id to tell them apart' },
    ]);
    const again = await importCsv(db, csv, { fileName: 'f.csv' });
    expect(again.imported).toBe(3);
    expect(await db.constituents.count()).toBe(3);
  });
});

describe.each(PROBES)('importCsv: duplicates across batches (probe: %s)', (probe) => {
  test('a row repeating one of an earlier batch is found in the store, reported with its first line, in line order', async () => {
    const db = freshDb();
    const csv = lines(
      'id,name,email', '1,Ada,', '2,Bob,', '1,Ada again,', ',,x@example.org', ',Cy,cy@example.org', ',,y@example.org', ',Cy,cy@example.org',
    );
    const report = await importCsv(db, csv, { probe, fileName: 'f.csv', chunkRows: 2, maxReported: 3 });
    expect(report.imported).toBe(3);
    expect(report.rejectedCount).toBe(4); // lines 4, 5, 7 and 8 (Cy again, in the next batch)
    // The first three by line, though line 4's duplicate is only found when its batch is written.
    expect(report.rejected).toEqual([
      { line: 4, reason: 'duplicate external_id 1 (first seen on line 2)' },
      { line: 5, reason: 'no name: needs display_name or first_name/last_name' },
      { line: 7, reason: 'no name: needs display_name or first_name/last_name' },
    ]);
    expect(await db.constituents.get('local:1')).toMatchObject({ displayName: 'Ada', importedFrom: { file: 'f.csv', line: 2 } });
  });

  test('the same file imported again at once, one row per batch, updates instead of calling its rows duplicates', async () => {
    const db = freshDb();
    const csv = lines('id,name', '1,Ada', '2,Bob');
    const runs = [];
    for (let i = 0; i < 3; i++) runs.push(await importCsv(db, csv, { probe, fileName: 'f.csv', chunkRows: 1 }));
    expect(runs.map((r) => [r.imported, r.rejectedCount])).toEqual([[2, 0], [2, 0], [2, 0]]);
  });
});

describe('importCsv: text encodings', () => {
  test('multi-byte UTF-8 split across read chunks stays intact', async () => {
    const csv = lines('id,name', '1,Zoë Ørsted', '2,中文名字', '3,😀 Emoji');
    for (const chunkBytes of [1, 2, 3, 5]) {
      const db = freshDb();
      await importCsv(db, new Blob([csv]), { fileName: 'utf8.csv', chunkBytes });
      expect((await db.constituents.toArray()).map((c) => c.displayName)).toEqual(['Zoë Ørsted', '中文名字', '😀 Emoji']);
    }
  });

  test('a UTF-8 BOM is dropped; UTF-16 (by BOM) and Windows-1252 files are read', async () => {
    const db = freshDb();
    await importCsv(db, new Blob(['\uFEFFid,name\n1,Zoë\n']), { fileName: 'bom.csv' });
    expect((await db.constituents.get('local:1'))?.displayName).toBe('Zoë');

    const text = 'id\tname\r\n2\tJosé\r\n';
    const utf16 = new Uint8Array(2 + text.length * 2);
    utf16.set([0xff, 0xfe]);
    for (let i = 0; i < text.length; i++) utf16[2 + i * 2] = text.charCodeAt(i);
    await importCsv(db, new Blob([utf16]), { fileName: 'excel-unicode.txt', chunkBytes: 3 });
    expect((await db.constituents.get('local:2'))?.displayName).toBe('José');

    const latin1 = Uint8Array.from([...'id,name\n3,Ren'].map((c) => c.charCodeAt(0)).concat([0xe9, 0x0a]));
    await importCsv(db, new Blob([latin1]), { fileName: 'excel.csv' });
    expect((await db.constituents.get('local:3'))?.displayName).toBe('René');
  });

  test('readCsvHeaders reads the header the way the importer does', async () => {
    expect(await readCsvHeaders(new Blob(['\n\uFEFF Id ;"Full; Name";X\r\n1;a;b\r\n']))).toEqual(['Id', 'Full; Name', 'X']);
    expect(await readCsvHeaders('id,name')).toEqual(['id', 'name']);
  });
});

describe('importCsv: writes', () => {
  test('each batch of chunkRows rows is one rw transaction', async () => {
    const db = freshDb();
    const spy = vi.spyOn(db, 'transaction');
    const csv = lines('id,name', ...Array.from({ length: 7 }, (_, i) => `${i},P${i}`));
    const report = await importCsv(db, csv, { fileName: 'f.csv', chunkRows: 3 });
    expect(report.imported).toBe(7);
    expect(spy).toHaveBeenCalledTimes(3);
    expect(spy.mock.calls.every((call) => call[0] === 'rw')).toBe(true);
  });

  test.each(PROBES)('re-importing replaces the constituent and its imported identities, keeping user and CRM links (probe: %s)', async (probe) => {
    const db = freshDb();
    await importCsv(db, lines('id,name,twitter,github,tags', '1,Ada,@ada;@ada_old,ada,a'), { probe, fileName: 'v1.csv' });
    const created = (await db.constituents.get('local:1'))!.createdAt;
    const userLink: IdentityRecord = {
      key: 'instagram:ada', platform: 'instagram', handle: 'ada', constituentId: 'local:1', provenance: 'user-linked',
      linkedBy: 'me', linkedAt: '2020-01-01T00:00:00.000Z', confirmed: true, sourceUrl: null,
    };
    await db.identities.put(userLink);
    await db.identities.update('github:ada', { provenance: 'crm' });
    await new Promise((r) => setTimeout(r, 5));

    const report = await importCsv(db, lines('id,name,twitter,instagram,tags', '1,Ada L,@ada,@ada,b'), { probe, fileName: 'v2.csv' });
    expect(report).toMatchObject({ imported: 1, warnings: [] });
    expect(await db.constituents.count()).toBe(1);
    const ada = (await db.constituents.get('local:1'))!;
    expect(ada).toMatchObject({ displayName: 'Ada L', tags: ['b'], createdAt: created });
    expect(ada.updatedAt > created).toBe(true);
    const identities = await db.identities.orderBy('key').toArray();
    expect(identities.map((i) => [i.key, i.provenance, i.linkedBy])).toEqual([
      ['github:ada', 'crm', 'v1.csv'], // CRM link: not imported, not removed
      ['instagram:ada', 'user-linked', 'me'], // user link kept as it was
      ['x:ada', 'imported', 'v2.csv'],
      // x:ada_old was imported by v1 and is gone from the row: removed
    ]);
  });

  test.each(PROBES)('an identity owned by another constituent: user/CRM links win, this file’s first row wins, older imports move (probe: %s)', async (probe) => {
    const db = freshDb();
    await db.identities.bulkPut([
      { key: 'x:taken', platform: 'x', handle: 'taken', constituentId: 'civicrm:5', provenance: 'crm', linkedBy: null,
        linkedAt: '2020-01-01T00:00:00.000Z', confirmed: true, sourceUrl: null },
    ]);
    await importCsv(db, lines('id,name,twitter', '9,Old Owner,@moving'), { probe, fileName: 'old.csv' });

    const report = await importCsv(
      db,
      lines('id,name,twitter', '1,Ada,@taken', '2,Bob,@shared', '3,Cat,@shared', '4,Dan,@moving', '9,Old Owner,'),
      { probe, fileName: 'new.csv', chunkRows: 1 },
    );
    expect(report.imported).toBe(5);
    expect(report.warnings).toEqual([
      { line: 2, message: 'x:taken is already linked to civicrm:5 by the CRM; left there' },
      { line: 4, message: 'x:shared is also on line 3 of this file; kept there' },
      { line: 5, message: 'x:moving was linked to local:9 by an earlier import; now linked here' },
    ]);
    expect(await db.identities.get('x:taken')).toMatchObject({ constituentId: 'civicrm:5', provenance: 'crm' });
    expect(await db.identities.get('x:shared')).toMatchObject({ constituentId: 'local:2' });
    expect(await db.identities.get('x:moving')).toMatchObject({ constituentId: 'local:4', linkedBy: 'new.csv' });
  });

  test.each(PROBES)('within one batch the first row of the file wins too (probe: %s)', async (probe) => {
    const db = freshDb();
    const report = await importCsv(db, lines('id,name,twitter', '1,Ada,@same', '2,Bob,twitter.com/SAME'), { probe, fileName: 'f.csv' });
    expect(report.warnings).toEqual([{ line: 3, message: 'x:same is also on line 2 of this file; kept there' }]);
    expect(await db.identities.get('x:same')).toMatchObject({ constituentId: 'local:1' });
  });

  test('abort stops the import; batches already written stay', async () => {
    const db = freshDb();
    const controller = new AbortController();
    const csv = lines('id,name', ...Array.from({ length: 50 }, (_, i) => `${i},P${i}`));
    const run = importCsv(db, csv, {
      fileName: 'f.csv', chunkRows: 10, chunkBytes: 64, signal: controller.signal,
      onProgress: (p) => p.imported >= 10 && controller.abort(),
    });
    await expect(run).rejects.toThrow(/abort/i);
    const count = await db.constituents.count();
    expect(count).toBeGreaterThanOrEqual(10);
    expect(count).toBeLessThan(50);
    expect(count % 10).toBe(0);
  });

  test('progress follows the rows parsed, not the bytes read: a file read in one chunk still moves', async () => {
    const csv = lines('id,name', ...Array.from({ length: 10 }, (_, i) => `${i},Person ${i}`));
    const total = new Blob([csv]).size;
    const progress: ImportProgress[] = [];
    await importCsv(freshDb(), new Blob([csv]), { fileName: 'f.csv', chunkRows: 2, onProgress: (p) => progress.push(p) });
    const moving = progress.filter((p) => p.imported > 0 && p.bytes > 0 && p.bytes < total).map((p) => p.bytes);
    expect(moving.length).toBeGreaterThan(1);
    expect(new Set(moving).size).toBeGreaterThan(1);
    expect(progress.at(-1)!.bytes).toBe(total);
  });

  test('the report lists are capped; the counts are not', async () => {
    const csv = lines('id,name', ...Array.from({ length: 30 }, (_, i) => `${i},`));
    const report = await importCsv(freshDb(), csv, { fileName: 'f.csv', maxReported: 5 });
    expect(report.rejected).toHaveLength(5);
    expect(report.rejectedCount).toBe(30);
    expect(report.rejected[4]).toEqual({ line: 6, reason: 'no name: needs display_name or first_name/last_name' });
  });
});

describe('importCsv: how a batch learns what the store holds', () => {
  /** Requests each table receives, by kind, counted below Dexie (one per record for bulk calls). */
  function countRequests(db: ReturnType<typeof freshDb>) {
    const counts: Record<string, number> = {};
    const bump = (what: string, n: number) => (counts[what] = (counts[what] ?? 0) + n);
    db.use({
      stack: 'dbcore',
      name: 'count-requests',
      create: (down) => ({
        ...down,
        table(name) {
          const table = down.table(name);
          return {
            ...table,
            get: (req) => (bump(`${name}.get`, 1), table.get(req)),
            getMany: (req) => (bump(`${name}.get`, req.keys.length), table.getMany(req)),
            mutate: (req) => (bump(`${name}.${req.type}`, 'values' in req ? req.values.length : 1), table.mutate(req)),
          };
        },
      }),
    });
    return counts;
  }

  test('a first import only adds: no record is read before it is written', async () => {
    const db = freshDb();
    const counts = countRequests(db);
    const csv = lines('id,name,twitter,facebook', ...Array.from({ length: 9 }, (_, i) => `${i},P${i},@p${i},p${i}.fb`));
    const report = await importCsv(db, csv, { fileName: 'f.csv', chunkRows: 3 });
    expect(report.imported).toBe(9);
    expect(counts).toEqual({ 'constituents.add': 9, 'identities.add': 18 });
  });

  test('importing the same file again switches to reading first after one batch finds its rows there', async () => {
    const db = freshDb();
    const csv = lines('id,name,twitter', ...Array.from({ length: 9 }, (_, i) => `${i},P${i},@p${i}`));
    const counts = countRequests(db); // before the database opens: Dexie builds its stack then
    await importCsv(db, csv, { fileName: 'f.csv', chunkRows: 3 });
    for (const what of Object.keys(counts)) delete counts[what];
    const report = await importCsv(db, csv, { fileName: 'f.csv', chunkRows: 3 });
    expect(report).toMatchObject({ imported: 9, rejectedCount: 0, warningCount: 0 });
    // Batch 1 adds (all refused) and reads what refused; batches 2 and 3 read, then put.
    expect(counts['constituents.add']).toBe(3);
    expect(counts['constituents.get']).toBe(9);
    expect(counts['constituents.put']).toBe(9);
    expect(counts['identities.add']).toBe(3);
  });

  /** A small seeded generator, so a failure names a case that can be run again. */
  const random = (seed: number) => () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31;
  };

  test.each([1, 2, 3, 4, 5, 6, 7, 8])('adding first and reading first leave the same store and report (case %i)', async (seed) => {
    const next = random(seed);
    const pick = <T,>(items: T[]) => items[Math.floor(next() * items.length)]!;
    const handles = Array.from({ length: 12 }, (_, i) => `h${i}`);
    // What the store already holds: links of every provenance, and an earlier import's rows.
    const links: IdentityRecord[] = handles.slice(0, 4).map((handle) => {
      const provenance = pick(['crm', 'user-linked', 'imported'] as const);
      return {
        key: `x:${handle}`, platform: 'x', handle, constituentId: pick(['civicrm:1', 'local:2', 'local:5']), provenance,
        linkedBy: provenance === 'crm' ? null : 'old.csv', linkedAt: '2020-01-01T00:00:00.000Z', confirmed: true, sourceUrl: null,
      };
    });
    const before = async (db: ReturnType<typeof freshDb>) => {
      await db.identities.bulkPut(links);
      await importCsv(db, lines('id,name,twitter', '2,Two,@h5', '5,Five,@h6;@h7'), { fileName: 'old.csv' });
      // An import lists the links it makes on their constituents, as old.csv's did.
      for (const link of links.filter((l) => l.provenance === 'imported')) {
        await db.constituents.where('id').equals(link.constituentId).modify((c) => void c.importedKeys!.push(link.key));
      }
    };
    const rows = Array.from({ length: 14 }, () => {
      const id = Math.floor(next() * 9);
      const twitter = Array.from({ length: Math.floor(next() * 3) }, () => `@${pick(handles)}`).join(';');
      return `${id},Person ${id}${pick(['', ' B'])},${twitter}`;
    });
    const csv = lines('id,name,twitter', ...rows);
    const chunkRows = 1 + Math.floor(next() * 4);

    const outcome = async (probe?: 'add' | 'read') => {
      const db = freshDb();
      await before(db);
      const report = await importCsv(db, csv, { fileName: 'new.csv', chunkRows, ...(probe ? { probe } : {}) });
      // Dates differ between runs. A record the add wrote lists all of its row's keys, one written
      // after reading lists those it took: what a reader gets from either is compared instead.
      const strip = <T extends object>(record: T) => JSON.parse(JSON.stringify(record, (k, v) => (/At$/.test(k) || k === 'importedKeys' ? undefined : v)));
      const people = await db.constituents.orderBy('id').toArray();
      return {
        report,
        people: people.map(strip),
        links: (await db.identities.orderBy('key').toArray()).map(strip),
        linksOf: (await linksOf(db, people.map((c) => c.id))).map((l) => l.map(strip)),
      };
    };
    const read = await outcome('read');
    expect(read.report.imported).toBeGreaterThan(0);
    // Every imported link is found from its constituent, and no other.
    const imported = read.links.filter((l: IdentityRecord) => l.provenance === 'imported' && read.people.some((c: { id: string }) => c.id === l.constituentId));
    expect(read.linksOf.flat().filter((l: IdentityRecord) => l.provenance === 'imported')).toEqual(expect.arrayContaining(imported));
    expect(read.linksOf.flat().length).toBe(read.links.filter((l: IdentityRecord) => read.people.some((c: { id: string }) => c.id === l.constituentId)).length);
    expect(await outcome('add')).toEqual(read);
    expect(await outcome()).toEqual(read);
  });
});

describe.each(PROBES)('importCsv: resuming an interrupted run (probe: %s)', (probe) => {
  // Line numbers are physical lines; the header is line 1.
  const csv = lines(
    'external_id,first_name,last_name,email,x,tags', //  1
    '1,Ann,Lee,ann@example.org,@ann,a', //                2 good
    '2,Bob,Ray,,@bob,b', //                               3 good
    '3,,,nobody@example.org,,', //                        4 no name
    '4,Cat,"Ng', //                                       5 good (multi-line cell)
    'Jr",,@cat,', //                                      6
    '5,Dan,Smith,,@@bad,', //                             7 good, warning
    '6,Eve,Ro,,,', //                                     8 good
    '1,Ann,Again,,,', //                                  9 duplicate of line 2 (an earlier batch)
    '7,"Fay "Fi" Wu,,,,', //                             10 stray quote: swallows to the end, lines 11– re-read
    '8,Gus,Li,,@gus,', //                                11 good
    '9,Hal,Fox,,,', //                                   12 good
    '2,Bob,Twice,,,', //                                 13 duplicate of line 3
    '10,Ida,Moe,,@ida,', //                              14 good
  );
  const file = { size: new Blob([csv]).size, lastModified: 1_700_000_000_000 };

  async function stored(db: ReturnType<typeof freshDb>) {
    const people = (await db.constituents.orderBy('id').toArray()).map((c) => `${c.id} ${c.displayName}`);
    const links = (await db.identities.orderBy('key').toArray()).map((i) => `${i.key}→${i.constituentId}`);
    return { people, links };
  }

  test('a finished run leaves no checkpoint; a run without `checkpoint` never writes one', async () => {
    const db = freshDb();
    const spy = vi.spyOn(db.meta, 'put');
    await importCsv(db, csv, { probe, fileName: 'm.csv', chunkRows: 2 });
    expect(spy).not.toHaveBeenCalled();
    await importCsv(db, csv, { probe, fileName: 'm.csv', chunkRows: 2, checkpoint: file });
    expect(spy).toHaveBeenCalled();
    expect(await readCheckpoint(db)).toBeNull();
  });

  test.each([0, 1, 2, 4, 6, 7])(
    'stopped once %i rows were imported, then resumed: the same rows, links and counts as one run',
    async (stopAt) => {
      const whole = freshDb();
      const once = await importCsv(whole, csv, { probe, fileName: 'm.csv', chunkRows: 2 });
      expect(once.imported).toBe(8);
      expect(once.rejected.map((r) => r.line)).toEqual([4, 9, 10, 13]);

      const db = freshDb();
      const controller = new AbortController();
      await expect(importCsv(db, csv, {
        probe, fileName: 'm.csv', chunkRows: 2, chunkBytes: 16, checkpoint: file, signal: controller.signal,
        onProgress: (p) => p.imported >= stopAt && controller.abort(),
      })).rejects.toThrow(/abort/i);
      const checkpoint = await readCheckpoint(db);
      const written = await db.constituents.count();
      if (written === 0) expect(checkpoint).toBeNull();
      else {
        // The record and the rows agree: it was written in each batch's own transaction.
        expect(checkpoint).toMatchObject({ fileName: 'm.csv', ...file, imported: written });
        expect(checkpoint!.nextLine).toBeGreaterThan(2);
      }
      // Rows before the checkpoint are not written again: an edit made since stays.
      if (written) await db.constituents.update('local:1', { displayName: 'Edited since' });

      // Each row that reaches a write is added (probe add) or read (probe read) once.
      const read = vi.spyOn(db.constituents, probe === 'add' ? 'bulkAdd' : 'bulkGet');
      const report = await importCsv(db, csv, { probe, fileName: 'm.csv', chunkRows: 2, checkpoint: file, ...(checkpoint ? { resume: checkpoint } : {}) });
      expect(report).toMatchObject({ imported: once.imported, rejectedCount: once.rejectedCount, warningCount: once.warningCount });
      const from = checkpoint?.nextLine ?? 0;
      // Rows before the line are not even looked up: only the rows from it on reach a write.
      const reachWrite = [2, 3, 5, 7, 8, 9, 11, 12, 13, 14]; // lines not rejected while parsing
      expect(read.mock.calls.flatMap(([rows]) => rows as unknown[])).toHaveLength(reachWrite.filter((l) => l >= from).length);
      expect(report.rejected).toEqual(once.rejected.filter((r) => r.line >= from));
      expect(report.resumedAtLine).toBe(checkpoint ? from : undefined);
      const expected = await stored(whole);
      if (written) expected.people = expected.people.map((p) => (p.startsWith('local:1 ') ? 'local:1 Edited since' : p));
      expect(await stored(db)).toEqual(expected);
      expect(await readCheckpoint(db)).toBeNull();
    },
  );

  test('a repeat of a row written before the interruption is still reported as a duplicate of its line', async () => {
    const db = freshDb();
    const controller = new AbortController();
    await expect(importCsv(db, csv, {
      probe, fileName: 'm.csv', chunkRows: 2, checkpoint: file, signal: controller.signal,
      onProgress: (p) => p.imported >= 2 && controller.abort(),
    })).rejects.toThrow(/abort/i);
    const checkpoint = (await readCheckpoint(db))!;
    expect(checkpoint.nextLine).toBeLessThanOrEqual(9);
    const report = await importCsv(db, csv, { probe, fileName: 'm.csv', chunkRows: 2, checkpoint: file, resume: checkpoint });
    expect(report.rejected).toContainEqual({ line: 9, reason: 'duplicate external_id 1 (first seen on line 2)' });
    expect((await db.constituents.get('local:1'))!.displayName).toBe('Ann Lee');
  });

  test('the checkpoint keeps the column mapping, and a resumed run reads the columns with it', async () => {
    const db = freshDb();
    const odd = lines('ref,given,family,Handle', '1,Ann,Lee,@ann', '2,Bob,Ray,@bob', '3,Cat,Ng,@cat');
    const mapping = ['external_id', 'first_name', 'last_name', 'x'] as const;
    const controller = new AbortController();
    const facts = { size: odd.length, lastModified: 5 };
    await expect(importCsv(db, odd, {
      probe, fileName: 'odd.csv', mapping: [...mapping], chunkRows: 1, checkpoint: facts, signal: controller.signal,
      onProgress: (p) => p.imported >= 1 && controller.abort(),
    })).rejects.toThrow(/abort/i);
    const checkpoint = (await readCheckpoint(db))!;
    expect(checkpoint.mapping).toEqual(mapping);
    const report = await importCsv(db, odd, { probe, fileName: 'odd.csv', checkpoint: facts, resume: checkpoint });
    expect(report.imported).toBe(3);
    expect(await db.identities.get('x:cat')).toMatchObject({ constituentId: 'local:3' });
  });
});

describe('importCsv: checkpoints', () => {
  test('isSameFile matches name, size and modification time', () => {
    const checkpoint = { fileName: 'a.csv', size: 10, lastModified: 7 } as Parameters<typeof isSameFile>[0];
    expect(isSameFile(checkpoint, { name: 'a.csv', size: 10, lastModified: 7 })).toBe(true);
    expect(isSameFile(checkpoint, { name: 'a.csv', size: 11, lastModified: 7 })).toBe(false);
    expect(isSameFile(checkpoint, { name: 'a.csv', size: 10, lastModified: 8 })).toBe(false);
    expect(isSameFile(checkpoint, { name: 'b.csv', size: 10, lastModified: 7 })).toBe(false);
  });
});

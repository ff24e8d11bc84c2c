import { describe, expect, test } from 'vitest';
import {
  derivedExternalId, parseAmount, parseIsoDate, parseRow, type ParsedRow, type RowCells,
} from '../../src/import/rows';
import { constituentSchema, identityRecordSchema } from '../../src/store/model';

const ctx = { fileName: 'donors.csv', now: '2025-01-02T03:04:05.000Z' };

function ok(cells: RowCells): Extract<ParsedRow, { ok: true }> {
  const result = parseRow(cells, ctx);
  if (!result.ok) throw new Error(`expected ok, got: ${result.reason}`);
  return result;
}
function reason(cells: RowCells): string {
  const result = parseRow(cells, ctx);
  if (result.ok) throw new Error('expected the row to be rejected');
  return result.reason;
}

describe('parseRow: the constituent', () => {
  test('builds a local constituent from trimmed cells', () => {
    const { constituent, identities, warnings, derivedId } = ok({
      external_id: ' 42 ', first_name: ' Ada ', last_name: 'Lovelace ', email: 'ada@example.org', phone: '+44 20 7946 0000',
    });
    expect(constituentSchema.parse(constituent)).toEqual(constituent);
    expect(constituent).toMatchObject({
      id: 'local:42', source: 'local', externalId: '42',
      displayName: 'Ada Lovelace', firstName: 'Ada', lastName: 'Lovelace',
      emails: ['ada@example.org'], phones: ['+44 20 7946 0000'], tags: [],
      doNotContact: false, giving: null, photoUrl: null,
      createdAt: ctx.now, updatedAt: ctx.now,
    });
    expect(constituent.nameKey).toEqual(expect.arrayContaining(['ada lovelace', 'lovelace ada']));
    expect(identities).toEqual([]);
    expect(warnings).toEqual([]);
    expect(derivedId).toBe(false);
  });

  test('display_name wins over first/last; either of first/last alone is a name', () => {
    expect(ok({ external_id: '1', display_name: 'Dr. Ada', first_name: 'Ada' }).constituent.displayName).toBe('Dr. Ada');
    expect(ok({ external_id: '1', last_name: 'Lovelace' }).constituent.displayName).toBe('Lovelace');
    expect(ok({ external_id: '1', first_name: 'Ada' }).constituent).toMatchObject({ displayName: 'Ada', lastName: null });
  });

  test('no name at all is rejected', () => {
    expect(reason({ external_id: '1', email: 'a@example.org', display_name: '   ' })).toBe(
      'no name: needs display_name or first_name/last_name',
    );
  });

  test('a cell over 10,000 characters rejects the row and names the column', () => {
    expect(reason({ external_id: '1', first_name: 'Ada', tags: 'x'.repeat(5_242_880) })).toBe(
      'tags is too long (5,242,880 characters; limit 10,000)',
    );
    expect(reason({ external_id: '1', first_name: 'Ada', email: 'e'.repeat(10_001) })).toContain('email is too long (10,001 characters');
    expect(ok({ external_id: '1', first_name: 'Ada', tags: 't'.repeat(10_000) }).constituent.tags).toHaveLength(1);
  });

  test('tags, emails and phones are ;-separated, trimmed, de-duplicated, empties dropped', () => {
    const { constituent } = ok({
      external_id: '1', first_name: 'Ada',
      tags: ' gala ;volunteer;; Gala; board ;',
      email: 'a@example.org; b@example.org ;A@example.org',
      phone: '555-0100;;555-0101',
    });
    expect(constituent.tags).toEqual(['gala', 'volunteer', 'board']);
    expect(constituent.emails).toEqual(['a@example.org', 'b@example.org']);
    expect(constituent.phones).toEqual(['555-0100', '555-0101']);
  });

  test.each([
    ['true', true], ['TRUE', true], ['yes', true], ['Y', true], ['1', true],
    ['false', false], ['No', false], ['n', false], ['0', false], ['', false],
  ])('do_not_contact %j → %s', (cell, expected) => {
    expect(ok({ external_id: '1', first_name: 'Ada', do_not_contact: cell }).constituent.doNotContact).toBe(expected);
  });

  test('do_not_contact that is not a yes/no is rejected', () => {
    expect(reason({ external_id: '1', first_name: 'Ada', do_not_contact: 'maybe' })).toBe(
      "do_not_contact: 'maybe' is not yes/no/true/false/1/0",
    );
  });

  test('a leading apostrophe that guarded a formula (as exportCsv writes it) is dropped', () => {
    const { constituent } = ok({ external_id: '1', display_name: "'=Ada", phone: "'+1 555 0100" });
    expect(constituent.displayName).toBe('=Ada');
    expect(constituent.phones).toEqual(['+1 555 0100']);
    expect(ok({ external_id: '1', display_name: "O'Brien" }).constituent.displayName).toBe("O'Brien");
  });

  test('several problems are reported together', () => {
    const text = reason({ external_id: '1', lifetime_giving: 'lots', last_gift_date: 'yesterday' });
    expect(text).toContain('no name');
    expect(text).toContain("lifetime_giving: 'lots' is not an amount");
    expect(text).toContain("last_gift_date: 'yesterday' is not a date");
  });
});

describe('parseRow: external_id', () => {
  test('without external_id a deterministic id is derived from name and e-mails', () => {
    const a = ok({ first_name: 'Ada', last_name: 'Lovelace', email: 'ada@example.org;a@example.org' });
    const b = ok({ display_name: 'ADA  LOVELACE', email: 'A@example.org; ada@example.org', tags: 'other' });
    const c = ok({ first_name: 'Ada', last_name: 'Lovelace', email: 'someone-else@example.org' });
    expect(a.derivedId).toBe(true);
    expect(a.constituent.externalId).toMatch(/^csv-[0-9a-f]{16}$/);
    expect(a.constituent.id).toBe(`local:${a.constituent.externalId}`);
    expect(b.constituent.externalId).toBe(a.constituent.externalId);
    expect(c.constituent.externalId).not.toBe(a.constituent.externalId);
    expect(derivedExternalId('Ada Lovelace', ['ada@example.org'])).toBe(derivedExternalId('ada lovelace', ['ADA@example.org']));
  });
});

describe('parseRow: giving', () => {
  test('null when every giving cell is empty', () => {
    expect(ok({ external_id: '1', first_name: 'Ada', lifetime_giving: ' ', currency: '' }).constituent.giving).toBeNull();
  });

  test('amounts, date and currency', () => {
    const { constituent } = ok({
      external_id: '1', first_name: 'Ada',
      lifetime_giving: '$1,234.50', last_gift_amount: '50', last_gift_date: '2024-03-05T10:20:30Z', largest_gift: '1000',
      currency: 'usd',
    });
    expect(constituent.giving).toEqual({
      lifetime: 1234.5, lastGiftAmount: 50, lastGiftDate: '2024-03-05', largestGift: 1000, currency: 'USD',
    });
  });

  test('a currency sign fills an empty currency; a conflicting one warns', () => {
    expect(ok({ external_id: '1', first_name: 'Ada', lifetime_giving: '€ 50' }).constituent.giving?.currency).toBe('EUR');
    expect(ok({ external_id: '1', first_name: 'Ada', lifetime_giving: '$50' }).constituent.giving?.currency).toBeNull();
    const conflict = ok({ external_id: '1', first_name: 'Ada', lifetime_giving: '£5', currency: 'USD' });
    expect(conflict.constituent.giving?.currency).toBe('USD');
    expect(conflict.warnings).toEqual(['currency is USD but an amount is written in GBP; kept USD']);
  });

  test('a currency that is not a 3-letter code is rejected', () => {
    expect(reason({ external_id: '1', first_name: 'Ada', currency: 'dollars' })).toBe(
      "currency: 'dollars' is not a 3-letter currency code (e.g. USD)",
    );
  });

  test.each([
    ['1234.5', 1234.5], ['1,234.50', 1234.5], ['$1,234', 1234], ['€ 50', 50], ['0', 0], ['.5', 0.5],
    ['1 000', 1000], ['50 EUR', 50], ['USD 1,000,000', 1_000_000], ['12', 12],
  ])('amount %j → %d', (raw, value) => {
    const amount = parseAmount('lifetime_giving', raw);
    expect(amount).toMatchObject({ ok: true, value });
  });

  test.each([
    ['-5', 'is negative'], ['$-5', 'is negative'], ['-$5', 'is negative'], ['(5.00)', 'is negative'],
    ['abc', 'is not an amount'], ['1.234,50', 'is not an amount'], ['1,23', 'is not an amount'], ['5..0', 'is not an amount'],
    ['1e5', 'is not an amount'], ['$', 'is not an amount'],
  ])('amount %j is rejected (%s), naming the column', (raw, problem) => {
    const text = reason({ external_id: '1', first_name: 'Ada', largest_gift: raw });
    expect(text).toBe(`largest_gift: '${raw}' ${problem}`);
  });

  test.each([
    ['2024-02-29', '2024-02-29'], ['2024-03-05T23:59:59.123+02:00', '2024-03-05'], ['2024-03-05 10:00', '2024-03-05'],
    ['2024-03-05T10:00:00', '2024-03-05'],
  ])('date %j → %s', (raw, date) => {
    expect(parseIsoDate(raw)).toBe(date);
  });

  test.each(['05/03/2024', '2023-02-29', '2024-13-01', '2024-3-5', 'March 5, 2024', '2024-03-05T25:00'])(
    'date %j is rejected',
    (raw) => {
      expect(parseIsoDate(raw)).toBeNull();
      expect(reason({ external_id: '1', first_name: 'Ada', last_gift_date: raw })).toBe(
        `last_gift_date: '${raw}' is not a date (use YYYY-MM-DD)`,
      );
    },
  );
});

describe('parseRow: identities', () => {
  test('a profile URL or a handle becomes an imported, confirmed identity', () => {
    const { identities, warnings } = ok({
      external_id: '7', first_name: 'Jack', x: 'https://twitter.com/Jack/', facebook: 'facebook.com/Jack.Dorsey', github: '@JD',
    });
    expect(warnings).toEqual([]);
    expect(identities).toEqual([
      {
        key: 'x:jack', platform: 'x', handle: 'jack', constituentId: 'local:7', provenance: 'imported',
        linkedBy: 'donors.csv', linkedAt: ctx.now, confirmed: true, sourceUrl: 'https://twitter.com/Jack/',
      },
      expect.objectContaining({ key: 'facebook:jackdorsey', sourceUrl: 'facebook.com/Jack.Dorsey' }),
      expect.objectContaining({ key: 'github:jd', sourceUrl: '@JD' }),
    ]);
    for (const identity of identities) expect(identityRecordSchema.parse(identity)).toEqual(identity);
  });

  test('several values in one cell; the same person twice is kept once', () => {
    const { identities } = ok({ external_id: '7', first_name: 'Jack', x: '@jack; twitter.com/jack ;x.com/jack_2' });
    expect(identities.map((i) => i.key)).toEqual(['x:jack', 'x:jack_2']);
  });

  test('an invalid handle is a warning; the row still imports without it', () => {
    const result = ok({ external_id: '7', first_name: 'Jack', x: '@@bad;@good', instagram: 'https://example.com/someone' });
    expect(result.identities.map((i) => i.key)).toEqual(['x:good']);
    expect(result.warnings).toEqual([
      "x: '@@bad' is not a valid X handle or profile URL",
      "instagram: 'https://example.com/someone' is not a valid Instagram handle or profile URL",
    ]);
  });

  test('a long bad value is shortened in the warning', () => {
    const { warnings } = ok({ external_id: '7', first_name: 'Jack', x: `@${'b'.repeat(500)}` });
    expect(warnings[0]).toMatch(/^x: '@b{36}…' is not a valid X handle or profile URL$/);
  });
});

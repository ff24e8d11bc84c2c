import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KindredDB } from '../../src/store/db';
import { FUZZY_READ_BUDGET, fuzzyRanges, lastWordFirst, maxTypos, prefixDistance } from '../../src/store/fuzzy';
import { buildConstituent, searchByName } from '../../src/store/queries';

describe('prefixDistance', () => {
  it.each([
    ['smith', 'smith jane', 0],
    ['smtih', 'smith jane', 1], // two neighbours swapped
    ['smih', 'smith', 1], // a letter missing
    ['smitth', 'smith', 1], // a letter too many
    ['smyth', 'smith', 1], // a letter wrong
    ['margaet smith', 'margaret smith', 1],
    ['mragaret smtih', 'margaret smith', 2],
    ['smith', 'jones', 2], // over the bound: max + 1
  ])('%s → %s is %i (bound 1, or 2 for long queries)', (query, key, expected) => {
    const max = Math.max(1, maxTypos(query));
    expect(prefixDistance(query, key, max)).toBe(Math.min(expected, max + 1));
  });

  it('never matches with more typos than the query length allows', () => {
    expect(maxTypos('ada')).toBe(0);
    expect(maxTypos('smtih')).toBe(1);
    expect(maxTypos('margaet smith')).toBe(2);
  });
});

describe('fuzzyRanges', () => {
  it('reads the longest stems first, then halves them, each key once, and the first two letters swapped', () => {
    const ranges = fuzzyRanges('horvta');
    expect(ranges.slice(0, 3)).toEqual([['horvt', 'horvt\uffff'], ['horv', 'horvt'], ['horvt\uffff', 'horv\uffff']]);
    expect(ranges).toContainEqual(['ohr', 'ohr\uffff']);
    expect(ranges.at(-1)).toEqual(['hor\uffff', 'h\uffff']);
    expect(ranges.length).toBeLessThan(10);
    // No two ranges overlap.
    const sorted = [...ranges].sort((a, b) => (a[0] < b[0] ? -1 : 1));
    for (let i = 1; i < sorted.length; i++) expect(sorted[i]![0] >= sorted[i - 1]![1]).toBe(true);
  });

  it('tries a query of several words last word first too', () => {
    expect(lastWordFirst('margaet smith')).toBe('smith margaet');
    expect(lastWordFirst('smith')).toBeNull();
  });
});

describe('searchByName with typos', () => {
  let db: KindredDB;
  beforeEach(async () => {
    db = new KindredDB(`test-${crypto.randomUUID()}`);
    await db.constituents.bulkPut([
      ['1', 'Margaret Smith', 'Margaret', 'Smith'],
      ['2', 'Oluwaseun Horvat', 'Oluwaseun', 'Horvat'],
      ['3', 'Jane Smyth', 'Jane', 'Smyth'],
      ['4', 'Smita Rao', 'Smita', 'Rao'],
      ['5', 'Ada Lovelace', 'Ada', 'Lovelace'],
    ].map(([id, name, first, last]) => buildConstituent('local', id!, { displayName: name!, firstName: first!, lastName: last! })));
  });
  afterEach(() => db.delete());

  const names = async (text: string, limit?: number) => (await searchByName(db, text, limit)).map((c) => c.displayName);

  it('finds names with a swapped, missing, extra or wrong letter, after the exact ones', async () => {
    expect(await names('smtih')).toEqual(['Margaret Smith']);
    expect(await names('horvta')).toEqual(['Oluwaseun Horvat']);
    expect(await names('ohrvat')).toEqual(['Oluwaseun Horvat']);
    expect(await names('margaet smith')).toEqual(['Margaret Smith']);
    expect(await names('lovelacce')).toEqual(['Ada Lovelace']);
    expect(await names('smyht')).toEqual(['Jane Smyth']); // one typo from Smyth; Smith is two, over the bound for 5 letters
    expect(await names('smithh')).toEqual(['Margaret Smith']);
    // A typo in the first name: the "last first" key has a long exact stem.
    expect(await names('oluwasen horvat')).toEqual(['Oluwaseun Horvat']);
    // Near misses only when nothing starts with the text: "smith" lists Smith, not Smyth too.
    expect(await names('smith')).toEqual(['Margaret Smith']);
  });

  it('returns at most `limit` names however many are near', async () => {
    await db.constituents.bulkPut(
      Array.from({ length: 30 }, (_, i) => buildConstituent('local', `s${i}`, { displayName: `Smith ${i}`, firstName: null, lastName: null })),
    );
    expect(await names('smtih', 20)).toHaveLength(20);
    expect(await names('smtih', 3)).toHaveLength(3);
  });

  it('finds nothing far off, and no typo matches for short queries', async () => {
    expect(await names('zzzzzz')).toEqual([]);
    expect(await names('smx')).toEqual([]);
    expect(await names('jones')).toEqual([]);
  });

  it('reads at most its budget of index keys: a typo in the second letter of a crowded letter is not found', async () => {
    await db.constituents.put(buildConstituent('local', 'target', { displayName: 'Bzorkowski', firstName: null, lastName: null }));
    expect(await names('bxorkowski')).toEqual(['Bzorkowski']);
    // More names in the range "b…" than the budget, all sorting before "bz…" ("b0…" < "bz…").
    await db.constituents.bulkPut(
      Array.from({ length: FUZZY_READ_BUDGET + 100 }, (_, i) =>
        buildConstituent('local', `b${i}`, { displayName: `B${String(i).padStart(5, '0')}`, firstName: null, lastName: null })),
    );
    expect(await names('bxorkowski')).toEqual([]);
    // A typo later in the name is still found: its range is narrow.
    expect(await names('bzorkowsky')).toEqual(['Bzorkowski']);
  });
});

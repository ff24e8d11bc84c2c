import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KindredDB } from '../../src/store/db';
import { foldName, nameKeys, type Interaction } from '../../src/store/model';
import { buildConstituent, constituentForIdentities, knownIdentities, recentInteractions, searchByName, timeline } from '../../src/store/queries';

let db: KindredDB;
beforeEach(async () => {
  db = new KindredDB(`test-${crypto.randomUUID()}`);
  await db.open();
});
afterEach(async () => {
  await db.delete();
});

const person = (id: string, displayName: string, first: string | null = null, last: string | null = null) =>
  buildConstituent('local', id, { displayName, firstName: first, lastName: last }, '2026-01-01T00:00:00.000Z');

function interaction(id: string, constituentId: string, at: string): Interaction {
  return {
    id, constituentId, kind: 'note', channel: null, at, summary: null, notes: id, profileUrl: null, author: null,
    source: 'local', externalId: null, status: 'synced', lastError: null, createdAt: at,
  };
}

describe('names', () => {
  it('folds case, accents and punctuation', () => {
    expect(foldName("Zoë  O'Brien-Müller")).toBe('zoe obrien muller');
  });
  it('keys "first last", "last first" and later words, none that starts another', () => {
    // "lovelace" (the display name's later word) starts "lovelace ada": not kept.
    expect(nameKeys('Ada Lovelace', 'Ada', 'Lovelace').sort()).toEqual(['ada lovelace', 'lovelace ada']);
    expect(nameKeys('Jane Q Smith', null, null)).toEqual(['jane q smith', 'q smith', 'smith']);
    expect(nameKeys('Dr Ada Lovelace', 'Ada', 'Lovelace').sort()).toEqual(['ada lovelace', 'dr ada lovelace', 'lovelace ada']);
  });
});

describe('store queries', () => {
  it('finds a constituent by any of their identities with primary-key reads', async () => {
    await db.constituents.put(person('1', 'Ada Lovelace'));
    await db.identities.put({
      key: 'x:id:42', platform: 'x', handle: 'id:42', constituentId: 'local:1', provenance: 'imported',
      linkedBy: null, linkedAt: '2026-01-01', confirmed: true, sourceUrl: null,
    });
    const known = await knownIdentities(db, ['x:ada', 'x:id:42']);
    expect([...known]).toEqual([['x:id:42', 'local:1']]);
    const found = await constituentForIdentities(db, [
      { platform: 'x', handle: 'ada' },
      { platform: 'x', handle: 'id:42' },
    ]);
    expect(found?.displayName).toBe('Ada Lovelace');
    expect(await constituentForIdentities(db, [{ platform: 'x', handle: 'nobody' }])).toBeNull();
  });

  it('searches names by prefix of first or last name, diacritics folded, distinct people', async () => {
    await db.constituents.bulkPut([
      person('1', 'Ada Lovelace', 'Ada', 'Lovelace'),
      person('2', 'Zoë Adams', 'Zoë', 'Adams'),
      person('3', 'Charles Babbage', 'Charles', 'Babbage'),
    ]);
    expect((await searchByName(db, 'ad')).map((c) => c.displayName)).toEqual(['Ada Lovelace', 'Zoë Adams']);
    expect((await searchByName(db, 'zoe')).map((c) => c.displayName)).toEqual(['Zoë Adams']);
    expect((await searchByName(db, 'Babbage C')).map((c) => c.displayName)).toEqual(['Charles Babbage']);
    expect(await searchByName(db, '  ')).toEqual([]);
    expect(await searchByName(db, 'ad', 1)).toHaveLength(1);
  });

  it('lists a timeline newest first and only for that person', async () => {
    await db.interactions.bulkPut([
      interaction('a', 'local:1', '2026-01-01T10:00:00.000Z'),
      interaction('b', 'local:1', '2026-03-01T10:00:00.000Z'),
      interaction('c', 'local:2', '2026-04-01T10:00:00.000Z'),
      interaction('d', 'local:1', '2026-02-01T10:00:00.000Z'),
    ]);
    expect((await timeline(db, 'local:1')).map((i) => i.id)).toEqual(['b', 'd', 'a']);
    expect((await recentInteractions(db, 2)).map((i) => i.id)).toEqual(['c', 'b']);
  });
});

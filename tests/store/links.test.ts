// Finding a person's links: `heldBy` kept by provenance, `importedKeys` kept across puts that do not say them.
import { freshDb } from '../helpers/db';
import { describe, expect, it } from 'vitest';
import { linksOf } from '../../src/store/links';
import type { IdentityRecord } from '../../src/store/model';
import { buildConstituent, identitiesOf } from '../../src/store/queries';

const link = (key: string, constituentId: string, provenance: IdentityRecord['provenance']): IdentityRecord => ({
  key, platform: 'x', handle: key.slice(2), constituentId, provenance,
  linkedBy: provenance === 'crm' ? null : 'someone', linkedAt: '2026-01-01T00:00:00.000Z', confirmed: true, sourceUrl: null,
});
const heldBy = async (db: ReturnType<typeof freshDb>, id: string) => (await db.identities.where('heldBy').equals(id).primaryKeys()).sort();

describe('heldBy', () => {
  it('is set on CRM and user links by every kind of write, and never on imported ones', async () => {
    const db = freshDb();
    const mine = link('x:mine', 'local:1', 'user-linked');
    await db.identities.put(mine);
    expect(mine.heldBy).toBeUndefined(); // the caller's object is left alone
    await db.identities.add(link('x:crm', 'local:1', 'crm'));
    await db.identities.bulkPut([link('x:imp', 'local:1', 'imported'), link('x:crm2', 'local:1', 'crm')]);
    await db.identities.bulkAdd([link('x:imp2', 'local:1', 'imported')]);
    expect(await heldBy(db, 'local:1')).toEqual(['x:crm', 'x:crm2', 'x:mine']);
    expect(await db.identities.get('x:imp')).not.toHaveProperty('heldBy');
  });

  it('follows a link that changes hands or provenance', async () => {
    const db = freshDb();
    await db.identities.bulkPut([link('x:a', 'local:1', 'imported'), link('x:b', 'local:1', 'crm')]);
    // The CRM takes an imported key; an import takes over a CRM row (written as imported); a user moves one.
    await db.identities.put(link('x:a', 'civicrm:2', 'crm'));
    await db.identities.put({ ...link('x:b', 'local:3', 'imported'), heldBy: 'local:1' });
    await db.identities.where('key').equals('x:a').modify((r) => void ((r.constituentId = 'local:4'), (r.provenance = 'user-linked')));
    expect(await heldBy(db, 'local:1')).toEqual([]);
    expect(await heldBy(db, 'civicrm:2')).toEqual([]);
    expect(await heldBy(db, 'local:4')).toEqual(['x:a']);
    expect(await db.identities.get('x:b')).not.toHaveProperty('heldBy');
  });
});

describe('importedKeys', () => {
  it('survives a put of the constituent that does not say it, and is replaced by one that does', async () => {
    const db = freshDb();
    await db.constituents.add({ ...buildConstituent('local', '1', { displayName: 'Ada' }), importedKeys: ['x:a', 'x:b'] });
    await db.constituents.add(buildConstituent('local', '2', { displayName: 'Bo' }));
    // A CRM refresh or a sync page: the card, not the import's links.
    await db.constituents.bulkPut([buildConstituent('local', '1', { displayName: 'Ada Renamed' }), buildConstituent('local', '2', { displayName: 'Bo' })]);
    expect(await db.constituents.get('local:1')).toMatchObject({ displayName: 'Ada Renamed', importedKeys: ['x:a', 'x:b'] });
    expect(await db.constituents.get('local:2')).not.toHaveProperty('importedKeys');
    await db.constituents.update('local:1', { displayName: 'Ada Again' });
    expect((await db.constituents.get('local:1'))?.importedKeys).toEqual(['x:a', 'x:b']);
    // The import says which keys it links now.
    await db.constituents.put({ ...buildConstituent('local', '1', { displayName: 'Ada' }), importedKeys: [] });
    expect((await db.constituents.get('local:1'))?.importedKeys).toEqual([]);
  });
});

describe('linksOf', () => {
  it("gives each person's CRM, user and imported links, sorted, and only those still theirs", async () => {
    const db = freshDb();
    await db.constituents.bulkAdd([
      // x:moved went to local:2 since; x:crm is listed too but is a CRM link now; x:c twice.
      { ...buildConstituent('local', '1', { displayName: 'Ada' }), importedKeys: ['x:c', 'x:moved', 'x:crm', 'x:c', 'x:gone'] },
      { ...buildConstituent('local', '2', { displayName: 'Bo' }), importedKeys: ['x:moved'] },
    ]);
    await db.identities.bulkPut([
      link('x:c', 'local:1', 'imported'), link('x:moved', 'local:2', 'imported'), link('x:crm', 'local:1', 'crm'),
      link('x:b', 'local:1', 'user-linked'), link('x:far', 'civicrm:9', 'crm'),
    ]);
    const [one, two, absent] = await linksOf(db, ['local:1', 'local:2', 'civicrm:9']);
    expect(one!.map((r) => [r.key, r.provenance])).toEqual([['x:b', 'user-linked'], ['x:c', 'imported'], ['x:crm', 'crm']]);
    expect(two!.map((r) => r.key)).toEqual(['x:moved']);
    // No cached constituent: the links made to it are still found.
    expect(absent!.map((r) => r.key)).toEqual(['x:far']);
    expect(await linksOf(db, [])).toEqual([]);
    expect((await identitiesOf(db, 'local:1')).map((r) => r.key)).toEqual(['x:b', 'x:c', 'x:crm']);
  });
});

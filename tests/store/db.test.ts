// Migrations: a database written by an earlier schema opens with the current one, data intact.
import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { afterEach, describe, expect, it } from 'vitest';
import { KindredDB, SCHEMA_V1 } from '../../src/store/db';
import { buildConstituent, identitiesOf, searchByName } from '../../src/store/queries';
import type { IdentityRecord } from '../../src/store/model';

const names: string[] = [];
afterEach(async () => {
  for (const name of names.splice(0)) await Dexie.delete(name);
});

describe('KindredDB migrations', () => {
  it('v1 → v4: drops the constituents.updatedAt and tags indexes and keeps every record and the other indexes', async () => {
    const name = `migrate-${crypto.randomUUID()}`;
    names.push(name);
    const v1 = new Dexie(name);
    v1.version(1).stores(SCHEMA_V1);
    await v1.table('constituents').bulkPut([
      buildConstituent('local', '1', { displayName: 'Ada Okafor', tags: ['Volunteer'] }),
      buildConstituent('civicrm', '7', { displayName: 'Jack Marlowe' }),
    ]);
    await v1.table('identities').put({
      key: 'x:jack', platform: 'x', handle: 'jack', constituentId: 'civicrm:7', provenance: 'crm',
      linkedBy: null, linkedAt: '2026-01-01', confirmed: true, sourceUrl: null,
    });
    expect(v1.table('constituents').schema.indexes.map((i) => i.name)).toContain('updatedAt');
    v1.close();

    const db = new KindredDB(name);
    await db.open();
    expect(db.verno).toBe(4);
    expect(db.constituents.schema.indexes.map((i) => i.name)).toEqual(['nameKey']);
    expect(await db.constituents.count()).toBe(2);
    expect((await searchByName(db, 'okaf')).map((c) => c.displayName)).toEqual(['Ada Okafor']);
    expect((await db.constituents.get('local:1'))?.tags).toEqual(['Volunteer']);
    expect((await identitiesOf(db, 'civicrm:7')).map((r) => r.key)).toEqual(['x:jack']);
    db.close();
  });

  it('v2 → v4: a database left at version 2 opens without the tags index, records intact', async () => {
    const name = `migrate-${crypto.randomUUID()}`;
    names.push(name);
    const v2 = new Dexie(name);
    v2.version(1).stores(SCHEMA_V1);
    v2.version(2).stores({ ...SCHEMA_V1, constituents: 'id, *nameKey, *tags' });
    await v2.table('constituents').put(buildConstituent('local', '1', { displayName: 'Ada Okafor', tags: ['Volunteer', 'Donor'] }));
    expect(v2.table('constituents').schema.indexes.map((i) => i.name)).toContain('tags');
    v2.close();

    const db = new KindredDB(name);
    await db.open();
    expect(db.verno).toBe(4);
    // The backing store itself lost the index, not just Dexie's view of it.
    const idb = db.backendDB();
    expect([...idb.transaction('constituents').objectStore('constituents').indexNames]).toEqual(['nameKey']);
    expect((await db.constituents.get('local:1'))?.tags).toEqual(['Volunteer', 'Donor']);
    expect((await searchByName(db, 'ada')).map((c) => c.displayName)).toEqual(['Ada Okafor']);
    db.close();
  });

  it('v3 → v4: links found by constituent without the constituentId index, from heldBy and importedKeys', async () => {
    const name = `migrate-${crypto.randomUUID()}`;
    names.push(name);
    const v3 = new Dexie(name);
    v3.version(1).stores(SCHEMA_V1);
    v3.version(2).stores({ ...SCHEMA_V1, constituents: 'id, *nameKey, *tags' });
    v3.version(3).stores({ ...SCHEMA_V1, constituents: 'id, *nameKey' });
    const link = (key: string, constituentId: string, provenance: IdentityRecord['provenance']): IdentityRecord => ({
      key, platform: 'x', handle: key.slice(2), constituentId, provenance,
      linkedBy: provenance === 'crm' ? null : 'old.csv', linkedAt: '2026-01-01', confirmed: true, sourceUrl: null,
    });
    await v3.table('constituents').bulkPut([
      buildConstituent('local', '1', { displayName: 'Ada Okafor' }),
      buildConstituent('civicrm', '7', { displayName: 'Jack Marlowe' }),
    ]);
    // More links than the upgrade reads at once, so it crosses chunks; one imported link whose
    // constituent is gone, and one of each other provenance.
    const many = Array.from({ length: 12_000 }, (_, i) => link(`x:a${String(i).padStart(5, '0')}`, 'local:1', 'imported'));
    await v3.table('identities').bulkPut([
      ...many,
      link('x:jack', 'civicrm:7', 'crm'),
      link('x:mine', 'local:1', 'user-linked'),
      link('x:orphan', 'local:9', 'imported'),
    ]);
    v3.close();

    const db = new KindredDB(name);
    await db.open();
    expect(db.verno).toBe(4);
    expect(db.identities.schema.indexes.map((i) => i.name)).toEqual(['heldBy']);
    const idb = db.backendDB();
    expect([...idb.transaction('identities').objectStore('identities').indexNames]).toEqual(['heldBy']);
    expect(await db.identities.count()).toBe(12_003);
    expect(await db.identities.get('x:jack')).toMatchObject({ heldBy: 'civicrm:7', provenance: 'crm' });
    expect(await db.identities.get('x:mine')).toMatchObject({ heldBy: 'local:1' });
    expect((await db.identities.get('x:a00042'))?.heldBy).toBeUndefined();
    expect((await db.constituents.get('local:1'))?.importedKeys).toHaveLength(12_000);
    expect((await identitiesOf(db, 'local:1')).map((r) => r.key)).toEqual([...many.map((r) => r.key), 'x:mine']);
    expect((await identitiesOf(db, 'civicrm:7')).map((r) => r.key)).toEqual(['x:jack']);
    expect(await db.constituents.get('local:9')).toBeUndefined();
    expect((await db.identities.get('x:orphan'))?.constituentId).toBe('local:9');
    db.close();
  });
});

// Migrations: a database written by an earlier schema opens with the current one, data intact.
import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { afterEach, describe, expect, it } from 'vitest';
import { KindredDB, SCHEMA_V1 } from '../../src/store/db';
import { buildConstituent, searchByName } from '../../src/store/queries';

const names: string[] = [];
afterEach(async () => {
  for (const name of names.splice(0)) await Dexie.delete(name);
});

describe('KindredDB migrations', () => {
  it('v1 → v3: drops the constituents.updatedAt and tags indexes and keeps every record and the other indexes', async () => {
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
    expect(db.verno).toBe(3);
    expect(db.constituents.schema.indexes.map((i) => i.name)).toEqual(['nameKey']);
    expect(await db.constituents.count()).toBe(2);
    expect((await searchByName(db, 'okaf')).map((c) => c.displayName)).toEqual(['Ada Okafor']);
    expect((await db.constituents.get('local:1'))?.tags).toEqual(['Volunteer']);
    expect(await db.identities.where('constituentId').equals('civicrm:7').count()).toBe(1);
    db.close();
  });

  it('v2 → v3: a database left at version 2 opens without the tags index, records intact', async () => {
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
    expect(db.verno).toBe(3);
    // The backing store itself lost the index, not just Dexie's view of it.
    const idb = db.backendDB();
    expect([...idb.transaction('constituents').objectStore('constituents').indexNames]).toEqual(['nameKey']);
    expect((await db.constituents.get('local:1'))?.tags).toEqual(['Volunteer', 'Donor']);
    expect((await searchByName(db, 'ada')).map((c) => c.displayName)).toEqual(['Ada Okafor']);
    db.close();
  });
});

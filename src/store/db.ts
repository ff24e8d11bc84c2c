// The one Dexie database, shared by the background and the extension pages.
import Dexie, { type Table } from 'dexie';
import type { Constituent, Gift, IdentityRecord, Interaction, MetaRecord, OutboxItem } from './model';

export const DB_NAME = 'kindred';

/** The first schema, kept as it shipped: Dexie needs every version to upgrade old databases. */
export const SCHEMA_V1 = {
  constituents: 'id, *nameKey, *tags, updatedAt',
  identities: 'key, constituentId',
  interactions: 'id, [constituentId+at], status, at',
  gifts: 'id, [constituentId+date]',
  outbox: 'id, nextAttemptAt',
  meta: 'key',
} as const;

export class KindredDB extends Dexie {
  constituents!: Table<Constituent, string>;
  identities!: Table<IdentityRecord, string>;
  interactions!: Table<Interaction, string>;
  gifts!: Table<Gift, string>;
  outbox!: Table<OutboxItem, string>;
  meta!: Table<MetaRecord, string>;

  constructor(name = DB_NAME) {
    super(name);
    // Schema changes are new versions with an upgrade and a migration test (tests/store/db.test.ts).
    this.version(1).stores(SCHEMA_V1);
    // Version 2: no index on constituents.updatedAt. Nothing queried it, and every index entry is
    // one more write per constituent in a million-row import or sync. Dropping an index needs no
    // data upgrade: the records are unchanged.
    this.version(2).stores({ ...SCHEMA_V1, constituents: 'id, *nameKey, *tags' });
    // Version 3: no index on constituents.tags either. Tags are shown and exported, never queried
    // by index, and with one to three tags per person it was the largest share of the index writes
    // of an import or a sync (issue 5: import ≥ 80% of a raw unindexed put).
    this.version(3).stores({ ...SCHEMA_V1, constituents: 'id, *nameKey' });
  }
}

let instance: KindredDB | null = null;

/** The singleton for this context. Tests make their own `new KindredDB(name)`. */
export function db(): KindredDB {
  instance ??= new KindredDB();
  return instance;
}

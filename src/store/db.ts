// The one Dexie database, shared by the background and the extension pages.
import Dexie, { type Table } from 'dexie';
import { cacheKnownIndexStore, createKnownIndexMaintainer, identityChangeTracker, type KnownIndexMaintainer } from './known-index';
import { linkBookkeeping, upgradeToLinkLists } from './links';
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
    // Version 4: identities are no longer indexed by constituentId, only the CRM's and users' links
    // by `heldBy`; imported links are listed on their constituent instead (links.ts). The upgrade
    // fills both from the records.
    this.version(4)
      .stores({ ...SCHEMA_V1, constituents: 'id, *nameKey', identities: 'key, heldBy' })
      .upgrade(upgradeToLinkLists);
    this.use(linkBookkeeping());
  }
}

let instance: KindredDB | null = null;
let maintainer: KnownIndexMaintainer | null = null;

/**
 * The singleton for this context. Tests make their own `new KindredDB(name)`. Where Cache Storage
 * exists (extension pages, the worker), every write to identities from this context also keeps the
 * known-identity index (known-index.ts) following the store. `keepAlive` (the first call's) runs
 * while it rebuilds the index.
 */
export function db(options: { keepAlive?: () => void } = {}): KindredDB {
  if (instance) return instance;
  instance = new KindredDB();
  const store = cacheKnownIndexStore();
  if (store) {
    const keeper = createKnownIndexMaintainer({ db: instance, store, keepAlive: options.keepAlive });
    instance.use(identityChangeTracker(() => keeper.changed()));
    maintainer = keeper;
  }
  return instance;
}

/** This context's keeper of the known-identity index, when it has one (after `db()`). */
export function knownIndexMaintainer(): KnownIndexMaintainer | null {
  return maintainer;
}

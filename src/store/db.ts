// The one Dexie database, shared by the background and the extension pages.
import Dexie, { type Table } from 'dexie';
import type { Constituent, Gift, IdentityRecord, Interaction, MetaRecord, OutboxItem } from './model';

export const DB_NAME = 'kindred';

export class KindredDB extends Dexie {
  constituents!: Table<Constituent, string>;
  identities!: Table<IdentityRecord, string>;
  interactions!: Table<Interaction, string>;
  gifts!: Table<Gift, string>;
  outbox!: Table<OutboxItem, string>;
  meta!: Table<MetaRecord, string>;

  constructor(name = DB_NAME) {
    super(name);
    // Version 1. Schema changes are new versions with an upgrade and a migration test.
    this.version(1).stores({
      constituents: 'id, *nameKey, *tags, updatedAt',
      identities: 'key, constituentId',
      interactions: 'id, [constituentId+at], status, at',
      gifts: 'id, [constituentId+date]',
      outbox: 'id, nextAttemptAt',
      meta: 'key',
    });
  }
}

let instance: KindredDB | null = null;

/** The singleton for this context. Tests make their own `new KindredDB(name)`. */
export function db(): KindredDB {
  instance ??= new KindredDB();
  return instance;
}

// Housekeeping of the local store for the options page: what is kept, and clearing it.
import { IMPORT_CHECKPOINT_KEY } from '../import/checkpoint';
import type { KindredDB } from './db';

/** Meta keys of live-lookup misses (`miss:<identity key>` → until when the miss is believed). */
export const MISS_PREFIX = 'miss:';

export interface StorageSummary {
  constituents: number;
  identities: number;
  interactions: number;
  /** Interactions not yet accepted by the CRM (pending or failed): never cleared. */
  unsent: number;
}

export async function storageSummary(db: KindredDB): Promise<StorageSummary> {
  const [constituents, identities, interactions, pending, failed] = await Promise.all([
    db.constituents.count(),
    db.identities.count(),
    db.interactions.count(),
    db.interactions.where('status').equals('pending').count(),
    db.interactions.where('status').equals('failed').count(),
  ]);
  return { constituents, identities, interactions, unsent: pending + failed };
}

/**
 * Empties the cache: constituents, their profiles, gifts and synced interactions, the sync cursors
 * (the next sync is a full one) and the live-lookup misses. What the user logged that has not
 * reached the CRM stays, with its outbox item, so it is still sent. The CRM is not touched.
 */
export async function clearCachedData(db: KindredDB): Promise<{ constituents: number }> {
  return db.transaction('rw', [db.constituents, db.identities, db.gifts, db.interactions, db.meta], async () => {
    const constituents = await db.constituents.count();
    await Promise.all([db.constituents.clear(), db.identities.clear(), db.gifts.clear()]);
    await db.interactions.where('status').equals('synced').delete();
    // An unfinished import's checkpoint counts rows that are gone now: a new import starts over.
    await db.meta.filter((m) => m.key.startsWith('sync.') || m.key.startsWith(MISS_PREFIX) || m.key === IMPORT_CHECKPOINT_KEY).delete();
    return { constituents };
  });
}

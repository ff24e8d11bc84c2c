import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IMPORT_CHECKPOINT_KEY } from '../../src/import/checkpoint';
import { KindredDB } from '../../src/store/db';
import { clearCachedData, storageSummary } from '../../src/store/maintenance';
import { buildConstituent } from '../../src/store/queries';
import type { Interaction } from '../../src/store/model';

let db: KindredDB;
beforeEach(() => {
  db = new KindredDB(`test-${crypto.randomUUID()}`);
});
afterEach(() => db.delete());

const interaction = (id: string, status: Interaction['status']): Interaction => ({
  id, constituentId: 'civicrm:1', kind: 'dm', channel: 'x', at: '2026-11-22T10:00:00.000Z', summary: null, notes: id,
  profileUrl: null, author: 'Sam', source: 'civicrm', externalId: status === 'synced' ? '9' : null, status, lastError: null,
  createdAt: '2026-11-22T10:00:00.000Z',
});

describe('clearCachedData', () => {
  it('empties the cache, the sync cursor and an unfinished import\'s checkpoint but keeps what has not reached the CRM', async () => {
    await db.constituents.put(buildConstituent('civicrm', '1', { displayName: 'Ada Okafor' }));
    await db.identities.put({ key: 'x:ada', platform: 'x', handle: 'ada', constituentId: 'civicrm:1', provenance: 'crm', linkedBy: null, linkedAt: '2026-01-01', confirmed: true, sourceUrl: null });
    await db.gifts.put({ id: 'g1', constituentId: 'civicrm:1', amount: 10, currency: 'USD', date: '2026-01-01', fund: null, campaign: null });
    await db.interactions.bulkPut([interaction('sent', 'synced'), interaction('waiting', 'pending'), interaction('refused', 'failed')]);
    await db.outbox.put({ id: 'waiting', op: 'logInteraction', payload: {}, attempts: 0, nextAttemptAt: 0, lastError: null });
    await db.meta.bulkPut([{ key: 'sync.civicrm', value: { cursor: 'x' } }, { key: 'miss:x:bob', value: 1 }, { key: 'crm.public', value: {} }, { key: IMPORT_CHECKPOINT_KEY, value: {} }]);
    expect(await storageSummary(db)).toEqual({ constituents: 1, identities: 1, interactions: 3, unsent: 2 });

    expect(await clearCachedData(db)).toEqual({ constituents: 1 });
    expect(await storageSummary(db)).toEqual({ constituents: 0, identities: 0, interactions: 2, unsent: 2 });
    expect((await db.interactions.toArray()).map((i) => i.id).sort()).toEqual(['refused', 'waiting']);
    expect(await db.outbox.count()).toBe(1);
    expect(await db.gifts.count()).toBe(0);
    expect((await db.meta.toArray()).map((m) => m.key)).toEqual(['crm.public']);
  });
});

import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createConnector } from '../../src/crm';
import type { Connector } from '../../src/crm/types';
import { KindredDB } from '../../src/store/db';

let db: KindredDB;
let connector: Connector;
let ids = 0;
beforeEach(async () => {
  db = new KindredDB(`test-${crypto.randomUUID()}`);
  connector = createConnector('local', {}, { db, userName: async () => 'Sam', newId: () => `n${++ids}` });
});
afterEach(async () => {
  await db.delete();
});

const draft = { kind: 'dm' as const, channel: 'x' as const, at: '2026-11-22T10:00:00+01:00', notes: 'Talked about the gala' };

describe('local connector', () => {
  it('creates a constituent, links a profile with provenance and finds it again', async () => {
    const ref = await connector.createConstituent({ displayName: '  Ada Okafor ' });
    expect(ref).toMatch(/^local:n\d+$/);
    await connector.linkIdentity(ref, { platform: 'x', handle: 'adaokafor' });
    expect(await connector.findByIdentities([{ platform: 'x', handle: 'adaokafor' }, { platform: 'x', handle: 'other' }])).toEqual({
      'x:adaokafor': [ref],
    });
    const record = await db.identities.get('x:adaokafor');
    expect(record).toMatchObject({ provenance: 'user-linked', linkedBy: 'Sam', constituentId: ref, sourceUrl: 'https://x.com/adaokafor' });
    expect((await connector.search('okaf')).map((s) => s.displayName)).toEqual(['Ada Okafor']);
    expect((await connector.get(ref))?.displayName).toBe('Ada Okafor');
  });

  it('refuses to move a profile that belongs to someone else', async () => {
    const a = await connector.createConstituent({ displayName: 'A' });
    const b = await connector.createConstituent({ displayName: 'B' });
    await connector.linkIdentity(a, { platform: 'x', handle: 'shared' });
    await expect(connector.linkIdentity(b, { platform: 'x', handle: 'shared' })).rejects.toMatchObject({ code: 'invalid' });
    expect((await db.identities.get('x:shared'))?.constituentId).toBe(a);
  });

  it('logs an interaction once per idempotency key, in UTC, authored by the user', async () => {
    const ref = await connector.createConstituent({ displayName: 'Ada' });
    await connector.logInteraction(ref, draft, 'key-1');
    await connector.logInteraction(ref, { ...draft, notes: 'retry must not duplicate' }, 'key-1');
    const { interactions } = await connector.history(ref);
    expect(interactions).toHaveLength(1);
    expect(interactions[0]).toMatchObject({ id: 'key-1', notes: 'Talked about the gala', at: '2026-11-22T09:00:00.000Z', author: 'Sam', status: 'synced' });
  });

  it('does not log against a constituent that does not exist', async () => {
    await expect(connector.logInteraction('local:missing', draft, 'k')).rejects.toMatchObject({ code: 'notFound' });
    expect(await db.interactions.count()).toBe(0);
  });
});

// The background's CRM service with the real CiviCRM connector against the APIv4 contract double
// (a real HTTP server on 127.0.0.1) and the store on fake-indexeddb: connect, first sync, routing of
// writes, the outbox through failures, live lookup with its miss cache, and card refresh.
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCrmService, MISS_TTL_MS, OUTBOX_ALARM, SYNC_ALARM, type CrmService } from '../../src/background/crm-service';
import { loadConnection, publicConnection } from '../../src/crm/connection';
import { KindredDB } from '../../src/store/db';
import { buildConstituent } from '../../src/store/queries';
import { memoryLock } from '../../src/sync/lock';
import { outboxSummary } from '../../src/sync/outbox';
import { syncStatus } from '../../src/sync/pull';
import { startCiviDouble, type CiviDouble } from '../crm/civicrm-double';

let double: CiviDouble;
let db: KindredDB;
let service: CrmService;
let clock: number;
let alarms: Map<string, number | 'periodic'>;
let changes: number;

const draft = (notes: string) => ({ kind: 'dm' as const, channel: 'x' as const, at: '2026-11-22T10:00:00+00:00', notes });
const contactId = (name: string) => [...double.data.contacts.values()].find((c) => c.display_name === name && !c.is_deleted)!.id;
const creates = () => double.log.filter((e) => e.entity === 'Activity' && e.action === 'create' && e.status === 200);
const withRef = (key: string) => [...double.data.activities.values()].filter((a) => String(a.details ?? '').includes(`Kindred ref: ${key}<`));

beforeEach(async () => {
  double = await startCiviDouble({ basePath: '/site' });
  db = new KindredDB(`test-${crypto.randomUUID()}`);
  clock = Date.parse('2026-11-22T12:00:00Z');
  alarms = new Map();
  changes = 0;
  service = createCrmService({
    db,
    userName: async () => 'Sam',
    alarms: {
      at: (name, when) => void alarms.set(name, when),
      every: (name) => void alarms.set(name, 'periodic'),
      clear: (name) => void alarms.delete(name),
    },
    storeChanged: () => void changes++,
    lock: memoryLock(),
    now: () => clock,
    random: () => 0.5,
    log: () => undefined,
  });
});
afterEach(async () => {
  await double.close();
  await db.delete();
});

/** Logs as the form does, then waits for the send the log started (the form itself does not wait). */
async function log(ref: string, d: ReturnType<typeof draft>) {
  const queued = await service.logInteraction(ref, d);
  expect(queued.status).toBe('pending');
  await service.flush();
  return (await db.interactions.get(queued.id))!;
}

async function connect() {
  const result = await service.connect({ crm: 'civicrm', baseUrl: double.baseUrl, apiKey: double.users.admin.apiKey });
  await service.sync();
  return result;
}

describe('connect', () => {
  it('refuses a wrong key in words and stores nothing', async () => {
    await expect(service.connect({ crm: 'civicrm', baseUrl: double.baseUrl, apiKey: 'nope' })).rejects.toMatchObject({
      code: 'auth',
      message: expect.stringMatching(/API key/),
    });
    expect(await loadConnection(db)).toBeNull();
    expect(alarms.has(SYNC_ALARM)).toBe(false);
  });

  it('keeps the keys out of the public record, schedules syncs and fills the cache from CiviCRM', async () => {
    const result = await connect();
    expect(result).toEqual({ user: 'Robin Castillo', canReadGifts: true });
    const view = await publicConnection(db);
    expect(view).toMatchObject({ crm: 'civicrm', baseUrl: double.baseUrl, user: 'Robin Castillo' });
    expect(JSON.stringify(view)).not.toContain(double.users.admin.apiKey);
    expect(alarms.get(SYNC_ALARM)).toBe('periodic');
    const live = [...double.data.contacts.values()].filter((c) => !c.is_deleted && !c.is_test).length;
    expect(await db.constituents.count()).toBe(live);
    // A messy Website URL became the canonical identity.
    expect(await db.identities.get('x:jack')).toMatchObject({ constituentId: `civicrm:${contactId('Jack Marlowe')}`, provenance: 'crm' });
    const status = await syncStatus(db, 'civicrm');
    expect(status.state).toBe('idle');
    expect(status.lastSyncedAt).not.toBeNull();
    expect(changes).toBeGreaterThan(0);
  });
});

describe('the known-identity index during a sync', () => {
  it('is held for the whole sync (its pages can be seconds apart) and released after, even when the sync fails', async () => {
    const events: string[] = [];
    const tracked = createCrmService({
      db,
      userName: async () => 'Sam',
      alarms: { at: () => undefined, every: () => undefined, clear: () => undefined },
      storeChanged: () => undefined,
      lock: memoryLock(),
      now: () => clock,
      log: () => undefined,
      holdKnownIndex: () => {
        events.push('hold');
        return () => void events.push(`release with ${identitiesSeen()} profiles`);
      },
    });
    let seen = 0;
    const identitiesSeen = () => seen;
    await tracked.connect({ crm: 'civicrm', baseUrl: double.baseUrl, apiKey: double.users.admin.apiKey });
    seen = await db.identities.count();
    await tracked.sync();
    seen = await db.identities.count();
    expect(seen).toBeGreaterThan(0);
    // connect() starts a sync of its own; each sync holds once and releases once, after its writes.
    expect(events.filter((e) => e === 'hold').length).toBe(events.filter((e) => e.startsWith('release')).length);
    expect(events.at(-1)).toMatch(/^release/);
    events.length = 0;
    double.fault({ status: 500 }, 50);
    const report = await tracked.sync();
    double.clearFaults();
    expect(report?.error).toBeTruthy();
    expect(events).toEqual(['hold', expect.stringMatching(/^release/)]);
  });
});

describe('logging', () => {
  it('sends a CiviCRM constituent’s interaction to CiviCRM and marks it synced', async () => {
    await connect();
    const ref = `civicrm:${contactId('Ada Okafor')}`;
    const interaction = await log(ref, draft('Talked about the gala'));
    expect(interaction).toMatchObject({ status: 'synced', author: 'Robin Castillo', source: 'civicrm' });
    expect(withRef(interaction.id)).toHaveLength(1);
    expect(interaction.externalId).toBe(String(withRef(interaction.id)[0]!.id));
    expect(await db.outbox.count()).toBe(0);
  });

  it('keeps a local constituent’s interaction local, even when CiviCRM is connected', async () => {
    await connect();
    await db.constituents.put(buildConstituent('local', 'a1', { displayName: 'Local Person' }));
    const before = double.log.length;
    const interaction = await log('local:a1', draft('Met at the fair'));
    expect(interaction.status).toBe('synced');
    expect(interaction.author).toBe('Sam');
    expect(double.log.length).toBe(before);
  });

  it('keeps the interaction pending through an outage, with an alarm, and sends it once after', async () => {
    await connect();
    const ref = `civicrm:${contactId('Ada Okafor')}`;
    double.fault({ status: 503, retryAfter: '30' }, 5);
    const interaction = await log(ref, draft('During the outage'));
    expect(interaction.status).toBe('pending');
    expect(interaction.lastError).toMatch(/maintenance|unavailable/i);
    expect(alarms.get(OUTBOX_ALARM)).toBeGreaterThanOrEqual(clock + 30_000);
    double.clearFaults();
    clock += 31_000;
    await service.wake(OUTBOX_ALARM);
    expect((await db.interactions.get(interaction.id))!.status).toBe('synced');
    expect(withRef(interaction.id)).toHaveLength(1);
    expect(alarms.has(OUTBOX_ALARM)).toBe(false);
  });

  it('a reply lost after the write landed does not duplicate the activity', async () => {
    await connect();
    const ref = `civicrm:${contactId('Jack Marlowe')}`;
    double.fault({ dropAfterApply: true, match: (r) => r.entity === 'Activity' && r.action === 'create' });
    const interaction = await log(ref, draft('Ambiguous'));
    expect(interaction.status).toBe('pending');
    clock += 60_000;
    await service.flush();
    expect((await db.interactions.get(interaction.id))!.status).toBe('synced');
    expect(withRef(interaction.id)).toHaveLength(1);
    expect(creates()).toHaveLength(0); // the only create was the dropped one, which returned no 200
  });

  it('pauses on a refused key until the user reconnects, then sends', async () => {
    await connect();
    const ref = `civicrm:${contactId('Ada Okafor')}`;
    double.fault({ status: 401 }, 1);
    const interaction = await log(ref, draft('While the key was revoked'));
    expect(interaction.status).toBe('pending');
    expect((await outboxSummary(db)).paused).toMatchObject({ code: 'auth' });
    clock += 60 * 60_000;
    await service.flush();
    expect(withRef(interaction.id)).toHaveLength(0); // still paused: nothing sent on its own
    await service.connect({ crm: 'civicrm', baseUrl: double.baseUrl, apiKey: double.users.admin.apiKey });
    await service.flush();
    expect((await db.interactions.get(interaction.id))!.status).toBe('synced');
    expect((await outboxSummary(db)).paused).toBeNull();
  });

  it('marks a write CiviCRM rejects as failed with the reason, and Retry sends it', async () => {
    await connect();
    const ref = `civicrm:${contactId('Ada Okafor')}`;
    double.fault({ status: 500, match: (r) => r.entity === 'Activity' && r.action === 'create' });
    const interaction = await log(ref, draft('Rejected once'));
    expect(interaction.status).toBe('failed');
    expect(interaction.lastError).toMatch(/Error ID/);
    expect(await service.retry(interaction.id)).toBe(1);
    await service.flush();
    expect((await db.interactions.get(interaction.id))!.status).toBe('synced');
    expect(withRef(interaction.id)).toHaveLength(1);
  });
});

describe('live lookup', () => {
  it('finds a Website added after the sync, caches it, and remembers misses for a while', async () => {
    await connect();
    const ada = contactId('Ada Okafor');
    double.data.websites.insert({ contact_id: ada, url: 'https://twitter.com/ada_live/', website_type_id: 11 } as never);
    expect(await service.liveLookup(['x:ada_live', 'x:nobody_here'])).toEqual(['x:ada_live']);
    expect(await db.identities.get('x:ada_live')).toMatchObject({ constituentId: `civicrm:${ada}`, provenance: 'crm' });
    const asked = () => double.log.filter((e) => e.entity === 'Website' && e.action === 'get').length;
    const before = asked();
    expect(await service.liveLookup(['x:nobody_here'])).toEqual([]);
    expect(asked()).toBe(before); // the miss is cached
    clock += MISS_TTL_MS + 1;
    await service.liveLookup(['x:nobody_here']);
    expect(asked()).toBe(before + 1); // and asked again after the TTL
  });

  it('asks nothing when no CRM is connected or live lookup is off', async () => {
    expect(await service.liveLookup(['x:jack'])).toEqual([]);
    expect(double.log).toHaveLength(0);
  });
});

describe('refresh', () => {
  it('brings the card, activities and gifts of one constituent from CiviCRM', async () => {
    await connect();
    const ref = `civicrm:${contactId('Ada Okafor')}`;
    expect(await service.refresh(ref)).toBe(true);
    const gifts = await db.gifts.where('[constituentId+date]').between([ref, ''], [ref, '\uffff']).toArray();
    expect(gifts.map((g) => g.amount).sort((a, b) => a - b)).toEqual([50, 250]);
    const interactions = await db.interactions.where('[constituentId+at]').between([ref, ''], [ref, '\uffff']).toArray();
    expect(interactions.map((i) => i.summary ?? i.notes).join(' ')).toMatch(/spring gala/);
    expect(interactions.some((i) => /Deleted draft/.test(i.summary ?? ''))).toBe(false);
    // Refreshing again replaces rather than adds.
    await service.refresh(ref);
    expect(await db.gifts.where('[constituentId+date]').between([ref, ''], [ref, '\uffff']).count()).toBe(2);
  });

  it('shows an interaction once when its write landed but the reply was lost, before and after it syncs', async () => {
    await connect();
    const ref = `civicrm:${contactId('Jack Marlowe')}`;
    double.fault({ dropAfterApply: true, match: (r) => r.entity === 'Activity' && r.action === 'create' });
    const logged = await log(ref, draft('Landed, reply lost'));
    expect(logged.status).toBe('pending');
    const copies = () => db.interactions.filter((i) => i.notes === 'Landed, reply lost').toArray();
    await service.refresh(ref);
    expect((await copies()).map((i) => [i.id, i.status])).toEqual([[logged.id, 'pending']]);
    clock += 60_000;
    await service.flush();
    await service.refresh(ref);
    expect((await copies()).map((i) => [i.id, i.status])).toEqual([[logged.id, 'synced']]);
  });

  it('refresh is idempotent for gifts', async () => {
    await connect();
    const ref = `civicrm:${contactId('Ada Okafor')}`;
    await service.refresh(ref);
    await service.refresh(ref);
    expect(await db.gifts.where('[constituentId+date]').between([ref, ''], [ref, '\uffff']).count()).toBe(2);
  });
});

describe('links and creates', () => {
  it('links a profile in CiviCRM (a Website row) and in the cache, and says how to add a missing website type', async () => {
    await connect();
    const ada = contactId('Ada Okafor');
    await service.link(`civicrm:${ada}`, { platform: 'x', handle: 'ada_new' });
    const rows = [...double.data.websites.values()].filter((w) => w.contact_id === ada && /ada_new/.test(w.url));
    expect(rows).toHaveLength(1);
    expect(await db.identities.get('x:ada_new')).toMatchObject({ constituentId: `civicrm:${ada}`, provenance: 'user-linked', linkedBy: 'Sam' });
    await expect(service.link(`civicrm:${ada}`, { platform: 'bluesky', handle: 'ada.bsky.social' })).rejects.toMatchObject({
      code: 'invalid',
      message: expect.stringMatching(/Website Type named 'Bluesky'/),
    });
    expect(await db.identities.get('bluesky:ada.bsky.social')).toBeUndefined();
  });

  it('creates a contact in CiviCRM when connected, caches it and links the profile', async () => {
    await connect();
    const ref = await service.create({ displayName: 'Maya Lindqvist', emails: ['maya@example.org'] }, { platform: 'x', handle: 'mlindqvist' });
    expect(ref).toMatch(/^civicrm:\d+$/);
    const contact = double.data.contacts.get(Number(ref.slice('civicrm:'.length)));
    expect(contact).toMatchObject({ first_name: 'Maya', last_name: 'Lindqvist' });
    expect(await db.constituents.get(ref)).toMatchObject({ displayName: 'Maya Lindqvist', emails: ['maya@example.org'] });
    expect(await db.identities.get('x:mlindqvist')).toMatchObject({ constituentId: ref });
  });
});

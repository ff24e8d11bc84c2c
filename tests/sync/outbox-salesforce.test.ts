// The outbox (src/sync/outbox.ts) delivering to the Salesforce double through the real connector,
// while the double drops connections after applying writes, fails with 500, refuses with the
// daily limit and answers too slowly. Whatever happens, every interaction ends up in Salesforce
// exactly once: none lost, none duplicated in the double's Task table.
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { memoryTokenStore } from '../../src/crm/oauth';
import { createSalesforceConnector, salesforceConfigSchema } from '../../src/crm/salesforce';
import type { Interaction } from '../../src/store/model';
import { memoryLock } from '../../src/sync/lock';
import { flushOutbox, outboxSummary, queueInteraction, type FlushDeps } from '../../src/sync/outbox';
import { startSalesforceDouble, SAMPLE, type SalesforceDouble } from '../crm/salesforce-double';
import { tokenSetFor } from '../crm/salesforce-double/testing';
import { freshDb } from '../helpers/db';

let double: SalesforceDouble | null = null;
afterEach(async () => {
  await double?.close();
  double = null;
});

const T0 = Date.parse('2026-11-22T10:00:00Z');
const TIMEOUT_MS = 300;

function interaction(id: string, contactId: string, n: number): Interaction {
  const at = new Date(T0 - n * 60_000).toISOString();
  return {
    id, constituentId: `salesforce:${contactId}`, kind: n % 2 ? 'dm' : 'comment', channel: 'x', at, summary: `Item ${n}`, notes: `notes of ${id}`,
    profileUrl: null, author: 'Avery', source: 'salesforce', externalId: null, status: 'pending', lastError: null, createdAt: at,
  };
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

async function setup() {
  const d = (double = await startSalesforceDouble());
  const db = freshDb();
  const clock = { t: T0 };
  const connector = createSalesforceConnector(
    salesforceConfigSchema.parse({ loginUrl: d.baseUrl, clientId: d.clientId, fieldMap: { x: 'Twitter_Handle__c' }, timeoutMs: TIMEOUT_MS }),
    { tokens: memoryTokenStore(tokenSetFor(d)) },
  );
  const deps: FlushDeps = { db, connector, now: () => clock.t, random: () => 0.5, lock: memoryLock() };
  const tasksWithKey = (key: string) => d.data.rows('Task').filter((t) => !t.IsDeleted && String(t.Description ?? '').endsWith(`Kindred ref: ${key}`));
  /** A slow request still runs on the server after we gave up: let it finish, as real time would. */
  async function settle() {
    for (let i = 0; i < 100 && d.log.some((e) => e.fault?.includes('latency') && !e.fault.includes('drop') && e.status === 0); i++) await sleep(25);
  }
  /** Flushes until nothing is pending, moving the clock past every back-off (the alarm firing). */
  async function deliver(maxRounds = 40) {
    for (let round = 0; round < maxRounds; round++) {
      await flushOutbox(deps);
      await settle();
      const summary = await outboxSummary(db);
      if (summary.pending === 0) return round;
      clock.t = Math.max(clock.t + 60_000, summary.nextAttemptAt ?? 0);
    }
    throw new Error('the outbox never drained');
  }
  return { d, db, clock, deps, tasksWithKey, deliver };
}

const isTaskCreate = (r: { object: string | null; method: string }) => r.object === 'Task' && r.method === 'POST';
const isTaskCheck = (r: { resource: string; object: string | null }) => r.resource === 'query' && r.object === 'Task';

describe('outbox → Salesforce double under faults', () => {
  it('delivers every interaction exactly once through dropped connections, 500s, the daily limit and timeouts', async () => {
    const { d, db, tasksWithKey, deliver } = await setup();
    const people = [SAMPLE.celiaBoston, SAMPLE.seharIvans, SAMPLE.ericaDouglass];
    const keys = Array.from({ length: 12 }, (_, i) => `sf-outbox-${i}`);
    for (const [i, key] of keys.entries()) {
      const row = interaction(key, people[i % people.length]!, keys.length - i);
      await queueInteraction(db, row, { ref: row.constituentId, draft: { kind: row.kind, channel: row.channel, at: row.at, summary: row.summary, notes: row.notes } }, () => T0);
    }
    d.fault({ dropAfterApply: true, match: isTaskCreate }, 2);
    d.fault({ status: 500, match: isTaskCreate });
    d.fault({ status: 403, match: isTaskCheck });
    // Slower than the connector waits: the write lands after the client gave up (ambiguous).
    d.fault({ latencyMs: TIMEOUT_MS * 2, match: isTaskCreate });
    d.fault({ dropBeforeApply: true, match: isTaskCreate });
    d.fault({ status: 503, match: (r) => r.resource === 'sobjects' && r.method === 'GET' });

    await deliver();

    for (const key of keys) {
      const tasks = tasksWithKey(key);
      expect(tasks, key).toHaveLength(1);
      expect(await db.interactions.get(key), key).toMatchObject({ status: 'synced', externalId: tasks[0]!.Id, lastError: null });
    }
    expect(await db.outbox.count()).toBe(0);
    // Every injected fault was met on the way.
    const faults = d.log.map((e) => e.fault).filter(Boolean);
    for (const kind of ['drop-after-apply', 'status:500', 'status:403', 'latency:600', 'drop-before-apply', 'status:503']) {
      expect(faults.some((f) => f!.includes(kind)), kind).toBe(true);
    }
  });

  it('waits out REQUEST_LIMIT_EXCEEDED for at least the connector’s wait before sending again', async () => {
    const { d, db, clock, deps, tasksWithKey } = await setup();
    const row = interaction('sf-limit-1', SAMPLE.celiaBoston, 1);
    await queueInteraction(db, row, { ref: row.constituentId, draft: { kind: row.kind, at: row.at, notes: row.notes } }, () => T0);
    d.fault({ status: 403 });
    expect(await flushOutbox(deps)).toMatchObject({ sent: 0, retried: 1 });
    expect((await outboxSummary(db)).nextAttemptAt).toBeGreaterThanOrEqual(T0 + 15 * 60_000);
    clock.t = T0 + 10 * 60_000;
    expect(await flushOutbox(deps)).toMatchObject({ sent: 0, retried: 0 });
    clock.t = T0 + 16 * 60_000;
    expect(await flushOutbox(deps)).toMatchObject({ sent: 1 });
    expect(tasksWithKey('sf-limit-1')).toHaveLength(1);
  });

  it('pauses on a revoked sign-in and loses nothing', async () => {
    const { d, db, deps, tasksWithKey } = await setup();
    const row = interaction('sf-auth-1', SAMPLE.seharIvans, 1);
    await queueInteraction(db, row, { ref: row.constituentId, draft: { kind: row.kind, at: row.at, notes: row.notes } }, () => T0);
    d.fault({ status: 401 }, 2);
    expect(await flushOutbox(deps)).toMatchObject({ paused: 'auth', sent: 0 });
    expect(await db.interactions.get('sf-auth-1')).toMatchObject({ status: 'pending' });
    expect(await db.outbox.count()).toBe(1);
    expect(tasksWithKey('sf-auth-1')).toHaveLength(0);
  });
});

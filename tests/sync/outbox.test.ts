import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConnectorError, type Connector, type InteractionDraft } from '../../src/crm/types';
import { KindredDB } from '../../src/store/db';
import type { Interaction } from '../../src/store/model';
import { memoryLock, webLock } from '../../src/sync/lock';
import {
  BACKOFF_CAP_MS,
  FAILED_AT,
  backoffDelay,
  flushOutbox,
  outboxSummary,
  queueInteraction,
  resumeOutbox,
  retryAllFailed,
  retryItem,
  SEND_LEASE_MS,
  type FlushDeps,
} from '../../src/sync/outbox';
import { freshDb } from '../helpers/db';
import { mulberry32 } from '../../scripts/lib/random';

// ---------------------------------------------------------------------------------------------
// A fake CRM that only does `logInteraction`, deduplicating by idempotency key like a real
// connector must. Each call's behaviour comes from `behave`, so tests script failures.
type Behaviour =
  | 'ok'
  | 'landThenThrow' // the write lands, the answer is lost (timeout after commit)
  | 'landThenHang' // the write lands, then the worker is killed before the answer
  | ConnectorError
  | Error;

class FakeCrm {
  readonly landed = new Map<string, { ref: string; draft: InteractionDraft; externalId: string }>();
  readonly calls: string[] = [];
  writes = 0;
  behave: (key: string, call: number) => Behaviour = () => 'ok';

  private land(ref: string, draft: InteractionDraft, key: string) {
    const existing = this.landed.get(key);
    if (existing) return existing; // idempotent: the same key never writes twice
    const row = { ref, draft, externalId: `crm-${++this.writes}` };
    this.landed.set(key, row);
    return row;
  }

  connector(): Connector {
    const unused = () => {
      throw new Error('not used by the outbox');
    };
    return {
      id: 'fake',
      testConnection: unused,
      findByIdentities: unused,
      search: unused,
      get: unused,
      history: unused,
      createConstituent: unused,
      linkIdentity: unused,
      pull: unused,
      logInteraction: async (ref, draft, key) => {
        this.calls.push(key);
        const behaviour = this.behave(key, this.calls.length);
        if (behaviour instanceof Error) throw behaviour;
        const row = this.land(ref, draft, key);
        if (behaviour === 'landThenThrow') throw new ConnectorError('network', 'The request timed out.');
        if (behaviour === 'landThenHang') return new Promise<never>(() => {});
        return { externalId: row.externalId };
      },
    };
  }
}

const T0 = Date.parse('2026-11-22T10:00:00Z');

function interaction(id: string, notes = `notes of ${id}`): Interaction {
  return {
    id, constituentId: 'fake:1', kind: 'dm', channel: 'x', at: '2026-11-22T09:00:00.000Z', summary: null, notes,
    profileUrl: null, author: 'Sam', source: 'fake', externalId: null, status: 'synced', lastError: 'stale',
    createdAt: '2026-11-22T09:00:00.000Z',
  };
}
const draftOf = (i: Interaction): InteractionDraft => ({ kind: i.kind, channel: i.channel, at: i.at, notes: i.notes });

async function queue(db: KindredDB, id: string, at = T0, notes?: string) {
  const row = interaction(id, notes);
  await queueInteraction(db, row, { ref: row.constituentId, draft: draftOf(row) }, () => at);
}

function setup(random: () => number = () => 0.5) {
  const db = freshDb();
  const crm = new FakeCrm();
  const clock = { t: T0 };
  const deps: FlushDeps = { db, connector: async () => crm.connector(), now: () => clock.t, random, lock: memoryLock() };
  return { db, crm, clock, deps, flush: () => flushOutbox(deps) };
}

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

describe('queueInteraction', () => {
  it('writes the pending interaction and its outbox item together', async () => {
    const { db } = setup();
    await queue(db, 'k1');
    expect(await db.interactions.get('k1')).toMatchObject({ status: 'pending', lastError: null, notes: 'notes of k1' });
    expect(await db.outbox.get('k1')).toEqual({
      id: 'k1', op: 'logInteraction', payload: { ref: 'fake:1', draft: draftOf(interaction('k1')) },
      attempts: 0, nextAttemptAt: T0, lastError: null,
    });
  });

  it('leaves neither row when the transaction fails', async () => {
    const { db } = setup();
    // An outbox row with the same key makes the second write of the transaction fail.
    await db.outbox.add({ id: 'dup', op: 'logInteraction', payload: null, attempts: 0, nextAttemptAt: 0, lastError: null });
    await expect(queue(db, 'dup')).rejects.toThrow();
    expect(await db.interactions.get('dup')).toBeUndefined();
    expect(await db.outbox.count()).toBe(1);
  });

  it('refuses an invalid payload before writing anything', async () => {
    const { db } = setup();
    const row = interaction('bad');
    await expect(queueInteraction(db, row, { ref: '', draft: draftOf(row) })).rejects.toThrow();
    await expect(queueInteraction(db, row, { ref: 'fake:1', draft: { ...draftOf(row), at: 'yesterday' } })).rejects.toThrow();
    expect(await db.interactions.count()).toBe(0);
    expect(await db.outbox.count()).toBe(0);
  });
});

describe('flushOutbox', () => {
  it('sends due items oldest first with their id as idempotency key and marks them synced', async () => {
    const { db, crm, clock, flush } = setup();
    await queue(db, 'b', T0 - 1000);
    await queue(db, 'a', T0 - 2000);
    await queue(db, 'later', T0 + 60_000);
    const report = await flush();
    expect(report).toEqual({ skipped: false, sent: 2, failed: 0, retried: 0, paused: null, nextAttemptAt: T0 + 60_000 });
    expect(crm.calls).toEqual(['a', 'b']);
    expect(crm.landed.get('a')).toMatchObject({ ref: 'fake:1', draft: draftOf(interaction('a')) });
    expect(await db.interactions.get('a')).toMatchObject({ status: 'synced', externalId: crm.landed.get('a')!.externalId, lastError: null });
    expect(await db.outbox.get('a')).toBeUndefined();
    expect(await db.interactions.get('later')).toMatchObject({ status: 'pending' });

    clock.t = T0 + 60_000;
    expect(await flush()).toMatchObject({ sent: 1, nextAttemptAt: null });
    expect(await outboxSummary(db)).toEqual({ pending: 0, failed: 0, paused: null, nextAttemptAt: null });
  });

  it('does not even create the connector when nothing is due', async () => {
    const { db, deps } = setup();
    await queue(db, 'later', T0 + 5000);
    const connector = vi.fn(async () => new FakeCrm().connector());
    expect(await flushOutbox({ ...deps, connector })).toMatchObject({ sent: 0, nextAttemptAt: T0 + 5000 });
    expect(connector).not.toHaveBeenCalled();
  });

  it('pauses the whole queue on an auth error until resumed', async () => {
    const { db, crm, clock, flush } = setup();
    await queue(db, 'a', T0 - 2);
    await queue(db, 'b', T0 - 1);
    crm.behave = () => new ConnectorError('auth', 'The API key was revoked.');
    const report = await flush();
    expect(report).toEqual({ skipped: false, sent: 0, failed: 0, retried: 0, paused: 'auth', nextAttemptAt: null });
    expect(crm.calls).toEqual(['a']);
    expect(await db.interactions.where('status').equals('pending').count()).toBe(2);
    expect(await db.outbox.get('a')).toMatchObject({ attempts: 0, nextAttemptAt: T0 - 2 });
    expect(await outboxSummary(db)).toEqual({
      pending: 2, failed: 0, paused: { code: 'auth', message: 'The API key was revoked.', at: T0 }, nextAttemptAt: T0 - 2,
    });

    // Still paused: nothing is sent, however often the alarm fires.
    crm.behave = () => 'ok';
    clock.t += 3_600_000;
    expect(await flush()).toMatchObject({ paused: 'auth', sent: 0 });
    expect(crm.calls).toHaveLength(1);

    await resumeOutbox(db, () => clock.t);
    expect((await outboxSummary(db)).paused).toBeNull();
    expect(await flush()).toMatchObject({ sent: 2, paused: null });
    expect(crm.landed.size).toBe(2);
  });

  it('resume makes waiting items due now but leaves failed ones failed', async () => {
    const { db, crm, clock, flush } = setup();
    await queue(db, 'waiting', T0 + 600_000);
    await queue(db, 'broken', T0);
    crm.behave = (key) => (key === 'broken' ? new ConnectorError('invalid', 'Bad activity type.') : 'ok');
    await flush();
    await resumeOutbox(db, () => clock.t);
    expect(await db.outbox.get('waiting')).toMatchObject({ nextAttemptAt: T0 });
    expect(await db.outbox.get('broken')).toMatchObject({ nextAttemptAt: FAILED_AT });
  });

  it.each([
    ['invalid', 'The CRM rejected the activity: subject too long.'],
    ['notFound', 'Contact 42 was deleted in CiviCRM.'],
    ['forbidden', 'Your key may not create activities.'],
  ] as const)('marks the item failed on %s, keeps it and its text, and goes on with the next', async (code, message) => {
    const { db, crm, clock, flush } = setup();
    await queue(db, 'bad', T0 - 2, 'what the user typed');
    await queue(db, 'good', T0 - 1);
    crm.behave = (key) => (key === 'bad' ? new ConnectorError(code, message) : 'ok');
    expect(await flush()).toEqual({ skipped: false, sent: 1, failed: 1, retried: 0, paused: null, nextAttemptAt: null });
    expect(await db.interactions.get('bad')).toMatchObject({ status: 'failed', lastError: message, notes: 'what the user typed' });
    expect(await db.outbox.get('bad')).toMatchObject({ nextAttemptAt: FAILED_AT, lastError: message, payload: { draft: { notes: 'what the user typed' } } });
    expect(await db.interactions.get('good')).toMatchObject({ status: 'synced' });
    expect(await outboxSummary(db)).toMatchObject({ pending: 0, failed: 1 });

    // Not retried automatically, however much later.
    clock.t += 7 * 24 * 3_600_000;
    await flush();
    expect(crm.calls.filter((k) => k === 'bad')).toHaveLength(1);

    crm.behave = () => 'ok';
    expect(await retryItem(db, 'bad', () => clock.t)).toBe(true);
    expect(await db.interactions.get('bad')).toMatchObject({ status: 'pending', lastError: null });
    expect(await flush()).toMatchObject({ sent: 1 });
    expect(await db.interactions.get('bad')).toMatchObject({ status: 'synced' });
    expect(crm.landed.get('bad')?.draft.notes).toBe('what the user typed');
  });

  it('retryAllFailed makes every failed item due and pending again', async () => {
    const { db, crm, clock, flush } = setup();
    for (const id of ['f1', 'f2', 'f3']) await queue(db, id, T0);
    crm.behave = () => new ConnectorError('forbidden', 'No.');
    expect(await flush()).toMatchObject({ failed: 3 });
    crm.behave = () => 'ok';
    clock.t += 1000;
    expect(await retryAllFailed(db, () => clock.t)).toBe(3);
    expect(await db.interactions.where('status').equals('pending').count()).toBe(3);
    expect(await flush()).toMatchObject({ sent: 3 });
    expect(await retryAllFailed(db)).toBe(0);
    expect(await retryItem(db, 'f1')).toBe(false);
  });

  it.each([
    ['network', new ConnectorError('network', 'The CRM could not be reached.')],
    ['server', new ConnectorError('server', 'CiviCRM answered 502.')],
    ['rateLimited', new ConnectorError('rateLimited', 'Too many requests.')],
    ['an unexpected error', new TypeError('Cannot read properties of undefined')],
  ])('on %s: reschedules with back-off, keeps it pending with the reason, and stops the flush', async (_name, error) => {
    const { db, crm, clock, flush } = setup(() => 0.75);
    await queue(db, 'a', T0 - 2);
    await queue(db, 'b', T0 - 1);
    crm.behave = () => error;
    const report = await flush();
    // attempt 1: ceiling 2 s, jitter 0.75 → 1.5 s
    expect(report).toEqual({ skipped: false, sent: 0, failed: 0, retried: 1, paused: null, nextAttemptAt: T0 + 1500 });
    expect(crm.calls).toEqual(['a']); // 'b' was due too, but the CRM looks down: not hammered
    expect(await db.outbox.get('a')).toMatchObject({ attempts: 1, nextAttemptAt: T0 + 1500, lastError: expect.stringContaining(error.message) });
    expect(await db.interactions.get('a')).toMatchObject({ status: 'pending', lastError: expect.stringContaining(error.message) });

    // The queue-wide back-off: a flush before then (a new log, start-up) sends nothing, not even 'b'.
    clock.t = T0 + 1000;
    expect(await flush()).toMatchObject({ sent: 0, retried: 0, nextAttemptAt: T0 + 1500 });
    expect(crm.calls).toHaveLength(1);
    expect((await outboxSummary(db)).nextAttemptAt).toBe(T0 + 1500);

    crm.behave = () => 'ok';
    clock.t = T0 + 1500;
    expect(await flush()).toMatchObject({ sent: 2, nextAttemptAt: null });
    expect(crm.calls).toEqual(['a', 'b', 'a']);
    expect(await db.interactions.get('a')).toMatchObject({ status: 'synced', lastError: null });
  });

  it('backs off exponentially up to 30 minutes, with the jitter inside its bounds', async () => {
    const { db, crm, clock, flush } = setup(() => 0.999_999);
    await queue(db, 'a', T0);
    crm.behave = () => new ConnectorError('server', 'Down.');
    const delays: number[] = [];
    for (let i = 0; i < 14; i++) {
      const before = clock.t;
      const report = await flush();
      expect(report.retried).toBe(1);
      delays.push(report.nextAttemptAt! - before);
      clock.t = report.nextAttemptAt!;
    }
    const ceilings = [2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 1800, 1800, 1800, 1800].map((s) => s * 1000);
    delays.forEach((d, i) => {
      expect(d).toBeLessThanOrEqual(ceilings[i]!);
      expect(d).toBeGreaterThan(ceilings[i]! * 0.999);
    });
    expect(await db.outbox.get('a')).toMatchObject({ attempts: 14 });
  });

  it('keeps every jittered delay within [1 s, ceiling] and spreads them', () => {
    const random = mulberry32(7);
    for (let attempts = 1; attempts <= 20; attempts++) {
      const ceiling = Math.min(BACKOFF_CAP_MS, 2000 * 2 ** (attempts - 1));
      const draws = Array.from({ length: 200 }, () => backoffDelay(attempts, random));
      for (const d of draws) {
        expect(d).toBeGreaterThanOrEqual(1000);
        expect(d).toBeLessThanOrEqual(ceiling);
      }
      if (attempts >= 3) expect(new Set(draws).size).toBeGreaterThan(150); // jitter, not a fixed delay
    }
    expect(backoffDelay(1, () => 0)).toBe(1000);
    expect(backoffDelay(40, () => 0.5)).toBe(BACKOFF_CAP_MS / 2);
  });

  it('never retries earlier than Retry-After', async () => {
    expect(backoffDelay(1, () => 0.5, 120_000)).toBe(120_000);
    expect(backoffDelay(12, () => 0.9, 5_000)).toBe(Math.floor(0.9 * BACKOFF_CAP_MS));
    const { db, crm, clock, flush } = setup(() => 0.1);
    await queue(db, 'a', T0);
    crm.behave = () => new ConnectorError('rateLimited', 'Slow down.', 90_000);
    expect((await flush()).nextAttemptAt).toBe(T0 + 90_000);
    crm.behave = () => 'ok';
    clock.t = T0 + 89_999;
    expect(await flush()).toMatchObject({ sent: 0 });
    clock.t = T0 + 90_000;
    expect(await flush()).toMatchObject({ sent: 1 });
  });

  it('marks a corrupt item failed with a reason instead of dropping or throwing', async () => {
    const { db, crm, flush } = setup();
    await queue(db, 'ok', T0);
    await db.interactions.add({ ...interaction('corrupt'), status: 'pending' });
    await db.outbox.add({ id: 'corrupt', op: 'logInteraction', payload: { ref: 'fake:1', draft: { kind: 'smoke signal' } }, attempts: 0, nextAttemptAt: T0 - 1, lastError: null });
    await db.outbox.add({ id: 'alien', op: 'teleport', payload: {}, attempts: 0, nextAttemptAt: T0 - 1, lastError: null });
    expect(await flush()).toMatchObject({ sent: 1, failed: 2 });
    expect(crm.calls).toEqual(['ok']);
    expect(await db.outbox.get('corrupt')).toMatchObject({ nextAttemptAt: FAILED_AT, lastError: expect.stringMatching(/damaged/), payload: { draft: { kind: 'smoke signal' } } });
    expect(await db.interactions.get('corrupt')).toMatchObject({ status: 'failed', lastError: expect.stringMatching(/damaged/) });
    expect(await db.outbox.get('alien')).toMatchObject({ nextAttemptAt: FAILED_AT, lastError: expect.stringMatching(/teleport/) });
  });
});

describe('the outbox lock', () => {
  it('lets one of two concurrent flushes run; the other returns at once, and nothing is sent twice', async () => {
    const { db, crm, deps } = setup();
    for (let i = 0; i < 5; i++) await queue(db, `k${i}`, T0 - 10 + i);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const connector = crm.connector();
    const slow: Connector = {
      ...connector,
      logInteraction: async (...args) => {
        await gate;
        return connector.logInteraction(...args);
      },
    };
    const shared = { ...deps, connector: async () => slow, lock: webLock }; // the real fallback lock (no navigator.locks in Node)
    const first = flushOutbox(shared);
    const second = await flushOutbox(shared);
    expect(second).toMatchObject({ skipped: true, sent: 0 });
    release();
    expect(await first).toMatchObject({ skipped: false, sent: 5 });
    expect(crm.calls.sort()).toEqual(['k0', 'k1', 'k2', 'k3', 'k4']);
    // Released afterwards.
    expect(await flushOutbox(shared)).toMatchObject({ skipped: false });
  });

  it('uses navigator.locks with ifAvailable where it exists', async () => {
    const held = new Set<string>();
    const request = vi.fn(async (name: string, options: { ifAvailable?: boolean }, cb: (lock: { name: string } | null) => Promise<unknown>) => {
      if (held.has(name)) return cb(null);
      held.add(name);
      try {
        return await cb({ name });
      } finally {
        held.delete(name);
      }
    });
    vi.stubGlobal('navigator', { locks: { request } });
    const { db, deps } = setup();
    await queue(db, 'a', T0);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const crm = new FakeCrm();
    const inner = crm.connector();
    const slow: Connector = {
      ...inner,
      logInteraction: async (...args) => {
        await gate;
        return inner.logInteraction(...args);
      },
    };
    const first = flushOutbox({ ...deps, connector: slow, lock: webLock });
    expect(await flushOutbox({ ...deps, connector: slow, lock: webLock })).toMatchObject({ skipped: true });
    release();
    expect(await first).toMatchObject({ sent: 1 });
    expect(request).toHaveBeenCalledWith('kindred-outbox', { ifAvailable: true }, expect.any(Function));
  });
});

describe('crash safety', () => {
  it('re-sends with the same key when the answer was lost after the write landed', async () => {
    const { db, crm, clock, flush } = setup();
    await queue(db, 'k', T0);
    crm.behave = (_key, call) => (call === 1 ? 'landThenThrow' : 'ok');
    expect(await flush()).toMatchObject({ retried: 1 });
    expect(await db.interactions.get('k')).toMatchObject({ status: 'pending' });
    clock.t = (await outboxSummary(db)).nextAttemptAt!;
    expect(await flush()).toMatchObject({ sent: 1 });
    expect(crm.calls).toEqual(['k', 'k']);
    expect(crm.writes).toBe(1);
    expect(await db.interactions.get('k')).toMatchObject({ status: 'synced', externalId: crm.landed.get('k')!.externalId });
  });

  it('re-sends with the same key after the worker died between the send and the local write', async () => {
    const { db, crm } = setup();
    await queue(db, 'k', T0);
    crm.behave = (_key, call) => (call === 1 ? 'landThenHang' : 'ok');
    // The first worker sends, the CRM stores it, and the worker is killed before the answer.
    // (Its own lock table, so the lock it never releases does not leak into other tests.)
    void flushOutbox({ db, connector: async () => crm.connector(), now: () => T0 + 10, lock: memoryLock() });
    await vi.waitFor(() => expect(crm.writes).toBe(1));

    // A new worker: fresh module state (its own lock table), its own database connection.
    vi.resetModules();
    const fresh = (await import('../../src/sync/outbox')) as typeof import('../../src/sync/outbox');
    const { KindredDB: FreshDB } = (await import('../../src/store/db')) as typeof import('../../src/store/db');
    const db2 = new FreshDB(db.name);
    try {
      expect(await fresh.flushOutbox({ db: db2, connector: async () => crm.connector(), now: () => T0 + 60_000 })).toMatchObject({ sent: 1, skipped: false });
      expect(crm.calls).toEqual(['k', 'k']);
      expect(crm.writes).toBe(1);
      expect(await db2.interactions.get('k')).toMatchObject({ status: 'synced', externalId: crm.landed.get('k')!.externalId });
      expect(await db2.outbox.count()).toBe(0);
    } finally {
      db2.close();
    }
  });

  it('re-sends with the same key when the local success transaction never commits', async () => {
    const { db, crm, clock, flush } = setup();
    await queue(db, 'k', T0, 'typed by the user');
    const spy = vi.spyOn(db.outbox, 'delete').mockImplementation(() => {
      throw new Error('killed inside the transaction');
    });
    await expect(flush()).rejects.toThrow('killed inside the transaction');
    // The transaction rolled back as a whole: the interaction's update did not stick either.
    expect(await db.interactions.get('k')).toMatchObject({ status: 'pending', externalId: null, notes: 'typed by the user' });
    // Still leased to the attempt that died: not due again before that attempt has certainly ended.
    expect(await db.outbox.get('k')).toMatchObject({ attempts: 0, nextAttemptAt: T0 + SEND_LEASE_MS });
    expect(crm.writes).toBe(1);

    spy.mockRestore();
    expect(await flush()).toMatchObject({ sent: 0, skipped: false });
    expect(crm.calls).toEqual(['k']);
    clock.t = T0 + SEND_LEASE_MS;
    expect(await flush()).toMatchObject({ sent: 1, skipped: false }); // and the lock was released
    expect(crm.calls).toEqual(['k', 'k']);
    expect(crm.writes).toBe(1);
    expect(await db.interactions.get('k')).toMatchObject({ status: 'synced', externalId: 'crm-1' });
  });

  it('delivers 200 items through a flaky CRM exactly once each', async () => {
    const random = mulberry32(20261122);
    const { db, crm, clock, flush } = setup(random);
    for (let i = 0; i < 200; i++) await queue(db, `key-${i}`, T0 + i, `note ${i}`);

    const seen: Record<string, number> = {};
    const pick = (): Behaviour => {
      const r = random();
      const kinds: [number, string, () => Behaviour][] = [
        [0.4, 'ok', () => 'ok'],
        [0.5, 'landThenThrow', () => 'landThenThrow'],
        [0.6, 'network', () => new ConnectorError('network', 'offline')],
        [0.68, 'server', () => new ConnectorError('server', '503')],
        [0.76, 'rateLimited', () => new ConnectorError('rateLimited', '429', Math.floor(random() * 60_000))],
        [0.8, 'auth', () => new ConnectorError('auth', 'token expired')],
        [0.85, 'invalid', () => new ConnectorError('invalid', 'rejected')],
        [0.89, 'notFound', () => new ConnectorError('notFound', 'gone')],
        [0.93, 'forbidden', () => new ConnectorError('forbidden', 'no')],
        [1, 'unexpected', () => new Error('socket hang up')],
      ];
      const [, name, make] = kinds.find(([p]) => r < p)!;
      seen[name] = (seen[name] ?? 0) + 1;
      return make();
    };
    crm.behave = () => pick();

    let rounds = 0;
    for (; rounds < 5000; rounds++) {
      const summary = await outboxSummary(db);
      if (summary.pending === 0 && summary.failed === 0) break;
      if (summary.paused) await resumeOutbox(db, () => clock.t); // the user reconnects
      if (summary.failed > 0 && random() < 0.3) await retryAllFailed(db, () => clock.t); // the user clicks retry
      const report = await flush();
      clock.t = Math.max(clock.t + 1, report.nextAttemptAt ?? clock.t + 1);
    }
    expect(rounds).toBeLessThan(5000);
    for (const kind of ['ok', 'landThenThrow', 'network', 'server', 'rateLimited', 'auth', 'invalid', 'notFound', 'forbidden', 'unexpected']) {
      expect(seen[kind], kind).toBeGreaterThan(0);
    }

    const rows = await db.interactions.toArray();
    expect(rows).toHaveLength(200);
    expect(rows.filter((r) => r.status === 'synced')).toHaveLength(200);
    expect(await db.outbox.count()).toBe(0);
    expect(crm.landed.size).toBe(200);
    expect(crm.writes).toBe(200);
    for (const row of rows) {
      const landed = crm.landed.get(row.id);
      expect(landed?.externalId).toBe(row.externalId);
      expect(landed?.draft.notes).toBe(row.notes);
    }
    expect(crm.calls.length).toBeGreaterThan(200);
  });
});


// The outbox (src/sync/outbox.ts) flushing to Raiser's Edge NXT through the real connector and the
// SKY contract double, with the faults of DESIGN.md "Reliability rules": a connection dropped after
// the write was applied, 500s, 429s, the quota 403, writes that land after the client timed out.
// Whatever happens, every interaction ends up in the double's action table exactly once.
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { KindredDB } from '../../src/store/db';
import type { Interaction } from '../../src/store/model';
import { memoryLock } from '../../src/sync/lock';
import { flushOutbox, queueInteraction, type FlushDeps } from '../../src/sync/outbox';
import { startSkyDouble, type Fault, type SkyDouble } from '../crm/renxt-double';
import { connectorFor, signedIn } from '../crm/renxt-double/harness';
import { freshDb } from '../helpers/db';

vi.setConfig({ testTimeout: 60_000 });

let running: SkyDouble | null = null;
afterEach(async () => {
  await running?.close();
  running = null;
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const T0 = Date.parse('2026-11-22T10:00:00Z');
const isActionPost = (r: { method: string; path: string }) => r.method === 'POST' && r.path === '/constituent/v1/actions';
const isActionRead = (r: { method: string; path: string }) => r.method === 'GET' && /\/actions$/.test(r.path);

function interaction(id: string, constituentId: string): Interaction {
  return {
    id, constituentId, kind: 'dm', channel: 'facebook', at: '2026-11-22T09:00:00.000Z', summary: `About ${id}`, notes: `Notes of ${id}`,
    profileUrl: null, author: 'Sam', source: 'raisers-edge', externalId: null, status: 'pending', lastError: null, createdAt: '2026-11-22T09:00:00.000Z',
  };
}

async function queueAll(db: KindredDB, ids: string[]) {
  for (const [i, id] of ids.entries()) {
    const row = interaction(id, i % 2 ? 'raisers-edge:410' : 'raisers-edge:280');
    await queueInteraction(db, row, { ref: row.constituentId, draft: { kind: row.kind, channel: row.channel, at: row.at, summary: row.summary, notes: row.notes } }, () => T0 + i);
  }
}

/**
 * Flushes until the queue is empty, on a fake clock for the outbox's back-off. Between attempts it
 * also waits a real second, the outbox's least back-off: a write that lands after the client gave
 * up has landed by then, as it would have in real time.
 */
async function drain(db: KindredDB, deps: FlushDeps, clock: { t: number }) {
  for (let round = 0; round < 60 && (await db.outbox.count()) > 0; round++) {
    const report = await flushOutbox(deps);
    if (report.retried) await sleep(1000);
    clock.t = Math.max(clock.t + 1, report.nextAttemptAt ?? clock.t);
  }
}

async function expectEachOnce(d: SkyDouble, db: KindredDB, ids: string[]) {
  expect(await db.outbox.count()).toBe(0);
  for (const id of ids) {
    const landed = [...d.data.actions.values()].filter((a) => String(a.fields.description ?? '').endsWith(`[kindred:${id}]`));
    expect(landed, `actions for ${id}`).toHaveLength(1);
    expect(await db.interactions.get(id)).toMatchObject({ status: 'synced', externalId: landed[0]!.id, lastError: null });
  }
}

function setup(d: SkyDouble) {
  const db = freshDb();
  const clock = { t: T0 };
  const { connector } = connectorFor(d, { tokens: signedIn(d), config: { timeoutMs: 400 } });
  const deps: FlushDeps = { db, connector, now: () => clock.t, random: () => 0, lock: memoryLock() };
  return { db, clock, deps };
}

describe('outbox → Raiser’s Edge NXT double', () => {
  it('loses nothing and duplicates nothing through drops, 500s, 429s, the quota and late writes', async () => {
    const d = (running = await startSkyDouble());
    const { db, clock, deps } = setup(d);
    const ids = ['i1', 'i2', 'i3', 'i4', 'i5', 'i6', 'i7'];
    await queueAll(db, ids);
    const faults: Fault[] = [
      { dropAfterApply: true, match: isActionPost },
      { status: 500, match: isActionPost },
      { status: 429, retryAfter: '30', match: isActionPost },
      // Answered only after the client's 400 ms timeout: the write lands late.
      { latencyMs: 900, match: isActionPost },
      { status: 403, retryAfter: '1', match: isActionPost },
      { dropBeforeApply: true, match: isActionPost },
      { status: 503, match: isActionRead },
      { dropAfterApply: true, match: isActionPost },
    ];
    for (const fault of faults) d.fault(fault);
    await drain(db, deps, clock);
    await expectEachOnce(d, db, ids);
    // Every fault was met: the test proves something.
    expect(d.log.filter((e) => e.fault).length).toBe(faults.length);
  });

  it('a write whose answer is lost twice in a row still lands once', async () => {
    const d = (running = await startSkyDouble());
    const { db, clock, deps } = setup(d);
    await queueAll(db, ['only']);
    d.fault({ dropAfterApply: true, match: isActionPost });
    d.fault({ dropAfterApply: true, match: isActionRead }, 2);
    await drain(db, deps, clock);
    await expectEachOnce(d, db, ['only']);
  });

  it('pauses on a rejected sign-in without losing the item, and sends it after reconnecting', async () => {
    const d = (running = await startSkyDouble({ issueRefreshTokens: false }));
    const { db, clock, deps } = setup(d);
    await queueAll(db, ['paused']);
    d.session.user = null; // no silent re-consent possible
    d.expireAccessTokens();
    const report = await flushOutbox(deps);
    expect(report.paused).toBe('auth');
    expect(await db.interactions.get('paused')).toMatchObject({ status: 'pending' });
    expect([...d.data.actions.values()].filter((a) => String(a.fields.description).includes('[kindred:paused]'))).toHaveLength(0);

    // The user reconnects (a fresh connector with new tokens) and the queue resumes.
    const { resumeOutbox } = await import('../../src/sync/outbox');
    await resumeOutbox(db, () => clock.t);
    const again = connectorFor(d, { tokens: signedIn(d) }).connector;
    await drain(db, { ...deps, connector: again }, clock);
    await expectEachOnce(d, db, ['paused']);
  });
});

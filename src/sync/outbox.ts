// The outbox: writes the user made in Kindred, on their way to the CRM (DESIGN.md "Reliability
// rules"). A logged interaction is stored locally and queued in one transaction; `flushOutbox`
// sends what is due under a lock. The service worker may be killed at any await, so every step
// is written to IndexedDB before the next one starts, and every send carries the item's id as its
// idempotency key: a send whose acknowledgement was lost is simply sent again and the connector
// deduplicates it. Nothing the user typed is deleted by a failure; an item leaves the outbox only
// in the same transaction that marks its interaction `synced`.
import * as z from '../zod';
import { ConnectorError, type Connector, type ConnectorErrorCode } from '../crm/types';
import { interactionDraftSchema, type InteractionDraft } from '../messages';
import type { KindredDB } from '../store/db';
import type { Interaction, OutboxItem } from '../store/model';
import { webLock, type LockFn } from './lock';

export const OUTBOX_LOCK = 'kindred-outbox';
/** Meta key: set while the queue waits for the user to reconnect (an `auth` error). */
export const OUTBOX_PAUSED_KEY = 'outbox.paused';
/** Meta key: the queue-wide back-off after a retryable error (see `flushOutbox`). */
export const OUTBOX_BACKOFF_KEY = 'outbox.backoff';
/** `nextAttemptAt` of an item that failed for good: never due until the user retries it. */
export const FAILED_AT = Number.MAX_SAFE_INTEGER;

/** First retry after 2 s, doubling per attempt, never more than 30 min apart. */
export const BACKOFF_BASE_MS = 2_000;
export const BACKOFF_CAP_MS = 30 * 60_000;
/** Full jitter may draw ~0; one second is the least we wait so a flapping CRM is not hammered. */
export const BACKOFF_MIN_MS = 1_000;

export const logInteractionPayloadSchema = z.lazy(() =>
  z.object({
    ref: z.string().min(1),
    draft: interactionDraftSchema,
  }),
);
export type LogInteractionPayload = z.infer<typeof logInteractionPayloadSchema>;

const pauseSchema = z.lazy(() => z.object({ code: z.string(), message: z.string(), at: z.number() }));
export type OutboxPause = z.infer<typeof pauseSchema>;
const backoffSchema = z.lazy(() => z.object({ until: z.number(), failures: z.number().int().nonnegative() }));
type QueueBackoff = z.infer<typeof backoffSchema>;

/**
 * While an item is being sent it is not due: if the worker dies mid-request, the next worker must
 * not send it again before this attempt has certainly ended (the first write may still land, and
 * the connector's "already written?" check would miss it). Longer than a connector's request timeout.
 */
export const SEND_LEASE_MS = 30_000;

export interface FlushDeps {
  db: KindredDB;
  /** See SEND_LEASE_MS. */
  leaseMs?: number;
  /** Resolved only when something is due, so a held lock or an empty queue costs no set-up. */
  connector: Connector | (() => Promise<Connector>);
  now?: () => number;
  random?: () => number;
  lock?: LockFn;
}

export interface FlushReport {
  /** The lock was held by another flush; nothing was read or sent. */
  skipped: boolean;
  sent: number;
  /** Items marked failed in this flush (they wait for `retryItem`/`retryAllFailed`). */
  failed: number;
  /** Items rescheduled after a retryable error. */
  retried: number;
  /** The error code the queue is paused on (`'auth'`), or null. */
  paused: string | null;
  /** When the next item falls due (for an `alarms` alarm); null when nothing waits or the queue is paused. */
  nextAttemptAt: number | null;
}

export interface OutboxSummary {
  pending: number;
  failed: number;
  paused: OutboxPause | null;
  nextAttemptAt: number | null;
}

/**
 * Stores `interaction` as pending and queues its send, in one transaction: either both rows exist
 * or neither does. The interaction's id is the idempotency key. Throws (storing nothing) when
 * `payload` is not a valid `{ ref, draft }`.
 */
export async function queueInteraction(
  db: KindredDB,
  interaction: Interaction,
  payload: { ref: string; draft: InteractionDraft },
  now: () => number = Date.now,
): Promise<void> {
  const checked = logInteractionPayloadSchema.parse(payload);
  const item: OutboxItem = {
    id: interaction.id,
    op: 'logInteraction',
    payload: checked,
    attempts: 0,
    nextAttemptAt: now(),
    lastError: null,
  };
  await db.transaction('rw', db.interactions, db.outbox, async () => {
    await db.interactions.add({ ...interaction, status: 'pending', lastError: null });
    await db.outbox.add(item);
  });
}

/** `min(cap, base·2^(attempts−1))`, full jitter from `random()`, at least 1 s and at least `retryAfterMs`. */
export function backoffDelay(attempts: number, random: () => number, retryAfterMs?: number): number {
  const exponent = Math.max(0, attempts - 1);
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.min(exponent, 30));
  const jittered = Math.floor(random() * ceiling);
  return Math.max(BACKOFF_MIN_MS, jittered, retryAfterMs ?? 0);
}

/**
 * Sends every due item (oldest due first) under the lock 'kindred-outbox'.
 *
 * Policy per `ConnectorError.code`:
 * - `auth`: the whole queue pauses (meta `outbox.paused`) until `resumeOutbox`; the item is untouched.
 * - `invalid`, `notFound`, `forbidden`: this item fails for good (kept, with the reason, until the
 *   user retries it); the flush goes on with the next item, since the CRM did answer.
 * - `network`, `server`, `rateLimited`, anything else: the item is rescheduled with back-off and the
 *   flush STOPS: the CRM is likely down or throttling us, and sending the rest would only hammer it.
 *   The same delay is stored as a queue-wide back-off (meta `outbox.backoff`), counted in
 *   consecutive failures, so that no trigger (a new log, start-up, an alarm) probes the CRM more
 *   often than the back-off allows during an outage. One definite answer from the CRM clears it.
 */
export async function flushOutbox(deps: FlushDeps): Promise<FlushReport> {
  const lock = deps.lock ?? webLock;
  const result = await lock(OUTBOX_LOCK, () => flushLocked(deps));
  return result.acquired ? result.value : { ...emptyReport(), skipped: true };
}

function emptyReport(): FlushReport {
  return { skipped: false, sent: 0, failed: 0, retried: 0, paused: null, nextAttemptAt: null };
}

async function flushLocked(deps: FlushDeps): Promise<FlushReport> {
  const { db } = deps;
  const now = deps.now ?? Date.now;
  const random = deps.random ?? Math.random;
  const report = emptyReport();

  const pause = await readPause(db);
  if (pause) {
    report.paused = pause.code;
    return report;
  }

  let connector: Connector | null = null;
  // Guards against re-sending in this flush an item whose new time is still "now" (a frozen clock).
  const attempted = new Set<string>();
  for (;;) {
    const t = now();
    const backoff = await readBackoff(db);
    if (backoff && backoff.until > t) break;
    const raw = await db.outbox.where('nextAttemptAt').belowOrEqual(t).filter((i) => !attempted.has(i.id)).first();
    if (!raw) break;
    attempted.add(raw.id);

    const parsed = parseItem(raw);
    if (!parsed.ok) {
      await markFailed(db, raw, parsed.reason);
      report.failed++;
      continue;
    }
    const { ref, draft } = parsed.payload;

    let outcome: { ok: true; externalId: string } | { ok: false; error: unknown };
    await db.outbox.update(raw.id, { nextAttemptAt: t + (deps.leaseMs ?? SEND_LEASE_MS) });
    try {
      connector ??= typeof deps.connector === 'function' ? await deps.connector() : deps.connector;
      const { externalId } = await connector.logInteraction(ref, draft, raw.id);
      outcome = { ok: true, externalId };
    } catch (error) {
      outcome = { ok: false, error };
    }

    if (outcome.ok) {
      // If this transaction never commits (worker killed, disk error), the item stays due and is
      // sent again with the same key; the connector answers with the write that already landed.
      await markSynced(db, raw.id, outcome.externalId, backoff !== null);
      report.sent++;
      continue;
    }

    const code = outcome.error instanceof ConnectorError ? outcome.error.code : null;
    const message = describeError(outcome.error);
    if (code === 'auth') {
      // Refused at the door, so nothing was written: the item keeps its place in the queue.
      await db.outbox.update(raw.id, { nextAttemptAt: raw.nextAttemptAt });
      await db.meta.put({ key: OUTBOX_PAUSED_KEY, value: { code, message, at: t } satisfies OutboxPause });
      report.paused = code;
      break;
    }
    if (code === 'invalid' || code === 'notFound' || code === 'forbidden') {
      await markFailed(db, raw, message, backoff !== null);
      report.failed++;
      continue;
    }
    const retryAfterMs = outcome.error instanceof ConnectorError ? outcome.error.retryAfterMs : undefined;
    await reschedule(db, raw, message, t, random, retryAfterMs);
    report.retried++;
    break;
  }

  report.nextAttemptAt = report.paused ? null : await nextDue(db);
  return report;
}

function parseItem(raw: OutboxItem): { ok: true; payload: LogInteractionPayload } | { ok: false; reason: string } {
  if (raw.op !== 'logInteraction') return { ok: false, reason: `Kindred cannot send this queued change (unknown kind "${String(raw.op)}").` };
  const result = logInteractionPayloadSchema.safeParse(raw.payload);
  if (!result.success) {
    return { ok: false, reason: `This queued interaction is damaged and was not sent (${z.prettifyError(result.error).replace(/\s+/g, ' ')}).` };
  }
  return { ok: true, payload: result.data };
}

const CODE_WORDS: Record<ConnectorErrorCode, string> = {
  auth: 'The CRM no longer accepts the connection; reconnect it.',
  forbidden: 'The CRM does not allow this account to make that change.',
  notFound: 'The constituent no longer exists in the CRM.',
  invalid: 'The CRM rejected the interaction as invalid.',
  rateLimited: 'The CRM asked Kindred to slow down.',
  network: 'The CRM could not be reached.',
  server: 'The CRM had an internal error.',
};

function describeError(error: unknown): string {
  if (error instanceof ConnectorError) return error.message.trim() || CODE_WORDS[error.code];
  if (error instanceof Error && error.message.trim()) return `Unexpected error while sending: ${error.message.trim()}`;
  return 'Unexpected error while sending.';
}

async function markSynced(db: KindredDB, id: string, externalId: string, clearBackoff: boolean): Promise<void> {
  await db.transaction('rw', db.interactions, db.outbox, db.meta, async () => {
    await db.interactions.update(id, { status: 'synced', externalId, lastError: null });
    await db.outbox.delete(id);
    if (clearBackoff) await db.meta.delete(OUTBOX_BACKOFF_KEY);
  });
}

/** The item stays (with its payload) and is due never, until the user retries it. */
async function markFailed(db: KindredDB, raw: OutboxItem, reason: string, clearBackoff = false): Promise<void> {
  const attempts = typeof raw.attempts === 'number' && raw.attempts >= 0 ? raw.attempts + 1 : 1;
  await db.transaction('rw', db.interactions, db.outbox, db.meta, async () => {
    await db.outbox.put({ ...raw, attempts, nextAttemptAt: FAILED_AT, lastError: reason });
    await db.interactions.update(raw.id, { status: 'failed', lastError: reason });
    if (clearBackoff) await db.meta.delete(OUTBOX_BACKOFF_KEY);
  });
}

async function reschedule(
  db: KindredDB,
  raw: OutboxItem,
  reason: string,
  t: number,
  random: () => number,
  retryAfterMs: number | undefined,
): Promise<void> {
  await db.transaction('rw', db.interactions, db.outbox, db.meta, async () => {
    const attempts = raw.attempts + 1;
    const failures = ((await readBackoff(db))?.failures ?? 0) + 1;
    const delay = backoffDelay(Math.max(attempts, failures), random, retryAfterMs);
    const nextAttemptAt = t + delay;
    await db.outbox.put({ ...raw, attempts, nextAttemptAt, lastError: reason });
    await db.interactions.update(raw.id, { lastError: reason });
    await db.meta.put({ key: OUTBOX_BACKOFF_KEY, value: { until: nextAttemptAt, failures } satisfies QueueBackoff });
  });
}

async function readPause(db: KindredDB): Promise<OutboxPause | null> {
  const parsed = pauseSchema.safeParse((await db.meta.get(OUTBOX_PAUSED_KEY))?.value);
  return parsed.success ? parsed.data : null;
}

async function readBackoff(db: KindredDB): Promise<QueueBackoff | null> {
  const parsed = backoffSchema.safeParse((await db.meta.get(OUTBOX_BACKOFF_KEY))?.value);
  return parsed.success ? parsed.data : null;
}

/** The earliest time something will be sent: the first pending item, not before the queue back-off. */
async function nextDue(db: KindredDB): Promise<number | null> {
  const first = await db.outbox.where('nextAttemptAt').below(FAILED_AT).first();
  if (!first) return null;
  const backoff = await readBackoff(db);
  return Math.max(first.nextAttemptAt, backoff?.until ?? 0);
}

/** Counts and state for the UI (pending / failed / paused / "retrying at"). liveQuery-friendly. */
export async function outboxSummary(db: KindredDB): Promise<OutboxSummary> {
  return db.transaction('r', db.outbox, db.meta, async () => {
    const [pending, failed, paused, nextAttemptAt] = await Promise.all([
      db.outbox.where('nextAttemptAt').below(FAILED_AT).count(),
      db.outbox.where('nextAttemptAt').aboveOrEqual(FAILED_AT).count(),
      readPause(db),
      nextDue(db),
    ]);
    return { pending, failed, paused, nextAttemptAt };
  });
}

/**
 * After the user reconnected: lifts the pause and the queue back-off and makes every pending item
 * due now (items already due keep their order). Failed items stay failed: their reason was not
 * the connection; they wait for `retryItem`/`retryAllFailed`.
 */
export async function resumeOutbox(db: KindredDB, now: () => number = Date.now): Promise<void> {
  const t = now();
  await db.transaction('rw', db.outbox, db.meta, async () => {
    await db.meta.bulkDelete([OUTBOX_PAUSED_KEY, OUTBOX_BACKOFF_KEY]);
    await db.outbox.where('nextAttemptAt').between(t, FAILED_AT, false, false).modify({ nextAttemptAt: t });
  });
}

/** The user's "retry" on one item (failed or waiting): due now, a fresh attempt count, interaction pending. */
export async function retryItem(db: KindredDB, id: string, now: () => number = Date.now): Promise<boolean> {
  const t = now();
  return db.transaction('rw', db.interactions, db.outbox, db.meta, async () => {
    const item = await db.outbox.get(id);
    if (!item) return false;
    await db.outbox.put({ ...item, attempts: 0, nextAttemptAt: t, lastError: null });
    await db.interactions.update(id, { status: 'pending', lastError: null });
    // The user asked for an attempt now; the queue back-off would silently defer it.
    await db.meta.delete(OUTBOX_BACKOFF_KEY);
    return true;
  });
}

/** "Retry all" on the failed list. Returns how many items were made due. */
export async function retryAllFailed(db: KindredDB, now: () => number = Date.now): Promise<number> {
  const t = now();
  return db.transaction('rw', db.interactions, db.outbox, db.meta, async () => {
    const ids = await db.outbox.where('nextAttemptAt').aboveOrEqual(FAILED_AT).primaryKeys();
    if (ids.length === 0) return 0;
    await db.outbox.where('nextAttemptAt').aboveOrEqual(FAILED_AT).modify({ attempts: 0, nextAttemptAt: t, lastError: null });
    await db.interactions.where('id').anyOf(ids).modify({ status: 'pending', lastError: null });
    await db.meta.delete(OUTBOX_BACKOFF_KEY);
    return ids.length;
  });
}

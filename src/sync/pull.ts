// The sync engine: pulls a connector's changes into the local cache (DESIGN.md "Reliability
// rules": incremental, resumable page by page, under a lock, with progress shown). Each
// `ChangePage` is written with its cursor and the status in ONE transaction, so a sync stopped
// anywhere — an error, a killed worker, a closed browser — resumes from the last page written,
// and a page is never half applied. Writes are bulk per page; a 100,000-contact first sync is a
// few hundred transactions, not 100,000.
import * as z from '../zod';
import { identityKey, type IdentityKey } from '../identity';
import { ConnectorError, type ChangePage, type Connector } from '../crm/types';
import { profileUrl } from '../sites';
import type { KindredDB } from '../store/db';
import { linksOf } from '../store/links';
import type { Constituent, IdentityRecord } from '../store/model';
import { webLock, type LockFn } from './lock';

export const SYNC_LOCK = 'kindred-sync';
const CONNECTOR_ERROR_CODES = ['auth', 'forbidden', 'notFound', 'rateLimited', 'network', 'invalid', 'server'] as const;

export const syncStatusSchema = z.lazy(() =>
  z.object({
    /** Where the next pull starts (the last page written); null before the first page. */
    cursor: z.string().nullable(),
    state: z.enum(['idle', 'running', 'error']),
    /** Progress of the current (or last) run as the connector counts it. */
    done: z.number(),
    total: z.number().nullable(),
    startedAt: z.number().nullable(),
    finishedAt: z.number().nullable(),
    /** The last error in words, for the options page. */
    lastError: z.string().nullable(),
    /** Its `ConnectorError` code (`'auth'`: ask the user to reconnect), or null for other errors. */
    errorCode: z.enum(CONNECTOR_ERROR_CODES).nullable(),
    /** When a run last reached the end of the connector's changes. */
    lastSyncedAt: z.number().nullable(),
    /** The run that owns this record; a run whose record was reset under it stops writing. */
    runId: z.string().nullable(),
  }),
);
export type SyncStatus = z.infer<typeof syncStatusSchema>;

export interface SyncDeps {
  db: KindredDB;
  connector: Connector | (() => Promise<Connector>);
  /** Names the cursor (`sync.<connectorId>` in meta). */
  connectorId: string;
  now?: () => number;
  lock?: LockFn;
  onProgress?: (status: SyncStatus) => void;
  newRunId?: () => string;
}

export interface SyncReport {
  skipped: boolean;
  pages: number;
  /** Constituents written (created or changed) and deleted in this run. */
  constituents: number;
  deleted: number;
  error: { code: string; message: string } | null;
  /** The status as written at the end of the run (null when skipped). */
  status: SyncStatus | null;
}

export const syncMetaKey = (connectorId: string): string => `sync.${connectorId}`;

const IDLE: SyncStatus = {
  cursor: null, state: 'idle', done: 0, total: null, startedAt: null, finishedAt: null,
  lastError: null, errorCode: null, lastSyncedAt: null, runId: null,
};

/** The status for the UI (progress bar, last sync, error). A missing or unreadable record reads as "never synced". */
export async function syncStatus(db: KindredDB, connectorId: string): Promise<SyncStatus> {
  const parsed = syncStatusSchema.safeParse((await db.meta.get(syncMetaKey(connectorId)))?.value);
  return parsed.success ? parsed.data : { ...IDLE };
}

/**
 * Forgets the cursor (the user connected a different CRM, or wants a full re-sync). A run in
 * progress notices at its next page and stops without writing.
 */
export async function resetSync(db: KindredDB, connectorId: string): Promise<void> {
  await db.meta.delete(syncMetaKey(connectorId));
}

class SyncReset extends Error {
  constructor() {
    super('The sync was reset while it ran.');
  }
}

/** Pulls from the stored cursor to the end, one transaction per page, under the lock 'kindred-sync'. */
export async function runSync(deps: SyncDeps): Promise<SyncReport> {
  const lock = deps.lock ?? webLock;
  const result = await lock(SYNC_LOCK, () => syncLocked(deps));
  return result.acquired
    ? result.value
    : { skipped: true, pages: 0, constituents: 0, deleted: 0, error: null, status: null };
}

async function syncLocked(deps: SyncDeps): Promise<SyncReport> {
  const { db, connectorId } = deps;
  const now = deps.now ?? Date.now;
  const key = syncMetaKey(connectorId);
  const runId = (deps.newRunId ?? (() => crypto.randomUUID()))();
  const report: SyncReport = { skipped: false, pages: 0, constituents: 0, deleted: 0, error: null, status: null };

  const previous = await syncStatus(db, connectorId);
  let status: SyncStatus = {
    ...previous,
    state: 'running', done: 0, total: null, startedAt: now(), finishedAt: null,
    lastError: null, errorCode: null, runId,
  };
  await db.meta.put({ key, value: status });
  deps.onProgress?.(status);

  try {
    const connector = typeof deps.connector === 'function' ? await deps.connector() : deps.connector;
    for await (const page of connector.pull(status.cursor)) {
      const next: SyncStatus = { ...status, cursor: page.cursor, done: page.progress.done, total: page.progress.total };
      await writePage(db, key, runId, page, next, new Date(now()).toISOString());
      status = next;
      report.pages++;
      report.constituents += page.constituents.length;
      report.deleted += page.deleted.length;
      deps.onProgress?.(status);
    }
    const t = now();
    status = { ...status, state: 'idle', finishedAt: t, lastSyncedAt: t };
  } catch (error) {
    if (error instanceof SyncReset) {
      report.error = { code: 'reset', message: error.message };
      return report;
    }
    const code = error instanceof ConnectorError ? error.code : null;
    const message = describeError(error);
    report.error = { code: code ?? 'unknown', message };
    // `status.cursor` is the last page that committed; a page whose write failed is pulled again.
    status = { ...status, state: 'error', finishedAt: now(), lastError: message, errorCode: code };
  }
  const written = await writeStatusIfOwner(db, key, runId, status);
  if (written) {
    report.status = status;
    deps.onProgress?.(status);
  } else if (!report.error) {
    report.error = { code: 'reset', message: new SyncReset().message };
  }
  return report;
}

function describeError(error: unknown): string {
  if (error instanceof ConnectorError) return error.message.trim() || `The CRM sync failed (${error.code}).`;
  if (error instanceof Error && error.message.trim()) return `The sync stopped on an unexpected error: ${error.message.trim()}`;
  return 'The sync stopped on an unexpected error.';
}

async function writeStatusIfOwner(db: KindredDB, key: string, runId: string, status: SyncStatus): Promise<boolean> {
  return db.transaction('rw', db.meta, async () => {
    const current = syncStatusSchema.safeParse((await db.meta.get(key))?.value);
    if (!current.success || current.data.runId !== runId) return false;
    await db.meta.put({ key, value: status });
    return true;
  });
}

function sourceUrlOf(record: { platform: IdentityRecord['platform']; handle: string }): string | null {
  try {
    return profileUrl(record);
  } catch {
    return null;
  }
}

/**
 * One page, one transaction: deletes, upserts, the page's constituents' CRM identities replaced,
 * and the status with the page's cursor. Links the user made in Kindred ('user-linked') and
 * imported ones are kept, except that a key the CRM now gives to another constituent moves to it
 * (a key is one row; the CRM is the system of record).
 */
async function writePage(db: KindredDB, key: string, runId: string, page: ChangePage, status: SyncStatus, nowIso: string): Promise<void> {
  const pageIds = [...new Set(page.constituents.map((c) => c.id))];
  // The CRM's profiles per key for this page (last one wins if the CRM repeats a key).
  const asserted = new Map<IdentityKey, { constituentId: string; platform: IdentityRecord['platform']; handle: string }>();
  for (const { constituentId, identity } of page.identities) {
    asserted.set(identityKey(identity), { constituentId, platform: identity.platform, handle: identity.handle });
  }
  const assertedKeys = [...asserted.keys()];
  const deleted = [...new Set(page.deleted)];

  await db.transaction('rw', [db.constituents, db.identities, db.gifts, db.meta], async () => {
    const current = syncStatusSchema.safeParse((await db.meta.get(key))?.value);
    if (!current.success || current.data.runId !== runId) throw new SyncReset();

    if (deleted.length > 0) {
      // Interactions are kept: they are what the user logged. Links are found before their
      // constituents go (imported ones are listed on them).
      const links = (await linksOf(db, deleted)).flat();
      await db.constituents.bulkDelete(deleted);
      if (links.length > 0) await db.identities.bulkDelete(links.map((r) => r.key));
      for (const ref of deleted) {
        await db.gifts.where('[constituentId+date]').between([ref, ''], [ref, '\uffff'], true, true).delete();
      }
    }

    if (page.constituents.length > 0) {
      let rows = page.constituents;
      if (page.keep?.length) {
        const cached = await db.constituents.bulkGet(rows.map((c) => c.id));
        rows = rows.map((c, i) => {
          const before = cached[i];
          if (!before) return c;
          const merged: Constituent = { ...c };
          for (const field of page.keep!) if (before[field] !== undefined) Object.assign(merged, { [field]: before[field] });
          return merged;
        });
      }
      await db.constituents.bulkPut(rows);
    }

    // Identities the page gives to constituents outside it are written, but replace nothing there.
    // Only CRM links can go stale here, and those all carry `heldBy`.
    const [before, atKeys] = await Promise.all([
      db.identities.where('heldBy').anyOf(pageIds).toArray(),
      db.identities.bulkGet(assertedKeys),
    ]);
    // CRM-provenance rows of this page's constituents that the CRM no longer lists for them.
    const stale = before
      .filter((r) => r.provenance === 'crm' && asserted.get(r.key)?.constituentId !== r.constituentId)
      .map((r) => r.key);
    const puts: IdentityRecord[] = [];
    assertedKeys.forEach((k, i) => {
      const claim = asserted.get(k)!;
      const existing = atKeys[i];
      // Same link already stored: a user's or an import's record keeps its provenance and
      // evidence, a CRM record its date (no churn on every sync).
      if (existing && existing.constituentId === claim.constituentId) return;
      puts.push({
        key: k,
        platform: claim.platform,
        handle: claim.handle,
        constituentId: claim.constituentId,
        provenance: 'crm',
        linkedBy: null,
        linkedAt: nowIso,
        confirmed: true,
        sourceUrl: sourceUrlOf(claim),
      });
    });
    // Delete before put: a key moving between two constituents of this page is in both lists.
    if (stale.length > 0) await db.identities.bulkDelete(stale);
    if (puts.length > 0) await db.identities.bulkPut(puts);

    await db.meta.put({ key, value: status });
  });
}

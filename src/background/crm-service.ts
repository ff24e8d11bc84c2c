// The background's side of the CRM: which connector answers, the outbox flush and the sync, when
// they run (on change, on alarms, at start-up), and the live lookup behind the local cache.
// Pure of the platform: alarms, fetch and tab notifications come in deps, so it is unit-tested.
import { createConnector } from '../crm';
import { clearConnection, CRM_LABELS, loadConnection, saveConnection, storedTokens, type Connection } from '../crm/connection';
import { memoryTokenStore, type WebAuthFlow } from '../crm/oauth';
import type { RaisersEdgeConnector } from '../crm/raisers-edge';
import type { SalesforceConnector } from '../crm/salesforce';
import { LOCAL_SOURCE } from '../crm/local';
import { ConnectorError, type Connector, type ConstituentRef } from '../crm/types';
import { identityKey, parseIdentityKey, type Identity, type IdentityKey } from '../identity';
import type { ConstituentDraft, InteractionDraft } from '../messages';
import { profileUrl } from '../sites';
import type { KindredDB } from '../store/db';
import { MISS_PREFIX } from '../store/maintenance';
import type { Interaction } from '../store/model';
import type { LockFn } from '../sync/lock';
import { flushOutbox, queueInteraction, resumeOutbox, retryAllFailed, retryItem, SEND_LEASE_MS, type FlushReport } from '../sync/outbox';
import { resetSync, runSync, syncStatus, type SyncReport } from '../sync/pull';

export const OUTBOX_ALARM = 'kindred-outbox';
export const SYNC_ALARM = 'kindred-sync';
/** Incremental sync period while connected. */
export const SYNC_EVERY_MIN = 15;
/** How long "not in the CRM" is believed before a live lookup asks again. */
export const MISS_TTL_MS = 6 * 60 * 60_000;

export interface CrmServiceDeps {
  db: KindredDB;
  fetch?: typeof fetch;
  /** Who logs here when no CRM names them (local store). */
  userName: () => Promise<string>;
  /** Whether live lookups may ask the CRM about people not in the cache (settings). */
  liveLookup?: () => Promise<boolean>;
  alarms: {
    /** One-shot alarm at `when` (ms since epoch), replacing one of the same name. */
    at(name: string, when: number): void;
    every(name: string, minutes: number): void;
    clear(name: string): void;
  };
  /** The store changed in a way open pages should see (badges re-check). */
  storeChanged: () => void;
  /** Called now and then during a long sync: keeps an MV3 worker from being stopped as idle. */
  keepAlive?: () => void;
  /** Holds back rebuilding the known-identity index while a sync writes (pages can be seconds apart); returns the release. */
  holdKnownIndex?: () => () => void;
  lock?: LockFn;
  now?: () => number;
  newId?: () => string;
  random?: () => number;
  log?: (message: string, detail?: unknown) => void;
  /** `identity.launchWebAuthFlow` for the OAuth CRMs (Salesforce, Raiser's Edge NXT). */
  webAuthFlow?: WebAuthFlow;
  /** `identity.getRedirectURL(path)`. */
  redirectUri?: (path: string) => string;
}

export type ConnectRequest =
  | { crm: 'civicrm'; baseUrl: string; apiKey: string; siteKey?: string | undefined }
  | { crm: 'salesforce'; loginUrl: string; clientId: string }
  | {
      crm: 'raisers-edge';
      applicationId: string;
      subscriptionKey: string;
      endpoints?: { apiBase: string; authorizeUrl: string; tokenUrl: string } | undefined;
    };

/** A Contact field that can hold a profile handle or URL (the Salesforce field-mapping screen). */
export interface CrmField {
  name: string;
  label: string;
  type: string;
  custom: boolean;
}

export type CrmService = ReturnType<typeof createCrmService>;

export function createCrmService(deps: CrmServiceDeps) {
  const { db } = deps;
  const now = deps.now ?? Date.now;
  const newId = deps.newId ?? (() => crypto.randomUUID());
  const log = deps.log ?? ((message: string, detail?: unknown) => console.warn(`[kindred] ${message}`, detail ?? ''));
  const connectorDeps = {
    fetch: deps.fetch, now: () => new Date(now()), newId, userName: deps.userName,
    webAuthFlow: deps.webAuthFlow, redirectUri: deps.redirectUri, lock: deps.lock,
  };

  const local = createConnector('local', {}, { ...connectorDeps, db });
  const remote = (connection: Connection, tokens = storedTokens(db)): Connector =>
    createConnector(connection.crm, connection.config, { ...connectorDeps, tokens });

  /** The connected CRM, or null. Built per use: the worker may have restarted since. */
  async function crm(): Promise<{ connection: Connection; connector: Connector } | null> {
    const connection = await loadConnection(db);
    return connection ? { connection, connector: remote(connection) } : null;
  }

  /** Writes go where the constituent lives: `civicrm:42` to CiviCRM, `local:…` to this browser. */
  async function connectorFor(ref: ConstituentRef): Promise<Connector> {
    const source = ref.slice(0, ref.indexOf(':'));
    if (source === LOCAL_SOURCE) return local;
    const connected = await crm();
    if (connected && connected.connection.crm === source) return connected.connector;
    throw new ConnectorError('auth', `Connect ${CRM_LABELS[source as keyof typeof CRM_LABELS] ?? source} again to send this.`);
  }

  /** Outbox items name their constituent, so one "connector" routes each write by its ref. */
  const routing: Connector = {
    ...local,
    id: 'routing',
    logInteraction: async (ref, draft, key) => (await connectorFor(ref)).logInteraction(ref, draft, key),
  };

  let flushing: Promise<FlushReport> | null = null;
  let again = false;

  /** Sends what is due. Coalesces: a call during a flush runs one more pass after it. */
  function flush(): Promise<FlushReport> {
    if (flushing) {
      again = true;
      return flushing;
    }
    flushing = (async () => {
      let report: FlushReport;
      do {
        again = false;
        report = await flushOutbox({ db, connector: routing, now, random: deps.random, lock: deps.lock });
      } while (again && !report.skipped);
      // A skipped flush (another holds the lock) knows nothing of the queue: leave the alarm be.
      if (report.skipped) return report;
      if (report.nextAttemptAt !== null) deps.alarms.at(OUTBOX_ALARM, Math.max(report.nextAttemptAt, now() + 1_000));
      else deps.alarms.clear(OUTBOX_ALARM);
      return report;
    })().finally(() => {
      flushing = null;
    });
    return flushing;
  }

  let syncing: Promise<SyncReport | null> | null = null;

  /** Pulls the CRM's changes into the cache (first sync or incremental), resumable page by page. */
  function sync(): Promise<SyncReport | null> {
    syncing ??= (async () => {
      const release = deps.holdKnownIndex?.();
      try {
        return await pullAll();
      } finally {
        release?.();
      }
    })().finally(() => {
      syncing = null;
    });
    return syncing;
  }

  async function pullAll(): Promise<SyncReport | null> {
    let report: SyncReport;
    // A reset while this ran (a new field mapping, a reconnect) stops it: start over with the new settings.
    for (let attempt = 0; ; attempt++) {
      const connected = await crm();
      if (!connected) return null;
      report = await runSync({
        db,
        connector: connected.connector,
        connectorId: connected.connection.crm,
        now,
        lock: deps.lock,
        onProgress: () => deps.keepAlive?.(),
      });
      if (report.error?.code !== 'reset' || attempt >= 2) break;
    }
    if (report.constituents > 0 || report.deleted > 0) deps.storeChanged();
    if (report.error) log(`sync stopped: ${report.error.message}`);
    return report;
  }

  return {
    flush,
    sync,

    /** Where searches go: the local cache, which a sync fills with the CRM's constituents. */
    search: (text: string, limit?: number) => local.search(text, limit),

    /**
     * Links a profile to a constituent: in the CRM that holds them (a CiviCRM Website row), then in
     * the cache with the user as its source, so the badge turns on at once.
     */
    async link(ref: ConstituentRef, identity: Identity): Promise<void> {
      const connector = await connectorFor(ref);
      if (connector === local) return local.linkIdentity(ref, identity);
      await connector.linkIdentity(ref, identity);
      const key = identityKey(identity);
      const existing = await db.identities.get(key);
      if (existing && existing.constituentId !== ref && existing.provenance !== 'crm') {
        throw new ConnectorError('invalid', `${profileUrl(identity)} is already linked to another constituent.`);
      }
      await db.identities.put({
        key, platform: identity.platform, handle: identity.handle, constituentId: ref, provenance: 'user-linked',
        linkedBy: await deps.userName(), linkedAt: new Date(now()).toISOString(), confirmed: true, sourceUrl: profileUrl(identity),
      });
      await db.meta.delete(MISS_PREFIX + key);
    },

    /** Creates a constituent where the user's constituents live: the connected CRM, else here. */
    async create(draft: ConstituentDraft, identity: Identity | null): Promise<ConstituentRef> {
      const connected = await crm();
      const connector = connected?.connector ?? local;
      const ref = await connector.createConstituent(draft);
      if (connected) {
        const constituent = await connector.get(ref);
        if (constituent) await db.constituents.put(constituent);
      }
      if (identity) await this.link(ref, identity);
      return ref;
    },

    /**
     * Checks the keys (or, for an OAuth CRM, opens its consent window), stores the connection, and
     * starts the first sync (not awaited). A failed attempt leaves the current connection as it was.
     */
    async connect(request: ConnectRequest): Promise<{ user: string; canReadGifts: boolean }> {
      const previous = await loadConnection(db);
      const connection: Connection = {
        crm: request.crm,
        config: configOf(request, previous),
        user: '',
        canReadGifts: false,
        connectedAt: new Date(now()).toISOString(),
      };
      // Tokens of this attempt stay apart until it succeeds: the working connection keeps its own.
      const attempt = memoryTokenStore();
      const connector = remote(connection, attempt);
      if (connector.signIn) await connector.signIn();
      const { user, canReadGifts } = await connector.testConnection();
      const where = await siteOf(connection, connector, attempt);
      Object.assign(connection, { user, canReadGifts, ...where });
      if (request.crm === 'raisers-edge' && where.tenant) connection.config = { ...connection.config, environmentId: where.tenant };
      // Another site, org or environment: its ids and sync cursor mean nothing here.
      const sameTenant = previous?.crm === request.crm && previous.tenant !== undefined && previous.tenant === connection.tenant;
      if (attempt.value) await storedTokens(db).save(attempt.value);
      else await storedTokens(db).clear();
      await saveConnection(db, connection);
      if (!sameTenant) await resetSync(db, request.crm);
      await resumeOutbox(db, now);
      deps.alarms.every(SYNC_ALARM, SYNC_EVERY_MIN);
      void sync().catch((error) => log('sync failed', error));
      void flush().catch((error) => log('flush failed', error));
      return { user, canReadGifts };
    },

    async disconnect(): Promise<void> {
      const connected = await crm();
      // Revoke where the CRM can (Salesforce); a CRM that cannot be reached must not keep the user connected.
      if (connected?.connector.signOut) await connected.connector.signOut().catch((error) => log('sign-out failed', error));
      await clearConnection(db);
      deps.alarms.clear(SYNC_ALARM);
    },

    /** Salesforce: the Contact fields that can hold a handle or URL, and the current mapping. */
    async crmFields(): Promise<{ fields: CrmField[]; fieldMap: Record<string, string> }> {
      const connected = await crm();
      if (!connected || connected.connection.crm !== 'salesforce') throw new ConnectorError('invalid', 'Field mapping is for Salesforce connections.');
      const fields = await (connected.connector as SalesforceConnector).describeContactFields();
      const fieldMap = (connected.connection.config.fieldMap ?? {}) as Record<string, string>;
      return { fields, fieldMap };
    },

    /** Salesforce: which Contact field holds which platform. Lookups and the next sync use it (a full one). */
    async setFieldMap(fieldMap: Record<string, string>): Promise<void> {
      const connection = await loadConnection(db);
      if (!connection || connection.crm !== 'salesforce') throw new ConnectorError('invalid', 'Field mapping is for Salesforce connections.');
      const cleaned = Object.fromEntries(Object.entries(fieldMap).filter(([, field]) => field));
      // Validated as the connector will read it: a bad field name fails here, not in a later sync.
      remote({ ...connection, config: { ...connection.config, fieldMap: cleaned } });
      await saveConnection(db, { ...connection, config: { ...connection.config, fieldMap: cleaned } });
      // Profiles come from other fields now: read every contact again.
      await resetSync(db, connection.crm);
      await db.meta.where('key').startsWith(MISS_PREFIX).delete();
      void sync().catch((error) => log('sync failed', error));
    },

    /** Saves the interaction as pending and queues it, then tries to send it at once. */
    async logInteraction(ref: ConstituentRef, draft: InteractionDraft): Promise<Interaction> {
      const source = ref.slice(0, ref.indexOf(':'));
      const connection = source === LOCAL_SOURCE ? null : await loadConnection(db);
      const interaction: Interaction = {
        id: newId(),
        constituentId: ref,
        kind: draft.kind,
        channel: draft.channel ?? null,
        at: new Date(draft.at).toISOString(),
        summary: draft.summary ?? null,
        notes: draft.notes,
        profileUrl: draft.profileUrl ?? null,
        author: connection?.user || (await deps.userName()),
        source,
        externalId: null,
        status: 'pending',
        lastError: null,
        createdAt: new Date(now()).toISOString(),
      };
      await queueInteraction(db, interaction, { ref, draft }, now);
      // It is safe in the outbox now: the form is answered at once and the card shows it as
      // waiting until the CRM has it. Should this worker stop mid-send, the alarm (set before the
      // send, past the send lease) wakes the next one to finish.
      deps.alarms.at(OUTBOX_ALARM, now() + SEND_LEASE_MS + 1_000);
      void flush().catch((error) => log('flush failed', error));
      return interaction;
    },

    async retry(id: string | null): Promise<number> {
      const count = id ? Number(await retryItem(db, id, now)) : await retryAllFailed(db, now);
      if (count > 0) void flush().catch((error) => log('flush failed', error));
      return count;
    },

    /**
     * For identities the cache does not know: ask the CRM (when connected and allowed), cache what
     * it finds and remember misses for a while. Resolves with the keys that became known.
     */
    async liveLookup(keys: readonly IdentityKey[]): Promise<IdentityKey[]> {
      if (keys.length === 0 || (deps.liveLookup && !(await deps.liveLookup()))) return [];
      const connected = await crm();
      if (!connected) return [];
      const t = now();
      const misses = await db.meta.bulkGet(keys.map((key) => MISS_PREFIX + key));
      const ask = keys.filter((_, i) => !(typeof misses[i]?.value === 'number' && (misses[i]!.value as number) > t));
      const identities = ask.map(parseIdentityKey).filter((id): id is Identity => id !== null);
      if (identities.length === 0) return [];
      const found = await connected.connector.findByIdentities(identities);
      const known: IdentityKey[] = [];
      for (const identity of identities) {
        const key = identityKey(identity);
        const ref = found[key]?.[0];
        if (!ref) continue;
        const constituent = (await db.constituents.get(ref)) ?? (await connected.connector.get(ref));
        if (!constituent) continue;
        await db.transaction('rw', db.constituents, db.identities, async () => {
          await db.constituents.put(constituent);
          await db.identities.put({
            key, platform: identity.platform, handle: identity.handle, constituentId: ref, provenance: 'crm',
            linkedBy: null, linkedAt: new Date(t).toISOString(), confirmed: true, sourceUrl: profileUrl(identity),
          });
        });
        known.push(key);
      }
      const unknown = ask.filter((key) => !known.includes(key));
      await db.meta.bulkPut(unknown.map((key) => ({ key: MISS_PREFIX + key, value: t + MISS_TTL_MS })));
      if (known.length > 0) deps.storeChanged();
      return known;
    },

    /** Brings one constituent's card and history up to date from the CRM (on opening the card). */
    async refresh(ref: ConstituentRef): Promise<boolean> {
      const connected = await crm();
      if (!connected || !ref.startsWith(`${connected.connection.crm}:`)) return false;
      const { connector } = connected;
      const [constituent, history] = await Promise.all([connector.get(ref), connector.history(ref)]);
      await db.transaction('rw', db.constituents, db.interactions, db.gifts, async () => {
        if (!constituent) {
          await db.constituents.delete(ref);
          return;
        }
        await db.constituents.put(constituent);
        // The CRM's copy of something logged here carries the same id (the connector reads it
        // from the activity): while ours still waits in the outbox, ours is what the user sees.
        const cached = await db.interactions.bulkGet(history.interactions.map((i) => i.id));
        await db.interactions.bulkPut(history.interactions.filter((_, n) => !cached[n] || cached[n]!.status === 'synced'));
        const stale = await db.gifts.where('[constituentId+date]').between([ref, ''], [ref, '\uffff']).primaryKeys();
        await db.gifts.bulkDelete(stale);
        await db.gifts.bulkPut(history.gifts);
      });
      return true;
    },

    /** Start-up and alarms: send what waits; resume or run a sync that is due. */
    async wake(reason: string): Promise<void> {
      if (reason === SYNC_ALARM) {
        await sync();
        return;
      }
      await flush();
      if (reason === 'startup') {
        const connected = await loadConnection(db);
        if (!connected) return;
        deps.alarms.every(SYNC_ALARM, SYNC_EVERY_MIN);
        const status = await syncStatus(db, connected.crm);
        // Stopped mid-way (worker or browser closed), or never finished: carry on.
        if (status.state !== 'idle' || status.lastSyncedAt === null) await sync();
      }
    },
  };
}

/** The connector settings of a connect request (a Salesforce field map survives reconnecting the same org). */
function configOf(request: ConnectRequest, previous: Connection | null): Record<string, unknown> {
  switch (request.crm) {
    case 'civicrm':
      return { baseUrl: request.baseUrl, apiKey: request.apiKey, ...(request.siteKey ? { siteKey: request.siteKey } : {}) };
    case 'salesforce': {
      const same = previous?.crm === 'salesforce' && previous.config.loginUrl === request.loginUrl && previous.config.clientId === request.clientId;
      return { loginUrl: request.loginUrl, clientId: request.clientId, ...(same && previous.config.fieldMap ? { fieldMap: previous.config.fieldMap } : {}) };
    }
    case 'raisers-edge': {
      // Re-consent names the environment already connected, so the user cannot switch it unawares.
      const environmentId = previous?.crm === 'raisers-edge' && previous.config.applicationId === request.applicationId ? previous.config.environmentId : undefined;
      return {
        applicationId: request.applicationId,
        subscriptionKey: request.subscriptionKey,
        ...(typeof environmentId === 'string' ? { environmentId } : {}),
        ...request.endpoints,
      };
    }
  }
}

/** Where the connection's data lives (shown) and what identifies that data set (its ids' namespace). */
async function siteOf(connection: Connection, connector: Connector, tokens: ReturnType<typeof memoryTokenStore>): Promise<{ site?: string; tenant?: string }> {
  switch (connection.crm) {
    case 'civicrm': {
      const baseUrl = String(connection.config.baseUrl);
      return { site: baseUrl, tenant: baseUrl };
    }
    case 'salesforce': {
      const extra = tokens.value?.extra ?? {};
      // The identity URL is https://login.salesforce.com/id/<org id>/<user id>.
      const org = /\/id\/([^/]+)\//.exec(extra.id ?? '')?.[1];
      const site = extra.instance_url ?? String(connection.config.loginUrl);
      return { site, tenant: org ?? site };
    }
    case 'raisers-edge': {
      const info = await (connector as RaisersEdgeConnector).connection();
      return {
        ...(info?.environmentName ?? info?.environmentId ? { site: (info?.environmentName ?? info?.environmentId)! } : {}),
        ...(info?.environmentId ? { tenant: info.environmentId } : {}),
      };
    }
  }
}

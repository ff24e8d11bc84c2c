// The embedded default CRM: IndexedDB is the system of record. CSV import/export lives in
// src/import/; this file is the Connector face of the same store.
import * as z from '../zod';
import { identityKey, type Identity } from '../identity';
import { profileUrl } from '../sites';
import type { KindredDB } from '../store/db';
import { buildConstituent, knownIdentities, searchByName, timeline } from '../store/queries';
import type { ChangePage, Connector, ConnectorDeps, ConstituentDraft, InteractionDraft } from './types';
import { ConnectorError } from './types';

export const localConfigSchema = z.lazy(() => z.object({}).strict());

export interface LocalDeps extends ConnectorDeps {
  db: KindredDB;
}

export const LOCAL_SOURCE = 'local';

export function createLocalConnector(_config: z.infer<typeof localConfigSchema>, deps: LocalDeps): Connector {
  const { db } = deps;
  const newId = deps.newId ?? (() => crypto.randomUUID());
  const now = deps.now ?? (() => new Date());
  const userName = deps.userName ?? (async () => 'me');

  async function requireConstituent(ref: string) {
    const constituent = await db.constituents.get(ref);
    if (!constituent) throw new ConnectorError('notFound', 'That constituent no longer exists in this browser.');
    return constituent;
  }

  return {
    id: 'local',

    async testConnection() {
      return { user: await userName(), canReadGifts: true };
    },

    async findByIdentities(identities: Identity[]) {
      const keys = identities.map(identityKey);
      const known = await knownIdentities(db, keys);
      const result: Record<string, string[]> = {};
      for (const key of keys) {
        const id = known.get(key);
        if (id) result[key] = [id];
      }
      return result;
    },

    async search(text: string, limit = 20) {
      const rows = await searchByName(db, text, limit);
      return rows.map(({ id, displayName, tags, emails }) => ({ id, displayName, tags, emails }));
    },

    get: (ref) => db.constituents.get(ref).then((c) => c ?? null),

    async history(ref) {
      const [interactions, gifts] = await Promise.all([
        timeline(db, ref),
        db.gifts.where('[constituentId+date]').between([ref, ''], [ref, '\uffff']).reverse().toArray(),
      ]);
      return { interactions, gifts };
    },

    async logInteraction(ref: string, draft: InteractionDraft, idempotencyKey: string) {
      await requireConstituent(ref);
      const author = await userName();
      // Keyed by the idempotency key, so a retry finds the first write instead of adding a second.
      await db.transaction('rw', db.interactions, async () => {
        if (await db.interactions.get(idempotencyKey)) return;
        await db.interactions.add({
          id: idempotencyKey,
          constituentId: ref,
          kind: draft.kind,
          channel: draft.channel ?? null,
          at: new Date(draft.at).toISOString(),
          summary: draft.summary ?? null,
          notes: draft.notes,
          profileUrl: draft.profileUrl ?? null,
          author,
          source: LOCAL_SOURCE,
          externalId: idempotencyKey,
          status: 'synced',
          lastError: null,
          createdAt: now().toISOString(),
        });
      });
      return { externalId: idempotencyKey };
    },

    async createConstituent(draft: ConstituentDraft) {
      const constituent = buildConstituent(LOCAL_SOURCE, newId(), {
        displayName: draft.displayName.trim(),
        firstName: draft.firstName ?? null,
        lastName: draft.lastName ?? null,
        emails: draft.emails ?? [],
        tags: draft.tags ?? [],
      }, now().toISOString());
      await db.constituents.add(constituent);
      return constituent.id;
    },

    async linkIdentity(ref: string, identity: Identity) {
      await requireConstituent(ref);
      const key = identityKey(identity);
      const existing = await db.identities.get(key);
      if (existing && existing.constituentId !== ref) {
        throw new ConnectorError('invalid', `${profileUrl(identity)} is already linked to another constituent.`);
      }
      if (existing) return;
      await db.identities.put({
        key,
        platform: identity.platform,
        handle: identity.handle,
        constituentId: ref,
        provenance: 'user-linked',
        linkedBy: await userName(),
        linkedAt: now().toISOString(),
        confirmed: true,
        sourceUrl: profileUrl(identity),
      });
    },

    async *pull(): AsyncIterable<ChangePage> {
      // Nothing to pull: the local store is the system of record.
    },
  };
}


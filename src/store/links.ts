// A person's links (identity records) without an index entry for every link.
//
// Most links come from CSV imports, and an index on identities.constituentId was one more LevelDB
// write for each of them: at a million constituents, 2.5 million, and the largest index cost left
// in an import (issue 5: import ≥ 80% of a raw unindexed put). So a person's links are found two ways:
// - links the CRM or a user made carry `heldBy` (their constituentId), which is indexed. The sync
//   and the link flow write these, a few at a time or alongside reads of their own;
// - imported links are listed on their constituent (`importedKeys`), a record the import writes
//   anyway, in the same transaction.
// The store keeps both true for every writer (`linkBookkeeping`): each identity write gets `heldBy`
// by its provenance, and a constituent put that does not say its imported keys keeps the stored ones
// (a sync page or a CRM refresh replaces the card, not the import's links). A list may name a key
// that has since moved to someone else, so readers check each link's owner and provenance.
import type { DBCore, DBCoreMutateRequest, DBCoreTable, Middleware, Transaction } from 'dexie';
import type { KindredDB } from './db';
import type { Constituent, IdentityRecord } from './model';

/** `record` with `heldBy` as its provenance wants it; the same object when it already is. */
export function withHeldBy(record: IdentityRecord): IdentityRecord {
  const want = record.provenance === 'imported' ? undefined : record.constituentId;
  if (record.heldBy === want) return record;
  const { heldBy: _, ...rest } = record;
  return want === undefined ? rest : { ...rest, heldBy: want };
}

function identitiesTable(table: DBCoreTable): DBCoreTable {
  return {
    ...table,
    mutate(request: DBCoreMutateRequest) {
      if (request.type !== 'add' && request.type !== 'put') return table.mutate(request);
      const values = request.values as readonly IdentityRecord[];
      const fixed = values.map(withHeldBy);
      return table.mutate(fixed.some((v, i) => v !== values[i]) ? { ...request, values: fixed } : request);
    },
  };
}

function constituentsTable(table: DBCoreTable): DBCoreTable {
  return {
    ...table,
    async mutate(request: DBCoreMutateRequest) {
      if (request.type !== 'put') return table.mutate(request);
      const values = request.values as readonly Constituent[];
      const unsaid = values.flatMap((v, i) => (v.importedKeys === undefined ? [i] : []));
      if (unsaid.length === 0) return table.mutate(request);
      const stored = (await table.getMany({ trans: request.trans, keys: unsaid.map((i) => values[i]!.id) })) as (Constituent | undefined)[];
      const kept = [...values];
      unsaid.forEach((i, n) => {
        const keys = stored[n]?.importedKeys;
        if (keys?.length) kept[i] = { ...values[i]!, importedKeys: keys };
      });
      return table.mutate({ ...request, values: kept });
    },
  };
}

/** Keeps `heldBy` and `importedKeys` true for every write through this database (see above). */
export function linkBookkeeping(): Middleware<DBCore> {
  return {
    stack: 'dbcore',
    name: 'link-bookkeeping',
    create(down: DBCore): DBCore {
      return {
        ...down,
        table(name) {
          const table = down.table(name);
          if (name === 'identities') return identitiesTable(table);
          if (name === 'constituents') return constituentsTable(table);
          return table;
        },
      };
    },
  };
}

const byKey = (a: IdentityRecord, b: IdentityRecord) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/**
 * Every link of each of `ids`, sorted by key, in the caller's transaction or in one of its own.
 * An id with no cached constituent still gets the links the CRM or a user made to it. `cached`:
 * the constituents of `ids` as the caller just read them, in the same order, to save reading them.
 */
export async function linksOf(db: KindredDB, ids: readonly string[], cached?: readonly (Constituent | undefined)[]): Promise<IdentityRecord[][]> {
  if (ids.length === 0) return [];
  return db.transaction('r', db.constituents, db.identities, async () => {
    // One indexed read per id, all issued at once (`anyOf` walks one cursor, a round trip per id).
    const [held, owners] = await Promise.all([
      Promise.all(ids.map((id) => db.identities.where('heldBy').equals(id).toArray())),
      cached ?? db.constituents.bulkGet([...ids]),
    ]);
    const imported = await importedLinksOf(db, ids, owners);
    return ids.map((_, i) => [...held[i]!, ...imported[i]!].sort(byKey));
  });
}

/**
 * The imported links of each of `ids`, from the lists on their records (`owners`, in the same
 * order; none for an id without one): one read for all, each link checked to be still theirs and
 * still imported. In the caller's transaction.
 */
export async function importedLinksOf(db: KindredDB, ids: readonly string[], owners: readonly (Constituent | undefined)[]): Promise<IdentityRecord[][]> {
  const listed = owners.map((c) => [...new Set(c?.importedKeys ?? [])]);
  const keys = listed.flat();
  const found = keys.length ? await db.identities.bulkGet(keys) : [];
  let at = 0;
  return ids.map((id, i) =>
    found
      .slice(at, (at += listed[i]!.length))
      .filter((r): r is IdentityRecord => r !== undefined && r.provenance === 'imported' && r.constituentId === id),
  );
}

/** Identity records read per transaction by the upgrade: bounded memory at any store size. */
const UPGRADE_CHUNK = 5_000;

/**
 * Schema version 4's data upgrade, in its versionchange transaction: `heldBy` on every CRM or user
 * link, and each imported link's key on its constituent's `importedKeys`. Reads the identities in
 * key order, a chunk at a time. An imported link whose constituent is gone stays as it was.
 */
export async function upgradeToLinkLists(tx: Transaction): Promise<void> {
  const identities = tx.table<IdentityRecord, string>('identities');
  const constituents = tx.table<Constituent, string>('constituents');
  let after: string | null = null;
  for (;;) {
    const chunk: IdentityRecord[] = await (after === null ? identities.orderBy(':id') : identities.where(':id').above(after)).limit(UPGRADE_CHUNK).toArray();
    if (chunk.length === 0) return;
    after = chunk[chunk.length - 1]!.key;
    const held = chunk.filter((r) => r.provenance !== 'imported').map(withHeldBy);
    if (held.length) await identities.bulkPut(held);
    const importedBy = new Map<string, string[]>();
    for (const r of chunk) {
      if (r.provenance !== 'imported') continue;
      const keys = importedBy.get(r.constituentId);
      if (keys) keys.push(r.key);
      else importedBy.set(r.constituentId, [r.key]);
    }
    const ids = [...importedBy.keys()];
    const owners = await constituents.bulkGet(ids);
    const puts = owners.flatMap((c, i) => (c ? [{ ...c, importedKeys: [...new Set([...(c.importedKeys ?? []), ...importedBy.get(ids[i]!)!])] }] : []));
    if (puts.length) await constituents.bulkPut(puts);
  }
}

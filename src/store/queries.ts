// Reads and writes on the local store, shared by the local connector, the background and the UI.
import type { Identity, IdentityKey } from '../identity';
import { identityKey } from '../identity';
import type { KindredDB } from './db';
import { fuzzyNameSearch } from './fuzzy';
import { linksOf } from './links';
import { foldName, nameKeys, type Constituent, type IdentityRecord, type Interaction } from './model';

/** Which of `keys` belong to a constituent: one batched primary-key read. */
export async function knownIdentities(db: KindredDB, keys: readonly IdentityKey[]): Promise<Map<IdentityKey, string>> {
  const rows = await db.identities.bulkGet([...keys]);
  const found = new Map<IdentityKey, string>();
  rows.forEach((row, i) => {
    if (row) found.set(keys[i]!, row.constituentId);
  });
  return found;
}

/** The id of the constituent behind the first of `identities` that is known, or null. */
export async function constituentIdForIdentities(db: KindredDB, identities: readonly Identity[]): Promise<string | null> {
  const known = await knownIdentities(db, identities.map(identityKey));
  for (const identity of identities) {
    const id = known.get(identityKey(identity));
    if (id) return id;
  }
  return null;
}

/** The constituent behind the first identity that is known, or null. Two primary-key gets. */
export async function constituentForIdentities(db: KindredDB, identities: readonly Identity[]): Promise<Constituent | null> {
  const id = await constituentIdForIdentities(db, identities);
  return id ? ((await db.constituents.get(id)) ?? null) : null;
}

/**
 * Name search, first `limit` distinct constituents: names starting with the folded text ("ada",
 * "lovelace a"), by name; when there are none, names one or two typos away ("lovleace"), fewest
 * typos first (see fuzzy.ts).
 */
export async function searchByName(db: KindredDB, text: string, limit = 20): Promise<Constituent[]> {
  const prefix = foldName(text);
  if (!prefix) return [];
  const ids = new Set<string>();
  // The multi-entry index yields one entry per matching key; stop as soon as we have enough.
  await db.constituents
    .where('nameKey')
    .startsWith(prefix)
    .until(() => ids.size >= limit)
    .eachPrimaryKey((id) => {
      ids.add(id);
    });
  const exact = [...ids].slice(0, limit);
  // Only when nothing starts with the text: a name typed right is never crowded by near misses,
  // and the prefix search stays one index range.
  const near = exact.length === 0 ? await fuzzyNameSearch(db, prefix, limit, ids) : [];
  const rows = await db.constituents.bulkGet([...exact, ...near.map((n) => n.id)]);
  const byName = (a: Constituent, b: Constituent) => a.displayName.localeCompare(b.displayName);
  const found = (from: number, to: number) => rows.slice(from, to).filter((c): c is Constituent => !!c);
  const typos = new Map(near.map((n) => [n.id, n.typos]));
  // Typo matches come after the exact ones, fewest typos first.
  const nearRows = found(exact.length, rows.length).sort((a, b) => typos.get(a.id)! - typos.get(b.id)! || byName(a, b));
  return [...found(0, exact.length).sort(byName), ...nearRows];
}

/** Timeline of one constituent, newest first. */
export function timeline(db: KindredDB, constituentId: string, limit = 200): Promise<Interaction[]> {
  return db.interactions
    .where('[constituentId+at]')
    .between([constituentId, ''], [constituentId, '\uffff'])
    .reverse()
    .limit(limit)
    .toArray();
}

export function recentInteractions(db: KindredDB, limit = 10): Promise<Interaction[]> {
  return db.interactions.orderBy('at').reverse().limit(limit).toArray();
}

export async function identitiesOf(db: KindredDB, constituentId: string): Promise<IdentityRecord[]> {
  return (await linksOf(db, [constituentId]))[0]!;
}

export function buildConstituent(
  source: string,
  externalId: string,
  fields: Partial<Omit<Constituent, 'id' | 'source' | 'externalId' | 'nameKey'>> & { displayName: string },
  now = new Date().toISOString(),
): Constituent {
  const firstName = fields.firstName ?? null;
  const lastName = fields.lastName ?? null;
  return {
    id: `${source}:${externalId}`,
    source,
    externalId,
    displayName: fields.displayName,
    firstName,
    lastName,
    emails: fields.emails ?? [],
    phones: fields.phones ?? [],
    tags: fields.tags ?? [],
    doNotContact: fields.doNotContact ?? false,
    giving: fields.giving ?? null,
    photoUrl: fields.photoUrl ?? null,
    nameKey: nameKeys(fields.displayName, firstName, lastName),
    createdAt: fields.createdAt ?? now,
    updatedAt: fields.updatedAt ?? now,
  };
}

// The org's records: one table per object, keyed by 18-character id. Rows hold canonical field
// names; audit fields are stamped here so every write path agrees on them.
import { idMinter, toId18 } from './ids';
import { objectNamed, type ObjectDef } from './schema';

export type Row = Record<string, unknown> & { Id: string; IsDeleted: boolean; SystemModstamp: string };

/** Salesforce's JSON datetime: `2026-11-22T10:00:00.000+0000`. */
export const sfDateTime = (date: Date): string => date.toISOString().replace('Z', '+0000');

export interface DeletedEntry {
  object: string;
  id: string;
  deletedDate: string;
}

export function createData(now: () => Date, userId: () => string) {
  const tables = new Map<string, Map<string, Row>>();
  const mint = idMinter();
  /** Deletions the getDeleted resource reports (§3.9), including purged rows. */
  const deletedLog: DeletedEntry[] = [];

  const table = (object: string): Map<string, Row> => {
    let t = tables.get(object);
    if (!t) tables.set(object, (t = new Map()));
    return t;
  };

  /** Salesforce keeps datetimes to the second: many rows share a stamp, which keyset paging must survive. */
  function stamp(): string {
    return sfDateTime(new Date(Math.floor(now().getTime() / 1000) * 1000));
  }

  function touch(row: Row): void {
    const at = stamp();
    row.SystemModstamp = at;
    row.LastModifiedDate = at;
  }

  return {
    tables,
    deletedLog,
    stamp,
    rows(object: string): Row[] {
      return [...table(object).values()];
    },
    get(id: string): Row | undefined {
      const id18 = toId18(id);
      if (!id18) return undefined;
      for (const t of tables.values()) {
        const row = t.get(id18);
        if (row) return row;
      }
      return undefined;
    },
    insert(object: ObjectDef | string, values: Record<string, unknown>, id?: string): Row {
      const def = typeof object === 'string' ? objectNamed(object)! : object;
      const at = stamp();
      const row: Row = {
        CreatedDate: at, LastModifiedDate: at, CreatedById: userId(),
        ...(def.fields.some((field) => field.name === 'OwnerId') ? { OwnerId: userId() } : {}),
        ...values,
        Id: id ? toId18(id)! : mint(def.keyPrefix),
        IsDeleted: false,
        SystemModstamp: at,
      };
      table(def.name).set(row.Id, row);
      return row;
    },
    update(row: Row, values: Record<string, unknown>): void {
      Object.assign(row, values);
      touch(row);
    },
    /** To the recycle bin: queryAll still sees it, with IsDeleted true and a new stamp. */
    softDelete(object: string, row: Row): void {
      row.IsDeleted = true;
      touch(row);
      deletedLog.push({ object, id: row.Id, deletedDate: row.SystemModstamp });
    },
    /** Emptied from the recycle bin: gone from queryAll, still in getDeleted's log. */
    purge(object: string, id: string): void {
      const row = table(object).get(toId18(id) ?? '');
      if (!row) return;
      table(object).delete(row.Id);
      if (!row.IsDeleted) deletedLog.push({ object, id: row.Id, deletedDate: stamp() });
    },
    touch,
  };
}
export type SfData = ReturnType<typeof createData>;

// A fresh fake-indexeddb database per test, deleted after it.
import 'fake-indexeddb/auto';
import { afterEach } from 'vitest';
import { KindredDB } from '../../src/store/db';

const dbs: KindredDB[] = [];
afterEach(async () => {
  for (const db of dbs.splice(0)) await db.delete();
});

export function freshDb(): KindredDB {
  const db = new KindredDB(`test-${crypto.randomUUID()}`);
  dbs.push(db);
  return db;
}

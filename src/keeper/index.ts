// The keeper: an offscreen document (Chrome) whose only job is to hold Kindred's IndexedDB
// connection open. Chromium closes a database's backing store a few seconds after its last
// connection goes, and reopening it costs about 0.4 ms per thousand rows (≈ 400 ms at a million
// constituents, ../shared/e2e-recipe.md) — paid by the first lookup after every service-worker
// wake-up. With one connection always open here, that first lookup finds the store open.
import { db } from '../store/db';

const database = db();
// One cheap read opens the connection; Dexie then keeps it until the document goes away. A schema
// upgrade elsewhere closes it (Dexie yields on `versionchange`): reopen after.
void database.meta.get('keeper');
database.on('close', () => setTimeout(() => void database.open().catch(() => undefined), 1_000));

import { useEffect, useState } from 'preact/hooks';
import { send } from '../../browser';
import { publicConnection } from '../../crm/connection';
import { db } from '../../store/db';
import { clearCachedData, storageSummary } from '../../store/maintenance';
import { syncStatus } from '../../sync/pull';
import { relative } from '../format';
import { useThrottledQuery, writesSettled } from '../hooks';
import { DemoButton, ExportButton } from './DataButtons';

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toLocaleString(undefined, { maximumFractionDigits: 1 })} MB`;

/** What Kindred keeps in this browser, how much room it takes, and clearing it. */
export function StorageSection() {
  const state = useThrottledQuery(async () => {
    const d = db();
    const [summary, crm] = await Promise.all([storageSummary(d), publicConnection(d)]);
    return { summary, crm, sync: crm ? await syncStatus(d, crm.crm) : null };
  }, []);
  const [disk, setDisk] = useState<number | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const count = state ? state.summary.constituents + state.summary.interactions : 0;
  useEffect(() => {
    void navigator.storage?.estimate?.().then((estimate) => setDisk(estimate.usage ?? null));
  }, [count]);

  if (!state) return null;
  const { summary, crm, sync } = state;

  async function clear() {
    const question = crm
      ? 'Clear the constituents, profiles and history cached from CiviCRM? CiviCRM is not changed, and a full sync starts again. Anything not yet sent is kept.'
      : 'Delete all constituents, profiles and history stored in this browser? Without a CRM this is your only copy: export a CSV first. Anything not yet sent is kept.';
    if (!confirm(question)) return;
    setBusy(true);
    setMessage(null);
    try {
      const { constituents } = await clearCachedData(db());
      writesSettled();
      void send('refreshBadges', {});
      if (crm) void send('syncNow', {});
      setMessage(`Cleared ${constituents.toLocaleString()} constituents${crm ? '; syncing again from CiviCRM.' : '.'}`);
    } catch (error) {
      setMessage(`Could not clear: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section class="panel" aria-labelledby="storage-heading">
      <h2 id="storage-heading">Storage</h2>
      <dl class="stats">
        <div><dt>Constituents</dt><dd>{summary.constituents.toLocaleString()}</dd></div>
        <div><dt>Linked profiles</dt><dd>{summary.identities.toLocaleString()}</dd></div>
        <div><dt>Interactions</dt><dd>{summary.interactions.toLocaleString()}{summary.unsent > 0 && <small> ({summary.unsent.toLocaleString()} not yet sent)</small>}</dd></div>
        <div><dt>Disk used</dt><dd>{disk === null ? '…' : mb(disk)}</dd></div>
        {crm && (
          <div><dt>Last sync</dt><dd>{sync?.lastSyncedAt ? relative(new Date(sync.lastSyncedAt).toISOString()) : 'not yet'}</dd></div>
        )}
      </dl>
      <p class="muted">
        {crm ? 'Kept in this browser as a cache of CiviCRM, so lookups work instantly and offline.' : 'Stored in this browser only.'}
      </p>
      <div class="row">
        <ExportButton />
        {!crm && <DemoButton />}
        <button type="button" class="secondary danger" disabled={busy} onClick={() => void clear()}>
          {crm ? 'Clear cached data' : 'Delete all data'}
        </button>
      </div>
      {message && <p role="status" class="muted">{message}</p>}
    </section>
  );
}

import { useEffect, useState } from 'preact/hooks';
import { browser, send } from '../../browser';
import { parseSettings, type Settings } from '../../settings';
import { loadDemoData } from '../../demo/data';
import { exportCsv } from '../../import/export-csv';
import { publicConnection } from '../../crm/connection';
import { db } from '../../store/db';
import { useLiveQuery } from '../hooks';
import { CrmSection } from './CrmSection';
import { HealthSection } from './HealthSection';
import { ImportSection } from './ImportSection';
import { SitesSection } from './SitesSection';

function useSettings(): [Settings | null, (next: Settings) => Promise<void>] {
  const [settings, setSettings] = useState<Settings | null>(null);
  useEffect(() => {
    void browser.storage.local.get('settings').then(({ settings: raw }) => setSettings(parseSettings(raw)));
  }, []);
  const save = async (next: Settings) => {
    setSettings(next);
    await browser.storage.local.set({ settings: next });
  };
  return [settings, save];
}

export function Options() {
  const [settings, save] = useSettings();
  const counts = useLiveQuery(async () => {
    const d = db();
    const [constituents, identities, interactions] = await Promise.all([d.constituents.count(), d.identities.count(), d.interactions.count()]);
    return { constituents, identities, interactions, crm: await publicConnection(d) };
  }, []);

  return (
    <main class="options">
      <header class="options-header">
        <img src="icons/icon-48.png" alt="" width={40} height={40} />
        <div>
          <h1>Kindred settings</h1>
          <p class="muted">Your constituents, where the conversation happens.</p>
        </div>
      </header>

      <section class="panel" aria-labelledby="data-heading">
        <h2 id="data-heading">Your data</h2>
        <p>
          {counts
            ? `${counts.constituents.toLocaleString()} constituents, ${counts.identities.toLocaleString()} linked profiles, ${counts.interactions.toLocaleString()} interactions, ${counts.crm ? 'kept in this browser as a cache of CiviCRM' : 'stored in this browser only'}.`
            : 'Counting…'}
        </p>
        <div class="row">
          <ExportButton />
          <DemoButton />
        </div>
      </section>

      {settings && <CrmSection settings={settings} save={save} />}
      <ImportSection />
      {settings && <SitesSection settings={settings} save={save} />}
      <HealthSection />
      {settings && <ProfileSection settings={settings} save={save} />}

    </main>
  );
}

function ExportButton() {
  const [status, setStatus] = useState<string | null>(null);
  async function run() {
    setStatus('Exporting…');
    try {
      const chunks: string[] = [];
      for await (const chunk of exportCsv(db())) chunks.push(chunk);
      const url = URL.createObjectURL(new Blob(chunks, { type: 'text/csv;charset=utf-8' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = `kindred-constituents-${new Date().toISOString().slice(0, 10)}.csv`;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      setStatus(null);
    } catch (error) {
      setStatus(`Export failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return (
    <>
      <button type="button" class="secondary" onClick={run}>Export CSV</button>
      {status && <span role="status" class="muted">{status}</span>}
    </>
  );
}

function DemoButton() {
  const [status, setStatus] = useState<string | null>(null);
  async function run() {
    setStatus('Loading demo data…');
    try {
      const { constituents, interactions } = await loadDemoData(db());
      void send('refreshBadges', {});
      setStatus(`Demo data loaded: ${constituents} constituents, ${interactions} interactions.`);
    } catch (error) {
      setStatus(`Could not load demo data: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return (
    <>
      <button type="button" class="secondary" onClick={run}>Load demo data</button>
      {status && <span role="status" class="muted">{status}</span>}
    </>
  );
}

function ProfileSection({ settings, save }: { settings: Settings; save: (next: Settings) => Promise<void> }) {
  const [name, setName] = useState(settings.userName);
  const [saved, setSaved] = useState(false);
  return (
    <section class="panel" aria-labelledby="you-heading">
      <h2 id="you-heading">You</h2>
      <form
        class="row"
        onSubmit={(e) => {
          e.preventDefault();
          void save({ ...settings, userName: name.trim() }).then(() => setSaved(true));
        }}
      >
        <label class="field grow">
          <span>Your name (shown on what you log)</span>
          <input
            type="text"
            value={name}
            maxLength={120}
            onInput={(e) => {
              setSaved(false);
              setName(e.currentTarget.value);
            }}
          />
        </label>
        <button type="submit" class="secondary">Save</button>
        {saved && <span role="status" class="muted">Saved.</span>}
      </form>
    </section>
  );
}

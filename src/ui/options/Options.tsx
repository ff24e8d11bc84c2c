import { useEffect, useState } from 'preact/hooks';
import { browser } from '../../browser';
import { parseSettings, type Settings } from '../../settings';
import { CrmSection } from './CrmSection';
import { HealthSection } from './HealthSection';
import { StorageSection } from './StorageSection';
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
  return (
    <main class="options">
      <header class="options-header">
        <img src="icons/icon-48.png" alt="" width={40} height={40} />
        <div>
          <h1>Kindred settings</h1>
          <p class="muted">Your constituents, where the conversation happens.</p>
        </div>
      </header>

      <StorageSection />

      {settings && <CrmSection settings={settings} save={save} />}
      <ImportSection />
      {settings && <SitesSection settings={settings} save={save} />}
      <HealthSection />
      {settings && <ProfileSection settings={settings} save={save} />}

    </main>
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

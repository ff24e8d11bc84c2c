import { useEffect, useState } from 'preact/hooks';
import { browser } from '../../browser';
import type { HealthEntry, HealthLog } from '../../background/health';
import { PLATFORM_LABELS } from '../../identity';
import { relative } from '../format';

/** Selectors that found nothing where they should have: the site probably changed its pages. */
export function HealthSection() {
  const [entries, setEntries] = useState<HealthEntry[] | null>(null);
  useEffect(() => {
    const load = () =>
      void browser.storage.local.get('health').then(({ health }) => {
        const log = (health && typeof health === 'object' ? health : {}) as HealthLog;
        setEntries(Object.values(log).sort((a, b) => b.lastSeen.localeCompare(a.lastSeen)));
      });
    load();
    const onChanged = (changes: Record<string, unknown>, area: string) => area === 'local' && 'health' in changes && load();
    browser.storage.onChanged.addListener(onChanged);
    return () => browser.storage.onChanged.removeListener(onChanged);
  }, []);
  if (!entries) return null;
  return (
    <section class="panel" aria-labelledby="health-heading">
      <h2 id="health-heading">Site health</h2>
      {entries.length === 0 ? (
        <p class="muted">All good: every site's page structure was as Kindred expects.</p>
      ) : (
        <>
          <p class="muted">
            On these sites a part of the page Kindred looks for was missing, so only the profile in the address bar is
            recognised there. The site has probably changed; an update of Kindred will follow.
          </p>
          <table class="health">
            <thead>
              <tr>
                <th scope="col">Site</th>
                <th scope="col">What was missing</th>
                <th scope="col">Pages</th>
                <th scope="col">Last seen</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((entry) => (
                <tr key={`${entry.platform}:${entry.probe}`}>
                  <td>{PLATFORM_LABELS[entry.platform] ?? entry.platform}</td>
                  <td>{entry.probe}</td>
                  <td>{entry.pages}</td>
                  <td>{relative(entry.lastSeen)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <button type="button" class="link" onClick={() => void browser.storage.local.remove('health')}>
            Clear
          </button>
        </>
      )}
    </section>
  );
}

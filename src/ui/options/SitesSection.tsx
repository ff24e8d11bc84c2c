import { useState } from 'preact/hooks';
import { browser, requestHostPermission, send } from '../../browser';
import { PLATFORM_LABELS, PLATFORMS, type Platform } from '../../identity';
import { hostSchema, siteSetting, type Settings } from '../../settings';
import { MASTODON_HOSTS } from '../../sites';

/** Per-site switches, quiet mode and the user's own Mastodon servers. */
export function SitesSection({ settings, save }: { settings: Settings; save: (next: Settings) => Promise<void> }) {
  const [host, setHost] = useState('');
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);

  const toggle = (platform: Platform, field: 'recognize' | 'badges', value: boolean) =>
    save({ ...settings, sites: { ...settings.sites, [platform]: { ...siteSetting(settings, platform), [field]: value } } });

  async function addInstance(event: Event) {
    event.preventDefault();
    const parsed = hostSchema.safeParse(host.replace(/^https?:\/\//i, '').replace(/\/.*$/, ''));
    if (!parsed.success) return setMessage({ kind: 'error', text: `"${host}" is not a server name like social.example.org.` });
    const name = parsed.data;
    if (MASTODON_HOSTS.includes(name) || settings.mastodonInstances.includes(name)) {
      return setMessage({ kind: 'ok', text: `${name} is already on the list.` });
    }
    // The permission prompt must come straight from this click, before anything else is awaited.
    const granted = await requestHostPermission(name).catch(() => false);
    if (!granted) return setMessage({ kind: 'error', text: `Kindred was not allowed to read ${name}, so it cannot recognise people there.` });
    await save({ ...settings, mastodonInstances: [...settings.mastodonInstances, name] });
    const reply = await send('syncMastodonInstances', {});
    setHost('');
    setMessage(
      reply.ok && reply.data.hosts.includes(name)
        ? { kind: 'ok', text: `Added ${name}. Reload its open tabs to start.` }
        : { kind: 'error', text: `Added ${name}, but the page script could not be registered: ${reply.ok ? 'permission missing' : reply.error.message}` },
    );
  }

  async function removeInstance(name: string) {
    await save({ ...settings, mastodonInstances: settings.mastodonInstances.filter((h) => h !== name) });
    await send('syncMastodonInstances', {});
    await browser.permissions.remove({ origins: [`https://${name}/*`] }).catch(() => false);
    setMessage({ kind: 'ok', text: `Removed ${name}.` });
  }

  return (
    <section class="panel" aria-labelledby="sites-heading">
      <h2 id="sites-heading">Sites</h2>
      <label class="check">
        <input type="checkbox" checked={settings.quiet} onChange={(e) => void save({ ...settings, quiet: e.currentTarget.checked })} />
        <span>
          <strong>Quiet mode</strong>: change nothing in any page; only Kindred's toolbar icon shows who is known.
        </span>
      </label>
      <table class="sites">
        <thead>
          <tr>
            <th scope="col">Site</th>
            <th scope="col">Recognise people</th>
            <th scope="col">Badges in the page</th>
          </tr>
        </thead>
        <tbody>
          {PLATFORMS.map((platform) => {
            const site = siteSetting(settings, platform);
            const label = PLATFORM_LABELS[platform];
            return (
              <tr key={platform}>
                <th scope="row">{label}</th>
                <td>
                  <input
                    type="checkbox"
                    aria-label={`Recognise people on ${label}`}
                    checked={site.recognize}
                    onChange={(e) => void toggle(platform, 'recognize', e.currentTarget.checked)}
                  />
                </td>
                <td>
                  <input
                    type="checkbox"
                    aria-label={`Badges in the page on ${label}`}
                    checked={site.badges && site.recognize}
                    disabled={!site.recognize || settings.quiet}
                    onChange={(e) => void toggle(platform, 'badges', e.currentTarget.checked)}
                  />
                  {platform === 'linkedin' && <span class="muted small"> off by default: LinkedIn penalises changed pages</span>}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <p class="muted small">Changes apply to pages you open or reload from now on.</p>

      <h3>Your Mastodon servers</h3>
      <p class="muted small">
        Kindred knows {MASTODON_HOSTS.length} large servers ({MASTODON_HOSTS.slice(0, 3).join(', ')}, …). Add the ones your
        supporters use; your browser will ask you to allow Kindred on each.
      </p>
      {settings.mastodonInstances.length > 0 && (
        <ul class="instances" aria-label="Your Mastodon servers">
          {settings.mastodonInstances.map((name) => (
            <li key={name}>
              <span>{name}</span>
              <button type="button" class="link" aria-label={`Remove ${name}`} onClick={() => void removeInstance(name)}>
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
      <form class="row" onSubmit={addInstance}>
        <label class="field grow">
          <span>Server</span>
          <input type="text" placeholder="social.example.org" value={host} onInput={(e) => setHost(e.currentTarget.value)} />
        </label>
        <button type="submit" class="secondary">Add server</button>
      </form>
      {message && <p class={`message ${message.kind}`} role={message.kind === 'error' ? 'alert' : 'status'}>{message.text}</p>}
    </section>
  );
}

import { useState } from 'preact/hooks';
import { browser, send } from '../../browser';
import { CRM_LABELS, crmUrlSchema, originPattern, publicConnection, type CrmId, type PublicConnection } from '../../crm/connection';
import { FieldMapping } from './FieldMapping';
import { OAuthConnectForm } from './OAuthConnectForm';
import type { Settings } from '../../settings';
import { db } from '../../store/db';
import { outboxSummary } from '../../sync/outbox';
import { syncStatus, type SyncStatus } from '../../sync/pull';
import { dateTime, relative } from '../format';
import { useLiveQuery } from '../hooks';

/** Connect a CRM, see the connection, the sync's progress and what waits to be sent. */
export function CrmSection({ settings, save }: { settings: Settings; save: (next: Settings) => Promise<void> }) {
  const state = useLiveQuery(async () => {
    const connection = await publicConnection(db());
    const [sync, outbox] = await Promise.all([connection ? syncStatus(db(), connection.crm) : null, outboxSummary(db())]);
    return { connection, sync, outbox };
  }, []);
  if (!state) return null;
  const { connection, sync, outbox } = state;

  return (
    <section class="panel crm" aria-labelledby="crm-heading">
      <h2 id="crm-heading">CRM</h2>
      {connection ? (
        <>
          <Connected connection={connection} sync={sync} keyRefused={outbox.paused?.code === 'auth'} />
          {connection.crm === 'salesforce' && <FieldMapping connection={connection} />}
          {connection.crm === 'raisers-edge' ? (
            <p class="muted small">
              Raiser's Edge NXT cannot be searched by social profile, so Kindred recognises people from its synced copy
              of their online presences (refreshed every 15 minutes and on "Sync now").
            </p>
          ) : (
            <label class="check">
              <input
                type="checkbox"
                checked={settings.liveLookup}
                onChange={(e) => void save({ ...settings, liveLookup: e.currentTarget.checked })}
              />
              <span>
                <strong>Live lookup</strong>: ask {CRM_LABELS[connection.crm]} about people Kindred has not synced yet
                (sends the profile handles you see to your CRM).
              </span>
            </label>
          )}
        </>
      ) : (
        <>
          <p class="muted">
            Kindred is using its own store: everything stays in this browser. Connect your CRM to look people up in it,
            see their history and giving, and send what you log straight to it.
          </p>
          <ChooseCrm />
        </>
      )}
      <Outbox summary={outbox} connected={!!connection} />
    </section>
  );
}

/** The three CRMs Kindred speaks to, one form each. */
function ChooseCrm() {
  const [crm, setCrm] = useState<CrmId>('civicrm');
  return (
    <>
      <div class="choice" role="radiogroup" aria-label="Your CRM">
        {(['civicrm', 'salesforce', 'raisers-edge'] as const).map((id) => (
          <label key={id} class={crm === id ? 'selected' : ''}>
            <input type="radio" name="crm" value={id} checked={crm === id} onChange={() => setCrm(id)} />
            {CRM_LABELS[id]}
          </label>
        ))}
      </div>
      {crm === 'civicrm' ? <ConnectForm /> : <OAuthConnectForm crm={crm} />}
    </>
  );
}

function ConnectForm({ reconnect }: { reconnect?: PublicConnection }) {
  const [baseUrl, setBaseUrl] = useState(reconnect?.baseUrl ?? '');
  const [apiKey, setApiKey] = useState('');
  const [siteKey, setSiteKey] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);

  function submit(event: Event) {
    event.preventDefault();
    setProblem(null);
    setDone(null);
    const url = crmUrlSchema.safeParse(baseUrl);
    if (!url.success) return setProblem(url.error.issues[0]?.message ?? 'That address is not valid.');
    if (!apiKey.trim()) return setProblem('Enter the API key of your CiviCRM user.');
    // The permission prompt needs this click: it must be the first thing that waits.
    const asked = browser.permissions.request({ origins: [originPattern(url.data)] });
    setBusy(true);
    void (async () => {
      try {
        if (!(await asked)) {
          setProblem(`Kindred needs your permission to reach ${new URL(url.data).host}. Nothing was saved.`);
          return;
        }
        const reply = await send('connectCrm', {
          crm: 'civicrm',
          baseUrl: url.data,
          apiKey: apiKey.trim(),
          ...(siteKey.trim() ? { siteKey: siteKey.trim() } : {}),
        });
        if (!reply.ok) return setProblem(reply.error.message);
        setApiKey('');
        setSiteKey('');
        setDone(`Connected as ${reply.data.user}.`);
      } finally {
        setBusy(false);
      }
    })();
  }

  return (
    <form class="connect" onSubmit={submit} aria-label="Connect CiviCRM">
      <label class="field">
        <span>CiviCRM address</span>
        <input
          type="url"
          inputMode="url"
          placeholder="https://crm.example.org"
          value={baseUrl}
          onInput={(e) => setBaseUrl(e.currentTarget.value)}
          required
        />
        <small class="muted">The address of your site, with its path if CiviCRM lives under one (e.g. /wordpress).</small>
      </label>
      <div class="row">
        <label class="field">
          <span>API key</span>
          <input type="password" autoComplete="off" value={apiKey} onInput={(e) => setApiKey(e.currentTarget.value)} />
        </label>
        <label class="field">
          <span>Site key (if your site needs it)</span>
          <input type="password" autoComplete="off" value={siteKey} onInput={(e) => setSiteKey(e.currentTarget.value)} />
        </label>
      </div>
      <div class="row">
        <button type="submit" class="primary" disabled={busy}>{busy ? 'Connecting…' : reconnect ? 'Reconnect CiviCRM' : 'Connect CiviCRM'}</button>
        {done && <span role="status" class="ok">{done}</span>}
      </div>
      {problem && <p role="alert" class="warning">{problem}</p>}
      <p class="muted small">
        The keys stay in Kindred's background storage in this browser; pages and sites you visit never see them.
      </p>
    </form>
  );
}

function Connected({ connection, sync, keyRefused }: { connection: PublicConnection; sync: SyncStatus | null; keyRefused: boolean }) {
  const [busy, setBusy] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  // The sync or the outbox met a refused key: ask for it again right here.
  const needsKey = keyRefused || sync?.errorCode === 'auth';

  async function run(label: string, action: () => Promise<string | null>) {
    setBusy(label);
    setMessage(null);
    try {
      setMessage(await action());
    } finally {
      setBusy(null);
    }
  }

  return (
    <>
      <p role="status" class="connected">
        <strong>Connected as {connection.user}</strong> to {CRM_LABELS[connection.crm]}
        {connection.baseUrl && <> at <span class="url">{connection.baseUrl}</span></>}
        <span class="muted"> · since {dateTime(connection.connectedAt)}</span>
      </p>
      {!connection.canReadGifts && (
        <p class="note">
          {connection.crm === 'civicrm' ? 'This key' : 'This user'} may not read {connection.crm === 'civicrm' ? 'contributions' : 'gifts'}, so cards show no giving data.
        </p>
      )}
      {sync && <SyncProgress sync={sync} />}
      <div class="row">
        <button
          type="button"
          class="secondary"
          disabled={busy !== null || sync?.state === 'running'}
          onClick={() =>
            run('sync', async () => {
              const reply = await send('syncNow', {});
              return reply.ok ? reply.data.error : reply.error.message;
            })
          }
        >
          {busy === 'sync' ? 'Syncing…' : 'Sync now'}
        </button>
        <button
          type="button"
          class="secondary"
          disabled={busy !== null}
          onClick={() =>
            run('disconnect', async () => {
              const reply = await send('disconnectCrm', {});
              return reply.ok ? null : reply.error.message;
            })
          }
        >
          Disconnect
        </button>
      </div>
      {message && <p role="alert" class="warning">{message}</p>}
      {needsKey && connection.crm === 'civicrm' && (
        <>
          <p role="alert" class="warning">CiviCRM no longer accepts the saved key. Enter it again to carry on.</p>
          <ConnectForm reconnect={connection} />
        </>
      )}
      {needsKey && connection.crm !== 'civicrm' && (
        <>
          <p role="alert" class="warning">{CRM_LABELS[connection.crm]} needs you to sign in again. Nothing waiting is lost.</p>
          <OAuthConnectForm crm={connection.crm} reconnect />
        </>
      )}
    </>
  );
}

function SyncProgress({ sync }: { sync: SyncStatus }) {
  if (sync.state === 'running') {
    const total = sync.total ?? undefined;
    return (
      <div class="progress" aria-live="polite">
        <progress max={total} value={total === undefined ? undefined : sync.done} aria-label="Sync progress" />
        <span>
          Syncing: {sync.done.toLocaleString()}
          {total !== undefined && ` of ${total.toLocaleString()}`} records
        </span>
      </div>
    );
  }
  if (sync.state === 'error') {
    return (
      <p role="alert" class="warning">
        The last sync stopped: {sync.lastError ?? 'unknown error'}. It carries on from where it stopped at the next sync.
      </p>
    );
  }
  return (
    <p class="muted">
      {sync.lastSyncedAt ? `Synced ${relative(new Date(sync.lastSyncedAt).toISOString())}; next sync within 15 minutes.` : 'Not synced yet.'}
    </p>
  );
}

function Outbox({ summary, connected }: { summary: Awaited<ReturnType<typeof outboxSummary>>; connected: boolean }) {
  const [busy, setBusy] = useState(false);
  if (summary.pending === 0 && summary.failed === 0 && !summary.paused) return null;
  return (
    <div class="outbox" aria-label="Waiting to be sent">
      <h3>Waiting to be sent</h3>
      {summary.paused && (
        <p role="alert" class="warning">
          Sending is paused: {summary.paused.message} {connected ? 'Reconnect above to carry on.' : 'Connect your CRM to carry on.'}
        </p>
      )}
      <p>
        {summary.pending > 0 && `${summary.pending.toLocaleString()} interaction${summary.pending === 1 ? '' : 's'} waiting`}
        {summary.pending > 0 && summary.nextAttemptAt !== null && !summary.paused &&
          ` (next try ${nextTry(summary.nextAttemptAt)})`}
        {summary.pending > 0 && summary.failed > 0 && '; '}
        {summary.failed > 0 && `${summary.failed.toLocaleString()} not accepted by the CRM`}.
      </p>
      {summary.failed > 0 && (
        <button
          type="button"
          class="secondary"
          disabled={busy}
          onClick={() => {
            setBusy(true);
            void send('retryInteraction', { id: null }).finally(() => setBusy(false));
          }}
        >
          Retry all
        </button>
      )}
    </div>
  );
}

/** "in a moment" for the next few seconds, else "in 5 minutes". */
function nextTry(at: number): string {
  return at - Date.now() < 60_000 ? 'in a moment' : relative(new Date(at).toISOString());
}

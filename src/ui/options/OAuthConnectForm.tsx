import { useEffect, useState } from 'preact/hooks';
import { browser, send } from '../../browser';
import { CRM_LABELS, crmUrlSchema, originPattern } from '../../crm/connection';
import { parseCrmPresets, salesforceHostChoice, type CrmPresets } from '../../crm/presets';

type OAuthCrm = 'salesforce' | 'raisers-edge';

/** Salesforce login hosts; a My Domain address is typed instead. */
const SALESFORCE_HOSTS = [
  { value: 'https://login.salesforce.com', label: 'Production (login.salesforce.com)' },
  { value: 'https://test.salesforce.com', label: 'Sandbox (test.salesforce.com)' },
  { value: 'mydomain', label: 'My Domain…' },
] as const;

/** The consent page sends the browser back here: the CRM app must list it (per CRM, per browser). */
const REDIRECT_PATH: Record<OAuthCrm, string> = { salesforce: 'sf', 'raisers-edge': 'raisers-edge' };

/**
 * Hosts Kindred's background talks to. Salesforce: the login host, and the org's instance, which
 * is only known after sign-in (a *.my.salesforce.com or legacy *.salesforce.com host), so every
 * salesforce.com subdomain is asked for at once. SKY: its API and token hosts.
 */
function originsFor(crm: OAuthCrm, loginUrl: string): string[] {
  if (crm === 'raisers-edge') return ['https://api.sky.blackbaud.com/*', 'https://oauth2.sky.blackbaud.com/*'];
  const login = originPattern(loginUrl);
  // A login host on this machine (a development org proxy, a test double) is its own instance.
  if (login.startsWith('http://')) return [login];
  return [...new Set([login, 'https://*.salesforce.com/*'])];
}

/** Connect Salesforce or Raiser's Edge NXT: the organisation's own app id, then the CRM's consent window. */
export function OAuthConnectForm({ crm, reconnect = false }: { crm: OAuthCrm; reconnect?: boolean }) {
  const label = CRM_LABELS[crm];
  const [host, setHost] = useState<string>(SALESFORCE_HOSTS[0].value);
  const [myDomain, setMyDomain] = useState('');
  const [clientId, setClientId] = useState('');
  const [subscriptionKey, setSubscriptionKey] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const redirect = safeRedirect(REDIRECT_PATH[crm]);
  const [preset, setPreset] = useState<{ host?: boolean; id?: boolean; key?: boolean }>({});

  // What the organisation set by policy fills the form and is not editable here.
  useEffect(() => {
    void readPresets().then((presets) => {
      if (crm === 'salesforce') {
        const choice = salesforceHostChoice(presets.salesforce?.loginUrl);
        if (choice) {
          setHost(choice.host);
          setMyDomain(choice.myDomain);
        }
        if (presets.salesforce?.clientId) setClientId(presets.salesforce.clientId);
        setPreset({ host: !!choice, id: !!presets.salesforce?.clientId });
      } else {
        if (presets.raisersEdge?.applicationId) setClientId(presets.raisersEdge.applicationId);
        if (presets.raisersEdge?.subscriptionKey) setSubscriptionKey(presets.raisersEdge.subscriptionKey);
        setPreset({ id: !!presets.raisersEdge?.applicationId, key: !!presets.raisersEdge?.subscriptionKey });
      }
    });
  }, [crm]);

  function submit(event: Event) {
    event.preventDefault();
    setProblem(null);
    setDone(null);
    let loginUrl = '';
    if (crm === 'salesforce') {
      const typed = host === 'mydomain' ? myDomain.trim().replace(/^(?!https?:\/\/)/i, 'https://') : host;
      const url = crmUrlSchema.safeParse(typed);
      if (!url.success) return setProblem('Enter your My Domain address, e.g. https://yourorg.my.salesforce.com');
      loginUrl = url.data.replace(/\/+$/, '');
    }
    if (!clientId.trim()) return setProblem(crm === 'salesforce' ? 'Enter the consumer key of your External Client App.' : 'Enter the application id of your SKY application.');
    if (crm === 'raisers-edge' && !subscriptionKey.trim()) return setProblem('Enter your SKY API subscription key.');
    // The permission prompt needs this click: it must be the first thing that waits.
    const origins = originsFor(crm, loginUrl);
    const asked = browser.permissions.request({ origins });
    setBusy(true);
    void (async () => {
      try {
        if (!(await asked)) {
          setProblem(`Kindred needs your permission to reach ${label}. Nothing was saved.`);
          return;
        }
        const reply = await send(
          'connectCrm',
          crm === 'salesforce'
            ? { crm, loginUrl, clientId: clientId.trim() }
            : { crm, applicationId: clientId.trim(), subscriptionKey: subscriptionKey.trim() },
        );
        if (!reply.ok) return setProblem(reply.error.message);
        setDone(`Connected as ${reply.data.user}.`);
      } finally {
        setBusy(false);
      }
    })();
  }

  return (
    <form class="connect" onSubmit={submit} aria-label={`Connect ${label}`}>
      {crm === 'salesforce' ? (
        <>
          <label class="field">
            <span>Log in at</span>
            <select value={host} disabled={preset.host} onChange={(e) => setHost(e.currentTarget.value)}>
              {SALESFORCE_HOSTS.map((h) => <option key={h.value} value={h.value}>{h.label}</option>)}
            </select>
          </label>
          {host === 'mydomain' && (
            <label class="field">
              <span>My Domain address</span>
              <input type="url" inputMode="url" placeholder="https://yourorg.my.salesforce.com" value={myDomain} readOnly={preset.host} onInput={(e) => setMyDomain(e.currentTarget.value)} />
            </label>
          )}
          <label class="field">
            <span>Consumer key</span>
            <input autoComplete="off" spellcheck={false} value={clientId} readOnly={preset.id} onInput={(e) => setClientId(e.currentTarget.value)} />
            <small class="muted">From your organisation's External Client App (OAuth with PKCE, "Require secret" off).</small>
          </label>
        </>
      ) : (
        <div class="row">
          <label class="field">
            <span>Application id</span>
            <input autoComplete="off" spellcheck={false} value={clientId} readOnly={preset.id} onInput={(e) => setClientId(e.currentTarget.value)} />
          </label>
          <label class="field">
            <span>Subscription key</span>
            <input type="password" autoComplete="off" value={subscriptionKey} readOnly={preset.key} onInput={(e) => setSubscriptionKey(e.currentTarget.value)} />
          </label>
        </div>
      )}
      {(preset.host || preset.id || preset.key) && <p class="muted small">Some of these settings are set by your organisation.</p>}
      {redirect && (
        <p class="muted small">
          Callback URL to register in the {crm === 'salesforce' ? 'app' : 'SKY application'}: <code class="url">{redirect}</code>
        </p>
      )}
      <div class="row">
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Waiting for the sign-in window…' : `${reconnect ? 'Sign in to' : 'Connect'} ${label}`}
        </button>
        {done && <span role="status" class="ok">{done}</span>}
      </div>
      {problem && <p role="alert" class="warning">{problem}</p>}
      <p class="muted small">
        {label} opens its own sign-in window. Kindred keeps the sign-in in its background storage in this browser; pages and
        sites you visit never see it.
      </p>
    </form>
  );
}

/** Enterprise policy settings (managed storage); none where the browser or the policy has none. */
async function readPresets(): Promise<CrmPresets> {
  try {
    return parseCrmPresets(await browser.storage.managed.get());
  } catch {
    return {};
  }
}

function safeRedirect(path: string): string | null {
  try {
    return browser.identity.getRedirectURL(path);
  } catch {
    return null;
  }
}

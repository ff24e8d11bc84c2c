import { useEffect, useState } from 'preact/hooks';
import { send } from '../../browser';
import type { PublicConnection } from '../../crm/connection';
import { PLATFORM_LABELS, PLATFORMS, type Platform } from '../../identity';

type Field = { name: string; label: string; type: string; custom: boolean };

/**
 * Salesforce (NPSP) has no standard social fields: the admin says which Contact field holds which
 * platform (URL or handle fields, custom ones included, as the org's describe lists them).
 * Lookups and syncs read those fields; linking a profile writes to them.
 */
export function FieldMapping({ connection }: { connection: PublicConnection }) {
  const [fields, setFields] = useState<Field[] | null>(null);
  const [map, setMap] = useState<Partial<Record<Platform, string>>>(connection.fieldMap ?? {});
  const [problem, setProblem] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const mapped = Object.values(connection.fieldMap ?? {}).filter(Boolean).length;
  const [open, setOpen] = useState(mapped === 0);

  useEffect(() => {
    if (!open || fields) return;
    void send('crmFields', {}).then((reply) => {
      if (!reply.ok) return setProblem(reply.error.message);
      setFields(reply.data.fields);
      setMap(reply.data.fieldMap as Partial<Record<Platform, string>>);
    });
  }, [open, fields]);

  async function saveMap(event: Event) {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    setSaved(null);
    try {
      const reply = await send('setCrmFieldMap', { fieldMap: map });
      if (!reply.ok) return setProblem(reply.error.message);
      setSaved('Saved. Kindred reads every contact again with these fields.');
    } finally {
      setBusy(false);
    }
  }

  return (
    <div class="field-mapping">
      <h3>Social profile fields</h3>
      {mapped === 0 && (
        <p role="alert" class="warning">
          Choose which Contact fields hold your supporters' social profiles: until then Kindred cannot recognise anyone from
          Salesforce on social sites.
        </p>
      )}
      {!open ? (
        <p>
          {mapped} platform{mapped === 1 ? '' : 's'} mapped.{' '}
          <button type="button" class="link" onClick={() => setOpen(true)}>Change</button>
        </p>
      ) : !fields ? (
        problem ? <p role="alert" class="warning">{problem}</p> : <p class="loading">Reading the Contact fields…</p>
      ) : (
        <form class="mapping" onSubmit={(e) => void saveMap(e)} aria-label="Social profile fields">
          <div class="mapping-grid">
            {PLATFORMS.map((platform) => (
              <label key={platform} class="field">
                <span>{PLATFORM_LABELS[platform]}</span>
                <select
                  aria-label={PLATFORM_LABELS[platform]}
                  value={map[platform] ?? ''}
                  onChange={(e) => setMap({ ...map, [platform]: e.currentTarget.value })}
                >
                  <option value="">Not stored</option>
                  {fields.map((field) => (
                    <option key={field.name} value={field.name}>
                      {field.label} ({field.name})
                    </option>
                  ))}
                </select>
              </label>
            ))}
          </div>
          <div class="row">
            <button type="submit" class="primary" disabled={busy}>{busy ? 'Saving…' : 'Save fields'}</button>
            {saved && <span role="status" class="ok">{saved}</span>}
          </div>
          {problem && <p role="alert" class="warning">{problem}</p>}
          <p class="muted small">Fields of type URL get the profile address; text fields get the handle.</p>
        </form>
      )}
    </div>
  );
}

import { useRef, useState } from 'preact/hooks';
import { ask } from '../../browser';
import type { Platform } from '../../identity';
import { INTERACTION_KINDS, INTERACTION_KIND_LABELS, type InteractionKind } from '../../store/model';
import { localDateTimeValue } from '../format';

export function LogForm({ constituentId, channel, profileUrl, autoFocus }: {
  constituentId: string;
  channel: Platform | null;
  profileUrl: string | null;
  autoFocus?: boolean;
}) {
  const [kind, setKind] = useState<InteractionKind>(channel ? 'comment' : 'call');
  const [notes, setNotes] = useState('');
  const [when, setWhen] = useState(localDateTimeValue());
  const [whenTouched, setWhenTouched] = useState(false);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const formRef = useRef<HTMLFormElement>(null);

  async function submit(event?: Event) {
    event?.preventDefault();
    if (busy) return;
    if (!notes.trim()) {
      setMessage({ kind: 'error', text: 'Write a few words about the interaction first.' });
      return;
    }
    const at = new Date(whenTouched ? when : Date.now());
    if (Number.isNaN(at.getTime())) {
      setMessage({ kind: 'error', text: 'That date and time is not valid.' });
      return;
    }
    setBusy(true);
    setMessage(null);
    try {
      await ask('logInteraction', {
        constituentId,
        draft: { kind, channel, at: at.toISOString(), notes: notes.trim(), profileUrl },
      });
      setNotes('');
      setWhen(localDateTimeValue());
      setWhenTouched(false);
      setMessage({ kind: 'ok', text: 'Logged.' });
    } catch (error) {
      // Keep what the user typed; say what went wrong.
      setMessage({ kind: 'error', text: `Could not log it: ${error instanceof Error ? error.message : String(error)}` });
    } finally {
      setBusy(false);
    }
  }

  return (
    <form
      ref={formRef}
      class="log-form"
      aria-label="Log an interaction"
      onSubmit={submit}
      onKeyDown={(event) => {
        if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) void submit(event);
      }}
    >
      <div class="row">
        <label class="field">
          <span>Kind</span>
          <select value={kind} onChange={(e) => setKind(e.currentTarget.value as InteractionKind)}>
            {INTERACTION_KINDS.map((k) => <option key={k} value={k}>{INTERACTION_KIND_LABELS[k]}</option>)}
          </select>
        </label>
        <label class="field">
          <span>When</span>
          <input
            type="datetime-local"
            value={when}
            onInput={(e) => {
              setWhen(e.currentTarget.value);
              setWhenTouched(true);
            }}
          />
        </label>
      </div>
      <label class="field">
        <span>Notes</span>
        <textarea
          rows={3}
          value={notes}
          placeholder="Talked about the gala; wants to volunteer…"
          autoFocus={autoFocus}
          onInput={(e) => setNotes(e.currentTarget.value)}
        />
      </label>
      <div class="row actions">
        <span class="hint">Ctrl/⌘ + Enter</span>
        {message && <span role={message.kind === 'error' ? 'alert' : 'status'} class={`message ${message.kind}`}>{message.text}</span>}
        <button type="submit" class="primary" disabled={busy}>Log interaction</button>
      </div>
    </form>
  );
}

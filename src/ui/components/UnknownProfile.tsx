import { useState } from 'preact/hooks';
import { ask } from '../../browser';
import { PLATFORM_LABELS } from '../../identity';
import type { TabProfile } from '../../messages';
import { ResultList, SearchBox, useConstituentSearch } from './SearchBox';

type Profile = NonNullable<TabProfile['profile']>;

/** A profile that is not a constituent yet: find and link them, or add them. */
export function UnknownProfile({ profile, url }: { profile: Profile; url: string | null }) {
  const identity = profile.identities[0]!;
  const [text, setText] = useState(profile.displayName ?? '');
  const [creating, setCreating] = useState(false);
  const [name, setName] = useState(profile.displayName ?? '');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const { results, error: searchError } = useConstituentSearch(text);
  const handleLabel = identity.handle.startsWith('id:') ? `profile #${identity.handle.slice(3)}` : `@${identity.handle}`;

  async function run(action: () => Promise<unknown>) {
    setBusy(true);
    setError(null);
    try {
      await action(); // the panel switches to the card by itself: it watches the identity
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section class="unknown" aria-labelledby="unknown-heading">
      <h1 id="unknown-heading">Not in your constituents</h1>
      <p class="subtitle">
        {profile.displayName ? <strong>{profile.displayName}</strong> : null}
        {profile.displayName ? ' · ' : ''}
        {PLATFORM_LABELS[identity.platform]} {handleLabel}
      </p>

      <h2>Is this someone you know?</h2>
      <SearchBox value={text} onInput={setText} autoFocus={!profile.displayName} />
      {profile.displayName && text === profile.displayName && results && results.length > 0 && (
        <p class="muted">Possible matches by name. Link only if you are sure it is the same person.</p>
      )}
      <ResultList
        results={results}
        error={searchError}
        action={(person) => (
          <button
            type="button"
            class="secondary"
            disabled={busy}
            aria-label={`Link ${handleLabel} to ${person.displayName}`}
            onClick={() => run(() => ask('linkIdentity', { constituentId: person.id, identity, sourceUrl: url }))}
          >
            Link
          </button>
        )}
      />

      {creating ? (
        <form
          class="create-form"
          aria-label="New constituent"
          onSubmit={(e) => {
            e.preventDefault();
            if (!name.trim()) return setError('Give them a name first.');
            void run(() => ask('createConstituent', { draft: { displayName: name.trim() }, identity, sourceUrl: url }));
          }}
        >
          <label class="field">
            <span>Name</span>
            <input type="text" value={name} autoFocus onInput={(e) => setName(e.currentTarget.value)} />
          </label>
          <div class="row actions">
            <button type="button" class="link" onClick={() => setCreating(false)}>Cancel</button>
            <button type="submit" class="primary" disabled={busy}>Create</button>
          </div>
        </form>
      ) : (
        <div class="or-create">
          <span class="muted">Not found?</span>
          <button type="button" class="secondary" onClick={() => setCreating(true)}>Create constituent</button>
        </div>
      )}
      {error && <p class="message error" role="alert">{error}</p>}
    </section>
  );
}

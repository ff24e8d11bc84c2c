import { useEffect, useState } from 'preact/hooks';
import { ask } from '../../browser';
import type { ConstituentSummary } from '../../messages';

/** Name search through the active connector (local store now, the CRM later). */
export function useConstituentSearch(text: string): { results: ConstituentSummary[] | null; error: string | null } {
  const [state, setState] = useState<{ results: ConstituentSummary[] | null; error: string | null }>({ results: null, error: null });
  useEffect(() => {
    const query = text.trim();
    if (!query) {
      setState({ results: null, error: null });
      return;
    }
    let stale = false;
    // A short pause so typing a name is one search, not one per keystroke.
    const timer = setTimeout(() => {
      ask('searchConstituents', { text: query, limit: 20 })
        .then((results) => !stale && setState({ results, error: null }))
        .catch((error: Error) => !stale && setState({ results: null, error: error.message }));
    }, 120);
    return () => {
      stale = true;
      clearTimeout(timer);
    };
  }, [text]);
  return state;
}

export function SearchBox({ value, onInput, autoFocus }: { value: string; onInput: (text: string) => void; autoFocus?: boolean }) {
  return (
    <label class="search">
      <span class="visually-hidden">Search constituents</span>
      <input
        type="search"
        placeholder="Search constituents by name"
        value={value}
        autoFocus={autoFocus}
        onInput={(e) => onInput(e.currentTarget.value)}
      />
    </label>
  );
}

export function ResultList({ results, error, action }: {
  results: ConstituentSummary[] | null;
  error: string | null;
  action: (person: ConstituentSummary) => preact.ComponentChildren;
}) {
  if (error) return <p class="message error" role="alert">Search failed: {error}</p>;
  if (!results) return null;
  if (results.length === 0) return <p class="empty">No one by that name.</p>;
  return (
    <ul class="results" aria-label="Search results">
      {results.map((person) => (
        <li key={person.id}>
          <div>
            <span class="result-name">{person.displayName}</span>
            <span class="result-detail">{[person.emails[0], ...person.tags.slice(0, 2)].filter(Boolean).join(' · ')}</span>
          </div>
          {action(person)}
        </li>
      ))}
    </ul>
  );
}

import { useState } from 'preact/hooks';
import { db } from '../../store/db';
import { recentInteractions } from '../../store/queries';
import { useLiveQuery, useThrottledQuery } from '../hooks';
import { ResultList, SearchBox, useConstituentSearch } from './SearchBox';
import { Timeline } from './Timeline';

/** Not on a profile: find someone, or pick up where you left off. */
export function Home({ onOpen }: { onOpen: (constituentId: string) => void }) {
  const [text, setText] = useState('');
  const { results, error } = useConstituentSearch(text);
  const recent = useLiveQuery(async () => {
    const items = await recentInteractions(db(), 8);
    const people = await db().constituents.bulkGet([...new Set(items.map((i) => i.constituentId))]);
    const names = new Map(people.filter((p) => !!p).map((p) => [p!.id, p!.displayName]));
    return { items, names };
  }, []);
  const count = useThrottledQuery(() => db().constituents.count(), []);

  return (
    <section class="home" aria-labelledby="home-heading">
      <h1 id="home-heading">Kindred</h1>
      <p class="subtitle">
        {count === undefined ? '\u00a0' : count === 0 ? 'No constituents yet.' : `${count.toLocaleString()} constituents in this browser.`}
        {count === 0 && (
          <>
            {' '}
            <a href="options.html" target="_blank">Import a CSV</a>
          </>
        )}
      </p>
      <SearchBox value={text} onInput={setText} autoFocus />
      <ResultList
        results={results}
        error={error}
        action={(person) => (
          <button type="button" class="secondary" aria-label={`Open ${person.displayName}`} onClick={() => onOpen(person.id)}>
            Open
          </button>
        )}
      />
      <h2>Recent interactions</h2>
      {recent ? (
        <Timeline items={recent.items} label="Recent interactions" showWho={(i) => recent.names.get(i.constituentId) ?? null} />
      ) : (
        <p class="loading">Loading…</p>
      )}
    </section>
  );
}

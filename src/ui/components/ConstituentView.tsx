import { useEffect } from 'preact/hooks';
import { send } from '../../browser';
import { publicConnection } from '../../crm/connection';
import { PLATFORM_LABELS, type Platform } from '../../identity';
import { profileUrl } from '../../sites';
import { db } from '../../store/db';
import { identitiesOf, timeline } from '../../store/queries';
import type { FirstCard } from '../../messages';
import { useLiveQuery } from '../hooks';
import { CardSummary } from './CardSummary';
import { LogForm } from './LogForm';
import { Timeline } from './Timeline';

export function ConstituentView({ id, channel, pageUrl, onBack, initial }: {
  id: string;
  /** The platform the user is on, recorded with what they log. */
  channel: Platform | null;
  pageUrl: string | null;
  onBack?: () => void;
  /** The background's copy of this card, shown until the store answers (no "Loading…" flash). */
  initial?: FirstCard | null;
}) {
  const live = useLiveQuery(() => db().constituents.get(id).then((c) => c ?? null), [id]);
  const first = initial?.constituent.id === id ? initial : null;
  const constituent = live !== undefined ? live : (first?.constituent ?? undefined);
  const identities = useLiveQuery(() => identitiesOf(db(), id), [id]);
  const items = useLiveQuery(() => timeline(db(), id), [id]);
  const connection = useLiveQuery(() => publicConnection(db()), []);

  useEffect(() => {
    // The cache shows the card at once; the CRM's latest (card, activities, gifts) follows.
    if (!id.startsWith('local:')) void send('refreshConstituent', { id });
  }, [id]);

  if (constituent === undefined) return <p class="loading">Loading…</p>;
  if (constituent === null) return <p class="empty">This constituent is no longer in Kindred.</p>;
  const canReadGifts = connection === undefined ? (first?.canReadGifts ?? true) : (connection?.canReadGifts ?? true);

  return (
    <article class="constituent" aria-labelledby="constituent-name">
      {onBack && <button type="button" class="link back" onClick={onBack}>← Back</button>}
      <CardSummary constituent={constituent} canReadGifts={canReadGifts} />

      {identities && identities.length > 0 && (
        <ul class="profiles" aria-label="Profiles">
          {identities.map((record) => (
            <li key={record.key}>
              <a href={profileUrl(record)} target="_blank" rel="noreferrer" title={`${record.provenance} · ${record.linkedAt.slice(0, 10)}`}>
                {PLATFORM_LABELS[record.platform]} <span class="handle">{displayHandle(record.handle)}</span>
              </a>
            </li>
          ))}
        </ul>
      )}

      <LogForm constituentId={constituent.id} channel={channel} profileUrl={pageUrl} />

      <section aria-labelledby="timeline-heading">
        <h2 id="timeline-heading">History</h2>
        {items ? <Timeline items={items} /> : <p class="loading">Loading…</p>}
      </section>
    </article>
  );
}

function displayHandle(handle: string): string {
  return handle.startsWith('id:') ? `#${handle.slice(3)}` : handle.includes(':') ? handle : `@${handle}`;
}


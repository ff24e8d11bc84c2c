import { useEffect } from 'preact/hooks';
import { send } from '../../browser';
import { CRM_LABELS, publicConnection } from '../../crm/connection';
import { PLATFORM_LABELS, type Platform } from '../../identity';
import { profileUrl } from '../../sites';
import { db } from '../../store/db';
import { identitiesOf, timeline } from '../../store/queries';
import { givingLines, initials } from '../format';
import { useLiveQuery } from '../hooks';
import { LogForm } from './LogForm';
import { Timeline } from './Timeline';

export function ConstituentView({ id, channel, pageUrl, onBack }: {
  id: string;
  /** The platform the user is on, recorded with what they log. */
  channel: Platform | null;
  pageUrl: string | null;
  onBack?: () => void;
}) {
  const constituent = useLiveQuery(() => db().constituents.get(id).then((c) => c ?? null), [id]);
  const identities = useLiveQuery(() => identitiesOf(db(), id), [id]);
  const items = useLiveQuery(() => timeline(db(), id), [id]);
  const connection = useLiveQuery(() => publicConnection(db()), []);

  useEffect(() => {
    // The cache shows the card at once; the CRM's latest (card, activities, gifts) follows.
    if (!id.startsWith('local:')) void send('refreshConstituent', { id });
  }, [id]);

  useEffect(() => {
    // For the "popup open → card painted" benchmark (issue #5): marks the first paint with data.
    if (constituent) requestAnimationFrame(() => performance.mark('kindred:card-painted'));
  }, [!!constituent]);

  if (constituent === undefined) return <p class="loading">Loading…</p>;
  if (constituent === null) return <p class="empty">This constituent is no longer in Kindred.</p>;
  const giving = givingLines(constituent.giving);

  return (
    <article class="constituent" aria-labelledby="constituent-name">
      {onBack && <button type="button" class="link back" onClick={onBack}>← Back</button>}
      <header class="card-header">
        <div class="avatar" aria-hidden="true">{initials(constituent.displayName)}</div>
        <div>
          <h1 id="constituent-name">{constituent.displayName}</h1>
          <p class="subtitle">
            {constituent.emails[0] ?? 'No email on file'}
            {constituent.source !== 'local' && ` · ${CRM_LABELS[constituent.source as keyof typeof CRM_LABELS] ?? constituent.source}`}
          </p>
        </div>
      </header>

      {constituent.doNotContact && (
        <p class="warning" role="alert">
          <strong>Do not contact.</strong> This person asked not to be contacted; do not solicit or message them.
        </p>
      )}

      {constituent.solicitCodes && constituent.solicitCodes.length > 0 && (
        <ul class="solicit" aria-label="Contact rules">
          {constituent.solicitCodes.map((code) => <li key={code}>{code}</li>)}
        </ul>
      )}

      {constituent.tags.length > 0 && (
        <ul class="tags" aria-label="Tags">
          {constituent.tags.map((tag) => <li key={tag} class="tag">{tag}</li>)}
        </ul>
      )}

      <section class="giving" aria-label="Giving">
        {giving.length > 0 ? (
          <dl>
            {giving.map((line) => (
              <div key={line.label}>
                <dt>{line.label}</dt>
                <dd>
                  {line.value}
                  {line.note && <small>{line.note}</small>}
                </dd>
              </div>
            ))}
          </dl>
        ) : constituent.source !== 'local' && connection && !connection.canReadGifts ? (
          <p class="muted">Giving is not shown: your CRM access may not read gifts.</p>
        ) : (
          <p class="muted">No giving recorded.</p>
        )}
      </section>

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


import { useState } from 'preact/hooks';
import { send } from '../../browser';
import { PLATFORM_LABELS } from '../../identity';
import { INTERACTION_KIND_LABELS, type Interaction } from '../../store/model';
import { dateTime, relative } from '../format';

const STATUS_LABELS = { pending: 'Waiting to sync', failed: 'Not accepted by the CRM', synced: '' } as const;

export function Timeline({ items, label = 'Timeline', showWho }: {
  items: readonly Interaction[];
  label?: string;
  /** Names by constituent id, for lists that mix people (recent interactions). */
  showWho?: (interaction: Interaction) => string | null;
}) {
  if (items.length === 0) return <p class="empty">No interactions yet.</p>;
  return (
    <ul class="timeline" aria-label={label}>
      {items.map((item) => (
        <li key={item.id} class="timeline-item">
          <div class="timeline-meta">
            <span class={`kind kind-${item.kind}`}>{INTERACTION_KIND_LABELS[item.kind]}</span>
            {item.channel && <span class="channel">on {PLATFORM_LABELS[item.channel]}</span>}
            {showWho?.(item) && <span class="who">with {showWho(item)}</span>}
            <time dateTime={item.at} title={dateTime(item.at)}>{relative(item.at)}</time>
          </div>
          {item.summary && <p class="summary">{item.summary}</p>}
          {item.notes && <p class="notes">{item.notes}</p>}
          <div class="timeline-foot">
            {item.author && <span>by {item.author}</span>}
            {item.status !== 'synced' && (
              <span class={`status status-${item.status}`} title={item.lastError ?? undefined}>
                {STATUS_LABELS[item.status]}
              </span>
            )}
            {item.status === 'failed' && <RetryButton id={item.id} />}
          </div>
          {item.status !== 'synced' && item.lastError && (
            <p class="status-reason">{item.status === 'pending' ? `Will try again: ${item.lastError}` : item.lastError}</p>
          )}
        </li>
      ))}
    </ul>
  );
}

/** Sends a failed interaction again (it was kept, with what the CRM said about it). */
function RetryButton({ id }: { id: string }) {
  const [busy, setBusy] = useState(false);
  return (
    <button
      type="button"
      class="link retry"
      disabled={busy}
      onClick={() => {
        setBusy(true);
        void send('retryInteraction', { id }).finally(() => setBusy(false));
      }}
    >
      Retry
    </button>
  );
}

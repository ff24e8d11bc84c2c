import { useEffect } from 'preact/hooks';
import { CRM_LABELS } from '../../crm/labels';
import type { Constituent } from '../../store/model';
import { givingLines, initials } from '../format';

let painted = false;

/**
 * The top of a constituent's card: name, contact rules, tags, giving. It imports neither the store
 * nor zod, so the popup can paint it from the background's reply while the rest of the UI loads.
 */
export function CardSummary({ constituent, canReadGifts }: { constituent: Constituent; canReadGifts: boolean }) {
  useEffect(() => {
    // For the "popup open → card painted" benchmark (issue #5): the first frame with a card.
    if (painted) return;
    painted = true;
    requestAnimationFrame(() => performance.mark('kindred:card-painted'));
  }, []);
  const giving = givingLines(constituent.giving);

  return (
    <>
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
        ) : constituent.source !== 'local' && !canReadGifts ? (
          <p class="muted">Giving is not shown: your CRM access may not read gifts.</p>
        ) : (
          <p class="muted">No giving recorded.</p>
        )}
      </section>
    </>
  );
}

import { render, type ComponentChildren } from 'preact';
import { send } from '../browser';
import { CardSummary } from './components/CardSummary';

/**
 * Paints the popup or the side panel in two steps. The background answers `getTabProfile` with the
 * card of the person the panel shows first (its store is already open), and this small module
 * (preact, no Dexie, no zod) paints that card at once. Then the full panel loads (the store, live
 * queries, history, the log form) and takes over with the same reply: nothing is asked twice and
 * the card does not flash "Loading…".
 */
export function bootPanel(root: HTMLElement, { tabId, subscribe, frame }: {
  tabId: number | null;
  subscribe?: (reload: () => void) => () => void;
  /** What surrounds the panel's body (the popup's "Open in side panel" link). */
  frame: (body: ComponentChildren) => ComponentChildren;
}): void {
  const first = send('getTabProfile', { tabId });
  const preview = first.then(async (reply) => {
    if (!reply.ok || !reply.data.card) return;
    const { card, focus } = reply.data;
    render(
      frame(
        <article class="constituent" aria-labelledby="constituent-name">
          {/* Where the full card's "← Back" goes (a badge-clicked person); it works once loaded. */}
          {focus && <button type="button" class="link back">← Back</button>}
          <CardSummary constituent={card.constituent} canReadGifts={card.canReadGifts} />
        </article>,
      ),
      root,
    );
    // Load the rest after this frame: compiling the full panel's 180 KB on this thread first
    // would hold the reply's paint behind it.
    // (A hidden page gets no frames: the timeout then goes on without one.)
    await new Promise((painted) => {
      requestAnimationFrame(() => setTimeout(painted, 0));
      setTimeout(painted, 100);
    });
  });
  preview
    .then(() => Promise.all([import('./components/Panel'), first]))
    .then(
      ([{ Panel }, reply]) => {
        render(frame(<Panel tabId={tabId} subscribe={subscribe} first={reply} />), root);
      },
      (error: unknown) => {
        const message = error instanceof Error ? error.message : String(error);
        render(frame(<p class="message error" role="alert">Kindred could not load: {message}</p>), root);
      },
    );
}

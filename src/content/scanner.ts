// Finds author links as the page renders them, without getting in its way. Subtrees the page adds
// are scanned right in the mutation callback, for at most SYNC_MS: that runs before the page's
// next style and layout pass, so our hosts are laid out together with the page's new rows instead
// of forcing a second relayout later (measured: that relayout cost more than all our script).
// Whatever does not fit, and the first scan of a loaded page, runs in idle time in short slices.
import { HOST_TAG } from './badge';

const SLICE_MS = 6;
const SYNC_MS = 6;
/** Past this many queued subtrees one document scan is cheaper than scanning each. */
const MAX_QUEUE = 200;

type IdleCallback = (deadline: { timeRemaining(): number }) => void;
const requestIdle: (callback: IdleCallback) => void =
  typeof requestIdleCallback === 'function'
    ? (callback) => requestIdleCallback(callback, { timeout: 250 })
    : (callback) => setTimeout(() => callback({ timeRemaining: () => SLICE_MS }), 16);

/** Calls `scan(root)` for the document and then for every subtree added or re-pointed (href). */
export function observeSubtrees(scan: (root: ParentNode) => void, signal: AbortSignal): void {
  let queue: ParentNode[] = [document];
  let scheduled = false;

  /** Scans queued subtrees until `budgetMs` is spent or `more()` says stop. */
  const drain = (budgetMs: number, more: () => boolean) => {
    const started = performance.now();
    while (queue.length > 0 && !signal.aborted) {
      const root = queue.shift()!;
      if (root === document || (root as Node).isConnected) scan(root);
      if (performance.now() - started > budgetMs || !more()) break;
    }
  };
  const run: IdleCallback = (deadline) => {
    scheduled = false;
    drain(SLICE_MS, () => deadline.timeRemaining() >= 1);
    if (queue.length > 0 && !signal.aborted) schedule();
  };
  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    requestIdle(run);
  };

  const observer = new MutationObserver((records) => {
    for (const record of records) {
      if (record.type === 'attributes') {
        // A virtualised list re-pointed a link at someone else: re-check the link's surroundings.
        const parent = (record.target as Element).parentElement;
        if (parent) queue.push(parent);
        continue;
      }
      for (const node of record.addedNodes) {
        if (node.nodeType === Node.ELEMENT_NODE && (node as Element).localName !== HOST_TAG) queue.push(node as Element);
      }
    }
    if (queue.length > MAX_QUEUE) queue = [document];
    else if (!scheduled) drain(SYNC_MS, () => true); // not while the first full scan is pending
    if (queue.length > 0) schedule();
  });
  observer.observe(document.documentElement, { childList: true, subtree: true, attributes: true, attributeFilter: ['href'] });
  signal.addEventListener('abort', () => observer.disconnect(), { once: true });
  schedule();
}

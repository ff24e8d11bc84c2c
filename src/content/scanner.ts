// Finds author links as the page renders them, without getting in its way: the mutation callback
// only queues the added subtrees; the scanning runs in idle time in short slices.
import { HOST_TAG } from './badge';

const SLICE_MS = 6;
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

  const run: IdleCallback = (deadline) => {
    scheduled = false;
    const started = performance.now();
    while (queue.length > 0 && !signal.aborted) {
      const root = queue.shift()!;
      if (root === document || (root as Node).isConnected) scan(root);
      if (performance.now() - started > SLICE_MS || deadline.timeRemaining() < 1) break;
    }
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
    if (queue.length > 0) schedule();
  });
  observer.observe(document.documentElement, { childList: true, subtree: true, attributes: true, attributeFilter: ['href'] });
  signal.addEventListener('abort', () => observer.disconnect(), { once: true });
  schedule();
}

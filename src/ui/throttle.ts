// Re-running a query that the store's writes invalidate, without letting it compete with them.

/**
 * When a query may run again after its last run: `everyMs` after that run started, and, for a query
 * whose cost grows with the store (a count walks a whole table in Chromium: a second or more at a
 * million rows), only after idling long enough that it takes at most `share` of the time. During a
 * long import the options page's counts would otherwise hold the database's thread for most of it.
 */
export function nextRunAt(last: { startedAt: number; endedAt: number }, everyMs: number, share = 0.05): number {
  const took = Math.max(0, last.endedAt - last.startedAt);
  return Math.max(last.startedAt + everyMs, last.endedAt + took * (1 / share - 1));
}

export interface ThrottledRunner {
  /** Something the query reads may have changed: run it again, when `nextRunAt` allows. */
  changed(): void;
  /**
   * A run of writes has ended (an import, a clear): run once they are all in — at once, or as soon
   * as a run already going ends — without the back-off, which only keeps the query out of the way
   * of writes still to come.
   */
  now(): void;
  stop(): void;
}

/**
 * Runs `query` now, then again after changes, never two at once and never sooner than `nextRunAt`.
 * Each result goes to `onValue` (none after `stop`).
 */
export function throttledRunner<T>(
  query: () => Promise<T>,
  onValue: (value: T) => void,
  everyMs: number,
): ThrottledRunner {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let running = false;
  let dirty = false;
  let urgent = false;
  let stopped = false;
  const last = { startedAt: 0, endedAt: 0 };
  const run = () => {
    timer = null;
    running = true;
    dirty = false;
    urgent = false;
    last.startedAt = Date.now();
    query()
      .then(
        (value) => !stopped && onValue(value),
        (error) => console.error('[kindred] query failed', error),
      )
      .finally(() => {
        running = false;
        last.endedAt = Date.now();
        if (urgent) now();
        else if (dirty) changed();
      });
  };
  const changed = () => {
    if (stopped || timer) return;
    if (running) {
      dirty = true;
      return;
    }
    timer = setTimeout(run, Math.max(0, nextRunAt(last, everyMs) - Date.now()));
  };
  const now = () => {
    if (stopped) return;
    if (running) {
      // It may have read before the last writes committed.
      dirty = urgent = true;
      return;
    }
    if (timer) clearTimeout(timer);
    run();
  };
  run();
  return {
    changed,
    now,
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}

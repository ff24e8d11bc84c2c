import Dexie, { liveQuery } from 'dexie';
import { useEffect, useState } from 'preact/hooks';
import { throttledRunner } from './throttle';

/**
 * Subscribes to a Dexie live query: re-renders when the rows it read change, including writes
 * made by the background (Dexie propagates them across contexts).
 */
export function useLiveQuery<T>(query: () => Promise<T>, deps: readonly unknown[]): T | undefined {
  const [value, setValue] = useState<{ deps: readonly unknown[]; value: T } | undefined>(undefined);
  useEffect(() => {
    const subscription = liveQuery(query).subscribe({
      next: (next) => setValue({ deps, value: next }),
      error: (error) => console.error('[kindred] live query failed', error),
    });
    return () => subscription.unsubscribe();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);
  // Never show the previous subject's rows while the new query is loading.
  return value && sameDeps(value.deps, deps) ? value.value : undefined;
}

function sameDeps(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
}

const settledListeners = new Set<() => void>();

/**
 * A run of writes made from this page has ended (an import, a clear, the demo data): throttled
 * queries run again now rather than after their back-off, which at a million rows is 20–40 s of
 * counts that still say what the store held before.
 */
export function writesSettled(): void {
  for (const listener of settledListeners) listener();
}

/**
 * Like `useLiveQuery`, but re-runs at most every `everyMs`, and less often when the query is slow
 * (see throttle.ts), for queries whose cost grows with the store (counts walk a whole table in
 * Chromium): during an import or a sync that writes a batch every 100 ms, a live count would redo
 * that walk for every batch — quadratic work, and read locks in the writer's way.
 */
export function useThrottledQuery<T>(query: () => Promise<T>, deps: readonly unknown[], everyMs = 2_000): T | undefined {
  const [value, setValue] = useState<{ deps: readonly unknown[]; value: T } | undefined>(undefined);
  useEffect(() => {
    const runner = throttledRunner(query, (next) => setValue({ deps, value: next }), everyMs);
    // Fired for writes in any of Kindred's contexts (Dexie relays them between them).
    const changed = () => runner.changed();
    const settled = () => runner.now();
    Dexie.on.storagemutated.subscribe(changed);
    settledListeners.add(settled);
    return () => {
      runner.stop();
      Dexie.on.storagemutated.unsubscribe(changed);
      settledListeners.delete(settled);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);
  return value && sameDeps(value.deps, deps) ? value.value : undefined;
}

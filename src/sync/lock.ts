// Named, non-waiting locks for background jobs (outbox flush, sync). A job that finds its lock
// held does not queue behind it: the holder already does the work (it re-reads what is due until
// nothing is), so the caller is told `acquired: false` and returns at once.
//
// Web Locks (https://w3c.github.io/web-locks/) are shared by every context of the extension
// origin — the service worker and the extension pages — and are released when the holder's
// context dies, so a killed worker never leaves a lock behind. Where they are missing (Node in
// unit tests), an in-process lock stands in; it lives in this module and dies with it, which is
// exactly the lifetime a lock must have.

export type LockResult<T> = { acquired: true; value: T } | { acquired: false };

/** Runs `job` if the lock `name` is free, holding it until `job` settles; never waits for it. */
export type LockFn = <T>(name: string, job: () => Promise<T>) => Promise<LockResult<T>>;

/** A fresh in-process lock table; each call gives an independent one (useful in tests). */
export function memoryLock(): LockFn {
  const held = new Set<string>();
  return async <T>(name: string, job: () => Promise<T>): Promise<LockResult<T>> => {
    if (held.has(name)) return { acquired: false };
    held.add(name);
    try {
      return { acquired: true, value: await job() };
    } finally {
      held.delete(name);
    }
  };
}

/** The fallback for contexts without `navigator.locks`, one table per module instance. */
export const processLock: LockFn = memoryLock();

function lockManager(): LockManager | null {
  const nav = (globalThis as { navigator?: Navigator }).navigator;
  return nav && 'locks' in nav && nav.locks ? nav.locks : null;
}

/** `navigator.locks.request(name, { ifAvailable: true }, …)`, or `processLock` where that is missing. */
export const webLock: LockFn = async <T>(name: string, job: () => Promise<T>): Promise<LockResult<T>> => {
  const locks = lockManager();
  if (!locks) return processLock(name, job);
  return locks.request(name, { ifAvailable: true }, async (lock): Promise<LockResult<T>> =>
    lock ? { acquired: true, value: await job() } : { acquired: false },
  );
};

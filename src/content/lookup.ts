// Batched, cached "is this person known?" for the content script. One message answers up to 100
// identities; the answers are kept for the life of the tab's page (cleared when the background
// says the store changed), so scrolling back and forth asks nothing again.
export const BATCH = 100;
const MAX_RETRIES = 3;

export interface Lookup {
  /** The cached answer, or undefined after queueing the key for the next batch. */
  get(key: string): boolean | undefined;
  clear(): void;
}

export function createLookup(
  ask: (keys: string[]) => Promise<string[] | null>,
  onAnswer: (key: string, known: boolean) => void,
  delayMs = 16,
): Lookup {
  const cache = new Map<string, boolean>();
  const queued = new Set<string>();
  let timer: ReturnType<typeof setTimeout> | null = null;
  let retries = 0;

  function request(key: string, delay: number) {
    queued.add(key);
    // A short delay gathers one burst of rendering (a timeline screen) into one message.
    timer ??= setTimeout(() => void flush(), delay);
  }

  async function flush() {
    timer = null;
    const keys = [...queued];
    queued.clear();
    for (let i = 0; i < keys.length; i += BATCH) {
      const batch = keys.slice(i, i + BATCH);
      const known = await ask(batch);
      if (!known) {
        // Background unavailable (it is restarting, or failed): ask again shortly, a few times.
        if (retries++ < MAX_RETRIES) for (const key of batch) request(key, 500 * retries);
        continue;
      }
      retries = 0;
      const set = new Set(known);
      for (const key of batch) {
        cache.set(key, set.has(key));
        onAnswer(key, set.has(key));
      }
    }
  }

  return {
    get(key) {
      const cached = cache.get(key);
      if (cached !== undefined) return cached;
      request(key, delayMs);
      return undefined;
    },
    clear() {
      cache.clear();
    },
  };
}

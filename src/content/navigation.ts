// Calls `onChange` whenever the page's URL changes without a reload (SPA navigation).
// Three sources, because none is enough alone: the Navigation API sees the page's own
// main-world pushState from our isolated world (Chromium); `popstate` covers back/forward where
// that API is missing (Firefox ESR); a cheap `location.href` poll is the safety net for both.
export function watchNavigation(onChange: (href: string) => void, signal: AbortSignal, pollMs = 400): void {
  let last = location.href;
  const check = () => {
    if (location.href === last) return;
    last = location.href;
    onChange(last);
  };
  const nav = (globalThis as { navigation?: EventTarget }).navigation;
  nav?.addEventListener('currententrychange', check, { signal });
  addEventListener('popstate', check, { signal });
  const timer = setInterval(check, pollMs);
  signal.addEventListener('abort', () => clearInterval(timer), { once: true });
}

/**
 * Resolves with the first non-null `probe()` result, re-probing after DOM mutations (debounced),
 * or with null after `timeoutMs` or on abort. Used to wait until the page shows the profile the
 * URL points at, since the previous profile's DOM lingers for a moment after pushState.
 */
export function waitFor<T>(probe: () => T | null, signal: AbortSignal, timeoutMs = 8000): Promise<T | null> {
  return new Promise((resolve) => {
    const first = probe();
    if (first !== null || signal.aborted) return resolve(first);
    let scheduled = 0;
    const done = (value: T | null) => {
      observer.disconnect();
      clearTimeout(timeout);
      clearTimeout(scheduled);
      resolve(value);
    };
    const observer = new MutationObserver(() => {
      if (scheduled) return;
      scheduled = setTimeout(() => {
        scheduled = 0;
        const value = probe();
        if (value !== null) done(value);
      }, 150) as unknown as number;
    });
    observer.observe(document, { childList: true, subtree: true, characterData: true });
    const timeout = setTimeout(() => done(null), timeoutMs);
    signal.addEventListener('abort', () => done(null), { once: true });
  });
}

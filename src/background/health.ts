// Selector health: which of a site's probes found nothing, on how many pages, last seen when.
// Shown on the options page so a broken site is visible instead of silently badge-less.
import type { Platform } from '../identity';

export interface HealthEntry {
  platform: Platform;
  probe: string;
  pages: number;
  lastSeen: string;
}
export type HealthLog = Record<string, HealthEntry>;

export function createHealthLog(store: { get(): Promise<unknown>; set(value: HealthLog): Promise<void> }, now = () => new Date()) {
  return {
    async record(platform: Platform, missing: readonly string[]): Promise<void> {
      const raw = await store.get();
      const log: HealthLog = raw && typeof raw === 'object' ? { ...(raw as HealthLog) } : {};
      for (const probe of missing) {
        const key = `${platform}:${probe}`;
        log[key] = { platform, probe, pages: (log[key]?.pages ?? 0) + 1, lastSeen: now().toISOString() };
      }
      await store.set(log);
    },
  };
}

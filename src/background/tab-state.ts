// What each tab is showing, kept in storage.session so a restarted worker still knows it.
import type { TabProfile } from '../messages';

export interface TabStateStore {
  get(tabId: number): Promise<TabProfile | undefined>;
  set(tabId: number, state: TabProfile): Promise<void>;
  clear(tabId: number): Promise<void>;
  /** Tabs that currently hold a reported page. */
  list(): Promise<number[]>;
}

export interface SessionArea {
  get(key: string): Promise<unknown>;
  set(key: string, value: unknown): Promise<void>;
  remove(key: string): Promise<void>;
  keys(): Promise<string[]>;
}

const keyFor = (tabId: number) => `tab:${tabId}`;

export function createTabStateStore(session: SessionArea): TabStateStore {
  return {
    get: async (tabId) => (await session.get(keyFor(tabId))) as TabProfile | undefined,
    set: (tabId, state) => session.set(keyFor(tabId), state),
    clear: (tabId) => session.remove(keyFor(tabId)),
    list: async () =>
      (await session.keys()).filter((key) => key.startsWith('tab:')).map((key) => Number(key.slice(4))),
  };
}

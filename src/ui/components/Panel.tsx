import { useCallback, useEffect, useState } from 'preact/hooks';
import { send } from '../../browser';
import { identityKey } from '../../identity';
import type { Reply, TabView } from '../../messages';
import { db } from '../../store/db';
import { constituentForIdentities } from '../../store/queries';
import { useLiveQuery } from '../hooks';
import { ConstituentView } from './ConstituentView';
import { Home } from './Home';
import { UnknownProfile } from './UnknownProfile';

/**
 * The popup and side panel body: the card of the person on the tab, or ways to find them.
 * `tabId` null means the active tab; `subscribe` lets the side panel follow tab switches.
 */
export function Panel({ tabId, subscribe, first }: {
  tabId: number | null;
  subscribe?: (reload: () => void) => () => void;
  /** The `getTabProfile` reply the page already has (see ui/boot.tsx): not asked for again. */
  first?: Reply<TabView>;
}) {
  const [tab, setTab] = useState<TabView | null>(first?.ok ? first.data : null);
  const [error, setError] = useState<string | null>(first && !first.ok ? first.error.message : null);
  const [opened, setOpened] = useState<string | null>(null);
  const [dismissedFocus, setDismissedFocus] = useState<string | null>(null);

  const load = useCallback(async () => {
    const reply = await send('getTabProfile', { tabId });
    if (reply.ok) {
      // A person opened from search belongs to the page it was opened on.
      setTab((previous) => {
        if (previous && previous.url !== reply.data.url) setOpened(null);
        return reply.data;
      });
      setError(null);
    } else setError(reply.error.message);
  }, [tabId]);

  useEffect(() => {
    if (!first) void load();
    return subscribe?.(() => void load());
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [load, subscribe]);

  // A badge clicked in the page names the person to show; otherwise the page's profile.
  const focusKey = tab?.focus ? identityKey(tab.focus) : null;
  const focused = tab?.focus && focusKey !== dismissedFocus ? tab.focus : null;
  // Watch the store, not the reply: linking or creating flips this view to the card at once.
  const identities = focused ? [focused] : (tab?.profile?.identities ?? null);
  const match = useLiveQuery(
    async () => (identities ? ((await constituentForIdentities(db(), identities))?.id ?? null) : null),
    [JSON.stringify(identities)],
  );

  if (error) return <p class="message error" role="alert">Kindred could not read this tab: {error}</p>;
  if (!tab) return <p class="loading">Loading…</p>;
  // Until the store answers, the background's answer (it resolved the page's profile for the
  // toolbar badge) shows the card at once; the store's live answer then takes over.
  const shown = match !== undefined ? match : focused ? tab.card?.constituent.id : tab.constituentId;
  if (shown === undefined) return <p class="loading">Loading…</p>;

  const channel = tab.profile?.identities[0]?.platform ?? null;
  // Keyed by person, so a half-written note never carries over to the next profile.
  if (opened) return <ConstituentView key={opened} id={opened} channel={null} pageUrl={null} onBack={() => setOpened(null)} />;
  if (shown) {
    return (
      <ConstituentView
        key={shown}
        id={shown}
        channel={channel}
        pageUrl={focused ? null : tab.url}
        onBack={focused ? () => setDismissedFocus(focusKey) : undefined}
        initial={tab.card}
      />
    );
  }
  if (tab.profile) return <UnknownProfile key={tab.url ?? ''} profile={tab.profile} url={tab.url} />;
  return <Home onOpen={setOpened} />;
}

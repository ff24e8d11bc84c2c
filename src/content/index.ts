// Content script: recognise the profile on screen and the authors on the page, and tell the
// background. It holds no constituent data: the background answers known/unknown only, shown on
// the toolbar badge and as badges inside closed shadow roots.
import { browser, send } from '../browser';
import { identityKey } from '../identity';
import { siteFor } from '../sites';
import { detectMastodonAt, isMastodonDocument, mastodonSite } from '../sites/mastodon';
import type { PageProfile, SiteAdapter } from '../sites/types';
import { createLookup } from './lookup';
import { waitFor, watchNavigation } from './navigation';
import { createPageBadges } from './page-badges';

const HEALTH_DELAY_MS = 6000;

function profileKey(profile: PageProfile | null): string {
  return profile ? profile.identities.map(identityKey).join(',') + `|${profile.displayName ?? ''}` : '';
}

function start(site: SiteAdapter): void {
  const life = new AbortController();
  let current: AbortController | null = null;
  const lookup = createLookup(
    async (keys) => {
      const reply = await send('lookupIdentities', { keys });
      return reply.ok ? reply.data.known : null;
    },
    (key, known) => badges.answer(key, known),
  );
  const badges = createPageBadges(site, lookup, (key) => void send('openPanel', { key }));

  const run = async (href: string) => {
    current?.abort();
    const controller = new AbortController();
    current = controller;
    const { signal } = controller;
    const url = new URL(href);
    const fromUrl = site.detect(url);
    const initial: PageProfile | null = fromUrl ? { identities: [fromUrl], displayName: null } : null;
    // The URL answers at once (badge within a second); the page may then confirm or upgrade it.
    const reply = await send('reportNavigation', { url: href, profile: initial });
    if (signal.aborted || !reply.ok) return;
    if (!reply.data.recognize) {
      life.abort(); // switched off for this site: stop watching altogether
      return;
    }
    if (reply.data.badges) badges.start(url, signal);
    scheduleHealthCheck(site, url, signal);
    if (!fromUrl || !site.fromDocument) return;
    const fromDocument = site.fromDocument.bind(site);
    const confirmed = await waitFor(() => fromDocument(document, url), signal);
    if (confirmed && !signal.aborted && profileKey(confirmed) !== profileKey(initial)) {
      void send('reportNavigation', { url: href, profile: confirmed });
    }
  };

  // The background says the store changed (an import, a link): ask again for everyone on the page.
  browser.runtime.onMessage.addListener((message: unknown, sender: { id?: string }) => {
    if (sender.id !== browser.runtime.id || life.signal.aborted) return;
    if ((message as { kindred?: number; type?: string })?.type === 'storeChanged') badges.recheck();
  });

  void run(location.href);
  watchNavigation((href) => void run(href), life.signal);
  life.signal.addEventListener('abort', () => current?.abort(), { once: true });
}

/** Once per page: which of the site's selectors found nothing where they should have. */
function scheduleHealthCheck(site: SiteAdapter, url: URL, signal: AbortSignal): void {
  const probes = site.probes?.filter((probe) => probe.expectedOn(url)) ?? [];
  if (probes.length === 0) return;
  const timer = setTimeout(() => {
    if (signal.aborted || document.visibilityState !== 'visible') return;
    const missing = probes.filter((probe) => !document.querySelector(probe.selector)).map((probe) => probe.name);
    if (missing.length > 0) void send('reportHealth', { url: url.href, missing });
  }, HEALTH_DELAY_MS);
  signal.addEventListener('abort', () => clearTimeout(timer), { once: true });
}

/**
 * Our site for this page: a built-in host, or one of the user's own Mastodon servers (the only
 * other hosts we are registered on), confirmed by the Mastodon web app's markers.
 */
function siteForPage(): SiteAdapter | null {
  return siteFor(location.href) ?? (isMastodonDocument(document) ? { ...mastodonSite, detect: detectMastodonAt } : null);
}

const site = siteForPage();
if (site) {
  try {
    start(site);
  } catch (error) {
    console.warn(`[kindred:${site.platform}]`, error);
  }
}

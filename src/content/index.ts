// Content script: recognise the profile on screen and tell the background. It holds no
// constituent data and injects nothing into the page; the answer is shown on the toolbar badge.
import { send } from '../browser';
import { identityKey } from '../identity';
import { siteFor } from '../sites';
import type { PageProfile, SiteAdapter } from '../sites/types';
import { waitFor, watchNavigation } from './navigation';

function profileKey(profile: PageProfile | null): string {
  return profile ? profile.identities.map(identityKey).join(',') + `|${profile.displayName ?? ''}` : '';
}

function start(site: SiteAdapter): void {
  let current: AbortController | null = null;

  const run = (href: string) => {
    current?.abort();
    const controller = new AbortController();
    current = controller;
    const { signal } = controller;
    const url = new URL(href);
    const fromUrl = site.detect(url);
    const report = (profile: PageProfile | null) => {
      if (!signal.aborted) void send('reportNavigation', { url: href, profile });
    };
    // The URL answers at once (badge within a second); the page may then confirm or upgrade it
    // (numeric ids, the display name), which is reported when it differs.
    const initial: PageProfile | null = fromUrl ? { identities: [fromUrl], displayName: null } : null;
    report(initial);
    if (!fromUrl || !site.fromDocument) return;
    const fromDocument = site.fromDocument.bind(site);
    void waitFor(() => fromDocument(document, url), signal).then((confirmed) => {
      if (confirmed && profileKey(confirmed) !== profileKey(initial)) report(confirmed);
    });
  };

  run(location.href);
  watchNavigation(run, new AbortController().signal);
}

const site = siteFor(location.href);
if (site) {
  try {
    start(site);
  } catch (error) {
    console.warn(`[kindred:${site.platform}]`, error);
  }
}

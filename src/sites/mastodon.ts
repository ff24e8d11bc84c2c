import type { Identity } from '../identity';
import { attr, authors, named, q, site } from './dom';
import type { PageProfile, SiteAdapter } from './types';
import { atName, enc, identity, lower, lowered } from './url';

// No real Mastodon page was found (shared/fixtures/pages/SOURCES.md), so every selector here comes
// from mastodon/mastodon's web UI source (file named beside it) and is exercised by
// tests/fixtures/sites/mastodon/*.html, which model that markup.
// A `const enum`: esbuild writes each selector where it is used, so the names cost no bytes.
const enum SEL {
  // Author name links, each wrapping avatar + display name, href `/@acct`:
  // timeline/thread statuses (components/status/legacy/header.tsx LinkedDisplayName),
  // the focused status (features/status/components/detailed_status), account rows in
  // follower/search lists (components/account.tsx) and the hover card (hover_card_account.tsx).
  author = 'a.status__display-name,a.detailed-status__display-name,a.account__display-name,a.hover-card__name',
  // A status permalink always renders the focused status' author (detailed_status.tsx; health probe).
  status = 'a.detailed-status__display-name',
  // Not authors: "X boosted" / "Replied to X" (status/prepend.tsx uses `status__display-name muted`)
  // and mentions inside the post text (`a.mention` in `.status__content`).
  context = '.status__prepend,.status__content',
  // Any host serving the Mastodon web app (app/views/shared/_web_app.html.haml).
  app = 'div#mastodon[data-props]',
  state = 'script#initial-state',
  // The server-rendered profile head (accounts/show.html.haml).
  profile = 'meta[property="og:type"][content="profile"]',
  actor = 'link[rel="alternate"][type="application/activity+json"]',
}

const STATE: string = SEL.state;

/** §1: the built-in instance list is a project decision; other instances need user config + DOM (§3). */
export const MASTODON_HOSTS: readonly string[] = (
  'mastodon.social fosstodon.org hachyderm.io infosec.exchange mas.to mstdn.social mastodon.online ' +
  'mastodon.world techhub.social universeodon.com mastodon.art chaos.social sigmoid.social mathstodon.xyz ' +
  'ioc.exchange toot.community social.vivaldi.net mstdn.jp pawoo.net baraag.net'
).split(' ');

// mastodon/mastodon app/models/account.rb USERNAME_RE (§2), applied after lowercasing.
const USER = /^[a-z0-9_]+(?:[.-]+[a-z0-9_]+)*$/;
const DOMAIN = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** `user` or `user@domain` → canonical `user@domain`; a local account takes the page host (§1). */
export const acct = (raw: string | null | undefined, host: string): string | null => {
  const [user = '', domain = host, ...rest] = lower(raw)?.split('@') ?? [];
  return raw && !rest.length && USER.test(user) && DOMAIN.test(domain) ? `${user}@${domain}` : null;
};

/** §1 forms /@u, /@u@d, /users/u, /web/@u (plus sub-pages): the raw `u` or `u@d`, or null. */
const account = (url: URL): string | null => {
  const [first, second] = lowered(url);
  return first === 'users' ? (second?.includes('@') ? null : second ?? null) : atName(first === 'web' ? second : first);
};

/**
 * The §1 Mastodon path rules on ANY host: for instances the user added or the page proved to be
 * Mastodon (`isMastodonDocument`). `/@user` on host h is `user@h`; `/@user@other.domain` keeps its domain.
 */
export const detectMastodonAt = (url: URL): Identity | null => identity('mastodon', acct(account(url), url.hostname));

/** True when `doc` is served by the Mastodon web app (§3: the app holder plus its initial state). */
export const isMastodonDocument = (doc: Document): boolean => !!q(doc, SEL.app) && !!q(doc, STATE);

/**
 * §3 Mastodon: the profile named by the title `Name (@user@domain) - Site` (accounts/show.html.haml;
 * the web UI's `titleFromAccount` rewrites it on SPA navigation), else by the server-rendered profile
 * head: og:type=profile plus the activity+json actor `https://<web host>/users/<user>`. Returns the
 * canonical `user@domain`, which can differ from the web host (WEB_DOMAIN ≠ LOCAL_DOMAIN): a local
 * `/@user` URL means `user@<LOCAL_DOMAIN>`, and the web app's initial state carries LOCAL_DOMAIN as
 * `meta.domain` (its first few KB are enough).
 */
const fromDocument = (doc: Document, url: URL): PageProfile | null => {
  const raw = account(url);
  const local = !raw?.includes('@');
  const domain = local && /"domain":"([a-z0-9.-]+)"/i.exec(q(doc, STATE)?.textContent?.slice(0, 4000) ?? '')?.[1];
  const want = acct(raw, domain || url.hostname);
  const title = doc.title.trim();
  const m = / \(@([^()\s]+)\)(?: - .*)?$/s.exec(title);
  const actor = local && q(doc, SEL.profile) ? attr(doc, SEL.actor, 'href') : null;
  return want &&
    (lower(m?.[1]) === want || lower(actor) === `https://${url.hostname}/users/${want.split('@')[0]}`)
    ? named('mastodon', [want], m && title.slice(0, m.index).trim())
    : null;
};

export const mastodonSite: SiteAdapter = {
  ...site(
    'mastodon',
    MASTODON_HOSTS,
    (url) => (MASTODON_HOSTS.includes(url.hostname) ? detectMastodonAt(url) : null),
    fromDocument,
    /**
     * Author links on any Mastodon host. Links to another host are skipped: 4.x links every account
     * as `/@acct` on the page's own host, and a foreign host is not known to be Mastodon.
     */
    (root, url) =>
      authors(root, url, SEL.author, { hosts: [url.hostname], detect: detectMastodonAt }, (a) => !a.closest(SEL.context), 0, 1),
    (handle) => {
      const at = handle.lastIndexOf('@');
      const domain = handle.slice(at + 1);
      // Only a validated domain becomes a host: a CRM value must not be able to point us anywhere.
      return at > 0 && DOMAIN.test(domain)
        ? `https://${domain}/@${enc(handle.slice(0, at))}`
        : `https://mastodon.social/@${enc(handle)}`;
    },
    'mastodon-status-author',
    SEL.status,
    (url) => /^\/@[^/]+\/\d+\/?$/.test(url.pathname),
  ),
  // Not behind `detect`: the content script also runs it on the user's own instances, where it
  // swaps `detect` for `detectMastodonAt`.
  fromDocument,
};

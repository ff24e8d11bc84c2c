import type { SiteAdapter } from './types';
import { atName, enc, identity, segments } from './url';

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
export function acct(raw: string | null | undefined, host: string): string | null {
  if (!raw) return null;
  const [user = '', domain = host, ...rest] = raw.toLowerCase().split('@');
  return !rest.length && USER.test(user) && DOMAIN.test(domain) ? `${user}@${domain}` : null;
}

export const mastodonSite: SiteAdapter = {
  platform: 'mastodon',
  hosts: MASTODON_HOSTS,
  // §1 forms: /@u, /@u@d, /users/u, /web/@u (plus sub-pages such as /@u/<status> or /@u/media).
  detect: (url) => {
    const s = segments(url);
    if (!s) return null;
    const [first, second] = s.map((p) => p.toLowerCase());
    const raw =
      first === 'users' ? (second?.includes('@') ? null : second) : atName(first === 'web' ? second : first);
    return identity('mastodon', acct(raw, url.hostname));
  },
  profileUrl: (handle) => {
    const at = handle.lastIndexOf('@');
    const user = handle.slice(0, at);
    const domain = handle.slice(at + 1);
    // Only a validated domain becomes a host: a CRM value must not be able to point us anywhere.
    return at > 0 && DOMAIN.test(domain)
      ? `https://${domain}/@${enc(user)}`
      : `https://mastodon.social/@${enc(handle)}`;
  },
};

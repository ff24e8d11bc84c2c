import type { Identity } from '../identity';
import type { SiteAdapter } from './types';
import { enc, identity, segments, words } from './url';

// §2 Instagram: `p`/`reel`/`tv` carry no author; the rest are app routes. `stories` is handled below.
const RESERVED = words('p reel tv explore accounts direct reels legal developer web challenge graphql api');
const USERNAME = /^[a-z0-9._]{1,30}$/;

/** §1 instagram/threads rule, shared with Threads: no leading/trailing dot and no `..`. */
export function igUsername(raw: string | null | undefined): string | null {
  const u = raw?.toLowerCase();
  return u && USERNAME.test(u) && u[0] !== '.' && !u.endsWith('.') && !u.includes('..') ? u : null;
}

function detect(url: URL): Identity | null {
  const s = segments(url);
  const first = s?.[0]?.toLowerCase();
  if (!s || !first) return null;
  // §2: /stories/<u>/<id> is <u>'s story; /stories/highlights/<id> has no author.
  if (first === 'stories') {
    const u = s[1]?.toLowerCase();
    return u === 'highlights' ? null : identity('instagram', igUsername(u));
  }
  return RESERVED.has(first) ? null : identity('instagram', igUsername(first));
}

export const instagramSite: SiteAdapter = {
  platform: 'instagram',
  hosts: ['instagram.com', 'www.instagram.com', 'm.instagram.com', 'instagr.am', 'www.instagr.am'],
  detect,
  profileUrl: (handle) => `https://www.instagram.com/${enc(handle)}/`,
};

import type { SiteAdapter } from './types';
import { atName, enc, identity, segments } from './url';

// §1 tiktok: 2–24 of [a-z0-9._], not ending in a dot. secUid paths (`/@MS4wLjABAAAA…`) fail on length.
const USERNAME = /^[a-z0-9._]{2,24}$/;

export const tiktokSite: SiteAdapter = {
  platform: 'tiktok',
  hosts: ['tiktok.com', 'www.tiktok.com', 'm.tiktok.com'],
  // §2: /@u, /@u/video/<id>, /@u/photo/<id> give u; short links (/t/<code>) need a redirect, so null.
  detect: (url) => {
    const u = atName(segments(url)?.[0])?.toLowerCase();
    return identity('tiktok', u && USERNAME.test(u) && !u.endsWith('.') ? u : null);
  },
  profileUrl: (handle) => `https://www.tiktok.com/@${enc(handle)}`,
};

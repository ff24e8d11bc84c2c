import type { SiteAdapter } from './types';
import { enc, identity, segments } from './url';

// atproto syntax (§2 Bluesky): handle = ≥2 DNS labels of 1–63 chars, TLD starts with a letter.
const HANDLE = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const DID = /^did:[a-z]+:[a-zA-Z0-9._:%-]*[a-zA-Z0-9._-]$/;

/** §1 bluesky: a DID keeps its case; a handle is lowercased (`normalizeHandle`). */
export function actor(raw: string | null | undefined): string | null {
  if (!raw) return null;
  if (raw.startsWith('did:')) return DID.test(raw) ? raw : null;
  const h = raw.toLowerCase();
  return h.length <= 253 && HANDLE.test(h) ? h : null;
}

export const blueskySite: SiteAdapter = {
  platform: 'bluesky',
  hosts: ['bsky.app'],
  // §2: /profile/<actor> and every sub-page (post, followers, lists…) belong to <actor>.
  detect: (url) => {
    const s = segments(url);
    return s?.[0]?.toLowerCase() === 'profile' ? identity('bluesky', actor(s[1])) : null;
  },
  profileUrl: (handle) => `https://bsky.app/profile/${enc(handle)}`,
};

import type { Identity } from '../identity';
import type { SiteAdapter } from './types';
import { atName, enc, identity, segments } from './url';

// §1 youtube. Handles, /user/ names and /c/ names are different namespaces, so each keeps its prefix
// and a bare /<name> is null (§2, danbooru youtube.rb).
const HANDLE = /^[\p{L}\p{N}._-]{3,30}$/u;
export const CHANNEL = /^UC[A-Za-z0-9_-]{22}$/;
const NAME = /^[\p{L}\p{N}._-]{1,100}$/u;

const yt = (handle: string | null | undefined): Identity | null => identity('youtube', handle);

function detect(url: URL): Identity | null {
  const s = segments(url);
  const first = s?.[0];
  if (!s || !first) return null;
  const at = atName(first)?.toLowerCase();
  if (at !== undefined) return yt(HANDLE.test(at) ? at : null);
  const kind = first.toLowerCase();
  const value = s[1];
  if (!value) return null;
  // Channel ids keep their case (§1 rule 4).
  if (kind === 'channel') return yt(CHANNEL.test(value) ? `channel:${value}` : null);
  if (kind !== 'user' && kind !== 'c') return null;
  const name = value.toLowerCase();
  return yt(NAME.test(name) ? `${kind}:${name}` : null);
}

export const youtubeSite: SiteAdapter = {
  platform: 'youtube',
  hosts: ['youtube.com', 'www.youtube.com', 'm.youtube.com'],
  detect,
  profileUrl: (handle) => {
    const m = /^(channel|user|c):(.*)$/.exec(handle);
    return m ? `https://www.youtube.com/${m[1]}/${enc(m[2] ?? '')}` : `https://www.youtube.com/@${enc(handle)}`;
  },
};

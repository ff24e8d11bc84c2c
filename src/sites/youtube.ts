import type { Identity } from '../identity';
import type { AuthorLink, PageProfile, Probe, SiteAdapter } from './types';
import { atName, enc, identity, segments } from './url';
import { attr, linked, within } from './x';

// The saved pages (shared/fixtures/pages/youtube, SOURCES.md) are server HTML whose DOM is only the
// `ytd-app` shell; the rendered Polymer anchors below are modelled in tests/fixtures/sites/youtube/watch.html
// and search.html from the real pages' ytInitialData (same channels, same URL forms).
const SEL = {
  // Channel name links: the video owner on watch pages (`ytd-video-owner-renderer`), related videos,
  // search results, home/grid items.
  name: 'ytd-channel-name a[href]',
  // Comment authors (`ytd-comment-renderer` and `ytd-comment-view-model` both use `a#author-text`).
  comment: 'a#author-text',
  // Channel results in search: one link around avatar and name.
  channel: 'ytd-channel-renderer a#main-link',
  // Search results carry a second, hidden byline copy of the channel name.
  hidden: '[hidden]',
  owner: 'ytd-video-owner-renderer ytd-channel-name a[href]',
};
const NAMES = `${SEL.name},${SEL.comment},${SEL.channel}`;

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

/**
 * Channel links of video owners, related and search-result videos, channel results and comment
 * authors. Mentions in descriptions and comments (`#content-text a`) and the viewer's guide
 * entries are not matched; hidden byline copies are skipped.
 */
function authorLinks(root: ParentNode, url: URL): AuthorLink[] {
  const out: AuthorLink[] = [];
  for (const a of within(root, NAMES)) {
    const who = !a.closest(SEL.hidden) && linked(a.getAttribute('href'), url, youtubeSite);
    if (who) out.push({ element: a, identity: who });
  }
  return out;
}

// ytInitialData's channelMetadataRenderer holds the channel id and the channel's own vanity URL in
// one object (channel-onemedia: `/@OneMedia.`; channel-pietsmiet-legacy-urls: `/c/pietsmiet`).
// It is read from a bounded window after its key, never by a regex over the whole large script.
const META_KEY = '"channelMetadataRenderer":{';
const EXTERNAL_ID = /"externalId":"(UC[\w-]{22})"/;
const OWNER_URL = /"ownerUrls":\["([^"]{1,200})"/;

/**
 * §3 YouTube: upgrades `/@handle`, `/c/…` and `/user/…` to `channel:UC…` (URL identity first) and
 * adds the vanity to `/channel/UC…`. The <head> and ytInitialData stay from the first load after
 * SPA navigation, so the channel id is taken only from the metadata object that also names the
 * URL's own channel (its vanity URL or its id); `link[rel=canonical]` alone confirms a `/channel/`
 * URL but cannot tie a handle to an id.
 */
function fromDocument(doc: Document, url: URL): PageProfile | null {
  const want = detect(url);
  if (!want) return null;
  const identities = [want];
  let ok = linked(attr(doc, 'link[rel="canonical"]', 'href'), url, youtubeSite)?.handle === want.handle;
  for (const script of doc.querySelectorAll('script:not([src])')) {
    const text = script.textContent ?? '';
    const start = text.indexOf(META_KEY);
    if (start < 0) continue;
    const meta = text.slice(start, start + 20000);
    const id = EXTERNAL_ID.exec(meta)?.[1];
    const owner = linked(OWNER_URL.exec(meta)?.[1], url, youtubeSite);
    if (id && (owner?.handle === want.handle || `channel:${id}` === want.handle)) {
      ok = true;
      for (const handle of [`channel:${id}`, owner?.handle]) {
        if (handle && handle !== want.handle) identities.push({ platform: 'youtube', handle });
      }
    }
    break;
  }
  return ok ? { identities, displayName: attr(doc, 'meta[property="og:title"]')?.trim() || null } : null;
}

const probes: Probe[] = [
  {
    // Every rendered desktop watch page names the video's channel (m.youtube.com is `ytm-*` markup).
    name: 'video-owner',
    selector: SEL.owner,
    expectedOn: (url) => url.hostname !== 'm.youtube.com' && url.pathname === '/watch',
  },
];

export const youtubeSite: SiteAdapter = {
  platform: 'youtube',
  hosts: ['youtube.com', 'www.youtube.com', 'm.youtube.com'],
  detect,
  fromDocument,
  authorLinks,
  probes,
  profileUrl: (handle) => {
    const m = /^(channel|user|c):(.*)$/.exec(handle);
    return m ? `https://www.youtube.com/${m[1]}/${enc(m[2] ?? '')}` : `https://www.youtube.com/@${enc(handle)}`;
  },
};

import type { Identity } from '../identity';
import { authors, canonical, named, og, SCRIPTS, site } from './dom';
import type { PageProfile } from './types';
import { enc, identity, linked, segments, valid } from './url';

// The saved pages (shared/fixtures/pages/youtube, SOURCES.md) are server HTML whose DOM is only the
// `ytd-app` shell; the rendered Polymer anchors below are modelled in tests/fixtures/sites/youtube/watch.html
// and search.html from the real pages' ytInitialData (same channels, same URL forms).
// A `const enum`: esbuild writes each selector where it is used, so the names cost no bytes.
const enum SEL {
  // Channel name links: the video owner on watch pages (`ytd-video-owner-renderer`), related videos,
  // search results, home/grid items.
  name = 'ytd-channel-name a[href]',
  // Comment authors (`ytd-comment-renderer` and `ytd-comment-view-model` both use `a#author-text`).
  comment = 'a#author-text',
  // Channel results in search: one link around avatar and name.
  channel = 'ytd-channel-renderer a#main-link',
  // Search results carry a second, hidden byline copy of the channel name.
  hidden = '[hidden]',
  // The video owner's block, holding its `name` link (health probe).
  owner = 'ytd-video-owner-renderer',
}
const CHANNEL_NAME: string = SEL.name;

// §1 youtube. Handles, /user/ names and /c/ names are different namespaces, so each keeps its prefix
// and a bare /<name> is null (§2, danbooru youtube.rb).
const HANDLE = /^[\p{L}\p{N}._-]{3,30}$/u;
export const CHANNEL = /^UC[A-Za-z0-9_-]{22}$/;
const NAME = /^[\p{L}\p{N}._-]{1,100}$/u;

const detect = (url: URL): Identity | null => {
  const [first = '', value = ''] = segments(url) ?? [];
  const kind = first.toLowerCase();
  const name = value.toLowerCase();
  return identity(
    'youtube',
    first[0] === '@'
      ? valid(HANDLE, kind.slice(1))
      : // Channel ids keep their case (§1 rule 4).
        kind === 'channel'
        ? CHANNEL.test(value) && `channel:${value}`
        : (kind === 'user' || kind === 'c') && NAME.test(name) && `${kind}:${name}`,
  );
};

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
const fromPage = (doc: Document, url: URL, { handle: want }: Identity): PageProfile | null => {
  const handles: (string | undefined)[] = [want];
  let ok = linked(canonical(doc), url, youtubeSite)?.handle === want;
  for (const script of doc.querySelectorAll(SCRIPTS)) {
    const text = script.textContent ?? '';
    const start = text.indexOf(META_KEY);
    if (start < 0) continue;
    const meta = text.slice(start, start + 20000);
    const id = EXTERNAL_ID.exec(meta)?.[1];
    const owner = linked(OWNER_URL.exec(meta)?.[1], url, youtubeSite)?.handle;
    if (id && (owner === want || `channel:${id}` === want)) {
      handles.push(`channel:${id}`, owner);
      ok = true;
    }
    break;
  }
  return ok ? named('youtube', handles, og(doc, 'title')?.trim()) : null;
};

export const youtubeSite = site(
  'youtube',
  ['youtube.com', 'www.youtube.com', 'm.youtube.com'],
  detect,
  fromPage,
  /**
   * Channel links of video owners, related and search-result videos, channel results and comment
   * authors. Mentions in descriptions and comments (`#content-text a`) and the viewer's guide
   * entries are not matched; hidden byline copies are skipped.
   */
  (root, url) => authors(root, url, `${CHANNEL_NAME},${SEL.comment},${SEL.channel}`, youtubeSite, (a) => !a.closest(SEL.hidden)),
  (handle) => {
    const m = /^(channel|user|c):(.*)$/.exec(handle);
    return m ? `https://www.youtube.com/${m[1]}/${enc(m[2] ?? '')}` : `https://www.youtube.com/@${enc(handle)}`;
  },
  // Every rendered desktop watch page names the video's channel (m.youtube.com is `ytm-*` markup).
  'video-owner',
  `${SEL.owner} ${CHANNEL_NAME}`,
  (url) => url.hostname !== 'm.youtube.com' && url.pathname === '/watch',
);

import type { Identity } from '../identity';
import { attr, authors, heads, named, q, site, text } from './dom';
import { enc, identity, linked, lowered, segments, str, valid } from './url';

// Every selector this adapter relies on, each with the page it was checked against:
// real = shared/fixtures/pages/linkedin (SOURCES.md), unit = tests/fixtures/sites/linkedin.
// A `const enum`: esbuild writes each selector where it is used, so the names cost no bytes.
const enum SEL {
  // 2023+ feed post actor. The rendered home feed always shows post actors (update-components-actor__*,
  // the 2026 feed listed in SOURCES.md "Found but not copied"), so this is also the health probe;
  // logged out, /feed/ redirects to the login wall.
  actor = 'a.update-components-actor__meta-link',
  // Author positions only (`actor` and these), so a company link counts exactly when a company is the
  // author: feed post actor (2019–22 `feed-shared-actor__container-link`, unit feed.html, modelled on
  // the rendered feeds listed under "Found but not copied"), comment authors
  // (`comments-post-meta__actor-link`, 2024+ `comments-comment-meta__description-container`), and the
  // name link of "People also viewed" rows (real public-profile-julianamelung-2016.html).
  author =
    'a.feed-shared-actor__container-link,a.comments-post-meta__actor-link,' +
    'a.comments-comment-meta__description-container,.browse-map .item-title a',
  // Profile name: logged-in top card (Twenty's extractPersonProfile.ts), else the page h1
  // (real 2016 guest page `h1#name`).
  name = '.text-heading-xlarge',
  // The top card's "Contact info" link names the profile being shown (`/in/<slug>/overlay/contact-info/`).
  contact = 'a[href*="/overlay/contact-info"]',
  // Server-rendered Voyager JSON (real feed-loggedin-andressantossanz-serverhtml.html: 37 blocks;
  // the `datalet-bpr-guid-*` siblings only describe the request).
  voyager = 'code[id^="bpr-guid-"]',
}

const ACTOR: string = SEL.actor;

// §1 linkedin. The URN test runs on the raw segment because URN ids are case-sensitive.
const URN = /^AC[ow]AA[A-Za-z0-9_-]{20,}$/;
// 3–100 code points, and never `me` (the viewer's redirect), which is too short anyway.
const PERSON = /^[\p{L}\p{M}\p{N}_-]{3,100}$/u;
const PUB_PART = /^[0-9a-f]{1,3}$/;
const COMPANY = /^[\p{L}\p{N}_.-]+$/u;

/** A `/in/<slug>` person: URN id as-is, else the lowercased slug. */
const person = (raw: string | undefined): string | null =>
  raw && URN.test(raw) ? `urn:${raw}` : valid(PERSON, raw);

const detect = (url: URL): Identity | null => {
  const [first, second, a, b, c] = lowered(url);
  return identity(
    'linkedin',
    first === 'in'
      ? person(segments(url)![1])
      : first === 'company'
        ? valid(COMPANY, second) && `company:${second}`
        : // §2: /pub/<name>/<a>/<b>/<c> redirects to /in/<name>-<c><b><a> with b and c zero-padded.
          first === 'pub' &&
          second !== 'dir' &&
          !!c &&
          [a, b, c].every((p) => PUB_PART.test(p!)) &&
          person(`${second}-${c.padStart(3, '0')}${b!.padStart(3, '0')}${a}`),
  );
};

// §1: `<2 letters>.linkedin.com` country hosts serve the same profiles. Listed explicitly so host
// matching stays an exact lookup (676 short strings, generated at load, not shipped).
const letters = [...'abcdefghijklmnopqrstuvwxyz'];
const HOSTS = ['linkedin.com', 'www.linkedin.com', ...letters.flatMap((a) => letters.map((b) => `${a}${b}.linkedin.com`))];

const FSD = 'urn:li:fsd_profile:';

/**
 * §3 LinkedIn: the Voyager JSON pairs a member's slug (`publicIdentifier`) with their URN id
 * (`entityUrn`) in one object. Bounded: only `<code>` blocks under 1 MB whose text contains the
 * wanted slug or URN are parsed, and the first object holding both for that member wins.
 */
const voyager = (doc: Document, handle: string): string[] | null => {
  const urn = handle.startsWith('urn:') && handle.slice(4);
  const needle = urn ? FSD + urn : `"publicidentifier":"${handle}"`;
  for (const block of doc.querySelectorAll(SEL.voyager)) {
    const t = block.textContent ?? '';
    if (t.length > 1e6 || !(urn ? t : t.toLowerCase()).includes(needle)) continue;
    const stack: unknown[] = [];
    try {
      stack.push(JSON.parse(t));
    } catch {
      continue;
    }
    while (stack.length) {
      const v = stack.pop();
      if (!v || typeof v !== 'object') continue;
      const { publicIdentifier: slug, entityUrn: id } = v as Record<string, unknown>;
      if (str(slug) && str(id)?.startsWith(FSD)) {
        const pair = [person(slug as string), person((id as string).slice(FSD.length))];
        if (pair[0] && pair[1]?.startsWith('urn:') && pair.includes(handle)) return pair as string[];
      }
      for (const child of Object.values(v)) stack.push(child);
    }
  }
  return null;
};

export const linkedinSite = site(
  'linkedin',
  HOSTS,
  detect,
  /**
   * §3 LinkedIn. The page names the profile it shows in its canonical link / og:url (guest pages) or
   * in the top card's contact-info link (logged in). Only when one of them is the URL's member (by
   * slug, or by the URN the Voyager JSON pairs with it) is the page trusted, and its name heading read.
   */
  (doc, url, { handle }) => {
    const handles = (!handle.startsWith('company:') && voyager(doc, handle)) || [handle];
    return [...heads(doc), attr(doc, SEL.contact, 'href')].some((href) =>
      handles.includes(linked(href, url, linkedinSite, 0, 1)?.handle as string),
    )
      ? named('linkedin', handles, text(q(doc, SEL.name) ?? q(doc, 'h1')))
      : null;
  },
  (root, url) => authors(root, url, `${ACTOR},${SEL.author}`, linkedinSite, 0, 0, 1),
  (handle) =>
    `https://www.linkedin.com/${handle.startsWith('company:') ? 'company' : 'in'}/${enc(handle.replace(/^(?:company|urn):/, ''))}`,
  'linkedin-feed-actor',
  ACTOR,
  (url) => /^\/feed\/?$/.test(url.pathname),
);

import type { Identity } from '../identity';
import type { AuthorLink, PageProfile, SiteAdapter } from './types';
import { enc, identity, segments } from './url';

// Every selector this adapter relies on, each with the page it was checked against:
// real = shared/fixtures/pages/linkedin (SOURCES.md), unit = tests/fixtures/sites/linkedin.
const SEL = {
  // Author positions only, so a company link counts exactly when a company is the author:
  // feed post actor (2023+ `update-components-actor__meta-link`; 2019–22 `feed-shared-actor__container-link`,
  // unit feed.html, modelled on the rendered feeds listed under "Found but not copied"),
  // comment authors (`comments-post-meta__actor-link`, 2024+ `comments-comment-meta__description-container`),
  // and the name link of "People also viewed" rows (real public-profile-julianamelung-2016.html).
  author:
    'a.update-components-actor__meta-link,a.feed-shared-actor__container-link,' +
    'a.comments-post-meta__actor-link,a.comments-comment-meta__description-container,' +
    '.browse-map .item-title a',
  // Profile name: logged-in top card (Twenty's extractPersonProfile.ts), else the page h1
  // (real 2016 guest page `h1#name`).
  name: '.text-heading-xlarge',
  // The top card's "Contact info" link names the profile being shown (`/in/<slug>/overlay/contact-info/`).
  contact: 'a[href*="/overlay/contact-info"]',
  // Server-rendered Voyager JSON (real feed-loggedin-andressantossanz-serverhtml.html: 37 blocks;
  // the `datalet-bpr-guid-*` siblings only describe the request).
  voyager: 'code[id^="bpr-guid-"]',
} as const;

// §1 linkedin. The URN test runs on the raw segment because URN ids are case-sensitive.
const URN = /^AC[ow]AA[A-Za-z0-9_-]{20,}$/;
const PERSON = /^[\p{L}\p{M}\p{N}_-]{3,100}$/u;
const PUB_PART = /^[0-9a-f]{1,3}$/;
const COMPANY = /^[\p{L}\p{N}_.-]+$/u;

const li = (handle: string | null | undefined): Identity | null => identity('linkedin', handle);

/** A `/in/<slug>` person: URN id as-is, else the lowercased slug (`me` is the viewer's redirect). */
function person(raw: string | undefined): string | null {
  if (!raw) return null;
  if (URN.test(raw)) return `urn:${raw}`;
  const slug = raw.toLowerCase();
  return slug !== 'me' && PERSON.test(slug) ? slug : null;
}

function detect(url: URL): Identity | null {
  const s = segments(url);
  if (!s) return null;
  const [first, second] = s.map((p) => p.toLowerCase());
  if (first === 'in') return li(person(s[1]));
  if (first === 'company') return li(second && COMPANY.test(second) ? `company:${second}` : null);
  // §2: /pub/<name>/<a>/<b>/<c> redirects to /in/<name>-<c><b><a> with b and c zero-padded.
  if (first === 'pub' && second !== 'dir' && s.length >= 5) {
    const [a, b, c] = s.slice(2, 5).map((p) => p.toLowerCase());
    if (!a || !b || !c || ![a, b, c].every((p) => PUB_PART.test(p))) return null;
    const slug = `${second}-${c.padStart(3, '0')}${b.padStart(3, '0')}${a}`;
    return li(PERSON.test(slug) && slug !== 'me' ? slug : null);
  }
  return null;
}

// §1: `<2 letters>.linkedin.com` country hosts serve the same profiles. Listed explicitly so host
// matching stays an exact Map lookup (676 short strings, generated at load, not shipped).
const letters = 'abcdefghijklmnopqrstuvwxyz';
const country = [...letters].flatMap((a) => [...letters].map((b) => `${a}${b}.linkedin.com`));
const HOSTS = ['linkedin.com', 'www.linkedin.com', ...country];
const HOST_SET: ReadonlySet<string> = new Set(HOSTS);

/** The profile or company a link points at, resolved against `base`; null off LinkedIn. */
function linked(href: string | null | undefined, base: URL): Identity | null {
  if (!href) return null; // '' would resolve to the page itself
  try {
    const u = new URL(href, base);
    return HOST_SET.has(u.hostname) ? detect(u) : null;
  } catch {
    return null;
  }
}

function authorLinks(root: ParentNode, url: URL): AuthorLink[] {
  const out: AuthorLink[] = [];
  for (const a of [...((root as Element).matches?.(SEL.author) ? [root as Element] : []), ...root.querySelectorAll(SEL.author)]) {
    const id = linked(a.getAttribute('href'), url);
    if (id) out.push({ element: a, identity: id });
  }
  return out;
}

const FSD = 'urn:li:fsd_profile:';

/**
 * §3 LinkedIn: the Voyager JSON pairs a member's slug (`publicIdentifier`) with their URN id
 * (`entityUrn`) in one object. Bounded: only `<code>` blocks under 1 MB whose text contains the
 * wanted slug or URN are parsed, and the first object holding both for that member wins.
 */
function voyager(doc: Document, handle: string): string[] | null {
  const urn = handle.startsWith('urn:') ? handle.slice(4) : null;
  const needle = urn ? FSD + urn : `"publicidentifier":"${handle}"`;
  for (const block of doc.querySelectorAll(SEL.voyager)) {
    const text = block.textContent ?? '';
    if (text.length > 1e6 || !(urn ? text : text.toLowerCase()).includes(needle)) continue;
    const stack: unknown[] = [];
    try {
      stack.push(JSON.parse(text));
    } catch {
      continue;
    }
    while (stack.length) {
      const v = stack.pop();
      if (!v || typeof v !== 'object') continue;
      const { publicIdentifier: slug, entityUrn: id } = v as Record<string, unknown>;
      if (typeof slug === 'string' && typeof id === 'string' && id.startsWith(FSD)) {
        const pair = [person(slug), person(id.slice(FSD.length))];
        if (pair[0] && pair[1]?.startsWith('urn:') && pair.includes(handle)) return pair as string[];
      }
      for (const child of Object.values(v)) stack.push(child);
    }
  }
  return null;
}

/**
 * §3 LinkedIn. The page names the profile it shows in its canonical link / og:url (guest pages) or
 * in the top card's contact-info link (logged in). Only when one of them is the URL's member (by
 * slug, or by the URN the Voyager JSON pairs with it) is the page trusted, and its name heading read.
 */
function fromDocument(doc: Document, url: URL): PageProfile | null {
  const want = detect(url)?.handle;
  if (!want) return null;
  const handles = (!want.startsWith('company:') && voyager(doc, want)) || [want];
  const shown = [
    doc.querySelector('link[rel="canonical"]')?.getAttribute('href'),
    doc.querySelector('meta[property="og:url"]')?.getAttribute('content'),
    doc.querySelector(SEL.contact)?.getAttribute('href'),
  ].some((href) => handles.includes(linked(href, url)?.handle ?? ''));
  const heading = doc.querySelector(SEL.name) ?? doc.querySelector('h1');
  return shown
    ? { identities: handles.map((handle) => ({ platform: 'linkedin', handle })), displayName: heading?.textContent?.trim() || null }
    : null;
}

export const linkedinSite: SiteAdapter = {
  platform: 'linkedin',
  hosts: HOSTS,
  detect,
  fromDocument,
  authorLinks,
  probes: [
    {
      // The rendered home feed always shows post actors (update-components-actor__*, the 2026 feed
      // listed in SOURCES.md "Found but not copied"). Logged out, /feed/ redirects to the login wall.
      name: 'linkedin-feed-actor',
      selector: 'a.update-components-actor__meta-link',
      expectedOn: (url) => /^\/feed\/?$/.test(url.pathname),
    },
  ],
  profileUrl: (handle) => {
    const company = handle.startsWith('company:');
    const slug = company ? handle.slice(8) : handle.startsWith('urn:') ? handle.slice(4) : handle;
    return `https://www.linkedin.com/${company ? 'company' : 'in'}/${enc(slug)}`;
  },
};

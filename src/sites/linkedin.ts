import type { Identity } from '../identity';
import type { SiteAdapter } from './types';
import { enc, identity, segments } from './url';

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

export const linkedinSite: SiteAdapter = {
  platform: 'linkedin',
  hosts: ['linkedin.com', 'www.linkedin.com', ...country],
  detect,
  profileUrl: (handle) => {
    const company = handle.startsWith('company:');
    const slug = company ? handle.slice(8) : handle.startsWith('urn:') ? handle.slice(4) : handle;
    return `https://www.linkedin.com/${company ? 'company' : 'in'}/${enc(slug)}`;
  },
};

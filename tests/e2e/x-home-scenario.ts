// The saved x.com home timeline both badge suites (Chromium and Firefox) walk through: who is on
// it, which of them the imported CSV makes constituents, and what of theirs must never reach the page.
export const HOME = 'https://x.com/home';
export const HASU_PROFILE = 'https://x.com/hasufl';
export const SAVED_HOME = 'x/home-timeline-loggedin-regenerate.html';

// SOURCES.md, "handles to assert" for the saved home timeline.
export const TWEET_AUTHORS = [
  'will__price', 'kevinafischer', 'hasufl', 'hasufl', 'cmsholdings', 'repligate', 'cryptolyxe', 'nic__carter', 'vibhu',
  'solarapparition', 'ericjang11', 'Gioscotti_', 'aeyakovenko', 'mlunghi2000', 'ChillHouseSOL', 'beffjezos', 'itszach',
  'gallabytes', 'solidintel_x', 'ThinkingUSD',
];
// Quoted tweets (enzo_gte is quoted twice); SOURCES.md lists them with the avatars and links.
export const QUOTED_AUTHORS = ['AIatMeta', 'TrumpDailyPosts', 'Xeer', 'enzo_gte', 'enzo_gte', 'scottmelker', 'solana', 'tonyzzhao', 'kevinafischer'];
export const WHO_TO_FOLLOW = ['sonofalli', 'hwchase17', 'antigravity'];

// Three tweet authors and one Who-to-follow row are constituents, plus two people who are not on
// the page yet (they arrive by infinite scroll and by a re-used row). Handles in several forms.
export const PEOPLE = [
  { id: 'kb-1', name: 'Hasu Okonkwo-Lind', email: 'hasu.kb7@example.org', x: 'hasufl', tags: 'Gala Table Seven;Board Prospect', lifetime: '48213.77', last: '2500.00' },
  { id: 'kb-2', name: 'Janus Varga-Pell', email: 'janus.kb7@example.org', x: 'https://x.com/repligate', tags: 'Volunteer Lead', lifetime: '913.25', last: '75.40' },
  { id: 'kb-3', name: 'Nicolas Carter-Quill', email: 'nic.kb7@example.net', x: '@nic__carter', tags: 'Major Donor Prospect', lifetime: '15030.60', last: '5000.10' },
  { id: 'kb-4', name: 'Harrison Chase-Ember', email: 'harrison.kb7@example.com', x: 'https://twitter.com/hwchase17', tags: 'Tech Circle', lifetime: '640.15', last: '64.15' },
  { id: 'kb-5', name: 'Scrolla Knownfield', email: 'scrolla.kb7@example.org', x: 'scroll_known', tags: 'Monthly Sustainer', lifetime: '1207.35', last: '33.35' },
  { id: 'kb-6', name: 'Reusa Knownwell', email: 'reusa.kb7@example.org', x: 'reuse_known', tags: 'Legacy Pledge', lifetime: '7717.45', last: '717.45' },
];
export const KNOWN = new Set(['hasufl', 'repligate', 'nic__carter', 'hwchase17', 'scroll_known', 'reuse_known']);
export const CSV = [
  'external_id,display_name,email,twitter,tags,lifetime_giving,last_gift_amount,last_gift_date,currency',
  ...PEOPLE.map((p) => [p.id, p.name, p.email, p.x, p.tags, p.lifetime, p.last, '2026-03-14', 'USD'].join(',')),
].join('\n');
/** Everything about the constituents that must never reach the page. */
export const SECRETS = PEOPLE.flatMap((p) => [
  p.id, p.name, p.email, ...p.tags.split(';'), p.lifetime, p.last,
  Number(p.lifetime).toLocaleString('en-US', { minimumFractionDigits: 2 }),
  Number(p.last).toLocaleString('en-US', { minimumFractionDigits: 2 }),
]);

// Page scripts are blocked (they would fetch twimg bundles); unlike fixtures.ts, fetch() is NOT
// blocked by CSP, so the web-accessible-resource probe below fails only if the extension refuses it.
export const HOME_CSP = "script-src 'none'; frame-src 'none'; object-src 'none'";

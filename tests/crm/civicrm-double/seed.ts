// Seed data. `seedSystem`: what any site has (the domain organisation and the API users' contacts).
// `seedDemo`: a handful of realistic constituents with the messy social URLs real CRMs hold (§2.8 #5),
// trashed and test records the default filters must hide. `seedBulk`: deterministic contacts in
// volume for sync and benchmark tests; plain object literals, no JSON, so 100,000 take well under a second.
import { individual, optionValue, organization, type CiviData } from './data';
import type { CiviUser } from './types';
import { formatDateTime } from './values';

export const USERS = {
  admin: { contactId: 2, apiKey: 'admin-api-key-0001', displayName: 'Robin Castillo', mayUseApiKey: true, canReadContributions: true, canWrite: true },
  volunteer: { contactId: 3, apiKey: 'volunteer-api-key-0002', displayName: 'Noor Haddad', mayUseApiKey: true, canReadContributions: false, canWrite: true },
  guarded: { contactId: 4, apiKey: 'guarded-api-key-0003', displayName: 'Eli Brandt', mayUseApiKey: false, canReadContributions: true, canWrite: true },
} satisfies Record<string, CiviUser>;

const SEEDED = '2026-01-05 09:00:00';

export function seedSystem(data: CiviData): void {
  data.contacts.set(1, { id: 1, ...organization('Default Organization', SEEDED) } as never);
  for (const u of Object.values(USERS)) {
    const [first, last] = u.displayName.split(' ') as [string, string];
    data.contacts.set(u.contactId, { id: u.contactId, ...individual(first, last, SEEDED) } as never);
    data.emails.insert({ contact_id: u.contactId, email: `${first}.${last}@kindred-demo.org`.toLowerCase(), is_primary: true, location_type_id: 2, on_hold: 0, is_billing: false, is_bulkmail: false });
  }
}

interface DemoPerson {
  name: [string, string] | string;
  at: string;
  email?: string;
  phone?: string;
  websites?: [url: string, type: string][];
  tags?: string[];
  groups?: [group: string, status: string][];
  gifts?: [amount: number, status: 'Completed' | 'Pending', date: string, test?: boolean][];
  trashed?: boolean;
  flags?: { do_not_phone?: boolean; do_not_email?: boolean; do_not_mail?: boolean; do_not_sms?: boolean; is_opt_out?: boolean };
}

const DEMO: DemoPerson[] = [
  { name: ['Ada', 'Okafor'], at: '2026-02-11 10:15:00', email: 'ada.okafor@example.org', phone: '+1 415-555-0101', websites: [['http://www.x.com/@AdaOkafor?lang=en', 'Twitter']], tags: ['Volunteer', 'Major Donor'], groups: [['Newsletter Subscribers', 'Added'], ['Volunteers', 'Added']], gifts: [[250, 'Completed', '2026-03-14 12:00:00'], [50, 'Completed', '2026-10-02 09:30:00']] },
  { name: ['Jack', 'Marlowe'], at: '2026-02-12 11:00:00', email: 'jack@marlowe.example', websites: [['https://twitter.com/Jack/', 'Twitter']], groups: [['Newsletter Subscribers', 'Removed']], gifts: [[100, 'Pending', '2026-11-01 08:00:00']] },
  { name: ['Sam', 'Oyelaran'], at: '2026-03-01 16:45:00', email: 'sam.oyelaran@example.com', phone: '020 7946 0018', websites: [['https://www.facebook.com/sam.oyelaran', 'Facebook']] },
  { name: ['Priya', 'Raman'], at: '2026-03-20 08:05:00', email: 'priya@example.net', websites: [['https://facebook.com/profile.php?id=100004', 'Facebook']], groups: [['Newsletter Subscribers', 'Added']], gifts: [[35.5, 'Completed', '2026-04-18 19:20:00']] },
  // No Bluesky or Mastodon website type exists by default, so admins file them under Main/Work.
  { name: ['Lena', 'Fischer'], at: '2026-04-02 13:30:00', email: 'lena.fischer@example.de', websites: [['https://bsky.app/profile/lenafischer.bsky.social', 'Main']] },
  { name: ['Tomás', 'Herrera'], at: '2026-05-09 17:10:00', email: 'tomas.herrera@example.es', websites: [['https://mastodon.social/@tomash', 'Work'], ['https://instagram.com/tomas.h', 'Instagram']], tags: ['Volunteer'], groups: [['Volunteers', 'Added']] },
  { name: 'Riverside Food Bank', at: '2026-05-30 10:00:00', email: 'info@riversidefoodbank.example.org', phone: '(503) 555-0199', websites: [['https://riversidefoodbank.example.org', 'Main'], ['twitter.com/riversidefb', 'Twitter']], tags: ['Partner'], gifts: [[1200, 'Completed', '2026-06-30 15:00:00']] },
  { name: ['Grace', 'Liu'], at: '2026-07-14 09:45:00', email: 'grace.liu@example.com', flags: { do_not_phone: true, do_not_sms: true }, gifts: [[75, 'Pending', '2026-11-15 10:00:00']] },
  // An old duplicate of Ada in the trash: found by URL only if the connector forgets contact_id.is_deleted.
  { name: ['Ada', 'Okafor'], at: '2026-01-20 10:00:00', email: 'ada@old-mail.example', websites: [['https://x.com/adaokafor', 'Twitter']], trashed: true },
  // A contact whose only gift is a test transaction (Contact itself has no is_test column).
  { name: ['Terry', 'Testwell'], at: '2026-08-01 12:00:00', email: 'terry.testwell@example.com', gifts: [[1, 'Completed', '2026-08-01 12:05:00', true]] },
];

export function seedDemo(data: CiviData): void {
  const tag = (name: string, label = name) => data.tags.insert({ name, label, used_for: 'civicrm_contact', is_tagset: false, parent_id: null, description: null, is_selectable: true, is_reserved: false, color: null, created_date: SEEDED }).id;
  const tags: Record<string, number> = { Volunteer: tag('Volunteer'), 'Major Donor': tag('Major_Donor', 'Major Donor'), Partner: tag('Partner'), social: tag('social', 'Social') };
  const group = (title: string) => data.groups.insert({ name: title.replace(/[^A-Za-z0-9]+/g, '_'), title, frontend_title: title, description: null, is_active: true, visibility: 'User and User Admin Only', group_type: ['2'], is_hidden: false, is_reserved: false, source: null, saved_search_id: null }).id;
  const groups: Record<string, number> = { 'Newsletter Subscribers': group('Newsletter Subscribers'), Volunteers: group('Volunteers') };
  const ids: number[] = [];
  for (const p of DEMO) {
    const base = typeof p.name === 'string' ? organization(p.name, p.at) : individual(p.name[0], p.name[1], p.at);
    const contact = data.contacts.insert({ ...base, ...p.flags, is_deleted: Boolean(p.trashed), source: 'Demo seed' });
    const cid = contact.id;
    ids.push(cid);
    if (p.email) data.emails.insert({ contact_id: cid, email: p.email, is_primary: true, location_type_id: 1, on_hold: 0, is_billing: false, is_bulkmail: false });
    if (p.phone) data.phones.insert({ contact_id: cid, phone: p.phone, phone_numeric: p.phone.replace(/\D/g, ''), phone_ext: null, is_primary: true, phone_type_id: 2, location_type_id: 1, is_billing: false });
    for (const [url, type] of p.websites ?? []) data.websites.insert({ contact_id: cid, url, website_type_id: optionValue(data, 'website_type', type) });
    for (const t of p.tags ?? []) data.entityTags.insert({ entity_table: 'civicrm_contact', entity_id: cid, tag_id: tags[t]! });
    for (const [g, status] of p.groups ?? []) data.groupContacts.insert({ group_id: groups[g]!, contact_id: cid, status });
    for (const [amount, status, date, test] of p.gifts ?? []) {
      data.contributions.insert({
        contact_id: cid, total_amount: amount, fee_amount: null, net_amount: amount, currency: 'USD', receive_date: date,
        financial_type_id: 1, payment_instrument_id: 1, contribution_status_id: optionValue(data, 'contribution_status', status),
        trxn_id: null, invoice_id: null, source: 'Online donation', campaign_id: null, cancel_date: null, thankyou_date: null, receipt_date: null,
        is_test: Boolean(test), is_template: false, is_pay_later: status === 'Pending', created_date: date, modified_date: date,
      });
    }
  }
  const [ada, jack, sam, , , , , , , terry] = ids as [number, number, number, number, number, number, number, number, number, number];
  const activity = (type: string, subject: string, at: string, status: string, source: number, targets: number[], extra: { is_test?: boolean; is_deleted?: boolean } = {}) => {
    const a = data.activities.insert({
      activity_type_id: optionValue(data, 'activity_type', type), subject, details: `<p>${subject}.</p>`, activity_date_time: at,
      status_id: optionValue(data, 'activity_status', status), priority_id: 2, duration: null, location: null, campaign_id: null,
      parent_id: null, result: null, is_star: false, is_test: Boolean(extra.is_test), is_deleted: Boolean(extra.is_deleted), created_date: at, modified_date: at,
    });
    data.activityContacts.insert({ activity_id: a.id, contact_id: source, record_type_id: 2 });
    for (const t of targets) data.activityContacts.insert({ activity_id: a.id, contact_id: t, record_type_id: 3 });
  };
  activity('Meeting', 'Coffee about the spring gala', '2026-10-20 14:00:00', 'Completed', USERS.admin.contactId, [ada]);
  activity('Phone Call', 'Thanked for volunteering', '2026-10-28 11:30:00', 'Completed', USERS.volunteer.contactId, [sam]);
  activity('Email', 'Pledge reminder', '2026-11-25 09:00:00', 'Scheduled', USERS.admin.contactId, [jack]);
  activity('Meeting', 'Deleted draft meeting', '2026-09-01 10:00:00', 'Cancelled', USERS.admin.contactId, [ada], { is_deleted: true });
  activity('Phone Call', 'Test call', '2026-08-01 12:10:00', 'Completed', USERS.admin.contactId, [terry], { is_test: true });
}

const FIRST = ['Amara', 'Ben', 'Chloe', 'Dmitri', 'Elif', 'Farah', 'Gabriel', 'Hana', 'Ivan', 'Jun', 'Kofi', 'Lucia', 'Mateo', 'Nadia', 'Oscar', 'Pilar', 'Quinn', 'Rosa', 'Sven', 'Thandi'];
const LAST = ['Abbott', 'Banerjee', 'Castro', 'Dubois', 'Eze', 'Fontaine', 'Garcia', 'Hughes', 'Ito', 'Jensen', 'Kowalski', 'Larsen', 'Mensah', 'Nakamura', 'Olsen', 'Petrov', 'Quintero', 'Rossi', 'Singh', 'Tanaka'];
const BULK_EPOCH = Date.UTC(2026, 0, 1);

/**
 * `n` more contacts numbered on from `start`: deterministic names and emails, a website every
 * `websitesEvery` contacts (rotating X, Facebook, Bluesky URLs) and a completed gift every
 * `contributionsEvery`. modified_date rises with the id, a minute apart, from 2026-01-01.
 */
export function seedBulk(data: CiviData, start: number, n: number, options: { websitesEvery?: number; contributionsEvery?: number } = {}): void {
  const websitesEvery = options.websitesEvery ?? 3;
  const contributionsEvery = options.contributionsEvery ?? 10;
  const twitter = optionValue(data, 'website_type', 'Twitter');
  const facebook = optionValue(data, 'website_type', 'Facebook');
  const main = optionValue(data, 'website_type', 'Main');
  let contactId = data.contacts.nextId();
  let emailId = data.emails.nextId();
  let websiteId = data.websites.nextId();
  let contributionId = data.contributions.nextId();
  for (let k = 0; k < n; k++) {
    const i = start + k;
    const first = FIRST[i % FIRST.length]!;
    const last = LAST[Math.floor(i / FIRST.length) % LAST.length]!;
    const stamp = formatDateTime(new Date(BULK_EPOCH + i * 60_000));
    const id = contactId++;
    data.contacts.set(id, {
      // Spelled out rather than spread from CONTACT_DEFAULTS: a literal keeps V8's fast object shape,
      // which makes seeding and every later scan several times faster.
      id, contact_type: 'Individual', contact_sub_type: null, first_name: first, middle_name: null, last_name: last,
      display_name: `${first} ${last}`, sort_name: `${last}, ${first}`, organization_name: null, household_name: null, nick_name: null,
      legal_name: null, legal_identifier: null, formal_title: null, sic_code: null, job_title: null,
      external_identifier: `bulk-${i}`, image_URL: null, source: 'Bulk seed', prefix_id: null, suffix_id: null, gender_id: null,
      birth_date: null, is_deceased: false, deceased_date: null, preferred_language: 'en_US', preferred_communication_method: null,
      employer_id: null, primary_contact_id: null,
      // Every 50th contact asked not to be phoned or emailed, so sync tests meet the flags.
      do_not_email: i % 50 === 7, do_not_phone: i % 50 === 7, do_not_mail: false, do_not_sms: false, do_not_trade: false, is_opt_out: false,
      is_deleted: false, created_date: stamp, modified_date: stamp,
    });
    const handle = `${first}${last}${i}`.toLowerCase();
    data.emails.set(emailId, { id: emailId++, contact_id: id, email: `${first}.${last}.${i}@example.net`.toLowerCase(), is_primary: true, location_type_id: 1, on_hold: 0, is_billing: false, is_bulkmail: false });
    if (websitesEvery > 0 && i % websitesEvery === 0) {
      const kind = (i / websitesEvery) % 3;
      const [url, type] = kind === 0 ? [`https://x.com/${handle}`, twitter] : kind === 1 ? [`https://www.facebook.com/${first}.${last}.${i}`.toLowerCase(), facebook] : [`https://bsky.app/profile/${handle}.bsky.social`, main];
      data.websites.set(websiteId, { id: websiteId++, contact_id: id, url, website_type_id: type });
    }
    if (contributionsEvery > 0 && i % contributionsEvery === 0) {
      data.contributions.set(contributionId, {
        id: contributionId++, contact_id: id, total_amount: 10 + (i % 50) * 5, fee_amount: null, net_amount: null, currency: 'USD', receive_date: stamp,
        financial_type_id: 1, payment_instrument_id: 1, contribution_status_id: 1, trxn_id: null, invoice_id: null, source: 'Bulk seed',
        campaign_id: null, cancel_date: null, thankyou_date: null, receipt_date: null, is_test: false, is_template: false, is_pay_later: false,
        created_date: stamp, modified_date: stamp,
      });
    }
  }
}

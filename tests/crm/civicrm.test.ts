// The CiviCRM connector against the APIv4 contract double (a real HTTP server on 127.0.0.1):
// every Connector method, every error mapping, and the wire rules of crm-contracts.md §2.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectorError, createConnector } from '../../src/crm';
import { ACTIVITY_TYPE, civicrmConfigSchema } from '../../src/crm/civicrm';
import type { ChangePage, Connector } from '../../src/crm/types';
import { canonicalizeProfile } from '../../src/sites';
import { startCiviDouble, type CiviDouble, type CiviDoubleOptions, type CiviUser } from './civicrm-double';

let double: CiviDouble;
let running: CiviDouble | null = null;
const servers: Server[] = [];
afterEach(async () => {
  await running?.close();
  running = null;
  for (const server of servers.splice(0)) await new Promise((done) => server.close(done));
});

async function start(options?: CiviDoubleOptions): Promise<CiviDouble> {
  double = running = await startCiviDouble(options);
  return double;
}

function connect(user: CiviUser = double.users.admin, extra: Record<string, unknown> = {}): Connector {
  return createConnector('civicrm', { baseUrl: double.baseUrl, apiKey: user.apiKey, siteKey: double.siteKey, ...extra });
}

/** The live (not trashed) demo contact with this display name. */
function contactId(displayName: string): number {
  const row = [...double.data.contacts.values()].find((c) => c.display_name === displayName && !c.is_deleted);
  if (!row) throw new Error(`no demo contact ${displayName}`);
  return row.id;
}
const ref = (displayName: string) => `civicrm:${contactId(displayName)}`;
const calls = (entity: string, action: string) => double.log.filter((e) => e.entity === entity && e.action === action);
/** The `value` of option `name` in option group `group` (website types are stored by value). */
function optionValue(group: string, name: string): string | undefined {
  const groupId = [...double.data.optionGroups.values()].find((g) => g.name === group)?.id;
  return [...double.data.optionValues.values()].find((v) => v.option_group_id === groupId && v.name === name)?.value;
}
const activitiesWithKey = (key: string) => [...double.data.activities.values()].filter((a) => String(a.details ?? '').includes(`Kindred ref: ${key}</p>`));

async function pages(connector: Connector, cursor: string | null): Promise<ChangePage[]> {
  const out: ChangePage[] = [];
  for await (const page of connector.pull(cursor)) out.push(page);
  return out;
}
const ids = (list: ChangePage[]) => list.flatMap((p) => p.constituents.map((c) => c.id));

/** A plain HTTP server for replies no CiviCRM gives (a CMS page, a broken proxy). */
async function serve(status: number, type: string, body: string): Promise<string> {
  const server = createServer((_, res) => {
    res.writeHead(status, { 'Content-Type': type });
    res.end(body);
  });
  servers.push(server);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

// CiviCRM times are zone-less wall-clock times; the connector writes and reads them in the
// browser's zone, so "10:00 here" is what the CRM shows, whatever zone the tests run in.
const TEN_AM = new Date(2026, 10, 22, 10, 0, 0).toISOString();
const draft = { kind: 'dm' as const, channel: 'x' as const, at: TEN_AM, notes: 'Talked about the <gala> & volunteering', summary: 'Gala', profileUrl: 'https://x.com/adaokafor' };

describe('config', () => {
  it('keeps the site path and drops trailing slashes', () => {
    expect(civicrmConfigSchema.parse({ baseUrl: 'https://example.org/wordpress//', apiKey: ' k ' })).toEqual({
      baseUrl: 'https://example.org/wordpress', apiKey: 'k', siteKey: undefined,
    });
    expect(civicrmConfigSchema.parse({ baseUrl: 'https://crm.example.org/', apiKey: 'k', siteKey: '' }).baseUrl).toBe('https://crm.example.org');
  });
  it('refuses what is not an http(s) site or has no key', () => {
    expect(civicrmConfigSchema.safeParse({ baseUrl: 'ftp://example.org', apiKey: 'k' }).success).toBe(false);
    expect(civicrmConfigSchema.safeParse({ baseUrl: 'https://example.org', apiKey: '  ' }).success).toBe(false);
  });
});

describe('civicrm connector: reads', () => {
  it('refuses a key CiviCRM takes for an anonymous visitor', async () => {
    const anonymous = await serve(200, 'application/json', '{"contact_id":null,"user_id":null,"flow":null,"cred":null}');
    await expect(createConnector('civicrm', { baseUrl: anonymous, apiKey: 'k' }).testConnection()).rejects.toMatchObject({ code: 'auth' });
  });

  it('tests the connection: who the key is and whether it may read gifts', async () => {
    await start();
    expect(await connect().testConnection()).toEqual({ user: 'Robin Castillo', canReadGifts: true });
    expect(await connect(double.users.volunteer).testConnection()).toEqual({ user: 'Noor Haddad', canReadGifts: false });
    expect(calls('authx', 'id').map((e) => [e.method, e.headers['x-civi-auth']])).toEqual([
      ['GET', `Bearer ${double.users.admin.apiKey}`],
      ['GET', `Bearer ${double.users.volunteer.apiKey}`],
    ]);
  });

  it('finds constituents by the messy profile URLs a CRM holds, in one request, exact matches only', async () => {
    await start();
    const found = await connect().findByIdentities([
      { platform: 'x', handle: 'jack' }, // https://twitter.com/Jack/
      { platform: 'x', handle: 'adaokafor' }, // http://www.x.com/@AdaOkafor?lang=en, and a trashed duplicate
      { platform: 'facebook', handle: 'id:100004' }, // https://facebook.com/profile.php?id=100004
      { platform: 'facebook', handle: 'samoyelaran' }, // https://www.facebook.com/sam.oyelaran
      { platform: 'x', handle: 'riversidefb' }, // twitter.com/riversidefb, no scheme
      { platform: 'mastodon', handle: 'tomash@mastodon.social' },
      { platform: 'x', handle: 'ja' }, // a prefix of jack: the LIKE matches, the check does not
      { platform: 'instagram', handle: 'jack' }, // right handle, wrong platform
    ]);
    expect(found).toEqual({
      'x:jack': [ref('Jack Marlowe')],
      'x:adaokafor': [ref('Ada Okafor')],
      'facebook:id:100004': [ref('Priya Raman')],
      'facebook:samoyelaran': [ref('Sam Oyelaran')],
      'x:riversidefb': [ref('Riverside Food Bank')],
      'mastodon:tomash@mastodon.social': [ref('Tomás Herrera')],
    });
    expect(calls('Website', 'get')).toHaveLength(1);
    expect(await connect().findByIdentities([])).toEqual({});
  });

  it('searches by name and email, with tags and emails', async () => {
    await start();
    const connector = connect();
    expect(await connector.search('okaf')).toEqual([
      { id: ref('Ada Okafor'), displayName: 'Ada Okafor', tags: ['Volunteer', 'Major Donor'], emails: ['ada.okafor@example.org'] },
    ]);
    expect((await connector.search('Raman, P')).map((s) => s.displayName)).toEqual(['Priya Raman']);
    expect((await connector.search('marlowe.example')).map((s) => s.displayName)).toEqual(['Jack Marlowe']);
    const before = double.log.length;
    expect(await connector.search('   ')).toEqual([]);
    expect(double.log.length).toBe(before);
  });

  it('gets a full card: emails, phones, tags and groups, do-not-contact, giving from completed gifts', async () => {
    await start();
    const connector = connect();
    expect(await connector.get(ref('Ada Okafor'))).toMatchObject({
      id: ref('Ada Okafor'), source: 'civicrm', externalId: String(contactId('Ada Okafor')),
      displayName: 'Ada Okafor', firstName: 'Ada', lastName: 'Okafor',
      emails: ['ada.okafor@example.org'], phones: ['+1 415-555-0101'],
      tags: ['Volunteer', 'Major Donor', 'Newsletter Subscribers', 'Volunteers'],
      doNotContact: false,
      giving: { lifetime: 300, lastGiftAmount: 50, lastGiftDate: '2026-10-02', largestGift: 250, currency: 'USD' },
      nameKey: expect.arrayContaining(['ada okafor', 'okafor ada']),
    });
    // Only a Pending gift, and asked not to be phoned.
    expect(await connector.get(ref('Grace Liu'))).toMatchObject({
      doNotContact: true, giving: { lifetime: 0, lastGiftAmount: null, lastGiftDate: null, largestGift: null, currency: null },
    });
    // A test transaction is no gift.
    expect((await connector.get(ref('Terry Testwell')))?.giving).toMatchObject({ lifetime: 0 });
    // Removed from the newsletter group: not listed.
    expect((await connector.get(ref('Jack Marlowe')))?.tags).toEqual([]);
  });

  it('returns null for a trashed or missing contact, and refuses a ref that is not CiviCRM', async () => {
    await start();
    const trashed = [...double.data.contacts.values()].find((c) => c.is_deleted)!;
    expect(await connect().get(`civicrm:${trashed.id}`)).toBeNull();
    expect(await connect().get('civicrm:99999')).toBeNull();
    await expect(connect().get('local:abc')).rejects.toMatchObject({ code: 'invalid' });
  });

  it("gives a volunteer's key a card without giving data, not an error", async () => {
    await start();
    const volunteer = connect(double.users.volunteer);
    expect(await volunteer.get(ref('Ada Okafor'))).toMatchObject({ displayName: 'Ada Okafor', giving: null, emails: ['ada.okafor@example.org'] });
    expect((await volunteer.history(ref('Ada Okafor'))).gifts).toEqual([]);
    expect(calls('Contribution', 'get').map((e) => e.status)).toEqual([403, 403]);
  });

  it('reads history: activities once each, kinds by type, authors; completed gifts', async () => {
    await start();
    const connector = connect();
    const ada = await connector.history(ref('Ada Okafor'));
    expect(ada.interactions).toEqual([
      {
        id: expect.stringMatching(/^civicrm:activity:\d+$/), constituentId: ref('Ada Okafor'), kind: 'meeting', channel: null,
        at: new Date(2026, 9, 20, 14, 0, 0).toISOString(), summary: 'Coffee about the spring gala', notes: 'Coffee about the spring gala.',
        profileUrl: null, author: 'Robin Castillo', source: 'civicrm', externalId: expect.stringMatching(/^\d+$/), status: 'synced',
        lastError: null, createdAt: expect.any(String),
      },
    ]); // the trashed "Deleted draft meeting" is not there
    expect(ada.gifts.map((g) => [g.amount, g.date, g.currency, g.fund])).toEqual([[50, '2026-10-02', 'USD', 'Donation'], [250, '2026-03-14', 'USD', 'Donation']]);
    expect((await connector.history(ref('Sam Oyelaran'))).interactions.map((i) => [i.kind, i.author])).toEqual([['call', 'Noor Haddad']]);
    expect((await connector.history(ref('Jack Marlowe'))).interactions.map((i) => i.kind)).toEqual(['email']);
    expect((await connector.history(ref('Terry Testwell'))).interactions).toEqual([]); // is_test
    // The admin is the source of two live demo activities; one where they are source and target too is listed once.
    await connector.logInteraction(`civicrm:${double.users.admin.contactId}`, { ...draft, notes: 'Note to self' }, 'self-1');
    const own = (await connector.history(`civicrm:${double.users.admin.contactId}`)).interactions.map((i) => i.summary);
    expect(own).toEqual(['Pledge reminder', 'Gala', 'Coffee about the spring gala']);
  });
});

describe('civicrm connector: writes', () => {
  it('logs an interaction as a Social Media Interaction, creating that type exactly once', async () => {
    await start();
    const connector = connect();
    const { externalId } = await connector.logInteraction(ref('Ada Okafor'), draft, 'key-1');
    await connector.logInteraction(ref('Sam Oyelaran'), { ...draft, kind: 'comment', channel: 'facebook', summary: null, profileUrl: null }, 'key-2');
    await connect().logInteraction(ref('Jack Marlowe'), { ...draft, kind: 'call', channel: null }, 'key-3'); // a new instance
    expect(calls('OptionValue', 'create')).toHaveLength(1);
    expect(calls('OptionValue', 'get')).toHaveLength(2); // once per connector instance
    expect([...double.data.optionValues.values()].filter((v) => v.name === ACTIVITY_TYPE)).toHaveLength(1);

    const activity = double.data.activities.get(Number(externalId))!;
    expect(activity).toMatchObject({ subject: 'Direct message on X: Gala', activity_date_time: '2026-11-22 10:00:00' });
    expect(activity.details).toBe(
      '<p>Talked about the &lt;gala&gt; &amp; volunteering</p>\n<p>Channel: X</p>\n' +
        '<p>Profile: <a href="https://x.com/adaokafor">https://x.com/adaokafor</a></p>\n<p>Kindred ref: key-1</p>',
    );
    const [create] = calls('Activity', 'create');
    expect(create?.params).toMatchObject({
      values: { 'activity_type_id:name': ACTIVITY_TYPE, 'status_id:name': 'Completed', source_contact_id: 'user_contact_id', target_contact_id: [contactId('Ada Okafor')] },
    });
    // Read back: our kind, channel, summary, notes and profile, not the HTML.
    const [logged] = (await connector.history(ref('Ada Okafor'))).interactions;
    expect(logged).toMatchObject({
      externalId, kind: 'dm', channel: 'x', summary: 'Gala', notes: 'Talked about the <gala> & volunteering',
      profileUrl: 'https://x.com/adaokafor', author: 'Robin Castillo', at: TEN_AM,
    });
    expect((await connector.history(ref('Sam Oyelaran'))).interactions[0]).toMatchObject({ kind: 'comment', channel: 'facebook', summary: null, profileUrl: null });
  });

  it('is safe to retry with the same key: a write that landed before the connection dropped is not written twice', async () => {
    await start();
    const connector = connect();
    double.fault({ dropAfterApply: true, match: (r) => r.entity === 'Activity' && r.action === 'create' });
    const failure = await connector.logInteraction(ref('Ada Okafor'), draft, 'retry-1').catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ConnectorError);
    expect(failure).toMatchObject({ code: 'network' });
    expect(activitiesWithKey('retry-1')).toHaveLength(1); // it landed

    const { externalId } = await connector.logInteraction(ref('Ada Okafor'), draft, 'retry-1');
    expect(activitiesWithKey('retry-1')).toHaveLength(1);
    expect(externalId).toBe(String(activitiesWithKey('retry-1')[0]!.id));
    expect(calls('Activity', 'create')).toHaveLength(1 + 0 + 0); // the retry found it instead of writing
    // The check is narrowed by target, type, time and marker: one cheap query.
    expect(calls('ActivityContact', 'get').at(-1)?.params).toMatchObject({
      where: expect.arrayContaining([
        ['contact_id', '=', contactId('Ada Okafor')],
        ['activity_id.activity_type_id:name', '=', ACTIVITY_TYPE],
        ['activity_id.activity_date_time', '=', '2026-11-22 10:00:00'],
      ]),
    });
  });

  it('a write that landed twice (a browser re-send) is cleaned up: one activity stays, every attempt names it', async () => {
    await start();
    const connector = connect();
    const first = await connector.logInteraction(ref('Ada Okafor'), draft, 'twice-1');
    // What Chromium's silent re-send of the same POST leaves behind: a second copy with our marker.
    const [original] = activitiesWithKey('twice-1');
    const { id: originalId, ...fields } = original!;
    const copy = double.data.activities.insert(fields);
    for (const { id: _, ...link } of [...double.data.activityContacts.values()].filter((l) => l.activity_id === originalId)) {
      double.data.activityContacts.insert({ ...link, activity_id: copy.id });
    }
    expect(activitiesWithKey('twice-1').filter((a) => !a.is_deleted)).toHaveLength(2);
    const again = await connector.logInteraction(ref('Ada Okafor'), draft, 'twice-1');
    expect(again.externalId).toBe(first.externalId);
    expect(calls('Activity', 'delete').at(-1)?.params).toMatchObject({ where: [['id', 'IN', [copy.id]]] });
    expect(calls('Activity', 'create')).toHaveLength(1);
  });

  it('writes on retry when the first attempt never reached the server', async () => {
    await start();
    const connector = connect();
    double.fault({ dropBeforeApply: true, match: (r) => r.entity === 'Activity' && r.action === 'create' });
    await expect(connector.logInteraction(ref('Ada Okafor'), draft, 'retry-2')).rejects.toMatchObject({ code: 'network' });
    expect(activitiesWithKey('retry-2')).toHaveLength(0);
    await connector.logInteraction(ref('Ada Okafor'), draft, 'retry-2');
    await connector.logInteraction(ref('Ada Okafor'), draft, 'retry-2');
    expect(activitiesWithKey('retry-2')).toHaveLength(1);
  });

  it('maps a write the server rejects to invalid, with the Error ID', async () => {
    await start();
    await expect(connect().logInteraction('civicrm:99999', draft, 'k')).rejects.toMatchObject({
      code: 'invalid', message: expect.stringMatching(/^CiviCRM could not create Activity records: .*Give Error ID \w{4}-\w{4}-\w{4} to your CiviCRM administrator\.$/),
    });
  });

  it('creates a constituent with its email', async () => {
    await start();
    const connector = connect();
    const created = await connector.createConstituent({ displayName: 'Ludwig van Beethoven', emails: ['ludwig@example.org', ' '] });
    expect(created).toMatch(/^civicrm:\d+$/);
    expect(await connector.get(created)).toMatchObject({ displayName: 'Ludwig van Beethoven', firstName: 'Ludwig', lastName: 'van Beethoven', emails: ['ludwig@example.org'] });
    const explicit = await connector.createConstituent({ displayName: 'ignored', firstName: 'Mary Ann', lastName: 'Smith' });
    expect(await connector.get(explicit)).toMatchObject({ displayName: 'Mary Ann Smith', emails: [] });
    expect(calls('Email', 'create')).toHaveLength(1);
  });

  it('links a profile as a Website of the right type, and skips one the contact already has in any spelling', async () => {
    await start();
    const connector = connect();
    const ada = ref('Ada Okafor');
    await connector.linkIdentity(ada, { platform: 'x', handle: 'adaokafor' }); // stored as http://www.x.com/@AdaOkafor?lang=en
    expect(calls('Website', 'create')).toHaveLength(0);

    await connector.linkIdentity(ada, { platform: 'instagram', handle: 'ada.o' });
    await connector.linkIdentity(ada, { platform: 'x', handle: 'ada_two' });
    const websites = [...double.data.websites.values()].filter((w) => w.contact_id === contactId('Ada Okafor')).map((w) => [w.url, String(w.website_type_id)]);
    expect(websites).toEqual([
      ['http://www.x.com/@AdaOkafor?lang=en', optionValue('website_type', 'Twitter')],
      ['https://www.instagram.com/ada.o/', optionValue('website_type', 'Instagram')],
      ['https://x.com/ada_two', optionValue('website_type', 'Twitter')],
    ]);
    expect(await connector.findByIdentities([{ platform: 'instagram', handle: 'ada.o' }])).toEqual({ 'instagram:ada.o': [ada] });
  });

  it('says exactly how to add a missing website type, and uses it once an admin has', async () => {
    await start();
    const connector = connect();
    const ada = ref('Ada Okafor');
    await expect(connector.linkIdentity(ada, { platform: 'bluesky', handle: 'ada.bsky.social' })).rejects.toThrow(
      new ConnectorError('invalid', "Add a Website Type named 'Bluesky' in CiviCRM (Administer › Customize Data and Screens › Dropdown Options › Website Types), then link again."),
    );
    // The admin adds it (as they would in the UI), with an "X" type too; no reconnect needed.
    const admin = double.users.admin;
    for (const label of ['Bluesky', 'X']) {
      await fetch(`${double.baseUrl}/civicrm/ajax/api4/OptionValue/create`, {
        method: 'POST',
        headers: { 'X-Civi-Auth': `Bearer ${admin.apiKey}`, 'X-Requested-With': 'XMLHttpRequest', 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ params: JSON.stringify({ values: { 'option_group_id:name': 'website_type', label, name: label } }) }),
      });
    }
    await connector.linkIdentity(ada, { platform: 'bluesky', handle: 'ada.bsky.social' });
    await connector.linkIdentity(ada, { platform: 'x', handle: 'ada_three' });
    const created = calls('Website', 'create').map((e) => (e.params as { values: { url: string; website_type_id: string } }).values);
    expect(created).toEqual([
      { contact_id: contactId('Ada Okafor'), url: 'https://bsky.app/profile/ada.bsky.social', website_type_id: optionValue('website_type', 'Bluesky') },
      { contact_id: contactId('Ada Okafor'), url: 'https://x.com/ada_three', website_type_id: optionValue('website_type', 'X') },
    ]);
  });

  it('does not link to a contact that is gone', async () => {
    await start();
    await expect(connect().linkIdentity('civicrm:99999', { platform: 'x', handle: 'someone' })).rejects.toMatchObject({ code: 'notFound' });
  });
});

describe('civicrm connector: pull', () => {
  async function synced() {
    await start();
    double.seedContacts(1200);
    const connector = connect();
    const full = await pages(connector, null);
    return { connector, full };
  }

  it('full sync: keyset pages of 500 with progress, identities, giving, trashed contacts as deleted', async () => {
    const { full } = await synced();
    const total = double.data.contacts.size;
    expect(full.map((p) => p.constituents.length + p.deleted.length)).toEqual([500, 500, total - 1000]);
    expect(full.map((p) => p.progress)).toEqual([{ done: 500, total }, { done: 1000, total }, { done: total, total }]);
    const all = ids(full);
    expect(new Set(all).size).toBe(all.length);
    const trashed = [...double.data.contacts.values()].filter((c) => c.is_deleted).map((c) => `civicrm:${c.id}`);
    expect(full.flatMap((p) => p.deleted)).toEqual(trashed);
    expect(all).not.toContain(trashed[0]);

    const identities = full.flatMap((p) => p.identities);
    expect(identities).toContainEqual({ constituentId: ref('Jack Marlowe'), identity: { platform: 'x', handle: 'jack' } });
    expect(identities).toContainEqual({ constituentId: ref('Lena Fischer'), identity: { platform: 'bluesky', handle: 'lenafischer.bsky.social' } });
    // Every live contact's website that canonicalises is there, once; a homepage is not.
    const live = new Set([...double.data.contacts.values()].filter((c) => !c.is_deleted).map((c) => c.id));
    const profiles = [...double.data.websites.values()].filter((w) => live.has(w.contact_id) && canonicalizeProfile(w.url));
    expect(identities).toHaveLength(profiles.length);
    expect(profiles.length).toBeGreaterThan(300);
    expect(identities.some((i) => i.identity.handle.includes('riversidefoodbank'))).toBe(false);

    const ada = full.flatMap((p) => p.constituents).find((c) => c.id === ref('Ada Okafor'));
    expect(ada).toMatchObject({ giving: { lifetime: 300 }, tags: ['Volunteer', 'Major Donor', 'Newsletter Subscribers', 'Volunteers'] });
    // One request per related entity per page, plus the sync's start stamp.
    for (const entity of ['Email', 'Phone', 'Website', 'EntityTag', 'GroupContact', 'Contribution']) expect(calls(entity, 'get')).toHaveLength(3);
    expect(calls('Contact', 'get')).toHaveLength(4);
    const first = calls('Contact', 'get')[1]!.params as { select: string[]; where: unknown[]; orderBy: unknown; limit: number };
    expect(first).toMatchObject({ where: [['id', '>', 0], ['is_deleted', 'IN', [0, 1]]], orderBy: { id: 'ASC' }, limit: 500 });
    expect(first.select).toContain('row_count');
  });

  it('resumes a stopped sync from any page cursor', async () => {
    const { connector, full } = await synced();
    const resumed = await pages(connector, full[0]!.cursor);
    expect(ids(resumed)).toEqual(ids(full.slice(1)));
    expect(resumed.at(-1)?.progress).toEqual(full.at(-1)?.progress);
    expect(resumed.at(-1)?.cursor).toBe(full.at(-1)?.cursor);
  });

  it('incremental: sees updates, new and trashed contacts since the last pass, and nothing else', async () => {
    const { connector, full } = await synced();
    const last = full.at(-1)!.cursor;
    const sam = contactId('Sam Oyelaran');
    double.data.emails.insert({ contact_id: sam, email: 'sam@new.example', is_primary: false, location_type_id: 1 });
    double.touch(sam);
    const trashed = contactId('Priya Raman');
    double.data.contacts.set(trashed, { ...double.data.contacts.get(trashed)!, is_deleted: true });
    double.touch(trashed);
    const created = await connector.createConstituent({ displayName: 'New Person', emails: ['new@example.org'] });

    const changes = await pages(connector, last);
    expect(changes).toHaveLength(1);
    const [page] = changes;
    // Terry (the newest change before the full pass) comes again through the overlap: harmless.
    expect(page!.constituents.map((c) => c.id).sort()).toEqual([ref('Sam Oyelaran'), created, ref('Terry Testwell')].sort());
    expect(page!.constituents.find((c) => c.id === ref('Sam Oyelaran'))?.emails).toEqual(['sam.oyelaran@example.com', 'sam@new.example']);
    expect(page!.deleted).toEqual([`civicrm:${trashed}`]);
    const where = (calls('Contact', 'get').at(-1)!.params as { where: unknown[] }).where;
    expect(where).toContainEqual(['is_deleted', 'IN', [0, 1]]);
    expect(where).toContainEqual(['modified_date', '>=', '2026-08-01 11:55:00']); // 5 minutes before Terry's stamp

    // Nothing changed since: only the overlap comes back, and the cursor moves on.
    const again = await pages(connector, page!.cursor);
    expect(again.flatMap((p) => [...p.constituents.map((c) => c.id), ...p.deleted]).sort()).toEqual([ref('Sam Oyelaran'), created, `civicrm:${trashed}`].sort());
  });

  it('incremental pages keyset on (modified_date, id): many rows with one stamp, no row twice, resumable', async () => {
    const { connector, full } = await synced();
    const at = new Date('2026-11-20T08:00:00Z');
    const bulk = [...double.data.contacts.values()].filter((c) => c.source === 'Bulk seed').slice(0, 700);
    for (const c of bulk) double.touch(c.id, at);
    const changes = await pages(connector, full.at(-1)!.cursor);
    expect(changes.map((p) => p.constituents.length)).toEqual([500, 201]); // 700 + Terry via the overlap
    expect(changes[0]!.progress).toEqual({ done: 500, total: 701 });
    const seen = ids(changes);
    expect(new Set(seen).size).toBe(seen.length);
    expect(ids(await pages(connector, changes[0]!.cursor))).toEqual(ids(changes.slice(1)));
  });

  it("gives a volunteer's sync no giving data", async () => {
    await start();
    const list = await pages(connect(double.users.volunteer), null);
    expect(list.flatMap((p) => p.constituents).every((c) => c.giving === null)).toBe(true);
  });

  it('restarts with a full pass when the cursor is not one of ours', async () => {
    await start();
    const list = await pages(connect(), '{"page":3}');
    expect(list[0]!.progress.total).toBe(double.data.contacts.size);
  });
});

describe('civicrm connector: the wire', () => {
  it('sends every call as a POST of the params form field with the AuthX headers', async () => {
    await start();
    const connector = connect();
    const ada = ref('Ada Okafor');
    await connector.testConnection();
    await connector.findByIdentities([{ platform: 'x', handle: 'jack' }]);
    await connector.search('ada');
    await connector.get(ada);
    await connector.history(ada);
    await connector.logInteraction(ada, draft, 'wire-1');
    await connector.createConstituent({ displayName: 'Wire Test', emails: ['w@example.org'] });
    await connector.linkIdentity(ada, { platform: 'github', handle: 'ada' }).catch(() => undefined);
    await pages(connector, null);

    const api = double.log.filter((e) => e.entity !== 'authx');
    expect(new Set(api.map((e) => `${e.entity}/${e.action}`))).toEqual(
      new Set(['Contact/get', 'Contribution/get', 'Website/get', 'Email/get', 'EntityTag/get', 'Phone/get', 'GroupContact/get', 'ActivityContact/get', 'OptionValue/get', 'OptionValue/create', 'Activity/create', 'Contact/create', 'Email/create']),
    );
    for (const e of api) {
      expect(e.method).toBe('POST');
      expect(e.path).toBe(`/civicrm/ajax/api4/${e.entity}/${e.action}`);
      expect(e.headers).toMatchObject({
        'content-type': 'application/x-www-form-urlencoded',
        'x-civi-auth': `Bearer ${double.users.admin.apiKey}`,
        'x-civi-key': double.siteKey,
        'x-requested-with': 'XMLHttpRequest',
      });
      expect(Object.keys(e.form)).toEqual(['params']);
      expect(JSON.parse(e.form.params!)).toEqual(e.params);
      expect(e.status, `${e.entity}/${e.action}: ${e.reason}`).toBe(200);
    }
    const [whoami] = calls('authx', 'id');
    expect(whoami).toMatchObject({ method: 'GET', path: '/civicrm/authx/id', headers: { 'x-civi-auth': `Bearer ${double.users.admin.apiKey}`, 'x-civi-key': double.siteKey } });
  });

  it('works under a site path such as /site', async () => {
    await start({ basePath: '/site' });
    const connector = createConnector('civicrm', { baseUrl: `${double.baseUrl}/`, apiKey: double.users.admin.apiKey });
    expect(double.baseUrl).toMatch(/\/site$/);
    expect(await connector.testConnection()).toMatchObject({ user: 'Robin Castillo' });
    expect(await connector.get(ref('Ada Okafor'))).toMatchObject({ displayName: 'Ada Okafor' });
    expect(double.log.every((e) => e.path.startsWith('/site/civicrm/') && e.status === 200)).toBe(true);
  });
});

describe('civicrm connector: errors in words', () => {
  it('401 text/plain: a wrong key', async () => {
    await start();
    const wrong = createConnector('civicrm', { baseUrl: double.baseUrl, apiKey: 'not-a-key' });
    await expect(wrong.testConnection()).rejects.toThrow(new ConnectorError('auth', 'CiviCRM refused the API key: Invalid credential.'));
    await expect(wrong.get('civicrm:5')).rejects.toMatchObject({ code: 'auth', message: 'CiviCRM refused the API key: Invalid credential.' });
  });

  it('401 text/plain: the guard wants the site key', async () => {
    await start();
    const noSiteKey = createConnector('civicrm', { baseUrl: double.baseUrl, apiKey: double.users.guarded.apiKey });
    await expect(noSiteKey.testConnection()).rejects.toThrow(
      new ConnectorError('auth', "CiviCRM needs the site key for this user (or the 'authenticate with api key' permission)."),
    );
    expect(await connect(double.users.guarded).testConnection()).toMatchObject({ user: 'Eli Brandt' });
  });

  it('403 → forbidden', async () => {
    await start();
    double.fault({ status: 403 });
    await expect(connect().search('ada')).rejects.toMatchObject({ code: 'forbidden', message: 'CiviCRM does not let this user read Contact records (Authorization failed).' });
  });

  it('500 → server, with the Error ID to give the administrator', async () => {
    await start();
    double.fault({ status: 500 });
    const error = await connect().search('ada').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'server' });
    expect((error as Error).message).toMatch(/^CiviCRM failed to read Contact records: Sorry an error occurred .*\(Error ID: (\w{4}-\w{4}-\w{4})\)\. Give Error ID \1 to your CiviCRM administrator\.$/);
  });

  it('503 maintenance → server, with Retry-After', async () => {
    await start();
    double.fault({ status: 503, retryAfter: '120' });
    await expect(connect().get(ref('Ada Okafor'))).rejects.toMatchObject({
      code: 'server', retryAfterMs: 120_000, message: 'CiviCRM is temporarily unavailable: Temporarily unavailable for maintenance.',
    });
  });

  it('429 from a proxy → rateLimited, with Retry-After as an HTTP date', async () => {
    await start();
    const now = new Date('2026-11-22T10:00:00Z');
    double.fault({ status: 429, retryAfter: new Date(now.getTime() + 90_000).toUTCString() });
    const connector = createConnector('civicrm', { baseUrl: double.baseUrl, apiKey: double.users.admin.apiKey }, { now: () => now });
    await expect(connector.search('ada')).rejects.toMatchObject({ code: 'rateLimited', retryAfterMs: 90_000, message: expect.stringContaining('in 90 s') });
  });

  it('a dropped connection and a timeout → network', async () => {
    await start();
    double.fault({ dropBeforeApply: true });
    await expect(connect().search('ada')).rejects.toMatchObject({ code: 'network', message: expect.stringMatching(/^Could not reach CiviCRM/) });
    double.fault({ latencyMs: 400 });
    // A timeout asks the retry to wait as long again: the server may still apply the write.
    await expect(connect(double.users.admin, { timeoutMs: 100 }).search('ada')).rejects.toMatchObject({
      code: 'network', message: 'CiviCRM did not answer within 100 ms.', retryAfterMs: 100,
    });
    await expect(createConnector('civicrm', { baseUrl: 'http://127.0.0.1:9', apiKey: 'k' }).search('ada')).rejects.toMatchObject({ code: 'network' });
  });

  it('an address that is not a CiviCRM API → invalid, in words', async () => {
    await start({ basePath: '/site' });
    const wrongPath = createConnector('civicrm', { baseUrl: new URL(double.baseUrl).origin, apiKey: double.users.admin.apiKey });
    await expect(wrongPath.testConnection()).rejects.toMatchObject({ code: 'invalid', message: expect.stringContaining('not a CiviCRM API at this address (HTTP 404)') });
    const loginPage = await serve(200, 'text/html', '<!DOCTYPE html><html><body><form id="user-login"></form></body></html>');
    await expect(createConnector('civicrm', { baseUrl: loginPage, apiKey: 'k' }).search('ada')).rejects.toMatchObject({ code: 'invalid', message: expect.stringContaining('not a CiviCRM API at this address (HTTP 200)') });
  });

  it('a reply that is not the APIv4 envelope → invalid "unexpected reply"', async () => {
    const odd = await serve(200, 'application/json', '{"is_error":0,"result":[]}');
    await expect(createConnector('civicrm', { baseUrl: odd, apiKey: 'k' }).search('ada')).rejects.toThrow(
      new ConnectorError('invalid', 'CiviCRM sent an unexpected reply to Contact/get (values: Invalid input: expected array, received undefined).'),
    );
    const broken = await serve(200, 'application/json', '{"values":[{"id":"x"}]}');
    await expect(createConnector('civicrm', { baseUrl: broken, apiKey: 'k' }).search('ada')).rejects.toMatchObject({ code: 'invalid', message: expect.stringContaining('unexpected reply') });
  });

  it('400/405 → invalid', async () => {
    const security = await serve(400, 'application/json', '{"error_code":400,"error_message":"SECURITY ALERT: Ajax requests can only be issued by javascript clients, eg. CRM.api4()."}');
    await expect(createConnector('civicrm', { baseUrl: security, apiKey: 'k' }).search('ada')).rejects.toMatchObject({ code: 'invalid', message: expect.stringContaining('SECURITY ALERT') });
  });
});

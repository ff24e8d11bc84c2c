// Seed records. Constituent 280 ("Dr. Robert C. Hernandez"), his email 283, phone 95, online
// presence 811, actions 410/316, greatest gift 1363 and his solicit codes are Blackbaud's documented
// samples (crm-contracts-renxt.md §6.1: REF GetConstituent, ListActionsSingleConstituent,
// GetConstituentGiftGreatest, ListConstituentSolicitCodesSingleConstituent; BWC fixtures). Gift 1140
// (constituent 190) is the GetGift sample. The rest is made up around them to cover the cases §6
// asks for: social presences in messy spellings, an inactive and a deceased constituent, a
// do-not-solicit donor without gifts, recurring-gift schedule rows, an organisation.
import type { SkyData } from './data';

const person = (
  data: SkyData,
  id: string,
  fields: { first?: string; last?: string; name: string; type?: 'Individual' | 'Organization'; lookup_id: string; modified: string } & Partial<{
    inactive: boolean; deceased: boolean; requests_no_email: boolean; extra: Record<string, unknown>;
  }>,
) => {
  data.constituents.set(id, {
    id,
    type: fields.type ?? 'Individual',
    lookup_id: fields.lookup_id,
    name: fields.name,
    ...(fields.first !== undefined ? { first: fields.first } : {}),
    ...(fields.last !== undefined ? { last: fields.last } : {}),
    inactive: fields.inactive ?? false,
    deceased: fields.deceased ?? false,
    requests_no_email: fields.requests_no_email ?? false,
    gives_anonymously: false,
    fundraiser_status: fields.type === 'Organization' ? 'None' : 'Active',
    extra: fields.extra ?? {},
    date_added: '1999-05-20T18:57:55Z',
    date_modified: fields.modified,
  });
};

const presence = (data: SkyData, id: string, constituent_id: string, type: string, address: string, modified: string, inactive = false) => {
  data.onlinePresences.set(id, {
    id, constituent_id, type, address, primary: false, inactive,
    // §2.4: historic rows carry the 1600 default date_added.
    date_added: '1600-01-01T00:00:00+00:00', date_modified: modified,
  });
};

export function seedTables(data: SkyData): void {
  // GUESS (§2.4): only "Facebook" and "Web address" are seen in sources; a tenant with "Twitter"
  // but no "X" and no "Instagram" is what the mapping must cope with.
  data.tables.onlinepresencetypes = ['Web address', 'Facebook', 'Twitter', 'LinkedIn', 'Website'];
  data.tables.actiontypes = ['Brochure/Invitation', 'Dinner Meeting', 'Social Media'];
  data.tables.actionstatustypes = ['Pending', 'Closed'];
  data.tables.actionlocations = ["Rafferty's", 'Office'];
  data.tables.emailaddresstypes = ['Email', 'Business Email'];
  data.tables.phonetypes = ['Home', 'Mobile'];
  data.tables.constituentcodetypes = ['Board Member', 'Donor', 'Volunteer'];
  data.funds.set('6', 'Natural Disaster Relief Fund');
  data.funds.set('25', 'General Fund');
}

export function seedDemo(data: SkyData): void {
  person(data, '280', {
    first: 'Robert', last: 'Hernandez', name: 'Dr. Robert C. Hernandez', lookup_id: '96', modified: '2016-07-14T04:13:51.2167803Z',
    extra: {
      middle: 'Carlos', preferred_name: 'Bob', former_name: null, title: 'Dr.', suffix: null, gender: 'Male',
      birthdate: { y: 1961, m: 3, d: 14 }, age: 54, deceased_date: null, is_solicitor: false, is_memorial: false,
      is_constituent: true, no_valid_address: true, import_id: '00001-079-0000226498',
      address: { id: '757', formatted_address: '410 17th Street\r\nDenver, CO  80202-4402', type: 'Home', preferred: true, do_not_mail: false, inactive: false },
      spouse: { id: '410', first: 'Wendy', last: 'Hernandez', is_head_of_household: false },
    },
  });
  person(data, '410', { first: 'Wendy', last: 'Hernandez', name: 'Wendy Hernandez', lookup_id: '97', modified: '2017-03-15T14:00:12.554+00:00' });
  person(data, '190', { first: 'Mark', last: 'Oliver', name: 'Mark Oliver', lookup_id: '800', modified: '2017-03-15T14:00:12.554+00:00' });
  person(data, '300', { first: 'Ina', last: 'Active', name: 'Ina Active', lookup_id: '301', modified: '2018-01-02T10:00:00+00:00', inactive: true });
  person(data, '301', { first: 'Dee', last: 'Ceased', name: 'Dee Ceased', lookup_id: '302', modified: '2018-01-03T10:00:00+00:00', deceased: true });
  person(data, '302', { first: 'Sam', last: 'Quiet', name: 'Sam Quiet', lookup_id: '303', modified: '2018-01-04T10:00:00+00:00', requests_no_email: true });
  person(data, '500', { type: 'Organization', name: 'Hernandez Family Foundation', lookup_id: '500', modified: '2018-01-05T10:00:00+00:00', extra: { number_of_subsidiaries: 0 } });

  data.emails.set('283', { id: '283', constituent_id: '280', address: 'robertcarloshernandez@gmail.com', type: 'Email', primary: true, inactive: false, do_not_email: false, date_added: '1999-05-20T18:57:55Z', date_modified: '2016-07-14T04:13:51Z' });
  data.emails.set('284', { id: '284', constituent_id: '280', address: 'bob@hernandez-family.org', type: 'Business Email', primary: false, inactive: false, do_not_email: false, date_added: '2010-01-01T00:00:00Z', date_modified: '2010-01-01T00:00:00Z' });
  data.emails.set('285', { id: '285', constituent_id: '410', address: 'old@wendy.example', type: 'Email', primary: true, inactive: true, do_not_email: false, date_added: '2010-01-01T00:00:00Z', date_modified: '2010-01-01T00:00:00Z' });
  data.emails.set('286', { id: '286', constituent_id: '300', address: 'ina@example.org', type: 'Email', primary: true, inactive: false, do_not_email: false, date_added: '2010-01-01T00:00:00Z', date_modified: '2010-01-01T00:00:00Z' });
  data.phones.set('95', { id: '95', constituent_id: '280', number: '(303)-997-3301', type: 'Home', primary: true, inactive: false, do_not_call: false, date_added: '1999-05-20T18:57:55Z', date_modified: '2016-07-14T04:13:51Z' });

  presence(data, '811', '280', 'Web address', 'http://www.myspace.com/drbobhernandez', '2016-07-14T04:13:51.2167803Z');
  presence(data, '812', '280', 'Twitter', 'https://twitter.com/DrBobHernandez/', '2019-02-01T09:00:00+00:00');
  presence(data, '813', '280', 'Facebook', 'm.facebook.com/drbob.hernandez?ref=bookmarks', '2019-02-01T09:00:01+00:00');
  presence(data, '814', '280', 'Twitter', 'https://twitter.com/old_bob', '2019-02-01T09:00:02+00:00', true);
  presence(data, '815', '410', 'Twitter', '@WendyH', '2019-02-02T09:00:00+00:00');
  presence(data, '816', '500', 'LinkedIn', 'https://www.linkedin.com/company/hernandez-foundation/', '2019-02-03T09:00:00+00:00');

  data.actions.set('410', {
    id: '410', constituent_id: '280', category: 'Mailing', date: '2009-02-19T00:00:00Z', completed: true,
    fields: {
      type: 'Brochure/Invitation', summary: 'Sent invitation for Dr. Hernandez to attend our board meetings.',
      description: 'Send invitation to Dr. Hernandez to attend our board meetings. Send schedule of meetings.',
      start_time: '12:00', end_time: '13:30', completed_date: '2009-02-24T00:00:00Z', status: 'Closed', status_code: 'Closed',
      direction: 'Outbound', location: "Rafferty's", outcome: 'Successful', priority: 'Normal', fundraisers: ['252'], opportunity_id: '23',
    },
    date_added: '1999-10-26T15:45:27.463Z', date_modified: '2004-02-27T18:46:06.237Z',
  });
  data.actions.set('316', {
    id: '316', constituent_id: '280', category: 'Phone Call', date: '2016-05-26T00:00:00', completed: false,
    fields: { summary: 'Call to thank for gift', status: 'Past due', status_code: 'Pending', priority: 'High' },
    date_added: '2016-05-20T15:45:27.463+00:00', date_modified: '2016-05-20T15:45:27.463+00:00',
  });

  const gift = (id: string, constituent_id: string, type: string, date: string, amount: number, fund_id: string | null, extra: Record<string, unknown> = {}) =>
    data.gifts.set(id, { id, constituent_id, type, date, amount, fund_id, extra, date_added: '2002-03-12T14:01:44.227+00:00', date_modified: '2017-03-15T14:00:12.554+00:00' });
  gift('1140', '190', 'Donation', '2009-03-12T00:00:00', 250, '25', { subtype: 'Membership', lookup_id: '800', gift_status: 'Active', post_status: 'NotPosted' });
  gift('1363', '280', 'Donation', '2005-04-10T00:00:00', 150000, '6');
  gift('1201', '280', 'Donation', '2001-06-01T00:00:00Z', 500, '25');
  // A recurring gift is a schedule (§4.1): its amount is promised monthly, not received.
  gift('1500', '280', 'RecurringGift', '2020-01-15T00:00:00', 50, '25', { recurring_gift_schedule: { frequency: 'MONTHLY', start_date: '2020-01-15T00:00:00', end_date: null } });
  gift('1501', '280', 'RecurringGiftPayment', '2020-01-15T00:00:00', 50, '25', { linked_gifts: ['1500'] });
  gift('1502', '280', 'RecurringGiftPayment', '2020-02-15T00:00:00Z', 50, '25', { linked_gifts: ['1500'] });

  data.solicitCodes.set('1', { id: '1', constituent_id: '280', solicit_code: 'Do not solicit', start_date: '2013-04-03T04:00:00Z', end_date: '2019-04-03T04:00:00Z' });
  data.solicitCodes.set('2', { id: '2', constituent_id: '280', solicit_code: 'Do not call on weekends', start_date: '2013-04-03T04:00:00Z' });
  data.solicitCodes.set('3', { id: '3', constituent_id: '302', solicit_code: 'Do not solicit', start_date: '2015-01-01T00:00:00Z' });

  data.constituentCodes.set('901', { id: '901', constituent_id: '280', description: 'Board Member', inactive: false, date_added: '2004-01-01T00:00:00Z', date_modified: '2004-01-01T00:00:00Z' });
  data.constituentCodes.set('902', { id: '902', constituent_id: '280', description: 'Volunteer', inactive: true, date_added: '2004-01-01T00:00:00Z', date_modified: '2004-01-01T00:00:00Z' });
}

export function seedBulk(data: SkyData, from: number, n: number, presenceEvery: number): void {
  for (let i = from; i < from + n; i++) {
    const id = String(10_000 + i);
    const modified = new Date(Date.UTC(2020, 0, 1) + i * 1000).toISOString();
    person(data, id, { first: `Bulk${i}`, last: 'Person', name: `Bulk${i} Person`, lookup_id: `B${i}`, modified });
    if (presenceEvery > 0 && i % presenceEvery === 0) presence(data, String(200_000 + i), id, 'Twitter', `https://x.com/bulk${i}`, modified);
  }
}

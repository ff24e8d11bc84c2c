// Sample records derived from NPSP's Trailhead data set (crm-contracts.md §6:
// SalesforceFoundation/NPSP datasets/trailhead/test_data.sql): the households, contacts and ids
// used there, with their giving roll-ups, re-shaped as REST rows. Social fields, activities and
// the deleted contact are ours, to exercise lookup, history and sync.
import type { SfData } from './data';
import { toId18 } from './ids';
import type { SfUser } from './types';

export const ORG_ID = toId18('00D8d000000Kndr')!;

export const USERS: { admin: SfUser; volunteer: SfUser } = {
  admin: { id: toId18('0058d000001AdmN')!, name: 'Avery Castillo', username: 'avery@kindred-npsp.example', canReadGifts: true, canWrite: true },
  volunteer: { id: toId18('0058d000001VoLn')!, name: 'Val Okoro', username: 'val@kindred-npsp.example', canReadGifts: false, canWrite: true },
};

/** Ids from the Trailhead data set, so tests and the notes speak of the same people. */
export const SAMPLE = {
  celiaBoston: '0036g000006JcgMAAS',
  bostonHousehold: '0016g000007WEgHAAW',
  seharIvans: '0036g000006JcfiAAC',
  ivansHousehold: '0016g000007WEftAAG',
  ericaDouglass: '0036g000006JcgFAAS',
  douglassHousehold: '0016g000007WEgBAAW',
  sampleContact: '0036g000006JcgGAAS',
  contactHousehold: '0016g000007WEgDAAW',
  louisBoston: toId18('0036g000006JcgN')!,
  deletedContact: toId18('0036g000006JcZZ')!,
  springGala: toId18('7016g000000GaLa')!,
};

const HOUSEHOLD = 'Household Account';
const none = { npo02__TotalOppAmount__c: 0, npo02__NumberOfClosedOpps__c: 0, npo02__LargestAmount__c: 0, npo02__LastOppAmount__c: 0 };

export function seedUsers(data: SfData): void {
  for (const user of Object.values(USERS)) data.insert('User', { Name: user.name, Username: user.username, Email: user.username, IsActive: true }, user.id);
  data.insert('Organization', { Name: 'Kindred NPSP Double', DefaultCurrencyIsoCode: 'USD' }, ORG_ID);
}

export function seedNpsp(data: SfData): void {
  const s = SAMPLE;
  // Households with the roll-ups the data set carries (Boston: 2 gifts, 125 total, largest 75).
  data.insert('Account', { Name: 'Boston Household', npe01__SYSTEM_AccountType__c: HOUSEHOLD, BillingCity: 'Boston',
    npo02__TotalOppAmount__c: 125, npo02__NumberOfClosedOpps__c: 2, npo02__LargestAmount__c: 75, npo02__LastOppAmount__c: 75,
    npo02__FirstCloseDate__c: '2018-01-22', npo02__LastCloseDate__c: '2019-01-22', npo02__AverageAmount__c: 62.5 }, s.bostonHousehold);
  data.insert('Account', { Name: 'Ivans Household', npe01__SYSTEM_AccountType__c: HOUSEHOLD, npo02__TotalOppAmount__c: 75,
    npo02__NumberOfClosedOpps__c: 1, npo02__LargestAmount__c: 75, npo02__LastOppAmount__c: 75, npo02__FirstCloseDate__c: '2018-11-04',
    npo02__LastCloseDate__c: '2018-11-04' }, s.ivansHousehold);
  data.insert('Account', { Name: 'Douglass Household', npe01__SYSTEM_AccountType__c: HOUSEHOLD, npo02__TotalOppAmount__c: 50,
    npo02__NumberOfClosedOpps__c: 1, npo02__LargestAmount__c: 50, npo02__LastOppAmount__c: 50, npo02__FirstCloseDate__c: '2019-01-01',
    npo02__LastCloseDate__c: '2019-01-01' }, s.douglassHousehold);
  data.insert('Account', { Name: 'Contact Household', npe01__SYSTEM_AccountType__c: HOUSEHOLD, BillingCity: 'San Francisco', ...none }, s.contactHousehold);

  const contact = (id: string, first: string, last: string, values: Record<string, unknown>) =>
    data.insert('Contact', { FirstName: first, LastName: last, Name: `${first} ${last}`, HasOptedOutOfEmail: false, DoNotCall: false,
      npsp__Deceased__c: false, npsp__Do_Not_Contact__c: false, ...none, ...values }, id);
  contact(s.celiaBoston, 'Celia', 'Boston', {
    AccountId: s.bostonHousehold, Email: 'celia.boston@example.org', npe01__HomeEmail__c: 'celia.boston@example.org', Phone: '(617) 555-0123',
    npo02__TotalOppAmount__c: 125, npo02__NumberOfClosedOpps__c: 2, npo02__LargestAmount__c: 75, npo02__LastOppAmount__c: 75,
    npo02__FirstCloseDate__c: '2018-01-22', npo02__LastCloseDate__c: '2019-01-22', npo02__AverageAmount__c: 62.5,
    Twitter_Handle__c: '@CeliaBoston', LinkedIn_URL__c: 'https://www.linkedin.com/in/celia-boston/',
  });
  contact(s.louisBoston, 'Louis', 'Boston', { AccountId: s.bostonHousehold, Twitter_Handle__c: 'http://twitter.com/LouisBoston/' });
  contact(s.seharIvans, 'Sehar', 'Ivans', {
    AccountId: s.ivansHousehold, Email: 'sehar@example.net', npo02__TotalOppAmount__c: 75, npo02__NumberOfClosedOpps__c: 1,
    npo02__LargestAmount__c: 75, npo02__LastOppAmount__c: 75, npo02__FirstCloseDate__c: '2018-11-04', npo02__LastCloseDate__c: '2018-11-04',
    Bluesky_Handle__c: 'sehar.bsky.social',
  });
  contact(s.ericaDouglass, 'Erica', 'Douglass', {
    AccountId: s.douglassHousehold, Email: 'erica@example.com', HasOptedOutOfEmail: true, npo02__TotalOppAmount__c: 50,
    npo02__NumberOfClosedOpps__c: 1, npo02__LargestAmount__c: 50, npo02__LastOppAmount__c: 50, npo02__FirstCloseDate__c: '2019-01-01',
    npo02__LastCloseDate__c: '2019-01-01', Twitter_Handle__c: 'x.com/ericadouglass',
  });
  contact(s.sampleContact, 'Sample', 'Contact', { AccountId: s.contactHousehold, Email: 'info@salesforce.com' });
  const gone = contact(s.deletedContact, 'Dana', 'Gone', { AccountId: s.contactHousehold, Twitter_Handle__c: 'danagone' });
  data.softDelete('Contact', gone);

  data.insert('Campaign', { Name: 'Spring Gala 2019' }, s.springGala);
  const gift = (contactId: string, accountId: string, name: string, amount: number, closeDate: string, stage: string, campaign?: string) =>
    data.insert('Opportunity', { Name: name, Amount: amount, CloseDate: closeDate, StageName: stage, IsWon: stage === 'Closed Won',
      IsClosed: stage.startsWith('Closed'), AccountId: accountId, npsp__Primary_Contact__c: contactId, CampaignId: campaign ?? null, Type: 'Existing Donor' });
  gift(s.celiaBoston, s.bostonHousehold, 'Celia Boston Donation 1/22/2018', 50, '2018-01-22', 'Closed Won');
  gift(s.celiaBoston, s.bostonHousehold, 'Celia Boston Donation 1/22/2019', 75, '2019-01-22', 'Closed Won', s.springGala);
  gift(s.celiaBoston, s.bostonHousehold, 'Celia Boston Pledge 2020', 500, '2020-06-30', 'Closed Lost');
  gift(s.seharIvans, s.ivansHousehold, 'Sehar Ivans Donation 11/4/2018', 75, '2018-11-04', 'Closed Won');
  gift(s.ericaDouglass, s.douglassHousehold, 'Erica Douglass Donation 1/1/2019', 50, '2019-01-01', 'Closed Won');

  data.insert('Task', { WhoId: s.celiaBoston, Subject: 'Thank-you call', Description: 'Thanked Celia for her gala gift.',
    ActivityDate: '2019-01-25', Status: 'Completed', Priority: 'Normal', TaskSubtype: 'Call', OwnerId: USERS.admin.id });
  data.insert('Event', { WhoId: s.celiaBoston, Subject: 'Lunch after the gala', Description: 'Talked about volunteering.',
    ActivityDateTime: '2019-02-10T12:00:00.000+0000', StartDateTime: '2019-02-10T12:00:00.000+0000', EndDateTime: '2019-02-10T13:00:00.000+0000',
    DurationInMinutes: 60, OwnerId: USERS.admin.id });
}

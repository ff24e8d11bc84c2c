// Object and field metadata, the part of a Salesforce org's schema the connector touches: the
// standard fields, NPSP's (npe01__/npo02__/npsp__, crm-contracts.md §3.5) and three org-specific
// social fields (§3.7). Query validation, writes and describe all read it, so they agree.

export type FieldType =
  | 'id' | 'string' | 'url' | 'email' | 'phone' | 'textarea' | 'reference' | 'boolean' | 'currency'
  | 'double' | 'date' | 'datetime' | 'picklist';

export interface FieldDef {
  name: string;
  label: string;
  type: FieldType;
  length: number;
  custom: boolean;
  /** Long text areas cannot be filtered or sorted (SOQL rule; §3.7 GUESS, widely documented). */
  filterable: boolean;
  createable: boolean;
  updateable: boolean;
  nillable: boolean;
  picklist?: string[];
  /** Picklist default (Task.Status 'Not Started', Priority 'Normal'). */
  defaultValue?: string;
  referenceTo?: string[];
  /** `Account` for AccountId: what `Account.Name` goes through. */
  relationshipName?: string;
  /** Hidden by field-level security from a user who may not read gifts. */
  gift?: boolean;
}

export interface ObjectDef {
  name: string;
  label: string;
  keyPrefix: string;
  fields: FieldDef[];
  /** Hidden entirely (INVALID_TYPE) from a user who may not read gifts. */
  gift?: boolean;
}

const LONG = 32_000;

function f(name: string, type: FieldType, extra: Partial<FieldDef> = {}): FieldDef {
  const custom = name.endsWith('__c');
  const system = ['Id', 'IsDeleted', 'CreatedDate', 'LastModifiedDate', 'SystemModstamp', 'CreatedById', 'Name'].includes(name);
  const longText = type === 'textarea' && (extra.length ?? LONG) > 255;
  return {
    name,
    label: name.replace(/^(npe01|npo02|npsp)__/, '').replace(/__c$/, '').replace(/_/g, ' '),
    type,
    length: type === 'string' || type === 'url' || type === 'email' || type === 'phone' ? 255 : type === 'textarea' ? LONG : type === 'id' || type === 'reference' ? 18 : 0,
    custom,
    filterable: !longText,
    createable: !system,
    updateable: !system,
    nillable: !['Id', 'IsDeleted'].includes(name),
    ...extra,
  };
}

const ref = (name: string, to: string[], relationshipName: string, extra: Partial<FieldDef> = {}) => f(name, 'reference', { referenceTo: to, relationshipName, ...extra });
const audit = (): FieldDef[] => [
  f('Id', 'id'), f('IsDeleted', 'boolean'), f('CreatedDate', 'datetime'), f('LastModifiedDate', 'datetime'),
  f('SystemModstamp', 'datetime'), ref('CreatedById', ['User'], 'CreatedBy', { createable: false, updateable: false }),
];
const rollup = (name: string, type: FieldType) => f(name, type, { createable: false, updateable: false, gift: true });
const rollups = (): FieldDef[] => [
  rollup('npo02__TotalOppAmount__c', 'currency'), rollup('npo02__NumberOfClosedOpps__c', 'double'),
  rollup('npo02__FirstCloseDate__c', 'date'), rollup('npo02__LastCloseDate__c', 'date'),
  rollup('npo02__LastOppAmount__c', 'currency'), rollup('npo02__LargestAmount__c', 'currency'),
  rollup('npo02__AverageAmount__c', 'currency'), rollup('npo02__OppAmountThisYear__c', 'currency'),
  rollup('npo02__OppAmountLastYear__c', 'currency'), rollup('npo02__Best_Gift_Year__c', 'string'),
  rollup('npo02__Best_Gift_Year_Total__c', 'currency'),
];

export const OBJECTS: ObjectDef[] = [
  {
    name: 'User', label: 'User', keyPrefix: '005',
    fields: [...audit(), f('Name', 'string'), f('Username', 'string'), f('Email', 'email'), f('IsActive', 'boolean')],
  },
  {
    name: 'Organization', label: 'Organization', keyPrefix: '00D',
    fields: [...audit(), f('Name', 'string'), f('DefaultCurrencyIsoCode', 'picklist', { picklist: ['USD', 'EUR', 'GBP'] })],
  },
  {
    name: 'Account', label: 'Account', keyPrefix: '001',
    fields: [
      ...audit(), f('Name', 'string', { createable: true, updateable: true }), f('RecordTypeId', 'reference', { referenceTo: ['RecordType'] }),
      f('npe01__SYSTEM_AccountType__c', 'string'), f('BillingCity', 'string'), f('Description', 'textarea'), ...rollups(),
    ],
  },
  {
    name: 'Contact', label: 'Contact', keyPrefix: '003',
    fields: [
      ...audit(), f('FirstName', 'string', { length: 40 }), f('LastName', 'string', { length: 80, nillable: false }),
      f('Name', 'string', { createable: false, updateable: false }), f('Email', 'email'), f('Phone', 'phone'),
      f('MobilePhone', 'phone'), f('HomePhone', 'phone'), ref('AccountId', ['Account'], 'Account'),
      ref('OwnerId', ['User'], 'Owner'), f('MailingCity', 'string'), f('Description', 'textarea'),
      f('HasOptedOutOfEmail', 'boolean'), f('DoNotCall', 'boolean'),
      f('npe01__HomeEmail__c', 'email'), f('npe01__WorkEmail__c', 'email'), f('npe01__AlternateEmail__c', 'email'),
      f('npe01__Preferred_Email__c', 'picklist', { picklist: ['Personal', 'Work', 'Alternate'] }),
      f('npe01__WorkPhone__c', 'phone'), f('npe01__PreferredPhone__c', 'picklist', { picklist: ['Home', 'Work', 'Mobile', 'Other'] }),
      f('npsp__Deceased__c', 'boolean'), f('npsp__Do_Not_Contact__c', 'boolean'), ...rollups(),
      // Org-specific social fields (§3.7): what the admin maps in Kindred.
      f('Twitter_Handle__c', 'string', { length: 80, label: 'Twitter Handle' }),
      f('LinkedIn_URL__c', 'url', { label: 'LinkedIn URL' }),
      f('Bluesky_Handle__c', 'string', { length: 100, label: 'Bluesky Handle' }),
      f('Social_Notes__c', 'textarea', { label: 'Social Notes' }),
    ],
  },
  {
    name: 'Campaign', label: 'Campaign', keyPrefix: '701',
    fields: [...audit(), f('Name', 'string', { createable: true, updateable: true })],
  },
  {
    name: 'Opportunity', label: 'Opportunity', keyPrefix: '006', gift: true,
    fields: [
      ...audit(), f('Name', 'string', { createable: true, updateable: true }), f('Amount', 'currency'), f('CloseDate', 'date'),
      f('StageName', 'picklist', { picklist: ['Pledged', 'Prospecting', 'Closed Won', 'Closed Lost'] }),
      f('IsWon', 'boolean', { createable: false, updateable: false }), f('IsClosed', 'boolean', { createable: false, updateable: false }),
      ref('AccountId', ['Account'], 'Account'), ref('CampaignId', ['Campaign'], 'Campaign'), f('Type', 'picklist', { picklist: ['New Donor', 'Existing Donor'] }),
      ref('npsp__Primary_Contact__c', ['Contact'], 'npsp__Primary_Contact__r'), f('Description', 'textarea'),
    ],
  },
  {
    name: 'Task', label: 'Task', keyPrefix: '00T',
    fields: [
      ...audit(), ref('WhoId', ['Contact', 'Lead'], 'Who'), ref('WhatId', ['Account', 'Opportunity'], 'What'),
      ref('OwnerId', ['User'], 'Owner'), f('Subject', 'string'), f('Description', 'textarea'), f('ActivityDate', 'date'),
      f('Status', 'picklist', { picklist: ['Not Started', 'In Progress', 'Completed', 'Waiting on someone else', 'Deferred'], defaultValue: 'Not Started' }),
      f('Priority', 'picklist', { picklist: ['High', 'Normal', 'Low'], defaultValue: 'Normal' }),
      f('Type', 'picklist', { picklist: ['Call', 'Email', 'Meeting', 'Other'] }),
      // §3.6 GUESS: set only at create.
      f('TaskSubtype', 'picklist', { picklist: ['Task', 'Email', 'ListEmail', 'Cadence', 'Call'], updateable: false, defaultValue: 'Task' }),
    ],
  },
  {
    name: 'Event', label: 'Event', keyPrefix: '00U',
    fields: [
      ...audit(), ref('WhoId', ['Contact', 'Lead'], 'Who'), ref('OwnerId', ['User'], 'Owner'), f('Subject', 'string'),
      f('Description', 'textarea'), f('ActivityDateTime', 'datetime'), f('StartDateTime', 'datetime'),
      f('EndDateTime', 'datetime'), f('DurationInMinutes', 'double'),
    ],
  },
];

const byName = new Map(OBJECTS.map((o) => [o.name.toLowerCase(), o]));
const byPrefix = new Map(OBJECTS.map((o) => [o.keyPrefix, o]));

export const objectNamed = (name: string): ObjectDef | undefined => byName.get(name.toLowerCase());
export const objectOfId = (id: string): ObjectDef | undefined => byPrefix.get(id.slice(0, 3));

export function fieldOf(object: ObjectDef, name: string): FieldDef | undefined {
  const wanted = name.toLowerCase();
  return object.fields.find((field) => field.name.toLowerCase() === wanted);
}

/** The field a relationship name (`Account`, `Owner`, `npsp__Primary_Contact__r`) goes through. */
export function relationshipOf(object: ObjectDef, name: string): FieldDef | undefined {
  const wanted = name.toLowerCase();
  return object.fields.find((field) => field.relationshipName?.toLowerCase() === wanted);
}

/** What a user may see: gift objects and roll-up fields vanish for a user without gift access. */
export function visibleObject(name: string, canReadGifts: boolean): ObjectDef | undefined {
  const object = objectNamed(name);
  return object && (canReadGifts || !object.gift) ? object : undefined;
}

export function visibleField(object: ObjectDef, name: string, canReadGifts: boolean): FieldDef | undefined {
  const field = fieldOf(object, name);
  return field && (canReadGifts || !field.gift) ? field : undefined;
}

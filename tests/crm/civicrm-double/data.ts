// The double's live tables, in API shape (the values a `get` returns), plus the rows every CiviCRM
// install has: option groups and values from civicrm_data.tpl and the API users' contacts.
import { Table, type Row } from './table';
import { formatDateTime } from './values';

export { Table, type Row };

export interface ContactRow extends Row {
  contact_type: 'Individual' | 'Household' | 'Organization' | string;
  display_name: string | null;
  sort_name: string | null;
  first_name?: string | null;
  last_name?: string | null;
  organization_name?: string | null;
  is_deleted: boolean;
  created_date: string;
  modified_date: string;
}
export interface EmailRow extends Row { contact_id: number; email: string; is_primary: boolean; location_type_id?: number | null; on_hold?: number }
export interface PhoneRow extends Row { contact_id: number; phone: string; is_primary: boolean; phone_type_id?: number | null }
export interface WebsiteRow extends Row { contact_id: number; url: string; website_type_id: number | null }
export interface ActivityRow extends Row { activity_type_id: number; subject?: string | null; activity_date_time: string; status_id?: number | null; is_deleted: boolean; is_test: boolean; created_date: string; modified_date: string }
export interface ActivityContactRow extends Row { activity_id: number; contact_id: number; record_type_id: number }
export interface ContributionRow extends Row { contact_id: number; total_amount: number; currency: string; receive_date: string | null; financial_type_id: number; contribution_status_id: number; is_test: boolean; is_template: boolean }
export interface TagRow extends Row { name: string; label: string; used_for: string; is_tagset: boolean; parent_id: number | null }
export interface EntityTagRow extends Row { entity_table: string; entity_id: number; tag_id: number }
export interface GroupRow extends Row { name: string; title: string; frontend_title?: string | null; is_active: boolean }
export interface GroupContactRow extends Row { group_id: number; contact_id: number; status: 'Added' | 'Removed' | 'Pending' | string }
export interface OptionGroupRow extends Row { name: string; title: string; is_active: boolean }
export interface OptionValueRow extends Row { option_group_id: number; label: string; value: string; name: string; weight: number; is_active: boolean }

export interface CiviData {
  contacts: Table<ContactRow>;
  emails: Table<EmailRow>;
  phones: Table<PhoneRow>;
  websites: Table<WebsiteRow>;
  activities: Table<ActivityRow>;
  activityContacts: Table<ActivityContactRow>;
  contributions: Table<ContributionRow>;
  tags: Table<TagRow>;
  entityTags: Table<EntityTagRow>;
  groups: Table<GroupRow>;
  groupContacts: Table<GroupContactRow>;
  optionGroups: Table<OptionGroupRow>;
  optionValues: Table<OptionValueRow>;
}

export type TableName = keyof CiviData;

export const nowStamp = (): string => formatDateTime(new Date());

// Option groups and values as seeded by xml/templates/civicrm_data.tpl (the newer copy with the
// 12-value website list). Deliberately no Bluesky/Mastodon/X website type and no "Social Media
// Interaction" activity type: a real site has neither until an admin adds them (§2.6).
const OPTION_GROUPS: [name: string, title: string, values: (string | [name: string, label: string])[]][] = [
  ['activity_type', 'Activity Type', ['Meeting', 'Phone Call', 'Email', ['SMS', 'Text Message (SMS)'], 'Event Registration', 'Contribution', 'Membership Signup', 'Membership Renewal', 'Tell a Friend', 'Pledge Acknowledgment', 'Pledge Reminder', ['Inbound Email', 'Inbound Email'], 'Follow up', 'Print PDF Letter']],
  ['activity_status', 'Activity Status', ['Scheduled', 'Completed', 'Cancelled', 'Left Message', 'Unreachable', 'Not Required', 'Available', ['No_show', 'No-show']]],
  ['activity_contacts', 'Activity Contacts', ['Activity Assignees', 'Activity Source', 'Activity Targets']],
  ['contribution_status', 'Contribution Status', ['Completed', 'Pending', 'Cancelled', 'Failed', 'In Progress', 'Overdue', 'Refunded', 'Partially paid', 'Pending refund', 'Chargeback', 'Template']],
  ['website_type', 'Website Type', ['Work', 'Main', 'Facebook', ['Google_', 'Google+'], 'Instagram', 'LinkedIn', 'MySpace', 'Pinterest', 'SnapChat', 'Tumblr', 'Twitter', 'Vine']],
  ['phone_type', 'Phone Type', ['Phone', 'Mobile', 'Fax', 'Pager', 'Voicemail']],
  ['payment_instrument', 'Payment Methods', ['Credit Card', 'Debit Card', 'Cash', 'Check', 'EFT']],
  ['priority', 'Priority', ['Urgent', 'Normal', 'Low']],
  ['gender', 'Gender', ['Female', 'Male', 'Other']],
  ['individual_prefix', 'Individual contact prefixes', ['Mrs.', 'Ms.', 'Mr.', 'Dr.']],
  ['individual_suffix', 'Individual contact suffixes', ['Jr.', 'Sr.', 'II', 'III', 'IV', 'V', 'VI', 'VII']],
];

export function createData(): CiviData {
  const data: CiviData = {
    contacts: new Table(),
    emails: new Table(),
    phones: new Table(),
    websites: new Table(),
    activities: new Table(),
    activityContacts: new Table(),
    contributions: new Table(),
    tags: new Table(),
    entityTags: new Table(),
    groups: new Table(),
    groupContacts: new Table(),
    optionGroups: new Table(),
    optionValues: new Table(),
  };
  for (const [groupName, title, values] of OPTION_GROUPS) {
    const group = data.optionGroups.insert({ name: groupName, title, is_active: true, is_reserved: true, description: null });
    values.forEach((v, i) => {
      const [name, label] = typeof v === 'string' ? [v, v] : v;
      data.optionValues.insert({
        option_group_id: group.id, label, value: String(i + 1), name, weight: i + 1, is_active: true,
        is_default: groupName === 'priority' && name === 'Normal', is_reserved: true, description: null,
        grouping: null, filter: 0, component_id: null, icon: null, color: null,
      });
    });
  }
  return data;
}

/** The columns every contact row carries besides its names, at their defaults. */
export const CONTACT_DEFAULTS = {
  middle_name: null, nick_name: null, job_title: null, external_identifier: null, image_URL: null, source: null,
  household_name: null, legal_name: null, legal_identifier: null, formal_title: null, sic_code: null,
  prefix_id: null, suffix_id: null, gender_id: null, birth_date: null, is_deceased: false, deceased_date: null,
  preferred_language: 'en_US', preferred_communication_method: null, employer_id: null, primary_contact_id: null, contact_sub_type: null,
  do_not_email: false, do_not_phone: false, do_not_mail: false, do_not_sms: false, do_not_trade: false, is_opt_out: false,
  is_deleted: false,
} as const;

/** A contact row with the names CiviCRM derives (display_name "First Last", sort_name "Last, First"). */
export function individual(first: string, last: string, stamp: string, extra: Partial<ContactRow> = {}): Omit<ContactRow, 'id'> {
  return {
    ...CONTACT_DEFAULTS, contact_type: 'Individual', first_name: first, last_name: last,
    display_name: `${first} ${last}`, sort_name: `${last}, ${first}`, organization_name: null,
    created_date: stamp, modified_date: stamp, ...extra,
  };
}

export function organization(name: string, stamp: string, extra: Partial<ContactRow> = {}): Omit<ContactRow, 'id'> {
  return {
    ...CONTACT_DEFAULTS, contact_type: 'Organization', first_name: null, last_name: null,
    display_name: name, sort_name: name, organization_name: name,
    created_date: stamp, modified_date: stamp, ...extra,
  };
}

/** The option value id of `name` in option group `group` (seed helper; throws when missing). */
export function optionValue(data: CiviData, group: string, name: string): number {
  const g = [...data.optionGroups.values()].find((r) => r.name === group);
  const v = g && [...data.optionValues.values()].find((r) => r.option_group_id === g.id && r.name === name);
  if (!v) throw new Error(`double seed: no option ${group}.${name}`);
  return Number(v.value);
}

// Per-entity field metadata: what getFields would say. The query engine checks every field name
// against it (unknown field → 500), follows `fk` for implicit joins (`contact_id.display_name`),
// resolves `options` for the `:name`/`:label` suffixes, and reads `defaultFilter` for the get
// defaults of GetActionDefaultsProvider. Sources: schema/**.entityType.php and §2.6 of the contract.
import { nowStamp, type CiviData, type Row, type TableName } from './data';
import type { DataType } from './values';

export type EntityName =
  | 'Contact' | 'Email' | 'Phone' | 'Website' | 'Activity' | 'ActivityContact' | 'Contribution'
  | 'Tag' | 'EntityTag' | 'Group' | 'GroupContact' | 'OptionValue' | 'OptionGroup';

export interface Option { id: string | number; name: string; label: string; description?: string | null }

export type OptionSource =
  | { group: string } // an option group in civicrm_option_value
  | { entity: EntityName; name: string; label: string } // another table (Tag, Group…)
  | { list: Option[] }; // a fixed pseudoconstant (FinancialType, LocationType: tables the double does not model)

export interface FieldSpec {
  name: string;
  type: DataType;
  title: string;
  fk?: EntityName;
  options?: OptionSource;
  /** Mandatory on create ("Mandatory values missing from Api4 X::create: …"). */
  required?: boolean;
  /** Filled on create when absent. */
  default?: () => unknown;
  /** Added to get's where as `field = value` unless the where mentions the field (GetActionDefaultsProvider). */
  defaultFilter?: unknown;
  /** Set by the server (created_date, modified_date); silently ignored in write values. */
  readonly?: boolean;
  /** A create/update pseudo-field (Activity.source_contact_id): unknown to get. */
  writeOnly?: boolean;
  /** Not stored: computed from other tables on read (Contact.email_primary). */
  computed?: (row: Row, data: CiviData) => unknown;
  /** Not included in `select: ['*']` (core's "Extra" and "Filter" fields). */
  extra?: boolean;
  /** Only usable in where, with IN / NOT IN (Contact.groups). */
  filterOnly?: boolean;
}

export interface EntitySpec {
  name: EntityName;
  table: TableName;
  fields: Record<string, FieldSpec>;
  /** The contact whose modified_date a write bumps ("closely related entity", §2.6). */
  contactOf?: (row: Row) => number | null;
  /** Needs a permission the volunteer lacks (Contribution: "access CiviContribute"). */
  contributionPerm?: boolean;
  /** Field copied to `name` when name is not given (Tag, Group, OptionValue). */
  nameFrom?: string;
}

const FINANCIAL_TYPES: Option[] = [
  { id: 1, name: 'Donation', label: 'Donation' },
  { id: 2, name: 'Member Dues', label: 'Member Dues' },
  { id: 3, name: 'Campaign Contribution', label: 'Campaign Contribution' },
  { id: 4, name: 'Event Fee', label: 'Event Fee' },
];
const LOCATION_TYPES: Option[] = [
  { id: 1, name: 'Home', label: 'Home' },
  { id: 2, name: 'Work', label: 'Work' },
  { id: 3, name: 'Main', label: 'Main' },
  { id: 4, name: 'Other', label: 'Other' },
  { id: 5, name: 'Billing', label: 'Billing' },
];
const CONTACT_TYPES: Option[] = ['Individual', 'Household', 'Organization'].map((n) => ({ id: n, name: n, label: n }));
const GROUP_CONTACT_STATUS: Option[] = ['Added', 'Removed', 'Pending'].map((n) => ({ id: n, name: n, label: n }));

type FieldDef = Omit<FieldSpec, 'name' | 'title'> & { title?: string };
const f = (type: DataType, extra: Omit<FieldDef, 'type'> = {}): FieldDef => ({ type, ...extra });
const id = f('Integer', { readonly: true });
const contactFk = (extra: Omit<FieldDef, 'type'> = {}) => f('Integer', { fk: 'Contact', ...extra });
const stamp = f('Timestamp', { readonly: true });

function fields(defs: Record<string, FieldDef>): Record<string, FieldSpec> {
  const out: Record<string, FieldSpec> = {};
  for (const [name, def] of Object.entries(defs)) {
    out[name] = { name, title: def.title ?? name.replace(/_id$/, '').replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase()), ...def };
  }
  return out;
}

/** The primary row of `table` for a contact, via the table's contact_id index. */
const primaryOf = (table: 'emails' | 'phones') => (row: Row, data: CiviData) => {
  const rows = data[table].by('contact_id').get(row.id) ?? [];
  return (rows.find((r) => r.is_primary) ?? null)?.id ?? null;
};

const groupsOf = (row: Row, data: CiviData) =>
  (data.groupContacts.by('contact_id').get(row.id) ?? []).filter((g) => g.status === 'Added').map((g) => g.group_id);

export const ENTITIES: Record<EntityName, EntitySpec> = {
  Contact: {
    name: 'Contact', table: 'contacts',
    contactOf: (row) => row.id,
    fields: fields({
      id,
      contact_type: f('String', { options: { list: CONTACT_TYPES }, default: () => 'Individual' }),
      contact_sub_type: f('Array'),
      display_name: f('String'), sort_name: f('String'),
      first_name: f('String'), middle_name: f('String'), last_name: f('String'), nick_name: f('String'),
      organization_name: f('String'), household_name: f('String'), job_title: f('String'),
      external_identifier: f('String'), image_URL: f('Text'), source: f('String'),
      legal_name: f('String'), legal_identifier: f('String'), formal_title: f('String'), sic_code: f('String'),
      prefix_id: f('Integer', { options: { group: 'individual_prefix' } }), suffix_id: f('Integer', { options: { group: 'individual_suffix' } }),
      gender_id: f('Integer', { options: { group: 'gender' } }), birth_date: f('Date'),
      is_deceased: f('Boolean', { default: () => false }), deceased_date: f('Date'),
      preferred_language: f('String'), preferred_communication_method: f('Array'),
      employer_id: contactFk(), primary_contact_id: contactFk(),
      do_not_email: f('Boolean', { default: () => false }), do_not_phone: f('Boolean', { default: () => false }),
      do_not_mail: f('Boolean', { default: () => false }), do_not_sms: f('Boolean', { default: () => false }),
      do_not_trade: f('Boolean', { default: () => false }), is_opt_out: f('Boolean', { default: () => false }),
      is_deleted: f('Boolean', { default: () => false, defaultFilter: false }),
      created_date: stamp, modified_date: stamp,
      email_primary: f('Integer', { fk: 'Email', extra: true, computed: primaryOf('emails') }),
      phone_primary: f('Integer', { fk: 'Phone', extra: true, computed: primaryOf('phones') }),
      groups: f('Array', { extra: true, filterOnly: true, options: { entity: 'Group', name: 'name', label: 'title' }, computed: groupsOf }),
    }),
  },
  Email: {
    name: 'Email', table: 'emails',
    contactOf: (row) => row.contact_id as number,
    fields: fields({
      id, contact_id: contactFk({ required: true }), email: f('String', { required: true }),
      location_type_id: f('Integer', { options: { list: LOCATION_TYPES }, default: () => 1 }),
      is_primary: f('Boolean', { default: () => false }), is_billing: f('Boolean', { default: () => false }),
      on_hold: f('Integer', { default: () => 0 }), is_bulkmail: f('Boolean', { default: () => false }),
    }),
  },
  Phone: {
    name: 'Phone', table: 'phones',
    contactOf: (row) => row.contact_id as number,
    fields: fields({
      id, contact_id: contactFk({ required: true }), phone: f('String', { required: true }), phone_ext: f('String'),
      phone_numeric: f('String', { readonly: true }),
      phone_type_id: f('Integer', { options: { group: 'phone_type' } }),
      location_type_id: f('Integer', { options: { list: LOCATION_TYPES }, default: () => 1 }),
      is_primary: f('Boolean', { default: () => false }), is_billing: f('Boolean', { default: () => false }),
    }),
  },
  Website: {
    name: 'Website', table: 'websites',
    contactOf: (row) => row.contact_id as number,
    // No is_primary on Website (GUESS per §2.6).
    fields: fields({
      id, contact_id: contactFk({ required: true }), url: f('String', { required: true }),
      website_type_id: f('Integer', { options: { group: 'website_type' } }),
    }),
  },
  Activity: {
    name: 'Activity', table: 'activities',
    fields: fields({
      id,
      activity_type_id: f('Integer', { options: { group: 'activity_type' }, required: true }),
      subject: f('String'), details: f('Text'), location: f('String'), duration: f('Integer'),
      activity_date_time: f('Datetime', { default: nowStamp }),
      // GUESS: no default status (the column has none); the connector should send status_id.
      status_id: f('Integer', { options: { group: 'activity_status' } }),
      priority_id: f('Integer', { options: { group: 'priority' }, default: () => 2 }),
      campaign_id: f('Integer'), parent_id: f('Integer', { fk: 'Activity' }), result: f('String'),
      is_test: f('Boolean', { default: () => false, defaultFilter: false }),
      is_deleted: f('Boolean', { default: () => false, defaultFilter: false }),
      is_star: f('Boolean', { default: () => false }),
      created_date: stamp, modified_date: stamp,
      // Create/update pseudo-fields (ActivitySpecProvider / ActivityCreationSpecProvider). Reads go through ActivityContact.
      source_contact_id: contactFk({ writeOnly: true, required: true }),
      target_contact_id: f('Array', { fk: 'Contact', writeOnly: true }),
      assignee_contact_id: f('Array', { fk: 'Contact', writeOnly: true }),
    }),
  },
  ActivityContact: {
    name: 'ActivityContact', table: 'activityContacts',
    fields: fields({
      id, activity_id: f('Integer', { fk: 'Activity', required: true }), contact_id: contactFk({ required: true }),
      record_type_id: f('Integer', { options: { group: 'activity_contacts' }, required: true }),
    }),
  },
  Contribution: {
    name: 'Contribution', table: 'contributions', contributionPerm: true,
    fields: fields({
      id, contact_id: contactFk({ required: true }),
      financial_type_id: f('Integer', { options: { list: FINANCIAL_TYPES }, required: true }),
      payment_instrument_id: f('Integer', { options: { group: 'payment_instrument' } }),
      contribution_status_id: f('Integer', { options: { group: 'contribution_status' }, default: () => 1 }),
      total_amount: f('Money', { required: true }), fee_amount: f('Money'), net_amount: f('Money'),
      currency: f('String', { default: () => 'USD' }),
      receive_date: f('Datetime', { default: nowStamp }),
      trxn_id: f('String'), invoice_id: f('String'), source: f('String'), campaign_id: f('Integer'),
      cancel_date: f('Datetime'), thankyou_date: f('Datetime'), receipt_date: f('Datetime'),
      is_test: f('Boolean', { default: () => false, defaultFilter: false }),
      is_template: f('Boolean', { default: () => false, defaultFilter: false }),
      is_pay_later: f('Boolean', { default: () => false }),
      // Exist only from CiviCRM 6.9 (§2.6); the double models a current site.
      created_date: stamp, modified_date: stamp,
    }),
  },
  Tag: {
    name: 'Tag', table: 'tags', nameFrom: 'label',
    fields: fields({
      id, name: f('String', { required: true }), label: f('String'), description: f('String'),
      parent_id: f('Integer', { fk: 'Tag' }), is_selectable: f('Boolean', { default: () => true }),
      is_reserved: f('Boolean', { default: () => false }), is_tagset: f('Boolean', { default: () => false }),
      used_for: f('String', { default: () => 'civicrm_contact' }), color: f('String'), created_date: stamp,
    }),
  },
  EntityTag: {
    name: 'EntityTag', table: 'entityTags',
    contactOf: (row) => (row.entity_table === 'civicrm_contact' ? (row.entity_id as number) : null),
    fields: fields({
      id, entity_table: f('String', { default: () => 'civicrm_contact' }), entity_id: f('Integer', { required: true }),
      tag_id: f('Integer', { fk: 'Tag', options: { entity: 'Tag', name: 'name', label: 'label' }, required: true }),
    }),
  },
  Group: {
    name: 'Group', table: 'groups', nameFrom: 'title',
    fields: fields({
      id, name: f('String'), title: f('String', { required: true }), frontend_title: f('String'), description: f('Text'),
      source: f('String'), saved_search_id: f('Integer'), is_active: f('Boolean', { default: () => true }),
      visibility: f('String', { default: () => 'User and User Admin Only' }), group_type: f('Array'),
      is_hidden: f('Boolean', { default: () => false }), is_reserved: f('Boolean', { default: () => false }),
    }),
  },
  GroupContact: {
    name: 'GroupContact', table: 'groupContacts',
    contactOf: (row) => row.contact_id as number,
    fields: fields({
      id, group_id: f('Integer', { fk: 'Group', options: { entity: 'Group', name: 'name', label: 'title' }, required: true }),
      contact_id: contactFk({ required: true }),
      status: f('String', { options: { list: GROUP_CONTACT_STATUS }, default: () => 'Added' }),
    }),
  },
  OptionValue: {
    name: 'OptionValue', table: 'optionValues', nameFrom: 'label',
    fields: fields({
      id, option_group_id: f('Integer', { fk: 'OptionGroup', options: { entity: 'OptionGroup', name: 'name', label: 'title' }, required: true }),
      label: f('String', { required: true }), value: f('String'), name: f('String'), grouping: f('String'),
      filter: f('Integer', { default: () => 0 }), is_default: f('Boolean', { default: () => false }), weight: f('Integer'),
      description: f('Text'), is_optgroup: f('Boolean', { default: () => false }), is_reserved: f('Boolean', { default: () => false }),
      is_active: f('Boolean', { default: () => true }), component_id: f('Integer'), icon: f('String'), color: f('String'),
    }),
  },
  OptionGroup: {
    name: 'OptionGroup', table: 'optionGroups', nameFrom: 'title',
    fields: fields({
      id, name: f('String'), title: f('String', { required: true }), description: f('Text'),
      is_reserved: f('Boolean', { default: () => false }), is_active: f('Boolean', { default: () => true }),
    }),
  },
};

export const isEntityName = (name: string): name is EntityName => Object.hasOwn(ENTITIES, name);

/** The options of a pseudoconstant field, read live (an admin may have just added a website type). */
export function optionsOf(field: FieldSpec, data: CiviData): Option[] {
  const source = field.options;
  if (!source) return [];
  if ('list' in source) return source.list;
  if ('group' in source) {
    const group = [...data.optionGroups.values()].find((g) => g.name === source.group);
    if (!group) return [];
    return [...data.optionValues.values()]
      .filter((v) => v.option_group_id === group.id)
      .sort((a, b) => a.weight - b.weight)
      .map((v) => ({ id: v.value, name: v.name, label: v.label, description: (v.description as string | null) ?? null }));
  }
  const table = data[ENTITIES[source.entity].table] as unknown as Map<number, Row>;
  return [...table.values()].map((r) => ({ id: r.id, name: String(r[source.name] ?? ''), label: String(r[source.label] ?? '') }));
}

// create / update / save / delete. Values go through the same metadata as reads: unknown fields
// fail, `:name` suffixes and `fk.field` implicit joins are resolved to ids, `user_contact_id` means
// the caller, FKs must point at existing rows. Side effects a real site has: derived contact names,
// one primary email/phone, ActivityContact rows for Activity's source/target/assignee pseudo-fields,
// and the contact's modified_date bumped by writes to "closely related" entities (§2.6).
import { nowStamp, type CiviData, type Row, type Table } from './data';
import { fail } from './errors';
import { optionIdsFor, splitSuffix } from './paths';
import { runGet, type QueryContext } from './query';
import { ENTITIES, optionsOf, type EntitySpec, type FieldSpec } from './schema';
import { coerceValue } from './values';

const RECORD_TYPE = { assignee: 1, source: 2, target: 3 } as const;
const ACTIVITY_PSEUDO = { source_contact_id: RECORD_TYPE.source, target_contact_id: RECORD_TYPE.target, assignee_contact_id: RECORD_TYPE.assignee } as const;

interface Normalized {
  set: Record<string, unknown>;
  /** Activity's write-only contact pseudo-fields. */
  pseudo: Record<string, unknown>;
  /** `email_primary.email`, `phone_primary.phone`… on Contact writes. */
  related: Record<string, Record<string, unknown>>;
}

const tableOf = (data: CiviData, spec: EntitySpec) => data[spec.table] as unknown as Table<Row>;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function coerceField(ctx: QueryContext, field: FieldSpec, value: unknown, key: string): unknown {
  const me = (v: unknown) => (v === 'user_contact_id' && field.fk === 'Contact' ? ctx.userContactId : v);
  if (field.type === 'Array') {
    if (value === null || value === undefined) return null;
    const list = (Array.isArray(value) ? value : [value]).map(me);
    return field.fk ? list.map((v) => coerceValue('Integer', v, key)) : list;
  }
  return coerceValue(field.type, me(value), key);
}

function normalizeValues(ctx: QueryContext, spec: EntitySpec, values: Record<string, unknown>, action: string): Normalized {
  const out: Normalized = { set: {}, pseudo: {}, related: {} };
  for (const [key, value] of Object.entries(values)) {
    if (key === 'id') continue;
    const [path, suffix] = splitSuffix(key);
    const segments = path.split('.');
    const head = spec.fields[segments[0]!];
    if (segments.length > 1) {
      if (!head?.fk) return fail(`Unknown field '${key}' in ${spec.name}::${action} values`);
      if (head.computed) {
        // Contact's email_primary / phone_primary: written to the related primary row after the contact.
        const rest = key.slice(segments[0]!.length + 1);
        (out.related[segments[0]!] ??= {})[rest] = value;
        continue;
      }
      // Implicit join on write (e.g. `campaign_id.name`): the id of the row whose field has this value.
      const target = ENTITIES[head.fk];
      const rest = key.slice(segments[0]!.length + 1);
      const found = runGet(ctx, target, { select: ['id'], where: [[rest, '=', value]], limit: 1 }, { defaults: false }).rows[0];
      if (!found) return fail(`No ${target.name} with ${rest} = ${JSON.stringify(value)} for ${key}`);
      out.set[segments[0]!] = found.id;
      continue;
    }
    const field = spec.fields[path];
    if (!field || field.filterOnly || field.computed) return fail(`Unknown field '${key}' in ${spec.name}::${action} values`);
    if (field.readonly) continue; // GUESS: core drops read-only fields (created_date…) from values silently.
    let v = value;
    if (suffix !== null) {
      if (!field.options) return fail(`Invalid field '${key}': no option list for suffix ':${suffix}'`);
      const one = (text: unknown) => {
        if (text === null || text === undefined) return null;
        const ids = optionIdsFor(field, suffix, text, ctx.data);
        return ids.length > 0 ? ids[0] : fail(`Illegal value for ${key}: ${JSON.stringify(text)} is not an option of ${spec.name}.${path}`);
      };
      v = Array.isArray(value) ? value.map(one) : one(value);
    }
    const coerced = coerceField(ctx, field, v, key);
    if (field.writeOnly) out.pseudo[path] = coerced;
    else out.set[path] = coerced;
  }
  return out;
}

/** FK targets must exist; pseudoconstant values must be options (GUESS: core validates options on write). */
function checkReferences(ctx: QueryContext, spec: EntitySpec, values: Record<string, unknown>): void {
  for (const [name, value] of Object.entries(values)) {
    const field = spec.fields[name];
    if (!field || value === null || value === undefined) continue;
    if (field.fk) {
      const target = tableOf(ctx.data, ENTITIES[field.fk]);
      for (const id of Array.isArray(value) ? value : [value]) {
        if (!target.has(Number(id))) fail(`${spec.name}.${name}: ${field.fk} ${JSON.stringify(id)} does not exist (foreign key constraint)`);
      }
    } else if (field.options) {
      const allowed = new Set(optionsOf(field, ctx.data).map((o) => String(o.id)));
      for (const v of Array.isArray(value) ? value : [value]) {
        if (!allowed.has(String(v))) fail(`Illegal value for ${spec.name}.${name}: ${JSON.stringify(v)}`);
      }
    }
  }
}

export function bumpContact(data: CiviData, contactId: unknown, stamp = nowStamp()): void {
  const row = data.contacts.get(Number(contactId));
  if (row) row.modified_date = stamp;
}

function deriveContactNames(row: Row, explicit: Record<string, unknown>, email: unknown): void {
  if ('display_name' in explicit && 'sort_name' in explicit) return;
  let display: string | null;
  let sort: string | null;
  if (row.contact_type === 'Organization') display = sort = (row.organization_name as string | null) ?? null;
  else if (row.contact_type === 'Household') display = sort = (row.household_name as string | null) ?? null;
  else {
    const first = (row.first_name as string | null) ?? '';
    const last = (row.last_name as string | null) ?? '';
    display = [first, last].filter(Boolean).join(' ') || null;
    sort = first && last ? `${last}, ${first}` : last || first || null;
  }
  // Like core, an individual with no name is shown by email.
  if (!display && typeof email === 'string') display = sort = email;
  if (!('display_name' in explicit)) row.display_name = display;
  if (!('sort_name' in explicit)) row.sort_name = sort;
}

/** Keeps exactly one primary email/phone per contact: the first one, or the one just marked primary. */
function settlePrimary(table: Table<Row>, row: Row): void {
  const siblings = (table.by('contact_id').get(row.contact_id) ?? []).filter((r) => r.id !== row.id && table.has(r.id));
  if (row.is_primary) for (const s of siblings) s.is_primary = false;
  else if (!siblings.some((s) => s.is_primary)) row.is_primary = true;
}

function writeActivityContacts(data: CiviData, activityId: number, pseudo: Record<string, unknown>): void {
  for (const [field, recordType] of Object.entries(ACTIVITY_PSEUDO)) {
    if (!(field in pseudo)) continue;
    for (const ac of data.activityContacts.by('activity_id').get(activityId) ?? []) {
      if (ac.record_type_id === recordType) data.activityContacts.delete(ac.id);
    }
    const value = pseudo[field];
    for (const contactId of value === null ? [] : Array.isArray(value) ? value : [value]) {
      data.activityContacts.insert({ activity_id: activityId, contact_id: Number(contactId), record_type_id: recordType });
    }
  }
}

function writeRelated(ctx: QueryContext, contactId: number, related: Normalized['related']): void {
  for (const [virtual, values] of Object.entries(related)) {
    const spec = virtual === 'email_primary' ? ENTITIES.Email : virtual === 'phone_primary' ? ENTITIES.Phone : null;
    if (!spec) return fail(`Unknown field '${virtual}' on Contact`);
    const existing = ENTITIES.Contact.fields[virtual]!.computed!(ctx.data.contacts.get(contactId)!, ctx.data);
    if (existing) updateRows(ctx, spec, [Number(existing)], values, 'update');
    else createRecord(ctx, spec, { ...values, contact_id: contactId, is_primary: true }, 'create');
  }
}

function applyDerived(ctx: QueryContext, spec: EntitySpec, row: Row, n: Normalized, action: 'create' | 'update'): void {
  if (spec.name === 'Contact') deriveContactNames(row, n.set, n.related.email_primary?.email);
  if (spec.name === 'Phone' && 'phone' in n.set) row.phone_numeric = String(row.phone ?? '').replace(/\D/g, '');
  if (spec.nameFrom && action === 'create') {
    const source = row[spec.nameFrom];
    if ((row.name === undefined || row.name === null) && typeof source === 'string') row.name = spec.name === 'Group' ? source.replace(/[^A-Za-z0-9]+/g, '_') : source;
    if (spec.name === 'Tag' && (row.label === undefined || row.label === null)) row.label = row.name;
  }
  if (spec.name === 'OptionValue' && action === 'create') {
    const siblings = [...ctx.data.optionValues.values()].filter((v) => v.option_group_id === row.option_group_id);
    if (row.value === undefined || row.value === null) row.value = String(Math.max(0, ...siblings.map((v) => Number(v.value) || 0)) + 1);
    if (row.weight === undefined || row.weight === null) row.weight = Math.max(0, ...siblings.map((v) => v.weight)) + 1;
  }
}

export function createRecord(ctx: QueryContext, spec: EntitySpec, values: unknown, action = 'create'): Row {
  if (!isObject(values)) return fail(`${spec.name}::${action}: values must be an object, got ${JSON.stringify(values)}`);
  if (values.id !== undefined && values.id !== null && action === 'create') return fail(`Cannot pass id to ${spec.name}::create; use update`);
  const n = normalizeValues(ctx, spec, values, action);
  const row: Record<string, unknown> = {};
  for (const field of Object.values(spec.fields)) {
    if (field.readonly || field.writeOnly || field.computed || field.filterOnly) continue;
    row[field.name] = n.set[field.name] !== undefined ? n.set[field.name] : field.default ? coerceField(ctx, field, field.default(), field.name) : null;
  }
  applyDerived(ctx, spec, row as Row, n, 'create');
  const missing = Object.values(spec.fields)
    .filter((f) => f.required)
    .filter((f) => {
      const v = f.writeOnly ? n.pseudo[f.name] : row[f.name];
      return v === undefined || v === null || v === '';
    })
    .map((f) => f.name);
  if (missing.length > 0) return fail(`Mandatory values missing from Api4 ${spec.name}::${action}: ${missing.join(', ')}`);
  checkReferences(ctx, spec, { ...row, ...n.pseudo });
  const stamp = nowStamp();
  if (spec.fields.created_date) row.created_date = stamp;
  if (spec.fields.modified_date) row.modified_date = stamp;
  const table = tableOf(ctx.data, spec);
  const inserted = table.insert(row);
  if (spec.name === 'Email' || spec.name === 'Phone') settlePrimary(table, inserted);
  if (spec.name === 'Activity') writeActivityContacts(ctx.data, inserted.id, n.pseudo);
  if (spec.name === 'Contact') writeRelated(ctx, inserted.id, n.related);
  if (spec.contactOf && spec.name !== 'Contact') bumpContact(ctx.data, spec.contactOf(inserted), stamp);
  return { ...inserted, ...n.pseudo };
}

export function updateRows(ctx: QueryContext, spec: EntitySpec, ids: number[], values: Record<string, unknown>, action: string): Row[] {
  const n = normalizeValues(ctx, spec, values, action);
  checkReferences(ctx, spec, { ...n.set, ...n.pseudo });
  const table = tableOf(ctx.data, spec);
  const stamp = nowStamp();
  return ids.map((id) => {
    const row = table.get(id)!;
    const before = spec.contactOf?.(row) ?? null;
    Object.assign(row, n.set);
    applyDerived(ctx, spec, row, n, 'update');
    if (spec.fields.modified_date) row.modified_date = stamp;
    table.set(id, row); // bump the version: indexed fields (contact_id…) may have changed
    if ((spec.name === 'Email' || spec.name === 'Phone') && 'is_primary' in n.set) settlePrimary(table, row);
    if (spec.name === 'Activity') writeActivityContacts(ctx.data, id, n.pseudo);
    if (spec.name === 'Contact') writeRelated(ctx, id, n.related);
    if (spec.contactOf && spec.name !== 'Contact') {
      bumpContact(ctx.data, before, stamp);
      bumpContact(ctx.data, spec.contactOf(row), stamp);
    }
    return { ...row, ...n.pseudo };
  });
}

function whereOf(params: Record<string, unknown>, action: string, spec: EntitySpec, extraId?: unknown): unknown[] {
  const where = params.where ?? [];
  if (!Array.isArray(where)) return fail(`where must be an array, got ${JSON.stringify(where)}`);
  const all = extraId !== undefined && extraId !== null ? [...where, ['id', '=', extraId]] : where;
  if (all.length === 0) return fail(`Parameter "where" is required for ${spec.name}::${action}`);
  return all;
}

function matchingIds(ctx: QueryContext, spec: EntitySpec, params: Record<string, unknown>, where: unknown[]): number[] {
  return runGet(ctx, spec, { select: ['id'], where, orderBy: params.orderBy, limit: params.limit, offset: params.offset }).rows.map((r) => r.id as number);
}

export function update(ctx: QueryContext, spec: EntitySpec, params: Record<string, unknown>): Row[] {
  const values = params.values;
  if (!isObject(values)) return fail(`${spec.name}::update: values must be an object, got ${JSON.stringify(values)}`);
  const ids = matchingIds(ctx, spec, params, whereOf(params, 'update', spec, values.id));
  return updateRows(ctx, spec, ids, values, 'update');
}

export function save(ctx: QueryContext, spec: EntitySpec, params: Record<string, unknown>): Row[] {
  const { records, defaults = {}, match = [] } = params;
  if (!Array.isArray(records)) return fail(`${spec.name}::save: records must be an array, got ${JSON.stringify(records)}`);
  if (!isObject(defaults)) return fail(`${spec.name}::save: defaults must be an object`);
  if (!Array.isArray(match) || match.some((m) => typeof m !== 'string')) return fail(`${spec.name}::save: match must be an array of field names`);
  return records.map((record) => {
    if (!isObject(record)) return fail(`${spec.name}::save: each record must be an object, got ${JSON.stringify(record)}`);
    const values = { ...defaults, ...record };
    let id = values.id;
    if ((id === undefined || id === null) && match.length > 0) {
      const found = runGet(ctx, spec, { select: ['id'], where: (match as string[]).map((m) => [m, '=', values[m] ?? null]), limit: 2 }).rows;
      // Core updates only when exactly one record matches.
      if (found.length === 1) id = found[0]!.id;
    }
    if (id === undefined || id === null) return createRecord(ctx, spec, values, 'save');
    if (!tableOf(ctx.data, spec).has(Number(id))) return fail(`${spec.name}::save: no ${spec.name} with id ${JSON.stringify(id)}`);
    return updateRows(ctx, spec, [Number(id)], values, 'save')[0]!;
  });
}

export function remove(ctx: QueryContext, spec: EntitySpec, params: Record<string, unknown>): Row[] {
  const ids = matchingIds(ctx, spec, params, whereOf(params, 'delete', spec));
  const table = tableOf(ctx.data, spec);
  const stamp = nowStamp();
  const useTrash = params.useTrash !== false;
  for (const id of ids) {
    const row = table.get(id)!;
    if (spec.name === 'Contact' && useTrash) {
      // Contact delete moves to the trash (is_deleted = 1) unless useTrash is false.
      row.is_deleted = true;
      row.modified_date = stamp;
      continue;
    }
    table.delete(id);
    if (spec.name === 'Contact') cascadeContact(ctx.data, id);
    if (spec.name === 'Activity') for (const ac of ctx.data.activityContacts.by('activity_id').get(id) ?? []) ctx.data.activityContacts.delete(ac.id);
    if ((spec.name === 'Email' || spec.name === 'Phone') && row.is_primary) {
      const next = (table.by('contact_id').get(row.contact_id) ?? []).find((r) => table.has(r.id));
      if (next) next.is_primary = true;
    }
    if (spec.contactOf && spec.name !== 'Contact') bumpContact(ctx.data, spec.contactOf(row), stamp);
  }
  return ids.map((id) => ({ id }));
}

/** A permanent contact delete takes its rows in other tables with it (ON DELETE CASCADE). */
function cascadeContact(data: CiviData, contactId: number): void {
  const byContact: [Table<Row>, string][] = [
    [data.emails, 'contact_id'], [data.phones, 'contact_id'], [data.websites, 'contact_id'], [data.activityContacts, 'contact_id'],
    [data.contributions, 'contact_id'], [data.groupContacts, 'contact_id'],
  ] as unknown as [Table<Row>, string][];
  for (const [table, field] of byContact) for (const r of table.by(field).get(contactId) ?? []) table.delete(r.id);
  for (const et of data.entityTags.values()) if (et.entity_table === 'civicrm_contact' && et.entity_id === contactId) data.entityTags.delete(et.id);
}

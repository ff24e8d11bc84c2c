// The sObject resources (§3.3, §3.9): create, read, update, delete, describe, getUpdated and
// getDeleted, with the checks a real org applies to a write: unknown or read-only fields, types,
// lengths, restricted picklists, required fields, references to records that exist.
import type { Row, SfData } from './data';
import { sfDateTime } from './data';
import { badRequest, notFound, SfApiError } from './errors';
import { toId18 } from './ids';
import { recordOf } from './query';
import { objectOfId, visibleField, visibleObject, type FieldDef, type ObjectDef } from './schema';
import type { SfUser } from './types';

export interface Ctx {
  data: SfData;
  user: SfUser;
  version: string;
  now: () => Date;
  requiredTaskFields: string[];
}

const DAY_MS = 86_400_000;

export function objectFor(ctx: Ctx, name: string): ObjectDef {
  const object = visibleObject(name, ctx.user.canReadGifts);
  if (!object) throw notFound();
  return object;
}

function writable(ctx: Ctx): void {
  // GUESS on the status: the errorCode is what clients should key on.
  if (!ctx.user.canWrite) throw badRequest('INSUFFICIENT_ACCESS_OR_READONLY', `insufficient access rights on object id`);
}

function coerce(ctx: Ctx, field: FieldDef, value: unknown): unknown {
  if (value === null) {
    if (!field.nillable) throw badRequest('REQUIRED_FIELD_MISSING', `Required fields are missing: [${field.name}]`, [field.name]);
    return null;
  }
  const wrongType = (what: string) => new SfApiError(400, 'JSON_PARSER_ERROR', `Cannot deserialize instance of ${what} from ${JSON.stringify(value)} for field ${field.name}`);
  switch (field.type) {
    case 'boolean':
      if (typeof value !== 'boolean') throw wrongType('boolean');
      return value;
    case 'currency':
    case 'double':
      if (typeof value !== 'number' || !Number.isFinite(value)) throw wrongType('double');
      return value;
    case 'date':
      if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) throw wrongType('date');
      return value;
    case 'datetime':
      if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) throw wrongType('datetime');
      return sfDateTime(new Date(value));
    case 'reference':
    case 'id': {
      if (typeof value !== 'string') throw wrongType('id');
      const id = toId18(value);
      const target = id ? objectOfId(id) : undefined;
      if (!id || !target || !field.referenceTo?.includes(target.name)) throw badRequest('MALFORMED_ID', `${field.label}: id value of incorrect type: ${value}`, [field.name]);
      const row = ctx.data.get(id);
      if (!row) throw badRequest('INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id', [field.name]);
      if (row.IsDeleted) throw badRequest('ENTITY_IS_DELETED', 'entity is deleted', [field.name]);
      return id;
    }
    case 'picklist':
      if (typeof value !== 'string') throw wrongType('string');
      if (!field.picklist!.includes(value)) throw badRequest('INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', `${field.label}: bad value for restricted picklist field: ${value}`, [field.name]);
      return value;
    default:
      if (typeof value !== 'string') throw wrongType('string');
      if (value.length > field.length) throw badRequest('STRING_TOO_LONG', `${field.label}: data value too large: ${value.slice(0, 40)}… (max length=${field.length})`, [field.name]);
      return value;
  }
}

function readBody(ctx: Ctx, object: ObjectDef, body: unknown, mode: 'create' | 'update'): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new SfApiError(400, 'JSON_PARSER_ERROR', 'The request body must be a JSON object');
  const values: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(body)) {
    if (name === 'attributes') continue;
    const field = visibleField(object, name, ctx.user.canReadGifts);
    if (!field) throw badRequest('INVALID_FIELD', `No such column '${name}' on sobject of type ${object.name}`);
    if (mode === 'create' ? !field.createable : !field.updateable) {
      throw badRequest(
        'INVALID_FIELD_FOR_INSERT_UPDATE',
        `Unable to create/update fields: ${field.name}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`,
        [field.name],
      );
    }
    values[field.name] = coerce(ctx, field, value);
  }
  return values;
}

const fullName = (row: Record<string, unknown>) => [row.FirstName, row.LastName].filter((p) => typeof p === 'string' && p).join(' ');

export function create(ctx: Ctx, objectName: string, body: unknown): { id: string; success: true; errors: [] } {
  const object = objectFor(ctx, objectName);
  if (['User', 'Organization'].includes(object.name)) throw new SfApiError(405, 'METHOD_NOT_ALLOWED', `HTTP Method 'POST' not allowed for ${object.name}`);
  writable(ctx);
  const values = readBody(ctx, object, body, 'create');
  const required = object.name === 'Contact' ? ['LastName'] : object.name === 'Task' ? ctx.requiredTaskFields : object.name === 'Account' ? ['Name'] : [];
  const missing = required.filter((name) => values[name] === undefined || values[name] === null || values[name] === '');
  if (missing.length) throw badRequest('REQUIRED_FIELD_MISSING', `Required fields are missing: [${missing.join(', ')}]`, missing);
  for (const field of object.fields) if (field.defaultValue && values[field.name] === undefined) values[field.name] = field.defaultValue;
  if (object.name === 'Contact') {
    values.Name = fullName(values);
    // NPSP's household model: a Contact created without an Account gets its own Household Account.
    if (!values.AccountId) {
      const household = ctx.data.insert('Account', { Name: `${String(values.LastName)} Household`, npe01__SYSTEM_AccountType__c: 'Household Account' });
      values.AccountId = household.Id;
    }
  }
  if (object.name === 'Opportunity') {
    values.IsClosed = values.StageName === 'Closed Won' || values.StageName === 'Closed Lost';
    values.IsWon = values.StageName === 'Closed Won';
  }
  const row = ctx.data.insert(object, values);
  return { id: row.Id, success: true, errors: [] };
}

function liveRow(ctx: Ctx, object: ObjectDef, id: string): Row {
  const row = ctx.data.get(id);
  if (!row || objectOfId(row.Id)?.name !== object.name) throw notFound();
  if (row.IsDeleted) throw new SfApiError(404, 'ENTITY_IS_DELETED', 'entity is deleted');
  return row;
}

export function read(ctx: Ctx, objectName: string, id: string, fields: string | null): Record<string, unknown> {
  const object = objectFor(ctx, objectName);
  const row = liveRow(ctx, object, id);
  const names = fields ? fields.split(',').map((n) => n.trim()) : object.fields.filter((field) => ctx.user.canReadGifts || !field.gift).map((field) => field.name);
  const out: Record<string, unknown> = { attributes: recordOf(ctx.version, object, row.Id) };
  for (const name of names) {
    const field = visibleField(object, name, ctx.user.canReadGifts);
    if (!field) throw badRequest('INVALID_FIELD', `No such column '${name}' on sobject of type ${object.name}`);
    out[field.name] = row[field.name] ?? null;
  }
  return out;
}

export function update(ctx: Ctx, objectName: string, id: string, body: unknown): void {
  const object = objectFor(ctx, objectName);
  writable(ctx);
  const row = liveRow(ctx, object, id);
  const values = readBody(ctx, object, body, 'update');
  const next = { ...row, ...values };
  if (object.name === 'Contact') {
    if (!next.LastName) throw badRequest('REQUIRED_FIELD_MISSING', 'Required fields are missing: [LastName]', ['LastName']);
    values.Name = fullName(next);
  }
  ctx.data.update(row, values);
}

export function remove(ctx: Ctx, objectName: string, id: string): void {
  const object = objectFor(ctx, objectName);
  writable(ctx);
  ctx.data.softDelete(object.name, liveRow(ctx, object, id));
}

export function describe(ctx: Ctx, objectName: string): unknown {
  const object = objectFor(ctx, objectName);
  return {
    name: object.name,
    label: object.label,
    keyPrefix: object.keyPrefix,
    custom: false,
    queryable: true,
    createable: ctx.user.canWrite,
    updateable: ctx.user.canWrite,
    fields: object.fields
      .filter((field) => ctx.user.canReadGifts || !field.gift)
      .map((field) => ({
        name: field.name,
        label: field.label,
        type: field.type,
        length: field.length,
        custom: field.custom,
        filterable: field.filterable,
        sortable: field.filterable,
        createable: field.createable && ctx.user.canWrite,
        updateable: field.updateable && ctx.user.canWrite,
        nillable: field.nillable,
        referenceTo: field.referenceTo ?? [],
        relationshipName: field.relationshipName ?? null,
        picklistValues: (field.picklist ?? []).map((value) => ({ value, label: value, active: true, defaultValue: value === field.defaultValue })),
      })),
  };
}

/** `start`/`end` of getUpdated/getDeleted: ISO with a zone; seconds are ignored (§3.9). */
function window(ctx: Ctx, query: URLSearchParams, maxDays: number): { start: number; end: number } {
  const parse = (name: string) => {
    const value = query.get(name);
    const ms = value && /T\d{2}:\d{2}/.test(value) ? Date.parse(value) : NaN;
    if (Number.isNaN(ms)) throw badRequest('INVALID_REPLICATION_DATE', `${name} is missing or not an ISO 8601 date-time with a zone: ${value ?? ''}`);
    return Math.floor(ms / 60_000) * 60_000;
  };
  const start = parse('start');
  const end = parse('end');
  const now = ctx.now().getTime();
  if (end <= start) throw badRequest('INVALID_REPLICATION_DATE', 'end date must be after start date');
  // GUESS on the code; the windows are documented (§3.9, §5.2).
  if (start < now - maxDays * DAY_MS) throw badRequest('INVALID_REPLICATION_DATE', `startDate cannot be more than ${maxDays} days ago`);
  return { start, end: Math.min(end, Math.floor(now / 60_000) * 60_000) };
}

export function getDeleted(ctx: Ctx, objectName: string, query: URLSearchParams): unknown {
  const object = objectFor(ctx, objectName);
  const { start, end } = window(ctx, query, 15);
  const earliest = ctx.now().getTime() - 15 * DAY_MS;
  return {
    deletedRecords: ctx.data.deletedLog
      .filter((d) => d.object === object.name)
      .filter((d) => {
        const at = Date.parse(d.deletedDate.replace(/\+0000$/, 'Z'));
        return at >= start && at < end + 60_000;
      })
      .map((d) => ({ id: d.id, deletedDate: d.deletedDate })),
    earliestDateAvailable: sfDateTime(new Date(Math.floor(earliest / 60_000) * 60_000)),
    latestDateCovered: sfDateTime(new Date(end)),
  };
}

export function getUpdated(ctx: Ctx, objectName: string, query: URLSearchParams): unknown {
  const object = objectFor(ctx, objectName);
  const { start, end } = window(ctx, query, 30);
  return {
    ids: ctx.data
      .rows(object.name)
      .filter((row) => !row.IsDeleted)
      .filter((row) => {
        const at = Date.parse(row.SystemModstamp.replace(/\+0000$/, 'Z'));
        return at >= start && at < end + 60_000;
      })
      .map((row) => row.Id),
    latestDateCovered: sfDateTime(new Date(end)),
  };
}

// Runs a parsed SOQL query against the tables, as the user asking sees them: objects and fields
// they may not read do not exist for them (INVALID_TYPE / INVALID_FIELD), values must have the
// field's literal type, long text areas cannot be filtered or sorted, and string comparisons
// ignore case (§3.2).
import type { SfData, Row } from './data';
import { toId18 } from './ids';
import { relationshipOf, visibleField, visibleObject, type FieldDef, type ObjectDef } from './schema';
import { SoqlError, type Condition, type Literal, type SoqlQuery } from './soql';

interface Viewer {
  canReadGifts: boolean;
}

/** A selected or filtered field, resolved: either on the row, or through one relationship. */
interface Path {
  /** As the response names it: canonical names. */
  field: FieldDef;
  via: FieldDef | null;
  target: ObjectDef | null;
}

const noSuchColumn = (name: string, object: string) =>
  new SoqlError(
    'INVALID_FIELD',
    `No such column '${name}' on entity '${object}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`,
  );

export function unsupportedType(name: string): SoqlError {
  return new SoqlError(
    'INVALID_TYPE',
    `sObject type '${name}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.`,
  );
}

function resolve(object: ObjectDef, name: string, viewer: Viewer): Path {
  const dot = name.indexOf('.');
  if (dot < 0) {
    const field = visibleField(object, name, viewer.canReadGifts);
    if (!field) throw noSuchColumn(name, object.name);
    return { field, via: null, target: null };
  }
  const via = relationshipOf(object, name.slice(0, dot));
  // Polymorphic lookups (Who, What, Owner) resolve to their first type: enough for Name.
  const target = via && visibleObject(via.referenceTo![0]!, viewer.canReadGifts);
  const field = target && visibleField(target, name.slice(dot + 1), viewer.canReadGifts);
  if (!via || !target || !field) throw new SoqlError('INVALID_FIELD', `Didn't understand relationship '${name.slice(0, dot)}' in field path '${name}'.`);
  return { field, via, target };
}

const STRINGY = new Set(['id', 'string', 'url', 'email', 'phone', 'textarea', 'reference', 'picklist']);

function checkLiteral(field: FieldDef, value: Literal): void {
  if (value.kind === 'null') return;
  const t = field.type;
  const wrong = (what: string, quoted: boolean) =>
    new SoqlError('INVALID_FIELD', `value of filter criterion for field '${field.name}' must be of type ${what} and should ${quoted ? '' : 'not '}be enclosed in quotes`);
  if (STRINGY.has(t)) {
    if (value.kind !== 'string') throw wrong('string', true);
    if ((t === 'id' || t === 'reference') && !toId18(value.value)) throw new SoqlError('INVALID_QUERY_FILTER_OPERATOR', `invalid ID field: ${value.value}`);
  } else if (t === 'boolean' && value.kind !== 'boolean') throw wrong('boolean', false);
  else if ((t === 'currency' || t === 'double') && value.kind !== 'number') throw wrong('double', false);
  else if (t === 'date' && value.kind !== 'date') throw wrong('date', false);
  else if (t === 'datetime' && value.kind !== 'datetime') throw wrong('dateTime', false);
}

function validateCondition(object: ObjectDef, c: Condition, viewer: Viewer): void {
  if (c.kind === 'and' || c.kind === 'or') {
    for (const item of c.items) validateCondition(object, item, viewer);
    return;
  }
  if (c.kind === 'not') return validateCondition(object, c.item, viewer);
  const { field } = resolve(object, c.field, viewer);
  if (!field.filterable) throw new SoqlError('INVALID_FIELD', `field '${field.name}' can not be filtered in a query call`);
  if (c.kind === 'compare') checkLiteral(field, c.value);
  else if (c.kind === 'in') c.values.forEach((v) => checkLiteral(field, v));
  else if (!STRINGY.has(field.type) || field.type === 'id' || field.type === 'reference') {
    throw new SoqlError('INVALID_FIELD', `invalid operator on field '${field.name}'. LIKE can only be used on string fields`);
  }
}

function valueAt(data: SfData, row: Row, path: Path): unknown {
  if (!path.via) return row[path.field.name] ?? null;
  const parentId = row[path.via.name];
  const parent = typeof parentId === 'string' ? data.get(parentId) : undefined;
  return parent ? (parent[path.field.name] ?? null) : null;
}

/** Comparable form: ids by their 15-character key, strings case-folded, datetimes as ms. */
function comparable(field: FieldDef, value: unknown): string | number | boolean | null {
  if (value === null || value === undefined) return null;
  if (field.type === 'id' || field.type === 'reference') return String(value).slice(0, 15);
  if (field.type === 'datetime') return Date.parse(String(value).replace(/\+0000$/, 'Z'));
  if (typeof value === 'string') return field.type === 'date' ? value : value.toLowerCase();
  return value as number | boolean;
}

function literalValue(field: FieldDef, literal: Literal): string | number | boolean | null {
  switch (literal.kind) {
    case 'null': return null;
    case 'datetime': return literal.value;
    case 'string': return field.type === 'id' || field.type === 'reference' ? literal.value.slice(0, 15) : literal.value.toLowerCase();
    default: return literal.value;
  }
}

function likeRegex(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\' && (pattern[i + 1] === '%' || pattern[i + 1] === '_')) source += `\\${pattern[++i]}`;
    else if (c === '%') source += '[^]*';
    else if (c === '_') source += '[^]';
    else source += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 'i');
}

function matches(data: SfData, object: ObjectDef, row: Row, c: Condition, viewer: Viewer): boolean {
  switch (c.kind) {
    case 'and': return c.items.every((item) => matches(data, object, row, item, viewer));
    case 'or': return c.items.some((item) => matches(data, object, row, item, viewer));
    case 'not': return !matches(data, object, row, c.item, viewer);
    case 'like': {
      const value = valueAt(data, row, resolve(object, c.field, viewer));
      return typeof value === 'string' && likeRegex(c.pattern).test(value);
    }
    case 'in': {
      const path = resolve(object, c.field, viewer);
      const value = comparable(path.field, valueAt(data, row, path));
      const found = value !== null && c.values.some((v) => literalValue(path.field, v) === value);
      return c.negated ? value !== null && !found : found;
    }
    case 'compare': {
      const path = resolve(object, c.field, viewer);
      const value = comparable(path.field, valueAt(data, row, path));
      const wanted = literalValue(path.field, c.value);
      if (c.op === '=') return value === wanted;
      if (c.op === '!=') return value !== wanted;
      if (value === null || wanted === null) return false;
      if (c.op === '<') return value < wanted;
      if (c.op === '<=') return value <= wanted;
      if (c.op === '>') return value > wanted;
      return value >= wanted;
    }
  }
}

export type SfRecord = Record<string, unknown> & { attributes: { type: string; url: string } };

export function recordOf(version: string, object: ObjectDef, id: string): SfRecord['attributes'] {
  return { type: object.name, url: `/services/data/v${version}/sobjects/${object.name}/${id}` };
}

/** Every matching record, projected, in order (paging is the caller's). */
export function runQuery(data: SfData, query: SoqlQuery, viewer: Viewer, options: { all: boolean; version: string }): SfRecord[] {
  const object = visibleObject(query.object, viewer.canReadGifts);
  if (!object) throw unsupportedType(query.object);
  const paths = query.fields.map((name) => resolve(object, name, viewer));
  const seen = new Set<string>();
  for (const [i, name] of query.fields.entries()) {
    const key = name.toLowerCase();
    // GUESS on the code: Salesforce refuses a field selected twice.
    if (seen.has(key)) throw new SoqlError('MALFORMED_QUERY', `duplicate field selected: ${paths[i]!.field.name}`);
    seen.add(key);
  }
  if (query.where) validateCondition(object, query.where, viewer);
  const order = query.orderBy.map((item) => {
    const path = resolve(object, item.field, viewer);
    if (!path.field.filterable) throw new SoqlError('INVALID_FIELD', `field '${path.field.name}' can not be sorted in a query call`);
    return { path, item };
  });

  let rows = data.rows(object.name).filter((row) => (options.all || !row.IsDeleted) && (!query.where || matches(data, object, row, query.where, viewer)));
  if (order.length) {
    rows = [...rows].sort((a, b) => {
      for (const { path, item } of order) {
        const x = comparable(path.field, valueAt(data, a, path));
        const y = comparable(path.field, valueAt(data, b, path));
        if (x === y) continue;
        if (x === null) return item.nullsLast ? 1 : -1;
        if (y === null) return item.nullsLast ? -1 : 1;
        return (x < y ? -1 : 1) * (item.descending ? -1 : 1);
      }
      return 0;
    });
  }
  rows = rows.slice(query.offset ?? 0, query.limit === null ? undefined : (query.offset ?? 0) + query.limit);
  return rows.map((row) => project(data, object, row, paths, options.version));
}

function project(data: SfData, object: ObjectDef, row: Row, paths: Path[], version: string): SfRecord {
  const out: SfRecord = { attributes: recordOf(version, object, row.Id) };
  for (const path of paths) {
    if (!path.via) {
      out[path.field.name] = row[path.field.name] ?? null;
      continue;
    }
    const relation = path.via.relationshipName!;
    const parentId = row[path.via.name];
    const parent = typeof parentId === 'string' ? data.get(parentId) : undefined;
    if (!parent) {
      out[relation] = null;
      continue;
    }
    const nested = (out[relation] as SfRecord | null | undefined) ?? { attributes: recordOf(version, path.target!, parent.Id) };
    nested[path.field.name] = parent[path.field.name] ?? null;
    out[relation] = nested;
  }
  return out;
}

// Field expressions: `display_name`, `contact_id.display_name` (implicit join along an FK),
// `web.url` (a field of an explicit-join alias), `website_type_id:name` (pseudoconstant suffix),
// and combinations such as `activity_id.activity_type_id:label`. Each compiles once per request
// into a getter over a Tuple, so a scan of 100,000 rows does no string parsing.
import type { CiviData, Row } from './data';
import { fail } from './errors';
import { ENTITIES, optionsOf, type EntitySpec, type FieldSpec, type Option } from './schema';

/** One candidate result row: the base row and, under explicit joins, one row (or null) per alias. */
export interface Tuple {
  base: Row;
  j: Record<string, Row | null>;
}

export interface Scope {
  data: CiviData;
  base: EntitySpec;
  /** Explicit-join aliases declared so far. */
  aliases: Map<string, EntitySpec>;
  /** The authenticated contact, substituted for the magic value `user_contact_id`. */
  userContactId: number | null;
}

export interface CompiledPath {
  expr: string;
  field: FieldSpec;
  entity: EntitySpec;
  suffix: string | null;
  /** Whether the expression leaves the base row (implicit join or alias). */
  joined: boolean;
  /** The alias it reads from, if any. */
  alias: string | null;
  get(t: Tuple): unknown;
}

const SUFFIXES = new Set(['name', 'label', 'value', 'description']);

type Usage = 'select' | 'where' | 'orderBy' | 'groupBy' | 'join';

export function splitSuffix(expr: string): [path: string, suffix: string | null] {
  const parts = expr.split(':');
  if (parts.length > 2) fail(`Invalid field '${expr}'`);
  return [parts[0]!, parts[1] ?? null];
}

/** Maps a stored value (or array of values) to an option's name/label/value, as the suffix asks. */
export function suffixMapper(field: FieldSpec, suffix: string, data: CiviData): (v: unknown) => unknown {
  const byId = new Map<string, Option>(optionsOf(field, data).map((o) => [String(o.id), o]));
  const one = (v: unknown) => {
    if (v === null || v === undefined) return null;
    const o = byId.get(String(v));
    if (!o) return null;
    return suffix === 'value' ? o.id : suffix === 'description' ? (o.description ?? null) : o[suffix as 'name' | 'label'];
  };
  return (v) => (Array.isArray(v) ? v.map(one) : one(v));
}

/** The option ids whose name/label (per suffix) is `text`; the reverse of suffixMapper, for where and values. */
export function optionIdsFor(field: FieldSpec, suffix: string, text: unknown, data: CiviData): (string | number)[] {
  return optionsOf(field, data)
    .filter((o) => String(suffix === 'value' ? o.id : suffix === 'description' ? o.description : o[suffix as 'name' | 'label']) === String(text))
    .map((o) => o.id);
}

export function compilePath(scope: Scope, expr: string, usage: Usage): CompiledPath {
  if (typeof expr !== 'string' || expr === '') return fail(`Invalid field ${JSON.stringify(expr)} in ${usage}`);
  const [path, suffix] = splitSuffix(expr);
  let segments = path.split('.');
  let entity = scope.base;
  let alias: string | null = null;
  let get: (t: Tuple) => Row | null = (t) => t.base;
  if (segments.length > 1 && scope.aliases.has(segments[0]!)) {
    alias = segments[0]!;
    const a = alias;
    entity = scope.aliases.get(a)!;
    get = (t) => t.j[a] ?? null;
    segments = segments.slice(1);
  }
  const { data } = scope;
  // Walk the FK chain: every segment but the last must be an FK field.
  for (const seg of segments.slice(0, -1)) {
    const field = entity.fields[seg];
    if (!field || field.writeOnly || !field.fk) return fail(`Invalid field '${expr}' in ${usage}: '${seg}' is not a foreign key of ${entity.name}`);
    const target = ENTITIES[field.fk];
    const table = data[target.table] as unknown as Map<number, Row>;
    const prev = get;
    const read = field.computed ? (row: Row) => field.computed!(row, data) : (row: Row) => row[seg];
    get = (t) => {
      const row = prev(t);
      if (!row) return null;
      const key = read(row);
      return key === null || key === undefined ? null : (table.get(Number(key)) ?? null);
    };
    entity = target;
  }
  const last = segments[segments.length - 1]!;
  const field = entity.fields[last];
  if (!field) return fail(`Invalid field '${expr}' in ${usage}: ${entity.name} has no field '${last}'`);
  if (field.writeOnly) return fail(`Invalid field '${expr}' in ${usage}: '${last}' is only accepted by create and update`);
  if (field.filterOnly && usage !== 'where') return fail(`Invalid field '${expr}' in ${usage}: '${last}' is a filter`);
  const rowOf = get;
  let value: (t: Tuple) => unknown = field.computed
    ? (t) => {
        const row = rowOf(t);
        return row ? field.computed!(row, data) : null;
      }
    : (t) => rowOf(t)?.[last] ?? null;
  if (suffix !== null) {
    if (!SUFFIXES.has(suffix) || !field.options) return fail(`Invalid field '${expr}' in ${usage}: no option list for suffix ':${suffix}'`);
    const map = suffixMapper(field, suffix, data);
    const raw = value;
    value = (t) => map(raw(t));
  }
  return { expr, field, entity, suffix, joined: alias !== null || segments.length > 1, alias, get: value };
}

/** Fields `*` stands for: stored and computed columns, not extras, filters or write-only pseudo-fields. */
export function wildcardFields(entity: EntitySpec): string[] {
  return Object.values(entity.fields)
    .filter((f) => !f.extra && !f.writeOnly && !f.filterOnly)
    .map((f) => f.name);
}

/** Expands `*`, `is_*`, `web.*`, `contact_id.*` against the metadata; other items pass through. */
export function expandWildcard(scope: Scope, item: string): string[] {
  if (!item.includes('*')) return [item];
  const dot = item.lastIndexOf('.');
  const prefix = dot >= 0 ? item.slice(0, dot + 1) : '';
  const pattern = item.slice(dot + 1);
  let entity = scope.base;
  if (prefix) {
    const head = prefix.slice(0, -1);
    const alias = scope.aliases.get(head);
    if (alias) entity = alias;
    else {
      // `contact_id.*`: the entity at the end of an FK chain.
      const fk = compilePath(scope, `${head}`, 'select');
      if (!fk.field.fk) return fail(`Invalid wildcard '${item}'`);
      entity = ENTITIES[fk.field.fk];
    }
  }
  const re = new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
  return wildcardFields(entity).filter((n) => re.test(n)).map((n) => prefix + n);
}

// The get engine: explicit joins, where (with get's default filters), select (wildcards, aliases,
// aggregate functions, row_count), groupBy, having, orderBy, limit and offset, over the in-memory
// tables. Keyset pages (`id > N ORDER BY id LIMIT 500`) walk the sorted id list from a binary-search
// start and stop once the page is full, so they stay fast over 100,000 contacts.
import type { CiviData, Row, Table } from './data';
import { fail } from './errors';
import { compilePath, expandWildcard, type CompiledPath, type Scope, type Tuple } from './paths';
import { ENTITIES, isEntityName, type EntitySpec } from './schema';
import { lowerBound } from './table';
import { coerceOperand } from './values';
import { compareValues, compileClauses, type Operand } from './where';

export interface GetParams {
  select?: unknown;
  where?: unknown;
  join?: unknown;
  orderBy?: unknown;
  groupBy?: unknown;
  having?: unknown;
  limit?: unknown;
  offset?: unknown;
}

export interface QueryContext {
  data: CiviData;
  userContactId: number | null;
  /** Throws the 403 when the caller may not read an entity (also for explicit joins). */
  checkRead(entity: EntitySpec): void;
}

export interface GetOutcome {
  rows: Record<string, unknown>[];
  /** Total before limit/offset. */
  matched: number;
  rowCountSelected: boolean;
  limit: number;
}

const AGGREGATES = new Set(['COUNT', 'SUM', 'MAX', 'MIN', 'AVG', 'GROUP_CONCAT']);
type Aggregate = 'COUNT' | 'SUM' | 'MAX' | 'MIN' | 'AVG' | 'GROUP_CONCAT';

type SelectItem =
  | { key: string; agg: null; path: CompiledPath }
  | { key: string; agg: Aggregate; distinct: boolean; path: CompiledPath | null };

interface CompiledJoin {
  alias: string;
  entity: EntitySpec;
  type: 'INNER' | 'LEFT' | 'EXCLUDE';
  table: Table<Row>;
  on: (t: Tuple) => boolean;
  /** Hash join: candidate rows are `table.by(col).get(key(t))` instead of the whole table. */
  hash: { col: string; key: (t: Tuple) => unknown } | null;
}

const NO_JOINS: Record<string, Row | null> = Object.freeze({}) as Record<string, Row | null>;

export function pathOperand(scope: Scope, expr: string, usage: 'where' | 'join'): Operand<Tuple> {
  const p = compilePath(scope, expr, usage);
  return {
    get: p.get,
    type: p.suffix ? 'String' : p.field.type,
    field: p.field,
    suffix: p.suffix,
    contactRef: p.field.fk === 'Contact' || (p.entity.name === 'Contact' && p.field.name === 'id'),
  };
}

function intParam(value: unknown, name: string): number {
  if (value === undefined || value === null) return 0;
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) return fail(`Invalid ${name}: ${JSON.stringify(value)}`);
  return n;
}

function stringList(value: unknown, name: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) return fail(`${name} must be an array of strings, got ${JSON.stringify(value)}`);
  return value as string[];
}

function compileJoins(scope: Scope, ctx: QueryContext, join: unknown): CompiledJoin[] {
  if (join === undefined || join === null) return [];
  if (!Array.isArray(join)) return fail(`join must be an array, got ${JSON.stringify(join)}`);
  return join.map((j): CompiledJoin => {
    if (!Array.isArray(j) || typeof j[0] !== 'string') return fail(`Invalid join ${JSON.stringify(j)}: expected ["Entity AS alias", "LEFT"|"INNER"|"EXCLUDE", [cond]...]`);
    const m = /^(\w+)\s+AS\s+(\w+)$/i.exec(j[0].trim());
    if (!m) return fail(`Invalid join ${JSON.stringify(j[0])}: expected "Entity AS alias"`);
    const [, entityName, alias] = m as unknown as [string, string, string];
    if (!isEntityName(entityName)) return fail(`Invalid join: API entity ${entityName} does not exist`);
    if (scope.aliases.has(alias) || Object.hasOwn(scope.base.fields, alias)) return fail(`Invalid join: alias ${alias} is already in use`);
    const entity = ENTITIES[entityName];
    ctx.checkRead(entity);
    const rawType = j[1];
    const type = rawType === true ? 'INNER' : rawType === false || rawType === undefined ? 'LEFT' : typeof rawType === 'string' ? rawType.toUpperCase() : '';
    if (type !== 'INNER' && type !== 'LEFT' && type !== 'EXCLUDE') return fail(`Invalid join type ${JSON.stringify(rawType)}`);
    const conditions = j.slice(2);
    // GUESS: bridge joins (a third element naming a bridge entity, e.g. EntityTag) are not modelled.
    if (conditions.some((c) => !Array.isArray(c))) return fail(`double: join conditions must be clauses (bridge joins are not modelled): ${JSON.stringify(j)}`);
    // GUESS: the joined entity's default filters (is_deleted…) are not added; the caller's ON/where decides.
    scope.aliases.set(alias, entity);
    const on = compileClauses<Tuple>(conditions, { mode: 'join', resolve: (e) => pathOperand(scope, e, 'join'), userContactId: scope.userContactId }, 'join');
    return { alias, entity, type, table: scope.data[entity.table] as unknown as Table<Row>, on, hash: findHashKey(scope, alias, entity, conditions) };
  });
}

/** An equality condition between one stored column of the joined alias and anything else. */
function findHashKey(scope: Scope, alias: string, entity: EntitySpec, conditions: unknown[]): CompiledJoin['hash'] {
  const colOf = (side: unknown) => {
    if (typeof side !== 'string' || !side.startsWith(`${alias}.`)) return null;
    const col = side.slice(alias.length + 1);
    const f = entity.fields[col];
    return f && !f.computed && !col.includes('.') && !col.includes(':') ? col : null;
  };
  const other = (side: unknown): ((t: Tuple) => unknown) | null => {
    if (typeof side === 'string') {
      if (/^(['"]).*\1$/s.test(side)) return null;
      if (side.startsWith(`${alias}.`)) return null;
      if (side === 'user_contact_id') return () => scope.userContactId;
      return compilePath(scope, side, 'join').get;
    }
    return typeof side === 'number' ? () => side : null;
  };
  for (const c of conditions as unknown[][]) {
    if (c.length !== 3 || c[1] !== '=') continue;
    for (const [a, b] of [[c[0], c[2]], [c[2], c[0]]] as const) {
      const col = colOf(a);
      const key = col ? other(b) : null;
      if (col && key) return { col, key };
    }
  }
  return null;
}

function expand(tuple: Tuple, joins: CompiledJoin[], i: number, out: Tuple[]): void {
  if (i === joins.length) {
    out.push(tuple);
    return;
  }
  const join = joins[i]!;
  let candidates: Iterable<Row>;
  if (join.hash) {
    const k = join.hash.key(tuple);
    const index = join.table.by(join.hash.col);
    candidates = k === null || k === undefined ? [] : (index.get(k) ?? index.get(Number(k)) ?? []);
  } else candidates = join.table.values();
  let any = false;
  for (const row of candidates) {
    const next: Tuple = { base: tuple.base, j: { ...tuple.j, [join.alias]: row } };
    if (!join.on(next)) continue;
    any = true;
    if (join.type !== 'EXCLUDE') expand(next, joins, i + 1, out);
  }
  if (!any && join.type !== 'INNER') expand({ base: tuple.base, j: { ...tuple.j, [join.alias]: null } }, joins, i + 1, out);
}

function parseSelect(scope: Scope, select: string[]): { items: SelectItem[]; rowCount: boolean; countOnly: boolean } {
  const rowCount = select.includes('row_count');
  const rest = select.filter((s) => s !== 'row_count');
  const countOnly = rowCount && rest.length === 0;
  const items: SelectItem[] = [];
  for (const raw of rest.length || countOnly ? rest : ['*']) {
    const as = /^(.+?)\s+AS\s+(\w+)$/i.exec(raw.trim());
    const expr = as ? as[1]!.trim() : raw.trim();
    const fn = /^([A-Za-z_]+)\((DISTINCT\s+)?(.*)\)$/i.exec(expr);
    if (fn) {
      const name = fn[1]!.toUpperCase();
      if (!AGGREGATES.has(name)) return fail(`Unsupported SQL function ${fn[1]} in select`);
      const arg = fn[3]!.trim();
      const path = arg === '*' && name === 'COUNT' ? null : compilePath(scope, arg, 'select');
      items.push({ key: as ? as[2]! : `${name}:${arg}`, agg: name as Aggregate, distinct: Boolean(fn[2]), path });
      continue;
    }
    for (const e of expandWildcard(scope, expr)) items.push({ key: as ? as[2]! : e, agg: null, path: compilePath(scope, e, 'select') });
  }
  return { items, rowCount, countOnly };
}

function aggregate(item: Extract<SelectItem, { agg: Aggregate }>, tuples: Tuple[]): unknown {
  let values = item.path ? tuples.map((t) => item.path!.get(t)).filter((v) => v !== null && v !== undefined) : tuples.map(() => 1);
  if (item.distinct) values = [...new Map(values.map((v) => [JSON.stringify(v), v])).values()];
  switch (item.agg) {
    case 'COUNT':
      return values.length;
    case 'SUM':
    case 'AVG': {
      if (values.length === 0) return null;
      const sum = values.reduce<number>((s, v) => s + Number(v), 0);
      return Math.round((item.agg === 'SUM' ? sum : sum / values.length) * 100) / 100;
    }
    case 'MAX':
    case 'MIN':
      if (values.length === 0) return null;
      return values.reduce((best, v) => ((item.agg === 'MAX' ? compareValues(v, best) > 0 : compareValues(v, best) < 0) ? v : best));
    case 'GROUP_CONCAT':
      return values;
  }
}

/** Top-level `id` constraints, to start the scan at the right place in the sorted id list. */
function idRange(where: unknown, userContactId: number | null, isContact: boolean) {
  const r = { lo: -Infinity, loStrict: false, hi: Infinity, hiStrict: false, set: null as number[] | null };
  if (!Array.isArray(where)) return r;
  const num = (v: unknown) => (v === 'user_contact_id' && isContact ? (userContactId ?? NaN) : typeof v === 'number' || (typeof v === 'string' && v.trim() !== '') ? Number(v) : NaN);
  for (const c of where) {
    if (!Array.isArray(c) || c[0] !== 'id' || c.length > 3) continue;
    const [, op, v] = c;
    if (op === '=' && Number.isFinite(num(v))) r.set = [num(v)];
    else if (op === 'IN' && Array.isArray(v) && v.every((x) => Number.isFinite(num(x)))) r.set = v.map(num);
    else if ((op === '>' || op === '>=') && Number.isFinite(num(v)) && num(v) >= r.lo) {
      r.loStrict = op === '>' || (num(v) === r.lo && r.loStrict);
      r.lo = num(v);
    } else if ((op === '<' || op === '<=') && Number.isFinite(num(v)) && num(v) <= r.hi) {
      r.hiStrict = op === '<' || (num(v) === r.hi && r.hiStrict);
      r.hi = num(v);
    } else if (op === 'BETWEEN' && Array.isArray(v) && v.length === 2 && v.every((x) => Number.isFinite(num(x)))) {
      r.lo = Math.max(r.lo, num(v[0]));
      r.hi = Math.min(r.hi, num(v[1]));
    }
  }
  return r;
}

/** Top-level bounds on modified_date (text compares correctly: `YYYY-MM-DD HH:MM:SS`). */
function dateRange(where: unknown) {
  if (!Array.isArray(where)) return null;
  const r = { lo: null as string | null, loStrict: false, hi: null as string | null, hiStrict: false };
  let found = false;
  const date = (v: unknown) => {
    const d = coerceOperand('Timestamp', v);
    return typeof d === 'string' && /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(d) ? d : null;
  };
  for (const c of where) {
    if (!Array.isArray(c) || c[0] !== 'modified_date' || c.length > 3) continue;
    const [, op, v] = c;
    if ((op === '>' || op === '>=') && date(v) !== null && (r.lo === null || date(v)! >= r.lo)) [r.lo, r.loStrict, found] = [date(v), op === '>', true];
    else if ((op === '<' || op === '<=') && date(v) !== null && (r.hi === null || date(v)! <= r.hi)) [r.hi, r.hiStrict, found] = [date(v), op === '<', true];
    else if (op === 'BETWEEN' && Array.isArray(v) && v.length === 2 && date(v[0]) !== null && date(v[1]) !== null) [r.lo, r.hi, found] = [date(v[0]), date(v[1]), true];
  }
  return found ? r : null;
}

/** `id = x` / `id IN (...)` at the top level: core skips the default filters for such fetches. */
function fetchesByUniqueKey(where: unknown): boolean {
  return Array.isArray(where) && where.some((c) => Array.isArray(c) && c[0] === 'id' && (c[1] === '=' || c[1] === 'IN') && c.length === 3);
}

/** Keeps the `k` smallest items by `cmp` in order; O(n log k) and O(n) on already-sorted input. */
function topK<T>(items: Iterable<T>, k: number, cmp: (a: T, b: T) => number): T[] {
  const best: T[] = [];
  for (const item of items) {
    if (best.length === k && cmp(item, best[k - 1]!) >= 0) continue;
    let lo = 0;
    let hi = best.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cmp(best[mid]!, item) <= 0) lo = mid + 1;
      else hi = mid;
    }
    best.splice(lo, 0, item);
    if (best.length > k) best.pop();
  }
  return best;
}

/** MySQL order: NULL first ascending. */
function orderCompare(a: unknown, b: unknown, desc: boolean, exact = false): number {
  const an = a === null || a === undefined;
  const bn = b === null || b === undefined;
  const c = an || bn ? (an && bn ? 0 : an ? -1 : 1) : compareValues(a, b, exact);
  return desc ? -c : c;
}

export function runGet(ctx: QueryContext, spec: EntitySpec, params: GetParams, options: { source?: Table<Row>; defaults?: boolean } = {}): GetOutcome {
  const scope: Scope = { data: ctx.data, base: spec, aliases: new Map(), userContactId: ctx.userContactId };
  const table = options.source ?? (ctx.data[spec.table] as unknown as Table<Row>);
  const joins = compileJoins(scope, ctx, params.join);

  const mentioned = new Set<string>();
  const wherePred = compileClauses<Tuple>(params.where, { mode: 'where', resolve: (e) => pathOperand(scope, e, 'where'), userContactId: ctx.userContactId, mentioned }, 'where');
  const defaults: [string, unknown][] = [];
  if (options.defaults !== false && !fetchesByUniqueKey(params.where)) {
    for (const field of Object.values(spec.fields)) if (field.defaultFilter !== undefined && !mentioned.has(field.name)) defaults.push([field.name, field.defaultFilter]);
  }
  const pred = defaults.length === 0 ? wherePred : (t: Tuple) => defaults.every(([f, v]) => Number(t.base[f] ?? 0) === Number(v)) && wherePred(t);

  const { items: selectItems, rowCount, countOnly } = parseSelect(scope, stringList(params.select, 'select'));
  const groupBy = stringList(params.groupBy, 'groupBy').map((g) => compilePath(scope, g, 'groupBy'));
  const aggregating = groupBy.length > 0 || selectItems.some((i) => i.agg);
  // Core always fetches the primary key of a plain (non-grouped) query.
  if (!aggregating && !countOnly && !selectItems.some((i) => i.key === 'id') && spec.fields.id) selectItems.unshift({ key: 'id', agg: null, path: compilePath(scope, 'id', 'select') });

  const rawOrder = params.orderBy ?? {};
  if (typeof rawOrder !== 'object' || rawOrder === null || (Array.isArray(rawOrder) && rawOrder.length > 0)) return fail(`orderBy must be an object {field: "ASC"|"DESC"}, got ${JSON.stringify(rawOrder)}`);
  const order = Object.entries(rawOrder as Record<string, unknown>).map(([key, dir]) => {
    const d = typeof dir === 'string' ? dir.toUpperCase() : '';
    if (d !== 'ASC' && d !== 'DESC') return fail(`Invalid sort direction ${JSON.stringify(dir)} for ${key}`);
    const item = selectItems.find((i) => i.key === key);
    const path = item && !item.agg ? item.path : item ? null : compilePath(scope, key, 'orderBy');
    // Text sorts by collation; everything else (ids, dates, option names) exactly, which is also faster.
    const exact = path ? Boolean(path.suffix) || (path.field.type !== 'String' && path.field.type !== 'Text') : false;
    return { key, desc: d === 'DESC', path, outputKey: item ? key : null, exact };
  });
  const limit = intParam(params.limit, 'limit');
  const offset = intParam(params.offset, 'offset');
  const needAll = rowCount || limit === 0;

  // Candidate base rows: in id order (reverse for ORDER BY id DESC), or in modified_date order when
  // the where bounds modified_date (incremental sync) and nothing narrows the ids.
  const range = idRange(params.where, ctx.userContactId, spec.name === 'Contact');
  const dates = spec.fields.modified_date ? dateRange(params.where) : null;
  let inIndexOrder: boolean;
  let descending = false;
  let candidateIds: Iterable<number>;
  if (dates && !range.set && range.lo === -Infinity && range.hi === Infinity) {
    const index = table.sortedBy('modified_date');
    const start = dates.lo === null ? 0 : lowerBound(index.keys, dates.lo, dates.loStrict);
    const end = dates.hi === null ? index.keys.length : lowerBound(index.keys, dates.hi, !dates.hiStrict);
    candidateIds = (function* () {
      for (let i = start; i < end; i++) yield index.ids[i]!;
    })();
    inIndexOrder = order.length > 0 && order[0]!.key === 'modified_date' && !order[0]!.desc && (order.length === 1 || (order.length === 2 && order[1]!.key === 'id' && !order[1]!.desc));
  } else {
    inIndexOrder = order.length === 0 || (order.length === 1 && order[0]!.key === 'id');
    descending = order.length === 1 && order[0]!.key === 'id' && order[0]!.desc;
    const ids = table.sortedIds();
    if (range.set) candidateIds = [...new Set(range.set)].sort((a, b) => (descending ? b - a : a - b));
    else {
      const start = range.lo === -Infinity ? 0 : lowerBound(ids, range.lo, range.loStrict);
      const end = range.hi === Infinity ? ids.length : lowerBound(ids, range.hi, !range.hiStrict);
      candidateIds = (function* () {
        if (descending) for (let i = end - 1; i >= start; i--) yield ids[i]!;
        else for (let i = start; i < end; i++) yield ids[i]!;
      })();
    }
  }

  const stopAt = !aggregating && inIndexOrder && !needAll ? offset + limit : Infinity;
  const matched: Tuple[] = [];
  const probe: Tuple = { base: { id: 0 }, j: NO_JOINS };
  for (const id of candidateIds) {
    const row = table.get(id);
    if (!row) continue;
    if (joins.length === 0) {
      probe.base = row;
      if (pred(probe)) matched.push({ base: row, j: NO_JOINS });
    } else {
      const expanded: Tuple[] = [];
      expand({ base: row, j: NO_JOINS }, joins, 0, expanded);
      for (const t of expanded) if (pred(t)) matched.push(t);
    }
    if (matched.length >= stopAt) break;
  }

  if (!aggregating) {
    let page: Tuple[];
    if (inIndexOrder) page = matched;
    else {
      const cmp = (a: Tuple, b: Tuple) => {
        for (const o of order) {
          const c = orderCompare(o.path!.get(a), o.path!.get(b), o.desc, o.exact);
          if (c !== 0) return c;
        }
        return 0;
      };
      page = limit > 0 && offset + limit < matched.length ? topK(matched, offset + limit, cmp) : matched.slice().sort(cmp);
    }
    const sliced = countOnly ? [] : page.slice(offset, limit > 0 ? offset + limit : undefined);
    const rows = sliced.map((t) => {
      const out: Record<string, unknown> = {};
      for (const item of selectItems) out[item.key] = (item.path as CompiledPath).get(t);
      return out;
    });
    return { rows, matched: matched.length, rowCountSelected: rowCount, limit };
  }

  // Grouped / aggregate query.
  const groups = new Map<string, Tuple[]>();
  if (groupBy.length === 0) groups.set('', matched);
  else
    for (const t of matched) {
      const key = JSON.stringify(groupBy.map((g) => g.get(t)));
      const list = groups.get(key);
      if (list) list.push(t);
      else groups.set(key, [t]);
    }
  let out = [...groups.values()].map((tuples) => {
    const row: Record<string, unknown> = {};
    for (const item of selectItems) {
      // GUESS: a non-aggregated, non-grouped column takes its first row's value (ANY_VALUE).
      row[item.key] = item.agg ? aggregate(item, tuples) : tuples[0] ? item.path.get(tuples[0]) : null;
    }
    return { row, first: tuples[0] ?? null };
  });
  if (params.having !== undefined) {
    const having = compileClauses<{ row: Record<string, unknown> }>(
      params.having,
      {
        mode: 'having',
        userContactId: ctx.userContactId,
        resolve: (expr) => {
          const item = selectItems.find((i) => i.key === expr);
          if (!item) return fail(`Invalid field '${expr}' in having: only selected fields and aliases may be used`);
          return { get: (g) => g.row[expr], type: item.agg === 'COUNT' ? 'Integer' : item.agg ? 'Money' : item.path.suffix ? 'String' : item.path.field.type };
        },
      },
      'having',
    );
    out = out.filter(having);
  }
  if (order.length > 0) {
    out.sort((a, b) => {
      for (const o of order) {
        const va = o.outputKey !== null ? a.row[o.outputKey] : a.first ? o.path!.get(a.first) : null;
        const vb = o.outputKey !== null ? b.row[o.outputKey] : b.first ? o.path!.get(b.first) : null;
        const c = orderCompare(va, vb, o.desc, o.outputKey !== null ? false : o.exact);
        if (c !== 0) return c;
      }
      return 0;
    });
  }
  const rows = countOnly ? [] : out.slice(offset, limit > 0 ? offset + limit : undefined).map((g) => g.row);
  return { rows, matched: out.length, rowCountSelected: rowCount, limit };
}


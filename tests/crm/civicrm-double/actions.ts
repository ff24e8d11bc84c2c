// One API call, as civicrm_api4($entity, $action, $params, $index) runs it behind AJAX.php: unknown
// entity/action or parameter → 500, then the permission check (403), then the action. Also the
// `chain` and `index` extras and a minimal getFields.
import type { CiviData, Row } from './data';
import { denied, fail } from './errors';
import { runGet, type QueryContext } from './query';
import { ENTITIES, isEntityName, optionsOf, type EntitySpec, type FieldSpec } from './schema';
import { Table } from './table';
import { createRecord, remove, save, update } from './writes';

/** Who is calling, after authx. `contactId` null is the anonymous user. */
export interface Caller {
  contactId: number | null;
  canReadContributions: boolean;
  canWrite: boolean;
}

export interface ApiResult {
  entity: string;
  action: string;
  debug: null;
  version: 4;
  count: number;
  countFetched: number;
  countMatched?: number;
  values: unknown;
}

const ACTIONS = ['get', 'create', 'update', 'save', 'delete', 'getFields'] as const;
type Action = (typeof ACTIONS)[number];
const WRITES = new Set<Action>(['create', 'update', 'save', 'delete']);

// Each action's params; anything else is "Unknown api parameter" (a 500). `index` is not a core
// param but the brief allows it inside params as well as beside them.
const COMMON = ['chain', 'debug', 'language', 'checkPermissions', 'index'];
const PARAMS: Record<Action, Set<string>> = {
  get: new Set([...COMMON, 'select', 'where', 'join', 'orderBy', 'groupBy', 'having', 'limit', 'offset']),
  create: new Set([...COMMON, 'values', 'reload']),
  update: new Set([...COMMON, 'values', 'where', 'orderBy', 'limit', 'offset', 'reload']),
  save: new Set([...COMMON, 'records', 'defaults', 'match', 'reload']),
  delete: new Set([...COMMON, 'where', 'orderBy', 'limit', 'offset']),
  getFields: new Set([...COMMON, 'select', 'where', 'loadOptions', 'action', 'values', 'orderBy', 'limit', 'offset', 'includeCustom']),
};

export interface Env {
  data: CiviData;
  caller: Caller;
}

export function executeCall(env: Env, entity: unknown, action: unknown, rawParams: unknown, index?: unknown): ApiResult {
  const notFound = () => fail(`API (${String(entity)}, ${String(action)}) does not exist (Api4)`);
  if (typeof entity !== 'string' || !isEntityName(entity)) return notFound();
  // PHP method names are case-insensitive, so `getfields` works on a real site.
  const act = typeof action === 'string' ? ACTIONS.find((a) => a.toLowerCase() === action.toLowerCase()) : undefined;
  if (!act) return notFound();
  const spec = ENTITIES[entity];
  if (rawParams !== null && rawParams !== undefined && (typeof rawParams !== 'object' || (Array.isArray(rawParams) && rawParams.length > 0))) {
    return fail(`params must be a JSON object, got ${JSON.stringify(rawParams)}`);
  }
  const params = (Array.isArray(rawParams) || !rawParams ? {} : rawParams) as Record<string, unknown>;
  for (const key of Object.keys(params)) {
    const allowed = PARAMS[act].has(key) || (key === 'useTrash' && act === 'delete' && entity === 'Contact');
    if (!allowed) fail(`Unknown api parameter: ${key} (${entity}::${act})`);
  }
  const { caller } = env;
  const ctx: QueryContext = {
    data: env.data,
    userContactId: caller.contactId,
    checkRead: (e: EntitySpec) => {
      if (caller.contactId === null) denied();
      if (e.contributionPerm && !caller.canReadContributions) denied();
    },
  };
  ctx.checkRead(spec);
  if (WRITES.has(act) && !caller.canWrite) denied();

  let values: Record<string, unknown>[];
  let matched: number | undefined;
  let count: number | undefined;
  switch (act) {
    case 'get': {
      const outcome = runGet(ctx, spec, params);
      values = outcome.rows;
      if (outcome.rowCountSelected || outcome.limit === 0) matched = outcome.matched;
      if (outcome.rowCountSelected) count = outcome.matched;
      break;
    }
    case 'create':
      values = [createRecord(ctx, spec, params.values)];
      break;
    case 'update':
      values = update(ctx, spec, params);
      break;
    case 'save':
      values = save(ctx, spec, params);
      break;
    case 'delete':
      values = remove(ctx, spec, params);
      break;
    case 'getFields':
      values = getFields(ctx, spec, params);
      break;
  }
  if (params.chain !== undefined) runChains(env, values, params.chain);
  const result: ApiResult = { entity, action: act, debug: null, version: 4, count: count ?? values.length, countFetched: values.length, values };
  if (matched !== undefined) result.countMatched = matched;
  const idx = index ?? params.index;
  if (idx !== undefined && idx !== null && idx !== '') result.values = applyIndex(values, idx);
  return result;
}

/** `index`: an integer returns that one row (Result::itemAt), a field name re-keys the rows by it. */
function applyIndex(values: Record<string, unknown>[], index: unknown): unknown {
  if (typeof index === 'number' || (typeof index === 'string' && /^-?\d+$/.test(index))) {
    const n = Number(index);
    return values[n < 0 ? values.length + n : n] ?? null;
  }
  if (typeof index !== 'string') return fail(`Invalid index ${JSON.stringify(index)}`);
  return Object.fromEntries(values.map((v) => [String(v[index]), v]));
}

/** `$field` strings in chained params take the parent row's value (`$id` → the new activity's id). */
function substitute(value: unknown, row: Record<string, unknown>): unknown {
  if (typeof value === 'string' && value.startsWith('$') && Object.hasOwn(row, value.slice(1))) return row[value.slice(1)];
  if (Array.isArray(value)) return value.map((v) => substitute(v, row));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, row)]));
  return value;
}

function runChains(env: Env, rows: Record<string, unknown>[], chain: unknown): void {
  if (!chain || typeof chain !== 'object' || Array.isArray(chain)) return void fail(`chain must be an object of [Entity, action, params, index?] calls`);
  for (const row of rows) {
    for (const [name, call] of Object.entries(chain)) {
      if (!Array.isArray(call) || call.length < 2) return void fail(`Invalid chain ${name}: ${JSON.stringify(call)}`);
      const [e, a, p, i] = substitute(call, row) as unknown[];
      row[name] = executeCall(env, e, a, p ?? {}, i).values;
    }
  }
}

const DATA_TYPES: Record<string, string> = { Datetime: 'Timestamp', Array: 'String' };

// getFields' own columns, so its where/select go through the same engine.
const FIELD_COLUMNS: EntitySpec = {
  name: 'OptionGroup', // only a label here; the rows are synthetic
  table: 'optionGroups',
  fields: Object.fromEntries(
    ['name', 'title', 'description', 'type', 'data_type', 'input_type', 'fk_entity', 'entity', 'serialize', 'default_value', 'required', 'readonly', 'options', 'suffixes'].map((n) => [
      n,
      { name: n, title: n, type: n === 'required' || n === 'readonly' ? 'Boolean' : n === 'options' || n === 'suffixes' ? 'Array' : 'String' } satisfies FieldSpec,
    ]),
  ),
};

function getFields(ctx: QueryContext, spec: EntitySpec, params: Record<string, unknown>): Record<string, unknown>[] {
  const forAction = typeof params.action === 'string' ? params.action : 'get';
  const writing = ['create', 'update', 'save'].includes(forAction);
  const load = params.loadOptions ?? false;
  const table = new Table<Row>();
  let id = 0;
  for (const f of Object.values(spec.fields)) {
    if (f.writeOnly && !writing) continue;
    if (f.filterOnly && writing) continue;
    let options: unknown = Boolean(f.options);
    if (f.options && load) {
      const list = optionsOf(f, ctx.data);
      options = Array.isArray(load)
        ? list.map((o) => Object.fromEntries((load as string[]).map((k) => [k, k === 'id' ? o.id : (o as unknown as Record<string, unknown>)[k] ?? null])))
        : Object.fromEntries(list.map((o) => [String(o.id), o.label]));
    }
    table.set(++id, {
      id, name: f.name, title: f.title, description: null,
      type: f.filterOnly ? 'Filter' : f.computed ? 'Extra' : 'Field',
      data_type: DATA_TYPES[f.type] ?? f.type, input_type: f.options ? 'Select' : 'Text',
      fk_entity: f.fk ?? null, entity: spec.name, serialize: f.type === 'Array' ? 1 : null, default_value: null,
      required: Boolean(f.required), readonly: Boolean(f.readonly), options, suffixes: f.options ? ['name', 'label'] : null,
    });
  }
  const select = Array.isArray(params.select) && params.select.length > 0 ? params.select : Object.keys(FIELD_COLUMNS.fields);
  const fieldCtx: QueryContext = { ...ctx, checkRead: () => undefined };
  return runGet(fieldCtx, FIELD_COLUMNS, { select, where: params.where, orderBy: params.orderBy, limit: params.limit, offset: params.offset }, { source: table, defaults: false }).rows.map(
    ({ id: _id, ...rest }) => (select.includes('id') ? { id: _id, ...rest } : rest),
  );
}

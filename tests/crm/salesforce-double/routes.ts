// The REST API under /services/data/vNN.N/ (§3.1–3.3, §3.9, §5.2): query and queryAll with
// nextRecordsUrl paging, search, sObjects, composite, limits. `rest` is called for the HTTP
// request and again for each composite subrequest, so both obey the same rules.
import { randomBytes } from 'node:crypto';
import type { SfData } from './data';
import { badRequest, notFound, SfApiError } from './errors';
import { json, type Reply } from './http';
import { runQuery, type SfRecord } from './query';
import { create, describe, getDeleted, getUpdated, read, remove, update, type Ctx } from './sobjects';
import { parseSoql, SoqlError } from './soql';
import { runSosl } from './sosl';
import type { SfUser } from './types';

export const VERSIONS = ['60.0', '61.0', '62.0', '63.0', '64.0', '65.0', '66.0', '67.0', '68.0'];
/** A query locator ends after 15 idle minutes on a real org. */
const LOCATOR_IDLE_MS = 15 * 60_000;

interface Locator {
  records: SfRecord[];
  userId: string;
  lastUsed: number;
}

export interface RestState {
  data: SfData;
  now: () => Date;
  requiredTaskFields: string[];
  maxBatchSize: number;
  locators: Map<string, Locator>;
  limits: { used: number; max: number };
}

export interface RestRequest {
  method: string;
  /** Path after `/services/data/vNN.N/`, no leading slash. */
  path: string;
  query: URLSearchParams;
  headers: Record<string, string>;
  body: string;
  version: string;
  user: SfUser;
}

/** `query`, `sobjects`… and the object concerned, for the log and fault matching. */
export function classify(path: string, query: URLSearchParams): { resource: string; object: string | null } {
  const [resource = '', second] = path.split('/');
  if (resource === 'sobjects') return { resource, object: second ?? null };
  if ((resource === 'query' || resource === 'queryAll') && !second) return { resource, object: /\bFROM\s+(\w+)/i.exec(query.get('q') ?? '')?.[1] ?? null };
  if (resource === 'search') return { resource, object: /\bRETURNING\s+(\w+)/i.exec(query.get('q') ?? '')?.[1] ?? null };
  return { resource, object: null };
}

const soqlError = (e: SoqlError) => new SfApiError(400, e.errorCode, e.message);

function page(state: RestState, req: RestRequest, records: SfRecord[], from: number, locatorId: string | null): Reply {
  // `Sforce-Query-Options: batchSize=n` (200–2000) is a request, not a promise (§3.2 GUESS).
  const asked = Number(/batchSize=(\d+)/i.exec(req.headers['sforce-query-options'] ?? '')?.[1] ?? 2000);
  const size = Math.min(Math.max(200, Math.min(asked, 2000)), state.maxBatchSize);
  const end = Math.min(records.length, from + size);
  const done = end >= records.length;
  let id = locatorId;
  if (!done && !id) {
    id = `01g8d${randomBytes(5).toString('hex').toUpperCase().slice(0, 10)}`;
    state.locators.set(id, { records, userId: req.user.id, lastUsed: state.now().getTime() });
  }
  if (id) {
    const locator = state.locators.get(id);
    if (locator) locator.lastUsed = state.now().getTime();
  }
  return json(200, {
    totalSize: records.length,
    done,
    ...(done ? {} : { nextRecordsUrl: `/services/data/v${req.version}/query/${id}-${end}` }),
    records: records.slice(from, end),
  });
}

function runSoqlResource(state: RestState, req: RestRequest, all: boolean, locatorPart: string | undefined): Reply {
  if (req.method !== 'GET') throw new SfApiError(405, 'METHOD_NOT_ALLOWED', `HTTP Method '${req.method}' not allowed. Allowed are GET,HEAD`);
  if (locatorPart) {
    const m = /^(01g\w+)-(\d+)$/.exec(locatorPart);
    const locator = m && state.locators.get(m[1]!);
    if (!m || !locator || locator.userId !== req.user.id || state.now().getTime() - locator.lastUsed > LOCATOR_IDLE_MS) {
      // GUESS on the status; the errorCode is documented.
      throw badRequest('INVALID_QUERY_LOCATOR', 'invalid query locator');
    }
    return page(state, req, locator.records, Number(m[2]), m[1]!);
  }
  const q = req.query.get('q');
  if (!q) throw badRequest('MALFORMED_QUERY', 'A query string must be provided.');
  try {
    const records = runQuery(state.data, parseSoql(q), req.user, { all, version: req.version });
    return page(state, req, records, 0, null);
  } catch (e) {
    throw e instanceof SoqlError ? soqlError(e) : e;
  }
}

function readJsonBody(req: RestRequest): unknown {
  if (!/^application\/json/i.test(req.headers['content-type'] ?? '')) {
    throw new SfApiError(415, 'UNSUPPORTED_MEDIA_TYPE', `Content-Type '${req.headers['content-type'] ?? ''}' is not supported; send application/json`);
  }
  try {
    return JSON.parse(req.body) as unknown;
  } catch {
    throw new SfApiError(400, 'JSON_PARSER_ERROR', 'Unexpected character in the request body: not JSON');
  }
}

export function rest(state: RestState, req: RestRequest): Reply {
  const ctx: Ctx = { data: state.data, user: req.user, version: req.version, now: state.now, requiredTaskFields: state.requiredTaskFields };
  const parts = req.path.replace(/\/+$/, '').split('/');
  const [resource, a, b, c] = parts;
  const allow = (methods: string) => {
    if (!methods.split(',').includes(req.method)) throw new SfApiError(405, 'METHOD_NOT_ALLOWED', `HTTP Method '${req.method}' not allowed. Allowed are ${methods}`);
  };
  switch (resource) {
    case 'query':
    case 'queryAll':
      if (b) throw notFound();
      return runSoqlResource(state, req, resource === 'queryAll', a);
    case 'search': {
      allow('GET');
      const q = req.query.get('q');
      if (!q) throw badRequest('MALFORMED_SEARCH', 'A search string must be provided.');
      try {
        return json(200, { searchRecords: runSosl(state.data, q, req.user, req.version) });
      } catch (e) {
        throw e instanceof SoqlError ? soqlError(e) : e;
      }
    }
    case 'limits':
      allow('GET');
      return json(200, { DailyApiRequests: { Max: state.limits.max, Remaining: Math.max(0, state.limits.max - state.limits.used) } });
    case 'composite':
      if (a) throw notFound();
      allow('POST');
      return composite(state, req, readJsonBody(req));
    case 'sobjects': {
      if (!a) {
        allow('GET');
        return json(200, { sobjects: [] });
      }
      if (!b) {
        allow('POST');
        return json(201, create(ctx, a, readJsonBody(req)));
      }
      if (b === 'describe' && !c) {
        allow('GET');
        return json(200, describe(ctx, a));
      }
      if ((b === 'deleted' || b === 'updated') && !c) {
        allow('GET');
        return json(200, b === 'deleted' ? getDeleted(ctx, a, req.query) : getUpdated(ctx, a, req.query));
      }
      if (c) throw notFound();
      allow('GET,PATCH,DELETE');
      if (req.method === 'GET') return json(200, read(ctx, a, b, req.query.get('fields')));
      if (req.method === 'PATCH') update(ctx, a, b, readJsonBody(req));
      else remove(ctx, a, b);
      return json(204, null);
    }
    default:
      throw notFound();
  }
}

/** §3.3: one API call; the outer status is always 200; `@{ref.field}` refers back; allOrNone rolls back. */
function composite(state: RestState, req: RestRequest, body: unknown): Reply {
  const parsed = body as { allOrNone?: unknown; compositeRequest?: unknown };
  const subrequests = parsed?.compositeRequest;
  if (!Array.isArray(subrequests) || subrequests.length === 0) throw badRequest('JSON_PARSER_ERROR', 'compositeRequest must be a non-empty array');
  // GUESS (from memory, §3.3): at most 25 subrequests.
  if (subrequests.length > 25) throw badRequest('INVALID_API_INPUT', 'Maximum number of subrequests exceeded: 25');
  const allOrNone = parsed.allOrNone === true;
  const snapshot = allOrNone ? snapshotTables(state.data) : null;
  const results = new Map<string, Record<string, unknown>>();
  const out: unknown[] = [];
  let failed = false;
  for (const sub of subrequests as { method?: string; url?: string; referenceId?: string; body?: unknown }[]) {
    const referenceId = String(sub.referenceId ?? '');
    if (failed && allOrNone) {
      out.push({ body: [{ errorCode: 'PROCESSING_HALTED', message: 'The transaction was rolled back since another operation in the same transaction failed.' }], httpHeaders: {}, httpStatusCode: 400, referenceId });
      continue;
    }
    const substitute = (text: string) =>
      text.replace(/@\{(\w+)\.(\w+)\}/g, (all, ref: string, field: string) => {
        const value = results.get(ref)?.[field];
        return value === undefined ? all : String(value);
      });
    let reply: Reply;
    try {
      const url = new URL(substitute(String(sub.url ?? '')), 'http://composite');
      const m = /^\/services\/data\/v(\d+\.\d)\/(.*)$/.exec(url.pathname);
      if (!m || !VERSIONS.includes(m[1]!)) throw notFound();
      reply = rest(state, {
        method: String(sub.method ?? 'GET').toUpperCase(), path: m[2]!, query: url.searchParams, version: m[1]!, user: req.user,
        headers: { 'content-type': 'application/json' }, body: sub.body === undefined ? '' : substitute(JSON.stringify(sub.body)),
      });
    } catch (e) {
      if (!(e instanceof SfApiError)) throw e;
      reply = json(e.status, e.body());
    }
    const value = reply.body ? (JSON.parse(reply.body) as unknown) : null;
    if (reply.status >= 400) failed = true;
    else if (value && typeof value === 'object' && !Array.isArray(value)) results.set(referenceId, value as Record<string, unknown>);
    out.push({ body: value, httpHeaders: {}, httpStatusCode: reply.status, referenceId });
  }
  if (failed && snapshot) restoreTables(state.data, snapshot);
  return json(200, { compositeResponse: out });
}

function snapshotTables(data: SfData) {
  return { tables: new Map([...data.tables].map(([name, rows]) => [name, new Map([...rows].map(([id, row]) => [id, { ...row }]))])), deleted: data.deletedLog.length };
}

function restoreTables(data: SfData, snapshot: ReturnType<typeof snapshotTables>): void {
  data.tables.clear();
  for (const [name, rows] of snapshot.tables) data.tables.set(name, rows);
  data.deletedLog.length = snapshot.deleted;
}

// The routes of the double, as AJAX.php and authx answer them: the API (single and batch calls)
// behind the web-service gate and the method check, /civicrm/authx/id, and the canned fault replies.
import { executeCall, type Caller, type Env } from './actions';
import type { AuthOutcome } from './auth';
import type { CiviData } from './data';
import { ApiError, asApiError, errorEnvelope, fail } from './errors';
import { json, text, type Reply } from './http';
import type { Fault, LoggedRequest } from './types';

export type Route = { kind: 'api'; entity: string; action: string } | { kind: 'batch' } | { kind: 'authx' };

const SECURITY_ALERT = { error_code: 400, error_message: 'SECURITY ALERT: Ajax requests can only be issued by javascript clients, eg. CRM.api4().' };
const NOT_POST = { error_code: 405, error_message: 'SECURITY: All requests that modify the database must be http POST, not GET.' };
const STRICT_PARAMS = { error_code: 400, error_message: 'double: params must be a form or query field, not a JSON body', status: 400 };
const MAINTENANCE = { status_code: 503, status_message: 'Temporarily unavailable for maintenance.' };

/** Civi paths under the base: clean URLs (`/civicrm/ajax/api4/...`) or `?q=civicrm/...` (GUESS §2.1, WordPress/Joomla style). */
export function route(pathname: string, query: URLSearchParams, basePath: string): Route | null {
  if (!pathname.startsWith(basePath)) return null;
  let rest = pathname.slice(basePath.length);
  if ((rest === '' || rest === '/' || rest.endsWith('.php')) && query.get('q')?.startsWith('civicrm/')) rest = `/${query.get('q')}`;
  const parts = rest.split('/').filter(Boolean);
  if (parts[0] !== 'civicrm') return null;
  if (parts.length === 3 && parts[1] === 'authx' && parts[2] === 'id') return { kind: 'authx' };
  if (parts[1] !== 'ajax' || parts[2] !== 'api4' || parts.length > 5) return null;
  if (parts.length === 3) return { kind: 'batch' };
  try {
    return { kind: 'api', entity: decodeURIComponent(parts[3]!), action: decodeURIComponent(parts[4] ?? '') };
  } catch {
    return null; // a malformed %-escape: no CiviCRM route
  }
}

function callerOf(auth: AuthOutcome): Caller {
  if (auth.kind !== 'user') return { contactId: null, canReadContributions: false, canWrite: false };
  // A JWT for a contact that is not one of the API users logs in with no permissions.
  const user = auth.user;
  return { contactId: user ? auth.contactId : null, canReadContributions: Boolean(user?.canReadContributions), canWrite: Boolean(user?.canWrite) };
}

function parseJson(raw: string | undefined, what: string): unknown {
  if (raw === undefined || raw === '') return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    // GUESS §2.4: json_decode gives null, which then fails inside the API as a 500.
    return fail(`malformed ${what} JSON: ${raw.slice(0, 200)}`);
  }
}

/** What the API routes need to know about one request. */
export interface ApiRequest {
  method: string;
  headers: Record<string, string>;
  query: Record<string, string>;
  form: Record<string, string>;
  /** The body was JSON rather than form fields. */
  jsonBody: boolean;
  auth: AuthOutcome;
  /** Its log entry, to record the decoded params and the real reason behind an error. */
  entry: LoggedRequest;
}

/** AJAX.php for one request: gate, method check, params decoding, then the call(s). */
export function apiReply(site: { data: CiviData; strictParams: boolean }, r: Route & { kind: 'api' | 'batch' }, req: ApiRequest): Reply {
  const { method, headers, query, form, jsonBody, auth, entry } = req;
  const { data, strictParams } = site;
  const webService = method === 'OPTIONS' || headers['x-requested-with'] === 'XMLHttpRequest' || (auth.kind === 'user' && (auth.flow === 'xheader' || auth.flow === 'param'));
  if (!webService) return json(400, SECURITY_ALERT);
  const action = r.kind === 'api' ? r.action : '';
  if (method === 'GET' && action !== 'autocomplete' && action.slice(0, 3).toLowerCase() !== 'get') return json(405, NOT_POST);
  if (jsonBody && strictParams) return json(400, STRICT_PARAMS);
  const env: Env = { data, caller: callerOf(auth) };
  if (r.kind === 'api') {
    try {
      // $_REQUEST: a form field wins over a query field of the same name.
      const params = parseJson(form.params ?? query.params, 'params');
      entry.params = params ?? null;
      return json(200, executeCall(env, r.entity, r.action, params ?? {}, form.index ?? query.index));
    } catch (e) {
      const error = asApiError(e);
      entry.reason = error.reason;
      return json(error.status, errorEnvelope(error));
    }
  }
  // Batch: `calls` is read from POST only.
  let calls: unknown;
  try {
    // GUESS: a missing or malformed `calls` fails like a bad call (500), not as a CMS error page.
    if (form.calls === undefined) fail('Could not find valid value for calls (POST field)');
    calls = parseJson(form.calls, 'calls');
    if (!calls || typeof calls !== 'object') fail(`calls must be a JSON object, got ${form.calls}`);
  } catch (e) {
    const error = asApiError(e);
    entry.reason = error.reason;
    return json(error.status, errorEnvelope(error));
  }
  entry.params = calls;
  const out: Record<string, unknown> = Array.isArray(calls) ? ([] as unknown as Record<string, unknown>) : {};
  let status = 0;
  const reasons: string[] = [];
  for (const [key, call] of Object.entries(calls as Record<string, unknown>)) {
    try {
      if (!Array.isArray(call)) fail(`batch call ${key} must be [Entity, action, params, index?]`);
      const [e, a, p, i] = call as unknown[];
      out[key] = executeCall(env, e, a, p ?? {}, i);
      status = 200; // one success makes the whole reply 200
    } catch (err) {
      const error = asApiError(err);
      reasons.push(`${key}: ${error.reason}`);
      out[key] = errorEnvelope(error);
      status ||= error.status;
    }
  }
  entry.reason = reasons.length ? reasons.join('; ') : null;
  return json(status || 200, out);
}

/** /civicrm/authx/id (ext/authx CRM_Authx_Page_AJAX::getId). */
export function authxReply(auth: AuthOutcome): Reply {
  if (auth.kind !== 'user') return json(200, { contact_id: null, user_id: null, flow: null, cred: null });
  return json(200, { contact_id: auth.contactId, user_id: auth.userId, flow: auth.flow, cred: auth.cred });
}

/** The canned reply of a status fault; null when the fault has no status. */
export function faultReply(f: Fault): Reply | null {
  const retry = f.retryAfter ? { 'Retry-After': f.retryAfter } : undefined;
  if (f.body !== undefined) return { status: f.status ?? 200, type: f.contentType ?? 'application/json', body: f.body, headers: retry };
  switch (f.status) {
    case 401:
      return text(401, 'HTTP 401 Invalid credential');
    case 403:
      return json(403, errorEnvelope(new ApiError(403, 'Authorization failed', true)));
    case 500:
      return json(500, errorEnvelope(new ApiError(500, 'double: injected fault')));
    case 503:
      return json(503, MAINTENANCE, retry);
    case 429:
      return text(429, 'Too Many Requests', retry);
    case undefined:
      return null;
    default:
      return text(f.status, `HTTP ${f.status}`, retry);
  }
}

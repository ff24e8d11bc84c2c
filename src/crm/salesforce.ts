// Salesforce with the Nonprofit Success Pack over the REST API (../../shared/crm-contracts.md §3).
// Sign-in is OAuth 2.0 authorization code + PKCE through the org's External Client App (§3.4,
// shared with RE NXT in oauth.ts); every call goes to the token's `instance_url` with a Bearer
// token, is refreshed once on 401, and every reply is parsed with zod. Errors are Salesforce's
// JSON array (§3.8); the daily allocation is REQUEST_LIMIT_EXCEEDED on a 403, never a 429.
import * as z from '../zod';
import { identityKey, PLATFORM_LABELS, PLATFORMS, type Identity, type Platform } from '../identity';
import { platformSchema } from '../identity-schema';
import { canonicalizeProfile, profileUrl } from '../sites';
import { INTERACTION_KIND_LABELS, INTERACTION_KINDS, type Constituent, type Gift, type Giving, type Interaction, type InteractionKind } from '../store/model';
import { buildConstituent } from '../store/queries';
import { DEFAULT_TIMEOUT_MS, excerpt, type HttpOptions, type HttpReply, isHtml, parseJson, readStoredJson, retryAfterMs, send } from './http';
import { memoryTokenStore, oauthSession, type OAuthClient, type TokenSet } from './oauth';
import type { ChangePage, Connector, ConnectorDeps, ConstituentDraft, ConstituentRef, InteractionDraft } from './types';
import { ConnectorError, type ConnectorErrorCode } from './types';

export const SALESFORCE_SOURCE = 'salesforce';
/** Spring '26 (§3.1): pinned, so a Salesforce release never changes what we parse. */
export const DEFAULT_API_VERSION = '66.0';
/** The path `identity.getRedirectURL` gets: `https://<ext-id>.chromiumapp.org/sf` (§3.4). */
export const REDIRECT_PATH = 'sf';
/** The last line of every Task we write; a retry looks for it before writing again. */
const REF_MARKER = 'Kindred ref: ';
const HISTORY_LIMIT = 200;
/** Requested page size (§3.2: 200–2000, a hint Salesforce may lower). */
const BATCH_SIZE = 500;
/**
 * A GET's URI is limited (16 KB on Salesforce); lookup queries are cut well below that. Each
 * identity expands to ~25 spellings, so this is ~15 identities per query.
 */
const MAX_QUERY_CHARS = 12_000;
/**
 * SystemModstamp is stamped before commit and kept to the second: each incremental pass re-reads
 * this much before where the last one ended.
 */
const SYNC_OVERLAP_MS = 2 * 60_000;
/** getDeleted answers for the last 15 days only (§3.9); a day of margin for clocks. */
const GET_DELETED_DAYS = 14;
/** Past this share of the daily allocation, background work (sync, live lookup) stops (§3.8). */
const BACKGROUND_USAGE_CEILING = 0.9;
/** No Retry-After on Salesforce (§3.8): how long to leave a rolling 24-hour allocation alone. */
const DAILY_LIMIT_WAIT_MS = 15 * 60_000;
/** The other REQUEST_LIMIT_EXCEEDED: too many concurrent long requests, which clears in seconds. */
const CONCURRENT_LIMIT_WAIT_MS = 30_000;

// ---------------------------------------------------------------------------------------------
// Config

/** login / test, or a My Domain (production, sandbox `--x.sandbox`, Developer Edition `.develop`…). */
const LOGIN_HOST = /^(?:login|test)\.salesforce\.com$|^[a-z0-9][a-z0-9-]*(?:\.(?:sandbox|develop|scratch|demo|patch|trailblaze))?\.my\.salesforce\.com$/i;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

function normaliseLoginUrl(input: string, ctx: z.RefinementCtx): string {
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z\d+.-]*:\/\//i.test(input) ? input : `https://${input}`);
  } catch {
    ctx.addIssue({ code: 'custom', message: 'Enter the Salesforce login address, e.g. https://login.salesforce.com or https://yourorg.my.salesforce.com.' });
    return z.NEVER;
  }
  const loopback = LOOPBACK.has(url.hostname);
  // Plain http only to this machine (the contract double); a real org is always https.
  if (!(url.protocol === 'https:' && (LOGIN_HOST.test(url.hostname) || loopback)) && !(url.protocol === 'http:' && loopback)) {
    ctx.addIssue({
      code: 'custom',
      message: 'Use https://login.salesforce.com, https://test.salesforce.com (sandbox) or your My Domain (https://yourorg.my.salesforce.com).',
    });
    return z.NEVER;
  }
  return url.origin;
}

/** A field's API name: `Twitter_Handle__c`, `ns__LinkedIn__c`, or a standard one. */
const apiName = z.lazy(() => z.string().trim().regex(/^[A-Za-z][A-Za-z0-9_]{0,79}$/, 'Not a Salesforce field API name.'));

export const salesforceConfigSchema = z.lazy(() =>
  z.object({
    /** Where users sign in: production, sandbox or the org's My Domain. Enterprise policy can preset it. */
    loginUrl: z.string().trim().min(1, 'Enter the Salesforce login address.').transform(normaliseLoginUrl),
    /** The External Client App's consumer key (§3.4). */
    clientId: z.string().trim().min(1, "Enter the consumer key of your org's External Client App."),
    apiVersion: z
      .string()
      .trim()
      .regex(/^v?\d{2,3}\.0$/, 'An API version looks like 66.0.')
      .transform((v) => v.replace(/^v/, ''))
      .default(DEFAULT_API_VERSION),
    /** Platform → Contact field that holds that profile (URL or handle), chosen on the field-mapping screen. */
    fieldMap: z.partialRecord(platformSchema, apiName).default({}),
    timeoutMs: z.number().int().positive().optional(),
  }),
);
export type SalesforceConfig = z.output<typeof salesforceConfigSchema>;

// ---------------------------------------------------------------------------------------------
// Reply schemas

const sfId = z.lazy(() => z.string().regex(/^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/));
const text = z.lazy(() =>
  z
    .string()
    .nullish()
    .transform((v) => v ?? null),
);
const flag = z.lazy(() =>
  z
    .boolean()
    .nullish()
    .transform((v) => v === true),
);
const amount = z.lazy(() =>
  z
    .number()
    .finite()
    .nullish()
    .transform((v) => v ?? null),
);
/** `[{message, errorCode, fields?}]`; the OAuth endpoints' `{error, error_description}` too. */
const errorArraySchema = z.lazy(() => z.array(z.object({ message: z.string().optional(), errorCode: z.string().optional(), fields: z.array(z.string()).optional() }).loose()));
const oauthErrorSchema = z.lazy(() => z.object({ error: z.string(), error_description: z.string().optional() }));
const queryReplySchema = z.lazy(() =>
  z.object({
    totalSize: z.number().int().nonnegative(),
    done: z.boolean(),
    nextRecordsUrl: z.string().startsWith('/services/data/').optional(),
    records: z.array(z.record(z.string(), z.unknown())),
  }),
);
const searchReplySchema = z.lazy(() => z.object({ searchRecords: z.array(z.record(z.string(), z.unknown())) }));
const createdSchema = z.lazy(() => z.object({ id: sfId, success: z.literal(true) }));
const named = z.lazy(() =>
  z
    .object({ Name: text })
    .nullish()
    .transform((v) => v?.Name ?? null),
);
const describeSchema = z.lazy(() =>
  z.object({
    fields: z.array(
      z
        .object({
          name: z.string(),
          label: z.string(),
          type: z.string(),
          length: z.number().optional(),
          custom: z.boolean().optional(),
          filterable: z.boolean().optional(),
          createable: z.boolean().optional(),
          updateable: z.boolean().optional(),
          picklistValues: z.array(z.object({ value: z.string(), active: z.boolean().optional(), defaultValue: z.boolean().optional() }).loose()).optional(),
        })
        .loose(),
    ),
  }),
);
type DescribedField = z.output<typeof describeSchema>['fields'][number];
const deletedSchema = z.lazy(() => z.object({ deletedRecords: z.array(z.object({ id: sfId, deletedDate: z.string() }).loose()) }));
const userRow = z.lazy(() => z.object({ Id: sfId, Name: text }));
const orgRow = z.lazy(() => z.object({ DefaultCurrencyIsoCode: text }));
const logRow = z.lazy(() => z.object({ Id: sfId, Description: text, CreatedDate: text }));

const CONTACT_FIELDS = [
  'Id', 'FirstName', 'LastName', 'Name', 'Email', 'npe01__HomeEmail__c', 'npe01__WorkEmail__c', 'npe01__AlternateEmail__c',
  'Phone', 'MobilePhone', 'HomePhone', 'npe01__WorkPhone__c', 'AccountId', 'Account.Name', 'HasOptedOutOfEmail', 'DoNotCall',
  'npsp__Do_Not_Contact__c', 'npsp__Deceased__c', 'CreatedDate', 'SystemModstamp', 'IsDeleted',
];
/** NPSP's contact roll-ups (§3.5); hidden by field-level security from users without gift access. */
const GIFT_FIELDS = ['npo02__TotalOppAmount__c', 'npo02__LastOppAmount__c', 'npo02__LastCloseDate__c', 'npo02__LargestAmount__c', 'npo02__NumberOfClosedOpps__c'];
const contactRow = z.lazy(() =>
  z
    .object({
      Id: sfId,
      FirstName: text,
      LastName: text,
      Name: text,
      Email: text,
      npe01__HomeEmail__c: text,
      npe01__WorkEmail__c: text,
      npe01__AlternateEmail__c: text,
      Phone: text,
      MobilePhone: text,
      HomePhone: text,
      npe01__WorkPhone__c: text,
      Account: named,
      HasOptedOutOfEmail: flag,
      DoNotCall: flag,
      npsp__Do_Not_Contact__c: flag,
      npsp__Deceased__c: flag,
      CreatedDate: text,
      SystemModstamp: text,
      IsDeleted: flag,
      npo02__TotalOppAmount__c: amount,
      npo02__LastOppAmount__c: amount,
      npo02__LastCloseDate__c: text,
      npo02__LargestAmount__c: amount,
      npo02__NumberOfClosedOpps__c: amount,
    })
    .loose(),
);
type ContactRow = z.output<typeof contactRow>;
const taskRow = z.lazy(() => z.object({ Id: sfId, Subject: text, Description: text, ActivityDate: text, TaskSubtype: text, CreatedDate: text, Owner: named }));
const eventRow = z.lazy(() => z.object({ Id: sfId, Subject: text, Description: text, StartDateTime: text, ActivityDateTime: text, CreatedDate: text, Owner: named }));
const opportunityRow = z.lazy(() => z.object({ Id: sfId, Name: text, Amount: amount, CloseDate: text, Campaign: named }));
const summaryRow = z.lazy(() => z.object({ Id: sfId, Name: text, Email: text, Account: named }));

// ---------------------------------------------------------------------------------------------
// Errors: Salesforce's code kept beside ours, for the few places that branch on it.

class SalesforceError extends ConnectorError {
  constructor(
    code: ConnectorErrorCode,
    message: string,
    readonly errorCode: string | null,
    retryAfter?: number,
  ) {
    super(code, message, retryAfter);
  }
}

const sfCode = (error: unknown): string | null => (error instanceof SalesforceError ? error.errorCode : null);

interface Call {
  /** "read Contact records", for messages. */
  what: string;
}

/**
 * Salesforce reply → ConnectorError (§3.8): 401 → auth (after one refresh) · REQUEST_LIMIT_EXCEEDED
 * → rateLimited (Retry-After if a proxy sent one, else a wait fit for the limit hit) · INSUFFICIENT_ACCESS*,
 * API_DISABLED, other 403 → forbidden · 404, NOT_FOUND, ENTITY_IS_DELETED → notFound · 5xx → server
 * (retryable: writes are checked before they are retried) · a web page → invalid "not the API" · other 4xx → invalid.
 */
function errorFor(reply: HttpReply, call: Call, now: Date): SalesforceError {
  const { status } = reply;
  const json = parseJson(reply.text);
  const array = errorArraySchema.safeParse(json);
  const first = array.success ? array.data[0] : undefined;
  const oauth = oauthErrorSchema.safeParse(json);
  const code = first?.errorCode ?? (oauth.success ? oauth.data.error : null);
  const message = first?.message ?? (oauth.success ? (oauth.data.error_description ?? oauth.data.error) : null);
  const detail = message ? `: ${excerpt(message)}` : '';
  const retryAfter = retryAfterMs(reply.headers.get('retry-after'), now);
  if (status === 401) return new SalesforceError('auth', "Salesforce sign-in has expired or was revoked. Connect again in Kindred's options.", code);
  if (code === 'REQUEST_LIMIT_EXCEEDED') {
    const concurrent = /concurrent/i.test(message ?? '');
    const wait = retryAfter ?? (concurrent ? CONCURRENT_LIMIT_WAIT_MS : DAILY_LIMIT_WAIT_MS);
    const why = concurrent ? 'too many long requests are running in your org at once' : "your org has used its daily API allowance";
    return new SalesforceError('rateLimited', `Salesforce refused the request because ${why}; Kindred will try again in ${Math.ceil(wait / 60_000)} min.`, code, wait);
  }
  if (status >= 500) {
    return new SalesforceError('server', `Salesforce failed to ${call.what} (HTTP ${status}${detail}).`, code, retryAfter);
  }
  if (code?.startsWith('INSUFFICIENT_ACCESS') || code === 'INSUFFICIENT_PRIVILEGES') {
    return new SalesforceError('forbidden', `Your Salesforce user may not ${call.what}${detail}.`, code);
  }
  if (code === 'API_DISABLED_FOR_ORG' || code === 'API_CURRENTLY_DISABLED') {
    return new SalesforceError('forbidden', `Salesforce API access is off for this user or org (the profile needs "API Enabled")${detail}.`, code);
  }
  if (status === 404 || code === 'NOT_FOUND' || code === 'ENTITY_IS_DELETED') {
    return new SalesforceError('notFound', `Salesforce has no such record to ${call.what} (deleted or merged?)${detail}.`, code);
  }
  if (status === 403) return new SalesforceError('forbidden', `Salesforce does not let this user ${call.what}${detail}.`, code);
  if (!array.success && !oauth.success && isHtml(reply)) {
    return new SalesforceError('invalid', `The server answered, but not as the Salesforce API (HTTP ${status}). Check the login address.`, null);
  }
  return new SalesforceError('invalid', `Salesforce refused to ${call.what}${code ? ` (${code})` : ''}${detail || `: HTTP ${status}`}.`, code);
}

function unexpected(call: Call, error: z.ZodError | null): ConnectorError {
  const issue = error?.issues[0];
  const where = issue ? ` (${issue.path.join('.') || 'reply'}: ${issue.message})` : '';
  return new ConnectorError('invalid', `Salesforce sent an unexpected reply when asked to ${call.what}${where}.`);
}

// ---------------------------------------------------------------------------------------------
// SOQL / SOSL text

/** A SOQL string literal (§3.2): backslash escapes for `\`, `'` and control characters. */
export function soqlString(value: string): string {
  const escaped = value.replace(/[\\'\n\r\t\b\f]/g, (c) => ({ '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f' })[c] ?? `\\${c}`);
  return `'${escaped}'`;
}

/** SOSL reserved characters are escaped with a backslash (`? & | ! { } [ ] ( ) ^ ~ * : \ " ' + -`). */
export function escapeSosl(value: string): string {
  return value.replace(/[?&|!{}[\]()^~*:\\"'+-]/g, '\\$&');
}

/** A datetime literal SOQL accepts: unquoted, to the second, in UTC. */
const soqlDateTime = (ms: number): string => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Salesforce writes `2026-11-22T10:00:00.000+0000`; JavaScript wants a colon in the offset. */
function parseSfDateTime(value: string | null): number | null {
  if (!value) return null;
  const ms = Date.parse(value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isNaN(ms) ? null : ms;
}

const isoOf = (value: string | null): string | null => {
  const ms = parseSfDateTime(value);
  return ms === null ? null : new Date(ms).toISOString();
};

const pad = (n: number) => String(n).padStart(2, '0');
/** Task.ActivityDate is a date without a zone: the day the user saw it happen, in their zone. */
const localDate = (at: Date) => `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}`;
/** A date-only activity shown at local noon, so no zone moves it to another day. */
function atLocalNoon(date: string | null): string | null {
  const m = date && /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  return m ? new Date(+m[1]!, +m[2]! - 1, +m[3]!, 12).toISOString() : null;
}

// ---------------------------------------------------------------------------------------------
// Identities: what the mapped fields hold, and every spelling to look a profile up by.

/**
 * The values a mapped field may hold for `identity` (§3.7): the profile URL with https/http, with
 * and without `www.` (and twitter.com for X), with and without a trailing slash and a scheme, and
 * the bare `handle`/`@handle`. SOQL `=`/`IN` ignore case, so case needs no variants; what a
 * row holds is then canonicalised, and only an exact identity match counts.
 */
export function lookupValues(identity: Identity): string[] {
  const out = new Set<string>();
  const url = new URL(profileUrl(identity));
  const bare = url.hostname.replace(/^www\./, '');
  const hosts = new Set([bare, `www.${bare}`]);
  if (identity.platform === 'x') for (const host of ['x.com', 'www.x.com', 'twitter.com', 'www.twitter.com']) hosts.add(host);
  const path = url.pathname.replace(/\/+$/, '') + url.search;
  for (const host of hosts) {
    for (const slash of ['', '/']) {
      for (const scheme of ['https://', 'http://', '']) out.add(`${scheme}${host}${path}${slash}`);
    }
  }
  // Ids (`id:…`, `did:…`, `channel:…`) are never typed as handles.
  if (!/^(?:id|urn|company|channel|user|c|did):/.test(identity.handle)) {
    out.add(identity.handle);
    out.add(`@${identity.handle}`);
  }
  return [...out];
}

/** The record's value for a field named in any case (the admin may type `twitter_handle__c`). */
function fieldValue(record: Record<string, unknown>, name: string): unknown {
  if (name in record) return record[name];
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(record)) if (key.toLowerCase() === wanted) return value;
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Tasks we write: subject and description carry what Kindred knows, the description ends in the marker.

function taskSubject(draft: InteractionDraft): string {
  const head = `${INTERACTION_KIND_LABELS[draft.kind]}${draft.channel ? ` on ${PLATFORM_LABELS[draft.channel]}` : ''}`;
  const summary = draft.summary?.trim();
  const subject = summary ? `${head}: ${summary}` : head;
  return subject.length > 255 ? `${subject.slice(0, 254)}…` : subject;
}

/** Notes, then channel, profile and the exact time (ActivityDate keeps only the day), then the marker. */
export function taskDescription(draft: InteractionDraft, idempotencyKey: string, at: Date): string {
  const lines: string[] = [];
  const notes = draft.notes.replace(/\r\n?/g, '\n').trim();
  if (draft.channel) lines.push(`Channel: ${PLATFORM_LABELS[draft.channel]}`);
  if (draft.profileUrl) lines.push(`Profile: ${draft.profileUrl}`);
  lines.push(`Time: ${at.toISOString()}`, `${REF_MARKER}${idempotencyKey}`);
  return `${notes ? `${notes}\n\n` : ''}${lines.join('\n')}`;
}

/** The footer `taskDescription` ends with; anchored at the end, so a marker quoted in notes does not count. */
const FOOTER = new RegExp(`(?:^|\\n)(?:Channel: ([^\\n]*)\\n)?(?:Profile: (\\S*)\\n)?(?:Time: (\\S+)\\n)?${REF_MARKER}(\\S+)\\s*$`);
const refIn = (description: string | null): string | null => FOOTER.exec(description ?? '')?.[4] ?? null;

const platformByLabel = new Map<string, Platform>(PLATFORMS.map((p) => [PLATFORM_LABELS[p].toLowerCase(), p]));

/** §3.6 (GUESS, checked against describe at run time): the subtypes a log maps to. */
const SUBTYPE_FOR: Partial<Record<InteractionKind, string>> = { call: 'Call', email: 'Email' };
const KIND_FOR_SUBTYPE: Record<string, InteractionKind> = { Call: 'call', Email: 'email', ListEmail: 'email' };

function readTask(row: z.output<typeof taskRow>) {
  const description = row.Description ?? '';
  const footer = FOOTER.exec(description);
  const subject = row.Subject;
  if (!footer) {
    return { kind: KIND_FOR_SUBTYPE[row.TaskSubtype ?? ''] ?? ('note' as const), channel: null, summary: subject, notes: description.trim(), profileUrl: null, at: null, ref: null };
  }
  const kind = INTERACTION_KINDS.find((k) => {
    const label = INTERACTION_KIND_LABELS[k];
    return subject === label || subject?.startsWith(`${label} on `) || subject?.startsWith(`${label}: `);
  });
  const summaryAt = subject?.indexOf(': ') ?? -1;
  return {
    kind: kind ?? KIND_FOR_SUBTYPE[row.TaskSubtype ?? ''] ?? ('note' as const),
    channel: (footer[1] && platformByLabel.get(footer[1].trim().toLowerCase())) || null,
    summary: subject && summaryAt >= 0 ? subject.slice(summaryAt + 2) : null,
    notes: description.slice(0, footer.index).trim(),
    profileUrl: footer[2] || null,
    at: footer[3] && !Number.isNaN(Date.parse(footer[3])) ? new Date(footer[3]).toISOString() : null,
    ref: footer[4] ?? null,
  };
}

// ---------------------------------------------------------------------------------------------
// Sync cursor

const countSchema = z.lazy(() => z.number().int().nonnegative());
const cursorSchema = z.lazy(() =>
  z.object({
    v: z.literal(1),
    /** Start of this pass (SystemModstamp, ISO), or null for the first, full pass. */
    since: z.iso.datetime().nullable(),
    /** Keyset: the last (SystemModstamp, Id) handled in this pass. */
    after: z.tuple([z.iso.datetime(), sfId]).nullable(),
    /** The pass's next page as Salesforce gave it; it expires after 15 idle minutes, then the keyset takes over. */
    locator: z.string().startsWith('/services/data/').nullable(),
    done: countSchema,
    total: countSchema.nullable(),
  }),
);
type Cursor = z.output<typeof cursorSchema>;

const readCursor = (text: string | null): Cursor | null => readStoredJson(cursorSchema, text);

// ---------------------------------------------------------------------------------------------
// The connector

export interface SalesforceConnector extends Connector {
  signIn(): Promise<void>;
  signOut(): Promise<void>;
  /** For the field-mapping screen: Contact fields that can hold a handle or a profile URL. */
  describeContactFields(): Promise<{ name: string; label: string; type: string; custom: boolean }[]>;
  /** The last `Sforce-Limit-Info` seen (`api-usage=used/max`), or null before any call. */
  apiUsage(): { used: number; max: number } | null;
}

export function createSalesforceConnector(config: SalesforceConfig, deps: ConnectorDeps = {}): SalesforceConnector {
  const fetchFn = deps.fetch ?? ((input, init) => fetch(input, init));
  const now = deps.now ?? (() => new Date());
  const timeoutMs = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const http: HttpOptions = { fetch: fetchFn, timeoutMs, service: 'Salesforce' };
  const tokens = deps.tokens ?? memoryTokenStore();
  const redirectUri = deps.redirectUri?.(REDIRECT_PATH) ?? null;
  const client: OAuthClient = {
    service: 'Salesforce',
    authorizeUrl: `${config.loginUrl}/services/oauth2/authorize`,
    tokenUrl: `${config.loginUrl}/services/oauth2/token`,
    clientId: config.clientId,
    // Only the consent window uses it; signIn refuses without one.
    redirectUri: redirectUri ?? 'https://redirect-uri.invalid/sf',
    scope: 'api refresh_token',
  };
  const session = oauthSession(client, { fetch: fetchFn, tokens, webAuthFlow: deps.webAuthFlow, lock: deps.lock, now: () => now().getTime(), timeoutMs });
  const fieldMap = Object.entries(config.fieldMap) as [Platform, string][];
  let usage: { used: number; max: number } | null = null;

  // --- the wire ------------------------------------------------------------------------------

  function instanceOf(set: TokenSet): string {
    const raw = set.extra.instance_url;
    let url: URL | null = null;
    try {
      url = raw ? new URL(raw) : null;
    } catch {
      url = null;
    }
    if (!url || !(url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname)))) {
      throw new ConnectorError('auth', "Salesforce sign-in gave no usable instance address. Connect again in Kindred's options.");
    }
    return url.origin;
  }

  /** One REST call with the stored token; a 401 refreshes once and tries again (§5.4). */
  async function request(path: string, init: { method?: string; body?: unknown; headers?: Record<string, string> }, call: Call): Promise<HttpReply> {
    const attempt = async (set: TokenSet) => {
      const url = `${instanceOf(set)}${path.startsWith('/services/') ? path : `/services/data/v${config.apiVersion}/${path}`}`;
      return send(
        url,
        {
          method: init.method ?? 'GET',
          headers: {
            Authorization: `Bearer ${set.accessToken}`,
            Accept: 'application/json',
            ...(init.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
            ...init.headers,
          },
          ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
        },
        http,
      );
    };
    const set = await session.current();
    let reply = await attempt(set);
    // A 401 means the request was refused at the door: resending a write is safe.
    if (reply.status === 401) reply = await attempt(await session.refreshAfter401(set.accessToken));
    const info = /api-usage=(\d+)\/(\d+)/.exec(reply.headers.get('sforce-limit-info') ?? '');
    if (info) usage = { used: Number(info[1]), max: Number(info[2]) };
    if (reply.status < 200 || reply.status > 299) throw errorFor(reply, call, now());
    return reply;
  }

  async function getJson<T>(path: string, schema: z.ZodType<T>, call: Call, headers?: Record<string, string>): Promise<T> {
    const reply = await request(path, { headers }, call);
    const parsed = schema.safeParse(parseJson(reply.text));
    if (!parsed.success) throw unexpected(call, parsed.error);
    return parsed.data;
  }

  /** Sync and live lookup yield to the org's own use of its allocation (§3.8). */
  function leaveRoomForTheOrg(): void {
    if (!usage || usage.used < usage.max * BACKGROUND_USAGE_CEILING) return;
    throw new ConnectorError(
      'rateLimited',
      `Your org has used ${usage.used} of its ${usage.max} daily Salesforce API requests; Kindred pauses sync and live lookup to leave the rest for your org.`,
      DAILY_LIMIT_WAIT_MS,
    );
  }

  type Page = z.output<typeof queryReplySchema>;

  function queryPage(soql: string, call: Call, all = false): Promise<Page> {
    return getJson(`${all ? 'queryAll' : 'query'}?q=${encodeURIComponent(soql)}`, queryReplySchema, call, { 'Sforce-Query-Options': `batchSize=${BATCH_SIZE}` });
  }

  function nextPage(nextRecordsUrl: string, call: Call): Promise<Page> {
    return getJson(nextRecordsUrl, queryReplySchema, call, { 'Sforce-Query-Options': `batchSize=${BATCH_SIZE}` });
  }

  /** Every row of a query, following nextRecordsUrl, each parsed with `row`. */
  async function queryRows<T>(soql: string, row: z.ZodType<T>, call: Call, max = Infinity): Promise<T[]> {
    const out: T[] = [];
    let page = await queryPage(soql, call);
    for (;;) {
      const rows = z.array(row).safeParse(page.records);
      if (!rows.success) throw unexpected(call, rows.error);
      out.push(...rows.data);
      if (page.done || !page.nextRecordsUrl || out.length >= max) return out;
      page = await nextPage(page.nextRecordsUrl, call);
    }
  }

  // --- cached org facts (one request per connector, retried after a failure) -----------------

  function cached<T>(load: () => Promise<T>): () => Promise<T> {
    let pending: Promise<T> | null = null;
    return () =>
      (pending ??= load().catch((error: unknown) => {
        pending = null;
        throw error;
      }));
  }

  /** The CRM's permissions are the truth (DESIGN.md): no Opportunity access means a card without giving. */
  const giftAccess = cached(async (): Promise<boolean> => {
    try {
      await queryPage('SELECT Id FROM Opportunity LIMIT 1', { what: 'read donations' });
      return true;
    } catch (error) {
      // An object the user may not see does not exist for them: INVALID_TYPE, not a 403.
      if (error instanceof ConnectorError && (error.code === 'forbidden' || sfCode(error) === 'INVALID_TYPE')) return false;
      throw error;
    }
  });

  const orgCurrency = cached(async (): Promise<string | null> => {
    try {
      const [org] = await queryRows('SELECT DefaultCurrencyIsoCode FROM Organization LIMIT 1', orgRow, { what: 'read the organisation' });
      return org?.DefaultCurrencyIsoCode && /^[A-Z]{3}$/.test(org.DefaultCurrencyIsoCode) ? org.DefaultCurrencyIsoCode : null;
    } catch (error) {
      if (error instanceof ConnectorError && (error.code === 'invalid' || error.code === 'forbidden')) return null;
      throw error;
    }
  });

  const describeObject = (object: string) => () => getJson(`sobjects/${object}/describe`, describeSchema, { what: `describe ${object}` });
  const contactDescribe = cached(describeObject('Contact'));
  const taskDescribe = cached(describeObject('Task'));

  // --- contacts ------------------------------------------------------------------------------

  const mappedFields = () => [...new Set(fieldMap.map(([, field]) => field))].filter((f) => !CONTACT_FIELDS.some((c) => c.toLowerCase() === f.toLowerCase()));
  let rollupsVisible = true;

  async function contactSelect(): Promise<{ fields: string[]; gifts: boolean }> {
    const gifts = rollupsVisible && (await giftAccess());
    return { fields: [...CONTACT_FIELDS, ...(gifts ? GIFT_FIELDS : []), ...mappedFields()], gifts };
  }

  /** Runs a Contact query; roll-ups hidden by field-level security alone drop out instead of failing. */
  async function withContactFields<T>(run: (select: { fields: string[]; gifts: boolean }) => Promise<T>): Promise<T> {
    const select = await contactSelect();
    try {
      return await run(select);
    } catch (error) {
      if (!(select.gifts && sfCode(error) === 'INVALID_FIELD' && /npo02__/i.test((error as Error).message))) throw error;
      rollupsVisible = false;
      return run(await contactSelect());
    }
  }

  function identitiesOf(record: Record<string, unknown>): Identity[] {
    const found = new Map<string, Identity>();
    for (const [platform, field] of fieldMap) {
      const value = fieldValue(record, field);
      if (typeof value !== 'string') continue;
      const identity = canonicalizeProfile(value, platform);
      if (identity) found.set(identityKey(identity), identity);
    }
    return [...found.values()];
  }

  function givingOf(row: ContactRow, currency: string | null): Giving {
    const lifetime = Math.max(0, row.npo02__TotalOppAmount__c ?? 0);
    const count = row.npo02__NumberOfClosedOpps__c ?? (lifetime > 0 ? 1 : 0);
    if (!count && !lifetime) return { lifetime: 0, lastGiftAmount: null, lastGiftDate: null, largestGift: null, currency };
    const nonNegative = (n: number | null) => (n === null ? null : Math.max(0, n));
    return {
      lifetime,
      lastGiftAmount: nonNegative(row.npo02__LastOppAmount__c),
      lastGiftDate: row.npo02__LastCloseDate__c?.slice(0, 10) ?? null,
      largestGift: nonNegative(row.npo02__LargestAmount__c),
      currency,
    };
  }

  async function toConstituents(records: Record<string, unknown>[], gifts: boolean, call: Call): Promise<{ row: ContactRow; constituent: Constituent; record: Record<string, unknown> }[]> {
    const rows = z.array(contactRow).safeParse(records);
    if (!rows.success) throw unexpected(call, rows.error);
    const currency = gifts ? await orgCurrency() : null;
    const stamp = now().toISOString();
    return rows.data.map((row, i) => {
      const displayName = row.Name?.trim() || [row.FirstName, row.LastName].filter(Boolean).join(' ').trim() || `Contact ${row.Id}`;
      const emails = [row.Email, row.npe01__HomeEmail__c, row.npe01__WorkEmail__c, row.npe01__AlternateEmail__c].map((e) => e?.trim()).filter((e): e is string => !!e);
      const phones = [row.Phone, row.MobilePhone, row.HomePhone, row.npe01__WorkPhone__c].map((p) => p?.trim()).filter((p): p is string => !!p);
      const constituent = buildConstituent(
        SALESFORCE_SOURCE,
        row.Id,
        {
          displayName,
          firstName: row.FirstName,
          lastName: row.LastName,
          emails: [...new Set(emails)],
          phones: [...new Set(phones)],
          // The household is how staff recognise a family; the local model keeps it as a label.
          tags: row.Account ? [row.Account] : [],
          doNotContact: row.HasOptedOutOfEmail || row.DoNotCall || row.npsp__Do_Not_Contact__c || row.npsp__Deceased__c,
          giving: gifts ? givingOf(row, currency) : null,
          photoUrl: null,
          createdAt: isoOf(row.CreatedDate) ?? stamp,
          updatedAt: isoOf(row.SystemModstamp) ?? stamp,
        },
        stamp,
      );
      return { row, constituent, record: records[i]! };
    });
  }

  async function contactById(contactId: string, extraFields: string[] = []): Promise<{ constituent: Constituent; record: Record<string, unknown> } | null> {
    const call = { what: 'read the contact' };
    return withContactFields(async ({ fields, gifts }) => {
      const select = [...new Set([...fields, ...extraFields.filter((f) => !fields.some((g) => g.toLowerCase() === f.toLowerCase()))])];
      const page = await queryPage(`SELECT ${select.join(', ')} FROM Contact WHERE Id = ${soqlString(contactId)} LIMIT 1`, call);
      const [first] = await toConstituents(page.records, gifts, call);
      return first ? { constituent: first.constituent, record: first.record } : null;
    });
  }

  // --- activities ----------------------------------------------------------------------------

  /** Tasks on this contact carrying our marker for `key`, oldest first (narrowed to the day: Description cannot be filtered). */
  async function alreadyLogged(contactId: string, day: string, key: string): Promise<string | null> {
    const rows = await queryRows(
      `SELECT Id, Description, CreatedDate FROM Task WHERE WhoId = ${soqlString(contactId)} AND ActivityDate = ${day} ORDER BY CreatedDate ASC, Id ASC LIMIT ${HISTORY_LIMIT}`,
      logRow,
      { what: 'check for an earlier copy of this interaction' },
    );
    const ids = rows.filter((r) => refIn(r.Description) === key).map((r) => r.Id);
    for (const copy of ids.slice(1)) {
      // The same write landed twice (a browser re-sends a POST by itself when a reused connection
      // closes before the reply): keep the first; the others are copies only Kindred made.
      await request(`sobjects/Task/${copy}`, { method: 'DELETE' }, { what: 'remove a duplicate task' }).catch(() => undefined);
    }
    return ids[0] ?? null;
  }

  async function taskFields(kind: InteractionKind): Promise<Record<string, string>> {
    const fields = (await taskDescribe()).fields;
    const values = (name: string) => fields.find((f) => f.name === name)?.picklistValues?.filter((v) => v.active !== false).map((v) => v.value);
    const out: Record<string, string> = {};
    const statuses = values('Status') ?? [];
    // "Completed" in a stock org; orgs rename it, so fall back to a closed-sounding value.
    const status = statuses.includes('Completed') ? 'Completed' : statuses.find((s) => /complet|closed|done/i.test(s));
    if (status) out.Status = status;
    const subtypes = values('TaskSubtype');
    if (subtypes && fields.find((f) => f.name === 'TaskSubtype')?.createable !== false) {
      const wanted = SUBTYPE_FOR[kind] ?? 'Task';
      if (subtypes.includes(wanted)) out.TaskSubtype = wanted;
      else if (subtypes.includes('Task')) out.TaskSubtype = 'Task';
    }
    return out;
  }

  /** A Task or Event as the timeline shows it: already in the CRM, by its owner. */
  function synced(
    id: string,
    ref: ConstituentRef,
    row: { Id: string; Owner: string | null; CreatedDate: string | null },
    at: string,
    what: Pick<Interaction, 'kind' | 'channel' | 'summary' | 'notes' | 'profileUrl'>,
  ): Interaction {
    return {
      id, constituentId: ref, ...what, at, author: row.Owner, source: SALESFORCE_SOURCE, externalId: row.Id,
      status: 'synced', lastError: null, createdAt: isoOf(row.CreatedDate) ?? at,
    };
  }

  async function tasksOf(contactId: string, ref: ConstituentRef): Promise<Interaction[]> {
    const rows = await queryRows(
      `SELECT Id, Subject, Description, ActivityDate, TaskSubtype, CreatedDate, Owner.Name FROM Task WHERE WhoId = ${soqlString(contactId)} ORDER BY ActivityDate DESC NULLS LAST, CreatedDate DESC LIMIT ${HISTORY_LIMIT}`,
      taskRow,
      { what: 'read tasks' },
    );
    return rows.map((row) => {
      const read = readTask(row);
      const at = read.at ?? atLocalNoon(row.ActivityDate) ?? isoOf(row.CreatedDate) ?? now().toISOString();
      // Logged through Kindred: the id Kindred gave it, so the CRM's copy and the local pending item are one.
      return synced(read.ref ?? `${SALESFORCE_SOURCE}:task:${row.Id}`, ref, row, at, {
        kind: read.kind, channel: read.channel, summary: read.summary, notes: read.notes, profileUrl: read.profileUrl,
      });
    });
  }

  async function eventsOf(contactId: string, ref: ConstituentRef): Promise<Interaction[]> {
    const rows = await queryRows(
      `SELECT Id, Subject, Description, StartDateTime, ActivityDateTime, CreatedDate, Owner.Name FROM Event WHERE WhoId = ${soqlString(contactId)} ORDER BY StartDateTime DESC NULLS LAST LIMIT ${HISTORY_LIMIT}`,
      eventRow,
      { what: 'read events' },
    );
    return rows.map((row) => {
      const at = isoOf(row.StartDateTime) ?? isoOf(row.ActivityDateTime) ?? isoOf(row.CreatedDate) ?? now().toISOString();
      return synced(`${SALESFORCE_SOURCE}:event:${row.Id}`, ref, row, at, {
        kind: 'meeting', channel: null, summary: row.Subject, notes: row.Description?.trim() ?? '', profileUrl: null,
      });
    });
  }

  async function giftsOf(contactId: string, ref: ConstituentRef): Promise<Gift[]> {
    if (!(await giftAccess())) return [];
    const [rows, currency] = await Promise.all([
      queryRows(
        `SELECT Id, Name, Amount, CloseDate, Campaign.Name FROM Opportunity WHERE npsp__Primary_Contact__c = ${soqlString(contactId)} AND IsWon = true ORDER BY CloseDate DESC LIMIT ${HISTORY_LIMIT}`,
        opportunityRow,
        { what: 'read donations' },
      ),
      orgCurrency(),
    ]);
    return rows.map((row) => ({
      id: `${SALESFORCE_SOURCE}:opportunity:${row.Id}`,
      constituentId: ref,
      amount: row.Amount ?? 0,
      currency,
      date: row.CloseDate?.slice(0, 10) ?? '',
      fund: null,
      campaign: row.Campaign,
    }));
  }

  // --- linking -------------------------------------------------------------------------------

  function fieldFor(platform: Platform): string {
    const field = config.fieldMap[platform];
    if (!field) {
      throw new ConnectorError(
        'invalid',
        `No Salesforce Contact field is mapped to ${PLATFORM_LABELS[platform]} profiles. An administrator can choose one in Kindred's options (Salesforce › Field mapping).`,
      );
    }
    return field;
  }

  /** A URL field gets the profile URL; a text field named for handles gets the handle, when that reads back the same. */
  function valueFor(identity: Identity, field: DescribedField): string {
    const url = profileUrl(identity);
    const fits = (v: string) => field.length === undefined || field.length === 0 || v.length <= field.length;
    const handle = identity.handle;
    const handleReadsBack = canonicalizeProfile(handle, identity.platform);
    const handleOk = handleReadsBack !== null && identityKey(handleReadsBack) === identityKey(identity);
    const wantsHandle = field.type !== 'url' && /handle|user_?name|screen/i.test(`${field.name} ${field.label}`);
    const choices = wantsHandle && handleOk ? [handle, url] : handleOk ? [url, handle] : [url];
    const value = choices.find(fits);
    if (!value) throw new ConnectorError('invalid', `The Salesforce field ${field.label} is too short for ${url}.`);
    return value;
  }

  // --- sync ----------------------------------------------------------------------------------

  async function deletedSince(since: string): Promise<string[]> {
    const start = Date.parse(since) - SYNC_OVERLAP_MS;
    const end = now().getTime();
    // Outside getDeleted's window, queryAll's IsDeleted rows (already in the pass) are all we can know.
    if (end - start > GET_DELETED_DAYS * 86_400_000 || end - start < 60_000) return [];
    const reply = await getJson(
      `sobjects/Contact/deleted/?start=${encodeURIComponent(soqlDateTime(start))}&end=${encodeURIComponent(soqlDateTime(end))}`,
      deletedSchema,
      { what: 'list deleted contacts' },
    );
    return reply.deletedRecords.map((d) => d.id);
  }

  function changesQuery(fields: string[], since: string | null, after: Cursor['after']): string {
    const where: string[] = [];
    if (since) where.push(`SystemModstamp >= ${soqlDateTime(Date.parse(since) - SYNC_OVERLAP_MS)}`);
    if (after) {
      const stamp = soqlDateTime(Date.parse(after[0]));
      where.push(`(SystemModstamp > ${stamp} OR (SystemModstamp = ${stamp} AND Id > ${soqlString(after[1])}))`);
    }
    return `SELECT ${fields.join(', ')} FROM Contact${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY SystemModstamp ASC, Id ASC`;
  }

  async function fetchStep(cursor: Cursor): Promise<{ page: ChangePage; next: Cursor; finished: boolean }> {
    leaveRoomForTheOrg();
    const call = { what: 'read changed contacts' };
    return withContactFields(async ({ fields, gifts }) => {
      let reply: Page | null = null;
      if (cursor.locator) {
        try {
          reply = await nextPage(cursor.locator, call);
        } catch (error) {
          // A locator lives 15 idle minutes: after that the keyset resumes at the same row.
          if (!(sfCode(error) === 'INVALID_QUERY_LOCATOR' || (error instanceof ConnectorError && error.code === 'notFound'))) throw error;
        }
      }
      // Incremental passes use queryAll so contacts deleted since then come back with IsDeleted.
      reply ??= await queryPage(changesQuery(fields, cursor.since, cursor.after), call, cursor.since !== null);
      const items = await toConstituents(reply.records, gifts, call);
      const live = items.filter((i) => !i.row.IsDeleted);
      const last = items.at(-1);
      const lastStamp = last ? isoOf(last.row.SystemModstamp) : null;
      if (last && !lastStamp) throw unexpected(call, null);
      const after: Cursor['after'] = last && lastStamp ? [lastStamp, last.row.Id] : cursor.after;
      const done = cursor.done + items.length;
      const total = cursor.total ?? (cursor.after === null && !cursor.locator ? reply.totalSize : null);
      const finished = reply.done || !reply.nextRecordsUrl;
      const deleted = items.filter((i) => i.row.IsDeleted).map((i) => i.row.Id);
      if (finished && cursor.since) for (const id of await deletedSince(cursor.since)) if (!deleted.includes(id)) deleted.push(id);
      const next: Cursor = finished
        ? { v: 1, since: after?.[0] ?? cursor.since, after: null, locator: null, done: 0, total: null }
        : { ...cursor, after, locator: reply.nextRecordsUrl ?? null, done, total };
      return {
        page: {
          constituents: live.map((i) => i.constituent),
          identities: live.flatMap((i) => identitiesOf(i.record).map((identity) => ({ constituentId: i.constituent.id, identity }))),
          deleted: deleted.map((id) => `${SALESFORCE_SOURCE}:${id}`),
          cursor: JSON.stringify(next),
          progress: { done, total: finished ? done : total },
        },
        next,
        finished,
      };
    });
  }

  // --- the Connector -------------------------------------------------------------------------

  return {
    id: SALESFORCE_SOURCE,

    async signIn() {
      if (!redirectUri) throw new ConnectorError('auth', "Salesforce sign-in needs a browser window; open Kindred's options to connect.");
      await session.signIn(true);
    },

    async signOut() {
      const set = await tokens.load();
      const token = set?.refreshToken ?? set?.accessToken;
      if (token) {
        // Revoking the refresh token ends every session it made (§3.4). Disconnecting must work
        // offline too, so a failed revoke does not keep the tokens here.
        await send(
          `${config.loginUrl}/services/oauth2/revoke`,
          { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token }).toString() },
          http,
        ).catch(() => undefined);
      }
      await session.forget();
    },

    apiUsage: () => usage,

    async describeContactFields() {
      const { fields } = await contactDescribe();
      const canHold = (f: DescribedField) =>
        // Filterable to be looked up, updateable to be linked into (roll-ups and formulas are not).
        (f.type === 'url' || f.type === 'string' || (f.type === 'textarea' && (f.length ?? 0) <= 255)) &&
        f.filterable !== false &&
        f.updateable !== false &&
        !['Name', 'Id'].includes(f.name);
      return fields
        .filter(canHold)
        .map((f) => ({ name: f.name, label: f.label, type: f.type, custom: f.custom ?? f.name.endsWith('__c') }))
        .sort((a, b) => Number(b.custom) - Number(a.custom) || a.label.localeCompare(b.label));
    },

    async testConnection() {
      if (!(await tokens.load()) && deps.webAuthFlow && redirectUri) await session.signIn(true);
      const set = await session.current();
      const userId = /\/id\/\w+\/(\w+)\/?$/.exec(set.extra.id ?? '')?.[1];
      let user = 'Salesforce user';
      if (userId && sfId.safeParse(userId).success) {
        const [row] = await queryRows(`SELECT Id, Name FROM User WHERE Id = ${soqlString(userId)} LIMIT 1`, userRow, { what: 'read your user' });
        user = row?.Name?.trim() || user;
      } else {
        await getJson('limits', z.unknown(), { what: 'check the connection' });
      }
      return { user, canReadGifts: await giftAccess() };
    },

    async findByIdentities(identities) {
      const result: Record<string, ConstituentRef[]> = {};
      const wanted = identities.filter((i) => config.fieldMap[i.platform]);
      if (!wanted.length) return result;
      leaveRoomForTheOrg();
      // Greedy chunks: as many identities as fit in one query's length.
      const chunks: Identity[][] = [];
      let chunk: Identity[] = [];
      let size = 0;
      for (const identity of wanted) {
        const cost = lookupValues(identity).reduce((n, v) => n + encodeURIComponent(soqlString(v)).length + 3, 0);
        if (chunk.length && size + cost > MAX_QUERY_CHARS) {
          chunks.push(chunk);
          chunk = [];
          size = 0;
        }
        chunk.push(identity);
        size += cost;
      }
      if (chunk.length) chunks.push(chunk);

      for (const batch of chunks) {
        const keys = new Set(batch.map(identityKey));
        const byField = new Map<string, Set<string>>();
        for (const identity of batch) {
          const field = config.fieldMap[identity.platform]!;
          const values = byField.get(field) ?? new Set<string>();
          for (const v of lookupValues(identity)) values.add(v);
          byField.set(field, values);
        }
        const fields = [...byField.keys()];
        const where = fields.map((field) => `${field} IN (${[...byField.get(field)!].map(soqlString).join(', ')})`).join(' OR ');
        const records = await queryRows(`SELECT Id, ${fields.join(', ')} FROM Contact WHERE ${where}`, z.record(z.string(), z.unknown()), { what: 'look up profiles' });
        for (const record of records) {
          const id = sfId.safeParse(record.Id);
          if (!id.success) throw unexpected({ what: 'look up profiles' }, id.error);
          // The spellings over-match (case, hosts); only an exact canonical identity counts.
          for (const identity of identitiesOf(record)) {
            const key = identityKey(identity);
            if (!keys.has(key)) continue;
            const refs = (result[key] ??= []);
            const ref = `${SALESFORCE_SOURCE}:${id.data}`;
            if (!refs.includes(ref)) refs.push(ref);
          }
        }
      }
      return result;
    },

    async search(query, limit = 20) {
      const words = query.trim().split(/\s+/).filter(Boolean);
      // SOSL refuses a term of one character (INVALID_SEARCH).
      if (words.join('').replace(/[?&|!{}[\]()^~*:\\"'+-]/g, '').length < 2) return [];
      const term = words.map(escapeSosl);
      // A prefix wildcard on the last word: people type names as they go.
      if (words.at(-1)!.length >= 2) term[term.length - 1] += '*';
      const max = Math.max(1, Math.min(200, Math.floor(limit)));
      const sosl = `FIND {${term.join(' ')}} IN NAME FIELDS RETURNING Contact(Id, Name, Email, Account.Name ORDER BY LastName ASC LIMIT ${max})`;
      const call = { what: 'search contacts' };
      const reply = await getJson(`search?q=${encodeURIComponent(sosl)}`, searchReplySchema, call);
      const rows = z.array(summaryRow).safeParse(reply.searchRecords);
      if (!rows.success) throw unexpected(call, rows.error);
      return rows.data.map((r) => ({
        id: `${SALESFORCE_SOURCE}:${r.Id}`,
        displayName: r.Name?.trim() || `Contact ${r.Id}`,
        tags: r.Account ? [r.Account] : [],
        emails: r.Email ? [r.Email] : [],
      }));
    },

    async get(ref) {
      return (await contactById(contactIdOf(ref)))?.constituent ?? null;
    },

    async history(ref) {
      const contactId = contactIdOf(ref);
      const [tasks, events, gifts] = await Promise.all([tasksOf(contactId, ref), eventsOf(contactId, ref), giftsOf(contactId, ref)]);
      const interactions = [...tasks, ...events].sort((a, b) => b.at.localeCompare(a.at));
      return { interactions, gifts };
    },

    async logInteraction(ref, draft, idempotencyKey) {
      const contactId = contactIdOf(ref);
      const at = new Date(draft.at);
      if (Number.isNaN(at.getTime())) throw new ConnectorError('invalid', `Not a date: ${draft.at}`);
      if (!/^\S+$/.test(idempotencyKey)) throw new ConnectorError('invalid', 'An idempotency key cannot contain spaces.');
      const day = localDate(at);
      // An earlier attempt may have landed though we never saw the reply (DESIGN.md "Reliability
      // rules"): look for its marker before writing again.
      const existing = await alreadyLogged(contactId, day, idempotencyKey);
      if (existing) return { externalId: existing };
      const body = {
        WhoId: contactId,
        Subject: taskSubject(draft),
        Description: taskDescription(draft, idempotencyKey, at),
        ActivityDate: day,
        ...(await taskFields(draft.kind)),
      };
      let created: string;
      try {
        const reply = await request('sobjects/Task', { method: 'POST', body }, { what: 'create a task' });
        const parsed = createdSchema.safeParse(parseJson(reply.text));
        if (!parsed.success) throw unexpected({ what: 'create a task' }, parsed.error);
        created = parsed.data.id;
      } catch (error) {
        if (sfCode(error) === 'INVALID_CROSS_REFERENCE_KEY' || sfCode(error) === 'ENTITY_IS_DELETED') {
          throw new ConnectorError('notFound', 'That contact no longer exists in Salesforce (deleted or merged).');
        }
        throw error;
      }
      // This reply may answer a silent re-send of a write that had landed already: look once
      // more, so a second copy is removed and every attempt reports the same task.
      const kept = await alreadyLogged(contactId, day, idempotencyKey).catch(() => null);
      return { externalId: kept ?? created };
    },

    async createConstituent(draft) {
      const names = namesFor(draft);
      const email = (draft.emails ?? []).map((e) => e.trim()).find(Boolean);
      const reply = await request('sobjects/Contact', { method: 'POST', body: { ...names, ...(email ? { Email: email } : {}) } }, { what: 'create a contact' });
      const parsed = createdSchema.safeParse(parseJson(reply.text));
      if (!parsed.success) throw unexpected({ what: 'create a contact' }, parsed.error);
      return `${SALESFORCE_SOURCE}:${parsed.data.id}`;
    },

    async linkIdentity(ref, identity) {
      const contactId = contactIdOf(ref);
      const field = fieldFor(identity.platform);
      const [found, described] = await Promise.all([contactById(contactId, [field]), contactDescribe()]);
      if (!found) throw new ConnectorError('notFound', 'That contact no longer exists in Salesforce (deleted or merged).');
      const def = described.fields.find((f) => f.name.toLowerCase() === field.toLowerCase());
      if (!def) throw new ConnectorError('invalid', `The mapped Salesforce field ${field} does not exist on Contact or this user cannot see it.`);
      const current = fieldValue(found.record, field);
      if (typeof current === 'string' && current.trim()) {
        const held = canonicalizeProfile(current, identity.platform);
        if (held && identityKey(held) === identityKey(identity)) return;
        // One field holds one profile: never overwrite what someone entered.
        throw new ConnectorError(
          'invalid',
          `${found.constituent.displayName}'s ${def.label} already holds "${excerpt(current, 80)}"; Kindred does not overwrite it. Clear it in Salesforce first.`,
        );
      }
      if (def.updateable === false) throw new ConnectorError('forbidden', `Your Salesforce user may not edit ${def.label}.`);
      await request(`sobjects/Contact/${contactId}`, { method: 'PATCH', body: { [def.name]: valueFor(identity, def) } }, { what: 'update the contact' });
    },

    async *pull(cursorText) {
      let cursor: Cursor = readCursor(cursorText) ?? { v: 1, since: null, after: null, locator: null, done: 0, total: null };
      for (;;) {
        const step = await fetchStep(cursor);
        yield step.page;
        if (step.finished) return;
        cursor = step.next;
      }
    },
  };
}

function contactIdOf(ref: ConstituentRef): string {
  const match = /^salesforce:(003[a-zA-Z0-9]{12}(?:[a-zA-Z0-9]{3})?)$/.exec(ref);
  if (!match) throw new ConnectorError('invalid', `${ref} is not a Salesforce contact.`);
  return match[1]!;
}

function namesFor(draft: ConstituentDraft): { FirstName?: string; LastName: string } {
  const first = draft.firstName?.trim() || null;
  const last = draft.lastName?.trim() || null;
  if (last) return { ...(first ? { FirstName: first.slice(0, 40) } : {}), LastName: last.slice(0, 80) };
  // LastName is required on Contact: a single name is the family name; otherwise first word + rest.
  const words = (first ?? draft.displayName).trim().split(/\s+/);
  if (words.length === 1) return { LastName: words[0]!.slice(0, 80) };
  return { FirstName: words[0]!.slice(0, 40), LastName: words.slice(1).join(' ').slice(0, 80) };
}

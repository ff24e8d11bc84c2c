// CiviCRM over APIv4 REST (../../shared/crm-contracts.md §2): every call is a form POST of one
// `params` JSON field to `{base}/civicrm/ajax/api4/{Entity}/{action}`, authenticated by AuthX's
// X-Civi-Auth header. Every reply is parsed with zod before it is used; every failure becomes a
// ConnectorError the user can act on.
import * as z from '../zod';
import { identityKey, PLATFORM_LABELS, PLATFORMS, type Identity, type Platform } from '../identity';
import { canonicalizeProfile, profileUrl } from '../sites';
import { INTERACTION_KIND_LABELS, INTERACTION_KINDS, type Constituent, type Gift, type Giving, type Interaction, type InteractionKind } from '../store/model';
import { buildConstituent } from '../store/queries';
import { DEFAULT_TIMEOUT_MS, excerpt, type HttpOptions, type HttpReply, isHtml, parseJson, readStoredJson, retryAfterMs, send } from './http';
import type { ChangePage, Connector, ConnectorDeps, ConstituentDraft, ConstituentRef, InteractionDraft } from './types';
import { ConnectorError } from './types';

export const CIVICRM_SOURCE = 'civicrm';
/** Our activity type, created once per site when missing (crm-contracts.md §2.7 "Log an interaction"). */
export const ACTIVITY_TYPE = 'Social Media Interaction';
/** The last line of every activity we write; a retry looks for it before writing again. */
const REF_MARKER = 'Kindred ref: ';
const PAGE_SIZE = 500;
/** Lookups per Website/get, the same batch a timeline sends (messages.ts MAX_LOOKUP_BATCH). */
const LOOKUP_BATCH = 100;
/**
 * `modified_date` is a zone-less server timestamp and a row can commit a little after its stamp:
 * every incremental pass re-reads this much before where the last one ended (§2.7 "overlap").
 */
const SYNC_OVERLAP_MS = 5 * 60_000;
const HISTORY_LIMIT = 200;

// ---------------------------------------------------------------------------------------------
// Config

/** `https://crm.example.org/`, `https://example.org/wordpress` → no trailing slash, no query. */
function normaliseBaseUrl(input: string): string {
  const url = new URL(input);
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

export const civicrmConfigSchema = z.lazy(() =>
  z.object({
    /** The site's address, including any path the CMS lives under (`/wordpress`, `/site`). */
    baseUrl: z.url({ protocol: /^https?$/, error: 'Enter the address of your CiviCRM site (http or https).' }).transform(normaliseBaseUrl),
    apiKey: z.string().trim().min(1, 'Enter the API key of the CiviCRM contact Kindred acts as.'),
    /** Needed unless that contact has the "authenticate with api key" permission (§2.3 guards). */
    siteKey: z
      .string()
      .trim()
      .optional()
      .transform((key) => key || undefined),
    /** Per request; the default suits a slow shared host. */
    timeoutMs: z.number().int().positive().optional(),
  }),
);
export type CiviConfig = z.output<typeof civicrmConfigSchema>;

// ---------------------------------------------------------------------------------------------
// Reply schemas: the envelope, the error bodies, and one row schema per query.

const envelopeSchema = z.lazy(() =>
  z.object({
    values: z.array(z.unknown()),
    countMatched: z.number().int().nonnegative().nullish(),
  }),
);
/** API errors `{error_code, error_message, status}`, maintenance `{status_code, status_message}` (§2.4). */
const errorBodySchema = z.lazy(() =>
  z.object({
    error_code: z.union([z.number(), z.string()]).nullish(),
    error_message: z.string().nullish(),
    status_message: z.string().nullish(),
  }),
);
const whoAmISchema = z.lazy(() => z.object({ contact_id: z.coerce.number().int().positive().nullable() }));

const id = z.lazy(() => z.coerce.number().int().positive());
const text = z.lazy(() =>
  z
    .string()
    .nullish()
    .transform((value) => value ?? null),
);
/** APIv4 answers booleans as true/false; older sites and some fields say 0/1 or "0"/"1". */
const flag = z.lazy(() =>
  z
    .union([z.boolean(), z.number(), z.string()])
    .nullish()
    .transform((value) => value === true || value === 1 || value === '1'),
);
/** Money is a decimal(20,2): a JSON number or a string, depending on the version. */
const money = z.lazy(() => z.union([z.number().finite(), z.string().regex(/^-?\d+(?:\.\d+)?$/).transform(Number)]));
const civiTime = z.lazy(() => z.string().regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/));

const CONTACT_FIELDS = [
  'id', 'display_name', 'first_name', 'last_name', 'image_URL', 'created_date', 'modified_date', 'is_deleted',
  'do_not_email', 'do_not_phone', 'do_not_mail', 'do_not_sms', 'is_opt_out',
];
const contactRow = z.lazy(() =>
  z.object({
    id,
    display_name: text,
    first_name: text,
    last_name: text,
    image_URL: text,
    created_date: text,
    modified_date: text,
    is_deleted: flag,
    do_not_email: flag,
    do_not_phone: flag,
    do_not_mail: flag,
    do_not_sms: flag,
    is_opt_out: flag,
  }),
);
type ContactRow = z.output<typeof contactRow>;

const emailRow = z.lazy(() => z.object({ contact_id: id, email: text, is_primary: flag }));
const phoneRow = z.lazy(() => z.object({ contact_id: id, phone: text, is_primary: flag }));
const websiteRow = z.lazy(() => z.object({ contact_id: id, url: text, 'website_type_id:name': text }));
const entityTagRow = z.lazy(() => z.object({ entity_id: id, 'tag_id:label': text }));
const groupContactRow = z.lazy(() => z.object({ contact_id: id, 'group_id:label': text }));
const contributionRow = z.lazy(() =>
  z.object({
    id,
    contact_id: id,
    total_amount: money,
    currency: text,
    receive_date: text,
    'financial_type_id:label': text,
  }),
);
type ContributionRow = z.output<typeof contributionRow>;
const activityContactRow = z.lazy(() =>
  z.object({
    activity_id: id,
    'activity_id.subject': text,
    'activity_id.details': text,
    'activity_id.activity_date_time': text,
    'activity_id.activity_type_id:name': text,
  }),
);
type ActivityContactRow = z.output<typeof activityContactRow>;
const activitySourceRow = z.lazy(() => z.object({ activity_id: id, 'contact_id.display_name': text }));
const loggedRow = z.lazy(() => z.object({ activity_id: id, 'activity_id.details': text }));
const optionRow = z.lazy(() => z.object({ value: z.union([z.string(), z.number()]), name: text, label: text, is_active: flag }));
const createdRow = z.lazy(() => z.object({ id }));
const displayNameRow = z.lazy(() => z.object({ id, display_name: text }));
const modifiedRow = z.lazy(() => z.object({ modified_date: text }));

// ---------------------------------------------------------------------------------------------
// The wire: one POST per call, replies mapped to ConnectorError (the table is in errorFor).

type ApiParams = Record<string, unknown>;
interface ApiResult<T> {
  rows: T[];
  countMatched: number | null;
}
interface Call {
  entity: string;
  action: string;
  write: boolean;
}

function createClient(config: CiviConfig, deps: ConnectorDeps) {
  const http: HttpOptions = {
    fetch: deps.fetch ?? ((input, init) => fetch(input, init)),
    timeoutMs: config.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    service: 'CiviCRM',
  };
  const now = deps.now ?? (() => new Date());
  const authHeaders: Record<string, string> = {
    'X-Civi-Auth': `Bearer ${config.apiKey}`,
    // Marks the call as a web-service request; without it CiviCRM answers 400 "SECURITY ALERT" (§2.2).
    'X-Requested-With': 'XMLHttpRequest',
    ...(config.siteKey ? { 'X-Civi-Key': config.siteKey } : {}),
  };

  async function api<T>(entity: string, action: string, params: ApiParams, row: z.ZodType<T>): Promise<ApiResult<T>> {
    const call: Call = { entity, action, write: !/^get/i.test(action) };
    // `params` must be a form field holding JSON: a JSON body is silently read as "no params" (§2.2).
    const reply = await send(
      `${config.baseUrl}/civicrm/ajax/api4/${entity}/${action}`,
      {
        method: 'POST',
        headers: { ...authHeaders, 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ params: JSON.stringify(params) }).toString(),
      },
      http,
    );
    if (reply.status < 200 || reply.status > 299) throw errorFor(reply, call, now());
    const envelope = readJson(reply, call, envelopeSchema);
    const rows = z.array(row).safeParse(envelope.values);
    if (!rows.success) throw unexpectedReply(call, rows.error);
    return { rows: rows.data, countMatched: envelope.countMatched ?? null };
  }

  /** `GET /civicrm/authx/id`: who the key logs in as; null when CiviCRM took us for a visitor. */
  async function whoAmI(): Promise<number | null> {
    const call: Call = { entity: 'authx', action: 'id', write: false };
    const reply = await send(`${config.baseUrl}/civicrm/authx/id`, { method: 'GET', headers: authHeaders }, http);
    if (reply.status < 200 || reply.status > 299) throw errorFor(reply, call, now());
    return readJson(reply, call, whoAmISchema).contact_id;
  }

  return { api, whoAmI };
}

function readJson<T>(reply: HttpReply, call: Call, schema: z.ZodType<T>): T {
  const json = parseJson(reply.text);
  if (json === undefined) throw isHtml(reply) ? notCiviApi(reply.status) : unexpectedReply(call, null);
  const parsed = schema.safeParse(json);
  if (parsed.success) return parsed.data;
  // A 200 carrying an error body is a server-side failure (the batch form does this, §2.4).
  const error = errorBodySchema.safeParse(json);
  if (error.success && error.data.error_message) throw serverError(call, error.data.error_message, undefined);
  throw unexpectedReply(call, parsed.error);
}

/**
 * CiviCRM status → ConnectorError (crm-contracts.md §2.3–2.4):
 * 401 text/plain → auth (the reason in words) · 429 → rateLimited (Retry-After) ·
 * 5xx → server (503 with Retry-After; a 500 JSON error on a write → invalid: the server rejected it,
 * so retrying the same write cannot help) · 404 or a web page → invalid "not a CiviCRM API" ·
 * 403 → forbidden · 400/405 and any other 4xx → invalid.
 */
function errorFor(reply: HttpReply, call: Call, now: Date): ConnectorError {
  const { status } = reply;
  const retryAfter = retryAfterMs(reply.headers.get('retry-after'), now);
  if (status === 401) return authError(reply);
  if (status === 429) {
    const wait = retryAfter === undefined ? 'later' : `in ${Math.ceil(retryAfter / 1000)} s`;
    return new ConnectorError('rateLimited', `CiviCRM (or a proxy in front of it) asked Kindred to slow down; it will try again ${wait}.`, retryAfter);
  }
  const body = errorBodySchema.safeParse(parseJson(reply.text));
  const message = body.success ? (body.data.error_message ?? body.data.status_message ?? null) : null;
  if (status >= 500) {
    if (status === 500 && call.write && message !== null) return rejectedWrite(call, message);
    return serverError(call, message ?? `HTTP ${status}`, retryAfter, status);
  }
  if (status === 404 || isHtml(reply)) return notCiviApi(status);
  if (status === 403) {
    return new ConnectorError('forbidden', `CiviCRM does not let this user ${verb(call)} (${message ?? 'permission denied'}).`);
  }
  return new ConnectorError('invalid', `CiviCRM refused the request to ${verb(call)}: ${message ?? `HTTP ${status}`}.`);
}

function authError(reply: HttpReply): ConnectorError {
  const reason = isHtml(reply) ? '' : excerpt(reply.text.replace(/^\s*HTTP 401\s*/i, '')).replace(/\.$/, '');
  // authx_guards (§2.3): an api_key login needs the site key or the "authenticate with api key" permission.
  if (/guard|site.?key/i.test(reason)) {
    return new ConnectorError('auth', "CiviCRM needs the site key for this user (or the 'authenticate with api key' permission).");
  }
  return new ConnectorError('auth', `CiviCRM refused the API key: ${reason || 'HTTP 401'}.`);
}

function notCiviApi(status: number): ConnectorError {
  return new ConnectorError(
    'invalid',
    `The server answered, but it is not a CiviCRM API at this address (HTTP ${status}). Check the site address, including any path such as /wordpress.`,
  );
}

function unexpectedReply(call: Call, error: z.ZodError | null): ConnectorError {
  const issue = error?.issues[0];
  const where = issue ? ` (${issue.path.join('.') || 'reply'}: ${issue.message})` : '';
  return new ConnectorError('invalid', `CiviCRM sent an unexpected reply to ${call.entity}/${call.action}${where}.`);
}

/** Real sites hide the cause behind "(Error ID: …)"; the ID is what the administrator can look up. */
function withErrorId(message: string): string {
  const text = excerpt(message).replace(/(?<![.!?])$/, '.');
  const errorId = /Error ID:\s*([\w-]+)/i.exec(message)?.[1];
  return errorId ? `${text} Give Error ID ${errorId} to your CiviCRM administrator.` : text;
}

function serverError(call: Call, message: string, retryAfter: number | undefined, status = 500): ConnectorError {
  const what = status === 503 ? 'CiviCRM is temporarily unavailable' : `CiviCRM failed to ${verb(call)}`;
  return new ConnectorError('server', `${what}: ${withErrorId(message)}`, retryAfter);
}

function rejectedWrite(call: Call, message: string): ConnectorError {
  return new ConnectorError('invalid', `CiviCRM could not ${verb(call)}: ${withErrorId(message)}`);
}

function verb(call: Call): string {
  if (call.entity === 'authx') return 'log in';
  const action = /^get/i.test(call.action) ? 'read' : call.action;
  return `${action} ${call.entity} records`;
}

// ---------------------------------------------------------------------------------------------
// Pure helpers: refs, times, HTML, identities, giving.

const refOf = (contactId: number): ConstituentRef => `${CIVICRM_SOURCE}:${contactId}`;

function contactIdOf(ref: ConstituentRef): number {
  const match = /^civicrm:(\d+)$/.exec(ref);
  if (!match) throw new ConnectorError('invalid', `${ref} is not a CiviCRM contact.`);
  return Number(match[1]);
}

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * CiviCRM datetimes carry no zone and are shown in the site's zone. We write and read them as the
 * browser's wall-clock time: staff and their CRM are nearly always in the same zone, and what the
 * user typed ("10:00") is what the CRM shows.
 */
export function toCiviDateTime(date: Date): string {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

function fromCiviDateTime(value: string | null): string | null {
  const m = value && /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?/.exec(value);
  if (!m) return null;
  const date = new Date(+m[1]!, +m[2]! - 1, +m[3]!, +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0));
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** Zone-less arithmetic on a server timestamp (the sync overlap): done in UTC so DST cannot bend it. */
function shiftCiviTime(value: string, ms: number): string {
  const [date = '', time = ''] = value.split(' ');
  const [y, mo, d] = date.split('-').map(Number);
  const [h, mi, s] = time.split(':').map(Number);
  const t = new Date(Date.UTC(y!, mo! - 1, d!, h!, mi!, s!) + ms);
  return `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())} ${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}:${pad(t.getUTCSeconds())}`;
}

/** Literal text inside a LIKE pattern (MySQL's default escape character is `\\`). */
const escapeLike = (value: string): string => value.replace(/[\\%_]/g, '\\$&');

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (value: string): string => value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);

// The named entities CiviCRM's editor (CKEditor) writes: punctuation, and Latin letters with marks.
const ENTITIES: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', lsquo: '‘', rsquo: '’', ldquo: '“', rdquo: '”',
  ndash: '–', mdash: '—', hellip: '…', bull: '•', middot: '·', laquo: '«', raquo: '»', copy: '©', reg: '®',
  euro: '€', pound: '£', szlig: 'ß',
};
const MARKS: Record<string, string> = { acute: '\u0301', grave: '\u0300', circ: '\u0302', uml: '\u0308', tilde: '\u0303', cedil: '\u0327', ring: '\u030a' };

function namedEntity(name: string): string | undefined {
  const accented = /^([a-z])(acute|grave|circ|uml|tilde|cedil|ring)$/i.exec(name);
  return accented ? `${accented[1]}${MARKS[accented[2]!]}`.normalize('NFC') : ENTITIES[name];
}

/** Activity details are HTML written by CiviCRM's editor; the timeline shows text only. */
export function htmlToText(html: string): string {
  return html
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(?:p|div|li|h\d)>/gi, '\n\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&(#x[\da-f]+|#\d+|\w+);/gi, (all, code: string) => {
      if (code[0] === '#') {
        const n = code[1] === 'x' || code[1] === 'X' ? parseInt(code.slice(2), 16) : Number(code.slice(1));
        return n > 0 && n <= 0x10ffff ? String.fromCodePoint(n) : all;
      }
      return namedEntity(code) ?? all;
    })
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function activitySubject(draft: InteractionDraft): string {
  const head = `${INTERACTION_KIND_LABELS[draft.kind]}${draft.channel ? ` on ${PLATFORM_LABELS[draft.channel]}` : ''}`;
  const summary = draft.summary?.trim();
  const subject = summary ? `${head}: ${summary}` : head;
  return subject.length > 255 ? `${subject.slice(0, 254)}…` : subject;
}

/** Notes as paragraphs, then what Kindred knows (channel, profile), then the idempotency marker. */
export function activityDetails(draft: InteractionDraft, idempotencyKey: string): string {
  const notes = draft.notes.replace(/\r\n?/g, '\n').trim();
  const parts = notes ? notes.split(/\n{2,}/).map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`) : [];
  if (draft.channel) parts.push(`<p>Channel: ${PLATFORM_LABELS[draft.channel]}</p>`);
  if (draft.profileUrl) parts.push(`<p>Profile: <a href="${escapeHtml(draft.profileUrl)}">${escapeHtml(draft.profileUrl)}</a></p>`);
  parts.push(`<p>${REF_MARKER}${escapeHtml(idempotencyKey)}</p>`);
  return parts.join('\n');
}

/**
 * The block `activityDetails` ends with: channel, profile, marker. Anchored at the end, so a marker
 * quoted in the notes does not count; a block an editor has reshaped reads as plain notes.
 */
const KINDRED_FOOTER = new RegExp(
  `(?:\\s*<p>Channel: ([^<]*)</p>)?(?:\\s*<p>Profile: <a href="([^"]*)">[^<]*</a></p>)?\\s*<p>${REF_MARKER}([^<\\s]+)</p>\\s*$`,
);

const refIn = (details: string | null): string | null => KINDRED_FOOTER.exec(details ?? '')?.[3] ?? null;

const platformByLabel = new Map<string, Platform>(PLATFORMS.map((p) => [PLATFORM_LABELS[p].toLowerCase(), p]));

const KIND_BY_ACTIVITY_TYPE: Record<string, InteractionKind> = {
  'Phone Call': 'call',
  Meeting: 'meeting',
  Email: 'email',
  'Inbound Email': 'email',
};

/** What an activity row says, read back: ours carry kind/channel/profile; others map by type. */
function readActivity(row: ActivityContactRow) {
  const subject = row['activity_id.subject'];
  const details = row['activity_id.details'] ?? '';
  const type = row['activity_id.activity_type_id:name'] ?? '';
  if (type !== ACTIVITY_TYPE) {
    return { kind: KIND_BY_ACTIVITY_TYPE[type] ?? 'note', channel: null, summary: subject, notes: htmlToText(details), profileUrl: null };
  }
  // Ours: the subject is "<kind>[ on <channel>][: <summary>]" (activitySubject), the details end in the footer.
  const kind = INTERACTION_KINDS.find((k) => {
    const label = INTERACTION_KIND_LABELS[k];
    return subject === label || subject?.startsWith(`${label} on `) || subject?.startsWith(`${label}: `);
  });
  const footer = KINDRED_FOOTER.exec(details);
  const channelLabel = footer?.[1] ?? (kind && subject?.slice(INTERACTION_KIND_LABELS[kind].length).match(/^ on ([^:]+)/)?.[1]);
  const summaryAt = subject?.indexOf(': ') ?? -1;
  return {
    kind: kind ?? 'note',
    channel: (channelLabel && platformByLabel.get(channelLabel.trim().toLowerCase())) || null,
    summary: subject && summaryAt >= 0 ? subject.slice(summaryAt + 2) : null,
    notes: htmlToText(footer ? details.slice(0, footer.index) : details),
    profileUrl: footer?.[2] ? htmlToText(footer[2]) : null,
  };
}

/** Website type names (option group `website_type`) that mean each platform, best first. */
function websiteTypeNames(platform: Platform): string[] {
  return platform === 'x' ? ['X', 'Twitter'] : [PLATFORM_LABELS[platform]];
}

const platformByWebsiteType = new Map<string, Platform>([
  ...PLATFORMS.map((p): [string, Platform] => [PLATFORM_LABELS[p].toLowerCase(), p]),
  ['twitter', 'x'],
]);

/**
 * The identity a CRM Website row stands for, canonicalised exactly as a page is (DESIGN.md
 * "Identity"): full URLs, `twitter.com/Jack` without a scheme, and, when the row's type names a
 * platform, a bare `@handle`. Anything else (a homepage, a blog) is not an identity.
 */
function websiteIdentity(url: string | null, typeName: string | null): Identity | null {
  if (!url) return null;
  const found = canonicalizeProfile(url);
  if (found) return found;
  const hint = typeName ? platformByWebsiteType.get(typeName.toLowerCase()) : undefined;
  return hint ? canonicalizeProfile(url, hint) : null;
}

/**
 * `url LIKE` patterns that find every stored spelling of an identity's profile, whatever the
 * host variant, scheme, `@`, case or trailing junk: the distinctive part of the handle between
 * wildcards. They over-match on purpose; `websiteIdentity` decides.
 */
export function websiteLikePatterns(identity: Identity): string[] {
  const { platform, handle } = identity;
  let token = handle;
  if (platform === 'mastodon') token = handle.slice(0, handle.indexOf('@'));
  // DIDs are stored with `:` or `%3A`; their last part is distinctive enough.
  else if (platform === 'bluesky' && handle.startsWith('did:')) token = handle.slice(handle.lastIndexOf(':') + 1);
  else if (/^(?:id|urn|company|channel|user|c):/.test(handle)) token = handle.slice(handle.indexOf(':') + 1);
  if (platform === 'facebook' && !handle.startsWith('id:')) {
    // Facebook vanities drop their dots when canonicalised (sites.md §1): `john.smith` is `johnsmith`.
    const spread = [...token].join('%');
    return [`%facebook.com/${spread}%`, `%fb.com/${spread}%`];
  }
  // Non-ASCII LinkedIn slugs may be stored percent-encoded (`%` is a wildcard there, which is fine).
  return [...new Set([`%${token}%`, `%${encodeURIComponent(token)}%`])];
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function collectBy<T, V>(rows: readonly T[], key: (row: T) => number, value: (row: T) => V | null): Map<number, V[]> {
  const map = new Map<number, V[]>();
  for (const row of rows) {
    const v = value(row);
    if (v === null) continue;
    const list = map.get(key(row));
    if (list) {
      if (!list.includes(v)) list.push(v);
    } else map.set(key(row), [v]);
  }
  return map;
}

const currencyOf = (value: string | null): string | null => (value && /^[A-Z]{3}$/.test(value) ? value : null);
const round2 = (n: number) => Math.round(n * 100) / 100;

/**
 * Giving summary from Completed contributions. Amounts in different currencies cannot be added:
 * the summary is in the currency of the latest gift and counts only gifts in that currency.
 */
export function givingOf(gifts: readonly ContributionRow[]): Giving {
  const dated = [...gifts].sort((a, b) => (b.receive_date ?? '').localeCompare(a.receive_date ?? '') || b.id - a.id);
  const latest = dated[0];
  if (!latest) return { lifetime: 0, lastGiftAmount: null, lastGiftDate: null, largestGift: null, currency: null };
  const currency = currencyOf(latest.currency);
  const amounts = dated.filter((g) => currencyOf(g.currency) === currency).map((g) => Math.max(0, g.total_amount));
  return {
    lifetime: round2(amounts.reduce((sum, n) => sum + n, 0)),
    lastGiftAmount: Math.max(0, latest.total_amount),
    lastGiftDate: latest.receive_date?.slice(0, 10) ?? null,
    largestGift: Math.max(...amounts),
    currency,
  };
}

function namesFor(draft: ConstituentDraft): { first_name: string | null; last_name: string | null } {
  const first = draft.firstName?.trim() || null;
  const last = draft.lastName?.trim() || null;
  if (first || last) return { first_name: first, last_name: last };
  // First word and the rest: keeps "van Beethoven" and "García Márquez" whole as family names.
  const [given = '', ...family] = draft.displayName.trim().split(/\s+/);
  return { first_name: given || null, last_name: family.join(' ') || null };
}

// ---------------------------------------------------------------------------------------------
// Sync cursor: opaque to the caller, a versioned JSON object here.

const countSchema = z.lazy(() => z.number().int().nonnegative());
const cursorSchema = z.lazy(() =>
  z.discriminatedUnion('phase', [
    /** Full pass: keyset on id; `start` is the newest `modified_date` before the pass began. */
    z.object({ v: z.literal(1), phase: z.literal('full'), afterId: countSchema, start: civiTime, done: countSchema, total: countSchema.nullable() }),
    /**
     * Changes since `since` (server time): keyset on (modified_date, id) from `since − overlap`;
     * `after` is null at the start of a pass, else the last row handled.
     */
    z.object({
      v: z.literal(1),
      phase: z.literal('changes'),
      since: civiTime,
      after: z.tuple([civiTime, id]).nullable(),
      done: countSchema,
      total: countSchema.nullable(),
    }),
  ]),
);
type Cursor = z.output<typeof cursorSchema>;

/** An unreadable cursor (another connector's, an older version) restarts with a full pass. */
const readCursor = (text: string | null): Cursor | null => readStoredJson(cursorSchema, text);

const EPOCH = '1970-01-01 00:00:00';

/** The CRM's permissions are the truth (DESIGN.md): what this key may not read is absent, not an error. */
async function unlessForbidden<T>(request: Promise<T>): Promise<T | null> {
  try {
    return await request;
  } catch (error) {
    if (error instanceof ConnectorError && error.code === 'forbidden') return null;
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// The connector

export function createCiviConnector(config: CiviConfig, deps: ConnectorDeps = {}): Connector {
  const { api, whoAmI } = createClient(config, deps);
  const now = deps.now ?? (() => new Date());

  /** Completed contributions, or null when this key may not read them (a volunteer's key: 403). */
  function contributionsOf(contactIds: number[]): Promise<ContributionRow[] | null> {
    return unlessForbidden(
      api(
        'Contribution',
        'get',
        {
          select: ['id', 'contact_id', 'total_amount', 'currency', 'receive_date', 'financial_type_id:label'],
          where: [['contact_id', 'IN', contactIds], ['contribution_status_id:name', '=', 'Completed']],
          orderBy: { receive_date: 'DESC', id: 'DESC' },
        },
        contributionRow,
      ).then((result) => result.rows),
    );
  }

  const byContact = (contactIds: number[]) => ['contact_id', 'IN', contactIds];

  async function emailsOf(contactIds: number[]) {
    const { rows } = await api('Email', 'get', { select: ['contact_id', 'email', 'is_primary'], where: [byContact(contactIds)], orderBy: { is_primary: 'DESC', id: 'ASC' } }, emailRow);
    return collectBy(rows, (r) => r.contact_id, (r) => r.email?.trim() || null);
  }

  async function phonesOf(contactIds: number[]) {
    const { rows } = await api('Phone', 'get', { select: ['contact_id', 'phone', 'is_primary'], where: [byContact(contactIds)], orderBy: { is_primary: 'DESC', id: 'ASC' } }, phoneRow);
    return collectBy(rows, (r) => r.contact_id, (r) => r.phone?.trim() || null);
  }

  async function tagsOf(contactIds: number[]) {
    const { rows } = await api(
      'EntityTag',
      'get',
      { select: ['entity_id', 'tag_id:label'], where: [['entity_table', '=', 'civicrm_contact'], ['entity_id', 'IN', contactIds]] },
      entityTagRow,
    );
    return collectBy(rows, (r) => r.entity_id, (r) => r['tag_id:label']);
  }

  async function groupsOf(contactIds: number[]) {
    const { rows } = await api(
      'GroupContact',
      'get',
      { select: ['contact_id', 'group_id:label'], where: [byContact(contactIds), ['status', '=', 'Added']] },
      groupContactRow,
    );
    return collectBy(rows, (r) => r.contact_id, (r) => r['group_id:label']);
  }

  async function websitesOf(contactIds: number[]) {
    const { rows } = await api('Website', 'get', { select: ['contact_id', 'url', 'website_type_id:name'], where: [byContact(contactIds)] }, websiteRow);
    return collectBy(rows, (r) => r.contact_id, (r) => websiteIdentity(r.url, r['website_type_id:name']));
  }

  async function givingByContact(contactIds: number[]): Promise<Map<number, Giving> | null> {
    const rows = await contributionsOf(contactIds);
    if (!rows) return null;
    const byId = collectBy(rows, (r) => r.contact_id, (r) => r);
    return new Map(contactIds.map((cid) => [cid, givingOf(byId.get(cid) ?? [])]));
  }

  /** One request per related entity for a whole page of contacts, in parallel. */
  async function constituentsOf(contacts: ContactRow[], withWebsites: boolean) {
    const ids = contacts.map((c) => c.id);
    const none = new Map<number, never[]>();
    if (!ids.length) return { constituents: [], websites: none };
    const [emails, phones, tags, groups, giving, websites] = await Promise.all([
      emailsOf(ids),
      phonesOf(ids),
      tagsOf(ids),
      groupsOf(ids),
      givingByContact(ids),
      withWebsites ? websitesOf(ids) : Promise.resolve(none),
    ]);
    const constituents = contacts.map((row) =>
      toConstituent(row, {
        emails: emails.get(row.id) ?? [],
        phones: phones.get(row.id) ?? [],
        // The local model has one list of labels; CiviCRM groups ("Volunteers", "Major donors")
        // are what staff use as tags as often as tags themselves.
        tags: [...new Set([...(tags.get(row.id) ?? []), ...(groups.get(row.id) ?? [])])],
        giving: giving ? (giving.get(row.id) ?? null) : null,
      }),
    );
    return { constituents, websites };
  }

  function toConstituent(row: ContactRow, related: Pick<Constituent, 'emails' | 'phones' | 'tags' | 'giving'>): Constituent {
    const stamp = now().toISOString();
    const displayName =
      row.display_name?.trim() || [row.first_name, row.last_name].filter(Boolean).join(' ').trim() || `Contact ${row.id}`;
    return buildConstituent(
      CIVICRM_SOURCE,
      String(row.id),
      {
        displayName,
        firstName: row.first_name,
        lastName: row.last_name,
        ...related,
        doNotContact: row.do_not_email || row.do_not_phone || row.do_not_mail || row.do_not_sms || row.is_opt_out,
        photoUrl: row.image_URL,
        createdAt: fromCiviDateTime(row.created_date) ?? stamp,
        updatedAt: fromCiviDateTime(row.modified_date) ?? stamp,
      },
      stamp,
    );
  }

  async function liveContact(contactId: number): Promise<ContactRow | null> {
    // Fetching by id skips the default is_deleted filter (§2.5), so the trash is excluded by hand.
    const { rows } = await api('Contact', 'get', { select: CONTACT_FIELDS, where: [['id', '=', contactId], ['is_deleted', '=', false]], limit: 1 }, contactRow);
    return rows[0] ?? null;
  }

  async function requireContact(contactId: number): Promise<ContactRow> {
    const contact = await liveContact(contactId);
    if (!contact) throw new ConnectorError('notFound', 'That contact no longer exists in CiviCRM (deleted or in the trash).');
    return contact;
  }

  // --- activity type: resolved once per connector, created if the site lacks it -------------
  let activityType: Promise<void> | null = null;
  function ensureActivityType(): Promise<void> {
    activityType ??= resolveActivityType().catch((error: unknown) => {
      activityType = null; // a failure is not remembered: the next log tries again
      throw error;
    });
    return activityType;
  }

  async function resolveActivityType(): Promise<void> {
    const { rows } = await api(
      'OptionValue',
      'get',
      { select: ['value', 'name', 'label', 'is_active'], where: [['option_group_id:name', '=', 'activity_type'], ['name', '=', ACTIVITY_TYPE]], limit: 1 },
      optionRow,
    );
    const found = rows[0];
    if (found) {
      if (!found.is_active) {
        throw new ConnectorError('invalid', `The activity type '${ACTIVITY_TYPE}' is disabled in CiviCRM; enable it under Administer › Customize Data and Screens › Activity Types.`);
      }
      return;
    }
    try {
      await api(
        'OptionValue',
        'create',
        { values: { 'option_group_id:name': 'activity_type', name: ACTIVITY_TYPE, label: ACTIVITY_TYPE, is_active: true, description: 'Conversations on social media, logged with Kindred.' } },
        createdRow,
      );
    } catch (error) {
      if (error instanceof ConnectorError && error.code === 'forbidden') {
        throw new ConnectorError(
          'forbidden',
          `CiviCRM has no activity type '${ACTIVITY_TYPE}' and this user may not add one. Ask an administrator to add it (Administer › Customize Data and Screens › Activity Types).`,
        );
      }
      throw error;
    }
  }

  /**
   * The activity an earlier attempt with this key wrote, if it landed. Narrowed to the target's
   * activities of our type at that exact time, so it stays one cheap query on a big site.
   */
  async function alreadyLogged(contactId: number, when: string, idempotencyKey: string): Promise<number | null> {
    const { rows } = await api(
      'ActivityContact',
      'get',
      {
        select: ['activity_id', 'activity_id.details'],
        where: [
          ['contact_id', '=', contactId],
          ['record_type_id:name', '=', 'Activity Targets'],
          ['activity_id.activity_type_id:name', '=', ACTIVITY_TYPE],
          ['activity_id.activity_date_time', '=', when],
          ['activity_id.details', 'LIKE', `%${escapeLike(REF_MARKER + escapeHtml(idempotencyKey))}%`],
        ],
        limit: 10,
      },
      loggedRow,
    );
    // The marker may sit in someone's notes too; only our final line counts.
    const ids = [...new Set(rows.filter((r) => refIn(r['activity_id.details']) === escapeHtml(idempotencyKey)).map((r) => r.activity_id))];
    ids.sort((a, b) => a - b);
    if (ids.length > 1) {
      // The same write landed twice: a browser re-sends a POST by itself when a reused connection
      // closes before the reply. Keep the first; the others are copies only Kindred made.
      await api('Activity', 'delete', { where: [['id', 'IN', ids.slice(1)]] }, z.unknown()).catch(() => undefined);
    }
    return ids[0] ?? null;
  }

  async function activitiesOf(contactId: number, ref: ConstituentRef): Promise<Interaction[]> {
    const { rows } = await api(
      'ActivityContact',
      'get',
      {
        select: ['activity_id', 'activity_id.subject', 'activity_id.details', 'activity_id.activity_date_time', 'activity_id.activity_type_id:name'],
        where: [['contact_id', '=', contactId], ['activity_id.is_deleted', '=', false], ['activity_id.is_test', '=', false]],
        orderBy: { 'activity_id.activity_date_time': 'DESC' },
        limit: HISTORY_LIMIT,
      },
      activityContactRow,
    );
    // A contact is listed once per role (source, target, assignee): one activity, once.
    const unique = [...new Map(rows.map((r) => [r.activity_id, r])).values()];
    const authors = await authorsOf(unique.map((r) => r.activity_id));
    return unique.map((row) => {
      const at = fromCiviDateTime(row['activity_id.activity_date_time']) ?? now().toISOString();
      return {
        // Logged through Kindred: the id Kindred gave it (its idempotency key), so the CRM's copy
        // and the item logged in this browser are one interaction, even before the reply came.
        id: htmlToText(refIn(row['activity_id.details']) ?? '') || `${CIVICRM_SOURCE}:activity:${row.activity_id}`,
        constituentId: ref,
        ...readActivity(row),
        at,
        author: authors.get(row.activity_id) ?? null,
        source: CIVICRM_SOURCE,
        externalId: String(row.activity_id),
        status: 'synced' as const,
        lastError: null,
        createdAt: at,
      };
    });
  }

  async function authorsOf(activityIds: number[]): Promise<Map<number, string>> {
    if (!activityIds.length) return new Map();
    const { rows } = await api(
      'ActivityContact',
      'get',
      { select: ['activity_id', 'contact_id.display_name'], where: [['activity_id', 'IN', activityIds], ['record_type_id:name', '=', 'Activity Source']] },
      activitySourceRow,
    );
    return new Map(rows.flatMap((r) => (r['contact_id.display_name'] ? [[r.activity_id, r['contact_id.display_name']] as const] : [])));
  }

  async function giftsOf(contactId: number, ref: ConstituentRef): Promise<Gift[]> {
    const rows = await contributionsOf([contactId]);
    return (rows ?? []).map((row) => ({
      id: `${CIVICRM_SOURCE}:contribution:${row.id}`,
      constituentId: ref,
      amount: row.total_amount,
      currency: currencyOf(row.currency),
      date: row.receive_date?.slice(0, 10) ?? '',
      fund: row['financial_type_id:label'],
      campaign: null,
    }));
  }

  async function websiteTypeFor(platform: Platform): Promise<string> {
    const { rows } = await api(
      'OptionValue',
      'get',
      { select: ['value', 'name', 'label', 'is_active'], where: [['option_group_id:name', '=', 'website_type'], ['is_active', '=', true]] },
      optionRow,
    );
    for (const wanted of websiteTypeNames(platform).map((n) => n.toLowerCase())) {
      const match = rows.find((r) => r.name?.toLowerCase() === wanted || r.label?.toLowerCase() === wanted);
      if (match) return String(match.value);
    }
    const name = websiteTypeNames(platform)[0];
    throw new ConnectorError(
      'invalid',
      `Add a Website Type named '${name}' in CiviCRM (Administer › Customize Data and Screens › Dropdown Options › Website Types), then link again.`,
    );
  }

  // --- sync ----------------------------------------------------------------------------------

  /** The newest change stamp on the site, in the server's own clock and zone. */
  async function newestModified(): Promise<string> {
    const { rows } = await api(
      'Contact',
      'get',
      { select: ['modified_date'], where: [['is_deleted', 'IN', [0, 1]], ['modified_date', 'IS NOT NULL']], orderBy: { modified_date: 'DESC' }, limit: 1 },
      modifiedRow,
    );
    const stamp = rows[0]?.modified_date;
    return stamp && civiTime.safeParse(stamp).success ? stamp : EPOCH;
  }

  async function pageOf(rows: ContactRow[], cursor: Cursor, done: number, total: number | null): Promise<ChangePage> {
    const live = rows.filter((r) => !r.is_deleted);
    const { constituents, websites } = await constituentsOf(live, true);
    return {
      constituents,
      identities: live.flatMap((r) => (websites.get(r.id) ?? []).map((identity) => ({ constituentId: refOf(r.id), identity }))),
      deleted: rows.filter((r) => r.is_deleted).map((r) => refOf(r.id)),
      cursor: JSON.stringify(cursor),
      progress: { done, total },
    };
  }

  async function fullStep(cursor: Extract<Cursor, { phase: 'full' }>, first: boolean) {
    const { rows, countMatched } = await api(
      'Contact',
      'get',
      {
        select: first ? [...CONTACT_FIELDS, 'row_count'] : CONTACT_FIELDS,
        // Trashed contacts too, so a re-sync clears them from the cache.
        where: [['id', '>', cursor.afterId], ['is_deleted', 'IN', [0, 1]]],
        orderBy: { id: 'ASC' },
        limit: PAGE_SIZE,
      },
      contactRow,
    );
    const done = cursor.done + rows.length;
    const total = first ? countMatched : cursor.total;
    const last = rows.at(-1);
    const finished = rows.length < PAGE_SIZE;
    const next: Cursor = finished
      ? { v: 1, phase: 'changes', since: cursor.start, after: null, done: 0, total: null }
      : { ...cursor, afterId: last?.id ?? cursor.afterId, done, total };
    return { page: await pageOf(rows, next, done, finished ? done : total), next, finished };
  }

  async function changesStep(cursor: Extract<Cursor, { phase: 'changes' }>) {
    const first = cursor.after === null;
    const where: unknown[] = [['modified_date', '>=', shiftCiviTime(cursor.since, -SYNC_OVERLAP_MS)], ['is_deleted', 'IN', [0, 1]]];
    if (cursor.after) {
      const [stamp, afterId] = cursor.after;
      where.push(['OR', [['modified_date', '>', stamp], ['AND', [['modified_date', '=', stamp], ['id', '>', afterId]]]]]);
    }
    const { rows, countMatched } = await api(
      'Contact',
      'get',
      { select: first ? [...CONTACT_FIELDS, 'row_count'] : CONTACT_FIELDS, where, orderBy: { modified_date: 'ASC', id: 'ASC' }, limit: PAGE_SIZE },
      contactRow,
    );
    const done = cursor.done + rows.length;
    const total = first ? countMatched : cursor.total;
    const last = rows.at(-1);
    const lastStamp = last?.modified_date && civiTime.safeParse(last.modified_date).success ? last.modified_date : null;
    const finished = rows.length < PAGE_SIZE;
    // Without a stamp to continue from, the next page would be this one again.
    if (last && !lastStamp) throw unexpectedReply({ entity: 'Contact', action: 'get', write: false }, null);
    const after: [string, number] | null = last && lastStamp ? [lastStamp, last.id] : cursor.after;
    // Rows come in modified_date order, so the last one is the newest change seen.
    const next: Cursor = finished
      ? { v: 1, phase: 'changes', since: after?.[0] ?? cursor.since, after: null, done: 0, total: null }
      : { ...cursor, after, done, total };
    return { page: await pageOf(rows, next, done, finished ? done : total), next, finished };
  }

  return {
    id: CIVICRM_SOURCE,

    async testConnection() {
      const contactId = await whoAmI();
      if (contactId === null) {
        throw new ConnectorError('auth', 'CiviCRM did not log in with this API key (it answered as an anonymous visitor). Check that the AuthX extension is enabled.');
      }
      const { rows } = await api('Contact', 'get', { select: ['id', 'display_name'], where: [['id', '=', contactId]], limit: 1 }, displayNameRow);
      const canReadGifts = (await unlessForbidden(api('Contribution', 'get', { select: ['id'], limit: 1 }, createdRow))) !== null;
      return { user: rows[0]?.display_name?.trim() || `Contact ${contactId}`, canReadGifts };
    },

    async findByIdentities(identities: Identity[]) {
      const result: Record<string, ConstituentRef[]> = {};
      for (const batch of chunks(identities, LOOKUP_BATCH)) {
        const wanted = new Set(batch.map(identityKey));
        const patterns = [...new Set(batch.flatMap(websiteLikePatterns))];
        const { rows } = await api(
          'Website',
          'get',
          {
            select: ['contact_id', 'url', 'website_type_id:name'],
            where: [['OR', patterns.map((p) => ['url', 'LIKE', p])], ['contact_id.is_deleted', '=', false]],
          },
          websiteRow,
        );
        // The patterns over-match and CRM data is messy: only an exact canonical match counts.
        for (const row of rows) {
          const identity = websiteIdentity(row.url, row['website_type_id:name']);
          const key = identity && identityKey(identity);
          if (!key || !wanted.has(key)) continue;
          const refs = (result[key] ??= []);
          if (!refs.includes(refOf(row.contact_id))) refs.push(refOf(row.contact_id));
        }
      }
      return result;
    },

    async search(query: string, limit = 20) {
      const q = query.trim();
      if (!q) return [];
      const like = `%${escapeLike(q)}%`;
      const { rows } = await api(
        'Contact',
        'get',
        {
          select: ['id', 'display_name'],
          where: [['OR', [['display_name', 'LIKE', like], ['sort_name', 'LIKE', like], ['email_primary.email', 'LIKE', like]]]],
          orderBy: { sort_name: 'ASC' },
          limit,
        },
        displayNameRow,
      );
      if (!rows.length) return [];
      const ids = rows.map((r) => r.id);
      const [emails, tags] = await Promise.all([emailsOf(ids), tagsOf(ids)]);
      return rows.map((r) => ({
        id: refOf(r.id),
        displayName: r.display_name?.trim() || `Contact ${r.id}`,
        tags: tags.get(r.id) ?? [],
        emails: emails.get(r.id) ?? [],
      }));
    },

    async get(ref) {
      const contact = await liveContact(contactIdOf(ref));
      if (!contact) return null;
      const { constituents } = await constituentsOf([contact], false);
      return constituents[0] ?? null;
    },

    async history(ref) {
      const contactId = contactIdOf(ref);
      const [interactions, gifts] = await Promise.all([activitiesOf(contactId, ref), giftsOf(contactId, ref)]);
      interactions.sort((a, b) => b.at.localeCompare(a.at));
      return { interactions, gifts };
    },

    async logInteraction(ref, draft, idempotencyKey) {
      const contactId = contactIdOf(ref);
      const at = new Date(draft.at);
      if (Number.isNaN(at.getTime())) throw new ConnectorError('invalid', `Not a date: ${draft.at}`);
      const when = toCiviDateTime(at);
      await ensureActivityType();
      // An earlier attempt may have landed even though we never saw the reply (DESIGN.md
      // "Reliability rules"): look for its marker before writing again.
      const existing = await alreadyLogged(contactId, when, idempotencyKey);
      if (existing !== null) return { externalId: String(existing) };
      const { rows } = await api(
        'Activity',
        'create',
        {
          values: {
            'activity_type_id:name': ACTIVITY_TYPE,
            subject: activitySubject(draft),
            details: activityDetails(draft, idempotencyKey),
            activity_date_time: when,
            'status_id:name': 'Completed',
            source_contact_id: 'user_contact_id',
            target_contact_id: [contactId],
          },
        },
        createdRow,
      );
      const created = rows[0];
      if (!created) throw unexpectedReply({ entity: 'Activity', action: 'create', write: true }, null);
      // This reply may answer the browser's silent re-send of a write that had landed already:
      // look once more, so a second copy is removed and every attempt reports the same activity.
      const kept = await alreadyLogged(contactId, when, idempotencyKey).catch(() => null);
      return { externalId: String(kept ?? created.id) };
    },

    async createConstituent(draft) {
      const { rows } = await api('Contact', 'create', { values: { contact_type: 'Individual', ...namesFor(draft) } }, createdRow);
      const contact = rows[0];
      if (!contact) throw unexpectedReply({ entity: 'Contact', action: 'create', write: true }, null);
      const emails = [...new Set((draft.emails ?? []).map((e) => e.trim()).filter(Boolean))];
      for (const [i, email] of emails.entries()) {
        await api('Email', 'create', { values: { contact_id: contact.id, email, is_primary: i === 0 } }, createdRow);
      }
      return refOf(contact.id);
    },

    async linkIdentity(ref, identity) {
      const contactId = contactIdOf(ref);
      const [, websites] = await Promise.all([requireContact(contactId), websitesOf([contactId])]);
      const key = identityKey(identity);
      if ((websites.get(contactId) ?? []).some((known) => identityKey(known) === key)) return;
      const websiteType = await websiteTypeFor(identity.platform);
      await api('Website', 'create', { values: { contact_id: contactId, url: profileUrl(identity), website_type_id: websiteType } }, createdRow);
    },

    async *pull(cursorText) {
      const resumed = readCursor(cursorText);
      const cursor: Cursor = resumed ?? { v: 1, phase: 'full', afterId: 0, start: await newestModified(), done: 0, total: null };
      const stepFrom = (at: Cursor, first: boolean) => (at.phase === 'full' ? fullStep(at, first) : changesStep(at));
      let pending = stepFrom(cursor, resumed === null);
      for (;;) {
        const step = await pending;
        // The next page is fetched while the caller writes this one (the server's time and ours
        // overlap). Its cursor is still only handed over with its page, so resuming is unchanged.
        const next = step.finished ? null : stepFrom(step.next, false);
        next?.catch(() => undefined); // a sync stopped meanwhile never awaits it
        yield step.page;
        if (!next) return;
        pending = next;
      }
    },
  };
}

// Raiser's Edge NXT over Blackbaud's SKY API (../../shared/crm-contracts-renxt.md). Two credentials
// on every call: the organisation's own subscription key (`Bb-Api-Subscription-Key`; the daily
// quota is the key's, so none is built in) and the consenting user's OAuth token, obtained with
// PKCE through `identity.launchWebAuthFlow` (src/crm/oauth.ts). Every reply is parsed with zod;
// every failure becomes a ConnectorError the user can act on.
//
// What SKY cannot do shapes this file: constituent search does not look at online presences, so
// social identities are matched only through the local index that `pull` fills (§0.4); actions
// have no external id, so `logInteraction` leaves a `[kindred:<key>]` marker in the description
// and looks for it before and after writing (§3.4).
import * as z from '../zod';
import { identityKey, PLATFORM_LABELS, PLATFORMS, type Identity, type Platform } from '../identity';
import { canonicalizeProfile, profileUrl } from '../sites';
import { INTERACTION_KIND_LABELS, INTERACTION_KINDS, type Constituent, type Gift, type Giving, type Interaction, type InteractionKind } from '../store/model';
import { buildConstituent } from '../store/queries';
import { DEFAULT_TIMEOUT_MS, excerpt, type HttpOptions, type HttpReply, isHtml, parseJson, readStoredJson, retryAfterMs, send } from './http';
import { memoryTokenStore, oauthSession, type OAuthClient, type TokenSet } from './oauth';
import type { ChangePage, Connector, ConnectorDeps, ConstituentDraft, ConstituentRef, InteractionDraft } from './types';
import { ConnectorError } from './types';

export const RAISERS_EDGE_SOURCE = 'raisers-edge';
const SERVICE = "Raiser's Edge NXT";

export const SKY_DEFAULTS = {
  apiBase: 'https://api.sky.blackbaud.com',
  authorizeUrl: 'https://app.blackbaud.com/oauth/authorize',
  tokenUrl: 'https://oauth2.sky.blackbaud.com/token',
} as const;

/** §1.5: SKY throttles at 5 (or 10, VERIFY) calls/s per subscription; we stay under with 4 in any second. */
export const PACE_PER_SECOND = 4;
/** §5 step 4: list endpoints lag ~30 min on average, so each pass re-reads this much before the newest change seen. */
export const SYNC_OVERLAP_MS = 35 * 60_000;
/** Before any 1600-01-01 default stamp (§2.4), so the first pass sees every row. VERIFY the API takes it. */
const SYNC_START = '1600-01-01T00:00:00Z';
const PAGE_LIMIT = 500;
/** Repeated `constituent_id=` parameters per request; keeps URLs short (§2.3 GUESS: ≤100 is safe). */
const ID_BATCH = 100;
const GIFT_HISTORY_LIMIT = 200;
/** A 429 asking for at most this long is waited out in place; longer ones go back to the caller. */
const INLINE_RETRY_MAX_MS = 5_000;
const SUMMARY_MAX = 255;
const marker = (key: string) => `[kindred:${key}]`;

// ---------------------------------------------------------------------------------------------
// Config

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** https anywhere; plain http only on this machine (the contract double, a developer's proxy). */
function endpoint(what: string) {
  return z
    .string()
    .trim()
    .refine(
      (value) => {
        try {
          const url = new URL(value);
          return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname));
        } catch {
          return false;
        }
      },
      { error: `The ${what} must be an https address (plain http only on 127.0.0.1 or localhost).` },
    )
    .transform((value) => value.replace(/\/+$/, ''));
}

const blankToUndefined = (value: string | undefined) => value || undefined;

export const raisersEdgeConfigSchema = z.lazy(() =>
  z.object({
    /** The "Application ID" of the organisation's own SKY application (public, PKCE). */
    applicationId: z.string().trim().min(1, "Enter the Application ID of your organisation's SKY application."),
    /** The organisation's SKY API subscription key (primary or secondary). */
    subscriptionKey: z.string().trim().min(1, "Enter your organisation's SKY API subscription key."),
    /** The environment chosen at consent; sent as `environment_id` on re-consent so the user cannot silently switch. */
    environmentId: z.string().trim().optional().transform(blankToUndefined),
    apiBase: endpoint('API address').optional(),
    authorizeUrl: endpoint('authorization address').optional(),
    tokenUrl: endpoint('token address').optional(),
    timeoutMs: z.number().int().positive().optional(),
  }),
);
export type RaisersEdgeConfig = z.output<typeof raisersEdgeConfigSchema>;

// ---------------------------------------------------------------------------------------------
// Reply schemas. Non-strict on purpose (§1.1: unknown fields appear); ids are digit strings, but a
// number is accepted rather than failing a whole card over it.

const skyId = z.lazy(() => z.union([z.string().min(1), z.number()]).transform(String));
const text = z.lazy(() =>
  z
    .string()
    .nullish()
    .transform((value) => value ?? null),
);
const bool = z.lazy(() =>
  z
    .boolean()
    .nullish()
    .transform((value) => value ?? false),
);
const money = z.lazy(() =>
  z
    .object({ value: z.number().nullish() })
    .loose()
    .nullish()
    .transform((m) => m?.value ?? null),
);

const collectionOf = <T extends z.ZodType>(row: T) =>
  z.object({ count: z.number().int().nonnegative().nullish(), value: z.array(row), next_link: text }).loose();

const contactPoint = z.lazy(() => z.object({ address: text, number: text, inactive: bool, do_not_email: bool, do_not_call: bool }).loose());
const constituentRead = z.lazy(() =>
  z
    .object({
      id: skyId,
      type: text,
      name: text,
      first: text,
      last: text,
      preferred_name: text,
      inactive: bool,
      deceased: bool,
      requests_no_email: bool,
      email: contactPoint.nullish(),
      phone: contactPoint.nullish(),
      date_added: text,
      date_modified: text,
    })
    .loose(),
);
type ConstituentRead = z.output<typeof constituentRead>;

const searchResult = z.lazy(() => z.object({ id: skyId, name: text, email: text, deceased: bool, inactive: bool }).loose());
const onlinePresenceRead = z.lazy(() => z.object({ id: skyId, constituent_id: skyId, type: text, address: text, inactive: bool, date_modified: text }).loose());
type OnlinePresenceRead = z.output<typeof onlinePresenceRead>;
const actionRead = z.lazy(() =>
  z
    .object({
      id: skyId,
      category: text,
      summary: text,
      description: text,
      date: text,
      start_time: text,
      author: text,
      date_added: text,
    })
    .loose(),
);
type ActionRead = z.output<typeof actionRead>;
const giftRead = z.lazy(() => z.object({ id: skyId, type: text, date: text, amount: money }).loose());
const lifetimeRead = z.lazy(() => z.object({ total_giving: money, total_received_giving: money }).loose());
/** first/latest/greatest; `{}` for a donor without gifts (§4.2 VERIFY), so every field is optional. */
const giftSummaryRead = z.lazy(() => z.object({ date: text, amount: money }).loose());
const solicitCodeRead = z.lazy(() => z.object({ solicit_code: text, start_date: text, end_date: text }).loose());
const constituentCodeRead = z.lazy(() => z.object({ description: text, inactive: bool }).loose());
const stringTable = collectionOf(z.string());
const createdReply = z.lazy(() => z.object({ id: skyId }));
/** DELETE/PATCH answer 200 with an empty body (or 204, GUESS): anything goes. */
const anyReply = z.lazy(() => z.unknown());

// ---------------------------------------------------------------------------------------------
// Error bodies (§1.6): `{statusCode, message}` from the gateway, `[{Message|message, ErrorCode…}]`
// from the backend, and the other shapes SEKERS meets. Keys vary in case.

function messageOf(body: unknown, depth = 0): string | null {
  if (depth > 3 || body === null || body === undefined) return null;
  if (typeof body === 'string') return body.trim() || null;
  if (Array.isArray(body)) {
    const parts = body.map((item) => messageOf(item, depth + 1)).filter((m): m is string => m !== null);
    return parts.length ? [...new Set(parts)].join(' ') : null;
  }
  if (typeof body !== 'object') return null;
  const entries = Object.entries(body as Record<string, unknown>);
  for (const name of ['message', 'error_description', 'rawmessage', 'errors', 'error']) {
    const found = entries.find(([k]) => k.toLowerCase().replace(/_(?=message)/, '') === name);
    const message = found ? messageOf(found[1], depth + 1) : null;
    if (message) return message;
  }
  return null;
}

interface Request {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** A path under the API base, or an absolute `next_link` (same origin only). */
  path: string;
  query?: [string, string][];
  body?: unknown;
  /** What the call does, for messages: "read constituents". */
  what: string;
  /** Gift-class data (§4.3): a 401 that survives a refresh may mean "no gift rights". */
  gifts?: boolean;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * At most `max` request starts in any `windowMs` (a sliding window): a card's six calls go out in
 * two bursts instead of a 250 ms drip, and the gateway's bucket is never emptied.
 */
export function createPacer(max = PACE_PER_SECOND, windowMs = 1000): () => Promise<void> {
  const starts: number[] = [];
  let chain: Promise<void> = Promise.resolve();
  return () => {
    const turn = chain.then(async () => {
      for (;;) {
        const t = Date.now();
        while (starts.length && starts[0]! <= t - windowMs) starts.shift();
        if (starts.length < max) {
          starts.push(t);
          return;
        }
        await sleep(starts[0]! + windowMs - t);
      }
    });
    chain = turn;
    return turn;
  };
}

// ---------------------------------------------------------------------------------------------
// Pure helpers: refs, times, actions, identities.

const refOf = (id: string): ConstituentRef => `${RAISERS_EDGE_SOURCE}:${id}`;

function idOf(ref: ConstituentRef): string {
  const match = /^raisers-edge:(\d+)$/.exec(ref);
  if (!match) throw new ConnectorError('invalid', `${ref} is not a Raiser's Edge NXT constituent.`);
  return match[1]!;
}

/** SKY business dates may come without a zone (`2015-08-26T00:00:00`): read those as UTC. */
function instant(value: string | null): string | null {
  if (!value) return null;
  const zoned = /(?:Z|[+-]\d{2}:?\d{2})$/i.test(value) || !value.includes('T') ? value : `${value}Z`;
  const t = Date.parse(zoned);
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}

const pad = (n: number) => String(n).padStart(2, '0');
const localDate = (d: Date) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
const localTime = (d: Date) => `${pad(d.getHours())}:${pad(d.getMinutes())}`;

/**
 * An action's `date` is a calendar day (samples are midnight) and `start_time` a wall-clock
 * "HH:mm". Both are the user's local day and time, as RE NXT shows them to staff; reading back
 * takes them as local too, so what was typed is what comes back.
 */
function actionInstant(date: string | null, startTime: string | null): string | null {
  const day = date && /^(\d{4})-(\d{2})-(\d{2})/.exec(date);
  if (!day) return null;
  const time = startTime && /^(\d{2}):(\d{2})/.exec(startTime);
  const d = new Date(+day[1]!, +day[2]! - 1, +day[3]!, time ? +time[1]! : 0, time ? +time[2]! : 0);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/** §3.2: the five categories are fixed by the API; social conversations are "Task/Other". */
export const CATEGORY_BY_KIND: Record<InteractionKind, string> = {
  call: 'Phone Call',
  meeting: 'Meeting',
  email: 'Email',
  comment: 'Task/Other',
  dm: 'Task/Other',
  event: 'Task/Other',
  note: 'Task/Other',
};
const KIND_BY_CATEGORY: Record<string, InteractionKind> = { 'Phone Call': 'call', Meeting: 'meeting', Email: 'email' };
/** An action type worth setting for a social conversation, when the tenant's table has it (§3.2 GUESS on the name). */
const SOCIAL_ACTION_TYPES = ['Social Media', 'Social media', 'Social'];

export function actionSummary(draft: InteractionDraft): string {
  const head = `${INTERACTION_KIND_LABELS[draft.kind]}${draft.channel ? ` on ${PLATFORM_LABELS[draft.channel]}` : ''}`;
  const summary = draft.summary?.trim();
  const full = summary ? `${head}: ${summary}` : head;
  return full.length > SUMMARY_MAX ? `${full.slice(0, SUMMARY_MAX - 1)}…` : full;
}

/** The notes, then what Kindred knows (channel, profile), then the idempotency marker as the last line. */
export function actionDescription(draft: InteractionDraft, idempotencyKey: string): string {
  const footer: string[] = [];
  if (draft.channel) footer.push(`Channel: ${PLATFORM_LABELS[draft.channel]}`);
  if (draft.profileUrl) footer.push(`Profile: ${draft.profileUrl}`);
  footer.push(marker(idempotencyKey));
  const notes = draft.notes.replace(/\r\n?/g, '\n').trim();
  return notes ? `${notes}\n\n${footer.join('\n')}` : footer.join('\n');
}

/** Anchored at the end: a marker quoted inside someone's notes does not count. */
const KINDRED_FOOTER = /(?:^|\n\n)(?:Channel: ([^\n]*)\n)?(?:Profile: ([^\n]*)\n)?\[kindred:([^\]\s]+)\]\s*$/;
const markerIn = (description: string | null): string | null => KINDRED_FOOTER.exec(description ?? '')?.[3] ?? null;

const platformByLabel = new Map<string, Platform>(PLATFORMS.map((p) => [PLATFORM_LABELS[p].toLowerCase(), p]));

function readAction(row: ActionRead) {
  const description = row.description ?? '';
  const footer = KINDRED_FOOTER.exec(description);
  if (!footer) {
    return { kind: KIND_BY_CATEGORY[row.category ?? ''] ?? 'note', channel: null, summary: row.summary, notes: description.trim(), profileUrl: null };
  }
  // Ours: the summary is "<kind>[ on <channel>][: <summary>]" (actionSummary).
  const summary = row.summary ?? '';
  const kind = INTERACTION_KINDS.find((k) => {
    const label = INTERACTION_KIND_LABELS[k];
    return summary === label || summary.startsWith(`${label} on `) || summary.startsWith(`${label}: `);
  });
  const channel = footer[1] ? (platformByLabel.get(footer[1].trim().toLowerCase()) ?? null) : null;
  const at = summary.indexOf(': ');
  return {
    kind: kind ?? KIND_BY_CATEGORY[row.category ?? ''] ?? 'note',
    channel,
    summary: at >= 0 ? summary.slice(at + 2) : null,
    notes: description.slice(0, footer.index).trim(),
    profileUrl: footer[2]?.trim() || null,
  };
}

/** Names an online presence type may carry for each platform, best first (tenant tables vary, §2.4). */
const PRESENCE_TYPE_NAMES: Partial<Record<Platform, string[]>> = {
  x: ['X', 'Twitter', 'X (Twitter)', 'Twitter/X', 'X/Twitter'],
  facebook: ['Facebook'],
  linkedin: ['LinkedIn'],
};
const fold = (name: string) => name.toLowerCase().replace(/[^a-z0-9]/g, '');
const typeNames = (platform: Platform) => PRESENCE_TYPE_NAMES[platform] ?? [PLATFORM_LABELS[platform]];
const platformByType = new Map<string, Platform>(PLATFORMS.flatMap((p) => typeNames(p).map((n): [string, Platform] => [fold(n), p])));

/** The identity an online presence stands for, canonicalised exactly as a page is (DESIGN.md "Identity"). */
export function presenceIdentity(address: string | null, type: string | null): Identity | null {
  if (!address) return null;
  const found = canonicalizeProfile(address);
  if (found) return found;
  // A bare `@handle` counts when the row's type names the platform.
  const hint = type ? platformByType.get(fold(type)) : undefined;
  return hint ? canonicalizeProfile(address, hint) : null;
}

/** §2.7 GUESS: solicit codes are free text; these are the ones that mean "do not contact at all". */
const DO_NOT_CONTACT = /\bdo\s*not\s*(?:solicit|contact)\b|\bno\s+(?:solicitation|contact)\b/i;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function namesFor(draft: ConstituentDraft): { first: string | undefined; last: string } {
  const first = draft.firstName?.trim() || undefined;
  const last = draft.lastName?.trim() || undefined;
  if (last) return { first, last };
  // `last` is required for individuals (§2.9): one word is a last name; else first word and the rest.
  const words = draft.displayName.trim().split(/\s+/);
  if (words.length === 1) return { first, last: words[0]! };
  return { first: first ?? words[0], last: words.slice(1).join(' ') };
}

// ---------------------------------------------------------------------------------------------
// Sync cursor: opaque to the caller, versioned JSON here.

const count = z.lazy(() => z.number().int().nonnegative());
const cursorSchema = z.lazy(() =>
  z.object({
    v: z.literal(1),
    /** The environment the cursor belongs to: ids are per environment (§1.4), so another one starts over. */
    env: z.string().nullable(),
    /** Constituents changed since `since`, then online presences changed since `since`. */
    phase: z.enum(['constituents', 'presences']),
    /** Lower bound of this pass (`last_modified`, overlap already subtracted). */
    since: z.string(),
    /** The `next_link` to resume from, verbatim (§5 step 2). */
    next: z.string().nullable(),
    /** Newest `date_modified` seen in this pass: the next pass starts 35 minutes before it. */
    high: z.string().nullable(),
    done: count,
    total: count.nullable(),
  }),
);
type Cursor = z.output<typeof cursorSchema>;

const readCursor = (text: string | null): Cursor | null => readStoredJson(cursorSchema, text);

const later = (a: string | null, b: string | null): string | null => {
  const ta = a ? Date.parse(instant(a) ?? '') : NaN;
  const tb = b ? Date.parse(instant(b) ?? '') : NaN;
  if (Number.isNaN(tb)) return Number.isNaN(ta) ? null : a;
  return Number.isNaN(ta) || tb > ta ? b : a;
};

// ---------------------------------------------------------------------------------------------
// The connector

export type RaisersEdgeConnector = Connector & {
  /** The environment and user of the stored sign-in (from the token reply), or null when signed out. */
  connection(): Promise<{ environmentId: string | null; environmentName: string | null; email: string | null } | null>;
};

export function createRaisersEdgeConnector(config: RaisersEdgeConfig, deps: ConnectorDeps = {}): RaisersEdgeConnector {
  const apiBase = config.apiBase ?? SKY_DEFAULTS.apiBase;
  const apiOrigin = new URL(apiBase).origin;
  const fetcher = deps.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  const http: HttpOptions = { fetch: fetcher, timeoutMs: config.timeoutMs ?? DEFAULT_TIMEOUT_MS, service: SERVICE };
  const now = deps.now ?? (() => new Date());
  const tokens = deps.tokens ?? memoryTokenStore();
  const pace = createPacer();
  let environmentId = config.environmentId;
  const redirectUri = deps.redirectUri?.(RAISERS_EDGE_SOURCE);
  const client: OAuthClient = {
    service: SERVICE,
    authorizeUrl: config.authorizeUrl ?? SKY_DEFAULTS.authorizeUrl,
    tokenUrl: config.tokenUrl ?? SKY_DEFAULTS.tokenUrl,
    clientId: config.applicationId,
    redirectUri: redirectUri ?? 'https://invalid.invalid/',
    // Read at each authorize: once the consent picked an environment, re-consent stays in it (§1.4).
    get authorizeParams() {
      return environmentId ? { environment_id: environmentId } : undefined;
    },
  };
  const session = oauthSession(client, {
    fetch: fetcher,
    tokens,
    // Without a redirect URI there is no window to open: sign-in fails with words, not a bad URL.
    ...(redirectUri && deps.webAuthFlow ? { webAuthFlow: deps.webAuthFlow } : {}),
    ...(deps.lock ? { lock: deps.lock } : {}),
    now: () => now().getTime(),
    timeoutMs: http.timeoutMs,
  });
  /** After a quota 403 (§1.5): no SKY traffic until then. */
  let quotaStopUntil = 0;
  /** Learned from a refusal, so later cards spend no quota on calls that will be refused. */
  let giftRights: boolean | null = null;
  const tables = new Map<string, Promise<string[]>>();

  function noteTokens(set: TokenSet): TokenSet {
    environmentId ??= set.extra.environment_id;
    return set;
  }

  // --- the wire ------------------------------------------------------------------------------

  function urlFor(req: Request): string {
    if (/^https?:\/\//i.test(req.path)) {
      // A next_link is followed verbatim, but never to another host: it would carry our token there.
      if (new URL(req.path).origin !== apiOrigin) throw new ConnectorError('invalid', `${SERVICE} sent a paging link to another address (${excerpt(req.path, 80)}).`);
      return req.path;
    }
    const url = new URL(`${apiBase}${req.path}`);
    for (const [name, value] of req.query ?? []) url.searchParams.append(name, value);
    return url.toString();
  }

  async function exchange(req: Request, allowRefresh = true): Promise<HttpReply> {
    let current = noteTokens(await session.current());
    let refreshed = !allowRefresh;
    let inlineRetries = 0;
    const url = urlFor(req);
    for (;;) {
      const wait = quotaStopUntil - now().getTime();
      if (wait > 0) throw quotaError(wait);
      await pace();
      const headers: Record<string, string> = {
        'Bb-Api-Subscription-Key': config.subscriptionKey,
        Authorization: `Bearer ${current.accessToken}`,
        Accept: 'application/json',
      };
      if (req.body !== undefined) headers['Content-Type'] = 'application/json';
      const reply = await send(url, { method: req.method, headers, ...(req.body !== undefined ? { body: JSON.stringify(req.body) } : {}) }, http);
      if (reply.status >= 200 && reply.status < 300) return reply;
      const message = isHtml(reply) ? null : messageOf(parseJson(reply.text));
      const retryAfter = retryAfterMs(reply.headers.get('retry-after'), now());
      if (reply.status === 401) {
        if (/subscription key/i.test(message ?? '')) throw subscriptionKeyError(message);
        if (!refreshed) {
          refreshed = true;
          current = noteTokens(await session.refreshAfter401(current.accessToken));
          continue;
        }
        // §4.3: 401 also may mean "no rights to this data". If the same token still reads
        // constituents, it is the gifts that are refused, not the sign-in.
        if (req.gifts && (await tokenStillWorks())) throw giftsForbidden();
        throw new ConnectorError('auth', `${SERVICE} no longer accepts Kindred's sign-in. Connect again in Kindred's options.`);
      }
      if (reply.status === 429) {
        const delay = retryAfter ?? 1000;
        // Refused by the gateway before the backend ran: a retry cannot duplicate a write.
        if (inlineRetries < 2 && delay <= INLINE_RETRY_MAX_MS) {
          inlineRetries++;
          await sleep(delay);
          continue;
        }
        throw new ConnectorError('rateLimited', `${SERVICE} asked Kindred to slow down; it will try again in ${Math.ceil(delay / 1000)} s.`, delay);
      }
      if (reply.status === 403 && (/quota/i.test(message ?? '') || (retryAfter !== undefined && /"statusCode"/.test(reply.text)))) {
        const delay = retryAfter ?? 60 * 60_000;
        quotaStopUntil = now().getTime() + delay;
        throw quotaError(delay);
      }
      throw errorFor(reply.status, req, message, retryAfter);
    }
  }

  async function tokenStillWorks(): Promise<boolean> {
    try {
      await exchange({ method: 'GET', path: '/constituent/v1/onlinepresencetypes', what: 'read online presence types' }, false);
      return true;
    } catch {
      return false;
    }
  }

  async function request<T>(req: Request, schema: z.ZodType<T>): Promise<T> {
    const reply = await exchange(req);
    const json = reply.text.trim() === '' ? undefined : parseJson(reply.text);
    if (json === undefined && reply.text.trim() !== '') throw unexpected(req, null);
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw unexpected(req, parsed.error);
    return parsed.data;
  }

  /** All pages of a collection, following `next_link` verbatim. */
  async function all<T>(req: Request, row: z.ZodType<T>): Promise<T[]> {
    const out: T[] = [];
    let page = await request(req, collectionOf(row));
    out.push(...page.value);
    while (page.next_link) {
      page = await request({ method: 'GET', path: page.next_link, what: req.what }, collectionOf(row));
      out.push(...page.value);
    }
    return out;
  }

  /** The tenant's code table (§3.3), read once per connector. */
  function table(name: string): Promise<string[]> {
    let pending = tables.get(name);
    if (!pending) {
      pending = request({ method: 'GET', path: `/constituent/v1/${name}`, what: `read the ${name} table` }, stringTable).then((t) => t.value);
      pending.catch(() => tables.delete(name));
      tables.set(name, pending);
    }
    return pending;
  }

  // --- reads ---------------------------------------------------------------------------------

  async function constituentsById(ids: string[]): Promise<ConstituentRead[]> {
    const out: ConstituentRead[] = [];
    for (const batch of chunks(ids, ID_BATCH)) {
      const query: [string, string][] = [...batch.map((id): [string, string] => ['constituent_id', id]), ['include_inactive', 'true'], ['include_deceased', 'true'], ['limit', String(ID_BATCH)]];
      out.push(...(await all({ method: 'GET', path: '/constituent/v1/constituents', query, what: 'read constituents' }, constituentRead)));
    }
    return out;
  }

  /** Each constituent's complete set of active social identities (ChangePage.identities). */
  async function identitiesOf(ids: string[]): Promise<Map<string, Identity[]>> {
    const byConstituent = new Map<string, Identity[]>();
    for (const batch of chunks(ids, ID_BATCH)) {
      const query: [string, string][] = [...batch.map((id): [string, string] => ['constituent_id', id]), ['limit', '5000']];
      const rows = await all({ method: 'GET', path: '/constituent/v1/onlinepresences', query, what: 'read online presences' }, onlinePresenceRead);
      for (const row of rows) addIdentity(byConstituent, row);
    }
    return byConstituent;
  }

  function addIdentity(map: Map<string, Identity[]>, row: OnlinePresenceRead): void {
    if (row.inactive) return;
    const identity = presenceIdentity(row.address, row.type);
    if (!identity) return;
    const list = map.get(row.constituent_id) ?? [];
    if (!list.some((known) => identityKey(known) === identityKey(identity))) list.push(identity);
    map.set(row.constituent_id, list);
  }

  async function activeSolicitCodes(id: string): Promise<string[]> {
    const rows = await unless(['forbidden', 'notFound'], () =>
      all({ method: 'GET', path: `/commpref/v1/constituents/${id}/constituentsolicitcodes`, query: [['limit', '500']], what: 'read solicit codes' }, solicitCodeRead),
    );
    const t = now().getTime();
    return [
      ...new Set(
        (rows ?? [])
          .filter((r) => {
            const start = r.start_date ? Date.parse(instant(r.start_date) ?? '') : NaN;
            const end = r.end_date ? Date.parse(instant(r.end_date) ?? '') : NaN;
            return r.solicit_code && !(start > t) && !(end <= t);
          })
          .map((r) => r.solicit_code!.trim()),
      ),
    ];
  }

  async function constituentCodes(id: string): Promise<string[]> {
    const rows = await unless(['forbidden'], () =>
      all({ method: 'GET', path: `/constituent/v1/constituents/${id}/constituentcodes`, what: 'read constituent codes' }, constituentCodeRead),
    );
    return [...new Set((rows ?? []).filter((r) => !r.inactive && r.description).map((r) => r.description!))];
  }

  /** Lifetime + first + latest + greatest (§4.2), or null when this user may not see gifts. */
  async function givingOf(id: string): Promise<Giving | null> {
    if (giftRights === false) return null;
    const base = `/constituent/v1/constituents/${id}/givingsummary`;
    const lifetime = await unless(['forbidden'], () => request({ method: 'GET', path: `${base}/lifetimegiving`, what: 'read giving', gifts: true }, lifetimeRead));
    if (!lifetime) {
      giftRights = false;
      return null;
    }
    giftRights = true;
    // Each one may fail alone (a donor without gifts: 404 or `{}`, §4.2): the card still renders.
    const [first, latest, greatest] = await Promise.all(
      (['first', 'latest', 'greatest'] as const).map((which) =>
        unless(['forbidden', 'notFound'], () => request({ method: 'GET', path: `${base}/${which}`, what: 'read giving', gifts: true }, giftSummaryRead)),
      ),
    );
    const day = (d: string | null | undefined) => (d && /^\d{4}-\d{2}-\d{2}/.test(d) ? d.slice(0, 10) : null);
    const amount = (n: number | null | undefined) => (typeof n === 'number' && n >= 0 ? n : null);
    return {
      lifetime: amount(lifetime.total_giving ?? lifetime.total_received_giving),
      lastGiftAmount: amount(latest?.amount),
      lastGiftDate: day(latest?.date),
      largestGift: amount(greatest?.amount),
      // SKY money carries no currency; the tenant's is not in any reply we read (VERIFY).
      currency: null,
      firstGiftAmount: amount(first?.amount),
      firstGiftDate: day(first?.date),
    };
  }

  function toConstituent(row: ConstituentRead, related: { tags?: string[]; giving?: Giving | null; solicitCodes?: string[] }): Constituent {
    const stamp = now().toISOString();
    const email = row.email && !row.email.inactive ? row.email.address?.trim() : undefined;
    const phone = row.phone && !row.phone.inactive ? row.phone.number?.trim() : undefined;
    const solicitCodes = related.solicitCodes;
    const displayName = row.name?.trim() || [row.first, row.last].filter(Boolean).join(' ').trim() || `Constituent ${row.id}`;
    const constituent = buildConstituent(
      RAISERS_EDGE_SOURCE,
      row.id,
      {
        displayName,
        firstName: row.first,
        lastName: row.last,
        emails: email ? [email] : [],
        phones: phone ? [phone] : [],
        tags: related.tags ?? [],
        doNotContact:
          row.deceased || row.requests_no_email || Boolean(row.email?.do_not_email) || Boolean(row.phone?.do_not_call) || (solicitCodes ?? []).some((c) => DO_NOT_CONTACT.test(c)),
        giving: related.giving ?? null,
        createdAt: instant(row.date_added) ?? stamp,
        updatedAt: instant(row.date_modified) ?? stamp,
      },
      stamp,
    );
    return solicitCodes ? { ...constituent, solicitCodes } : constituent;
  }

  /** The action an earlier attempt with this key wrote, if it landed; extra copies are removed. */
  async function loggedAction(id: string, key: string): Promise<string | null> {
    const rows = await all({ method: 'GET', path: `/constituent/v1/constituents/${id}/actions`, what: 'read actions' }, actionRead);
    const ids = rows.filter((r) => markerIn(r.description) === key).map((r) => r.id);
    ids.sort((a, b) => Number(a) - Number(b) || a.localeCompare(b));
    for (const extra of ids.slice(1)) {
      // Two copies landed (a re-sent POST whose first answer was lost): keep the oldest.
      await request({ method: 'DELETE', path: `/constituent/v1/actions/${extra}`, what: 'delete a duplicate action' }, anyReply).catch(() => undefined);
    }
    return ids[0] ?? null;
  }

  async function socialActionType(kind: InteractionKind): Promise<string | undefined> {
    if (kind !== 'dm' && kind !== 'comment') return undefined;
    const types = (await unless(['forbidden'], () => table('actiontypes'))) ?? [];
    return SOCIAL_ACTION_TYPES.map(fold).map((n) => types.find((t) => fold(t) === n)).find(Boolean);
  }

  // --- sync ----------------------------------------------------------------------------------

  async function listPage<T>(path: string, cursor: Cursor, query: [string, string][], row: z.ZodType<T>) {
    const fresh: Request = { method: 'GET', path, query: [['last_modified', cursor.since], ...query, ['limit', String(PAGE_LIMIT)]], what: 'sync' };
    if (!cursor.next) return request(fresh, collectionOf(row));
    try {
      return await request({ method: 'GET', path: cursor.next, what: 'sync' }, collectionOf(row));
    } catch (error) {
      // A saved next_link whose sort token has expired (GUESS §5 step 3): restart this phase from `since`.
      if (error instanceof ConnectorError && error.code === 'invalid') return request(fresh, collectionOf(row));
      throw error;
    }
  }

  async function step(cursor: Cursor): Promise<{ page: ChangePage; next: Cursor; finished: boolean }> {
    let rows: ConstituentRead[];
    let stamps: (string | null)[];
    let missing: string[] = [];
    let body: { count?: number | null | undefined; next_link: string | null };
    if (cursor.phase === 'constituents') {
      const page = await listPage('/constituent/v1/constituents', cursor, [['include_inactive', 'true'], ['include_deceased', 'true']], constituentRead);
      rows = page.value;
      stamps = rows.map((r) => r.date_modified);
      body = page;
    } else {
      // A presence added or changed does not touch its constituent (GUESS): re-read their owners in full.
      const page = await listPage('/constituent/v1/onlinepresences', cursor, [['include_inactive', 'true']], onlinePresenceRead);
      const owners = [...new Set(page.value.map((p) => p.constituent_id))];
      rows = owners.length ? await constituentsById(owners) : [];
      // Asked for with inactive and deceased included: an owner that is not there was deleted or merged away.
      const found = new Set(rows.map((r) => r.id));
      missing = owners.filter((id) => !found.has(id));
      stamps = page.value.map((p) => p.date_modified);
      body = page;
    }
    const live = rows.filter((r) => !r.inactive);
    const identities = live.length ? await identitiesOf(live.map((r) => r.id)) : new Map<string, Identity[]>();
    const high = stamps.reduce<string | null>(later, cursor.high);
    const done = cursor.done + (cursor.phase === 'constituents' ? rows.length : stamps.length);
    const total = cursor.next ? cursor.total : (body.count ?? null);
    let next: Cursor;
    let finished = false;
    if (body.next_link) next = { ...cursor, next: body.next_link, high, done, total };
    else if (cursor.phase === 'constituents') next = { ...cursor, phase: 'presences', next: null, high, done: 0, total: null };
    else {
      finished = true;
      const highAt = high ? Date.parse(instant(high) ?? '') : NaN;
      const since = Number.isNaN(highAt) ? cursor.since : new Date(highAt - SYNC_OVERLAP_MS).toISOString();
      next = { v: 1, env: cursor.env, phase: 'constituents', since, next: null, high: null, done: 0, total: null };
    }
    const page: ChangePage = {
      constituents: live.map((r) => toConstituent(r, {})),
      identities: live.flatMap((r) => (identities.get(r.id) ?? []).map((identity) => ({ constituentId: refOf(r.id), identity }))),
      // Inactive is RE NXT's archive; nothing else is reported deleted by the lists (§5 GUESS).
      deleted: [...rows.filter((r) => r.inactive).map((r) => refOf(r.id)), ...missing.map(refOf)],
      cursor: JSON.stringify(next),
      progress: { done, total: body.next_link ? total : done },
      // The lists carry neither giving nor codes: the card's `get` fills them, a sync keeps them.
      keep: ['giving', 'tags', 'solicitCodes'],
    };
    return { page, next, finished };
  }

  async function signIn(): Promise<void> {
    noteTokens(await session.signIn(true));
  }

  return {
    id: RAISERS_EDGE_SOURCE,
    signIn,

    async signOut() {
      // SKY documents no token revocation for public apps: forgetting is all we can do.
      await session.forget();
      tables.clear();
      giftRights = null;
      environmentId = config.environmentId;
    },

    async connection() {
      const set = await tokens.load();
      if (!set) return null;
      return { environmentId: set.extra.environment_id ?? null, environmentName: set.extra.environment_name ?? null, email: set.extra.email ?? null };
    },

    async testConnection() {
      // The explicit connect step: without stored tokens this is where the consent window opens.
      if (!(await tokens.load())) await signIn();
      tables.delete('onlinepresencetypes');
      await table('onlinepresencetypes');
      const probe = await unless(['forbidden'], () => request({ method: 'GET', path: '/gift/v1/gifts', query: [['limit', '1']], what: 'read gifts', gifts: true }, collectionOf(giftRead)));
      giftRights = probe !== null;
      const set = await session.current();
      const who = set.extra.email ?? ([set.extra.given_name, set.extra.family_name].filter(Boolean).join(' ') || set.extra.user_id || 'an unknown user');
      // Where (the environment) is the connection's site, shown beside the user: connection().
      return { user: who, canReadGifts: giftRights };
    },

    async findByIdentities() {
      // SKY cannot search online presences by address (§0.4, §2.1): there is nothing to ask the
      // API. Identity lookups are answered by the local index that `pull` fills.
      return {};
    },

    async search(query, limit = 20) {
      const q = query.trim();
      if (!q) return [];
      // An email search takes only these three parameters (§2.1, 3P live finding).
      const isEmail = /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(q);
      const params: [string, string][] = isEmail ? [['search_text', q], ['search_field', 'email_address']] : [['search_text', q], ['limit', String(Math.min(Math.max(limit, 1), 500))]];
      const page = await request({ method: 'GET', path: '/constituent/v1/constituents/search', query: params, what: 'search constituents' }, collectionOf(searchResult));
      return page.value.slice(0, limit).map((r) => ({
        id: refOf(r.id),
        displayName: r.name?.trim() || `Constituent ${r.id}`,
        tags: r.deceased ? ['Deceased'] : [],
        emails: r.email ? [r.email] : [],
      }));
    },

    async get(ref) {
      const id = idOf(ref);
      const row = await unless(['notFound'], () => request({ method: 'GET', path: `/constituent/v1/constituents/${id}`, what: 'read a constituent' }, constituentRead));
      if (!row) return null;
      const [tags, solicitCodes, giving] = await Promise.all([constituentCodes(id), activeSolicitCodes(id), givingOf(id)]);
      return toConstituent(row, { tags, solicitCodes, giving });
    },

    async history(ref) {
      const id = idOf(ref);
      const [actions, giftRows] = await Promise.all([
        all({ method: 'GET', path: `/constituent/v1/constituents/${id}/actions`, what: 'read actions' }, actionRead),
        giftRights === false
          ? Promise.resolve(null)
          : unless(['forbidden'], () =>
              all({ method: 'GET', path: '/gift/v1/gifts', query: [['constituent_id', id], ['limit', String(GIFT_HISTORY_LIMIT)]], what: 'read gifts', gifts: true }, giftRead),
            ),
      ]);
      if (giftRows === null) giftRights = false;
      const interactions: Interaction[] = actions.map((row) => {
        const at = actionInstant(row.date, row.start_time) ?? instant(row.date_added) ?? now().toISOString();
        return {
          // Logged through Kindred: its idempotency key, so the CRM's copy and the local item are one.
          id: markerIn(row.description) ?? `${RAISERS_EDGE_SOURCE}:action:${row.id}`,
          constituentId: ref,
          ...readAction(row),
          at,
          author: row.author,
          source: RAISERS_EDGE_SOURCE,
          externalId: row.id,
          status: 'synced' as const,
          lastError: null,
          createdAt: instant(row.date_added) ?? at,
        };
      });
      interactions.sort((a, b) => b.at.localeCompare(a.at));
      const gifts: Gift[] = (giftRows ?? [])
        // A RecurringGift row is the schedule; its payments are the money (§4.1).
        .filter((g) => g.type !== 'RecurringGift' && g.amount !== null)
        .map((g) => ({
          id: `${RAISERS_EDGE_SOURCE}:gift:${g.id}`,
          constituentId: ref,
          amount: g.amount!,
          currency: null,
          date: g.date?.slice(0, 10) ?? '',
          fund: null,
          campaign: null,
        }))
        .sort((a, b) => b.date.localeCompare(a.date));
      return { interactions, gifts };
    },

    async logInteraction(ref, draft, idempotencyKey) {
      const id = idOf(ref);
      const at = new Date(draft.at);
      if (Number.isNaN(at.getTime())) throw new ConnectorError('invalid', `Not a date: ${draft.at}`);
      // An earlier attempt may have landed though its answer was lost (DESIGN.md "Reliability rules").
      const existing = await loggedAction(id, idempotencyKey);
      if (existing !== null) return { externalId: existing };
      const [type, author] = await Promise.all([socialActionType(draft.kind), deps.userName?.().catch(() => undefined)]);
      const day = `${localDate(at)}T00:00:00Z`;
      const created = await request(
        {
          method: 'POST',
          path: '/constituent/v1/actions',
          what: 'log an action',
          body: {
            constituent_id: id,
            category: CATEGORY_BY_KIND[draft.kind],
            date: day,
            start_time: localTime(at),
            completed: true,
            completed_date: day,
            summary: actionSummary(draft),
            description: actionDescription(draft, idempotencyKey),
            ...(type ? { type } : {}),
            ...(author?.trim() ? { author: author.trim() } : {}),
          },
        },
        createdReply,
      );
      // This answer may belong to a re-sent POST whose first copy had landed: look once more, so a
      // second copy is removed and every attempt reports the same action.
      const kept = await loggedAction(id, idempotencyKey).catch(() => null);
      return { externalId: kept ?? created.id };
    },

    async createConstituent(draft) {
      const { first, last } = namesFor(draft);
      const email = (draft.emails ?? []).map((e) => e.trim()).find(Boolean);
      let emailType: string | undefined;
      if (email) {
        const types = (await unless(['forbidden'], () => table('emailaddresstypes'))) ?? [];
        emailType = types.find((t) => fold(t) === 'email') ?? types[0];
      }
      const created = await request(
        {
          method: 'POST',
          path: '/constituent/v1/constituents',
          what: 'create a constituent',
          body: {
            type: 'Individual',
            ...(first ? { first } : {}),
            last,
            ...(email && emailType ? { email: { address: email, type: emailType, primary: true } } : {}),
          },
        },
        createdReply,
      );
      return refOf(created.id);
    },

    async linkIdentity(ref, identity) {
      const id = idOf(ref);
      const rows = await all({ method: 'GET', path: `/constituent/v1/constituents/${id}/onlinepresences`, what: 'read online presences' }, onlinePresenceRead);
      const key = identityKey(identity);
      if (rows.some((r) => !r.inactive && identityKey(presenceIdentity(r.address, r.type) ?? { platform: 'x', handle: '' }) === key)) return;
      const types = await table('onlinepresencetypes');
      const wanted = typeNames(identity.platform).map(fold);
      const type = wanted.map((n) => types.find((t) => fold(t) === n)).find(Boolean);
      if (!type) {
        const names = typeNames(identity.platform).slice(0, 2).map((n) => `'${n}'`).join(' or ');
        throw new ConnectorError(
          'invalid',
          `Raiser's Edge NXT has no online presence type for ${PLATFORM_LABELS[identity.platform]}. Ask an administrator to add ${names} to the Online presence types table (Control panel › Tables), then link again.`,
        );
      }
      await request(
        {
          method: 'POST',
          path: '/constituent/v1/onlinepresences',
          what: 'add an online presence',
          body: { constituent_id: id, type, address: profileUrl(identity), primary: false, inactive: false },
        },
        createdReply,
      );
    },

    async *pull(cursorText) {
      const env = noteTokens(await session.current()).extra.environment_id ?? null;
      const resumed = readCursor(cursorText);
      // Another environment's cursor (§1.4: ids are per environment) starts over.
      let cursor: Cursor =
        resumed && resumed.env === env
          ? resumed
          : { v: 1, env, phase: 'constituents', since: SYNC_START, next: null, high: null, done: 0, total: null };
      for (;;) {
        const { page, next, finished } = await step(cursor);
        yield page;
        if (finished) return;
        cursor = next;
      }
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Status → ConnectorError (§1.6). 401 and 429/quota are handled in `exchange`.

function errorFor(status: number, req: Request, message: string | null, retryAfter: number | undefined): ConnectorError {
  const detail = message ? excerpt(message) : `HTTP ${status}`;
  if (status === 403) return new ConnectorError('forbidden', `${SERVICE} does not let this user ${req.what} (${detail}).`);
  if (status === 404) return new ConnectorError('notFound', `${SERVICE} has no such record (${req.what}: ${detail}).`);
  if (status >= 500) return new ConnectorError('server', `${SERVICE} failed to ${req.what}: ${detail}.`, retryAfter);
  return new ConnectorError('invalid', `${SERVICE} refused to ${req.what}: ${detail}.`);
}

function subscriptionKeyError(message: string | null): ConnectorError {
  const missing = /missing/i.test(message ?? '');
  return new ConnectorError(
    'auth',
    `${SERVICE} ${missing ? 'received no' : 'rejected the'} SKY API subscription key. An administrator must check the subscription key in Kindred's options (signing in again will not help).`,
  );
}

function giftsForbidden(): ConnectorError {
  return new ConnectorError('forbidden', `${SERVICE} does not let this user read gifts.`);
}

function quotaError(waitMs: number): ConnectorError {
  const resume = new Date(Date.now() + waitMs);
  return new ConnectorError(
    'rateLimited',
    `${SERVICE} daily API limit reached; Kindred resumes at ${pad(resume.getHours())}:${pad(resume.getMinutes())}.`,
    waitMs,
  );
}

function unexpected(req: Request, error: z.ZodError | null): ConnectorError {
  const issue = error?.issues[0];
  const where = issue ? ` (${issue.path.join('.') || 'reply'}: ${issue.message})` : '';
  return new ConnectorError('invalid', `${SERVICE} sent an unexpected reply when asked to ${req.what}${where}.`);
}

/** The CRM's permissions are the truth (DESIGN.md): what this user may not read is absent, not an error. */
async function unless<T>(codes: ConnectorError['code'][], run: () => Promise<T>): Promise<T | null> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof ConnectorError && codes.includes(error.code)) return null;
    throw error;
  }
}

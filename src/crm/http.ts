// The network half every remote connector shares: one fetch with a timeout, failures turned into
// ConnectorError('network'), and the reading of `Retry-After`. What a status *means* differs per
// CRM (CiviCRM answers 401 in text/plain, Salesforce rate-limits with 403), so the mapping of
// statuses to error codes stays in each connector; this file only gives it the raw reply.
import { ConnectorError } from './types';

export const DEFAULT_TIMEOUT_MS = 20_000;

export interface HttpOptions {
  fetch: typeof fetch;
  /** Per request, connect to last byte of the body. */
  timeoutMs: number;
  /** The CRM's name as the user knows it, for messages ("CiviCRM did not answer…"). */
  service: string;
}

/** A reply read to the end: status, headers and the body as text (never parsed here). */
export interface HttpReply {
  status: number;
  headers: Headers;
  text: string;
}

/**
 * One request, body read in full. Anything that keeps us from getting a complete reply (DNS,
 * refused or reset connection, timeout, a body cut off half way) is `network`: the caller cannot
 * know whether a write was applied, which is why writes must be checked before they are retried.
 */
export async function send(url: string, init: RequestInit, options: HttpOptions): Promise<HttpReply> {
  const signal = AbortSignal.timeout(options.timeoutMs);
  try {
    const response = await options.fetch(url, { ...init, signal });
    const text = await response.text();
    return { status: response.status, headers: response.headers, text };
  } catch (error) {
    throw networkError(error, options);
  }
}

function networkError(error: unknown, { service, timeoutMs }: HttpOptions): ConnectorError {
  const name = error instanceof Error ? error.name : '';
  if (name === 'TimeoutError' || name === 'AbortError') {
    const limit = timeoutMs >= 1000 ? `${Math.round(timeoutMs / 1000)} s` : `${timeoutMs} ms`;
    // The server may still be working on it: a retry's "already written?" check must come after
    // that write could have landed, so wait at least as long again.
    return new ConnectorError('network', `${service} did not answer within ${limit}.`, timeoutMs);
  }
  // undici wraps the socket error in `cause` ("fetch failed" ← ECONNRESET / ECONNREFUSED).
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : null;
  const code = cause && 'code' in cause && typeof cause.code === 'string' ? cause.code : null;
  const detail = code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
  return new ConnectorError('network', `Could not reach ${service} (${detail}). Check the address and your connection.`);
}

/**
 * `Retry-After` as milliseconds from `now`: either delay-seconds or an HTTP date (RFC 9110
 * §10.2.3). Absent or unreadable gives undefined, so the caller falls back to its own back-off.
 */
export function retryAfterMs(header: string | null, now: Date): number | undefined {
  const value = header?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
}

/** A web page rather than an API reply: a login screen, a CMS 404, a proxy's error page. */
export function isHtml(reply: HttpReply): boolean {
  return /\btext\/html\b/i.test(reply.headers.get('content-type') ?? '') || /^\s*<(?:!doctype|html|head|body)\b/i.test(reply.text);
}

/** JSON.parse that answers `undefined` instead of throwing. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * A sync cursor (or any JSON we stored) read back with its schema; null when absent or unreadable
 * (another connector's, an older version's), which restarts the sync with a full pass.
 */
export function readStoredJson<T>(schema: { safeParse(value: unknown): { success: true; data: T } | { success: false } }, text: string | null): T | null {
  if (text === null) return null;
  const parsed = schema.safeParse(parseJson(text));
  return parsed.success ? parsed.data : null;
}

/** Server text fit for a message: one line, bounded. */
export function excerpt(text: string, max = 200): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

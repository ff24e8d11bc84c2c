// Collection paging as SKY's "(All constituents)" lists do it (crm-contracts-renxt.md §1.1, §5,
// §6 check 11): `{count, value, next_link?}`, `limit` default 500 / max 5000, `offset`; with
// `last_modified` (inclusive, offset-aware) rows come oldest change first and `next_link` carries a
// `sort_token`. `sort` with `sort_token` is a 400. `count` is the total, not the page length.
import { randomBytes } from 'node:crypto';
import type { Stamped } from './data';
import { fail, invalid, json, type Reply } from './http';

export interface Paging {
  /** Sort tokens the double has handed out; any other is a 400 (an expired or forged one). */
  sortTokens: Set<string>;
  apiBase: string;
}

const byNumericId = (a: { id: string }, b: { id: string }) => Number(a.id) - Number(b.id) || a.id.localeCompare(b.id);

export function intParam(q: URLSearchParams, name: string, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  const raw = q.get(name);
  if (raw === null) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) > max) fail(invalid(`The value '${raw}' is not valid for ${name}.`));
  return Number(raw);
}

export function timeParam(q: URLSearchParams, name: string): number | null {
  const raw = q.get(name);
  if (raw === null) return null;
  const t = Date.parse(raw);
  if (Number.isNaN(t)) fail(invalid(`The value '${raw}' is not a valid date for ${name}.`));
  return t;
}

export function listPage<T extends Stamped>(paging: Paging, path: string, q: URLSearchParams, all: T[], render: (row: T) => unknown): Reply {
  if (q.has('sort') && q.has('sort_token')) fail(invalid('sort and sort_token cannot be used together.'));
  const token = q.get('sort_token');
  if (token !== null && !paging.sortTokens.has(token)) fail(invalid('The sort_token is invalid or has expired.'));
  // GUESS (§6 check 11): a real API may clamp instead of refusing.
  const limit = intParam(q, 'limit', 500, 5000);
  if (limit === 0) fail(invalid('limit must be at least 1.'));
  const offset = intParam(q, 'offset', 0);
  const since = timeParam(q, 'last_modified');
  let rows = all;
  if (since !== null) {
    rows = rows.filter((r) => Date.parse(r.date_modified) >= since);
    rows.sort((a, b) => Date.parse(a.date_modified) - Date.parse(b.date_modified) || byNumericId(a, b));
  } else rows.sort(byNumericId);
  const page = rows.slice(offset, offset + limit);
  const body: Record<string, unknown> = { count: rows.length, value: page.map(render) };
  if (offset + limit < rows.length) {
    const next = new URL(`${paging.apiBase}${path}`);
    for (const [k, v] of q) if (k !== 'offset' && k !== 'sort_token') next.searchParams.append(k, v);
    next.searchParams.set('offset', String(offset + limit));
    if (since !== null) {
      const issued = token ?? randomBytes(12).toString('base64url');
      paging.sortTokens.add(issued);
      next.searchParams.set('sort_token', issued);
    }
    body.next_link = next.toString();
  }
  return json(200, body);
}

/** `{count, value}` without paging (per-constituent lists, code tables). */
export const collection = (value: unknown[]): Reply => json(200, { count: value.length, value });

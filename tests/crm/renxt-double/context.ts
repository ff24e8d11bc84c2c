// What a resource handler gets for one request.
import type { SkyData } from './data';
import { fail, invalid, refused } from './http';
import type { Paging } from './lists';
import type { Grant } from './oauth';

export interface Ctx {
  data: SkyData;
  paging: Paging;
  grant: Grant;
  method: string;
  q: URLSearchParams;
  /** The parsed JSON body (undefined on GET/DELETE). */
  body: unknown;
  options: { strictEmailSearch: boolean; noGiftsReply: '404' | 'empty'; giftDenialStatus: 401 | 403 };
}

/** The JSON body as an object with only `allowed` keys: the double is stricter than SKY, to catch connector typos. */
export function bodyObject(ctx: Ctx, allowed: readonly string[]): Record<string, unknown> {
  const body = ctx.body;
  if (!body || typeof body !== 'object' || Array.isArray(body)) fail(invalid('The request body must be a JSON object.'));
  const record = body as Record<string, unknown>;
  const unknown = Object.keys(record).filter((k) => !allowed.includes(k));
  if (unknown.length) fail(invalid(`Could not find member '${unknown[0]}' on the request model.`));
  return record;
}

export function requireWrite(ctx: Ctx): void {
  if (!ctx.grant.user.canWrite) fail(refused(403, 'The user does not have permission to perform this operation.'));
}

export const str = (value: unknown): value is string => typeof value === 'string' && value.trim() !== '';

export function oneOf(value: unknown, allowed: readonly string[], field: string): void {
  if (value !== undefined && (typeof value !== 'string' || !allowed.includes(value))) {
    fail(invalid(`Error converting value ${JSON.stringify(value)} to type '${field}'. Path '${field}'.`));
  }
}

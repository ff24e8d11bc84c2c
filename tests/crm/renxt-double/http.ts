// Replies and their bodies in SKY's shapes (crm-contracts-renxt.md §1.6): the gateway (APIM)
// envelope `{statusCode, message}` for 401/403-quota/429, the backend's array envelope for
// validation errors, and RFC 6749 JSON on the token endpoint.
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface Reply {
  status: number;
  type: string;
  body: string;
  headers?: Record<string, string>;
}

export const json = (status: number, value: unknown, headers?: Record<string, string>): Reply => ({
  status, type: 'application/json; charset=utf-8', body: JSON.stringify(value), headers,
});
export const html = (status: number, body: string, headers?: Record<string, string>): Reply => ({ status, type: 'text/html; charset=utf-8', body, headers });
export const empty = (status: number): Reply => ({ status, type: 'text/plain', body: '' });

/** Gateway errors: `{"statusCode":401,"message":"…"}` (DOCS2018 ratelimits/quotas/common-auth-issues). */
export const gateway = (status: number, message: string, headers?: Record<string, string>): Reply => json(status, { statusCode: status, message }, headers);

/** Backend validation errors: an array (handle-common-errors page); both key casings occur (§1.6). */
export const invalid = (message: string, status = 400): Reply => json(status, [{ Message: message, ErrorCode: status, RawMessage: message }]);
/** The lower-case array form 3P doubles use (FAVOR), for the permission refusal (§6 check 9, GUESS). */
export const refused = (status: number, message: string): Reply => json(status, [{ message, error_code: status }]);

export const notFound = (what = 'resource'): Reply => json(404, [{ message: `The requested ${what} was not found.`, error_code: 404 }]);

export const MISSING_KEY = 'Access denied due to missing subscription key. Make sure to include subscription key when making requests to an API.';
export const INVALID_KEY = 'Access denied due to invalid subscription key. Make sure to provide a valid key for an active subscription.';
export const BAD_BEARER = 'The required Authorization header was missing or invalid, or the token has expired';


export function send(res: ServerResponse, reply: Reply): void {
  res.writeHead(reply.status, { 'Content-Type': reply.type, ...reply.headers });
  res.end(reply.body);
}

export class HttpError extends Error {
  constructor(readonly reply: Reply) {
    super(`${reply.status} ${reply.body}`);
  }
}
/** Ends the request with `reply` (thrown so deep validation code stays flat). */
export const fail = (reply: Reply): never => {
  throw new HttpError(reply);
};

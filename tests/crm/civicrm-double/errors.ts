// How the double fails, mirroring CRM/Api4/Page/AJAX.php::execute: an UnauthorizedException becomes
// HTTP 403, every other exception HTTP 500, and the caller (who lacks "view debug output") sees only a
// generic message with an Error ID. The real reason is kept on the error so the request log can show it.
import { randomBytes } from 'node:crypto';

export class ApiError extends Error {
  constructor(
    readonly status: 403 | 500,
    /** Why it failed; goes to the request log, and to the reply only when `shown` is set. */
    readonly reason: string,
    /**
     * Shown verbatim in `error_message`. Core does this for exceptions flagged `show_detailed_error`;
     * the double also does it for its permission 403s, as the brief asks ("Authorization failed").
     */
    readonly shown = false,
  ) {
    super(reason);
  }
}

/** Bad params, unknown field, unknown entity…: all 500 on a real site, never 400/422 (§2.4). */
export const fail = (reason: string): never => {
  throw new ApiError(500, reason);
};

/** Core's UnauthorizedException text for a failed permission check (Civi\API\Kernel::authorize). */
export const denied = (reason = 'Authorization failed'): never => {
  throw new ApiError(403, reason, true);
};

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** `CRM_Utils_String::createRandom(12, ALPHANUMERIC)` chunked by 4: `abcd-efgh-ijkl`. */
export function errorId(): string {
  const bytes = randomBytes(12);
  let id = '';
  for (let i = 0; i < 12; i++) {
    if (i > 0 && i % 4 === 0) id += '-';
    id += ALPHANUMERIC[bytes[i]! % ALPHANUMERIC.length];
  }
  return id;
}

export interface ErrorEnvelope {
  error_code: string | number;
  error_message: string;
  status: number;
}

export function errorEnvelope(error: ApiError): ErrorEnvelope {
  if (error.shown) return { error_code: 0, error_message: error.reason, status: error.status };
  // error_code really is the string "1" here, unlike the numeric codes elsewhere.
  return {
    error_code: '1',
    error_message: `Sorry an error occurred and your request was not completed. (Error ID: ${errorId()})`,
    status: error.status,
  };
}

/** Anything thrown that is not an ApiError is a bug in the double or the test: still a 500, reason kept. */
export function asApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  return new ApiError(500, `double: unexpected ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
}

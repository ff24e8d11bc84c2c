// The double's public API (fixed by the brief; the Kindred CiviCRM connector's tests use it).
import type { CiviData } from './data';

export interface CiviDoubleOptions {
  /** Default 0: any free port. */
  port?: number;
  /** The site lives under this path, e.g. '/site' or '/wordpress'; default ''. */
  basePath?: string;
  /** Default 'double-site-key'. */
  siteKey?: string;
  /**
   * Default true: a JSON request body instead of the `params` form field gets a loud 400, to catch
   * the bug. false = faithful: the body is never read, so the call runs with no params (§2.8 #1).
   */
  strictParams?: boolean;
  /** Default 'demo'. 'none' still has option values and the API users' contacts. */
  seed?: 'demo' | 'none';
}

export interface CiviUser {
  contactId: number;
  apiKey: string;
  displayName: string;
  /** Has 'authenticate with api key': passes the authx guard without the site key. */
  mayUseApiKey: boolean;
  canReadContributions: boolean;
  canWrite: boolean;
}

export interface Fault {
  /**
   * Answer with this instead of running the call: 401 text/plain "HTTP 401 Invalid credential";
   * 403/500 JSON error envelope; 503 maintenance JSON; 429 as a proxy would (text/plain, Retry-After).
   * With `body`, any status (default 200) carrying that body verbatim.
   */
  status?: 401 | 403 | 429 | 500 | 503 | (number & {});
  /**
   * A malformed or foreign reply (§5 "malformed body"), sent verbatim instead of running the call:
   * truncated JSON, an APIv3-style `{"is_error":0}`, a CMS login page…
   */
  body?: string;
  /** Content-Type for `body`; default 'application/json'. */
  contentType?: string;
  /** Retry-After header value for 429/503. */
  retryAfter?: string;
  /** Delay before answering (the call still runs). */
  latencyMs?: number;
  /** Run the call (writes land), then destroy the socket without a response. */
  dropAfterApply?: boolean;
  /** Destroy the socket without running the call. */
  dropBeforeApply?: boolean;
  /**
   * Only requests it accepts consume the fault; default: all API requests. Batch requests are
   * offered as entity 'batch', action 'calls'. /civicrm/authx/id is offered as entity 'authx',
   * action 'id', and only faulted when `match` accepts it.
   */
  match?: (r: { entity: string; action: string; method: string }) => boolean;
}

export interface LoggedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  /** Lower-case names; includes `origin` when the client sent one. */
  headers: Record<string, string>;
  form: Record<string, string>;
  /** The decoded `params` JSON (or `calls` for a batch); null when absent or malformed. */
  params: unknown;
  entity: string | null;
  action: string | null;
  /** 0 when the socket was dropped. */
  status: number;
  at: number;
  fault: string | null;
  /** Extension: the real reason behind an error reply (the client only sees a generic Error ID). */
  reason: string | null;
}

export interface CiviDouble {
  /** `http://127.0.0.1:<port><basePath>`, no trailing slash. */
  baseUrl: string;
  siteKey: string;
  users: { admin: CiviUser; volunteer: CiviUser; guarded: CiviUser };
  /** The live tables, mutable by tests. */
  data: CiviData;
  log: LoggedRequest[];
  fault(f: Fault, times?: number): void;
  clearFaults(): void;
  seedContacts(n: number, options?: { websitesEvery?: number; contributionsEvery?: number }): void;
  touch(contactId: number, at?: Date): void;
  /** Extension: an authx JWT (`Bearer` credential) for a contact; a negative ttl gives an expired one. */
  jwt(contactId: number, ttlSeconds?: number): string;
  close(): Promise<void>;
}

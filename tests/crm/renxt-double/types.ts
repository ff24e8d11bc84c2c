// The double's public API: what the Raiser's Edge NXT connector tests, the outbox fault tests and
// the double's own contract tests drive it with.
import type { SkyData } from './data';

export interface SkyDoubleOptions {
  /** Access-token lifetime; short values exercise refresh. Default 3600 (SKY's 60 minutes). */
  tokenTtlSeconds?: number;
  /** §8 item 1 is open: whether a public (PKCE) app gets refresh tokens. Default true; false tests the silent re-auth path. */
  issueRefreshTokens?: boolean;
  /** Token bucket per subscription key (§6 check 7). Default 5 calls/s; 0 turns it off. */
  rateLimitPerSecond?: number;
  /** Calls allowed before the quota 403 (§6 check 8). Default unlimited. */
  dailyQuota?: number;
  /** §2.1: `search_field=email_address` takes only search_text/search_field/include_inactive (3P finding). Default true. */
  strictEmailSearch?: boolean;
  /** §4.2 VERIFY: giving summary first/latest/greatest for a donor without gifts. Default '404'. */
  noGiftsReply?: '404' | 'empty';
  /** §4.3 VERIFY: how a user without gift rights is refused. Default 403. */
  giftDenialStatus?: 401 | 403;
  /** Default true: the demo records of §6.1 (constituent 280 and friends). */
  seed?: boolean;
}

export interface SkyUser {
  userId: string;
  email: string;
  givenName: string;
  familyName: string;
  canReadGifts: boolean;
  canWrite: boolean;
}

export interface SkyEnvironment {
  id: string;
  name: string;
}

export interface Fault {
  /** Answer with this status instead of running the call (429/403 get the gateway bodies, others a generic one). */
  status?: number;
  /** With `status`: the body verbatim (default content type JSON). */
  body?: string;
  contentType?: string;
  /** Retry-After header value (seconds). */
  retryAfter?: string;
  /** Wait before answering (the call still runs unless a status is set). */
  latencyMs?: number;
  /** Run the call (writes land), then destroy the socket without a reply. */
  dropAfterApply?: boolean;
  /** Destroy the socket without running the call. */
  dropBeforeApply?: boolean;
  /** Which requests consume it; default every API request (never the OAuth endpoints). */
  match?: (r: { method: string; path: string }) => boolean;
}

export interface LoggedRequest {
  method: string;
  path: string;
  /** Repeatable parameters (`constituent_id=1&constituent_id=2`) stay as pairs. */
  query: [string, string][];
  /** Lower-case names; includes `origin` when sent. */
  headers: Record<string, string>;
  body: string;
  /** 0 when the socket was dropped. */
  status: number;
  at: number;
  fault: string | null;
  /** Why the double refused, for test failure messages. */
  reason: string | null;
}

export interface SkyDouble {
  /** API base (what the connector's `apiBase` is), e.g. `http://127.0.0.1:1234`; no trailing slash. */
  apiBase: string;
  authorizeUrl: string;
  tokenUrl: string;
  applicationId: string;
  subscriptionKey: string;
  /** Registered redirect URIs (exact match, §1.3); mutable. */
  redirectUris: string[];
  environments: SkyEnvironment[];
  users: { admin: SkyUser; volunteer: SkyUser };
  /**
   * Who the authorize page signs in as (the browser's Blackbaud session), or null: then it shows its
   * login page instead of redirecting, which is what a silent `launchWebAuthFlow` cannot get past.
   */
  session: { user: SkyUser | null; environmentId: string; deny: boolean };
  data: SkyData;
  log: LoggedRequest[];
  fault(f: Fault, times?: number): void;
  clearFaults(): void;
  /** An access token without the consent dance (tests of API behaviour). */
  mintToken(user?: SkyUser, ttlSeconds?: number): string;
  /** Every access token issued so far lapses now (refresh tokens stay valid). */
  expireAccessTokens(): void;
  /** Refresh tokens issued and whether each was spent, in issue order. */
  refreshTokens(): { token: string; used: boolean }[];
  /** Calls left in today's quota (settable). */
  quota: { remaining: number; retryAfterSeconds: number };
  /** Set a record's date_modified (simulates a change, or a change the list index shows late). */
  touch(table: 'constituents' | 'onlinePresences', id: string, at?: Date): void;
  /** n more plain constituents (ids from 10000), each with an X presence every `presenceEvery`th. */
  seedConstituents(n: number, options?: { presenceEvery?: number }): void;
  close(): Promise<void>;
}

// The Salesforce double's public API: what connector, outbox and OAuth tests drive and assert on.
import type { SfData } from './data';

export interface SfUser {
  /** 18-character User Id (005…). */
  id: string;
  name: string;
  username: string;
  /** Object and field-level security on Opportunity and the npo02__ roll-ups (a volunteer: false). */
  canReadGifts: boolean;
  /** Create/edit on Contact and Task. */
  canWrite: boolean;
}

export interface SfDoubleOptions {
  port?: number;
  /** The pinned version the connector is expected to use; every listed version answers (default 66.0). */
  apiVersion?: string;
  /** Consumer key of the External Client App (default 'kindred-test-client'). */
  clientId?: string;
  /** The app's callback URL; authorize and token refuse any other (default https://ext-id.chromiumapp.org/sf). */
  redirectUri?: string;
  /** "Require Secret for Web Server Flow" (§3.4): default false, the setting a public client needs. */
  requireSecret?: boolean;
  /** Refresh token rotation; off by default, as on a stock Salesforce app (§3.4 notes). */
  rotateRefreshTokens?: boolean;
  /** The largest page a query returns whatever the client asks (tests use a small one to exercise paging). */
  maxBatchSize?: number;
  /** Daily API allocation (`Sforce-Limit-Info: api-usage=n/max`); default 100000. */
  apiMax?: number;
  /** Task fields a create must carry (§5.2 "Subject or WhoId per config"); default ['Subject']. */
  requiredTaskFields?: string[];
  /** 'npsp' (default): the documented sample records; 'none': only the users. */
  seed?: 'npsp' | 'none';
  /** The double's clock (code lifetimes, session expiry, getDeleted windows). */
  now?: () => Date;
}

export interface SfFault {
  /**
   * Answer with this instead of handling the request: 401 INVALID_SESSION_ID, 403 REQUEST_LIMIT_EXCEEDED
   * (no Retry-After, as the notes say), 500 UNKNOWN_EXCEPTION, 503 SERVER_UNAVAILABLE; with `body`,
   * that body verbatim.
   */
  status?: number;
  /** The errorCode/message of the JSON array error (defaults per status, above). */
  errorCode?: string;
  message?: string;
  body?: string;
  contentType?: string;
  /** Extra reply headers (e.g. a Retry-After a proxy might add). */
  headers?: Record<string, string>;
  latencyMs?: number;
  /** Handle the request (writes land), then destroy the socket without a reply. */
  dropAfterApply?: boolean;
  /** Destroy the socket without handling the request. */
  dropBeforeApply?: boolean;
  /** Which requests consume the fault; default: every REST (`/services/data`) request, never OAuth. */
  match?: (r: FaultTarget) => boolean;
}

export interface FaultTarget {
  method: string;
  path: string;
  /** 'oauth' for /services/oauth2/*, else the REST resource: 'query', 'queryAll', 'search', 'sobjects', 'composite', 'limits', 'versions'. */
  resource: string;
  /** The sObject of a `sobjects` request, or the FROM object of a query. */
  object: string | null;
}

export interface LoggedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  /** Lower-case names; `origin` included when sent. */
  headers: Record<string, string>;
  body: string;
  resource: string;
  object: string | null;
  status: number;
  fault: string | null;
  /** The double's own explanation of an error reply. */
  reason: string | null;
  at: number;
}

export interface SfTokens {
  access_token: string;
  refresh_token: string;
  instance_url: string;
  id: string;
}

export interface SalesforceDouble {
  /** Login host and instance at once: `http://127.0.0.1:<port>`. */
  baseUrl: string;
  apiVersion: string;
  clientId: string;
  redirectUri: string;
  users: { admin: SfUser; volunteer: SfUser };
  data: SfData;
  log: LoggedRequest[];
  /** What the next authorize does: who signs in and whether they allow the app. */
  consent: { user: 'admin' | 'volunteer'; decision: 'allow' | 'deny' };
  fault(f: SfFault, times?: number): void;
  clearFaults(): void;
  /** Tokens as a finished sign-in would have them, without the browser part. */
  issueTokens(user?: 'admin' | 'volunteer'): SfTokens;
  /** Every access token stops working (the session timed out); refresh tokens stay valid. */
  expireAccessTokens(): void;
  setApiUsage(used: number, max?: number): void;
  /** Query locators time out after 15 idle minutes on a real org; this ends them all now. */
  expireQueryLocators(): void;
  close(): Promise<void>;
}

// The Connector interface of DESIGN.md "CRM connectors". Every CRM is one file behind it.
import type { Identity, IdentityKey } from '../identity';
import type { ConstituentDraft, ConstituentSummary, InteractionDraft } from '../messages';
import type { Constituent, Gift, Interaction } from '../store/model';
import type { LockFn } from '../sync/lock';
import type { TokenStore, WebAuthFlow } from './oauth';

export type { ConstituentDraft, ConstituentSummary, InteractionDraft };

/** `<source>:<externalId>`, the constituent's id in the local cache. */
export type ConstituentRef = string;

/**
 * One page of an incremental sync (`Connector.pull`). The sync engine writes a page and its cursor
 * in one transaction, so a sync stopped anywhere resumes from the last page written.
 */
export interface ChangePage {
  /** Created or changed constituents, in full (giving summary included when the key may read it). */
  constituents: Constituent[];
  /**
   * The CRM's social profiles of this page's constituents, canonicalised by `detect`: for each
   * constituent in `constituents`, the complete set (it replaces the CRM-provenance identities
   * stored before; links the user made in Kindred are kept).
   */
  identities: { constituentId: ConstituentRef; identity: Identity }[];
  /** Constituents deleted or trashed in the CRM since the last page. */
  deleted: ConstituentRef[];
  /** Where to resume after this page; the last page's cursor is where the next incremental sync starts. */
  cursor: string;
  /** Rows handled so far in this pull, and the total when the CRM says it. */
  progress: { done: number; total: number | null };
  /**
   * Fields the page's constituents do not carry because the list the CRM pages through lacks
   * them (Raiser's Edge NXT: giving is one call per person, read when the card opens). The cache's
   * values of these fields are kept rather than overwritten with empty ones.
   */
  keep?: readonly ('giving' | 'tags' | 'solicitCodes')[];
}

/** What every connector may be given; each takes what it needs (`fetch` defaults to the global one). */
export interface ConnectorDeps {
  fetch?: typeof fetch;
  now?: () => Date;
  newId?: () => string;
  /** Who is using Kindred here; recorded as the author of what they log. */
  userName?: () => Promise<string>;
  /** OAuth connectors (Salesforce, Raiser's Edge NXT): where their tokens are kept (src/crm/oauth.ts). */
  tokens?: TokenStore;
  /** OAuth connectors: `identity.launchWebAuthFlow`; absent where no window may be opened. */
  webAuthFlow?: WebAuthFlow;
  /** OAuth connectors: `identity.getRedirectURL(<path>)` (the path names the CRM). */
  redirectUri?: (path: string) => string;
  /** OAuth connectors: token refreshes are single-flight across contexts under this lock. */
  lock?: LockFn;
}

export interface Connector {
  readonly id: string;
  testConnection(): Promise<{ user: string; canReadGifts: boolean }>;
  findByIdentities(identities: Identity[]): Promise<Record<IdentityKey, ConstituentRef[]>>;
  search(text: string, limit?: number): Promise<ConstituentSummary[]>;
  get(ref: ConstituentRef): Promise<Constituent | null>;
  history(ref: ConstituentRef): Promise<{ interactions: Interaction[]; gifts: Gift[] }>;
  logInteraction(ref: ConstituentRef, draft: InteractionDraft, idempotencyKey: string): Promise<{ externalId: string }>;
  createConstituent(draft: ConstituentDraft): Promise<ConstituentRef>;
  linkIdentity(ref: ConstituentRef, identity: Identity): Promise<void>;
  pull(cursor: string | null): AsyncIterable<ChangePage>;
  /**
   * OAuth connectors: the consent window (authorization code + PKCE) and the token exchange; the
   * tokens go to `deps.tokens`. Creating a connector never signs in; this or `testConnection` does.
   */
  signIn?(): Promise<void>;
  /** OAuth connectors: revokes the tokens at the CRM where it can, then forgets them. */
  signOut?(): Promise<void>;
}

export type ConnectorErrorCode = 'auth' | 'forbidden' | 'notFound' | 'rateLimited' | 'network' | 'invalid' | 'server';

export class ConnectorError extends Error {
  override readonly name = 'ConnectorError';
  constructor(
    readonly code: ConnectorErrorCode,
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

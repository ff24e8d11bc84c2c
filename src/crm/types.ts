// The Connector interface of DESIGN.md "CRM connectors". Every CRM is one file behind it.
import type { Identity, IdentityKey } from '../identity';
import type { ConstituentDraft, ConstituentSummary, InteractionDraft } from '../messages';
import type { Constituent, Gift, Interaction } from '../store/model';

export type { ConstituentDraft, ConstituentSummary, InteractionDraft };

/** `<source>:<externalId>`, the constituent's id in the local cache. */
export type ConstituentRef = string;

export interface ChangePage {
  constituents: Constituent[];
  deleted: ConstituentRef[];
  cursor: string | null;
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

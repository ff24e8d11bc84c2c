// The user's CRM connection. The secret part (API key, site key) lives in the extension's own
// IndexedDB, read only by the background: content scripts run in the page's origin and cannot
// reach it, and unlike `storage.local` it is not exposed to them either. What the extension pages
// may show ("Connected as …") is kept apart, in a record that holds no secret.
import * as z from '../zod';
import type { KindredDB } from '../store/db';
import { tokenSetSchema, type TokenSet, type TokenStore } from './oauth';

import { CRM_IDS, type CrmId } from './labels';

export { CRM_IDS, CRM_LABELS, type CrmId } from './labels';
/** CRMs signed in to with OAuth (a consent window), not with keys typed in. */
export const OAUTH_CRMS: ReadonlySet<CrmId> = new Set<CrmId>(['salesforce', 'raisers-edge']);

/** Base URL of a CRM: https anywhere, plain http only on this machine (development servers). */
export const crmUrlSchema = z.lazy(() =>
  z
    .string()
    .trim()
    .max(2000)
    .refine((value) => {
      try {
        const url = new URL(value);
        return url.protocol === 'https:' || (url.protocol === 'http:' && /^(127\.0\.0\.1|localhost|\[::1\])$/.test(url.hostname));
      } catch {
        return false;
      }
    }, 'Enter the address of your CiviCRM site, starting with https://'),
);

export const connectionSchema = z.lazy(() =>
  z.object({
    crm: z.enum(CRM_IDS),
    /** The connector's own settings, validated by its schema when it is created (src/crm/index.ts). */
    config: z.record(z.string(), z.unknown()),
    user: z.string(),
    canReadGifts: z.boolean(),
    connectedAt: z.string(),
    /** Where the data lives, as the user knows it: the CiviCRM address, the Salesforce org, the SKY environment. */
    site: z.string().optional(),
    /**
     * What identifies the data set: its ids are only meaningful there (a CiviCRM site, a Salesforce
     * org, a SKY environment). Reconnecting to another one resets the sync and the cache's namespace.
     */
    tenant: z.string().optional(),
  }),
);
export type Connection = z.infer<typeof connectionSchema>;

/** What the extension pages see of the connection: never the keys or tokens. */
export const publicConnectionSchema = z.lazy(() =>
  z.object({
    crm: z.enum(CRM_IDS),
    /** The CiviCRM address, the Salesforce instance, the SKY environment's name. */
    baseUrl: z.string(),
    user: z.string(),
    canReadGifts: z.boolean(),
    connectedAt: z.string(),
    /** Salesforce: which Contact field holds which platform (shown and edited on the options page). */
    fieldMap: z.record(z.string(), z.string()).optional(),
  }),
);
export type PublicConnection = z.infer<typeof publicConnectionSchema>;

const SECRET_KEY = 'crm.connection';
const TOKENS_KEY = 'crm.tokens';
export const PUBLIC_KEY = 'crm.public';

/** Background only. */
export async function loadConnection(db: KindredDB): Promise<Connection | null> {
  const parsed = connectionSchema.safeParse((await db.meta.get(SECRET_KEY))?.value);
  return parsed.success ? parsed.data : null;
}

export async function saveConnection(db: KindredDB, connection: Connection): Promise<void> {
  const fieldMap = fieldMapSchema.safeParse(connection.config.fieldMap);
  const view: PublicConnection = {
    crm: connection.crm,
    baseUrl: connection.site ?? (typeof connection.config.baseUrl === 'string' ? connection.config.baseUrl : ''),
    user: connection.user,
    canReadGifts: connection.canReadGifts,
    connectedAt: connection.connectedAt,
    ...(fieldMap.success && fieldMap.data ? { fieldMap: fieldMap.data } : {}),
  };
  await db.meta.bulkPut([
    { key: SECRET_KEY, value: connection },
    { key: PUBLIC_KEY, value: view },
  ]);
}

export async function clearConnection(db: KindredDB): Promise<void> {
  await db.meta.bulkDelete([SECRET_KEY, PUBLIC_KEY, TOKENS_KEY]);
}

const fieldMapSchema = z.lazy(() => z.record(z.string(), z.string()).optional());

/** Background only: the OAuth tokens of the connection, next to its other secrets. */
export function storedTokens(db: KindredDB): TokenStore {
  return {
    async load() {
      const parsed = tokenSetSchema.safeParse((await db.meta.get(TOKENS_KEY))?.value);
      return parsed.success ? parsed.data : null;
    },
    async save(tokens: TokenSet) {
      await db.meta.put({ key: TOKENS_KEY, value: tokens });
    },
    async clear() {
      await db.meta.delete(TOKENS_KEY);
    },
  };
}

/** For the extension pages (live query): the connection without its keys, or null. */
export async function publicConnection(db: KindredDB): Promise<PublicConnection | null> {
  const parsed = publicConnectionSchema.safeParse((await db.meta.get(PUBLIC_KEY))?.value);
  return parsed.success ? parsed.data : null;
}

/** The host permission pattern to ask for (a match pattern without a port covers every port). */
export const originPattern = (baseUrl: string): string => {
  const url = new URL(baseUrl);
  return `${url.protocol}//${url.hostname}/*`;
};

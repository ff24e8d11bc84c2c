// The user's CRM connection. The secret part (API key, site key) lives in the extension's own
// IndexedDB, read only by the background: content scripts run in the page's origin and cannot
// reach it, and unlike `storage.local` it is not exposed to them either. What the extension pages
// may show ("Connected as …") is kept apart, in a record that holds no secret.
import * as z from 'zod';
import type { KindredDB } from '../store/db';

export const CRM_IDS = ['civicrm'] as const;
export type CrmId = (typeof CRM_IDS)[number];
export const CRM_LABELS: Record<CrmId | 'local', string> = { local: 'Kindred (this browser)', civicrm: 'CiviCRM' };

/** Base URL of a CRM: https anywhere, plain http only on this machine (development servers). */
export const crmUrlSchema = z
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
  }, 'Enter the address of your CiviCRM site, starting with https://');

export const connectionSchema = z.object({
  crm: z.enum(CRM_IDS),
  config: z.object({ baseUrl: z.string(), apiKey: z.string(), siteKey: z.string().optional() }),
  user: z.string(),
  canReadGifts: z.boolean(),
  connectedAt: z.string(),
});
export type Connection = z.infer<typeof connectionSchema>;

/** What the extension pages see of the connection: never the keys. */
export const publicConnectionSchema = z.object({
  crm: z.enum(CRM_IDS),
  baseUrl: z.string(),
  user: z.string(),
  canReadGifts: z.boolean(),
  connectedAt: z.string(),
});
export type PublicConnection = z.infer<typeof publicConnectionSchema>;

const SECRET_KEY = 'crm.connection';
export const PUBLIC_KEY = 'crm.public';

/** Background only. */
export async function loadConnection(db: KindredDB): Promise<Connection | null> {
  const parsed = connectionSchema.safeParse((await db.meta.get(SECRET_KEY))?.value);
  return parsed.success ? parsed.data : null;
}

export async function saveConnection(db: KindredDB, connection: Connection): Promise<void> {
  const view: PublicConnection = {
    crm: connection.crm,
    baseUrl: connection.config.baseUrl,
    user: connection.user,
    canReadGifts: connection.canReadGifts,
    connectedAt: connection.connectedAt,
  };
  await db.meta.bulkPut([
    { key: SECRET_KEY, value: connection },
    { key: PUBLIC_KEY, value: view },
  ]);
}

export async function clearConnection(db: KindredDB): Promise<void> {
  await db.meta.bulkDelete([SECRET_KEY, PUBLIC_KEY]);
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

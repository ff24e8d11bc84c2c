// Every message that crosses a context boundary, with the schema of its request and response.
// The background router (src/background/router.ts) checks the sender, parses the request and
// replies with `Reply<T>`; nothing is ever thrown across `sendMessage`.
//
// Schemas are built on first use (`define`'s thunks, `z.lazy`), not when a context starts: a
// stopped worker woken by a page's lookup builds that message's schema only (issue 5: building
// them all took a fifth of the worker's start).
import * as z from './zod';
import { identityKeySchema, identitySchema, platformSchema } from './identity-schema';
import { constituentSchema, interactionKindSchema } from './store/model';

export const MAX_LOOKUP_BATCH = 100;

const profileSchema = z.lazy(() =>
  z.object({
    identities: z.array(identitySchema).min(1).max(4),
    displayName: z.string().max(300).nullable(),
  }),
);

const httpUrl = z.lazy(() =>
  z
    .string()
    .max(4096)
    .refine((s) => /^https?:\/\//i.test(s), 'not an http(s) URL'),
);

export const interactionDraftSchema = z.lazy(() => z.object({
  kind: interactionKindSchema,
  channel: platformSchema.nullable().optional(),
  at: z.iso.datetime({ offset: true }),
  summary: z.string().max(255).nullable().optional(),
  notes: z.string().max(20_000),
  profileUrl: httpUrl.nullable().optional(),
}));
export type InteractionDraft = z.infer<typeof interactionDraftSchema>;

export const constituentDraftSchema = z.lazy(() => z.object({
  displayName: z.string().trim().min(1).max(300),
  firstName: z.string().max(150).nullable().optional(),
  lastName: z.string().max(150).nullable().optional(),
  emails: z.array(z.string().max(320)).max(20).optional(),
  tags: z.array(z.string().max(100)).max(50).optional(),
}));
export type ConstituentDraft = z.infer<typeof constituentDraftSchema>;

const constituentSummarySchema = z.lazy(() => z.object({
  id: z.string(),
  displayName: z.string(),
  tags: z.array(z.string()),
  emails: z.array(z.string()),
}));
export type ConstituentSummary = z.infer<typeof constituentSummarySchema>;

/**
 * The card of the person the panel shows first (the badge-clicked one, else the page's), sent
 * with the tab so the popup paints it from this one reply, before its own store is open.
 */
const firstCardSchema = z.lazy(() => z.object({ constituent: constituentSchema, canReadGifts: z.boolean() }));
export type FirstCard = z.infer<typeof firstCardSchema>;

const tabViewSchema = z.lazy(() =>
  z.object({
    url: z.string().nullable(),
    profile: profileSchema.nullable(),
    constituentId: z.string().nullable(),
    /** A person whose in-page badge was clicked on this tab: the panel shows them first. */
    focus: identitySchema.nullable().default(null),
    card: firstCardSchema.nullable(),
  }),
);
export type TabView = z.infer<typeof tabViewSchema>;
/** What the worker keeps per tab; the card is read when asked for. */
export type TabProfile = Omit<TabView, 'card'>;

interface MessageDef<From extends 'content' | 'page', Req extends z.ZodType, Res extends z.ZodType> {
  from: From;
  readonly request: Req;
  readonly response: Res;
}
/** A message's schemas, each built the first time it is read. */
const define = <From extends 'content' | 'page', Req extends z.ZodType, Res extends z.ZodType>(
  from: From,
  request: () => Req,
  response: () => Res,
): MessageDef<From, Req, Res> => {
  let req: Req | undefined;
  let res: Res | undefined;
  return {
    from,
    get request() {
      return (req ??= request());
    },
    get response() {
      return (res ??= response());
    },
  };
};

export const messages = {
  // --- content scripts may ask only these; answers carry known/unknown, never constituent data.
  lookupIdentities: define(
    'content',
    () => z.object({ keys: z.array(identityKeySchema).min(1).max(MAX_LOOKUP_BATCH) }),
    () => z.object({ known: z.array(z.string()) }),
  ),
  reportNavigation: define(
    'content',
    () => z.object({ url: httpUrl, profile: profileSchema.nullable() }),
    // What the user allows on this site: recognise at all, and mark people in the page.
    () => z.object({ known: z.boolean(), recognize: z.boolean(), badges: z.boolean() }),
  ),
  openPanel: define('content', () => z.object({ key: identityKeySchema }), () => z.object({ opened: z.boolean() })),
  reportHealth: define(
    'content',
    () => z.object({ url: httpUrl, missing: z.array(z.string().max(64)).min(1).max(20) }),
    () => z.object({}),
  ),

  // --- extension pages (popup, side panel, options).
  getTabProfile: define('page', () => z.object({ tabId: z.number().int().nonnegative().nullable() }), () => tabViewSchema),
  searchConstituents: define(
    'page',
    () => z.object({ text: z.string().max(200), limit: z.number().int().min(1).max(100).default(20) }),
    () => z.array(constituentSummarySchema),
  ),
  logInteraction: define(
    'page',
    () => z.object({ constituentId: z.string().min(1).max(300), draft: interactionDraftSchema }),
    () => z.object({ id: z.string(), status: z.enum(['synced', 'pending', 'failed']) }),
  ),
  linkIdentity: define(
    'page',
    () => z.object({ constituentId: z.string().min(1).max(300), identity: identitySchema, sourceUrl: httpUrl.nullable() }),
    () => z.object({ key: z.string() }),
  ),
  createConstituent: define(
    'page',
    () => z.object({ draft: constituentDraftSchema, identity: identitySchema.nullable(), sourceUrl: httpUrl.nullable() }),
    () => z.object({ id: z.string() }),
  ),
  refreshBadges: define('page', () => z.object({}), () => z.object({ tabs: z.number() })),
  /** Connect a CRM: the keys go to the background, which tests and keeps them; they never come back. */
  connectCrm: define(
    'page',
    () => z.discriminatedUnion('crm', [
      z.object({
        crm: z.literal('civicrm'),
        baseUrl: z.string().trim().min(1).max(2000),
        apiKey: z.string().trim().min(1, 'Enter the API key').max(500),
        siteKey: z.string().trim().max(500).optional(),
      }),
      /** Signs in through Salesforce's consent window (OAuth with PKCE); no secret is typed here. */
      z.object({
        crm: z.literal('salesforce'),
        loginUrl: z.string().trim().min(1).max(2000),
        clientId: z.string().trim().min(1, 'Enter the consumer key of your External Client App').max(500),
      }),
      /** Signs in through Blackbaud's consent window; the subscription key is the organisation's own. */
      z.object({
        crm: z.literal('raisers-edge'),
        applicationId: z.string().trim().min(1, 'Enter the application id of your SKY application').max(200),
        subscriptionKey: z.string().trim().min(1, 'Enter your SKY API subscription key').max(200),
        /** Other SKY hosts (a test double, a gateway an organisation runs); the connector's schema vets them. */
        endpoints: z.object({ apiBase: z.string().max(2000), authorizeUrl: z.string().max(2000), tokenUrl: z.string().max(2000) }).optional(),
      }),
    ]),
    () => z.object({ user: z.string(), canReadGifts: z.boolean() }),
  ),
  /** Salesforce: the Contact fields that can hold a handle or URL, and which platform each one holds now. */
  crmFields: define(
    'page',
    () => z.object({}),
    () => z.object({
      fields: z.array(z.object({ name: z.string(), label: z.string(), type: z.string(), custom: z.boolean() })),
      fieldMap: z.record(z.string(), z.string()),
    }),
  ),
  /** Salesforce: save the field mapping (platform → Contact field API name); a full sync follows. */
  setCrmFieldMap: define(
    'page',
    () => z.object({ fieldMap: z.partialRecord(platformSchema, z.string().trim().max(100).regex(/^[A-Za-z0-9_]*$/, 'not a field API name')) }),
    () => z.object({}),
  ),
  disconnectCrm: define('page', () => z.object({}), () => z.object({})),
  syncNow: define('page', () => z.object({}), () => z.object({ constituents: z.number(), error: z.string().nullable() })),
  /** Send a failed (or waiting) interaction again; `id: null` retries every failed one. */
  retryInteraction: define('page', () => z.object({ id: z.string().min(1).max(100).nullable() }), () => z.object({ retried: z.number() })),
  /** Bring a CRM constituent's card and history up to date (the card was opened). */
  refreshConstituent: define('page', () => z.object({ id: z.string().min(1).max(300) }), () => z.object({ refreshed: z.boolean() })),
  /** Re-register the content script on the user's Mastodon servers after settings changed. */
  syncMastodonInstances: define('page', () => z.object({}), () => z.object({ hosts: z.array(z.string()) })),
} as const;

export type Messages = typeof messages;
export type MessageType = keyof Messages;
export type ContentMessageType = { [K in MessageType]: Messages[K]['from'] extends 'content' ? K : never }[MessageType];
export type RequestOf<K extends MessageType> = z.input<Messages[K]['request']>;
export type ParsedRequestOf<K extends MessageType> = z.output<Messages[K]['request']>;
export type ResponseOf<K extends MessageType> = z.output<Messages[K]['response']>;

export const ERROR_CODES = ['badRequest', 'forbidden', 'notFound', 'internal', 'auth', 'rateLimited', 'network', 'invalid', 'server'] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];
export type Reply<T> = { ok: true; data: T } | { ok: false; error: { code: ErrorCode; message: string } };

/** The envelope on the wire. `kindred` namespaces us away from anything else using runtime messaging. */
export interface Envelope<K extends MessageType = MessageType> {
  kindred: 1;
  type: K;
  data: RequestOf<K>;
}

export const envelopeSchema = z.object({
  kindred: z.literal(1),
  type: z.string().max(64),
  data: z.unknown(),
});

export function isMessageType(type: string): type is MessageType {
  return Object.hasOwn(messages, type);
}

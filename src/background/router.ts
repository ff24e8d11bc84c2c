// Trust boundary for runtime messages: sender check → schema parse → handler, failing closed.
// Kept free of the platform wrapper so it can be unit-tested with plain objects.
import * as z from '../zod';
import { ConnectorError } from '../crm/types';
import {
  envelopeSchema, isMessageType, messages,
  type ErrorCode, type MessageType, type ParsedRequestOf, type Reply, type ResponseOf,
} from '../messages';

export interface SenderInfo {
  id?: string;
  url?: string;
  frameId?: number;
  tab?: { id?: number };
}

export interface HandlerContext {
  sender: SenderInfo;
  /** The sending tab (content scripts always have one). */
  tabId: number | null;
}

export type Handlers = {
  [K in MessageType]: (request: ParsedRequestOf<K>, ctx: HandlerContext) => Promise<ResponseOf<K>>;
};

export interface RouterDeps {
  runtimeId: string;
  /** e.g. `chrome-extension://abc` (no trailing slash). */
  extensionOrigin: string;
  /** Whether a URL is one our content scripts run on. */
  isSiteUrl: (url: string) => boolean;
  ready: Promise<unknown>;
  /** What a message type waits for instead of `ready` (a handler that waits for the store itself). */
  readyFor?: (type: MessageType) => Promise<unknown>;
  log?: (message: string, detail?: unknown) => void;
}

/**
 * Which trust tier a sender belongs to, or null to drop it.
 * - page: one of our own extension pages (popup, side panel, options; in a tab or not).
 * - content: our content script in the top frame of a tab on a supported site.
 * Web pages cannot reach `runtime.onMessage` at all (no `externally_connectable`), but a
 * compromised renderer could forge fields, so every message is also schema-checked.
 */
export function senderTier(sender: SenderInfo, deps: Pick<RouterDeps, 'runtimeId' | 'extensionOrigin' | 'isSiteUrl'>): 'content' | 'page' | null {
  if (sender.id !== deps.runtimeId || !sender.url) return null;
  if (sender.url.startsWith(`${deps.extensionOrigin}/`)) return 'page';
  if (sender.tab?.id !== undefined && sender.frameId === 0 && deps.isSiteUrl(sender.url)) return 'content';
  return null;
}

const fail = (code: ErrorCode, message: string): Reply<never> => ({ ok: false, error: { code, message } });

export function createRouter(handlers: Handlers, deps: RouterDeps) {
  const log = deps.log ?? ((message, detail) => console.warn(`[kindred] ${message}`, detail ?? ''));

  /**
   * Returns the reply, or `undefined` for messages that are not ours (so other listeners, if any,
   * may answer them).
   */
  return async function route(raw: unknown, sender: SenderInfo): Promise<Reply<unknown> | undefined> {
    const envelope = envelopeSchema.safeParse(raw);
    if (!envelope.success) return undefined;
    const { type, data } = envelope.data;
    if (!isMessageType(type)) {
      log(`ignored unknown message type "${type.slice(0, 64)}"`);
      return fail('badRequest', 'Unknown message type');
    }
    const definition = messages[type];
    const tier = senderTier(sender, deps);
    if (tier === null || (definition.from === 'page' && tier !== 'page')) {
      log(`rejected "${type}" from an untrusted sender`, sender.url);
      return fail('forbidden', 'Not allowed from this context');
    }
    const parsed = definition.request.safeParse(data);
    if (!parsed.success) {
      log(`rejected malformed "${type}"`, z.prettifyError(parsed.error));
      return fail('badRequest', `Malformed ${type} request`);
    }
    try {
      await (deps.readyFor?.(type) ?? deps.ready);
      const handler = handlers[type] as (request: unknown, ctx: HandlerContext) => Promise<unknown>;
      const result = await handler(parsed.data, { sender, tabId: sender.tab?.id ?? null });
      return { ok: true, data: result };
    } catch (error) {
      if (error instanceof ConnectorError) return fail(error.code, error.message);
      log(`"${type}" failed`, error);
      return fail('internal', error instanceof Error ? error.message : 'Something went wrong');
    }
  };
}

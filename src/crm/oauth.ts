// OAuth 2.0 authorization code with PKCE (RFC 6749 §4.1, RFC 7636) for CRMs a browser extension
// signs in to without a client secret: Salesforce (crm-contracts.md §3.4) and Blackbaud SKY
// (crm-contracts-renxt.md §1.2–1.3). The browser part (`identity.launchWebAuthFlow`) comes in as
// `WebAuthFlow`, so the whole flow runs in Node against a contract double with only that faked.
//
// Tokens live where the connection's secret lives (the background's IndexedDB), behind
// `TokenStore`. Refreshing is single-flight: SKY refresh tokens are single-use, so two refreshes
// racing with the same token would sign the user out. One promise per session, plus a Web Lock
// across contexts, and every refresh re-reads the store first (another context may have won).
import * as z from '../zod';
import { excerpt, parseJson, send, type HttpOptions } from './http';
import { ConnectorError } from './types';
import type { LockFn } from '../sync/lock';

/** What a token endpoint gave us, normalised. Provider-specific fields (instance_url, environment_id …) are in `extra`. */
export const tokenSetSchema = z.lazy(() =>
  z.object({
    accessToken: z.string().min(1),
    refreshToken: z.string().min(1).optional(),
    /** ms since epoch; absent when the provider does not say (Salesforce): then only a 401 tells. */
    expiresAt: z.number().optional(),
    refreshExpiresAt: z.number().optional(),
    issuedAt: z.number(),
    scope: z.string().optional(),
    extra: z.record(z.string(), z.string()),
  }),
);
export type TokenSet = z.infer<typeof tokenSetSchema>;

/** Background only: where a connection's tokens are kept. */
export interface TokenStore {
  load(): Promise<TokenSet | null>;
  save(tokens: TokenSet): Promise<void>;
  clear(): Promise<void>;
}

/** `identity.launchWebAuthFlow`: resolves with the URL the provider redirected to, rejects when the user closed the window. */
export type WebAuthFlow = (request: { url: string; interactive: boolean }) => Promise<string>;

export interface OAuthClient {
  /** The CRM's name as the user knows it, for messages. */
  service: string;
  authorizeUrl: string;
  tokenUrl: string;
  clientId: string;
  redirectUri: string;
  /** Space-separated; omitted when the provider takes scopes from the app's registration (SKY). */
  scope?: string;
  /** More authorize parameters (SKY's `environment_id` on re-consent). */
  authorizeParams?: Record<string, string>;
}

/** RFC 7636 §4.1: 43–128 characters of [A-Za-z0-9-._~]; we use 96 (SKY's sample uses 128). */
export function randomVerifier(length = 96): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~';
  let out = '';
  while (out.length < length) {
    // 66 letters: bytes ≥ 198 (3 × 66) are dropped so every letter is equally likely.
    for (const byte of crypto.getRandomValues(new Uint8Array(length))) {
      if (byte < 198 && out.length < length) out += alphabet[byte % alphabet.length];
    }
  }
  return out;
}

export function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** S256: base64url(SHA-256(ASCII(verifier))). */
export async function codeChallenge(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

export function buildAuthorizeUrl(client: OAuthClient, pkce: { challenge: string; state: string }): string {
  const url = new URL(client.authorizeUrl);
  const params: Record<string, string> = {
    response_type: 'code',
    client_id: client.clientId,
    redirect_uri: client.redirectUri,
    code_challenge: pkce.challenge,
    code_challenge_method: 'S256',
    state: pkce.state,
    ...(client.scope ? { scope: client.scope } : {}),
    ...client.authorizeParams,
  };
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return url.toString();
}

/** The `code` of the redirect, after checking it is ours (redirect URI, `state`); provider refusals in words. */
export function readRedirect(client: OAuthClient, redirected: string, state: string): string {
  let url: URL;
  try {
    url = new URL(redirected);
  } catch {
    throw new ConnectorError('auth', `${client.service} sign-in returned no address.`);
  }
  const expected = new URL(client.redirectUri);
  if (url.origin !== expected.origin || url.pathname !== expected.pathname) {
    throw new ConnectorError('auth', `${client.service} sign-in came back to an unexpected address.`);
  }
  // Some providers answer in the fragment; the query wins when both are present.
  const params = new URLSearchParams(url.search || url.hash.replace(/^#/, ''));
  if (params.get('state') !== state) throw new ConnectorError('auth', `${client.service} sign-in answered another request (state mismatch). Try again.`);
  const error = params.get('error');
  if (error) {
    const detail = params.get('error_description') ?? params.get('error_message');
    if (error === 'access_denied') throw new ConnectorError('auth', `${client.service} sign-in was cancelled or refused${detail ? `: ${detail}` : '.'}`);
    throw new ConnectorError('auth', `${client.service} refused the sign-in (${error}${detail ? `: ${detail}` : ''}).`);
  }
  const code = params.get('code');
  if (!code) throw new ConnectorError('auth', `${client.service} sign-in returned no authorization code.`);
  return code;
}

const tokenReplySchema = z.lazy(() =>
  z
    .object({
      access_token: z.string().min(1),
      token_type: z.string().optional(),
      refresh_token: z.string().min(1).optional(),
      expires_in: z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]).optional(),
      refresh_token_expires_in: z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]).optional(),
      scope: z.string().optional(),
    })
    .loose(),
);
const tokenErrorSchema = z.lazy(() => z.object({ error: z.string(), error_description: z.string().optional() }).loose());

export interface TokenRequestOptions {
  fetch: typeof fetch;
  timeoutMs: number;
  now: () => number;
}

/** POST to the token endpoint (form-encoded, no client secret); the reply normalised, errors in words. */
export async function requestTokens(client: OAuthClient, form: Record<string, string>, options: TokenRequestOptions, previous?: TokenSet): Promise<TokenSet> {
  const http: HttpOptions = { fetch: options.fetch, timeoutMs: options.timeoutMs, service: client.service };
  const reply = await send(
    client.tokenUrl,
    {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      body: new URLSearchParams({ client_id: client.clientId, ...form }).toString(),
    },
    http,
  );
  const body = parseJson(reply.text);
  if (reply.status >= 200 && reply.status < 300) {
    const parsed = tokenReplySchema.safeParse(body);
    if (!parsed.success) throw new ConnectorError('server', `${client.service} sent an unreadable token reply.`);
    const issuedAt = options.now();
    const { access_token, refresh_token, expires_in, refresh_token_expires_in, scope, token_type: _type, ...rest } = parsed.data;
    const extra: Record<string, string> = { ...previous?.extra };
    for (const [name, value] of Object.entries(rest)) if (typeof value === 'string' || typeof value === 'number') extra[name] = String(value);
    return {
      accessToken: access_token,
      // A refresh that returns no new refresh token (Salesforce) keeps the old one; SKY rotates it.
      ...(refresh_token ?? previous?.refreshToken ? { refreshToken: refresh_token ?? previous?.refreshToken } : {}),
      ...(expires_in !== undefined ? { expiresAt: issuedAt + expires_in * 1000 } : {}),
      ...(refresh_token_expires_in !== undefined
        ? { refreshExpiresAt: issuedAt + refresh_token_expires_in * 1000 }
        : refresh_token === undefined && previous?.refreshExpiresAt !== undefined
          ? { refreshExpiresAt: previous.refreshExpiresAt }
          : {}),
      issuedAt,
      ...(scope ?? previous?.scope ? { scope: scope ?? previous?.scope } : {}),
      extra,
    } as TokenSet;
  }
  const error = tokenErrorSchema.safeParse(body);
  if (reply.status === 429 || reply.status >= 500) {
    throw new ConnectorError(reply.status === 429 ? 'rateLimited' : 'server', `${client.service} sign-in service answered ${reply.status}. Try again shortly.`);
  }
  if (error.success) {
    const detail = error.data.error_description ? `: ${error.data.error_description}` : '';
    if (error.data.error === 'invalid_grant') throw new ConnectorError('auth', `${client.service} sign-in has expired or was revoked${detail}. Connect again.`);
    if (error.data.error === 'invalid_client' || error.data.error === 'unauthorized_client') {
      throw new ConnectorError('auth', `${client.service} does not know this app (${error.data.error}${detail}). Check the consumer key / application id.`);
    }
    throw new ConnectorError('auth', `${client.service} refused the sign-in (${error.data.error}${detail}).`);
  }
  throw new ConnectorError('auth', `${client.service} token endpoint answered ${reply.status}: ${excerpt(reply.text)}`);
}

export interface OAuthSessionDeps {
  fetch: typeof fetch;
  tokens: TokenStore;
  webAuthFlow?: WebAuthFlow;
  lock?: LockFn;
  now?: () => number;
  timeoutMs?: number;
}

/** Refresh this long before the stated expiry, so a request does not start with a token about to lapse. */
const EXPIRY_MARGIN_MS = 60_000;

/**
 * One connection's tokens: sign-in (the consent window), the current access token (refreshed when
 * it has lapsed), and the refresh after a 401. Connectors call `accessToken()` before a request
 * and `refreshAfter401(token)` when the CRM refused it.
 */
export function oauthSession(client: OAuthClient, deps: OAuthSessionDeps) {
  const now = deps.now ?? Date.now;
  const options: TokenRequestOptions = { fetch: deps.fetch, timeoutMs: deps.timeoutMs ?? 20_000, now };
  let refreshing: Promise<TokenSet> | null = null;

  async function signIn(interactive = true): Promise<TokenSet> {
    if (!deps.webAuthFlow) throw new ConnectorError('auth', `${client.service} sign-in needs a browser window; open Kindred's options to connect.`);
    const verifier = randomVerifier();
    const state = base64url(crypto.getRandomValues(new Uint8Array(24)));
    const url = buildAuthorizeUrl(client, { challenge: await codeChallenge(verifier), state });
    let redirected: string;
    try {
      redirected = await deps.webAuthFlow({ url, interactive });
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      throw new ConnectorError('auth', interactive ? `${client.service} sign-in did not finish (${detail}).` : `${client.service} needs you to sign in again.`);
    }
    const code = readRedirect(client, redirected, state);
    const tokens = await requestTokens(client, { grant_type: 'authorization_code', code, redirect_uri: client.redirectUri, code_verifier: verifier }, options);
    await deps.tokens.save(tokens);
    return tokens;
  }

  async function refresh(stale: string | null): Promise<TokenSet> {
    const job = async (): Promise<TokenSet> => {
      const current = await deps.tokens.load();
      // Another context refreshed while we waited: use its token (ours may already be spent).
      if (current && current.accessToken !== stale && !lapsed(current)) return current;
      if (current?.refreshToken && !(current.refreshExpiresAt !== undefined && current.refreshExpiresAt <= now())) {
        try {
          const next = await requestTokens(client, { grant_type: 'refresh_token', refresh_token: current.refreshToken }, options, current);
          await deps.tokens.save(next);
          return next;
        } catch (error) {
          if (!(error instanceof ConnectorError && error.code === 'auth')) throw error;
          // Refresh token refused: try a silent sign-in below, else the user must reconnect.
        }
      }
      if (deps.webAuthFlow) {
        try {
          return await signIn(false);
        } catch {
          // fall through
        }
      }
      throw new ConnectorError('auth', `${client.service} sign-in has expired. Connect again in Kindred's options.`);
    };
    refreshing ??= (async () => {
      try {
        if (!deps.lock) return await job();
        // Wait for another context's refresh rather than racing it: poll the lock briefly.
        for (let attempt = 0; ; attempt++) {
          const result = await deps.lock(`kindred-oauth-${client.tokenUrl}`, job);
          if (result.acquired) return result.value;
          if (attempt >= 100) throw new ConnectorError('network', `${client.service} sign-in refresh is taking too long.`);
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      } finally {
        refreshing = null;
      }
    })();
    return refreshing;
  }

  function lapsed(tokens: TokenSet): boolean {
    return tokens.expiresAt !== undefined && tokens.expiresAt - EXPIRY_MARGIN_MS <= now();
  }

  return {
    signIn,
    /** The stored tokens (refreshed when lapsed); `auth` when there are none. */
    async current(): Promise<TokenSet> {
      const tokens = await deps.tokens.load();
      if (!tokens) throw new ConnectorError('auth', `Kindred is not signed in to ${client.service}. Connect in Kindred's options.`);
      return lapsed(tokens) ? refresh(tokens.accessToken) : tokens;
    },
    /** After the CRM answered 401 to `rejected`: a fresh token set, or `auth`. */
    refreshAfter401(rejected: string): Promise<TokenSet> {
      return refresh(rejected);
    },
    async forget(): Promise<void> {
      await deps.tokens.clear();
    },
  };
}
export type OAuthSession = ReturnType<typeof oauthSession>;

/** A TokenStore in memory (tests, and a connector created without one). */
export function memoryTokenStore(initial: TokenSet | null = null): TokenStore & { value: TokenSet | null } {
  const store = {
    value: initial,
    async load() {
      return store.value;
    },
    async save(tokens: TokenSet) {
      store.value = tokens;
    },
    async clear() {
      store.value = null;
    },
  };
  return store;
}

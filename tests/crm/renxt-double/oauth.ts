// Blackbaud's OAuth endpoints as a public (PKCE) app meets them (crm-contracts-renxt.md §1.2, §6
// checks 5–6): `GET /oauth/authorize` (app.blackbaud.com) and `POST /token` (oauth2.sky.blackbaud.com).
// Codes are single-use and live 5 minutes; refresh tokens rotate and a spent one is `invalid_grant`.
import { createHash, randomBytes } from 'node:crypto';
import { html, json, type Reply } from './http';
import type { SkyEnvironment, SkyUser } from './types';

export interface Grant {
  user: SkyUser;
  environment: SkyEnvironment;
}
interface CodeRecord extends Grant {
  clientId: string;
  redirectUri: string;
  challenge: string | null;
  expiresAt: number;
  used: boolean;
}
interface AccessRecord extends Grant {
  expiresAt: number;
}
interface RefreshRecord extends Grant {
  used: boolean;
}

export interface OAuthRealm {
  applicationId: string;
  redirectUris: string[];
  environments: SkyEnvironment[];
  session: { user: SkyUser | null; environmentId: string; deny: boolean };
  tokenTtlSeconds: number;
  issueRefreshTokens: boolean;
  codes: Map<string, CodeRecord>;
  access: Map<string, AccessRecord>;
  refresh: Map<string, RefreshRecord>;
}

const CODE_TTL_MS = 5 * 60_000;
const opaque = (bytes = 24) => randomBytes(bytes).toString('base64url');

/** The page shown when the double cannot redirect: no session, or a request it will not send back to its redirect_uri. */
const page = (status: number, title: string) => html(status, `<!DOCTYPE html><html><head><title>${title}</title></head><body><h1>${title}</h1></body></html>`);

export function authorize(realm: OAuthRealm, query: URLSearchParams): Reply {
  if (query.get('client_id') !== realm.applicationId) return page(400, 'Invalid application id');
  const redirectUri = query.get('redirect_uri') ?? '';
  // Exact string match, case and trailing slash included (§1.3); never redirect to an unregistered URI.
  if (!realm.redirectUris.includes(redirectUri)) return page(400, 'Invalid redirect_uri');
  const back = (params: Record<string, string>): Reply => {
    const url = new URL(redirectUri);
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    const state = query.get('state');
    if (state !== null) url.searchParams.set('state', state);
    return { status: 302, type: 'text/plain', body: '', headers: { Location: url.toString() } };
  };
  if (query.get('response_type') !== 'code') return back({ error: 'unsupported_response_type' });
  const challenge = query.get('code_challenge');
  const method = query.get('code_challenge_method');
  if (challenge !== null && method !== 'S256') return back({ error: 'invalid_request', error_message: 'code_challenge_method must be S256' });
  if (!realm.session.user) return page(200, 'Sign in to Blackbaud');
  const wanted = query.get('environment_id');
  const environmentId = wanted ?? realm.session.environmentId;
  const environment = realm.environments.find((e) => e.id === environmentId);
  if (!environment) return back({ error: 'access_denied', error_message: 'No eligible environments' });
  if (realm.session.deny) return back({ error: 'access_denied' });
  const code = opaque();
  realm.codes.set(code, {
    user: realm.session.user, environment, clientId: realm.applicationId, redirectUri, challenge, expiresAt: Date.now() + CODE_TTL_MS, used: false,
  });
  return back({ code });
}

const grantError = (error: string, description?: string): Reply => json(400, { error, ...(description ? { error_description: description } : {}) });

export function token(realm: OAuthRealm, contentType: string, body: string): Reply {
  if (!contentType.toLowerCase().startsWith('application/x-www-form-urlencoded')) return grantError('invalid_request', 'form-encoded body required');
  const form = new URLSearchParams(body);
  if (form.get('client_id') !== realm.applicationId) return json(400, { error: 'invalid_client' });
  switch (form.get('grant_type')) {
    case 'authorization_code': {
      const record = realm.codes.get(form.get('code') ?? '');
      if (!record || record.used || record.expiresAt < Date.now()) return grantError('invalid_grant');
      // Spent even when the rest fails: a code is good for one exchange attempt.
      record.used = true;
      if (form.get('redirect_uri') !== record.redirectUri) return grantError('invalid_grant', 'redirect_uri mismatch');
      const verifier = form.get('code_verifier');
      // A public app has no secret: without a verifier the exchange proves nothing (§6 check 6).
      if (!form.get('client_secret') && !verifier) return grantError('invalid_grant', 'code_verifier required');
      if (verifier !== null) {
        if (!/^[A-Za-z0-9\-._~]{43,128}$/.test(verifier)) return grantError('invalid_grant', 'malformed code_verifier');
        const expected = createHash('sha256').update(verifier, 'ascii').digest('base64url');
        if (record.challenge !== expected) return grantError('invalid_grant', 'code_verifier does not match');
      }
      return issue(realm, record);
    }
    case 'refresh_token': {
      const record = realm.refresh.get(form.get('refresh_token') ?? '');
      if (!record || record.used) return grantError('invalid_grant');
      record.used = true;
      return issue(realm, record);
    }
    default:
      return json(400, { error: 'unsupported_grant_type' });
  }
}

export function mintAccess(realm: OAuthRealm, grant: Grant, ttlSeconds = realm.tokenTtlSeconds): string {
  const access = opaque(32);
  realm.access.set(access, { ...grant, expiresAt: Date.now() + ttlSeconds * 1000 });
  return access;
}

function issue(realm: OAuthRealm, grant: Grant): Reply {
  const access = mintAccess(realm, grant);
  const refresh = realm.issueRefreshTokens ? opaque(32) : null;
  if (refresh) realm.refresh.set(refresh, { user: grant.user, environment: grant.environment, used: false });
  const { user, environment } = grant;
  return json(200, {
    access_token: access,
    token_type: 'bearer',
    expires_in: realm.tokenTtlSeconds,
    ...(refresh ? { refresh_token: refresh, refresh_token_expires_in: 31_536_000 } : {}),
    environment_id: environment.id,
    environment_name: environment.name,
    legal_entity_id: 'p-AaBbCcDdEeFfGg987654321',
    legal_entity_name: 'Blackbaud Developer Sandbox',
    user_id: user.userId,
    email: user.email,
    given_name: user.givenName,
    family_name: user.familyName,
    mode: 'Full',
  });
}

/** The grant behind a bearer token, or null (missing, unknown, expired). */
export function bearer(realm: OAuthRealm, header: string | undefined): Grant | null {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  const record = match ? realm.access.get(match[1]!) : undefined;
  return record && record.expiresAt > Date.now() ? record : null;
}

// The login host's OAuth endpoints (§3.4, §5.2): authorize (redirects with code + state), token
// (authorization_code with PKCE S256, refresh_token), revoke; and the Bearer check every REST
// call goes through. Codes are one-use and live 5 minutes; refresh tokens are not rotated unless
// the app is configured to (GUESS on Salesforce's default: they are reused until revoked).
import { createHash, randomBytes } from 'node:crypto';
import type { SfUser } from './types';

interface Code {
  user: SfUser;
  clientId: string;
  redirectUri: string;
  challenge: string | null;
  scope: string;
  expiresAt: number;
  used: boolean;
}

interface Session {
  user: SfUser;
  refreshToken: string | null;
  expiresAt: number;
  revoked: boolean;
}

interface Grant {
  user: SfUser;
  clientId: string;
  scope: string;
  revoked: boolean;
}

export interface AuthOptions {
  clientId: string;
  redirectUri: string;
  requireSecret: boolean;
  rotateRefreshTokens: boolean;
  orgId: string;
  baseUrl: () => string;
  now: () => number;
}

export type OAuthReply =
  | { kind: 'redirect'; location: string }
  | { kind: 'page'; status: number; html: string }
  | { kind: 'json'; status: number; body: unknown };

const CODE_TTL_MS = 5 * 60_000;
/** The org's session timeout (default 2 hours). */
const SESSION_TTL_MS = 2 * 60 * 60_000;

const b64url = (buffer: Buffer) => buffer.toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const oauthError = (error: string, description: string, status = 400): OAuthReply => ({ kind: 'json', status, body: { error, error_description: description } });

export function createAuth(options: AuthOptions) {
  const codes = new Map<string, Code>();
  const sessions = new Map<string, Session>();
  const grants = new Map<string, Grant>();
  /** What tests and the connector's token endpoint calls count. */
  const stats = { tokenRequests: 0, refreshes: 0, revoked: 0 };

  function issue(user: SfUser, scope: string, refreshToken: string | null) {
    // Access tokens look like Salesforce session ids: `<orgId>!<opaque>`.
    const accessToken = `${options.orgId.slice(0, 15)}!${b64url(randomBytes(36))}`;
    sessions.set(accessToken, { user, refreshToken, expiresAt: options.now() + SESSION_TTL_MS, revoked: false });
    const issuedAt = String(options.now());
    return {
      access_token: accessToken,
      ...(refreshToken ? { refresh_token: refreshToken } : {}),
      signature: b64url(createHash('sha256').update(accessToken + issuedAt).digest()),
      scope,
      instance_url: options.baseUrl(),
      id: `${options.baseUrl()}/id/${options.orgId}/${user.id}`,
      token_type: 'Bearer',
      issued_at: issuedAt,
    };
  }

  function newGrant(user: SfUser, scope: string): string | null {
    if (!scope.split(/\s+/).includes('refresh_token')) return null;
    const token = `5Aep861${b64url(randomBytes(48))}`;
    grants.set(token, { user, clientId: options.clientId, scope, revoked: false });
    return token;
  }

  return {
    stats,
    sessions,
    /** GET /services/oauth2/authorize, answered as the consenting user would. */
    authorize(query: URLSearchParams, consent: { user: SfUser; decision: 'allow' | 'deny' }): OAuthReply {
      // An unknown app or callback is shown as an error page: redirecting would trust the caller.
      if (query.get('client_id') !== options.clientId) return { kind: 'page', status: 400, html: '<html><body>error=invalid_client_id&amp;error_description=client identifier invalid</body></html>' };
      const redirectUri = query.get('redirect_uri') ?? '';
      if (redirectUri !== options.redirectUri) return { kind: 'page', status: 400, html: '<html><body>error=redirect_uri_mismatch&amp;error_description=redirect_uri must match configuration</body></html>' };
      const back = (params: Record<string, string>): OAuthReply => {
        const url = new URL(redirectUri);
        for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
        const state = query.get('state');
        if (state !== null) url.searchParams.set('state', state);
        return { kind: 'redirect', location: url.toString() };
      };
      if (query.get('response_type') !== 'code') return back({ error: 'unsupported_response_type', error_description: 'response type not supported' });
      const challenge = query.get('code_challenge');
      const method = query.get('code_challenge_method');
      // A public client without a secret must use PKCE: without it the code would be usable by anyone who saw it.
      if (!options.requireSecret && !challenge) return back({ error: 'invalid_request', error_description: 'missing required code challenge' });
      if (challenge && method !== 'S256') return back({ error: 'invalid_request', error_description: 'invalid code challenge method' });
      if (consent.decision === 'deny') return back({ error: 'access_denied', error_description: 'end-user denied authorization' });
      // Salesforce codes are base64 with `==`: the client must URL-decode them.
      const code = `aPrx${randomBytes(30).toString('base64')}==`;
      codes.set(code, {
        user: consent.user, clientId: options.clientId, redirectUri, challenge, scope: query.get('scope') ?? 'api',
        expiresAt: options.now() + CODE_TTL_MS, used: false,
      });
      return back({ code });
    },

    /** POST /services/oauth2/token. */
    token(form: URLSearchParams): OAuthReply {
      stats.tokenRequests++;
      if (form.get('client_id') !== options.clientId) return oauthError('invalid_client_id', 'client identifier invalid');
      if (options.requireSecret && !form.get('client_secret')) return oauthError('invalid_client', 'invalid client credentials');
      const grantType = form.get('grant_type');
      if (grantType === 'authorization_code') {
        const code = codes.get(form.get('code') ?? '');
        if (!code || code.used || code.expiresAt <= options.now()) return oauthError('invalid_grant', 'invalid authorization code');
        code.used = true; // one use, whatever happens next
        if (form.get('redirect_uri') !== code.redirectUri) return oauthError('invalid_grant', 'redirect_uri must match configuration');
        const verifier = form.get('code_verifier');
        if (code.challenge) {
          if (!verifier) return oauthError('invalid_grant', 'invalid code verifier');
          if (b64url(createHash('sha256').update(verifier, 'ascii').digest()) !== code.challenge) return oauthError('invalid_grant', 'invalid code verifier');
        }
        return { kind: 'json', status: 200, body: issue(code.user, code.scope, newGrant(code.user, code.scope)) };
      }
      if (grantType === 'refresh_token') {
        stats.refreshes++;
        const token = form.get('refresh_token') ?? '';
        const grant = grants.get(token);
        if (!grant || grant.revoked) return oauthError('invalid_grant', 'expired access/refresh token');
        let refreshToken: string | null = null;
        if (options.rotateRefreshTokens) {
          grant.revoked = true;
          refreshToken = newGrant(grant.user, grant.scope);
        }
        const reply = issue(grant.user, grant.scope, refreshToken ?? token);
        // Without rotation the reply carries no refresh_token: the client keeps the one it has.
        if (!refreshToken) delete (reply as { refresh_token?: string }).refresh_token;
        return { kind: 'json', status: 200, body: reply };
      }
      return oauthError('unsupported_grant_type', 'grant type not supported');
    },

    /** POST /services/oauth2/revoke: a refresh token ends its grant and every session it made. GUESS: 400 invalid_token for an unknown token. */
    revoke(token: string): OAuthReply {
      const grant = grants.get(token);
      const session = sessions.get(token);
      if (grant && !grant.revoked) {
        grant.revoked = true;
        for (const s of sessions.values()) if (s.refreshToken === token) s.revoked = true;
      } else if (session && !session.revoked) session.revoked = true;
      else return oauthError('invalid_token', 'this token is invalid or was revoked');
      stats.revoked++;
      return { kind: 'json', status: 200, body: {} };
    },

    /** The user behind `Authorization: Bearer …`, or null (401 INVALID_SESSION_ID). */
    bearer(header: string | undefined): SfUser | null {
      const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
      const session = match && sessions.get(match[1]!);
      if (!session || session.revoked || session.expiresAt <= options.now()) return null;
      return session.user;
    },

    issueFor(user: SfUser) {
      const refresh = newGrant(user, 'api refresh_token');
      return issue(user, 'api refresh_token', refresh);
    },

    expireSessions(): void {
      for (const s of sessions.values()) s.expiresAt = 0;
    },
  };
}
export type SfAuth = ReturnType<typeof createAuth>;

// AuthX as the double models it (ext/authx Authenticator.php, CheckCredential.php, §2.3):
// X-Civi-Auth (xheader) first, then Authorization (header, on by default), then `_authx` (param).
// `Bearer` is tried as an API key, then as an authx JWT. A credential that fails, or a login that
// fails the guard (site key, or the "authenticate with api key" permission; JWTs always pass),
// ends the request with 401 text/plain. No credential at all is the anonymous user, not a 401.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { CiviData } from './data';
import type { CiviUser } from './types';

export type Flow = 'xheader' | 'header' | 'param';

export type AuthOutcome =
  | { kind: 'anonymous' }
  | { kind: 'user'; contactId: number; user: CiviUser | null; userId: number | null; flow: Flow; cred: 'api_key' | 'jwt' }
  | { kind: 'reject'; reason: string };

export interface AuthInput {
  headers: Record<string, string>;
  /** `$_GET` for GET requests, `$_POST` otherwise, as Authenticator reads `_authx` / `_authxSiteKey`. */
  params: Record<string, string>;
}

export interface Realm {
  users: CiviUser[];
  /** CMS user id of each API user (for /civicrm/authx/id). */
  userIds: Map<number, number>;
  siteKey: string;
  jwtSecret: string;
  data: CiviData;
}

const b64url = (buf: Buffer | string) => Buffer.from(buf).toString('base64url');

// GUESS: a real site signs authx JWTs with its crypto keys (crypto.jwt); the double uses HS256 with a
// per-double secret. Only the claims the Authenticator reads matter: scope "authx", sub "cid:N", exp.

export function mintJwt(secret: string, contactId: number, ttlSeconds: number, scope = 'authx'): string {
  const now = Math.floor(Date.now() / 1000);
  const head = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const body = b64url(JSON.stringify({ sub: `cid:${contactId}`, scope, iat: now, exp: now + ttlSeconds }));
  const sig = b64url(createHmac('sha256', secret).update(`${head}.${body}`).digest());
  return `${head}.${body}.${sig}`;
}

type JwtCheck = { ok: true; claims: Record<string, unknown> } | { ok: false; expired: boolean };

function verifyJwt(secret: string, token: string): JwtCheck {
  const parts = token.split('.');
  if (parts.length !== 3) return { ok: false, expired: false };
  const expected = createHmac('sha256', secret).update(`${parts[0]}.${parts[1]}`).digest();
  const given = Buffer.from(parts[2]!, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, expired: false };
  try {
    const claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
    if (typeof claims.exp === 'number' && claims.exp < Date.now() / 1000) return { ok: false, expired: true };
    return { ok: true, claims };
  } catch {
    return { ok: false, expired: false };
  }
}

const safeEqual = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

export function authenticate(realm: Realm, input: AuthInput): AuthOutcome {
  const { headers, params } = input;
  const siteKey = headers['x-civi-key'] ?? params._authxSiteKey ?? null;
  let flow: Flow;
  let cred: string;
  if (headers['x-civi-auth']) [flow, cred] = ['xheader', headers['x-civi-auth']];
  else if (headers.authorization) [flow, cred] = ['header', headers.authorization];
  else if (params._authx) [flow, cred] = ['param', params._authx];
  else return { kind: 'anonymous' };

  const space = cred.indexOf(' ');
  const format = space < 0 ? cred : cred.slice(0, space);
  const value = space < 0 ? '' : cred.slice(space + 1);
  let contactId: number | null = null;
  let credType: 'api_key' | 'jwt' = 'api_key';
  if (format === 'Bearer') {
    const byKey = realm.users.find((u) => u.apiKey !== '' && safeEqual(u.apiKey, value));
    if (byKey) contactId = byKey.contactId;
    else {
      const jwt = verifyJwt(realm.jwtSecret, value);
      if (!jwt.ok && jwt.expired) return { kind: 'reject', reason: 'Expired token' };
      if (jwt.ok) {
        const scopes = typeof jwt.claims.scope === 'string' ? jwt.claims.scope.split(' ') : [];
        if (scopes.includes('authx')) {
          const sub = jwt.claims.sub;
          if (typeof sub !== 'string' || !sub.startsWith('cid:')) return { kind: 'reject', reason: 'Malformed JWT. Must specify the contact ID.' };
          contactId = Number(sub.slice(4));
          credType = 'jwt';
        }
      }
    }
  }
  // `Basic user:pass` (CMS passwords) is not modelled: it never finds a principal.
  if (contactId === null) return { kind: 'reject', reason: 'Invalid credential' };
  if (!realm.data.contacts.has(contactId)) return { kind: 'reject', reason: `Contact ID ${contactId} is invalid` };
  const user = realm.users.find((u) => u.contactId === contactId) ?? null;
  const passesGuard = credType === 'jwt' || (siteKey !== null && safeEqual(siteKey, realm.siteKey)) || Boolean(user?.mayUseApiKey);
  if (!passesGuard) return { kind: 'reject', reason: 'Login not permitted. Must satisfy guard (site_key, perm).' };
  return { kind: 'user', contactId, user, userId: realm.userIds.get(contactId) ?? null, flow, cred: credType };
}

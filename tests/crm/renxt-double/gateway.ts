// The API Management gateway in front of every SKY API (crm-contracts-renxt.md §1.1, §1.5, §6
// checks 1–3, 7–8): subscription key, bearer token, per-second rate limit and daily quota, each
// with Blackbaud's documented status and `{statusCode, message}` body.
import { bearer, type Grant, type OAuthRealm } from './oauth';
import { BAD_BEARER, gateway, INVALID_KEY, MISSING_KEY, type Reply } from './http';

export interface GatewayState {
  subscriptionKey: string;
  /** Token bucket (§6 check 7); rate 0 = off. */
  bucket: { rate: number; tokens: number; at: number };
  quota: { remaining: number; retryAfterSeconds: number };
}

export function admit(
  state: GatewayState,
  realm: OAuthRealm,
  headers: Record<string, string>,
): { ok: true; grant: Grant } | { ok: false; reply: Reply; reason: string } {
  // Node lower-cases header names, which is the case-insensitivity §1.1 asks for.
  const key = headers['bb-api-subscription-key'];
  if (!key) return { ok: false, reply: gateway(401, MISSING_KEY), reason: 'no subscription key' };
  if (key !== state.subscriptionKey) return { ok: false, reply: gateway(401, INVALID_KEY), reason: 'wrong subscription key' };
  const grant = bearer(realm, headers.authorization);
  if (!grant) return { ok: false, reply: gateway(401, BAD_BEARER), reason: 'bad bearer token' };
  const { bucket } = state;
  if (bucket.rate > 0) {
    const now = Date.now();
    bucket.tokens = Math.min(bucket.rate, bucket.tokens + ((now - bucket.at) / 1000) * bucket.rate);
    bucket.at = now;
    if (bucket.tokens < 1) {
      return { ok: false, reply: gateway(429, 'Rate limit is exceeded. Try again in 1 second.', { 'Retry-After': '1' }), reason: 'rate limit' };
    }
    bucket.tokens -= 1;
  }
  if (state.quota.remaining <= 0) {
    const s = state.quota.retryAfterSeconds;
    const hms = [Math.floor(s / 3600), Math.floor(s / 60) % 60, s % 60].map((n) => String(n).padStart(2, '0')).join(':');
    return {
      ok: false,
      reply: gateway(403, `Out of call volume quota. Quota will be replenished in ${hms}.`, { 'Retry-After': String(s) }),
      reason: 'quota',
    };
  }
  state.quota.remaining -= 1;
  return { ok: true, grant };
}

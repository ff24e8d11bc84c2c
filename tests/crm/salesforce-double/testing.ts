// Test-side helpers: the browser's identity API faked at its edge only (the authorize page is the
// double's real endpoint, followed like a browser would, without following the final redirect),
// and a stored token set as a finished sign-in leaves it.
import type { TokenSet, WebAuthFlow } from '../../../src/crm/oauth';
import type { SalesforceDouble } from './types';

/** `identity.launchWebAuthFlow`: open the URL, and resolve with where the provider sent the browser back. */
export function browserWebAuthFlow(double: SalesforceDouble, seen: string[] = []): WebAuthFlow {
  return async ({ url }) => {
    seen.push(url);
    const reply = await fetch(url, { redirect: 'manual' });
    const location = reply.headers.get('location');
    await reply.text();
    if (reply.status !== 302 || !location) throw new Error(`The sign-in window showed an error page (HTTP ${reply.status}).`);
    if (!location.startsWith(double.redirectUri)) throw new Error(`unexpected redirect ${location}`);
    return location;
  };
}

export function tokenSetFor(double: SalesforceDouble, user: 'admin' | 'volunteer' = 'admin'): TokenSet {
  const t = double.issueTokens(user);
  return { accessToken: t.access_token, refreshToken: t.refresh_token, issuedAt: Date.now(), scope: 'api refresh_token', extra: { instance_url: t.instance_url, id: t.id } };
}

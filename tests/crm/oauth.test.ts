// src/crm/oauth.ts against a real authorization server (the Salesforce double's login host):
// PKCE S256, the redirect checks, errors in words, and single-flight refresh.
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { codeChallenge, memoryTokenStore, oauthSession, randomVerifier, requestTokens, type OAuthClient } from '../../src/crm/oauth';
import { memoryLock } from '../../src/sync/lock';
import { startSalesforceDouble, type SalesforceDouble } from './salesforce-double';
import { browserWebAuthFlow, tokenSetFor } from './salesforce-double/testing';

let double: SalesforceDouble | null = null;
afterEach(async () => {
  await double?.close();
  double = null;
});

async function provider() {
  const d = (double = await startSalesforceDouble({ seed: 'none' }));
  const client: OAuthClient = {
    service: 'Salesforce', authorizeUrl: `${d.baseUrl}/services/oauth2/authorize`, tokenUrl: `${d.baseUrl}/services/oauth2/token`,
    clientId: d.clientId, redirectUri: d.redirectUri, scope: 'api refresh_token',
  };
  const tokenRequests = () => d.log.filter((e) => e.path === '/services/oauth2/token').length;
  return { d, client, tokenRequests };
}

describe('PKCE', () => {
  it('derives the S256 challenge as base64url(SHA-256(verifier)) and makes verifiers of the allowed alphabet', async () => {
    const verifier = randomVerifier();
    // An independent implementation (node:crypto) of RFC 7636 §4.2.
    expect(await codeChallenge(verifier)).toBe(createHash('sha256').update(verifier, 'ascii').digest('base64url'));
    expect(randomVerifier()).toMatch(/^[A-Za-z0-9\-._~]{96}$/);
  });

  it('signs in end to end and stores what the token endpoint gave, provider fields in extra', async () => {
    const { d, client } = await provider();
    const tokens = memoryTokenStore();
    const set = await oauthSession(client, { fetch, tokens, webAuthFlow: browserWebAuthFlow(d) }).signIn();
    expect(set).toMatchObject({ refreshToken: expect.any(String), scope: 'api refresh_token', extra: { instance_url: d.baseUrl, id: expect.stringContaining('/id/') } });
    expect(tokens.value).toEqual(set);
  });
});

describe('the redirect and the token endpoint, in words', () => {
  it('refuses a redirect answering another request (state mismatch)', async () => {
    const { d, client } = await provider();
    const flow = browserWebAuthFlow(d);
    const tampered = async (request: { url: string; interactive: boolean }) => {
      const url = new URL(await flow(request));
      url.searchParams.set('state', 'someone-elses');
      return url.toString();
    };
    await expect(oauthSession(client, { fetch, tokens: memoryTokenStore(), webAuthFlow: tampered }).signIn()).rejects.toMatchObject({
      code: 'auth', message: expect.stringMatching(/state mismatch/),
    });
    expect(d.log.filter((e) => e.path === '/services/oauth2/token')).toHaveLength(0);
  });

  it('says the user refused when consent is denied (access_denied)', async () => {
    const { d, client } = await provider();
    d.consent.decision = 'deny';
    await expect(oauthSession(client, { fetch, tokens: memoryTokenStore(), webAuthFlow: browserWebAuthFlow(d) }).signIn()).rejects.toMatchObject({
      code: 'auth', message: 'Salesforce sign-in was cancelled or refused: end-user denied authorization',
    });
  });

  it('turns invalid_grant into words asking to connect again', async () => {
    const { client } = await provider();
    await expect(requestTokens(client, { grant_type: 'authorization_code', code: 'aPrxUsed==', redirect_uri: client.redirectUri, code_verifier: randomVerifier() }, { fetch, timeoutMs: 5000, now: Date.now })).rejects.toMatchObject({
      code: 'auth', message: 'Salesforce sign-in has expired or was revoked: invalid authorization code. Connect again.',
    });
  });
});

describe('refresh', () => {
  it('is single-flight: two concurrent refreshes after 401 make one token request and share its result', async () => {
    const { d, client, tokenRequests } = await provider();
    const initial = tokenSetFor(d);
    const tokens = memoryTokenStore(initial);
    const session = oauthSession(client, { fetch, tokens, lock: memoryLock() });
    const [a, b] = await Promise.all([session.refreshAfter401(initial.accessToken), session.refreshAfter401(initial.accessToken)]);
    expect(tokenRequests()).toBe(1);
    expect(a.accessToken).toBe(b.accessToken);
    expect(a.accessToken).not.toBe(initial.accessToken);
    // Salesforce did not rotate: the refresh token is kept.
    expect(tokens.value).toMatchObject({ refreshToken: initial.refreshToken, extra: { instance_url: d.baseUrl } });
    // A later 401 on the token we already replaced does not refresh again.
    await session.refreshAfter401(initial.accessToken);
    expect(tokenRequests()).toBe(1);
  });

  it('asks the user to connect again when the refresh token was revoked', async () => {
    const { d, client } = await provider();
    const initial = tokenSetFor(d);
    await fetch(`${d.baseUrl}/services/oauth2/revoke`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token: initial.refreshToken! }) });
    const session = oauthSession(client, { fetch, tokens: memoryTokenStore(initial) });
    await expect(session.refreshAfter401(initial.accessToken)).rejects.toMatchObject({ code: 'auth', message: expect.stringMatching(/Connect again/) });
  });
});

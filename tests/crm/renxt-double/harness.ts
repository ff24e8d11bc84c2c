// A Raiser's Edge NXT connector wired to a double the way the background wires it: config from
// the double's addresses, an in-memory token store, the fake identity API, an in-process lock.
import { createRaisersEdgeConnector, raisersEdgeConfigSchema } from '../../../src/crm/raisers-edge';
import { memoryTokenStore, type TokenSet } from '../../../src/crm/oauth';
import { memoryLock } from '../../../src/sync/lock';
import { fakeWebAuthFlow } from './browser';
import { TEST_REDIRECT_URI } from './index';
import type { SkyDouble, SkyUser } from './types';

export function connectorFor(double: SkyDouble, options: { config?: Record<string, unknown>; tokens?: TokenSet | null; userName?: string } = {}) {
  const tokens = memoryTokenStore(options.tokens ?? null);
  const webAuthFlow = fakeWebAuthFlow();
  const config = raisersEdgeConfigSchema.parse({
    applicationId: double.applicationId,
    subscriptionKey: double.subscriptionKey,
    apiBase: double.apiBase,
    authorizeUrl: double.authorizeUrl,
    tokenUrl: double.tokenUrl,
    ...options.config,
  });
  const connector = createRaisersEdgeConnector(config, {
    tokens,
    webAuthFlow,
    redirectUri: (path) => TEST_REDIRECT_URI.replace(/raisers-edge$/, path),
    lock: memoryLock(),
    ...(options.userName ? { userName: async () => options.userName! } : {}),
  });
  return { connector, tokens, webAuthFlow };
}

/** A token set as if signed in already (skips the consent dance for tests about the API). */
export function signedIn(double: SkyDouble, user: SkyUser = double.users.admin): TokenSet {
  return {
    accessToken: double.mintToken(user),
    issuedAt: Date.now(),
    expiresAt: Date.now() + 3_600_000,
    extra: { environment_id: double.environments[0]!.id, environment_name: double.environments[0]!.name, email: user.email },
  };
}

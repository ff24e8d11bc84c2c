// The browser's identity API, faked at its edge only: `launchWebAuthFlow` loads the authorize URL
// and resolves with the address the provider redirected to. Here a real HTTP request to the
// double's authorize endpoint (redirects not followed) gives that address, so everything between
// the connector and the double is the real code and the real wire.
import type { WebAuthFlow } from '../../../src/crm/oauth';

export interface FakeWebAuthFlow extends WebAuthFlow {
  calls: { url: string; interactive: boolean }[];
}

export function fakeWebAuthFlow(): FakeWebAuthFlow {
  const calls: { url: string; interactive: boolean }[] = [];
  const flow = (async ({ url, interactive }) => {
    calls.push({ url, interactive });
    const res = await fetch(url, { redirect: 'manual' });
    const location = res.headers.get('location');
    await res.text();
    if (res.status >= 300 && res.status < 400 && location) return location;
    // What Chrome says when the page would need the user (a login form) and may not show it.
    throw new Error(interactive ? 'The user did not approve access.' : 'User interaction required.');
  }) as FakeWebAuthFlow;
  flow.calls = calls;
  return flow;
}

// The Raiser's Edge NXT connector against the SKY API contract double (a real HTTP server on
// 127.0.0.1): PKCE sign-in end to end, every Connector method, the error mapping of §1.6, token
// refresh, pacing, and incremental sync.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConnectorError, createConnector } from '../../src/crm';
import { raisersEdgeConfigSchema } from '../../src/crm/raisers-edge';
import type { ChangePage, Connector } from '../../src/crm/types';
import { startSkyDouble, type SkyDouble, type SkyDoubleOptions } from './renxt-double';
import { connectorFor, signedIn } from './renxt-double/harness';

// Pacing (4 requests a second) makes a card or a sync take seconds, by design.
vi.setConfig({ testTimeout: 30_000 });

let running: SkyDouble | null = null;
afterEach(async () => {
  await running?.close();
  running = null;
});
async function start(options: SkyDoubleOptions = {}): Promise<SkyDouble> {
  running = await startSkyDouble(options);
  return running;
}
/** A connector already signed in as `user` (most tests are about the API, not the consent). */
function ready(d: SkyDouble, user = d.users.admin, options: Parameters<typeof connectorFor>[1] = {}) {
  return connectorFor(d, { tokens: signedIn(d, user), ...options });
}
const apiCalls = (d: SkyDouble) => d.log.filter((e) => e.path !== '/token' && e.path !== '/oauth/authorize');
const markerActions = (d: SkyDouble, key: string) => [...d.data.actions.values()].filter((a) => String(a.fields.description ?? '').endsWith(`[kindred:${key}]`));
async function failure(promise: Promise<unknown>): Promise<ConnectorError> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(ConnectorError);
  return error as ConnectorError;
}
async function pages(connector: Connector, cursor: string | null): Promise<ChangePage[]> {
  const out: ChangePage[] = [];
  for await (const page of connector.pull(cursor)) out.push(page);
  return out;
}

describe('config', () => {
  const base = { applicationId: 'app', subscriptionKey: 'key' };
  it('needs the application id and the subscription key, and defaults to Blackbaud', () => {
    expect(raisersEdgeConfigSchema.safeParse({ applicationId: 'app' }).success).toBe(false);
    expect(raisersEdgeConfigSchema.safeParse({ subscriptionKey: 'key', applicationId: ' ' }).success).toBe(false);
    expect(raisersEdgeConfigSchema.parse({ ...base, environmentId: '' })).toEqual({ ...base, environmentId: undefined });
  });
  it('allows plain http only on the loopback', () => {
    expect(raisersEdgeConfigSchema.safeParse({ ...base, apiBase: 'http://127.0.0.1:8080/' }).data?.apiBase).toBe('http://127.0.0.1:8080');
    expect(raisersEdgeConfigSchema.safeParse({ ...base, tokenUrl: 'http://localhost:9/token' }).success).toBe(true);
    expect(raisersEdgeConfigSchema.safeParse({ ...base, apiBase: 'http://api.sky.blackbaud.com' }).success).toBe(false);
    expect(raisersEdgeConfigSchema.safeParse({ ...base, authorizeUrl: 'ftp://127.0.0.1/' }).success).toBe(false);
  });
  it('is registered and never touches the network when created', () => {
    const connector = createConnector('raisers-edge', base, {
      fetch: () => {
        throw new Error('network used');
      },
    });
    expect(connector.id).toBe('raisers-edge');
    expect(typeof connector.signIn).toBe('function');
  });
});

describe('sign-in (PKCE through the identity API)', () => {
  it('consents, exchanges the code with the verifier, keeps environment and user, and tests the connection', async () => {
    const d = await start();
    const { connector, tokens, webAuthFlow } = connectorFor(d);
    await connector.signIn!();
    const asked = new URL(webAuthFlow.calls[0]!.url);
    expect(Object.fromEntries(asked.searchParams)).toMatchObject({
      client_id: d.applicationId, response_type: 'code', code_challenge_method: 'S256', redirect_uri: 'https://kindredextensionid.chromiumapp.org/raisers-edge',
    });
    expect(asked.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(asked.searchParams.has('environment_id')).toBe(false);
    const exchange = d.log.find((e) => e.path === '/token')!;
    expect(new URLSearchParams(exchange.body).get('code_verifier')).toMatch(/^[\w\-.~]{43,128}$/);
    expect(new URLSearchParams(exchange.body).has('client_secret')).toBe(false);
    expect(tokens.value).toMatchObject({ refreshToken: expect.any(String), extra: { environment_id: d.environments[0]!.id, email: d.users.admin.email } });
    expect(await connector.testConnection()).toEqual({ user: d.users.admin.email, canReadGifts: true });
    expect(await connector.connection()).toMatchObject({ environmentName: 'Blackbaud Developer Sandbox Environment', email: d.users.admin.email });
    // Both credentials on every API call.
    for (const call of apiCalls(d)) {
      expect(call.headers['bb-api-subscription-key']).toBe(d.subscriptionKey);
      expect(call.headers.authorization).toMatch(/^Bearer \S+$/);
    }
  });

  it('testConnection opens the consent window itself when nothing is stored', async () => {
    const d = await start();
    const { connector, webAuthFlow } = connectorFor(d);
    expect((await connector.testConnection()).user).toBe(d.users.admin.email);
    expect(webAuthFlow.calls).toHaveLength(1);
  });

  it('sends environment_id on re-consent and reports a refusal in words', async () => {
    const d = await start();
    const { connector, webAuthFlow } = connectorFor(d, { config: { environmentId: d.environments[1]!.id } });
    await connector.signIn!();
    expect(new URL(webAuthFlow.calls[0]!.url).searchParams.get('environment_id')).toBe(d.environments[1]!.id);
    expect(await (connector as unknown as { connection(): Promise<unknown> }).connection()).toMatchObject({ environmentName: 'Second Environment' });
    d.session.deny = true;
    expect((await failure(connector.signIn!())).message).toMatch(/cancelled or refused/);
  });

  it('signOut forgets the tokens', async () => {
    const d = await start();
    const { connector, tokens } = connectorFor(d);
    await connector.signIn!();
    await connector.signOut!();
    expect(tokens.value).toBeNull();
    expect((await failure(connector.search('Hernandez'))).code).toBe('auth');
  });
});

describe('tokens and auth errors', () => {
  it('refreshes once on a 401 with the rotating refresh token, and retries', async () => {
    const d = await start();
    const { connector, tokens } = connectorFor(d);
    await connector.signIn!();
    const before = tokens.value!.refreshToken;
    d.expireAccessTokens();
    expect(await connector.search('Hernandez')).toHaveLength(3);
    expect(tokens.value!.refreshToken).not.toBe(before);
    expect(d.refreshTokens().map((r) => r.used)).toEqual([true, false]);
  });

  it('does not storm the token endpoint when ten requests meet an expired token', async () => {
    const d = await start();
    const { connector } = connectorFor(d);
    await connector.signIn!();
    d.expireAccessTokens();
    await Promise.all(Array.from({ length: 10 }, () => connector.search('Hernandez')));
    expect(d.log.filter((e) => e.path === '/token')).toHaveLength(2); // the sign-in and one refresh
  });

  it('without a refresh token, re-consents silently; without a session, asks the user to reconnect', async () => {
    const d = await start({ issueRefreshTokens: false });
    const { connector, webAuthFlow } = connectorFor(d);
    await connector.signIn!();
    d.expireAccessTokens();
    expect(await connector.search('Hernandez')).toHaveLength(3);
    expect(webAuthFlow.calls.map((c) => c.interactive)).toEqual([true, false]);
    d.expireAccessTokens();
    d.session.user = null;
    const error = await failure(connector.search('Hernandez'));
    expect(error.code).toBe('auth');
    expect(error.message).toMatch(/Connect again/);
  });

  it('a spent refresh token ends in auth, not a loop', async () => {
    const d = await start({ issueRefreshTokens: true });
    const { connector, tokens } = connectorFor(d);
    await connector.signIn!();
    d.session.user = null;
    d.expireAccessTokens();
    tokens.value = { ...tokens.value!, refreshToken: 'spent' };
    expect((await failure(connector.get('raisers-edge:280'))).code).toBe('auth');
  });

  it('a bad subscription key is an admin problem: auth with words, and no refresh', async () => {
    const d = await start();
    const { connector } = ready(d, d.users.admin, { config: { subscriptionKey: 'wrong' } });
    const error = await failure(connector.get('raisers-edge:280'));
    expect(error.code).toBe('auth');
    expect(error.message).toMatch(/subscription key/);
    expect(error.message).toMatch(/administrator/);
    expect(error.message).not.toMatch(/sign in again\.$/);
    expect(d.log.filter((e) => e.path === '/token')).toHaveLength(0);
  });

  it('not signed in is auth, before any request', async () => {
    const d = await start();
    const connector = createConnector('raisers-edge', { applicationId: d.applicationId, subscriptionKey: d.subscriptionKey, apiBase: d.apiBase });
    expect((await failure(connector.search('x'))).code).toBe('auth');
    expect(d.log).toHaveLength(0);
  });
});

describe('throttling and failures', () => {
  it('waits out a short 429 and retries it', async () => {
    const d = await start();
    const { connector } = ready(d);
    d.fault({ status: 429, retryAfter: '1' });
    expect(await connector.search('Hernandez')).toHaveLength(3);
    const [limited, retried] = apiCalls(d);
    expect(limited!.status).toBe(429);
    expect(retried!.at - limited!.at).toBeGreaterThanOrEqual(900);
  });

  it('hands a long 429 back as rateLimited with its Retry-After', async () => {
    const d = await start();
    const { connector } = ready(d);
    d.fault({ status: 429, retryAfter: '30' });
    const error = await failure(connector.search('Hernandez'));
    expect([error.code, error.retryAfterMs]).toEqual(['rateLimited', 30_000]);
  });

  it('stops all traffic after the quota 403 until Retry-After', async () => {
    const d = await start({ dailyQuota: 0 });
    const { connector } = ready(d);
    const error = await failure(connector.get('raisers-edge:280'));
    expect([error.code, error.retryAfterMs]).toEqual(['rateLimited', 406_000]);
    expect(error.message).toMatch(/daily API limit/);
    const calls = apiCalls(d).length;
    expect((await failure(connector.search('x'))).code).toBe('rateLimited');
    expect(apiCalls(d)).toHaveLength(calls);
  });

  it('maps the other statuses and both error envelopes', async () => {
    const d = await start();
    const { connector } = ready(d);
    d.fault({ status: 500 });
    expect((await failure(connector.search('Hernandez'))).code).toBe('server');
    d.fault({ status: 400, body: JSON.stringify([{ Message: 'Error converting value "panda"', ErrorCode: 400, RawMessage: 'raw' }]) });
    const invalid = await failure(connector.search('Hernandez'));
    expect([invalid.code, invalid.message]).toEqual(['invalid', expect.stringContaining('Error converting value "panda"')]);
    d.fault({ status: 403, body: JSON.stringify({ statusCode: 403, message: 'Forbidden for this user' }) });
    expect(await failure(connector.search('Hernandez'))).toMatchObject({ code: 'forbidden', message: expect.stringContaining('Forbidden for this user') });
    d.fault({ status: 200, body: '{"count":1,"value":[{"name":"no id"}]}' });
    expect((await failure(connector.search('Hernandez'))).code).toBe('invalid');
    d.fault({ dropBeforeApply: true });
    expect((await failure(connector.search('Hernandez'))).code).toBe('network');
    expect((await failure(connector.history('raisers-edge:99999'))).code).toBe('notFound');
    expect((await failure(connector.get('civicrm:1'))).code).toBe('invalid');
  });

  it('paces requests to at most four in any second', async () => {
    const d = await start();
    const { connector } = ready(d);
    await Promise.all(Array.from({ length: 10 }, () => connector.search('Hernandez')));
    const at = apiCalls(d).map((e) => e.at);
    expect(at).toHaveLength(10);
    expect(apiCalls(d).every((e) => e.status === 200)).toBe(true);
    for (let i = 0; i + 4 < at.length; i++) expect(at[i + 4]! - at[i]!).toBeGreaterThanOrEqual(800);
  });
});

describe('reading', () => {
  it('finds nothing by identity over the network: SKY cannot search presences', async () => {
    const d = await start();
    const { connector } = ready(d);
    expect(await connector.findByIdentities([{ platform: 'x', handle: 'drbobhernandez' }])).toEqual({});
    expect(d.log).toHaveLength(0);
  });

  it('searches by name, and by email with only the three allowed parameters', async () => {
    const d = await start();
    const { connector } = ready(d);
    expect(await connector.search('Robert Hernandez')).toEqual([
      { id: 'raisers-edge:280', displayName: 'Dr. Robert C. Hernandez', tags: [], emails: ['robertcarloshernandez@gmail.com'] },
    ]);
    expect((await connector.search('bob@hernandez-family.org')).map((s) => s.id)).toEqual(['raisers-edge:280']);
    expect(apiCalls(d).at(-1)!.query.map(([k]) => k).sort()).toEqual(['search_field', 'search_text']);
    expect(await connector.search('  ')).toEqual([]);
  });

  it('builds the card: constituent, codes as tags, active solicit codes, giving summary', async () => {
    const d = await start();
    const { connector } = ready(d);
    const bob = await connector.get('raisers-edge:280');
    expect(bob).toMatchObject({
      id: 'raisers-edge:280', source: 'raisers-edge', externalId: '280', displayName: 'Dr. Robert C. Hernandez', firstName: 'Robert', lastName: 'Hernandez',
      emails: ['robertcarloshernandez@gmail.com'], phones: ['(303)-997-3301'], tags: ['Board Member'],
      solicitCodes: ['Do not call on weekends'], doNotContact: false, updatedAt: '2016-07-14T04:13:51.216Z',
      giving: { lifetime: 150_600, lastGiftAmount: 50, lastGiftDate: '2020-02-15', largestGift: 150_000, currency: null, firstGiftAmount: 500, firstGiftDate: '2001-06-01' },
    });
    const sam = await connector.get('raisers-edge:302');
    expect(sam).toMatchObject({ doNotContact: true, solicitCodes: ['Do not solicit'], giving: { lifetime: 0, lastGiftAmount: null, largestGift: null } });
    expect(await connector.get('raisers-edge:99999')).toBeNull();
  });

  it('gives a volunteer without gift rights a card without giving, not an error (403 or 401)', async () => {
    for (const giftDenialStatus of [403, 401] as const) {
      const d = await start({ giftDenialStatus });
      // The browser's Blackbaud session is the volunteer's too, so a silent re-consent stays them.
      d.session.user = d.users.volunteer;
      const { connector } = ready(d, d.users.volunteer);
      expect((await connector.testConnection()).canReadGifts).toBe(false);
      const card = await connector.get('raisers-edge:280');
      expect(card).toMatchObject({ displayName: 'Dr. Robert C. Hernandez', giving: null });
      expect((await connector.history('raisers-edge:280')).gifts).toEqual([]);
      await d.close();
    }
  });

  it('reads the timeline: actions as interactions, gifts without recurring schedules', async () => {
    const d = await start();
    const { connector } = ready(d);
    const { interactions, gifts } = await connector.history('raisers-edge:280');
    expect(interactions.map((i) => [i.id, i.kind, i.externalId])).toEqual([
      ['raisers-edge:action:316', 'call', '316'],
      ['raisers-edge:action:410', 'note', '410'],
    ]);
    expect(interactions[1]).toMatchObject({ summary: 'Sent invitation for Dr. Hernandez to attend our board meetings.', source: 'raisers-edge', status: 'synced' });
    expect(gifts.map((g) => [g.id, g.amount, g.date])).toEqual([
      ['raisers-edge:gift:1502', 50, '2020-02-15'],
      ['raisers-edge:gift:1501', 50, '2020-01-15'],
      ['raisers-edge:gift:1363', 150_000, '2005-04-10'],
      ['raisers-edge:gift:1201', 500, '2001-06-01'],
    ]);
  });
});

describe('writing', () => {
  const at = new Date(2026, 10, 22, 10, 5).toISOString();
  const draft = { kind: 'dm' as const, channel: 'x' as const, at, summary: 'Gala', notes: 'Talked about the gala.\nWants to volunteer.', profileUrl: 'https://x.com/drbobhernandez' };

  it('logs an action with the mapped category, a short summary and the marker, and reads it back as the same interaction', async () => {
    const d = await start();
    const { connector } = ready(d, d.users.admin, { userName: 'Sam Staff' });
    const { externalId } = await connector.logInteraction('raisers-edge:280', draft, 'key-1');
    const row = d.data.actions.get(externalId)!;
    expect(row).toMatchObject({ constituent_id: '280', category: 'Task/Other', date: '2026-11-22T00:00:00Z', completed: true });
    expect(row.fields).toMatchObject({ summary: 'Direct message on X: Gala', type: 'Social Media', start_time: '10:05', author: 'Sam Staff' });
    expect(String(row.fields.description)).toMatch(/\[kindred:key-1\]$/);
    const back = (await connector.history('raisers-edge:280')).interactions.find((i) => i.externalId === externalId);
    expect(back).toMatchObject({ id: 'key-1', kind: 'dm', channel: 'x', summary: 'Gala', notes: draft.notes, profileUrl: draft.profileUrl, at, author: 'Sam Staff' });
    const call = await connector.logInteraction('raisers-edge:280', { kind: 'call', at, notes: '', summary: 'x'.repeat(300) }, 'key-2');
    expect(d.data.actions.get(call.externalId)).toMatchObject({ category: 'Phone Call' });
    expect(String(d.data.actions.get(call.externalId)!.fields.summary)).toHaveLength(255);
  });

  it('is idempotent: the marker is looked for before writing, and a duplicate is cleaned up', async () => {
    const d = await start();
    const { connector } = ready(d);
    const first = await connector.logInteraction('raisers-edge:280', draft, 'key-1');
    const again = await connector.logInteraction('raisers-edge:280', draft, 'key-1');
    expect(again).toEqual(first);
    expect(markerActions(d, 'key-1')).toHaveLength(1);
    expect(d.log.filter((e) => e.method === 'POST' && e.path === '/constituent/v1/actions')).toHaveLength(1);
    // Two copies landed (a re-sent POST): the oldest stays, the other goes.
    const copy = d.data.nextId();
    d.data.actions.set(copy, { ...d.data.actions.get(first.externalId)!, id: copy });
    expect(await connector.logInteraction('raisers-edge:280', draft, 'key-1')).toEqual(first);
    expect(markerActions(d, 'key-1').map((a) => a.id)).toEqual([first.externalId]);
  });

  it('survives a dropped connection after the write was applied: one action', async () => {
    const d = await start();
    const { connector } = ready(d);
    d.fault({ dropAfterApply: true, match: (r) => r.method === 'POST' });
    expect((await failure(connector.logInteraction('raisers-edge:280', draft, 'key-drop'))).code).toBe('network');
    expect(markerActions(d, 'key-drop')).toHaveLength(1);
    const retried = await connector.logInteraction('raisers-edge:280', draft, 'key-drop');
    expect(retried.externalId).toBe(markerActions(d, 'key-drop')[0]!.id);
    expect(markerActions(d, 'key-drop')).toHaveLength(1);
  });

  it('creates a constituent with last name and email type from the tenant', async () => {
    const d = await start();
    const { connector } = ready(d);
    const ref = await connector.createConstituent({ displayName: 'Ada Okafor', emails: ['ada@example.org'] });
    const id = ref.split(':')[1]!;
    expect(d.data.constituents.get(id)).toMatchObject({ first: 'Ada', last: 'Okafor' });
    expect([...d.data.emails.values()].find((e) => e.constituent_id === id)).toMatchObject({ address: 'ada@example.org', type: 'Email', primary: true });
    const cher = await connector.createConstituent({ displayName: 'Cher' });
    expect(d.data.constituents.get(cher.split(':')[1]!)).toMatchObject({ last: 'Cher' });
  });

  it('links an identity as an online presence of the matching type, once', async () => {
    const d = await start();
    const { connector } = ready(d);
    await connector.linkIdentity('raisers-edge:410', { platform: 'x', handle: 'wendyh' }); // already there as "@WendyH"
    await connector.linkIdentity('raisers-edge:280', { platform: 'linkedin', handle: 'robert-hernandez' });
    const added = [...d.data.onlinePresences.values()].filter((p) => p.type === 'LinkedIn' && p.constituent_id === '280');
    expect(added).toHaveLength(1);
    expect(added[0]!.address).toMatch(/linkedin\.com\/in\/robert-hernandez/);
    await connector.linkIdentity('raisers-edge:280', { platform: 'linkedin', handle: 'robert-hernandez' });
    await connector.linkIdentity('raisers-edge:302', { platform: 'x', handle: 'samquiet' });
    expect([...d.data.onlinePresences.values()].find((p) => p.constituent_id === '302')).toMatchObject({ type: 'Twitter', address: expect.stringMatching(/samquiet/) });
    expect(d.log.filter((e) => e.method === 'POST')).toHaveLength(2);
    const error = await failure(connector.linkIdentity('raisers-edge:280', { platform: 'instagram', handle: 'bob' }));
    expect(error.code).toBe('invalid');
    expect(error.message).toMatch(/no online presence type for Instagram/);
    expect((await failure(connector.linkIdentity('raisers-edge:99999', { platform: 'x', handle: 'y' }))).code).toBe('notFound');
  });
});

describe('pull', () => {
  it('syncs constituents and their canonical identities, then presences; inactive ones are deleted', async () => {
    const d = await start();
    const { connector } = ready(d);
    const result = await pages(connector, null);
    const ids = result.flatMap((p) => p.constituents.map((c) => c.id));
    expect(ids).toEqual(expect.arrayContaining(['raisers-edge:280', 'raisers-edge:410', 'raisers-edge:301', 'raisers-edge:500']));
    expect(ids).not.toContain('raisers-edge:300');
    expect(result.flatMap((p) => p.deleted)).toContain('raisers-edge:300');
    const keys = result[0]!.identities.map((i) => `${i.constituentId} ${i.identity.platform}:${i.identity.handle}`);
    expect(keys).toEqual(
      expect.arrayContaining([
        'raisers-edge:280 x:drbobhernandez',
        'raisers-edge:280 facebook:drbobhernandez',
        'raisers-edge:410 x:wendyh',
      ]),
    );
    expect(keys.some((k) => k.includes('old_bob') || k.includes('myspace'))).toBe(false);
    const first = apiCalls(d)[0]!;
    expect(first.query).toEqual(expect.arrayContaining([['last_modified', '1600-01-01T00:00:00Z'], ['include_inactive', 'true'], ['include_deceased', 'true']]));
  });

  it('follows next_link verbatim, resumes from a saved cursor, and starts the next pass 35 minutes before the newest change', async () => {
    const d = await start();
    d.seedConstituents(600, { presenceEvery: 100 });
    const { connector } = ready(d);
    const first = await pages(connector, null);
    expect(first.length).toBeGreaterThanOrEqual(3);
    const link = new URL(JSON.parse(first[0]!.cursor).next as string);
    expect(link.searchParams.get('sort_token')).toBeTruthy();
    expect(first[0]!.progress).toEqual({ done: 500, total: 607 });

    // A worker killed after page 1: a new connector resumes with the saved link, as is.
    const resumed = ready(d).connector;
    const before = d.log.length;
    const rest = await pages(resumed, first[0]!.cursor);
    const firstResumed = d.log[before]!;
    expect(`${d.apiBase}${firstResumed.path}?${new URLSearchParams(firstResumed.query).toString()}`).toBe(link.toString());
    expect(rest.flatMap((p) => p.constituents).map((c) => c.id)).toContain('raisers-edge:10599');
    expect(rest.flatMap((p) => p.identities).some((i) => i.identity.handle === 'bulk500')).toBe(true);

    // Next pass: from the newest change seen minus the overlap; a change the list index showed late is caught.
    const end = JSON.parse(first.at(-1)!.cursor) as { since: string; next: null };
    expect(end.next).toBeNull();
    const newest = Math.max(...[...d.data.constituents.values(), ...d.data.onlinePresences.values()].map((r) => Date.parse(r.date_modified)));
    expect(Date.parse(end.since)).toBe(newest - 35 * 60_000);
    d.touch('constituents', '410', new Date(newest - 20 * 60_000));
    const next = await pages(connector, first.at(-1)!.cursor);
    expect(next.flatMap((p) => p.constituents.map((c) => c.id))).toContain('raisers-edge:410');
    expect(next.flatMap((p) => p.constituents.map((c) => c.id))).not.toContain('raisers-edge:280');
  });

  it('picks up a presence added later, with its owner in full; another environment’s cursor starts over', async () => {
    const d = await start();
    const { connector } = ready(d);
    const done = await pages(connector, null);
    await connector.linkIdentity('raisers-edge:190', { platform: 'facebook', handle: 'markoliver' });
    const after = await pages(connector, done.at(-1)!.cursor);
    const presencePage = after.find((p) => p.identities.some((i) => i.identity.handle === 'markoliver'))!;
    expect(presencePage.constituents.map((c) => c.id)).toContain('raisers-edge:190');

    const foreign = JSON.stringify({ ...JSON.parse(done.at(-1)!.cursor), env: 'p-other', since: '2030-01-01T00:00:00Z' });
    const before = d.log.length;
    await pages(connector, foreign);
    expect(d.log[before]!.query).toContainEqual(['last_modified', '1600-01-01T00:00:00Z']);
  });
});

// Self-tests of the SKY API contract double (crm-contracts-renxt.md §6), over real HTTP with the
// global fetch: each check the notes list is proved here, so the connector tests can trust it.
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { startSkyDouble, TEST_REDIRECT_URI, type SkyDouble, type SkyDoubleOptions } from './renxt-double';

let running: SkyDouble | null = null;
afterEach(async () => {
  await running?.close();
  running = null;
});
async function start(options: SkyDoubleOptions = {}): Promise<SkyDouble> {
  // Most checks fire requests back to back: the limiter has its own test.
  running = await startSkyDouble({ rateLimitPerSecond: 0, ...options });
  return running;
}

function api(d: SkyDouble, path: string, init: { method?: string; body?: unknown; token?: string | null; key?: string | null; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...init.headers };
  // Lower-case on purpose: the header name is case-insensitive (§1.1, TUT-EXT sends it so).
  if (init.key !== null) headers['bb-api-subscription-key'] = init.key ?? d.subscriptionKey;
  if (init.token !== null) headers.Authorization = `Bearer ${init.token ?? d.mintToken()}`;
  if (init.body !== undefined && !headers['Content-Type']) headers['Content-Type'] = 'application/json';
  return fetch(`${d.apiBase}${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers,
    ...(init.body !== undefined ? { body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body) } : {}),
  });
}
const read = async (res: Response) => ({ status: res.status, body: (await res.json()) as Record<string, unknown> & unknown[] });

describe('gateway', () => {
  it('requires the subscription key, with the documented 401 texts', async () => {
    const d = await start();
    expect(await read(await api(d, '/constituent/v1/constituents/280', { key: null }))).toEqual({
      status: 401,
      body: { statusCode: 401, message: 'Access denied due to missing subscription key. Make sure to include subscription key when making requests to an API.' },
    });
    expect(await read(await api(d, '/constituent/v1/constituents/280', { key: 'nope' }))).toEqual({
      status: 401,
      body: { statusCode: 401, message: 'Access denied due to invalid subscription key. Make sure to provide a valid key for an active subscription.' },
    });
  });

  it('requires a live bearer token', async () => {
    const d = await start();
    const expected = { statusCode: 401, message: 'The required Authorization header was missing or invalid, or the token has expired' };
    expect(await read(await api(d, '/constituent/v1/constituents/280', { token: null }))).toEqual({ status: 401, body: expected });
    expect((await api(d, '/constituent/v1/constituents/280', { token: 'forged' })).status).toBe(401);
    const token = d.mintToken();
    expect((await api(d, '/constituent/v1/constituents/280', { token })).status).toBe(200);
    d.expireAccessTokens();
    expect(await read(await api(d, '/constituent/v1/constituents/280', { token }))).toEqual({ status: 401, body: expected });
  });

  it('wants JSON bodies: 415 without the content type, an array 400 for bad JSON', async () => {
    const d = await start();
    expect((await api(d, '/constituent/v1/actions', { body: '{}', headers: { 'Content-Type': 'text/plain' } })).status).toBe(415);
    const bad = await read(await api(d, '/constituent/v1/actions', { body: '{nope' }));
    expect(bad.status).toBe(400);
    expect(bad.body[0]).toMatchObject({ ErrorCode: 400, Message: expect.any(String) });
  });

  it('records the Origin header', async () => {
    const d = await start();
    await api(d, '/constituent/v1/constituents/280', { headers: { Origin: 'chrome-extension://kindred' } });
    expect(d.log.at(-1)?.headers.origin).toBe('chrome-extension://kindred');
  });

  it('rate-limits with 429, Retry-After and the gateway body', async () => {
    const d = await start({ rateLimitPerSecond: 5 });
    const token = d.mintToken();
    const replies = await Promise.all(Array.from({ length: 8 }, () => api(d, '/constituent/v1/onlinepresencetypes', { token })));
    const limited = replies.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThanOrEqual(2);
    expect(limited[0]!.headers.get('retry-after')).toBe('1');
    expect(await limited[0]!.json()).toEqual({ statusCode: 429, message: 'Rate limit is exceeded. Try again in 1 second.' });
  });

  it('stops at the daily quota with 403, Retry-After and the quota message', async () => {
    const d = await start({ dailyQuota: 1 });
    expect((await api(d, '/constituent/v1/onlinepresencetypes')).status).toBe(200);
    const res = await api(d, '/constituent/v1/onlinepresencetypes');
    expect(res.status).toBe(403);
    expect(res.headers.get('retry-after')).toBe('406');
    expect(await res.json()).toEqual({ statusCode: 403, message: 'Out of call volume quota. Quota will be replenished in 00:06:46.' });
  });
});

// --- OAuth ------------------------------------------------------------------------------------

const verifier = 'v'.repeat(20) + '-._~' + 'A1'.repeat(20);
const challenge = createHash('sha256').update(verifier).digest('base64url');

function authorizeUrl(d: SkyDouble, params: Record<string, string> = {}) {
  const url = new URL(d.authorizeUrl);
  const all = { client_id: d.applicationId, response_type: 'code', redirect_uri: TEST_REDIRECT_URI, state: 's1', code_challenge: challenge, code_challenge_method: 'S256', ...params };
  for (const [k, v] of Object.entries(all)) url.searchParams.set(k, v);
  return url.toString();
}
async function authorize(d: SkyDouble, params: Record<string, string> = {}) {
  const res = await fetch(authorizeUrl(d, params), { redirect: 'manual' });
  return { status: res.status, location: res.headers.get('location') ? new URL(res.headers.get('location')!) : null };
}
async function token(d: SkyDouble, form: Record<string, string>, type = 'application/x-www-form-urlencoded') {
  const res = await fetch(d.tokenUrl, { method: 'POST', headers: { 'Content-Type': type }, body: new URLSearchParams({ client_id: d.applicationId, ...form }).toString() });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}
async function code(d: SkyDouble) {
  const { location } = await authorize(d);
  return location!.searchParams.get('code')!;
}

describe('authorize', () => {
  it('redirects to the registered URI with a code and the state', async () => {
    const d = await start();
    const { status, location } = await authorize(d);
    expect(status).toBe(302);
    expect(`${location!.origin}${location!.pathname}`).toBe(TEST_REDIRECT_URI);
    expect(location!.searchParams.get('state')).toBe('s1');
    expect(location!.searchParams.get('code')).toMatch(/^[\w-]{20,}$/);
  });

  it('never redirects for an unknown app or an unregistered redirect URI (exact match)', async () => {
    const d = await start();
    expect(await authorize(d, { client_id: 'other' })).toMatchObject({ status: 400, location: null });
    expect(await authorize(d, { redirect_uri: `${TEST_REDIRECT_URI}/` })).toMatchObject({ status: 400, location: null });
    expect(await authorize(d, { redirect_uri: TEST_REDIRECT_URI.toUpperCase() })).toMatchObject({ status: 400, location: null });
  });

  it('refuses a plain challenge method, a refusal and an unknown environment through the redirect', async () => {
    const d = await start();
    expect((await authorize(d, { code_challenge_method: 'plain' })).location!.searchParams.get('error')).toBe('invalid_request');
    expect((await authorize(d, { environment_id: 'p-nope' })).location!.searchParams.get('error')).toBe('access_denied');
    d.session.deny = true;
    const denied = (await authorize(d)).location!;
    expect([denied.searchParams.get('error'), denied.searchParams.get('state')]).toEqual(['access_denied', 's1']);
  });

  it('shows its login page when the browser has no Blackbaud session', async () => {
    const d = await start();
    d.session.user = null;
    expect(await authorize(d)).toMatchObject({ status: 200, location: null });
  });
});

describe('token endpoint', () => {
  it('exchanges a code once, checking the PKCE verifier, and reports the environment and user', async () => {
    const d = await start({ tokenTtlSeconds: 120 });
    const c = await code(d);
    const ok = await token(d, { grant_type: 'authorization_code', code: c, redirect_uri: TEST_REDIRECT_URI, code_verifier: verifier });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({
      token_type: 'bearer', expires_in: 120, refresh_token: expect.any(String),
      environment_id: d.environments[0]!.id, environment_name: 'Blackbaud Developer Sandbox Environment',
      user_id: d.users.admin.userId, email: d.users.admin.email,
    });
    expect((await api(d, '/constituent/v1/constituents/280', { token: String(ok.body.access_token) })).status).toBe(200);
    // Single use.
    expect(await token(d, { grant_type: 'authorization_code', code: c, redirect_uri: TEST_REDIRECT_URI, code_verifier: verifier })).toEqual({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('refuses a wrong verifier, a missing verifier, a different redirect URI and a form that is not a form', async () => {
    const d = await start();
    const wrong = await token(d, { grant_type: 'authorization_code', code: await code(d), redirect_uri: TEST_REDIRECT_URI, code_verifier: 'x'.repeat(50) });
    expect(wrong).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    const none = await token(d, { grant_type: 'authorization_code', code: await code(d), redirect_uri: TEST_REDIRECT_URI });
    expect(none).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    const elsewhere = await token(d, { grant_type: 'authorization_code', code: await code(d), redirect_uri: 'https://other.example/cb', code_verifier: verifier });
    expect(elsewhere).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    const json = await token(d, { grant_type: 'authorization_code', code: await code(d), redirect_uri: TEST_REDIRECT_URI, code_verifier: verifier }, 'application/json');
    expect(json.status).toBe(400);
    expect((await token(d, { grant_type: 'client_credentials' })).body).toEqual({ error: 'unsupported_grant_type' });
    expect((await token(d, { grant_type: 'refresh_token', refresh_token: 'x', client_id: 'other' })).body).toEqual({ error: 'invalid_client' });
  });

  it('rotates refresh tokens: each is good for one refresh', async () => {
    const d = await start();
    const first = await token(d, { grant_type: 'authorization_code', code: await code(d), redirect_uri: TEST_REDIRECT_URI, code_verifier: verifier });
    const r1 = String(first.body.refresh_token);
    const second = await token(d, { grant_type: 'refresh_token', refresh_token: r1 });
    expect(second.status).toBe(200);
    expect(second.body.refresh_token).not.toBe(r1);
    expect(await token(d, { grant_type: 'refresh_token', refresh_token: r1 })).toEqual({ status: 400, body: { error: 'invalid_grant' } });
    expect((await token(d, { grant_type: 'refresh_token', refresh_token: String(second.body.refresh_token) })).status).toBe(200);
  });

  it('can issue no refresh token at all (the open question of §8 item 1)', async () => {
    const d = await start({ issueRefreshTokens: false });
    const reply = await token(d, { grant_type: 'authorization_code', code: await code(d), redirect_uri: TEST_REDIRECT_URI, code_verifier: verifier });
    expect(reply.status).toBe(200);
    expect(reply.body).not.toHaveProperty('refresh_token');
  });
});

// --- resources ----------------------------------------------------------------------------------

describe('constituents', () => {
  it('serves the documented sample 280 with string ids, fuzzy dates and extra fields', async () => {
    const d = await start();
    const { status, body } = await read(await api(d, '/constituent/v1/constituents/280'));
    expect(status).toBe(200);
    expect(body).toMatchObject({
      id: '280', lookup_id: '96', name: 'Dr. Robert C. Hernandez', first: 'Robert', last: 'Hernandez', birthdate: { y: 1961, m: 3, d: 14 },
      email: { id: '283', address: 'robertcarloshernandez@gmail.com' }, phone: { id: '95' }, date_modified: '2016-07-14T04:13:51.2167803Z',
      import_id: expect.any(String),
    });
    expect((await api(d, '/constituent/v1/constituents/99999')).status).toBe(404);
  });

  it('search needs search_text, knows two search fields, and does not search online presences', async () => {
    const d = await start();
    expect((await api(d, '/constituent/v1/constituents/search')).status).toBe(400);
    expect((await api(d, '/constituent/v1/constituents/search?search_text=x&search_field=name')).status).toBe(400);
    const byName = await read(await api(d, '/constituent/v1/constituents/search?search_text=Hernandez'));
    expect(byName.body).toMatchObject({ count: 3 });
    const byLookup = await read(await api(d, '/constituent/v1/constituents/search?search_text=96&search_field=lookup_id'));
    expect((byLookup.body as unknown as { value: { id: string }[] }).value.map((v) => v.id)).toEqual(['280']);
    expect(await read(await api(d, '/constituent/v1/constituents/search?search_text=DrBobHernandez'))).toMatchObject({ body: { count: 0 } });
  });

  it('email search: exact, case-insensitive, active emails, primary email in the hit, no other parameters', async () => {
    const d = await start();
    const hit = await read(await api(d, `/constituent/v1/constituents/search?search_text=${encodeURIComponent('BOB@hernandez-family.org')}&search_field=email_address`));
    expect(hit.body).toMatchObject({ count: 1, value: [{ id: '280', email: 'robertcarloshernandez@gmail.com' }] });
    expect(await read(await api(d, '/constituent/v1/constituents/search?search_text=old@wendy.example&search_field=email_address'))).toMatchObject({ body: { count: 0 } });
    expect(await read(await api(d, '/constituent/v1/constituents/search?search_text=ina@example.org&search_field=email_address'))).toMatchObject({ body: { count: 0 } });
    expect(await read(await api(d, '/constituent/v1/constituents/search?search_text=ina@example.org&search_field=email_address&include_inactive=true'))).toMatchObject({ body: { count: 1 } });
    expect((await api(d, '/constituent/v1/constituents/search?search_text=ina@example.org&search_field=email_address&limit=10')).status).toBe(400);
  });

  it('lists by last_modified oldest first, with next_link, sort_token and the total count', async () => {
    const d = await start();
    d.seedConstituents(7);
    const first = await read(await api(d, '/constituent/v1/constituents?last_modified=2019-12-31T00:00:00Z&limit=3'));
    const body = first.body as unknown as { count: number; value: { id: string; date_modified: string }[]; next_link: string };
    expect(body.count).toBe(7);
    expect(body.value.map((v) => v.id)).toEqual(['10000', '10001', '10002']);
    const next = new URL(body.next_link);
    expect(next.searchParams.get('sort_token')).toBeTruthy();
    const page2 = await read(await api(d, `${next.pathname}${next.search}`));
    expect((page2.body as unknown as { value: { id: string }[] }).value.map((v) => v.id)).toEqual(['10003', '10004', '10005']);
    const last = new URL((page2.body as unknown as { next_link: string }).next_link);
    const page3 = await read(await api(d, `${last.pathname}${last.search}`));
    expect(page3.body).not.toHaveProperty('next_link');
    expect((await api(d, `${next.pathname}${next.search}&sort=date_added`)).status).toBe(400);
    expect((await api(d, '/constituent/v1/constituents?limit=5001')).status).toBe(400);
    expect((await api(d, '/constituent/v1/constituents?last_modified=2019-12-31T00:00:00Z&sort_token=forged')).status).toBe(400);
  });

  it('leaves out inactive and deceased constituents unless asked', async () => {
    const d = await start();
    const ids = async (q: string) => ((await read(await api(d, `/constituent/v1/constituents${q}`))).body as unknown as { value: { id: string }[] }).value.map((v) => v.id);
    expect(await ids('')).not.toContain('300');
    expect(await ids('')).not.toContain('301');
    expect(await ids('?include_inactive=true&include_deceased=true')).toEqual(expect.arrayContaining(['300', '301']));
    expect(await ids('?constituent_id=280&constituent_id=410')).toEqual(['280', '410']);
  });

  it('creates individuals only with a last name, and email types from the table', async () => {
    const d = await start();
    expect((await api(d, '/constituent/v1/constituents', { body: { type: 'Individual', first: 'Ada' } })).status).toBe(400);
    expect((await api(d, '/constituent/v1/constituents', { body: { type: 'Individual', last: 'Okafor', email: { address: 'a@x.org', type: 'Personal' } } })).status).toBe(400);
    const ok = await read(await api(d, '/constituent/v1/constituents', { body: { type: 'Individual', first: 'Ada', last: 'Okafor', email: { address: 'a@x.org', type: 'Email', primary: true } } }));
    expect(ok).toMatchObject({ status: 200, body: { id: expect.stringMatching(/^\d+$/) } });
  });
});

describe('online presences', () => {
  it('creates only with a type from the tenant table, and the change shows in the last_modified list', async () => {
    const d = await start();
    expect(await read(await api(d, '/constituent/v1/onlinepresencetypes'))).toEqual({ status: 200, body: { count: 5, value: ['Web address', 'Facebook', 'Twitter', 'LinkedIn', 'Website'] } });
    const bad = await read(await api(d, '/constituent/v1/onlinepresences', { body: { constituent_id: '280', type: 'Instagram', address: 'https://instagram.com/bob' } }));
    expect(bad.status).toBe(400);
    expect(String((bad.body[0] as { Message?: string } | undefined)?.Message)).toContain('WebAddressTypeNotFound');
    expect((await api(d, '/constituent/v1/onlinepresences', { body: { constituent_id: '99999', type: 'Twitter', address: 'x' } })).status).toBe(400);
    const since = new Date(Date.now() - 1000).toISOString();
    const made = await read(await api(d, '/constituent/v1/onlinepresences', { body: { constituent_id: '410', type: 'Facebook', address: 'https://facebook.com/wendy' } }));
    expect(made.status).toBe(200);
    const changed = await read(await api(d, `/constituent/v1/onlinepresences?last_modified=${since}`));
    expect(changed.body).toMatchObject({ count: 1, value: [{ id: made.body.id, constituent_id: '410', type: 'Facebook' }] });
  });

  it('lists one constituent’s presences, inactive ones on request', async () => {
    const d = await start();
    const active = await read(await api(d, '/constituent/v1/constituents/280/onlinepresences'));
    expect(active.body).toMatchObject({ count: 3 });
    expect(await read(await api(d, '/constituent/v1/constituents/280/onlinepresences?include_inactive=true'))).toMatchObject({ body: { count: 4 } });
  });
});

describe('actions', () => {
  const action = { constituent_id: '280', category: 'Task/Other', date: '2026-11-22T00:00:00Z', summary: 'Facebook DM' };

  it('checks category, date, summary length, enums and table values', async () => {
    const d = await start();
    const status = async (body: Record<string, unknown>) => (await api(d, '/constituent/v1/actions', { body })).status;
    expect(await status({ ...action, category: 'task/other' })).toBe(400);
    expect(await status({ ...action, category: 'Social' })).toBe(400);
    expect(await status({ ...action, date: { y: 2026, m: 11, d: 22 } })).toBe(400);
    expect(await status({ ...action, summary: 'x'.repeat(256) })).toBe(400);
    expect(await status({ ...action, direction: 'Sideways' })).toBe(400);
    expect(await status({ ...action, type: 'Not In Table' })).toBe(400);
    expect(await status({ ...action, nonsense: 1 })).toBe(400);
    expect(await status({ ...action, constituent_id: '99999' })).toBe(400);
    expect(await status({ ...action, summary: 'x'.repeat(255), type: 'Social Media', direction: 'Inbound', start_time: '10:05' })).toBe(200);
  });

  it('returns a new action at once in the per-constituent list, with computed_status', async () => {
    const d = await start();
    const made = await read(await api(d, '/constituent/v1/actions', { body: { ...action, completed: true } }));
    const list = await read(await api(d, '/constituent/v1/constituents/280/actions?limit=1'));
    const rows = (list.body as unknown as { value: { id: string; computed_status: string }[] }).value;
    expect(rows.find((r) => r.id === made.body.id)?.computed_status).toBe('Completed');
    expect(rows.find((r) => r.id === '316')?.computed_status).toBe('PastDue');
    expect(rows.find((r) => r.id === '410')).toMatchObject({ category: 'Mailing', type: 'Brochure/Invitation', status: 'Closed' });
  });

  it('can drop the connection after the write was applied', async () => {
    const d = await start();
    d.fault({ dropAfterApply: true, match: (r) => r.method === 'POST' });
    await expect(api(d, '/constituent/v1/actions', { body: action })).rejects.toThrow();
    expect([...d.data.actions.values()].filter((a) => a.fields.summary === 'Facebook DM')).toHaveLength(1);
    expect(d.log.at(-1)).toMatchObject({ status: 0, fault: 'drop-after-apply' });
  });
});

describe('gifts and giving', () => {
  it('keeps recurring schedules out of the summaries', async () => {
    const d = await start();
    expect(await read(await api(d, '/constituent/v1/constituents/280/givingsummary/lifetimegiving'))).toMatchObject({ body: { total_giving: { value: 150_600 } } });
    expect(await read(await api(d, '/constituent/v1/constituents/280/givingsummary/greatest'))).toMatchObject({
      body: { id: '1363', amount: { value: 150_000 }, funds: [{ id: '6', description: 'Natural Disaster Relief Fund' }] },
    });
    expect(await read(await api(d, '/constituent/v1/constituents/280/givingsummary/latest'))).toMatchObject({ body: { id: '1502', type: 'RecurringGiftPayment' } });
    const gifts = await read(await api(d, '/gift/v1/gifts?constituent_id=280'));
    expect((gifts.body as unknown as { value: { type: string }[] }).value.map((g) => g.type)).toContain('RecurringGift');
  });

  it('answers a donor without gifts with 404 or {} as configured', async () => {
    const d = await start();
    expect((await api(d, '/constituent/v1/constituents/302/givingsummary/first')).status).toBe(404);
    await d.close();
    const e = await start({ noGiftsReply: 'empty' });
    expect(await read(await api(e, '/constituent/v1/constituents/302/givingsummary/first'))).toEqual({ status: 200, body: {} });
  });

  it('refuses a user without gift rights with 403 (or 401 by switch)', async () => {
    const d = await start();
    const token = d.mintToken(d.users.volunteer);
    const refused = await read(await api(d, '/gift/v1/gifts?limit=1', { token }));
    expect(refused.status).toBe(403);
    expect(refused.body[0]).toMatchObject({ message: expect.stringContaining('permission') });
    expect((await api(d, '/constituent/v1/constituents/280/givingsummary/lifetimegiving', { token })).status).toBe(403);
    expect((await api(d, '/constituent/v1/constituents/280', { token })).status).toBe(200);
    await d.close();
    const e = await start({ giftDenialStatus: 401 });
    expect((await api(e, '/gift/v1/gifts', { token: e.mintToken(e.users.volunteer) })).status).toBe(401);
  });

  it('pages solicit codes with limit/skip', async () => {
    const d = await start();
    const page = await read(await api(d, '/commpref/v1/constituents/280/constituentsolicitcodes?limit=1&skip=1'));
    expect(page.body).toMatchObject({ count: 2, value: [{ id: '2', solicit_code: 'Do not call on weekends' }] });
  });
});

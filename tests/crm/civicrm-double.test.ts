// Self-tests of the CiviCRM APIv4 contract double, over real HTTP with the global fetch. Each
// describe block is a row of /work/shared/crm-contracts.md §5.1; each test could fail if the double
// drifted from the wire facts the Kindred connector is tested against.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startCiviDouble, type CiviDouble } from './civicrm-double';

let d: CiviDouble;
beforeEach(async () => {
  d = await startCiviDouble();
});
afterEach(async () => {
  await d.close();
});

const GENERIC = /^Sorry an error occurred and your request was not completed\. \(Error ID: [A-Za-z0-9]{4}-[A-Za-z0-9]{4}-[A-Za-z0-9]{4}\)$/;

interface CallOptions {
  key?: string | null;
  headers?: Record<string, string>;
  method?: string;
  body?: BodyInit;
  base?: string;
}

/** A request the way the connector sends it: POST, form field `params`, X-Civi-Auth, X-Requested-With. */
function call(entity: string, action: string, params?: unknown, o: CallOptions = {}): Promise<Response> {
  const key = o.key === undefined ? d.users.admin.apiKey : o.key;
  const headers: Record<string, string> = { 'X-Requested-With': 'XMLHttpRequest', ...(key ? { 'X-Civi-Auth': `Bearer ${key}` } : {}), ...o.headers };
  const body = o.body ?? (params === undefined ? undefined : new URLSearchParams({ params: JSON.stringify(params) }));
  return fetch(`${o.base ?? d.baseUrl}/civicrm/ajax/api4/${entity}/${action}`, { method: o.method ?? 'POST', headers, body });
}

async function values(entity: string, action: string, params?: unknown, o?: CallOptions): Promise<Record<string, unknown>[]> {
  const res = await call(entity, action, params, o);
  const json = (await res.json()) as { values: Record<string, unknown>[] };
  expect(res.status, JSON.stringify(json)).toBe(200);
  return json.values;
}

/** The real reason the double logged for the last request (the client only sees an Error ID). */
const lastReason = () => d.log.at(-1)?.reason ?? '';

describe('routes: /civicrm/ajax/api4/{Entity}/{action} and batch', () => {
  it('runs a single call and a batch of calls keyed like the request', async () => {
    expect((await values('Contact', 'get', { select: ['display_name'], where: [['id', '=', 5]] }))[0]).toEqual({ id: 5, display_name: 'Ada Okafor' });
    const calls = { a: ['Contact', 'get', { select: ['id'], where: [['id', '=', 5]] }], b: ['Email', 'get', { select: ['email'], where: [['contact_id', '=', 5]] }, 0] };
    const res = await fetch(`${d.baseUrl}/civicrm/ajax/api4`, {
      method: 'POST',
      headers: { 'X-Civi-Auth': `Bearer ${d.users.admin.apiKey}`, 'X-Requested-With': 'XMLHttpRequest' },
      body: new URLSearchParams({ calls: JSON.stringify(calls) }),
    });
    expect(res.status).toBe(200);
    const json = (await res.json()) as Record<string, { values: unknown }>;
    expect(Object.keys(json)).toEqual(['a', 'b']);
    expect(json.a!.values).toEqual([{ id: 5 }]);
    expect(json.b!.values).toEqual({ id: 4, email: 'ada.okafor@example.org' }); // index 0 → one row
  });

  it('answers 200 to a batch when one call succeeds, the first error status when none does', async () => {
    const batch = (calls: unknown) =>
      fetch(`${d.baseUrl}/civicrm/ajax/api4`, { method: 'POST', headers: { 'X-Civi-Auth': `Bearer ${d.users.volunteer.apiKey}`, 'X-Requested-With': 'XMLHttpRequest' }, body: new URLSearchParams({ calls: JSON.stringify(calls) }) });
    const mixed = await batch({ ok: ['Contact', 'get', { limit: 1 }], no: ['Contribution', 'get', {}] });
    expect(mixed.status).toBe(200);
    expect(((await mixed.json()) as Record<string, unknown>).no).toEqual({ error_code: 0, error_message: 'Authorization failed', status: 403 });
    const failing = await batch({ x: ['Nope', 'get', {}], y: ['Contribution', 'get', {}] });
    expect(failing.status).toBe(500);
  });

  it.each([
    ['unknown entity', 'Nope', 'get'],
    ['unknown action', 'Contact', 'explode'],
    ['missing action', 'Contact', ''],
  ])('gives a 500 JSON error for an %s', async (_, entity, action) => {
    const res = await call(entity, action, {});
    expect(res.status).toBe(500);
    expect(((await res.json()) as { error_message: string }).error_message).toMatch(GENERIC);
    expect(lastReason()).toMatch(/does not exist/);
  });

  it('answers 404 text/html off the CiviCRM routes', async () => {
    for (const path of ['/', '/civicrm/ajax/rest', '/civicrm/ajax/api4/Contact/get/extra', '/wp-json/civicrm/v3/rest']) {
      const res = await fetch(`${d.baseUrl}${path}`);
      expect(res.status, path).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    }
  });

  it('serves the site under basePath and nowhere else', async () => {
    const site = await startCiviDouble({ basePath: '/wordpress/', seed: 'none' });
    try {
      expect(site.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/wordpress$/);
      expect(await values('Contact', 'get', { select: ['id'], where: [['id', '=', 2]] }, { base: site.baseUrl })).toEqual([{ id: 2 }]);
      const root = site.baseUrl.replace(/\/wordpress$/, '');
      expect((await call('Contact', 'get', {}, { base: root })).status).toBe(404);
      // WordPress without clean URLs: the Civi path in `q` (GUESS §2.1).
      const q = await fetch(`${site.baseUrl}/wp-admin/admin.php?page=CiviCRM&q=civicrm/authx/id`, { headers: { 'X-Civi-Auth': `Bearer ${site.users.admin.apiKey}` } });
      expect(((await q.json()) as { contact_id: number }).contact_id).toBe(2);
    } finally {
      await site.close();
    }
  });
});

describe('method: GET only for get* and autocomplete', () => {
  it('runs a get over GET with params in the query string', async () => {
    const res = await fetch(`${d.baseUrl}/civicrm/ajax/api4/Contact/get?params=${encodeURIComponent(JSON.stringify({ select: ['id'], where: [['id', '=', 5]] }))}`, {
      headers: { 'X-Civi-Auth': `Bearer ${d.users.admin.apiKey}`, 'X-Requested-With': 'XMLHttpRequest' },
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { values: unknown }).values).toEqual([{ id: 5 }]);
  });

  it('refuses a write over GET with 405 JSON, and the write does not happen', async () => {
    const before = d.data.websites.size;
    const res = await call('Website', 'create', undefined, { method: 'GET' });
    expect(res.status).toBe(405);
    expect(await res.json()).toEqual({ error_code: 405, error_message: 'SECURITY: All requests that modify the database must be http POST, not GET.' });
    expect(d.data.websites.size).toBe(before);
  });
});

describe('web-service gate', () => {
  const ALERT = { error_code: 400, error_message: 'SECURITY ALERT: Ajax requests can only be issued by javascript clients, eg. CRM.api4().' };

  it('refuses 400 SECURITY ALERT without X-Requested-With unless authenticated via xheader or param', async () => {
    const form = new URLSearchParams({ params: '{}' });
    const plain = await fetch(`${d.baseUrl}/civicrm/ajax/api4/Contact/get`, { method: 'POST', body: form });
    expect(plain.status).toBe(400);
    expect(await plain.json()).toEqual(ALERT);
    // The `header` flow (Authorization:) authenticates but does not count as a web-service call.
    const header = await fetch(`${d.baseUrl}/civicrm/ajax/api4/Contact/get`, { method: 'POST', headers: { Authorization: `Bearer ${d.users.admin.apiKey}` }, body: form });
    expect(header.status).toBe(400);
    const xheader = await fetch(`${d.baseUrl}/civicrm/ajax/api4/Contact/get`, { method: 'POST', headers: { 'X-Civi-Auth': `Bearer ${d.users.admin.apiKey}` }, body: form });
    expect(xheader.status).toBe(200);
    const param = await fetch(`${d.baseUrl}/civicrm/ajax/api4/Contact/get`, { method: 'POST', body: new URLSearchParams({ params: '{}', _authx: `Bearer ${d.users.admin.apiKey}` }) });
    expect(param.status).toBe(200);
    const withXrw = await fetch(`${d.baseUrl}/civicrm/ajax/api4/Contact/get`, { method: 'POST', headers: { Authorization: `Bearer ${d.users.admin.apiKey}`, 'X-Requested-With': 'XMLHttpRequest' }, body: form });
    expect(withXrw.status).toBe(200);
  });

  it('does not answer OPTIONS specially: no CORS headers, the call just runs', async () => {
    const res = await fetch(`${d.baseUrl}/civicrm/ajax/api4/Contact/get?params=${encodeURIComponent('{"select":["id"],"where":[["id","=",5]]}')}`, {
      method: 'OPTIONS',
      headers: { 'X-Civi-Auth': `Bearer ${d.users.admin.apiKey}` },
    });
    expect(res.status).toBe(200);
    expect([...res.headers.keys()].some((h) => h.startsWith('access-control-'))).toBe(false);
    expect(((await res.json()) as { values: unknown }).values).toEqual([{ id: 5 }]);
  });
});

describe('params: one form or query field holding JSON', () => {
  const jsonBody = { select: ['id'], where: [['id', '=', 5]] };

  it('strict mode fails loudly on a JSON body', async () => {
    const res = await call('Contact', 'get', undefined, { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(jsonBody) });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error_code: 400, error_message: 'double: params must be a form or query field, not a JSON body', status: 400 });
  });

  it('faithful mode ignores a JSON body: the query runs unfiltered', async () => {
    const faithful = await startCiviDouble({ strictParams: false });
    try {
      const base = faithful.baseUrl;
      const key = faithful.users.admin.apiKey;
      const unfiltered = await values('Contact', 'get', undefined, { base, key, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(jsonBody) });
      expect(unfiltered.length).toBe((await values('Contact', 'get', {}, { base, key })).length);
      expect(unfiltered.length).toBeGreaterThan(5);
    } finally {
      await faithful.close();
    }
  });

  it('reads params from multipart form data as PHP would', async () => {
    const form = new FormData();
    form.set('params', JSON.stringify(jsonBody));
    expect(await values('Contact', 'get', undefined, { body: form })).toEqual([{ id: 5 }]);
  });

  it.each([
    ['malformed JSON', '{"select": [', /malformed params JSON/],
    ['an unknown params key', JSON.stringify({ selectt: ['id'] }), /Unknown api parameter: selectt/],
    ['a key of another action', JSON.stringify({ values: { id: 1 } }), /Unknown api parameter: values/],
    ['a clause that is not [field, op, value]', JSON.stringify({ where: [['id', 5]] }), /Illegal operator|Invalid clause/],
    ['a clause missing its value', JSON.stringify({ where: [['id', '=']] }), /needs a value/],
    ['an unknown operator', JSON.stringify({ where: [['id', '==', 5]] }), /Illegal operator/],
    ['a lower-case operator', JSON.stringify({ where: [['display_name', 'like', 'a%']] }), /Illegal operator/],
    ['IN without an array', JSON.stringify({ where: [['id', 'IN', 5]] }), /needs an array/],
    ['a malformed OR group', JSON.stringify({ where: [['OR', ['id', '=', 5]]] }), /Invalid clause|Invalid OR/],
    ['an unknown field in where', JSON.stringify({ where: [['twitter', '=', 'x']] }), /has no field 'twitter'/],
    ['an unknown field in select', JSON.stringify({ select: ['nickname'] }), /has no field 'nickname'/],
    ['a read-side use of a create-only field', JSON.stringify({ select: ['source_contact_id'] }), /has no field|only accepted by create/],
    ['a bad sort direction', JSON.stringify({ orderBy: { id: 'UP' } }), /Invalid sort direction/],
  ])('answers 500 with a generic Error ID for %s, and logs why', async (_, raw, reason) => {
    const entity = raw.includes('source_contact_id') ? 'Activity' : 'Contact';
    const res = await call(entity, 'get', undefined, { body: new URLSearchParams({ params: raw }) });
    expect(res.status).toBe(500);
    const json = (await res.json()) as Record<string, unknown>;
    expect(json).toEqual({ error_code: '1', error_message: expect.stringMatching(GENERIC), status: 500 });
    expect(lastReason()).toMatch(reason);
  });
});

describe('auth (AuthX)', () => {
  it('answers an unknown key with 401 text/plain "HTTP 401 Invalid credential"', async () => {
    const res = await call('Contact', 'get', {}, { key: 'not-a-key' });
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await res.text()).toBe('HTTP 401 Invalid credential');
  });

  it('applies the guard: site key or the "authenticate with api key" permission', async () => {
    const key = d.users.guarded.apiKey;
    const refused = await call('Contact', 'get', {}, { key });
    expect(refused.status).toBe(401);
    expect(await refused.text()).toBe('HTTP 401 Login not permitted. Must satisfy guard (site_key, perm).');
    expect((await call('Contact', 'get', {}, { key, headers: { 'X-Civi-Key': 'wrong' } })).status).toBe(401);
    expect((await call('Contact', 'get', {}, { key, headers: { 'X-Civi-Key': d.siteKey } })).status).toBe(200);
    expect((await call('Contact', 'get', {}, { key, body: new URLSearchParams({ params: '{}', _authxSiteKey: d.siteKey }) })).status).toBe(200);
    // A JWT is signed by the site and always passes the guard; an expired one is refused.
    expect((await call('Contact', 'get', {}, { key: d.jwt(d.users.guarded.contactId) })).status).toBe(200);
    const expired = await call('Contact', 'get', {}, { key: d.jwt(d.users.guarded.contactId, -60) });
    expect([expired.status, await expired.text()]).toEqual([401, 'HTTP 401 Expired token']);
  });

  it('runs a request without credentials as anonymous: 403 JSON, not 401', async () => {
    const res = await call('Contact', 'get', {}, { key: null });
    expect(res.status).toBe(403);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toMatchObject({ status: 403 });
  });

  it('says who is calling at /civicrm/authx/id', async () => {
    const anon = await fetch(`${d.baseUrl}/civicrm/authx/id`);
    expect(await anon.json()).toEqual({ contact_id: null, user_id: null, flow: null, cred: null });
    const admin = await fetch(`${d.baseUrl}/civicrm/authx/id`, { headers: { 'X-Civi-Auth': `Bearer ${d.users.admin.apiKey}` } });
    expect(await admin.json()).toEqual({ contact_id: 2, user_id: 1, flow: 'xheader', cred: 'api_key' });
    const bad = await fetch(`${d.baseUrl}/civicrm/authx/id`, { headers: { 'X-Civi-Auth': 'Bearer nope' } });
    expect(bad.status).toBe(401);
  });

  it('records the Origin header of every request', async () => {
    await call('Contact', 'get', {}, { headers: { Origin: 'chrome-extension://abcdefghijklmnop' } });
    expect(d.log.at(-1)).toMatchObject({ method: 'POST', entity: 'Contact', action: 'get', status: 200, headers: { origin: 'chrome-extension://abcdefghijklmnop' } });
  });
});

describe('success envelope', () => {
  it('has entity, action, debug, version, count, countFetched, values; countMatched only with row_count or no limit', async () => {
    const limited = (await (await call('Contact', 'get', { select: ['id'], limit: 2 })).json()) as Record<string, unknown>;
    expect(Object.keys(limited).sort()).toEqual(['action', 'count', 'countFetched', 'debug', 'entity', 'values', 'version']);
    expect(limited).toMatchObject({ entity: 'Contact', action: 'get', debug: null, version: 4, count: 2, countFetched: 2 });
    const counted = (await (await call('Contact', 'get', { select: ['id', 'row_count'], limit: 2 })).json()) as Record<string, number>;
    expect(counted.countFetched).toBe(2);
    expect(counted.countMatched).toBeGreaterThan(2);
    expect(counted.count).toBe(counted.countMatched);
    const unlimited = (await (await call('Contact', 'get', { select: ['id'] })).json()) as Record<string, number>;
    expect(unlimited.countMatched).toBe(unlimited.countFetched);
    const only = (await (await call('Contact', 'get', { select: ['row_count'] })).json()) as Record<string, unknown>;
    expect(only).toMatchObject({ values: [], countFetched: 0, count: counted.countMatched, countMatched: counted.countMatched });
  });
});

describe('error envelope', () => {
  it('is {error_code, error_message, status} with 403 for permissions and a generic Error ID for 500s', async () => {
    const forbidden = await call('Contribution', 'get', {}, { key: d.users.volunteer.apiKey });
    expect(forbidden.status).toBe(403);
    expect(await forbidden.json()).toEqual({ error_code: 0, error_message: 'Authorization failed', status: 403 });
    const broken = await call('Contact', 'get', { where: [['nope', '=', 1]] });
    const body = (await broken.json()) as { error_message: string };
    expect(broken.status).toBe(500);
    expect(body.error_message).toMatch(GENERIC);
    // Each error gets its own id.
    const again = (await (await call('Contact', 'get', { where: [['nope', '=', 1]] })).json()) as { error_message: string };
    expect(again.error_message).not.toBe(body.error_message);
  });
});

describe('default filters on get', () => {
  it('hides trashed contacts unless is_deleted is mentioned or the contact is fetched by id', async () => {
    const name = [['display_name', '=', 'Ada Okafor']];
    expect((await values('Contact', 'get', { select: ['is_deleted'], where: name })).map((r) => r.is_deleted)).toEqual([false]);
    expect((await values('Contact', 'get', { select: ['is_deleted'], where: [...name, ['is_deleted', 'IN', [0, 1]]] })).map((r) => r.is_deleted)).toEqual([false, true]);
    expect(await values('Contact', 'get', { select: ['is_deleted'], where: [['id', '=', 13]] })).toEqual([{ id: 13, is_deleted: true }]);
  });

  it('hides test and template contributions and deleted or test activities', async () => {
    const testGift = [['contact_id.display_name', '=', 'Terry Testwell']];
    expect(await values('Contribution', 'get', { where: testGift })).toEqual([]);
    expect(await values('Contribution', 'get', { select: ['is_test'], where: [...testGift, ['is_test', '=', true]] })).toHaveLength(1);
    const subjects = (await values('Activity', 'get', { select: ['subject'] })).map((r) => r.subject);
    expect(subjects).not.toContain('Deleted draft meeting');
    expect(subjects).not.toContain('Test call');
    expect(subjects).toContain('Coffee about the spring gala');
  });

  it('does not filter joined entities: websites of trashed contacts come back unless the where excludes them', async () => {
    const like = [['url', 'LIKE', '%x.com/%adaokafor%']];
    expect(await values('Website', 'get', { select: ['contact_id'], where: like })).toHaveLength(2);
    expect(await values('Website', 'get', { select: ['contact_id'], where: [...like, ['contact_id.is_deleted', '=', false]] })).toEqual([{ id: 1, contact_id: 5 }]);
  });
});

describe('pseudoconstant suffixes and implicit joins', () => {
  it('resolves :name/:label and FK paths in select and where', async () => {
    const rows = await values('Website', 'get', {
      select: ['contact_id', 'url', 'website_type_id:name', 'website_type_id:label', 'contact_id.display_name', 'contact_id.contact_type'],
      where: [['website_type_id:name', '=', 'Facebook']],
      orderBy: { id: 'ASC' },
    });
    expect(rows).toEqual([
      { id: 3, contact_id: 7, url: 'https://www.facebook.com/sam.oyelaran', 'website_type_id:name': 'Facebook', 'website_type_id:label': 'Facebook', 'contact_id.display_name': 'Sam Oyelaran', 'contact_id.contact_type': 'Individual' },
      { id: 4, contact_id: 8, url: 'https://facebook.com/profile.php?id=100004', 'website_type_id:name': 'Facebook', 'website_type_id:label': 'Facebook', 'contact_id.display_name': 'Priya Raman', 'contact_id.contact_type': 'Individual' },
    ]);
    const ada = await values('Contact', 'get', { select: ['email_primary.email', 'phone_primary.phone'], where: [['email_primary.email', '=', 'ADA.OKAFOR@example.org']] });
    expect(ada).toEqual([{ id: 5, 'email_primary.email': 'ada.okafor@example.org', 'phone_primary.phone': '+1 415-555-0101' }]);
    const history = await values('ActivityContact', 'get', {
      select: ['activity_id.subject', 'record_type_id:name', 'activity_id.activity_type_id:label', 'activity_id.status_id:name'],
      where: [['contact_id', '=', 5], ['activity_id.is_deleted', '=', false]],
    });
    expect(history).toEqual([{ id: 2, 'activity_id.subject': 'Coffee about the spring gala', 'record_type_id:name': 'Activity Targets', 'activity_id.activity_type_id:label': 'Meeting', 'activity_id.status_id:name': 'Completed' }]);
  });

  it('matches LIKE case- and accent-insensitively with % and _ wildcards', async () => {
    const names = async (like: string) => (await values('Contact', 'get', { select: ['display_name'], where: [['display_name', 'LIKE', like]] })).map((r) => r.display_name);
    expect(await names('%tomas%')).toEqual(['Tomás Herrera']);
    expect(await names('_da %')).toEqual(['Ada Okafor']);
    expect(await names('%riverside%')).toEqual(['Riverside Food Bank']);
  });

  it('takes user_contact_id as the authenticated contact', async () => {
    expect(await values('Contact', 'get', { select: ['display_name'], where: [['id', '=', 'user_contact_id']] }, { key: d.users.volunteer.apiKey })).toEqual([{ id: 3, display_name: 'Noor Haddad' }]);
  });

  it('supports explicit joins (INNER, LEFT, EXCLUDE), groupBy, aggregates and having', async () => {
    const joined = await values('Contact', 'get', {
      select: ['id', 'display_name', 'web.url'],
      join: [['Website AS web', 'INNER', ['web.contact_id', '=', 'id'], ['web.website_type_id:name', '=', "'Facebook'"]]],
      groupBy: ['id'],
    });
    expect(joined.map((r) => r.display_name)).toEqual(['Sam Oyelaran', 'Priya Raman']);
    const noWebsite = await values('Contact', 'get', { select: ['display_name'], join: [['Website AS web', 'EXCLUDE', ['web.contact_id', '=', 'id']]], where: [['contact_type', '=', 'Individual']] });
    expect(noWebsite.map((r) => r.display_name)).toContain('Grace Liu');
    expect(noWebsite.map((r) => r.display_name)).not.toContain('Ada Okafor');
    const left = await values('Contact', 'get', { select: ['id', 'web.url'], join: [['Website AS web', 'LEFT', ['web.contact_id', '=', 'id']]], where: [['id', 'IN', [10, 12]]] });
    expect(left).toEqual([
      { id: 10, 'web.url': 'https://mastodon.social/@tomash' },
      { id: 10, 'web.url': 'https://instagram.com/tomas.h' },
      { id: 12, 'web.url': null },
    ]);
    const totals = await values('Contribution', 'get', {
      select: ['contact_id', 'SUM(total_amount) AS total', 'COUNT(id) AS gifts', 'MAX(receive_date) AS last_gift'],
      where: [['contribution_status_id:name', '=', 'Completed']],
      groupBy: ['contact_id'],
      having: [['total', '>', 100]],
      orderBy: { total: 'DESC' },
    });
    expect(totals).toEqual([
      { contact_id: 11, total: 1200, gifts: 1, last_gift: '2026-06-30 15:00:00' },
      { contact_id: 5, total: 300, gifts: 2, last_gift: '2026-10-02 09:30:00' },
    ]);
  });

  it('orders by several keys and pages with limit/offset', async () => {
    const page = (offset: number) => values('Contact', 'get', { select: ['last_name', 'first_name'], where: [['contact_type', '=', 'Individual']], orderBy: { last_name: 'DESC', id: 'ASC' }, limit: 2, offset });
    const [a, b] = [await page(0), await page(2)];
    expect(a.map((r) => r.last_name)).toEqual(['Testwell', 'Raman']);
    expect(b.map((r) => r.last_name)).toEqual(['Oyelaran', 'Okafor']);
  });
});

describe('writes', () => {
  const interaction = {
    'activity_type_id:name': 'Social Media Interaction',
    subject: 'Replied to post on X',
    details: '<p>Thanks!</p>',
    activity_date_time: '2026-11-22 09:30:00',
    'status_id:name': 'Completed',
    source_contact_id: 'user_contact_id',
    target_contact_id: [5],
  };

  it('creates an activity once its type exists, with source and target ActivityContact rows', async () => {
    expect((await call('Activity', 'create', { values: interaction })).status).toBe(500);
    expect(lastReason()).toMatch(/Illegal value for activity_type_id:name/);
    await values('OptionValue', 'create', { values: { 'option_group_id:name': 'activity_type', label: 'Social Media Interaction', name: 'Social Media Interaction' } });
    const [created] = await values('Activity', 'create', { values: interaction }, { key: d.users.volunteer.apiKey });
    expect(created).toMatchObject({ subject: 'Replied to post on X', source_contact_id: 3, target_contact_id: [5] });
    const roles = await values('ActivityContact', 'get', { select: ['contact_id', 'record_type_id:name'], where: [['activity_id', '=', created!.id]] });
    expect(roles.map(({ contact_id, 'record_type_id:name': role }) => [contact_id, role])).toEqual([
      [3, 'Activity Source'],
      [5, 'Activity Targets'],
    ]);
  });

  it('requires source_contact_id on Activity create', async () => {
    const { source_contact_id: _omit, ...values_ } = interaction;
    const res = await call('Activity', 'create', { values: { ...values_, 'activity_type_id:name': 'Meeting' } });
    expect(res.status).toBe(500);
    expect(lastReason()).toBe('Mandatory values missing from Api4 Activity::create: source_contact_id');
  });

  it('creates websites by type name, refusing missing values and unknown types, and bumps the contact', async () => {
    d.touch(8, new Date('2026-01-01T00:00:00Z'));
    const [web] = await values('Website', 'create', { values: { contact_id: 8, url: 'https://bsky.app/profile/priya.bsky.social', 'website_type_id:name': 'Main' } });
    expect(web).toMatchObject({ contact_id: 8, website_type_id: 2 });
    expect(d.data.contacts.get(8)!.modified_date > '2026-01-01 00:00:00').toBe(true);
    expect((await call('Website', 'create', { values: { contact_id: 8 } })).status).toBe(500);
    expect(lastReason()).toMatch(/Mandatory values missing.*url/);
    expect((await call('Website', 'create', { values: { contact_id: 8, url: 'x', 'website_type_id:name': 'Bluesky' } })).status).toBe(500);
    expect((await call('Website', 'create', { values: { contact_id: 99999, url: 'x' } })).status).toBe(500);
    expect(lastReason()).toMatch(/does not exist/);
  });

  it('trashes a deleted contact unless useTrash is false', async () => {
    await values('Contact', 'delete', { where: [['id', '=', 12]] });
    expect(d.data.contacts.get(12)?.is_deleted).toBe(true);
    await values('Contact', 'delete', { where: [['id', '=', 12]], useTrash: false });
    expect(d.data.contacts.has(12)).toBe(false);
    expect([...d.data.emails.values()].some((e) => e.contact_id === 12)).toBe(false);
  });

  it('updates by where (never without one) and saves with match', async () => {
    expect((await call('Contact', 'update', { values: { job_title: 'x' } })).status).toBe(500);
    const [updated] = await values('Contact', 'update', { where: [['id', '=', 7]], values: { first_name: 'Samuel' } });
    expect(updated).toMatchObject({ display_name: 'Samuel Oyelaran', sort_name: 'Oyelaran, Samuel' });
    const existing = [...d.data.emails.values()].find((e) => e.email === 'sam.oyelaran@example.com')!.id;
    const records = [{ contact_id: 7, email: 'sam.oyelaran@example.com', is_primary: true }, { contact_id: 7, email: 'sam@work.example' }];
    const saved = await values('Email', 'save', { records, match: ['contact_id', 'email'] });
    expect(saved.map((r) => r.id)).toEqual([existing, d.data.emails.nextId() - 1]);
    expect([...d.data.emails.values()].filter((e) => e.contact_id === 7).map((e) => [e.email, e.is_primary])).toEqual([
      ['sam.oyelaran@example.com', true],
      ['sam@work.example', false],
    ]);
  });

  it('enforces permissions: no contributions for the volunteer, no writes without canWrite', async () => {
    expect((await call('Contribution', 'get', {}, { key: d.users.volunteer.apiKey })).status).toBe(403);
    expect((await call('Contact', 'get', { join: [['Contribution AS c', 'INNER', ['c.contact_id', '=', 'id']]] }, { key: d.users.volunteer.apiKey })).status).toBe(403);
    d.users.volunteer.canWrite = false;
    expect((await call('Website', 'create', { values: { contact_id: 5, url: 'https://x.com/a' } }, { key: d.users.volunteer.apiKey })).status).toBe(403);
  });

  it('runs chained calls with $field substitution', async () => {
    const [created] = await values('Activity', 'create', {
      values: { 'activity_type_id:name': 'Meeting', source_contact_id: 'user_contact_id', target_contact_id: 5 },
      chain: { tag: ['EntityTag', 'create', { values: { entity_table: 'civicrm_activity', entity_id: '$id', 'tag_id:name': 'social' } }] },
    });
    expect(created!.tag).toEqual([expect.objectContaining({ entity_table: 'civicrm_activity', entity_id: created!.id })]);
  });
});

describe('faults', () => {
  it('answers 503 maintenance JSON and 429 text/plain with Retry-After, then recovers', async () => {
    d.fault({ status: 503, retryAfter: '120' });
    d.fault({ status: 429, retryAfter: '2' });
    const maint = await call('Contact', 'get', {});
    expect([maint.status, maint.headers.get('retry-after'), await maint.json()]).toEqual([503, '120', { status_code: 503, status_message: 'Temporarily unavailable for maintenance.' }]);
    const limited = await call('Contact', 'get', {});
    expect([limited.status, limited.headers.get('retry-after'), limited.headers.get('content-type'), await limited.text()]).toEqual([429, '2', 'text/plain', 'Too Many Requests']);
    expect((await call('Contact', 'get', {})).status).toBe(200);
    expect(d.log.slice(-3).map((e) => e.fault)).toEqual(['status:503', 'status:429', null]);
  });

  it('applies a fault only to the requests its match accepts, and never to authx/id by default', async () => {
    d.fault({ status: 500, match: (r) => r.entity === 'Website' }, 2);
    d.fault({ status: 401 });
    expect((await fetch(`${d.baseUrl}/civicrm/authx/id`)).status).toBe(200);
    const r401 = await call('Contact', 'get', {});
    expect([r401.status, await r401.text()]).toEqual([401, 'HTTP 401 Invalid credential']);
    expect((await call('Website', 'get', {})).status).toBe(500);
    expect((await call('Contact', 'get', {})).status).toBe(200);
    expect((await call('Website', 'get', {})).status).toBe(500);
    expect((await call('Website', 'get', {})).status).toBe(200);
  });

  it('sends a malformed or foreign body verbatim instead of running the call', async () => {
    d.fault({ body: '{"values": [' });
    d.fault({ body: '<html><body>Log in</body></html>', contentType: 'text/html', status: 200 });
    d.fault({ body: 'Bad gateway', contentType: 'text/plain', status: 502 });
    const truncated = await call('Website', 'create', { values: { contact_id: 5, url: 'https://x.com/never' } });
    expect([truncated.status, truncated.headers.get('content-type'), await truncated.text()]).toEqual([200, 'application/json', '{"values": [']);
    expect([...d.data.websites.values()].some((w) => w.url === 'https://x.com/never')).toBe(false);
    const login = await call('Contact', 'get', {});
    expect([login.status, login.headers.get('content-type')]).toEqual([200, 'text/html']);
    expect((await call('Contact', 'get', {})).status).toBe(502);
    expect(d.log.slice(-3).map((e) => e.fault)).toEqual(['body:200', 'body:200', 'body:502']);
  });

  it('delays by latencyMs and still runs the call', async () => {
    d.fault({ latencyMs: 150 });
    const started = performance.now();
    expect((await call('Contact', 'get', { limit: 1 })).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('drops the connection after applying a write (the write lands) or before (it does not)', async () => {
    const before = d.data.websites.size;
    d.fault({ dropAfterApply: true });
    await expect(call('Website', 'create', { values: { contact_id: 5, url: 'https://x.com/after' } })).rejects.toThrow();
    expect(d.data.websites.size).toBe(before + 1);
    d.fault({ dropBeforeApply: true });
    await expect(call('Website', 'create', { values: { contact_id: 5, url: 'https://x.com/before' } })).rejects.toThrow();
    expect(d.data.websites.size).toBe(before + 1);
    expect(d.log.slice(-2).map((e) => [e.fault, e.status])).toEqual([
      ['drop-after-apply', 0],
      ['drop-before-apply', 0],
    ]);
  });
});

describe('volume: bulk seed and keyset pages', () => {
  it('seeds 100,000 contacts quickly and serves keyset and modified_date pages fast', async () => {
    const big = await startCiviDouble({ seed: 'none' });
    try {
      let started = performance.now();
      big.seedContacts(100_000, { websitesEvery: 3, contributionsEvery: 10 });
      expect(performance.now() - started).toBeLessThan(3000);
      expect(big.data.contacts.size).toBe(100_004);
      const page = (afterId: number) =>
        values('Contact', 'get', { select: ['id', 'display_name', 'email_primary.email', 'modified_date'], where: [['id', '>', afterId], ['is_deleted', 'IN', [0, 1]]], orderBy: { id: 'ASC' }, limit: 500 }, { base: big.baseUrl, key: big.users.admin.apiKey });
      await page(0); // builds the email index once
      let last = 50_000;
      for (let i = 0; i < 3; i++) {
        started = performance.now();
        const rows = await page(last);
        expect(performance.now() - started).toBeLessThan(100);
        expect(rows).toHaveLength(500);
        expect(rows[0]!.id).toBe(last + 1);
        last = rows.at(-1)!.id as number;
      }
      big.touch(42, new Date('2027-01-01T00:00:00Z'));
      const changed = await values('Contact', 'get', { select: ['id', 'modified_date'], where: [['modified_date', '>=', '2026-12-01 00:00:00']], orderBy: { modified_date: 'ASC', id: 'ASC' }, limit: 200 }, { base: big.baseUrl, key: big.users.admin.apiKey });
      expect(changed).toEqual([{ id: 42, modified_date: '2027-01-01 00:00:00' }]);
      const websites = await values('Website', 'get', { select: ['url'], where: [['contact_id', '=', 5]] }, { base: big.baseUrl, key: big.users.admin.apiKey });
      expect(websites).toEqual([{ id: 1, url: 'https://x.com/amaraabbott0' }]);
    } finally {
      await big.close();
    }
  });
});

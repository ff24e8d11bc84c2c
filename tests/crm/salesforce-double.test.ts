// The Salesforce double's own contract checks (crm-contracts.md §3, §5.2), spoken to with plain
// fetch: if these hold, a connector test that passes against the double means something.
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { SAMPLE, startSalesforceDouble, type SalesforceDouble, type SfDoubleOptions } from './salesforce-double';

let double: SalesforceDouble | null = null;
afterEach(async () => {
  await double?.close();
  double = null;
});

async function start(options?: SfDoubleOptions) {
  double = await startSalesforceDouble(options);
  return double;
}

const api = (d: SalesforceDouble, path: string) => `${d.baseUrl}/services/data/v66.0/${path}`;
const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

async function call(d: SalesforceDouble, path: string, init: RequestInit & { token?: string } = {}) {
  const token = init.token ?? d.issueTokens().access_token;
  const reply = await fetch(path.startsWith('http') ? path : api(d, path), { ...init, headers: { ...bearer(token), ...(init.headers as Record<string, string>) } });
  const text = await reply.text();
  return { status: reply.status, headers: reply.headers, body: text ? (JSON.parse(text) as unknown) : null };
}

const soql = (d: SalesforceDouble, q: string, token?: string) => call(d, `query?q=${encodeURIComponent(q)}`, token ? { token } : {});
const errorCode = (body: unknown) => (body as { errorCode: string }[])[0]?.errorCode;

describe('authentication and versions', () => {
  it('refuses a missing or unknown token with the documented 401 array', async () => {
    const d = await start();
    const reply = await fetch(api(d, 'limits'));
    expect(reply.status).toBe(401);
    expect(await reply.json()).toEqual([{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
    expect((await call(d, 'limits', { token: 'nope' })).status).toBe(401);
  });

  it('answers unknown versions with 404 NOT_FOUND and lists the known ones', async () => {
    const d = await start();
    expect(errorCode((await call(d, `${d.baseUrl}/services/data/v12.0/limits`)).body)).toBe('NOT_FOUND');
    const versions = await (await fetch(`${d.baseUrl}/services/data/`)).json();
    expect(versions).toContainEqual({ label: 'v66.0', url: '/services/data/v66.0', version: '66.0' });
  });

  it('sends Sforce-Limit-Info on every REST reply and refuses past the allocation with 403 REQUEST_LIMIT_EXCEEDED, no Retry-After', async () => {
    const d = await start({ apiMax: 3 });
    const token = d.issueTokens().access_token;
    expect((await call(d, 'limits', { token })).headers.get('sforce-limit-info')).toBe('api-usage=1/3');
    await call(d, 'limits', { token });
    await call(d, 'limits', { token });
    const over = await call(d, 'limits', { token });
    expect(over.status).toBe(403);
    expect(over.body).toEqual([{ message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' }]);
    expect(over.headers.get('retry-after')).toBeNull();
  });
});

describe('SOQL', () => {
  it('answers records with attributes, relationship fields nested, and pages with nextRecordsUrl', async () => {
    const d = await start({ maxBatchSize: 2 });
    const token = d.issueTokens().access_token;
    const first = await soql(d, 'SELECT Id, Name, Account.Name FROM Contact ORDER BY LastName ASC, FirstName ASC', token);
    const page = first.body as { totalSize: number; done: boolean; nextRecordsUrl: string; records: Record<string, unknown>[] };
    expect(page).toMatchObject({ totalSize: 5, done: false });
    expect(page.records[0]).toEqual({
      attributes: { type: 'Contact', url: `/services/data/v66.0/sobjects/Contact/${SAMPLE.celiaBoston}` },
      Id: SAMPLE.celiaBoston, Name: 'Celia Boston',
      Account: { attributes: { type: 'Account', url: `/services/data/v66.0/sobjects/Account/${SAMPLE.bostonHousehold}` }, Name: 'Boston Household' },
    });
    expect(page.nextRecordsUrl).toMatch(/^\/services\/data\/v66\.0\/query\/01g\w+-2$/);
    const names: string[] = page.records.map((r) => String(r.Name));
    let next: string | undefined = page.nextRecordsUrl;
    while (next) {
      const more = (await call(d, `${d.baseUrl}${next}`, { token })).body as typeof page;
      names.push(...more.records.map((r) => String(r.Name)));
      next = more.done ? undefined : more.nextRecordsUrl;
    }
    expect(names).toEqual(['Celia Boston', 'Louis Boston', 'Sample Contact', 'Erica Douglass', 'Sehar Ivans']);
    d.expireQueryLocators();
    expect(errorCode((await call(d, `${d.baseUrl}${page.nextRecordsUrl}`, { token })).body)).toBe('INVALID_QUERY_LOCATOR');
  });

  it.each([
    ["SELECT Id FROM Contact WHERE LastName = 'Boston' AND FirstName = 'Celia' OR Email = null", 'MALFORMED_QUERY'],
    ['SELECT Id FROM Contact WHERE LastName = "Boston"', 'MALFORMED_QUERY'],
    ["SELECT Id FROM Contact WHERE LastName = 'Bo\\qston'", 'MALFORMED_QUERY'],
    ['SELECT Id FROM Contact WHERE SystemModstamp > 2026-01-01T00:00:00', 'MALFORMED_QUERY'],
    ['SELECT Id FROM Contact WHERE SystemModstamp > 2026-01-01T00:00:00.000Z', 'MALFORMED_QUERY'],
    ["SELECT Id FROM Contact WHERE SystemModstamp > '2026-01-01T00:00:00Z'", 'INVALID_FIELD'],
    ["SELECT Id FROM Contact WHERE HasOptedOutOfEmail = 'true'", 'INVALID_FIELD'],
    ["SELECT Id FROM Contact WHERE Social_Notes__c = 'x'", 'INVALID_FIELD'],
    ['SELECT Id FROM Contact ORDER BY Description', 'INVALID_FIELD'],
    ['SELECT Id, Twitter__c FROM Contact', 'INVALID_FIELD'],
    ["SELECT Id FROM Contact WHERE Id = 'nope'", 'INVALID_QUERY_FILTER_OPERATOR'],
    ['SELECT Id FROM Donation__c', 'INVALID_TYPE'],
    ['SELECT Id Name FROM Contact', 'MALFORMED_QUERY'],
  ])('rejects %s with %s', async (q, code) => {
    const d = await start();
    const reply = await soql(d, q);
    expect(reply.status).toBe(400);
    expect(errorCode(reply.body)).toBe(code);
  });

  it('compares strings without case, unescapes literals, and honours LIKE, IN, NOT and null', async () => {
    const d = await start();
    const token = d.issueTokens().access_token;
    const ids = async (q: string) => ((await soql(d, q, token)).body as { records: { Id: string }[] }).records.map((r) => r.Id);
    expect(await ids("SELECT Id FROM Contact WHERE Twitter_Handle__c IN ('@celiaboston', 'x')")).toEqual([SAMPLE.celiaBoston]);
    expect(await ids("SELECT Id FROM Contact WHERE LastName LIKE 'bost%' AND NOT (FirstName = 'Louis')")).toEqual([SAMPLE.celiaBoston]);
    expect(await ids("SELECT Id FROM Contact WHERE Email = null AND (LastName = 'Boston' OR LastName = 'O\\'Brien')")).toEqual([SAMPLE.louisBoston]);
    expect(await ids(`SELECT Id FROM Contact WHERE Id = '${SAMPLE.celiaBoston.slice(0, 15)}'`)).toEqual([SAMPLE.celiaBoston]);
  });

  it('hides deleted rows from query and shows them to queryAll with IsDeleted', async () => {
    const d = await start();
    const q = encodeURIComponent(`SELECT Id, IsDeleted FROM Contact WHERE Id = '${SAMPLE.deletedContact}'`);
    expect((await call(d, `query?q=${q}`)).body).toMatchObject({ totalSize: 0 });
    expect((await call(d, `queryAll?q=${q}`)).body).toMatchObject({ totalSize: 1, records: [{ IsDeleted: true }] });
  });

  it('hides Opportunity and the npo02__ roll-ups from a user without gift access', async () => {
    const d = await start();
    const token = d.issueTokens('volunteer').access_token;
    expect(errorCode((await soql(d, 'SELECT Id FROM Opportunity', token)).body)).toBe('INVALID_TYPE');
    expect(errorCode((await soql(d, 'SELECT Id, npo02__TotalOppAmount__c FROM Contact', token)).body)).toBe('INVALID_FIELD');
    expect((await soql(d, 'SELECT Id FROM Contact', token)).status).toBe(200);
  });
});

describe('SOSL', () => {
  it('finds by name words with a prefix wildcard and refuses unescaped reserved characters', async () => {
    const d = await start();
    const token = d.issueTokens().access_token;
    const search = (q: string) => call(d, `search?q=${encodeURIComponent(q)}`, { token });
    const found = await search('FIND {bost*} IN NAME FIELDS RETURNING Contact(Id, Name ORDER BY FirstName LIMIT 5)');
    expect((found.body as { searchRecords: { Name: string }[] }).searchRecords.map((r) => r.Name)).toEqual(['Celia Boston', 'Louis Boston']);
    expect(errorCode((await search('FIND {Celia (Boston)} RETURNING Contact(Id)')).body)).toBe('MALFORMED_SEARCH');
    expect((await search('FIND {Celia \\(Boston\\)} RETURNING Contact(Id)')).status).toBe(200);
    expect(errorCode((await search('FIND {c} RETURNING Contact(Id)')).body)).toBe('INVALID_SEARCH');
  });
});

describe('sObjects', () => {
  const post = (d: SalesforceDouble, object: string, body: unknown, token?: string) =>
    call(d, `sobjects/${object}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body), ...(token ? { token } : {}) });

  it('creates a Task with 201 {id, success, errors} and applies picklist defaults', async () => {
    const d = await start();
    const created = await post(d, 'Task', { WhoId: SAMPLE.celiaBoston, Subject: 'Hello', TaskSubtype: 'Call', Status: 'Completed' });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ id: expect.stringMatching(/^00T\w{15}$/), success: true, errors: [] });
    expect(d.data.get((created.body as { id: string }).id)).toMatchObject({ Priority: 'Normal', TaskSubtype: 'Call', WhoId: SAMPLE.celiaBoston });
  });

  it.each([
    [{ WhoId: SAMPLE.celiaBoston }, 'REQUIRED_FIELD_MISSING'],
    [{ Subject: 'x', Colour__c: 'red' }, 'INVALID_FIELD'],
    [{ Subject: 'x', Status: 'Done-ish' }, 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST'],
    [{ Subject: 'x', WhoId: SAMPLE.deletedContact }, 'ENTITY_IS_DELETED'],
    [{ Subject: 'x', WhoId: '003000000000000AAA' }, 'INVALID_CROSS_REFERENCE_KEY'],
    [{ Subject: 'x', ActivityDate: '22/11/2026' }, 'JSON_PARSER_ERROR'],
    [{ Subject: 'x', IsDeleted: true }, 'INVALID_FIELD_FOR_INSERT_UPDATE'],
  ])('refuses Task %j with %s', async (body, code) => {
    const d = await start();
    const reply = await post(d, 'Task', body);
    expect(reply.status).toBe(400);
    expect(errorCode(reply.body)).toBe(code);
  });

  it('keeps TaskSubtype create-only, wants JSON, and answers 204 to an update and a delete', async () => {
    const d = await start();
    const token = d.issueTokens().access_token;
    const { id } = (await post(d, 'Task', { Subject: 'x' }, token)).body as { id: string };
    const patch = (body: unknown) => call(d, `sobjects/Task/${id}`, { token, method: 'PATCH', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    expect(errorCode((await patch({ TaskSubtype: 'Call' })).body)).toBe('INVALID_FIELD_FOR_INSERT_UPDATE');
    expect((await patch({ Subject: 'y' })).status).toBe(204);
    const form = await call(d, 'sobjects/Task', { token, method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'Subject=x' });
    expect(form.status).toBe(415);
    expect((await call(d, `sobjects/Task/${id}`, { token, method: 'DELETE' })).status).toBe(204);
    expect(errorCode((await call(d, `sobjects/Task/${id}`, { token })).body)).toBe('ENTITY_IS_DELETED');
    expect(errorCode((await call(d, `sobjects/Task/${id}`, { token, method: 'PUT' })).body)).toBe('METHOD_NOT_ALLOWED');
  });

  it('creates a Household Account for a Contact without one, as NPSP does', async () => {
    const d = await start();
    const { id } = (await post(d, 'Contact', { FirstName: 'Ada', LastName: 'Okafor' })).body as { id: string };
    const contact = d.data.get(id)!;
    expect(contact.Name).toBe('Ada Okafor');
    expect(d.data.get(String(contact.AccountId))).toMatchObject({ Name: 'Okafor Household', npe01__SYSTEM_AccountType__c: 'Household Account' });
  });

  it('describes fields with type, length, filterability and picklist values', async () => {
    const d = await start();
    const { fields } = (await call(d, 'sobjects/Task/describe')).body as { fields: { name: string; type: string; filterable: boolean; picklistValues: { value: string }[] }[] };
    expect(fields.find((f) => f.name === 'TaskSubtype')?.picklistValues.map((v) => v.value)).toEqual(['Task', 'Email', 'ListEmail', 'Cadence', 'Call']);
    expect(fields.find((f) => f.name === 'Description')).toMatchObject({ type: 'textarea', filterable: false });
  });

  it('reports deletions through getDeleted within 15 days, purged rows included', async () => {
    const d = await start();
    const token = d.issueTokens().access_token;
    d.data.purge('Contact', SAMPLE.sampleContact);
    const now = Date.now();
    const iso = (ms: number) => new Date(ms).toISOString();
    const reply = await call(d, `sobjects/Contact/deleted/?start=${encodeURIComponent(iso(now - 3_600_000))}&end=${encodeURIComponent(iso(now + 120_000))}`, { token });
    expect((reply.body as { deletedRecords: { id: string }[] }).deletedRecords.map((r) => r.id).sort()).toEqual([SAMPLE.deletedContact, SAMPLE.sampleContact].sort());
    const old = await call(d, `sobjects/Contact/deleted/?start=${encodeURIComponent(iso(now - 16 * 86_400_000))}&end=${encodeURIComponent(iso(now))}`, { token });
    expect(errorCode(old.body)).toBe('INVALID_REPLICATION_DATE');
  });
});

describe('composite', () => {
  it('answers 200 with per-subrequest statuses, resolves @{ref.id}, and rolls back with allOrNone', async () => {
    const d = await start();
    const composite = (allOrNone: boolean, second: unknown) =>
      call(d, 'composite', {
        method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ allOrNone, compositeRequest: [
          { method: 'POST', url: '/services/data/v66.0/sobjects/Contact', referenceId: 'c', body: { LastName: 'Composite' } },
          { method: 'POST', url: '/services/data/v66.0/sobjects/Task', referenceId: 't', body: second },
        ] }),
      });
    const ok = await composite(true, { WhoId: '@{c.id}', Subject: 'Linked' });
    expect(ok.status).toBe(200);
    const [c, t] = (ok.body as { compositeResponse: { httpStatusCode: number; body: { id: string } }[] }).compositeResponse;
    expect([c?.httpStatusCode, t?.httpStatusCode]).toEqual([201, 201]);
    expect(d.data.get(t!.body.id)?.WhoId).toBe(c!.body.id);
    const before = d.data.rows('Contact').length;
    const failed = await composite(true, { WhoId: '@{c.id}' });
    expect(failed.status).toBe(200);
    expect((failed.body as { compositeResponse: { httpStatusCode: number }[] }).compositeResponse.map((r) => r.httpStatusCode)).toEqual([201, 400]);
    expect(d.data.rows('Contact')).toHaveLength(before);
  });
});

describe('OAuth', () => {
  const challenge = (verifier: string) => createHash('sha256').update(verifier).digest('base64url');
  const authorize = (d: SalesforceDouble, params: Record<string, string>) =>
    fetch(`${d.baseUrl}/services/oauth2/authorize?${new URLSearchParams({ response_type: 'code', client_id: d.clientId, redirect_uri: d.redirectUri, state: 's1', scope: 'api refresh_token', ...params })}`, { redirect: 'manual' });
  const token = (d: SalesforceDouble, form: Record<string, string>) =>
    fetch(`${d.baseUrl}/services/oauth2/token`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ client_id: d.clientId, ...form }) });
  const verifier = 'dBjftJeZ4CVP-mJ92K9hgxJxjVZ1M5bj6QS7I5GVGhF-a-longer-verifier';

  async function code(d: SalesforceDouble): Promise<string> {
    const reply = await authorize(d, { code_challenge: challenge(verifier), code_challenge_method: 'S256' });
    expect(reply.status).toBe(302);
    const location = new URL(reply.headers.get('location')!);
    expect(location.searchParams.get('state')).toBe('s1');
    return location.searchParams.get('code')!;
  }

  it('redirects with a code, exchanges it once against the right verifier, and refreshes without rotating', async () => {
    const d = await start();
    const c = await code(d);
    const wrong = await token(d, { grant_type: 'authorization_code', code: c, redirect_uri: d.redirectUri, code_verifier: `${verifier}x` });
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toEqual({ error: 'invalid_grant', error_description: 'invalid code verifier' });
    // The failed attempt used the code up.
    const again = await token(d, { grant_type: 'authorization_code', code: c, redirect_uri: d.redirectUri, code_verifier: verifier });
    expect(await again.json()).toMatchObject({ error: 'invalid_grant' });

    const good = await token(d, { grant_type: 'authorization_code', code: await code(d), redirect_uri: d.redirectUri, code_verifier: verifier });
    const tokens = (await good.json()) as Record<string, string>;
    expect(tokens).toMatchObject({ token_type: 'Bearer', instance_url: d.baseUrl, scope: 'api refresh_token', refresh_token: expect.any(String) });
    expect(tokens.id).toMatch(new RegExp(`^${d.baseUrl}/id/00D\\w+/005\\w+$`));
    const refreshed = (await (await token(d, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token! })).json()) as Record<string, string>;
    expect(refreshed.access_token).toBeTruthy();
    expect(refreshed.refresh_token).toBeUndefined();
    expect((await call(d, 'limits', { token: refreshed.access_token! })).status).toBe(200);
  });

  it('rotates refresh tokens only when configured to', async () => {
    const d = await start({ rotateRefreshTokens: true });
    const first = d.issueTokens().refresh_token;
    const next = (await (await token(d, { grant_type: 'refresh_token', refresh_token: first })).json()) as Record<string, string>;
    expect(next.refresh_token).toBeTruthy();
    expect(await (await token(d, { grant_type: 'refresh_token', refresh_token: first })).json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('refuses a foreign callback with a page, a missing challenge and a denial by redirect', async () => {
    const d = await start();
    expect((await authorize(d, { redirect_uri: 'https://evil.example/cb', code_challenge: 'x', code_challenge_method: 'S256' })).status).toBe(400);
    const noPkce = new URL((await authorize(d, {})).headers.get('location')!);
    expect(noPkce.searchParams.get('error')).toBe('invalid_request');
    d.consent.decision = 'deny';
    const denied = new URL((await authorize(d, { code_challenge: 'x', code_challenge_method: 'S256' })).headers.get('location')!);
    expect([denied.searchParams.get('error'), denied.searchParams.get('state')]).toEqual(['access_denied', 's1']);
  });

  it('requires the client secret when the app says so', async () => {
    const d = await start({ requireSecret: true });
    expect(await (await token(d, { grant_type: 'refresh_token', refresh_token: d.issueTokens().refresh_token })).json()).toMatchObject({ error: 'invalid_client' });
  });

  it('revokes a refresh token and every session it made', async () => {
    const d = await start();
    const t = d.issueTokens();
    const revoke = await fetch(`${d.baseUrl}/services/oauth2/revoke`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token: t.refresh_token }) });
    expect(revoke.status).toBe(200);
    expect((await call(d, 'limits', { token: t.access_token })).status).toBe(401);
    expect(await (await token(d, { grant_type: 'refresh_token', refresh_token: t.refresh_token })).json()).toMatchObject({ error: 'invalid_grant' });
  });
});

describe('faults', () => {
  it('applies a write and then drops the connection', async () => {
    const d = await start();
    d.fault({ dropAfterApply: true, match: (r) => r.resource === 'sobjects' && r.method === 'POST' });
    const before = d.data.rows('Task').length;
    await expect(call(d, 'sobjects/Task', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ Subject: 'x' }) })).rejects.toThrow();
    expect(d.data.rows('Task')).toHaveLength(before + 1);
  });

  it('injects statuses with the documented bodies, only on REST by default', async () => {
    const d = await start();
    d.fault({ status: 503 });
    const reply = await call(d, 'limits');
    expect([reply.status, errorCode(reply.body)]).toEqual([503, 'SERVER_UNAVAILABLE']);
    d.fault({ status: 500 });
    expect((await fetch(`${d.baseUrl}/services/oauth2/token`, { method: 'POST' })).status).toBe(400); // OAuth untouched
    expect(errorCode((await call(d, 'limits')).body)).toBe('UNKNOWN_EXCEPTION');
  });
});

// The Salesforce NPSP connector against the contract double (a real HTTP server on 127.0.0.1):
// every Connector method, sign-in with PKCE end to end, refresh on 401, revoke, and the error
// mapping of crm-contracts.md §3.8.
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectorError, createConnector } from '../../src/crm';
import { memoryTokenStore, type TokenSet } from '../../src/crm/oauth';
import { createSalesforceConnector, lookupValues, salesforceConfigSchema, soqlString, type SalesforceConnector } from '../../src/crm/salesforce';
import type { ChangePage } from '../../src/crm/types';
import { SAMPLE, startSalesforceDouble, type SalesforceDouble, type SfDoubleOptions } from './salesforce-double';
import { browserWebAuthFlow, tokenSetFor } from './salesforce-double/testing';

let double: SalesforceDouble;
let running: SalesforceDouble | null = null;
afterEach(async () => {
  await running?.close();
  running = null;
});

async function start(options?: SfDoubleOptions) {
  double = running = await startSalesforceDouble(options);
  return double;
}

const FIELD_MAP = { x: 'Twitter_Handle__c', linkedin: 'LinkedIn_URL__c', bluesky: 'Bluesky_Handle__c' };

function connect(options: { user?: 'admin' | 'volunteer'; tokens?: TokenSet | null; config?: Record<string, unknown>; now?: () => Date } = {}) {
  const tokens = memoryTokenStore(options.tokens === undefined ? tokenSetFor(double, options.user) : options.tokens);
  const connector = createSalesforceConnector(
    salesforceConfigSchema.parse({ loginUrl: double.baseUrl, clientId: double.clientId, fieldMap: FIELD_MAP, ...options.config }),
    { tokens, webAuthFlow: browserWebAuthFlow(double), redirectUri: () => double.redirectUri, ...(options.now ? { now: options.now } : {}) },
  );
  return { connector, tokens };
}

const ref = (id: string) => `salesforce:${id}`;
const rest = (resource: string, method?: string) => double.log.filter((e) => e.resource === resource && (!method || e.method === method));
const tokenCalls = () => double.log.filter((e) => e.path === '/services/oauth2/token');
const tasksWithKey = (key: string) => double.data.rows('Task').filter((t) => !t.IsDeleted && String(t.Description ?? '').endsWith(`Kindred ref: ${key}`));
const draft = { kind: 'dm' as const, channel: 'x' as const, at: '2026-11-22T10:00:00.000Z', notes: "Talked about the gala's \\ volunteering", summary: 'Gala', profileUrl: 'https://x.com/celiaboston' };

describe('config', () => {
  it('accepts production, sandbox, My Domain and (for tests) loopback http, and fills the defaults', () => {
    const parse = (loginUrl: string) => salesforceConfigSchema.parse({ loginUrl, clientId: ' key ' });
    expect(parse('https://login.salesforce.com/')).toEqual({ loginUrl: 'https://login.salesforce.com', clientId: 'key', apiVersion: '66.0', fieldMap: {} });
    expect(parse('test.salesforce.com').loginUrl).toBe('https://test.salesforce.com');
    expect(parse('https://acme--uat.sandbox.my.salesforce.com').loginUrl).toBe('https://acme--uat.sandbox.my.salesforce.com');
    expect(parse('http://127.0.0.1:8080').loginUrl).toBe('http://127.0.0.1:8080');
    expect(salesforceConfigSchema.parse({ loginUrl: 'login.salesforce.com', clientId: 'k', apiVersion: 'v67.0', fieldMap: { x: 'Twitter__c' } })).toMatchObject({ apiVersion: '67.0', fieldMap: { x: 'Twitter__c' } });
  });

  it.each([
    { loginUrl: 'http://login.salesforce.com', clientId: 'k' },
    { loginUrl: 'https://login.salesforce.com.evil.example', clientId: 'k' },
    { loginUrl: 'https://example.org', clientId: 'k' },
    { loginUrl: 'https://login.salesforce.com', clientId: '  ' },
    { loginUrl: 'https://login.salesforce.com', clientId: 'k', fieldMap: { x: "Twitter' OR Id != null" } },
    { loginUrl: 'https://login.salesforce.com', clientId: 'k', fieldMap: { myspace: 'A__c' } },
  ])('refuses %j', (config) => {
    expect(salesforceConfigSchema.safeParse(config).success).toBe(false);
  });

  it('never touches the network when created', () => {
    let calls = 0;
    const connector = createConnector('salesforce', { loginUrl: 'https://login.salesforce.com', clientId: 'k' }, {
      fetch: async () => {
        calls++;
        throw new Error('no network');
      },
    });
    expect(connector.id).toBe('salesforce');
    expect(calls).toBe(0);
  });

  it('escapes SOQL literals and spells a profile every way it may be stored', () => {
    expect(soqlString("O'Brien \\ co\n")).toBe("'O\\'Brien \\\\ co\\n'");
    const values = lookupValues({ platform: 'x', handle: 'celiaboston' });
    expect(values).toEqual(expect.arrayContaining(['https://x.com/celiaboston', 'http://www.twitter.com/celiaboston/', 'x.com/celiaboston', 'celiaboston', '@celiaboston']));
    expect(lookupValues({ platform: 'facebook', handle: 'id:100004' })).not.toContain('id:100004');
  });
});

describe('sign-in (authorization code + PKCE, end to end against the double)', () => {
  it('opens the authorize page with S256 and our scope, exchanges the code and stores the tokens', async () => {
    await start();
    const { connector, tokens } = connect({ tokens: null });
    await connector.signIn!();
    const [authorize] = double.log.filter((e) => e.path === '/services/oauth2/authorize');
    expect(authorize?.query).toMatchObject({ response_type: 'code', client_id: double.clientId, redirect_uri: double.redirectUri, code_challenge_method: 'S256', scope: 'api refresh_token' });
    expect(authorize?.query.code_challenge).toMatch(/^[\w-]{43}$/);
    expect(tokenCalls().at(-1)?.body).toMatch(/grant_type=authorization_code.*code_verifier=/);
    expect(tokens.value).toMatchObject({ accessToken: expect.any(String), refreshToken: expect.any(String), extra: { instance_url: double.baseUrl } });
    expect(await connector.testConnection()).toEqual({ user: 'Avery Castillo', canReadGifts: true });
  });

  it('testConnection signs in when nothing is stored yet', async () => {
    await start();
    double.consent.user = 'volunteer';
    const { connector } = connect({ tokens: null });
    expect(await connector.testConnection()).toEqual({ user: 'Val Okoro', canReadGifts: false });
  });

  it('says in words when the user refuses consent, and when no window may be opened', async () => {
    await start();
    double.consent.decision = 'deny';
    await expect(connect({ tokens: null }).connector.signIn!()).rejects.toMatchObject({ code: 'auth', message: expect.stringMatching(/cancelled or refused: end-user denied authorization/) });
    const headless = createSalesforceConnector(salesforceConfigSchema.parse({ loginUrl: double.baseUrl, clientId: double.clientId }), {});
    await expect(headless.signIn()).rejects.toMatchObject({ code: 'auth', message: expect.stringMatching(/browser window/) });
    await expect(headless.get(ref(SAMPLE.celiaBoston))).rejects.toMatchObject({ code: 'auth', message: expect.stringMatching(/not signed in/) });
  });

  it('refreshes once on 401 and keeps the refresh token Salesforce did not rotate', async () => {
    await start();
    const { connector, tokens } = connect();
    const before = tokens.value!;
    double.expireAccessTokens();
    expect((await connector.get(ref(SAMPLE.celiaBoston)))?.displayName).toBe('Celia Boston');
    expect(tokenCalls()).toHaveLength(1);
    expect(tokens.value).toMatchObject({ refreshToken: before.refreshToken, extra: { instance_url: double.baseUrl } });
    expect(tokens.value!.accessToken).not.toBe(before.accessToken);
  });

  it('gives up with auth after one refresh when Salesforce still says 401', async () => {
    await start();
    const { connector } = connect();
    double.fault({ status: 401 }, 2);
    await expect(connector.get(ref(SAMPLE.celiaBoston))).rejects.toMatchObject({ code: 'auth', message: expect.stringMatching(/expired or was revoked/) });
    expect(tokenCalls()).toHaveLength(1);
  });

  it('signOut revokes the refresh token at Salesforce, then forgets it', async () => {
    await start();
    const { connector, tokens } = connect();
    const refreshToken = tokens.value!.refreshToken!;
    await connector.signOut!();
    const revoke = double.log.find((e) => e.path === '/services/oauth2/revoke');
    expect([revoke?.status, new URLSearchParams(revoke?.body).get('token')]).toEqual([200, refreshToken]);
    expect(tokens.value).toBeNull();
    // Offline, it still forgets.
    const offline = connect();
    await double.close();
    await offline.connector.signOut!();
    expect(offline.tokens.value).toBeNull();
  });
});

describe('lookup and search', () => {
  it('finds contacts by every stored spelling of a mapped profile, and only exact identities', async () => {
    await start();
    const { connector } = connect();
    const found = await connector.findByIdentities([
      { platform: 'x', handle: 'celiaboston' }, // '@CeliaBoston'
      { platform: 'x', handle: 'louisboston' }, // 'http://twitter.com/LouisBoston/'
      { platform: 'x', handle: 'ericadouglass' }, // 'x.com/ericadouglass'
      { platform: 'linkedin', handle: 'celia-boston' },
      { platform: 'bluesky', handle: 'sehar.bsky.social' },
      { platform: 'x', handle: 'danagone' }, // deleted
      { platform: 'x', handle: 'celiabosto' },
      { platform: 'github', handle: 'celia' }, // no field mapped
    ]);
    expect(found).toEqual({
      'x:celiaboston': [ref(SAMPLE.celiaBoston)],
      'x:louisboston': [ref(SAMPLE.louisBoston)],
      'x:ericadouglass': [ref(SAMPLE.ericaDouglass)],
      'linkedin:celia-boston': [ref(SAMPLE.celiaBoston)],
      'bluesky:sehar.bsky.social': [ref(SAMPLE.seharIvans)],
    });
    expect(rest('query')).toHaveLength(1);
    expect(rest('query')[0]?.query.q).toMatch(/^SELECT Id, Twitter_Handle__c, LinkedIn_URL__c, Bluesky_Handle__c FROM Contact WHERE Twitter_Handle__c IN \('/);
  });

  it('splits a long batch into queries of bounded length and asks nothing when no field is mapped', async () => {
    await start();
    const { connector } = connect();
    const many = Array.from({ length: 60 }, (_, i) => ({ platform: 'x' as const, handle: `person${i}` }));
    expect(await connector.findByIdentities([...many, { platform: 'x', handle: 'celiaboston' }])).toEqual({ 'x:celiaboston': [ref(SAMPLE.celiaBoston)] });
    expect(rest('query').length).toBeGreaterThan(1);
    for (const e of rest('query')) expect(e.path.length + encodeURIComponent(e.query.q ?? '').length).toBeLessThan(16_000);
    const unmapped = connect({ config: { fieldMap: {} } }).connector;
    const before = double.log.length;
    expect(await unmapped.findByIdentities([{ platform: 'x', handle: 'celiaboston' }])).toEqual({});
    expect(double.log).toHaveLength(before);
  });

  it('searches names with SOSL, prefix-matching the last word and escaping reserved characters', async () => {
    await start();
    const { connector } = connect();
    expect(await connector.search('bost')).toEqual([
      { id: ref(SAMPLE.celiaBoston), displayName: 'Celia Boston', tags: ['Boston Household'], emails: ['celia.boston@example.org'] },
      { id: ref(SAMPLE.louisBoston), displayName: 'Louis Boston', tags: ['Boston Household'], emails: [] },
    ]);
    expect(await connector.search('celia (boston)')).toHaveLength(1);
    expect(rest('search').at(-1)?.query.q).toContain('FIND {celia \\(boston\\)*}');
    const before = double.log.length;
    expect(await connector.search(' c ')).toEqual([]);
    expect(double.log).toHaveLength(before);
  });
});

describe('card and history', () => {
  it('reads the contact, its household and the NPSP roll-ups as giving', async () => {
    await start();
    const { connector } = connect();
    expect(await connector.get(ref(SAMPLE.celiaBoston))).toMatchObject({
      id: ref(SAMPLE.celiaBoston), source: 'salesforce', externalId: SAMPLE.celiaBoston, displayName: 'Celia Boston', firstName: 'Celia', lastName: 'Boston',
      emails: ['celia.boston@example.org'], phones: ['(617) 555-0123'], tags: ['Boston Household'], doNotContact: false,
      giving: { lifetime: 125, lastGiftAmount: 75, lastGiftDate: '2019-01-22', largestGift: 75, currency: 'USD' },
    });
    expect(await connector.get(ref(SAMPLE.ericaDouglass))).toMatchObject({ doNotContact: true });
    expect(await connector.get(ref(SAMPLE.sampleContact))).toMatchObject({ giving: { lifetime: 0, lastGiftAmount: null, largestGift: null } });
    expect(await connector.get(ref(SAMPLE.deletedContact))).toBeNull();
    await expect(connector.get('civicrm:12')).rejects.toMatchObject({ code: 'invalid' });
  });

  it('gives a user without Opportunity access a card without giving, not an error', async () => {
    await start();
    const { connector } = connect({ user: 'volunteer' });
    expect(await connector.get(ref(SAMPLE.celiaBoston))).toMatchObject({ displayName: 'Celia Boston', giving: null });
    const { interactions, gifts } = await connector.history(ref(SAMPLE.celiaBoston));
    expect(gifts).toEqual([]);
    expect(interactions).toHaveLength(2);
  });

  it('reads Tasks and Events by WhoId and won donations by primary contact', async () => {
    await start();
    const { connector } = connect();
    const { interactions, gifts } = await connector.history(ref(SAMPLE.celiaBoston));
    expect(interactions.map((i) => [i.kind, i.summary, i.author])).toEqual([
      ['meeting', 'Lunch after the gala', 'Avery Castillo'],
      ['call', 'Thank-you call', 'Avery Castillo'],
    ]);
    expect(interactions[0]).toMatchObject({ at: '2019-02-10T12:00:00.000Z', notes: 'Talked about volunteering.', source: 'salesforce', status: 'synced' });
    expect(gifts.map((g) => [g.amount, g.date, g.campaign, g.currency])).toEqual([[75, '2019-01-22', 'Spring Gala 2019', 'USD'], [50, '2018-01-22', null, 'USD']]);
  });
});

describe('logInteraction', () => {
  it('creates a Task with the subtype, status, date and marker, and reads it back as ours', async () => {
    await start();
    const { connector } = connect();
    const { externalId } = await connector.logInteraction(ref(SAMPLE.celiaBoston), draft, 'key-1');
    const task = double.data.get(externalId)!;
    const day = new Date(draft.at);
    const local = `${day.getFullYear()}-${String(day.getMonth() + 1).padStart(2, '0')}-${String(day.getDate()).padStart(2, '0')}`;
    expect(task).toMatchObject({ WhoId: SAMPLE.celiaBoston, Subject: 'Direct message on X: Gala', TaskSubtype: 'Task', Status: 'Completed', ActivityDate: local });
    expect(task.Description).toBe("Talked about the gala's \\ volunteering\n\nChannel: X\nProfile: https://x.com/celiaboston\nTime: 2026-11-22T10:00:00.000Z\nKindred ref: key-1");
    await connector.logInteraction(ref(SAMPLE.celiaBoston), { ...draft, kind: 'call', channel: null, summary: null, profileUrl: null }, 'key-2');
    expect(tasksWithKey('key-2')[0]).toMatchObject({ TaskSubtype: 'Call', Subject: 'Call' });
    const mine = (await connector.history(ref(SAMPLE.celiaBoston))).interactions.find((i) => i.id === 'key-1');
    expect(mine).toMatchObject({ externalId, kind: 'dm', channel: 'x', summary: 'Gala', notes: "Talked about the gala's \\ volunteering", profileUrl: 'https://x.com/celiaboston', at: draft.at });
    expect(rest('sobjects', 'GET').filter((e) => e.object === 'Task')).toHaveLength(1); // describe once per connector
  });

  it('is safe to retry: a write that landed before the connection dropped is found, not written again', async () => {
    await start();
    const { connector } = connect();
    double.fault({ dropAfterApply: true, match: (r) => r.object === 'Task' && r.method === 'POST' });
    await expect(connector.logInteraction(ref(SAMPLE.celiaBoston), draft, 'retry-1')).rejects.toMatchObject({ code: 'network' });
    expect(tasksWithKey('retry-1')).toHaveLength(1);
    const { externalId } = await connector.logInteraction(ref(SAMPLE.celiaBoston), draft, 'retry-1');
    expect(externalId).toBe(tasksWithKey('retry-1')[0]!.Id);
    expect(rest('sobjects', 'POST')).toHaveLength(1);
  });

  it('cleans up a second copy (a browser re-send): one Task stays and every attempt names it', async () => {
    await start();
    const { connector } = connect();
    const first = await connector.logInteraction(ref(SAMPLE.celiaBoston), draft, 'twice-1');
    const { Id: _id, ...fields } = tasksWithKey('twice-1')[0]!;
    double.data.insert('Task', fields);
    expect(tasksWithKey('twice-1')).toHaveLength(2);
    expect((await connector.logInteraction(ref(SAMPLE.celiaBoston), draft, 'twice-1')).externalId).toBe(first.externalId);
    expect(tasksWithKey('twice-1').map((t) => t.Id)).toEqual([first.externalId]);
  });

  it('maps a deleted contact to notFound and a refused write to forbidden', async () => {
    await start();
    await expect(connect().connector.logInteraction(ref(SAMPLE.deletedContact), draft, 'k')).rejects.toMatchObject({ code: 'notFound' });
    double.users.volunteer.canWrite = false;
    await expect(connect({ user: 'volunteer' }).connector.logInteraction(ref(SAMPLE.celiaBoston), draft, 'k2')).rejects.toMatchObject({ code: 'forbidden' });
  });
});

describe('create and link', () => {
  it('creates a Contact (NPSP gives it a household) and links profiles into the mapped fields', async () => {
    await start();
    const { connector } = connect();
    const created = await connector.createConstituent({ displayName: 'Ludwig van Beethoven', emails: [' ludwig@example.org '] });
    expect(await connector.get(created)).toMatchObject({ firstName: 'Ludwig', lastName: 'van Beethoven', emails: ['ludwig@example.org'], tags: ['van Beethoven Household'] });
    await connector.linkIdentity(created, { platform: 'x', handle: 'ludwig' });
    await connector.linkIdentity(created, { platform: 'linkedin', handle: 'ludwig-vb' });
    const id = created.slice('salesforce:'.length);
    // A "Handle" text field gets the handle; a URL field the profile URL.
    expect(double.data.get(id)).toMatchObject({ Twitter_Handle__c: 'ludwig', LinkedIn_URL__c: 'https://www.linkedin.com/in/ludwig-vb' });
    expect(await connector.findByIdentities([{ platform: 'linkedin', handle: 'ludwig-vb' }])).toEqual({ 'linkedin:ludwig-vb': [created] });
  });

  it('does nothing when the field already holds that profile, and never overwrites another', async () => {
    await start();
    const { connector } = connect();
    await connector.linkIdentity(ref(SAMPLE.celiaBoston), { platform: 'x', handle: 'celiaboston' });
    expect(rest('sobjects', 'PATCH')).toHaveLength(0);
    await expect(connector.linkIdentity(ref(SAMPLE.celiaBoston), { platform: 'x', handle: 'someoneelse' })).rejects.toMatchObject({
      code: 'invalid', message: expect.stringMatching(/already holds "@CeliaBoston"; Kindred does not overwrite it/),
    });
    await expect(connector.linkIdentity(ref(SAMPLE.celiaBoston), { platform: 'github', handle: 'celia' })).rejects.toMatchObject({
      code: 'invalid', message: expect.stringMatching(/No Salesforce Contact field is mapped to GitHub profiles/),
    });
    await expect(connector.linkIdentity(ref(SAMPLE.deletedContact), { platform: 'x', handle: 'd' })).rejects.toMatchObject({ code: 'notFound' });
  });

  it('lists the Contact fields that can hold a handle or URL for the mapping screen', async () => {
    await start();
    const fields = await connect().connector.describeContactFields();
    expect(fields.slice(0, 3)).toEqual([
      { name: 'Bluesky_Handle__c', label: 'Bluesky Handle', type: 'string', custom: true },
      { name: 'LinkedIn_URL__c', label: 'LinkedIn URL', type: 'url', custom: true },
      { name: 'Twitter_Handle__c', label: 'Twitter Handle', type: 'string', custom: true },
    ]);
    const names = fields.map((f) => f.name);
    expect(names).toContain('MailingCity');
    for (const absent of ['Social_Notes__c', 'Description', 'Email', 'Name', 'Id', 'AccountId']) expect(names).not.toContain(absent);
  });
});

describe('pull', () => {
  async function pages(connector: SalesforceConnector, cursor: string | null, stopAfter = Infinity): Promise<ChangePage[]> {
    const out: ChangePage[] = [];
    for await (const page of connector.pull(cursor)) {
      out.push(page);
      if (out.length >= stopAfter) break;
    }
    return out;
  }
  const ids = (list: ChangePage[]) => list.flatMap((p) => p.constituents.map((c) => c.externalId));

  it('pages a full pass with nextRecordsUrl, resumes from any cursor, then syncs changes and deletions', async () => {
    let clock = Date.parse('2026-11-22T10:00:00Z');
    await start({ maxBatchSize: 2, now: () => new Date(clock) });
    const { connector } = connect({ now: () => new Date(clock) });
    const full = await pages(connector, null);
    expect(full).toHaveLength(3);
    expect(ids(full).sort()).toEqual([SAMPLE.celiaBoston, SAMPLE.louisBoston, SAMPLE.seharIvans, SAMPLE.ericaDouglass, SAMPLE.sampleContact].sort());
    expect(full.map((p) => p.progress)).toEqual([{ done: 2, total: 5 }, { done: 4, total: 5 }, { done: 5, total: 5 }]);
    expect(rest('query').filter((e) => e.path.includes('/query/01g'))).toHaveLength(2);
    expect(full.flatMap((p) => p.identities).find((i) => i.constituentId === ref(SAMPLE.louisBoston))?.identity).toEqual({ platform: 'x', handle: 'louisboston' });
    expect(full.flatMap((p) => p.constituents).find((c) => c.externalId === SAMPLE.celiaBoston)?.giving?.lifetime).toBe(125);

    // Stopped after the first page: the rest comes from its cursor, even after the locator expired.
    const stopped = await pages(connector, null, 1);
    double.expireQueryLocators();
    const resumed = await pages(connector, stopped[0]!.cursor);
    expect([...ids(stopped), ...ids(resumed)].sort()).toEqual(ids(full).sort());

    clock += 10 * 60_000;
    const sehar = double.data.get(SAMPLE.seharIvans)!;
    double.data.update(sehar, { Email: 'sehar.new@example.net' });
    double.data.softDelete('Contact', double.data.get(SAMPLE.louisBoston)!);
    double.data.purge('Contact', SAMPLE.sampleContact);
    clock += 60_000;
    const changes = await pages(connector, full.at(-1)!.cursor);
    // Rows stamped within the overlap before the last pass ended are read again; harmless.
    expect(ids(changes)).toContain(SAMPLE.seharIvans);
    expect(ids(changes)).not.toContain(SAMPLE.louisBoston);
    expect(changes.flatMap((p) => p.constituents).find((c) => c.externalId === SAMPLE.seharIvans)?.emails).toContain('sehar.new@example.net');
    // Louis went to the recycle bin (queryAll IsDeleted), Sample Contact was purged (getDeleted only);
    // Dana was deleted at seeding, inside the overlap.
    expect([...new Set(changes.flatMap((p) => p.deleted))].sort()).toEqual([ref(SAMPLE.louisBoston), ref(SAMPLE.sampleContact), ref(SAMPLE.deletedContact)].sort());
    expect(rest('queryAll').at(-1)?.query.q).toMatch(/WHERE SystemModstamp >= 2026-11-22T\d{2}:\d{2}:\d{2}Z ORDER BY SystemModstamp ASC, Id ASC$/);
    expect(rest('sobjects').some((e) => e.path.endsWith('/Contact/deleted/'))).toBe(true);

    // Nothing changed since: only the last change, inside the overlap, is read again.
    clock += 10 * 60_000;
    expect(ids(await pages(connector, changes.at(-1)!.cursor))).toEqual([SAMPLE.seharIvans]);
  });

  it('restarts with a full pass when the cursor is unreadable', async () => {
    await start();
    expect(ids(await pages(connect().connector, '{"v":9}'))).toHaveLength(5);
  });
});

describe('limits and errors', () => {
  it('maps REQUEST_LIMIT_EXCEEDED to rateLimited with a wait fit for the limit, honouring a Retry-After', async () => {
    await start();
    const { connector } = connect();
    const failure = (await connector.search('celia').catch((e: unknown) => e)) as ConnectorError;
    expect(failure).not.toBeInstanceOf(ConnectorError); // sanity: the call works without a fault
    double.fault({ status: 403 });
    await expect(connector.search('celia')).rejects.toMatchObject({ code: 'rateLimited', retryAfterMs: 15 * 60_000, message: expect.stringMatching(/daily API allowance/) });
    double.fault({ status: 403, message: 'ConcurrentPerOrgLongTxn Limit exceeded.' });
    await expect(connector.search('celia')).rejects.toMatchObject({ code: 'rateLimited', retryAfterMs: 30_000 });
    double.fault({ status: 403, headers: { 'Retry-After': '120' } });
    await expect(connector.search('celia')).rejects.toMatchObject({ code: 'rateLimited', retryAfterMs: 120_000 });
  });

  it.each([
    [{ status: 500 }, 'server'],
    [{ status: 503 }, 'server'],
    [{ status: 404 }, 'notFound'],
    [{ status: 403, errorCode: 'INSUFFICIENT_ACCESS_OR_READONLY', message: 'insufficient access' }, 'forbidden'],
    [{ status: 403, errorCode: 'API_DISABLED_FOR_ORG', message: 'API is not enabled for this Organization or Partner' }, 'forbidden'],
    [{ status: 400, errorCode: 'MALFORMED_QUERY', message: 'unexpected token' }, 'invalid'],
    [{ status: 200, body: '{"totalSize":1,' }, 'invalid'],
    [{ status: 200, body: '<html><body>Maintenance</body></html>', contentType: 'text/html' }, 'invalid'],
    [{ dropBeforeApply: true }, 'network'],
  ])('maps %j to %s', async (fault, code) => {
    await start();
    const { connector } = connect();
    // On the Contact read itself (the gift-access probe before it turns a 403 into "no giving").
    double.fault({ ...fault, match: (r) => r.object === 'Contact' });
    await expect(connector.get(ref(SAMPLE.celiaBoston))).rejects.toMatchObject({ code });
  });

  it('reads Sforce-Limit-Info and stops background work near the allocation, not what the user asked for', async () => {
    await start();
    const { connector } = connect();
    double.setApiUsage(94_000, 100_000);
    expect(await connector.get(ref(SAMPLE.celiaBoston))).not.toBeNull();
    expect(connector.apiUsage()).toEqual({ used: expect.any(Number), max: 100_000 });
    const before = double.log.length;
    await expect(connector.findByIdentities([{ platform: 'x', handle: 'celiaboston' }])).rejects.toMatchObject({ code: 'rateLimited' });
    await expect(connector.pull(null)[Symbol.asyncIterator]().next()).rejects.toMatchObject({ code: 'rateLimited' });
    expect(double.log).toHaveLength(before);
    expect(await connector.search('celia')).toHaveLength(1);
  });

  it('times out a slow reply as network', async () => {
    await start();
    const { connector } = connect({ config: { timeoutMs: 200 } });
    double.fault({ latencyMs: 600 });
    await expect(connector.get(ref(SAMPLE.celiaBoston))).rejects.toMatchObject({ code: 'network', message: expect.stringMatching(/did not answer within 200 ms/) });
  });
});

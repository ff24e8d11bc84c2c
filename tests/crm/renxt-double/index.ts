// A Blackbaud SKY API contract double for the Raiser's Edge NXT connector: a real HTTP server on
// 127.0.0.1 enforcing the wire facts of /work/shared/crm-contracts-renxt.md §6. One server plays
// all three hosts: the API (`apiBase`), app.blackbaud.com's authorize page and oauth2's /token.
//
// Request pipeline, in the order the real thing applies it:
//   fault (network / proxy) → OAuth endpoints, or → gateway (subscription key 401, bearer 401,
//   rate limit 429, quota 403) → Content-Type 415 / JSON 400 → route (404/405) → handler.
//
// Where the notes say GUESS or VERIFY, the double picks one behaviour, says so beside the code, and
// where cheap offers a switch (SkyDoubleOptions) so both sides can be tested.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Ctx } from './context';
import { createData, stampNow } from './data';
import { describeFault, skyFaults } from './faults';
import { admit, type GatewayState } from './gateway';
import { answerWithFault, flatHeaders, readBody } from '../double-kit';
import { gateway, HttpError, invalid, json, send, type Reply } from './http';
import type { Paging } from './lists';
import { authorize, mintAccess, token, type OAuthRealm } from './oauth';
import { isApiPath, route } from './routes';
import { seedBulk, seedDemo, seedTables } from './seed';
import type { Fault, LoggedRequest, SkyDouble, SkyDoubleOptions, SkyUser } from './types';

export type { Fault, LoggedRequest, SkyDouble, SkyDoubleOptions, SkyUser } from './types';
export type { SkyData } from './data';

export const TEST_REDIRECT_URI = 'https://kindredextensionid.chromiumapp.org/raisers-edge';

export async function startSkyDouble(options: SkyDoubleOptions = {}): Promise<SkyDouble> {
  const data = createData();
  seedTables(data);
  if (options.seed ?? true) seedDemo(data);
  const users: { admin: SkyUser; volunteer: SkyUser } = {
    admin: { userId: 'u-admin-0001', email: 'admin@hernandez-foundation.example', givenName: 'Alex', familyName: 'Admin', canReadGifts: true, canWrite: true },
    volunteer: { userId: 'u-volunteer-0002', email: 'volunteer@hernandez-foundation.example', givenName: 'Val', familyName: 'Volunteer', canReadGifts: false, canWrite: true },
  };
  const environments = [
    { id: 'p-abcdef1234567890ABCDEFG', name: 'Blackbaud Developer Sandbox Environment' },
    { id: 'p-second0987654321ZYXWVUT', name: 'Second Environment' },
  ];
  const realm: OAuthRealm = {
    applicationId: 'a7f3c0de-0000-4000-8000-000000000001',
    redirectUris: [TEST_REDIRECT_URI],
    environments,
    session: { user: users.admin, environmentId: environments[0]!.id, deny: false },
    tokenTtlSeconds: options.tokenTtlSeconds ?? 3600,
    issueRefreshTokens: options.issueRefreshTokens ?? true,
    codes: new Map(),
    access: new Map(),
    refresh: new Map(),
  };
  const rate = options.rateLimitPerSecond ?? 5;
  const gate: GatewayState = {
    subscriptionKey: 'double-subscription-key-0123456789abcdef',
    bucket: { rate, tokens: rate, at: Date.now() },
    quota: { remaining: options.dailyQuota ?? Number.POSITIVE_INFINITY, retryAfterSeconds: 406 },
  };
  const handlerOptions: Ctx['options'] = {
    strictEmailSearch: options.strictEmailSearch ?? true,
    noGiftsReply: options.noGiftsReply ?? '404',
    giftDenialStatus: options.giftDenialStatus ?? 403,
  };
  const log: LoggedRequest[] = [];
  const faults = skyFaults();
  const paging: Paging = { sortTokens: new Set(), apiBase: '' };
  let bulkSeeded = 0;
  let closing: Promise<void> | undefined;

  function api(method: string, url: URL, headers: Record<string, string>, body: string, entry: LoggedRequest): Reply {
    if (!isApiPath(url.pathname)) return json(404, { statusCode: 404, message: 'Resource not found' });
    const admitted = admit(gate, realm, headers);
    if (!admitted.ok) {
      entry.reason = admitted.reason;
      return admitted.reply;
    }
    let parsed: unknown;
    if (method === 'POST' || method === 'PATCH') {
      if (!(headers['content-type'] ?? '').toLowerCase().startsWith('application/json')) return gateway(415, 'Unsupported Media Type');
      try {
        parsed = JSON.parse(body);
      } catch {
        return invalid('Unexpected character encountered while parsing value. Path \'\', line 1, position 0.');
      }
    }
    const found = route(method, url.pathname);
    if (found === null) return json(404, { statusCode: 404, message: 'Resource not found' });
    if (found === 'method') return json(405, { statusCode: 405, message: 'Method not allowed' });
    const ctx: Ctx = { data, paging, grant: admitted.grant, method, q: url.searchParams, body: parsed, options: handlerOptions };
    try {
      return found.handler(ctx, ...found.params);
    } catch (e) {
      if (e instanceof HttpError) {
        entry.reason = e.reply.body.slice(0, 300);
        return e.reply;
      }
      throw e;
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', paging.apiBase);
    const method = req.method ?? 'GET';
    const headers = flatHeaders(req);
    const body = await readBody(req);
    const entry: LoggedRequest = {
      method, path: url.pathname, query: [...url.searchParams], headers, body, status: 0, at: Date.now(), fault: null, reason: null,
    };
    log.push(entry);
    const isOAuth = url.pathname === '/oauth/authorize' || url.pathname === '/token';
    const target = { method, path: url.pathname };
    const fault = isOAuth ? null : faults.take(target);
    await answerWithFault(req, res, entry, fault, {
      describe: describeFault,
      cannedReply: cannedReply,
      answer: (): Reply => {
        if (url.pathname === '/oauth/authorize' && method === 'GET') return authorize(realm, url.searchParams);
        if (url.pathname === '/token' && method === 'POST') return token(realm, headers['content-type'] ?? '', body);
        return api(method, url, headers, body, entry);
      },
      send,
    });
  }

  /** An injected status, in the gateway's own words (429 rate limit, 403 quota) unless the fault gives a body. */
  function cannedReply(fault: Fault): Reply | null {
    if (!fault.status) return null;
    const retry = fault.retryAfter ? { 'Retry-After': fault.retryAfter } : undefined;
    return fault.body !== undefined
      ? { status: fault.status, type: fault.contentType ?? 'application/json', body: fault.body, headers: retry }
      : fault.status === 429
        ? gateway(429, 'Rate limit is exceeded. Try again in 1 second.', retry)
        : fault.status === 403
          ? gateway(403, 'Out of call volume quota. Quota will be replenished in 00:06:46.', retry)
          : fault.status >= 500
            ? { status: fault.status, type: 'text/plain', body: '', headers: retry }
            : gateway(fault.status, `Injected ${fault.status}`, retry);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      log.push({
        method: req.method ?? 'GET', path: req.url ?? '', query: [], headers: flatHeaders(req), body: '', status: 500, at: Date.now(), fault: null,
        reason: `double crashed: ${e instanceof Error ? e.stack : String(e)}`,
      });
      if (!res.headersSent) send(res, { status: 500, type: 'text/plain', body: 'double crashed' });
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  paging.apiBase = base;

  return {
    apiBase: base,
    authorizeUrl: `${base}/oauth/authorize`,
    tokenUrl: `${base}/token`,
    applicationId: realm.applicationId,
    subscriptionKey: gate.subscriptionKey,
    redirectUris: realm.redirectUris,
    environments,
    users,
    session: realm.session,
    data,
    log,
    fault: (f, times) => faults.add(f, times),
    clearFaults: () => faults.clear(),
    mintToken: (user = users.admin, ttl) => mintAccess(realm, { user, environment: environments[0]! }, ttl),
    expireAccessTokens() {
      for (const record of realm.access.values()) record.expiresAt = 0;
    },
    refreshTokens: () => [...realm.refresh].map(([t, r]) => ({ token: t, used: r.used })),
    quota: gate.quota,
    touch(table, id, at = new Date()) {
      const row = data[table].get(id);
      if (!row) throw new Error(`double: no ${table} row ${id}`);
      row.date_modified = stampNow(at);
    },
    seedConstituents(n, seedOptions) {
      seedBulk(data, bulkSeeded, n, seedOptions?.presenceEvery ?? 0);
      bulkSeeded += n;
    },
    close: () =>
      (closing ??= new Promise<void>((resolve, reject) => {
        server.close((e) => (e ? reject(e) : resolve()));
        server.closeAllConnections();
      })),
  };
}

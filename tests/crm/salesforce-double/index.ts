// A Salesforce (NPSP) contract double: a real HTTP server on 127.0.0.1 that is both the login host
// (/services/oauth2/*) and the instance (/services/data/vNN.N/*), enforcing the wire facts of
// /work/shared/crm-contracts.md §3 and §5.2.
//
// Request pipeline: fault (before anything, like a network or proxy problem) → OAuth endpoints →
// version (404) → Bearer (401 INVALID_SESSION_ID) → daily allocation (403 REQUEST_LIMIT_EXCEEDED,
// `Sforce-Limit-Info` on every REST reply) → the resource. Where the notes say GUESS, the double
// picks the documented-most-likely behaviour and says so beside the code (grep GUESS).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAuth, type OAuthReply } from './auth';
import { createData } from './data';
import { SfApiError } from './errors';
import { describeFault, faultReply, sfFaults } from './faults';
import { answerWithFault, flatHeaders, readBody } from '../double-kit';
import { json, send, type Reply } from './http';
import { classify, rest, VERSIONS, type RestState } from './routes';
import { ORG_ID, seedNpsp, seedUsers, USERS } from './seed';
import type { LoggedRequest, SalesforceDouble, SfDoubleOptions, SfUser } from './types';

export type { FaultTarget, LoggedRequest, SalesforceDouble, SfDoubleOptions, SfFault, SfTokens, SfUser } from './types';
export type { SfData, Row } from './data';
export { SAMPLE, USERS } from './seed';

export async function startSalesforceDouble(options: SfDoubleOptions = {}): Promise<SalesforceDouble> {
  const now = options.now ?? (() => new Date());
  const users = { admin: { ...USERS.admin }, volunteer: { ...USERS.volunteer } };
  const consent: SalesforceDouble['consent'] = { user: 'admin', decision: 'allow' };
  let actingUser: SfUser = users.admin;
  const data = createData(now, () => actingUser.id);
  seedUsers(data);
  if ((options.seed ?? 'npsp') === 'npsp') seedNpsp(data);

  let baseUrl = '';
  const clientId = options.clientId ?? 'kindred-test-client';
  const redirectUri = options.redirectUri ?? 'https://ext-id.chromiumapp.org/sf';
  const auth = createAuth({
    clientId, redirectUri, requireSecret: options.requireSecret ?? false, rotateRefreshTokens: options.rotateRefreshTokens ?? false,
    orgId: ORG_ID, baseUrl: () => baseUrl, now: () => now().getTime(),
  });
  const state: RestState = {
    data, now, requiredTaskFields: options.requiredTaskFields ?? ['Subject'], maxBatchSize: options.maxBatchSize ?? 2000,
    locators: new Map(), limits: { used: 0, max: options.apiMax ?? 100_000 },
  };
  const log: LoggedRequest[] = [];
  const faults = sfFaults();
  let closing: Promise<void> | undefined;

  function oauthReply(reply: OAuthReply): Reply {
    if (reply.kind === 'redirect') return { status: 302, type: 'text/html', body: '', headers: { Location: reply.location } };
    if (reply.kind === 'page') return { status: reply.status, type: 'text/html;charset=UTF-8', body: reply.html, headers: {} };
    return json(reply.status, reply.body, { 'Cache-Control': 'no-store' });
  }

  const sfError = (e: SfApiError, headers: Record<string, string> = {}) => json(e.status, e.body(), headers);

  function route(method: string, url: URL, headers: Record<string, string>, body: string, entry: LoggedRequest): Reply {
    const path = url.pathname;
    if (path.startsWith('/services/oauth2/')) {
      const endpoint = path.slice('/services/oauth2/'.length);
      const form = /^application\/x-www-form-urlencoded/i.test(headers['content-type'] ?? '') ? new URLSearchParams(body) : new URLSearchParams();
      if (endpoint === 'authorize' && method === 'GET') return oauthReply(auth.authorize(url.searchParams, { user: users[consent.user], decision: consent.decision }));
      if (endpoint === 'token' && method === 'POST') return oauthReply(auth.token(form));
      if (endpoint === 'revoke' && (method === 'POST' || method === 'GET')) return oauthReply(auth.revoke((method === 'POST' ? form : url.searchParams).get('token') ?? ''));
      return oauthReply({ kind: 'page', status: 404, html: '<html><body>Not Found</body></html>' });
    }
    const user = () => {
      const who = auth.bearer(headers.authorization);
      if (!who) throw new SfApiError(401, 'INVALID_SESSION_ID', 'Session expired or invalid');
      return who;
    };
    try {
      const id = /^\/id\/(\w+)\/(\w+)$/.exec(path);
      if (id) {
        const who = user();
        if (id[2] !== who.id) throw new SfApiError(403, 'FORBIDDEN', 'Bad_Id');
        return json(200, { id: `${baseUrl}${path}`, user_id: who.id, organization_id: ORG_ID, username: who.username, display_name: who.name });
      }
      if (path === '/services/data' || path === '/services/data/') {
        return json(200, VERSIONS.map((v) => ({ label: `v${v}`, url: `/services/data/v${v}`, version: v })));
      }
      const m = /^\/services\/data\/v(\d+\.\d+)(?:\/(.*))?$/.exec(path);
      // GUESS (§5.2): an unknown version is a 404 NOT_FOUND.
      if (!m || !VERSIONS.includes(m[1]!)) throw new SfApiError(404, 'NOT_FOUND', 'The requested resource does not exist');
      const who = user();
      actingUser = who;
      state.limits.used++;
      const limitHeader = { 'Sforce-Limit-Info': `api-usage=${state.limits.used}/${state.limits.max}` };
      // No Retry-After: Salesforce sends none (§3.8).
      if (state.limits.used > state.limits.max) return sfError(new SfApiError(403, 'REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.'), limitHeader);
      try {
        const reply = rest(state, { method, path: m[2] ?? '', query: url.searchParams, headers, body, version: m[1]!, user: who });
        return { ...reply, headers: { ...reply.headers, ...limitHeader } };
      } catch (e) {
        if (e instanceof SfApiError) {
          entry.reason = `${e.errorCode}: ${e.message}`;
          return sfError(e, limitHeader);
        }
        throw e;
      }
    } catch (e) {
      if (!(e instanceof SfApiError)) throw e;
      entry.reason = `${e.errorCode}: ${e.message}`;
      return sfError(e);
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const headers = flatHeaders(req);
    const body = await readBody(req);
    const method = req.method ?? 'GET';
    const rel = /^\/services\/data\/v[\d.]+\/(.*)$/.exec(url.pathname)?.[1];
    const { resource, object } = url.pathname.startsWith('/services/oauth2/')
      ? { resource: 'oauth', object: null }
      : rel !== undefined
        ? classify(rel, url.searchParams)
        : { resource: url.pathname.startsWith('/id/') ? 'id' : 'versions', object: null };
    const entry: LoggedRequest = {
      method, path: url.pathname, query: Object.fromEntries(url.searchParams), headers, body, resource, object,
      status: 0, fault: null, reason: null, at: Date.now(),
    };
    log.push(entry);

    const fault = faults.take({ method, path: url.pathname, resource, object });
    await answerWithFault(req, res, entry, fault, { describe: describeFault, cannedReply: faultReply, answer: () => route(method, url, headers, body, entry), send });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      log.push({
        method: req.method ?? 'GET', path: req.url ?? '', query: {}, headers: flatHeaders(req), body: '', resource: 'crash', object: null,
        status: 500, fault: null, reason: `double crashed: ${e instanceof Error ? e.stack : String(e)}`, at: Date.now(),
      });
      if (!res.headersSent) send(res, json(500, [{ errorCode: 'DOUBLE_CRASHED', message: 'double crashed' }]));
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    baseUrl,
    apiVersion: options.apiVersion ?? '66.0',
    clientId,
    redirectUri,
    users,
    data,
    log,
    consent,
    fault: (f, times) => faults.add(f, times),
    clearFaults: () => faults.clear(),
    issueTokens(who = 'admin') {
      const t = auth.issueFor(users[who]);
      return { access_token: t.access_token, refresh_token: t.refresh_token!, instance_url: t.instance_url, id: t.id };
    },
    expireAccessTokens: () => auth.expireSessions(),
    setApiUsage(used, max) {
      state.limits.used = used;
      if (max !== undefined) state.limits.max = max;
    },
    expireQueryLocators: () => state.locators.clear(),
    close: () =>
      (closing ??= new Promise<void>((resolve, reject) => {
        server.close((e) => (e ? reject(e) : resolve()));
        server.closeAllConnections();
      })),
  };
}

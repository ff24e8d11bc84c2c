// A CiviCRM APIv4 REST contract double: a real HTTP server on 127.0.0.1 that enforces the wire facts
// of /work/shared/crm-contracts.md §2 and §5.1, for connector tests, e2e tests and benchmarks.
//
// Request pipeline, in the order a real site applies it:
//   fault (proxy / maintenance, before anything) → route (else 404 html) → authx (401 text/plain)
//   → AJAX.php gate (400 SECURITY ALERT) → method (405) → params decoding → civicrm_api4 (403/500/200).
//
// Where the contract says GUESS, the double picks the documented-most-likely behaviour and says so
// beside the code (grep GUESS). Deliberately stricter than a real site, to catch connector bugs:
// a JSON body is a 400 in strictParams mode, and an unknown field in `select` or in write `values`
// is a 500 (core may drop unknown select fields silently).
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { authenticate, mintJwt, type Realm } from './auth';
import { createData } from './data';
import { civiFaults, describeFault } from './faults';
import { answerWithFault, flatHeaders, readBodyBytes as readBody } from '../double-kit';
import { decodeBody, NOT_FOUND, send, text, type Reply } from './http';
import { apiReply, authxReply, faultReply, route } from './routes';
import { seedBulk, seedDemo, seedSystem, USERS } from './seed';
import type { CiviDouble, CiviDoubleOptions, LoggedRequest } from './types';
import { formatDateTime } from './values';

export type { CiviDouble, CiviDoubleOptions, CiviUser, Fault, LoggedRequest } from './types';
export type { CiviData } from './data';

export async function startCiviDouble(options: CiviDoubleOptions = {}): Promise<CiviDouble> {
  const basePath = (options.basePath ?? '').replace(/\/+$/, '');
  const siteKey = options.siteKey ?? 'double-site-key';
  const strictParams = options.strictParams ?? true;
  const data = createData();
  seedSystem(data);
  if ((options.seed ?? 'demo') === 'demo') seedDemo(data);
  // Live objects: tests may flip a permission (`double.users.volunteer.canWrite = false`).
  const users = { admin: { ...USERS.admin }, volunteer: { ...USERS.volunteer }, guarded: { ...USERS.guarded } };
  const realm: Realm = {
    users: Object.values(users),
    userIds: new Map([[users.admin.contactId, 1], [users.volunteer.contactId, 2], [users.guarded.contactId, 3]]),
    siteKey,
    jwtSecret: randomBytes(32).toString('hex'),
    data,
  };
  const log: LoggedRequest[] = [];
  const faults = civiFaults();
  let bulkSeeded = 0;
  let closing: Promise<void> | undefined;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const headers = flatHeaders(req);
    const body = await readBody(req);
    const { form, json: jsonBody } = decodeBody(headers['content-type'], body);
    const query = Object.fromEntries(url.searchParams);
    const r = route(url.pathname, url.searchParams, basePath);
    const entry: LoggedRequest = {
      method: req.method ?? 'GET', path: url.pathname, query, headers, form, params: null,
      entity: r?.kind === 'api' ? r.entity : r?.kind === 'authx' ? 'authx' : null,
      action: r?.kind === 'api' ? r.action : r?.kind === 'authx' ? 'id' : null,
      status: 0, at: Date.now(), fault: null, reason: null,
    };
    log.push(entry);

    const fault = r ? faults.take({ entity: r.kind === 'batch' ? 'batch' : entry.entity!, action: r.kind === 'batch' ? 'calls' : entry.action!, method: entry.method }) : null;
    await answerWithFault(req, res, entry, fault, {
      describe: describeFault,
      cannedReply: faultReply,
      answer: (): Reply => {
        if (!r) return NOT_FOUND;
        // Authenticator reads `_authx` / `_authxSiteKey` from $_GET on GET and $_POST otherwise.
        const auth = authenticate(realm, { headers, params: entry.method === 'GET' ? query : form });
        if (auth.kind === 'reject') {
          entry.reason = auth.reason;
          return text(401, `HTTP 401 ${auth.reason}`);
        }
        if (r.kind === 'authx') return authxReply(auth);
        return apiReply({ data, strictParams }, r, { method: entry.method, headers, query, form, jsonBody, auth, entry });
      },
      send,
    });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      // A bug in the double: answer 500 and log the stack, rather than hang the test.
      log.push({
        method: req.method ?? 'GET', path: req.url ?? '', query: {}, headers: flatHeaders(req), form: {}, params: null, entity: null, action: null,
        status: 500, at: Date.now(), fault: null, reason: `double crashed: ${e instanceof Error ? e.stack : String(e)}`,
      });
      if (!res.headersSent) send(res, text(500, 'double crashed'));
    });
  });
  // Keep-alive sockets would otherwise hold close() open.
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}${basePath}`,
    siteKey,
    users,
    data,
    log,
    fault: (f, times) => faults.add(f, times),
    clearFaults: () => faults.clear(),
    seedContacts(n, seedOptions) {
      seedBulk(data, bulkSeeded, n, seedOptions);
      bulkSeeded += n;
    },
    touch(contactId, at = new Date()) {
      const row = data.contacts.get(contactId);
      if (!row) throw new Error(`double: no contact ${contactId} to touch`);
      row.modified_date = formatDateTime(at);
    },
    jwt: (contactId, ttlSeconds = 300) => mintJwt(realm.jwtSecret, contactId, ttlSeconds),
    // Idempotent: an afterEach may close a double a test already closed.
    close: () =>
      (closing ??= new Promise<void>((resolve, reject) => {
        server.close((e) => (e ? reject(e) : resolve()));
        server.closeAllConnections();
      })),
  };
}


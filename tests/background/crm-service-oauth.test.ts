// The background's CRM service with the OAuth CRMs: connect through the consent window (the real
// connectors against their contract doubles, the identity API faked at its edge only), where the
// tokens go, field mapping, sync into the cache, logging through the outbox, reconnecting the same
// or another tenant, and disconnecting.
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCrmService, type CrmService } from '../../src/background/crm-service';
import { loadConnection, publicConnection, storedTokens } from '../../src/crm/connection';
import type { WebAuthFlow } from '../../src/crm/oauth';
import { KindredDB } from '../../src/store/db';
import { memoryLock } from '../../src/sync/lock';
import { syncStatus } from '../../src/sync/pull';
import { startSkyDouble, type SkyDouble } from '../crm/renxt-double';
import { fakeWebAuthFlow } from '../crm/renxt-double/browser';
import { SAMPLE, startSalesforceDouble, type SalesforceDouble } from '../crm/salesforce-double';
import { browserWebAuthFlow } from '../crm/salesforce-double/testing';

let db: KindredDB;
const closing: { close(): Promise<void> }[] = [];

beforeEach(() => {
  db = new KindredDB(`test-${crypto.randomUUID()}`);
});
afterEach(async () => {
  for (const server of closing.splice(0)) await server.close();
  await db.delete();
});

function serviceWith(webAuthFlow: WebAuthFlow, redirectUri: (path: string) => string): CrmService {
  return createCrmService({
    db,
    userName: async () => 'Sam',
    alarms: { at: () => undefined, every: () => undefined, clear: () => undefined },
    storeChanged: () => undefined,
    lock: memoryLock(),
    random: () => 0.5,
    log: () => undefined,
    webAuthFlow,
    redirectUri,
  });
}

describe('Salesforce through the background', () => {
  let double: SalesforceDouble;
  let service: CrmService;
  const seen: string[] = [];

  beforeEach(async () => {
    double = await startSalesforceDouble();
    closing.push(double);
    seen.length = 0;
    service = serviceWith(browserWebAuthFlow(double, seen), () => double.redirectUri);
  });

  it('connects through the consent window, keeps the tokens in the background, maps fields, syncs, logs and disconnects', async () => {
    const result = await service.connect({ crm: 'salesforce', loginUrl: double.baseUrl, clientId: double.clientId });
    expect(seen).toHaveLength(1);
    expect(new URL(seen[0]!).searchParams.get('code_challenge_method')).toBe('S256');
    expect(result.user).not.toBe('');
    expect(result.canReadGifts).toBe(true);

    const secret = await loadConnection(db);
    expect(secret).toMatchObject({ crm: 'salesforce', config: { loginUrl: double.baseUrl, clientId: double.clientId } });
    expect(secret?.tenant).toMatch(/^00D/); // the org id from the identity URL
    expect((await storedTokens(db).load())?.accessToken).toBeTruthy();
    // What extension pages see holds no token.
    const view = await publicConnection(db);
    expect(view).toMatchObject({ crm: 'salesforce', baseUrl: double.baseUrl, user: result.user });
    expect(JSON.stringify(view)).not.toContain((await storedTokens(db).load())!.accessToken);

    // No field mapped yet: nobody can be recognised. Mapping the fields syncs again, in full.
    await service.sync();
    expect(await db.identities.count()).toBe(0);
    expect((await service.crmFields()).fields.map((f) => f.name)).toContain('Twitter_Handle__c');
    await service.setFieldMap({ x: 'Twitter_Handle__c', linkedin: 'LinkedIn_URL__c' });
    expect((await publicConnection(db))?.fieldMap).toEqual({ x: 'Twitter_Handle__c', linkedin: 'LinkedIn_URL__c' });
    await service.sync();
    expect((await db.identities.get('x:celiaboston'))?.constituentId).toBe(`salesforce:${SAMPLE.celiaBoston}`);
    expect((await db.identities.get('linkedin:celia-boston'))?.constituentId).toBe(`salesforce:${SAMPLE.celiaBoston}`);
    expect((await db.constituents.get(`salesforce:${SAMPLE.celiaBoston}`))?.giving?.lifetime).toBe(125);

    const queued = await service.logInteraction(`salesforce:${SAMPLE.celiaBoston}`, {
      kind: 'dm', channel: 'x', at: '2026-11-22T10:00:00+00:00', notes: 'Thanked her for the gala',
    });
    await service.flush();
    expect((await db.interactions.get(queued.id))?.status).toBe('synced');
    const tasks = double.data.rows('Task').filter((t) => String(t.Description ?? '').includes(`Kindred ref: ${queued.id}`));
    expect(tasks).toHaveLength(1);
    expect(tasks[0]?.WhoId).toBe(SAMPLE.celiaBoston);

    await service.disconnect();
    expect(double.log.some((e) => e.path === '/services/oauth2/revoke')).toBe(true);
    expect(await loadConnection(db)).toBeNull();
    expect(await storedTokens(db).load()).toBeNull();
  });

  it('a refused consent leaves the current connection and its tokens as they were', async () => {
    await service.connect({ crm: 'salesforce', loginUrl: double.baseUrl, clientId: double.clientId });
    const before = await storedTokens(db).load();
    double.consent.decision = 'deny';
    await expect(service.connect({ crm: 'salesforce', loginUrl: double.baseUrl, clientId: double.clientId })).rejects.toThrow(/Salesforce/);
    expect(await storedTokens(db).load()).toEqual(before);
    expect((await loadConnection(db))?.crm).toBe('salesforce');
  });

  it('reconnecting the same org keeps the field mapping and the sync; the mapping survives', async () => {
    await service.connect({ crm: 'salesforce', loginUrl: double.baseUrl, clientId: double.clientId });
    await service.setFieldMap({ x: 'Twitter_Handle__c' });
    const report = await service.sync();
    const synced = await syncStatus(db, 'salesforce');
    expect(report?.error ?? null, JSON.stringify(synced)).toBeNull();
    expect(synced.lastSyncedAt).not.toBeNull();
    await service.connect({ crm: 'salesforce', loginUrl: double.baseUrl, clientId: double.clientId });
    expect((await loadConnection(db))?.config.fieldMap).toEqual({ x: 'Twitter_Handle__c' });
    expect((await syncStatus(db, 'salesforce')).lastSyncedAt).toBe(synced.lastSyncedAt);
  });
});

describe("Raiser's Edge NXT through the background", () => {
  let double: SkyDouble;
  let service: CrmService;
  let flow: ReturnType<typeof fakeWebAuthFlow>;

  beforeEach(async () => {
    double = await startSkyDouble();
    closing.push(double);
    flow = fakeWebAuthFlow();
    service = serviceWith(flow, (path) => `https://kindredextensionid.chromiumapp.org/${path}`);
  });

  const request = () => ({
    crm: 'raisers-edge' as const,
    applicationId: double.applicationId,
    subscriptionKey: double.subscriptionKey,
    endpoints: { apiBase: double.apiBase, authorizeUrl: double.authorizeUrl, tokenUrl: double.tokenUrl },
  });

  it('connects, shows the environment, keeps it for re-consent, and recognises people from synced online presences', async () => {
    const result = await service.connect(request());
    expect(result.user).toBe(double.users.admin.email);
    const environment = double.environments[0]!;
    expect(await loadConnection(db)).toMatchObject({ tenant: environment.id, config: { environmentId: environment.id } });
    expect(await publicConnection(db)).toMatchObject({ crm: 'raisers-edge', baseUrl: environment.name });

    const report = await service.sync();
    expect(report?.error ?? null).toBeNull();
    expect(await db.identities.where('heldBy').equals('raisers-edge:280').count()).toBeGreaterThan(0);

    // Re-consent names the environment already connected, and keeps the sync.
    const synced = (await syncStatus(db, 'raisers-edge')).lastSyncedAt;
    await service.connect(request());
    expect(new URL(flow.calls.at(-1)!.url).searchParams.get('environment_id')).toBe(environment.id);
    expect((await syncStatus(db, 'raisers-edge')).lastSyncedAt).toBe(synced);
  });

  it('a sync keeps the giving and codes the card read, which the lists do not carry', async () => {
    await service.connect(request());
    await service.sync();
    expect(await service.refresh('raisers-edge:280')).toBe(true);
    const card = await db.constituents.get('raisers-edge:280');
    expect(card?.giving).not.toBeNull();
    await syncStatusReset();
    await service.sync();
    expect((await db.constituents.get('raisers-edge:280'))?.giving).toEqual(card?.giving);
  });

  /** Forget the cursor so the next sync reads every constituent again (as after a field change). */
  async function syncStatusReset() {
    const { resetSync } = await import('../../src/sync/pull');
    await resetSync(db, 'raisers-edge');
  }
});

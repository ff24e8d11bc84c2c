import { describe, expect, it, vi } from 'vitest';
import { createRouter, senderTier, type Handlers, type SenderInfo } from '../../src/background/router';
import { ConnectorError } from '../../src/crm/types';

const deps = {
  runtimeId: 'ext-id',
  extensionOrigin: 'chrome-extension://ext-id',
  isSiteUrl: (url: string) => url.startsWith('https://x.com/'),
  ready: Promise.resolve(),
};

const contentSender: SenderInfo = { id: 'ext-id', url: 'https://x.com/jack', frameId: 0, tab: { id: 7 } };
const pageSender: SenderInfo = { id: 'ext-id', url: 'chrome-extension://ext-id/popup.html?tab=7' };

function makeHandlers(overrides: Partial<Handlers> = {}): Handlers {
  const unexpected = async () => {
    throw new Error('unexpected call');
  };
  return {
    lookupIdentities: vi.fn(async ({ keys }) => ({ known: keys.filter((k: string) => k === 'x:jack') })),
    reportNavigation: vi.fn(async () => ({ known: true })),
    getTabProfile: unexpected,
    searchConstituents: vi.fn(async () => []),
    logInteraction: unexpected,
    linkIdentity: unexpected,
    createConstituent: unexpected,
    refreshBadges: unexpected,
    ...overrides,
  } as Handlers;
}

const envelope = (type: string, data: unknown) => ({ kindred: 1, type, data });

describe('senderTier', () => {
  it('recognises our pages and our top-frame content scripts on supported sites', () => {
    expect(senderTier(pageSender, deps)).toBe('page');
    expect(senderTier(contentSender, deps)).toBe('content');
  });
  it('rejects other extensions, sub-frames, unsupported sites and look-alike origins', () => {
    expect(senderTier({ ...pageSender, id: 'other' }, deps)).toBeNull();
    expect(senderTier({ ...contentSender, frameId: 3 }, deps)).toBeNull();
    expect(senderTier({ ...contentSender, url: 'https://evil.example/' }, deps)).toBeNull();
    expect(senderTier({ ...contentSender, tab: undefined }, deps)).toBeNull();
    expect(senderTier({ id: 'ext-id', url: 'chrome-extension://ext-id.evil/popup.html' }, deps)).toBeNull();
    expect(senderTier({ id: 'ext-id' }, deps)).toBeNull();
  });
});

describe('router', () => {
  it('answers a valid content request with {ok:true,data}', async () => {
    const route = createRouter(makeHandlers(), deps);
    const reply = await route(envelope('lookupIdentities', { keys: ['x:jack', 'x:jill'] }), contentSender);
    expect(reply).toEqual({ ok: true, data: { known: ['x:jack'] } });
  });

  it('ignores messages that are not ours', async () => {
    const route = createRouter(makeHandlers(), deps);
    expect(await route({ hello: 'world' }, contentSender)).toBeUndefined();
    expect(await route('ping', contentSender)).toBeUndefined();
  });

  it('rejects and logs a malformed content message, then keeps serving', async () => {
    const log = vi.fn();
    const handlers = makeHandlers();
    const route = createRouter(handlers, { ...deps, log });
    const bad = [
      envelope('lookupIdentities', { keys: 'x:jack' }),
      envelope('lookupIdentities', { keys: [] }),
      envelope('lookupIdentities', { keys: Array.from({ length: 101 }, (_, i) => `x:u${i}`) }),
      envelope('lookupIdentities', { keys: ['nope'] }),
      envelope('reportNavigation', { url: 'javascript:alert(1)', profile: null }),
      envelope('reportNavigation', { url: 'https://x.com/a', profile: { identities: [{ platform: 'myspace', handle: 'tom' }], displayName: null } }),
    ];
    for (const message of bad) {
      const reply = await route(message, contentSender);
      expect(reply).toMatchObject({ ok: false, error: { code: 'badRequest' } });
    }
    expect(log).toHaveBeenCalledTimes(bad.length);
    expect(handlers.lookupIdentities).not.toHaveBeenCalled();
    expect(await route(envelope('lookupIdentities', { keys: ['x:jack'] }), contentSender)).toEqual({ ok: true, data: { known: ['x:jack'] } });
  });

  it('refuses page-only messages from content scripts and anything from strangers', async () => {
    const handlers = makeHandlers();
    const route = createRouter(handlers, { ...deps, log: () => {} });
    expect(await route(envelope('searchConstituents', { text: 'ada' }), contentSender)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await route(envelope('lookupIdentities', { keys: ['x:jack'] }), { ...contentSender, id: 'other' })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(handlers.searchConstituents).not.toHaveBeenCalled();
    expect(await route(envelope('searchConstituents', { text: 'ada' }), pageSender)).toEqual({ ok: true, data: [] });
  });

  it('reports unknown types and handler failures as data, never throws', async () => {
    const route = createRouter(
      makeHandlers({
        searchConstituents: async () => {
          throw new ConnectorError('rateLimited', 'Slow down', 5000);
        },
        reportNavigation: async () => {
          throw new TypeError('boom');
        },
      }),
      { ...deps, log: () => {} },
    );
    expect(await route(envelope('dropDatabase', {}), pageSender)).toMatchObject({ ok: false, error: { code: 'badRequest' } });
    expect(await route(envelope('searchConstituents', { text: 'a' }), pageSender)).toEqual({
      ok: false,
      error: { code: 'rateLimited', message: 'Slow down' },
    });
    expect(await route(envelope('reportNavigation', { url: 'https://x.com/a', profile: null }), contentSender)).toEqual({
      ok: false,
      error: { code: 'internal', message: 'boom' },
    });
  });

  it('waits for the ready promise before handling', async () => {
    let open!: () => void;
    const ready = new Promise<void>((resolve) => (open = resolve));
    const handlers = makeHandlers();
    const route = createRouter(handlers, { ...deps, ready });
    const pending = route(envelope('lookupIdentities', { keys: ['x:jack'] }), contentSender);
    await new Promise((r) => setTimeout(r, 10));
    expect(handlers.lookupIdentities).not.toHaveBeenCalled();
    open();
    expect(await pending).toEqual({ ok: true, data: { known: ['x:jack'] } });
  });

  it('lets a type wait for something else instead (the badge lookup, which waits for the store itself)', async () => {
    let open!: () => void;
    const ready = new Promise<void>((resolve) => (open = resolve));
    const handlers = makeHandlers();
    const route = createRouter(handlers, { ...deps, ready, readyFor: (type) => (type === 'lookupIdentities' ? Promise.resolve() : ready) });
    expect(await route(envelope('lookupIdentities', { keys: ['x:jack'] }), contentSender)).toEqual({ ok: true, data: { known: ['x:jack'] } });
    const other = route(envelope('reportNavigation', { url: 'https://x.com/a', profile: null }), contentSender);
    await new Promise((r) => setTimeout(r, 10));
    expect(handlers.reportNavigation).not.toHaveBeenCalled();
    open();
    await other;
    expect(handlers.reportNavigation).toHaveBeenCalled();
  });
});

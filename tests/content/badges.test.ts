// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createBadge, HOST_TAG, type Badge } from '../../src/content/badge';
import { BATCH, createLookup } from '../../src/content/lookup';
import { createPageBadges } from '../../src/content/page-badges';
import type { SiteAdapter } from '../../src/sites/types';

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));
async function until(check: () => boolean, ms = 2000) {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await tick(10);
  }
}

/** A site whose author links are `a.author` with href `/u/<name>`. */
const fakeSite: SiteAdapter = {
  platform: 'x',
  hosts: ['x.com'],
  detect: () => null,
  profileUrl: (h) => `https://x.com/${h}`,
  authorLinks: (root) =>
    [...root.querySelectorAll<HTMLAnchorElement>('a.author')].map((element) => ({
      element,
      identity: { platform: 'x' as const, handle: element.getAttribute('href')!.slice(3) },
    })),
};

const running: AbortController[] = [];
afterEach(() => {
  for (const controller of running.splice(0)) controller.abort();
  document.body.replaceChildren();
});

describe('lookup batching', () => {
  it('asks once per burst, at most 100 keys a message, and caches the answers', async () => {
    const ask = vi.fn(async (keys: string[]) => keys.filter((k) => k.endsWith('7')));
    const answers = new Map<string, boolean>();
    const lookup = createLookup(ask, (k, known) => answers.set(k, known), 1);
    const keys = Array.from({ length: 250 }, (_, i) => `x:u${i}`);
    for (const key of keys) expect(lookup.get(key)).toBeUndefined();
    await until(() => answers.size === 250);
    expect(ask).toHaveBeenCalledTimes(3);
    expect(ask.mock.calls.map(([batch]) => batch.length)).toEqual([BATCH, BATCH, 50]);
    expect(lookup.get('x:u7')).toBe(true);
    expect(lookup.get('x:u8')).toBe(false);
    expect(ask).toHaveBeenCalledTimes(3);
  });

  it('leaves keys unanswered when the background is unavailable, so they are asked again', async () => {
    let up = false;
    const ask = vi.fn(async (keys: string[]) => (up ? keys : null));
    const lookup = createLookup(ask, () => {}, 1);
    lookup.get('x:a');
    await until(() => ask.mock.calls.length === 1);
    await tick(5);
    up = true;
    expect(lookup.get('x:a')).toBeUndefined();
    await until(() => lookup.get('x:a') === true);
  });
});

describe('badge host', () => {
  it('is a zero-size host with a closed shadow root, identical for known and unknown people', () => {
    const known = createBadge('x:a', () => {});
    const unknown = createBadge('x:b', () => {});
    known.show(true);
    unknown.show(false);
    document.body.append(known.host, unknown.host);
    expect(known.host.localName).toBe(HOST_TAG);
    expect(known.host.shadowRoot).toBeNull();
    expect(unknown.host.shadowRoot).toBeNull();
    expect(known.host.outerHTML).toBe(unknown.host.outerHTML);
    expect(known.host.attributes.length).toBe(0);
    expect(known.host.textContent).toBe('');
  });
});

describe('page badges', () => {
  function setup(knownKeys: string[]) {
    const shown = new Map<Element, Badge & { known?: boolean }>();
    const makeBadge = (key: string, onOpen: (key: string) => void) => {
      const badge = createBadge(key, onOpen) as Badge & { known?: boolean };
      const show = badge.show.bind(badge);
      badge.show = (known) => {
        badge.known = known;
        show(known);
      };
      shown.set(badge.host, badge);
      return badge;
    };
    const ask = vi.fn(async (keys: string[]) => keys.filter((k) => knownKeys.includes(k)));
    const lookup = createLookup(ask, (key, known) => page.answer(key, known), 1);
    const page = createPageBadges(fakeSite, lookup, () => {}, makeBadge);
    const controller = new AbortController();
    running.push(controller);
    return { page, shown, ask, controller };
  }

  const post = (name: string) => {
    const article = document.createElement('article');
    const a = document.createElement('a');
    a.className = 'author';
    a.href = `/u/${name}`;
    a.textContent = name;
    const mention = document.createElement('a');
    mention.href = `/u/mentioned`;
    mention.textContent = '@mentioned';
    article.append(a, ' wrote about ', mention);
    return article;
  };

  it('puts one host after every author link, shows the badge on known people only, and badges appended posts', async () => {
    document.body.append(post('ada'), post('bob'), post('ada'));
    const { page, shown, ask, controller } = setup(['x:ada']);
    page.start(new URL('https://x.com/home'), controller.signal);
    await until(() => ask.mock.calls.length === 1);
    await tick(10);
    const hosts = [...document.querySelectorAll(HOST_TAG)];
    expect(hosts).toHaveLength(3);
    expect(hosts.map((h) => h.parentElement?.getAttribute('href'))).toEqual(['/u/ada', '/u/bob', '/u/ada']);
    expect(hosts.map((h) => shown.get(h)!.known)).toEqual([true, false, true]);
    expect(ask).toHaveBeenCalledTimes(1);

    // Infinite scroll: more posts arrive and are badged, without asking about known answers again.
    document.body.append(post('cy'), post('ada'));
    await until(() => document.querySelectorAll(HOST_TAG).length === 5 && ask.mock.calls.length === 2);
    await tick(10);
    expect([...document.querySelectorAll(HOST_TAG)].map((h) => shown.get(h)!.known)).toEqual([true, false, true, false, true]);
    expect(ask.mock.calls.flatMap(([keys]) => keys).sort()).toEqual(['x:ada', 'x:bob', 'x:cy']);
    controller.abort();
  });

  it('re-checks a link that a virtualised list re-pointed at someone else', async () => {
    document.body.append(post('bob'));
    const { page, shown, controller } = setup(['x:ada']);
    page.start(new URL('https://x.com/home'), controller.signal);
    await until(() => shown.size === 1 && [...shown.values()][0]!.known === false);
    document.querySelector('a.author')!.setAttribute('href', '/u/ada');
    await until(() => [...shown.values()][0]!.known === true);
    expect(document.querySelectorAll(HOST_TAG)).toHaveLength(1);
    expect([...shown.values()][0]!.key).toBe('x:ada');
    controller.abort();
  });

  it('stops watching when its navigation is aborted', async () => {
    const { page, controller } = setup([]);
    page.start(new URL('https://x.com/home'), controller.signal);
    await tick(30);
    controller.abort();
    document.body.append(post('late'));
    await tick(80);
    expect(document.querySelectorAll(HOST_TAG)).toHaveLength(0);
  });
});

describe('badge slot', () => {
  it("goes inside the link, through single wrappers, to the element that lays out the name", async () => {
    const { badgeSlot } = await import('../../src/content/badge');
    document.body.innerHTML = [
      '<a id="x" href="/ada"><div><div id="row"><div><span>Ada</span></div><div><svg></svg></div></div></div></a>',
      '<a id="plain" href="/bob">Bob</a>',
      '<a id="img" href="/cy"><img alt=""></a>',
    ].join('');
    expect(badgeSlot(document.getElementById('x')!).id).toBe('row');
    expect(badgeSlot(document.getElementById('plain')!).id).toBe('plain');
    expect(badgeSlot(document.getElementById('img')!).id).toBe('img');
  });
});

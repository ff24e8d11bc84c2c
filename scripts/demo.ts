// `npm run demo`: the `npm start` walk-through, headless and scripted. Loads the demo data from the
// options page, visits every demo profile at its real URL (served locally; nothing leaves loopback),
// reads the toolbar badge, opens the popup for each tab and prints what it shows. Screenshots go to
// demo-output/. Exits non-zero when a known demo person is not recognised.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Page, Worker } from 'playwright-core';
import { demoProfiles, demoRoutes, profileUrl, X_HOME_URL, type DemoProfile } from './demo/pages';
import {
  actionTitle,
  badgeText,
  extensionPage,
  launchBrowser,
  repoRoot,
  sleep,
  startSiteServer,
  tabIdOf,
  waitForBadge,
} from './lib/harness';

const out = join(repoRoot, 'demo-output');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const server = await startSiteServer(demoRoutes());
const browser = await launchBrowser({ port: server.port, headless: true });
const { context, extensionId } = browser;
const sw = await browser.serviceWorker();
const failures: string[] = [];

interface Card {
  heading: string;
  known: boolean;
  subtitle: string | null;
  tags: string[];
  giving: string[];
  doNotContact: string | null;
  timeline: number;
}

async function readCard(popup: Page): Promise<Card> {
  const h1 = popup.getByRole('heading', { level: 1 });
  await h1.waitFor({ timeout: 5_000 });
  const heading = (await h1.textContent())?.trim() ?? '';
  const known = heading !== 'Not in your constituents';
  const texts = async (selector: Parameters<Page['getByRole']>, item: 'listitem' | 'term' = 'listitem') => {
    const list = popup.getByRole(...selector);
    if ((await list.count()) === 0) return [];
    return (await list.first().getByRole(item).allTextContents()).map((t) => t.trim());
  };
  const giving = popup.getByRole('region', { name: 'Giving' });
  const givingLines = (await giving.count())
    ? await giving.locator('dl > div').evaluateAll((rows) => rows.map((r) => `${r.querySelector('dt')?.textContent}: ${(r.querySelector('dd') as HTMLElement | null)?.innerText.replace(/\s*\n\s*/g, ' · ')}`))
    : [];
  const alert = popup.getByRole('alert').filter({ hasText: /do not contact/i });
  const timeline = popup.getByRole('list', { name: 'Timeline' });
  await sleep(150); // let the live queries for the timeline settle
  return {
    heading,
    known,
    subtitle: (await popup.locator('.subtitle').first().textContent().catch(() => null))?.trim() ?? null,
    tags: await texts(['list', { name: 'Tags' }]),
    giving: givingLines,
    doNotContact: (await alert.count()) ? ((await alert.first().textContent())?.trim() ?? null) : null,
    timeline: (await timeline.count()) ? await timeline.getByRole('listitem').count() : 0,
  };
}

/** What the background recorded for the tab, through the public `getTabProfile` message. */
async function tabProfile(page: Page, tabId: number): Promise<{ identities: string[]; displayName: string | null } | null> {
  const reply = (await page.evaluate(
    (id) => chrome.runtime.sendMessage({ kindred: 1, type: 'getTabProfile', data: { tabId: id } }),
    tabId,
  )) as { ok: boolean; data?: { profile: { identities: { platform: string; handle: string }[]; displayName: string | null } | null } };
  const profile = reply.ok ? reply.data?.profile : null;
  return profile ? { identities: profile.identities.map((i) => `${i.platform}:${i.handle}`), displayName: profile.displayName } : null;
}

async function settle(worker: Worker, tabId: number, expectKnown: boolean | null): Promise<string> {
  if (expectKnown) return (await waitForBadge(worker, tabId, (t) => t !== '', 5_000).catch(() => ({ text: '' }))).text;
  // Unknown people and non-profiles: wait for the page's report (tooltip changes), then a moment.
  const deadline = Date.now() + (expectKnown === false ? 5_000 : 1_500);
  while ((await actionTitle(worker, tabId)) === 'Kindred' && Date.now() < deadline) await sleep(50);
  await sleep(300);
  return badgeText(worker, tabId);
}

try {
  console.log(`Kindred demo: headless Chromium, extension ${extensionId}, demo pages on 127.0.0.1:${server.port}\n`);
  const options = browser.installTab ?? (await context.newPage());
  await options.setViewportSize({ width: 1000, height: 900 });
  await extensionPage(context, extensionId, 'options.html', options);
  await options.getByRole('button', { name: 'Load demo data' }).click();
  const loaded = options.getByText(/Demo data loaded/);
  await loaded.waitFor({ timeout: 20_000 });
  console.log(`Options: ${(await loaded.textContent())?.trim()}`);
  await options.screenshot({ path: join(out, 'options.png'), fullPage: true });

  const visits: { url: string; slug: string; person: DemoProfile | null }[] = [
    ...demoProfiles.map((p) => ({ url: profileUrl(p), slug: p.slug, person: p })),
    { url: X_HOME_URL, slug: 'x-home', person: null },
  ];
  let firstProfile: Page | null = null;
  let n = 0;
  for (const visit of visits) {
    n++;
    const prefix = `${n}-${visit.slug}`;
    const page = await context.newPage();
    await page.goto(visit.url, { waitUntil: 'domcontentloaded' });
    firstProfile ??= page;
    const tabId = await tabIdOf(sw, visit.url);
    const expectKnown = visit.person ? visit.person.expect.known : null;
    const badge = await settle(sw, tabId, expectKnown);
    await page.screenshot({ path: join(out, `${prefix}-page.png`) });

    const popup = await context.newPage();
    await popup.setViewportSize({ width: 400, height: 600 });
    await extensionPage(context, extensionId, `popup.html?tab=${tabId}`, popup);
    const profile = await tabProfile(popup, tabId);
    let card: Card | null = null;
    if (visit.person) card = await readCard(popup);
    else await popup.getByRole('heading').first().waitFor({ timeout: 5_000 }).catch(() => undefined);
    await sleep(100);
    await popup.screenshot({ path: join(out, `${prefix}-popup.png`), fullPage: true });
    await popup.close();

    const identity = profile ? `${profile.identities.join(', ')}${profile.displayName ? ` ("${profile.displayName}")` : ''}` : 'none (not a profile page)';
    const verdict = card?.known ? `known as ${card.heading}` : 'unknown';
    console.log(`${String(n).padStart(2)}. ${visit.url}`);
    console.log(`    identity: ${identity}`);
    console.log(`    badge: ${JSON.stringify(badge)}   →   ${verdict}`);
    if (card) {
      if (!card.known) console.log(`    popup: "${card.heading}"${card.subtitle ? ` — ${card.subtitle}` : ''}`);
      else {
        console.log(`    card: ${card.heading}${card.subtitle ? ` — ${card.subtitle}` : ''}`);
        if (card.doNotContact) console.log(`    ⚠ ${card.doNotContact}`);
        console.log(`    tags: ${card.tags.join(', ') || '—'}`);
        console.log(`    giving: ${card.giving.join('; ') || '—'}`);
        console.log(`    timeline: ${card.timeline} interaction${card.timeline === 1 ? '' : 's'}`);
      }
    }
    console.log(`    screenshots: demo-output/${prefix}-page.png, demo-output/${prefix}-popup.png\n`);

    const person = visit.person;
    if (person?.expect.known) {
      if (!card?.known) failures.push(`${visit.url}: ${person.expect.name} was not recognised (popup: "${card?.heading}")`);
      else if (card.heading !== person.expect.name) failures.push(`${visit.url}: expected ${person.expect.name}, popup shows ${card.heading}`);
      if (!badge) failures.push(`${visit.url}: the toolbar badge is empty for ${person.expect.name}`);
    } else if (person && (card?.known || badge)) {
      failures.push(`${visit.url}: ${person.name} is not in the demo data but was shown as known`);
    }
  }

  // The side panel follows the active tab: open it in a tab beside the profiles, then activate
  // the first profile tab so the panel shows that person.
  const panel = await context.newPage();
  await panel.setViewportSize({ width: 400, height: 800 });
  await extensionPage(context, extensionId, 'sidepanel.html', panel);
  await firstProfile!.bringToFront();
  const first = demoProfiles[0]!;
  await panel
    .getByRole('heading', { level: 1, name: first.expect.known ? first.expect.name : 'Not in your constituents' })
    .waitFor({ timeout: 5_000 })
    .catch(() => failures.push(`side panel did not show ${profileUrl(first)}`));
  await sleep(150);
  await panel.screenshot({ path: join(out, 'sidepanel.png'), fullPage: true });
  console.log('Side panel (following the first profile tab): demo-output/sidepanel.png');
  console.log('Options page: demo-output/options.png');
} catch (error) {
  failures.push(error instanceof Error ? (error.stack ?? error.message) : String(error));
} finally {
  await browser.close();
  await server.close();
}

if (failures.length) {
  console.error(`\nDemo FAILED:\n  ${failures.join('\n  ')}`);
  process.exit(1);
}
console.log('\nDemo OK: every known demo person was recognised.');

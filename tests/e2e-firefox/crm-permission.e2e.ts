// Connecting a CRM in Firefox: the CRM's origin is an optional host permission, requested the
// Firefox way, from the click on the options page (Firefox, like Chrome, refuses
// `permissions.request` outside a user gesture, and also after an await has broken the gesture).
// The CiviCRM APIv4 contract double (tests/crm/civicrm-double) runs on 127.0.0.1 over real HTTP.
// Headless Firefox has no door-hanger to click, so the profile answers optional-permission
// prompts with "Allow" (`extensions.webextOptionalPermissionPrompts: false`); the gesture check
// comes before that pref, which the last test shows.
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchFirefox, openExtensionPage, tabIdOf, waitForBadge, type FirefoxLaunched } from '../../scripts/lib/firefox-harness';
import { startSiteServer, type SiteServer } from '../../scripts/lib/harness';
import { startCiviDouble, type CiviDouble } from '../crm/civicrm-double';
import { optionValue } from '../crm/civicrm-double/data';
import { e2eRoutes } from '../e2e/fixtures';
import { button, byLabel, click, showsText, typeInto } from './ui';

const CRM_ORIGIN = 'http://127.0.0.1/*';

let double: CiviDouble;
let server: SiteServer;
let ff: FirefoxLaunched;
let options: Page;

const hasCrmPermission = () => ff.ext((origin) => browser.permissions.contains({ origins: [origin] }), CRM_ORIGIN);

beforeAll(async () => {
  double = await startCiviDouble({ basePath: '/site', seed: 'demo' });
  const ada = [...double.data.contacts.values()].find((c) => c.display_name === 'Ada Okafor' && !c.is_deleted)!.id;
  double.data.websites.insert({ contact_id: ada, url: 'https://twitter.com/Kikobeats/', website_type_id: optionValue(double.data, 'website_type', 'Twitter') });
  server = await startSiteServer(e2eRoutes());
  ff = await launchFirefox({ port: server.port, autoAllowPermissionRequests: true });
});

afterAll(async () => {
  await ff?.close();
  await server?.close();
  await double?.close();
});

describe('connecting CiviCRM in Firefox', () => {
  it('asks for the CRM origin from the Connect click, then connects and syncs', async () => {
    expect(await hasCrmPermission()).toBe(false);
    options = ff.installTab ?? (await openExtensionPage(ff, 'options.html'));
    await options.bringToFront();
    await typeInto(await byLabel(options, 'CiviCRM address', 15_000), double.baseUrl);
    await typeInto(await byLabel(options, 'API key'), double.users.admin.apiKey);
    await click(await button(options, 'Connect CiviCRM'));
    await showsText(options, 'Connected as', 20_000);
    expect(await hasCrmPermission()).toBe(true);
    expect(double.log.length).toBeGreaterThan(0); // the background reached the CRM with it
  });

  it('recognises a person from the CRM on x.com', async () => {
    const page = await ff.browser.newPage();
    await page.goto('https://x.com/Kikobeats', { waitUntil: 'domcontentloaded' });
    const tabId = await tabIdOf(ff, 'https://x.com/Kikobeats');
    await waitForBadge(ff, tabId, (t) => t !== '', 15_000);
    await page.close();
  });

  it('refuses the same request without a user gesture (so the click above is what allowed it)', async () => {
    const answer = await options.evaluate(() =>
      browser.permissions.request({ origins: ['https://crm.example.org/*'] }).then(
        (granted) => `granted: ${granted}`,
        (error: unknown) => `refused: ${error instanceof Error ? error.message : String(error)}`,
      ),
    );
    expect(answer).toMatch(/^refused: .*user input/i);
  });
});

/** In functions evaluated in extension pages: the extension API (module-scoped, not a global). */
declare const browser: import('webextension-polyfill').Browser;

// `npm start`: a headed Chromium with the freshly built extension, a fresh profile, the demo data
// loaded, and demo profile pages served locally at the real x.com / facebook.com URLs.
//   npm start                        (needs a display; on a server: xvfb-run -a npm start)
//   CHROME_PATH=/path/to/chrome npm start
import { extensionPage, launchBrowser, startSiteServer, DEFAULT_HOSTS } from './lib/harness';
import { demoProfiles, demoRoutes, profileUrl } from './demo/pages';

if (!process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
  console.error(
    [
      'npm start opens a visible browser window, but there is no display here (DISPLAY and WAYLAND_DISPLAY are unset).',
      '  - For a headless walk-through with screenshots:   npm run demo',
      '  - To run the window on a virtual display:          xvfb-run -a npm start   (Debian: apt-get install -y xvfb xauth)',
    ].join('\n'),
  );
  process.exit(1);
}

const server = await startSiteServer(demoRoutes());
// Only the demo hosts are redirected; every other site resolves normally. The browser trusts our
// self-signed certificate by its key alone, so certificate checks stay on for real sites.
const browser = await launchBrowser({
  port: server.port,
  hosts: DEFAULT_HOSTS,
  headless: false,
  isolate: false,
  trustSpki: server.spki,
  viewport: null, // let pages follow the window size
  handleSignals: false, // our own Ctrl+C handler closes the browser and removes the profile
});
const { context, extensionId } = browser;

let stopping: Promise<void> | null = null;
async function stop(code = 0): Promise<never> {
  // Ctrl+C closes the browser, which fires 'close' too: both wait for the one clean-up (profile removal).
  stopping ??= (async () => {
    await browser.close();
    await server.close();
  })();
  await stopping;
  process.exit(code);
}
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));
context.on('close', () => {
  console.log('\nBrowser closed. Bye.');
  void stop(0);
});

try {
  const options = browser.installTab ?? (await context.newPage());
  await extensionPage(context, extensionId, 'options.html', options);
  await options.getByRole('button', { name: 'Load demo data' }).click();
  await options.getByText(/Demo data loaded/).waitFor({ timeout: 20_000 });

  const opened = ['https://x.com/adaokafor', 'https://www.facebook.com/profile.php?id=100004512345678'];
  for (const url of opened) await (await context.newPage()).goto(url);
  // Close the blank first tab a fresh profile starts with.
  for (const page of context.pages()) if (page.url() === 'about:blank') await page.close();

  const list = demoProfiles.map((p) => `    ${profileUrl(p).padEnd(58)} ${p.expect.known ? `known: ${p.expect.name}` : 'not a constituent'}`);
  console.log(
    [
      '',
      `Kindred is running in Chromium (extension id ${extensionId}, a fresh temporary profile).`,
      'Demo data is loaded (Options → "Load demo data"), and two demo profiles are open.',
      '',
      `x.com, twitter.com and www.facebook.com are served LOCALLY by this script (127.0.0.1:${server.port}) with`,
      'made-up demo profiles, so they work offline; other sites are the real ones. Demo pages:',
      ...list,
      '    https://x.com/home                                        (a timeline, not a profile)',
      '',
      'Try it:',
      '  1. Click the puzzle icon in the toolbar and pin Kindred; a ✓ on its icon means "known constituent".',
      '  2. Click the Kindred icon on a profile tab to see the card, and log an interaction (Ctrl+Enter).',
      '  3. On an unknown profile (e.g. https://x.com/jordanpike) search, link or create the person.',
      '  4. Each demo page has links to the others and an "In-page navigation" button (SPA pushState).',
      '  5. Options (right-click the icon → Options): import a CSV, export, load the demo again.',
      '',
      'Close the browser window or press Ctrl+C here to stop.',
    ].join('\n'),
  );
} catch (error) {
  console.error('Could not set up the demo:', error instanceof Error ? error.message : error);
  console.error('The browser stays open; close it or press Ctrl+C to stop.');
}

// Keep running until the window closes or Ctrl+C.
await new Promise(() => undefined);

// An import interrupted half-way (the options page closed or reloaded) carries on where it stopped
// when the user chooses the same file again (issue 5: a million-row import is resumable). Real
// Chromium, the built extension, a real file on disk (its name, size and modification time are
// what the checkpoint recognises).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extensionPage, launchBrowser, repoRoot, startSiteServer, type Launched, type SiteServer } from '../../scripts/lib/harness';

const ROWS = 10_000;
const BATCH = 2_000; // src/import/import-csv.ts DEFAULT_CHUNK_ROWS
const shots = join(repoRoot, 'test-results');

let browser: Launched;
let server: SiteServer;
let dir: string;
let csvPath: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kindred-resume-'));
  csvPath = join(dir, 'supporters.csv');
  const rows = Array.from({ length: ROWS }, (_, i) => `r${i},First${i},Last${i},p${i}@example.org,@handle${i},tag${i % 7}`);
  writeFileSync(csvPath, ['external_id,first_name,last_name,email,x,tags', ...rows].join('\n') + '\n');
  server = await startSiteServer(() => null);
  browser = await launchBrowser({ port: server.port });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const importedSoFar = async (page: Page) =>
  Number((/([\d,]+) imported/.exec((await page.locator('.progress').textContent().catch(() => '')) ?? '')?.[1] ?? '0').replace(/,/g, ''));

const firstRow = (page: Page) =>
  page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((ok, fail) => {
      const r = indexedDB.open('kindred');
      r.onsuccess = () => ok(r.result);
      r.onerror = () => fail(r.error);
    });
    const row = await new Promise<unknown>((ok) => {
      db.transaction('constituents').objectStore('constituents').get('local:r0').onsuccess = (e) => ok((e.target as IDBRequest).result);
    });
    db.close();
    return row;
  });

const storedConstituents = async (page: Page) =>
  Number(((await page.locator('.stats dt', { hasText: 'Constituents' }).locator('+ dd').textContent()) ?? '').replace(/,/g, ''));

describe('an interrupted import', () => {
  it('stops with its written batches and a note of where; the same file carries on from there', async () => {
    const { context, extensionId } = browser;
    const options = browser.installTab ?? (await context.newPage());
    await extensionPage(context, extensionId, 'options.html', options);
    await options.getByLabel('Import CSV').setInputFiles(csvPath);

    // Reload the page (what closing it or a browser crash does to the import) once a batch is in.
    const deadline = Date.now() + 60_000;
    let seen = 0;
    while ((seen = await importedSoFar(options)) < BATCH) {
      if (Date.now() > deadline) throw new Error('the first batch was never written');
      await options.waitForTimeout(20);
    }
    expect(seen).toBeLessThan(ROWS);
    await options.reload();

    const notice = options.getByRole('status', { name: 'Unfinished import' });
    await notice.waitFor({ timeout: 10_000 });
    const text = (await notice.textContent()) ?? '';
    const match = /supporters\.csv stopped at line ([\d,]+), with ([\d,]+) rows imported/.exec(text);
    expect(match, text).not.toBeNull();
    const [line, imported] = [Number(match![1]!.replace(/,/g, '')), Number(match![2]!.replace(/,/g, ''))];
    // Whole batches only, and the note agrees with the store.
    expect(imported % BATCH).toBe(0);
    expect(imported).toBeGreaterThanOrEqual(BATCH);
    expect(imported).toBeLessThan(ROWS);
    expect(line).toBe(imported + 2); // one row per line after the header
    await expect.poll(() => storedConstituents(options), { timeout: 10_000 }).toBe(imported);
    await options.screenshot({ path: join(shots, 'e2e-import-stopped.png'), fullPage: true });
    await options.evaluate(async () => {
      const db = await new Promise<IDBDatabase>((ok, fail) => {
        const r = indexedDB.open('kindred');
        r.onsuccess = () => ok(r.result);
        r.onerror = () => fail(r.error);
      });
      const store = db.transaction('constituents', 'readwrite').objectStore('constituents');
      await new Promise<void>((ok) => {
        store.get('local:r0').onsuccess = (e) => {
          store.put({ ...(e.target as IDBRequest<object>).result, displayName: 'Edited since' }).onsuccess = () => ok();
        };
      });
      db.close();
    });

    await options.getByLabel('Import CSV').setInputFiles(csvPath);
    const done = options.getByRole('status').filter({ hasText: /Imported [\d,]+ rows from supporters\.csv/ });
    await done.waitFor({ timeout: 60_000 });
    expect(await done.textContent()).toContain(`Imported ${ROWS.toLocaleString('en-US')} rows from supporters.csv, 0 rejected`);
    expect(await done.textContent()).toContain(`Carried on from line ${line.toLocaleString('en-US')}`);
    await expect.poll(() => notice.count()).toBe(0);
    await expect.poll(() => storedConstituents(options), { timeout: 10_000 }).toBe(ROWS);
    await options.screenshot({ path: join(shots, 'e2e-import-resumed.png'), fullPage: true });

    // Carrying on wrote only the rows after the line: an edit made to the first row since stays.
    expect(await firstRow(options)).toMatchObject({ displayName: 'Edited since' });
  });

  it('"Stop" stops it the same way; "Forget it" drops the note and the same file imports from the start', async () => {
    const { context, extensionId } = browser;
    const options = await context.newPage();
    await extensionPage(context, extensionId, 'options.html', options);
    await options.getByLabel('Import CSV').setInputFiles(csvPath);
    while ((await importedSoFar(options)) < BATCH) await options.waitForTimeout(20);
    await options.locator('#import-heading').locator('..').screenshot({ path: join(shots, 'e2e-import-progress.png') });
    await options.getByRole('button', { name: 'Stop' }).click();
    const notice = options.getByRole('status', { name: 'Unfinished import' });
    await notice.waitFor({ timeout: 10_000 });
    expect(await notice.textContent()).toMatch(/supporters\.csv stopped at line [\d,]+, with [\d,]+ rows imported/);
    expect(await options.getByRole('alert').count()).toBe(0); // stopping is not an error
    await options.screenshot({ path: join(shots, 'e2e-import-stopped-by-user.png'), fullPage: true });
    await notice.getByRole('button', { name: 'Forget it' }).click();
    await expect.poll(() => notice.count()).toBe(0);
    await options.getByLabel('Import CSV').setInputFiles(csvPath);
    const done = options.getByRole('status').filter({ hasText: /Imported [\d,]+ rows from supporters\.csv/ });
    await done.waitFor({ timeout: 60_000 });
    expect(await done.textContent()).toContain(`Imported ${ROWS.toLocaleString('en-US')} rows`);
    expect(await done.textContent()).not.toContain('Carried on');
    await options.close();
  });
});

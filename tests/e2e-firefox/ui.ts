// Finding and using Kindred's UI in Firefox pages the way a user does: by the words on screen.
// Puppeteer's ARIA selectors need the DevTools protocol, which Firefox does not speak, so these
// read labels, roles and text from the DOM; clicks and typing are real input (WebDriver BiDi
// input.performActions), which is what makes a click a user gesture (permissions.request).
import type { ElementHandle, Page } from 'puppeteer-core';
import { poll } from '../../scripts/lib/firefox-harness';
import { sleep } from '../../scripts/lib/harness';

type Finder = { kind: 'label' | 'button' | 'role'; text: string; exact?: boolean; role?: string };

/** The DOM side of every finder; runs in the page. Returns the element or null. */
function findInPage({ kind, text, exact, role }: Finder): Element | null {
  const norm = (s: string | null | undefined) => (s ?? '').replace(/\s+/g, ' ').trim();
  const matches = (s: string | null | undefined) => (exact === false ? norm(s).includes(text) : norm(s) === text);
  const visible = (el: Element) => (el as HTMLElement).offsetParent !== null || getComputedStyle(el).position === 'fixed';
  if (kind === 'label') {
    const byAria = [...document.querySelectorAll('[aria-label]')].find((el) => matches(el.getAttribute('aria-label')) && visible(el));
    if (byAria) return byAria;
    for (const label of document.querySelectorAll('label')) {
      const caption = label.querySelector('span') ?? label;
      if (!matches(caption.textContent)) continue;
      const control = label.control ?? label.querySelector('input, select, textarea');
      if (control) return control;
    }
    return null;
  }
  if (kind === 'button') {
    return [...document.querySelectorAll('button')].find((b) => (matches(b.textContent) || matches(b.getAttribute('aria-label'))) && visible(b)) ?? null;
  }
  return [...document.querySelectorAll(role === 'heading' ? 'h1' : `[role="${role}"]`)].find((el) => matches(el.textContent)) ?? null;
}

async function find(page: Page, finder: Finder, timeoutMs: number): Promise<ElementHandle<Element>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const handle = await page.evaluateHandle(findInPage, finder).catch(() => null);
    const element = handle?.asElement() as ElementHandle<Element> | null | undefined;
    if (element) return element;
    await handle?.dispose().catch(() => undefined);
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${finder.kind} ${JSON.stringify(finder.text)}`);
    await sleep(50);
  }
}

/** A form control by its label (`<label><span>Notes</span><textarea>`) or aria-label. */
export const byLabel = (page: Page, text: string, timeoutMs = 5_000) => find(page, { kind: 'label', text }, timeoutMs);
/** A visible button by its text or aria-label (`exact: false` for a prefix/part). */
export const button = (page: Page, text: string, exact = true, timeoutMs = 5_000) => find(page, { kind: 'button', text, exact }, timeoutMs);

/** Waits for the page's h1 to read `text`. */
export const heading = (page: Page, text: string, timeoutMs = 5_000) => find(page, { kind: 'role', role: 'heading', text }, timeoutMs);
/** Waits for a `role="status"` element whose text contains `text`; returns its text. */
export async function status(page: Page, text: string | RegExp, timeoutMs = 5_000): Promise<string> {
  const source = typeof text === 'string' ? text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : text.source;
  try {
    return await poll(
      page,
      (re) => [...document.querySelectorAll('[role="status"]')].map((el) => el.textContent ?? '').find((t) => new RegExp(re).test(t)) ?? null,
      source,
      timeoutMs,
      `a status matching ${source}`,
    );
  } catch (error) {
    const shown = await page.evaluate(() => [...document.querySelectorAll('[role="status"], [role="alert"]')].map((el) => el.textContent)).catch(() => null);
    throw new Error(`${(error as Error).message}; statuses and alerts on the page: ${JSON.stringify(shown)}`);
  }
}

/** Waits until the page's visible text contains `text`. */
export const showsText = (page: Page, text: string, timeoutMs = 5_000) =>
  poll(page, (t) => document.body.innerText.includes(t), text, timeoutMs, `the text ${JSON.stringify(text)}`);

/** The texts of the timeline's items, newest first (empty when there is none yet). */
export const timelineItems = (page: Page) =>
  page.evaluate(() => [...document.querySelectorAll('ul[aria-label="Timeline"] > li')].map((li) => (li as HTMLElement).innerText));

/** Waits until the first timeline item contains `text`; returns all items. */
export const timelineStartsWith = (page: Page, text: string, timeoutMs = 5_000) =>
  poll(
    page,
    (t) => {
      const items = [...document.querySelectorAll('ul[aria-label="Timeline"] > li')].map((li) => (li as HTMLElement).innerText);
      return items[0]?.includes(t) ? items : null;
    },
    text,
    timeoutMs,
    `the timeline to start with ${JSON.stringify(text)}`,
  );

/** Chooses the `<option>` whose text is `label` in a select, the way a user's pick fires input/change. */
export async function selectByText(page: Page, select: ElementHandle<Element>, label: string): Promise<void> {
  const value = await select.evaluate((el, l) => [...(el as HTMLSelectElement).options].find((o) => o.text === l)?.value ?? null, label);
  if (value === null) throw new Error(`No option ${JSON.stringify(label)}`);
  await (select as ElementHandle<HTMLSelectElement>).select(value);
}

/** Replaces a text field's content by typing, like a user (focus, select all, type). */
export async function typeInto(field: ElementHandle<Element>, text: string): Promise<void> {
  await field.focus();
  await field.evaluate((el) => (el as HTMLInputElement).select?.());
  await field.type(text);
}

/**
 * Clicks the element like a user, once it holds still and nothing covers its centre (what
 * Playwright's actionability checks do): the popup's name suggestions and search results arrive
 * after the first paint and push buttons down, which made a measured-then-clicked point miss.
 */
export async function click(handle: ElementHandle<Element>, timeoutMs = 5_000): Promise<void> {
  const page = handle.frame.page();
  const deadline = Date.now() + timeoutMs;
  let previous = '';
  let still = 0;
  for (;;) {
    const point = await handle.evaluate((el) => {
      el.scrollIntoView({ block: 'center', inline: 'nearest', behavior: 'instant' });
      const r = el.getBoundingClientRect();
      const x = r.left + r.width / 2;
      const y = r.top + r.height / 2;
      const hit = document.elementFromPoint(x, y);
      return hit && (hit === el || el.contains(hit)) ? { x, y, box: `${r.left},${r.top},${r.width},${r.height}` } : null;
    });
    still = point && point.box === previous ? still + 1 : 0;
    if (point && still >= 2) {
      await page.mouse.click(point.x, point.y);
      return;
    }
    previous = point?.box ?? '';
    if (Date.now() > deadline) throw new Error(`The element never held still uncovered for a click (last box: ${previous || 'covered'})`);
    await sleep(100);
  }
}

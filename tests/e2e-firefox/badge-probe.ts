// Reads Kindred's in-page badges in Firefox from outside the page. The badge lives in a CLOSED
// shadow root that neither the page nor puppeteer's `page.evaluate` can open; WebDriver BiDi's
// node serialization with `includeShadowTree: 'all'` lists closed shadow roots too (the
// counterpart of CDP's `DOM.getDocument({ pierce: true })` in tests/e2e/badge-probe.ts).
import type { Page } from 'puppeteer-core';
import { evaluateWithShadowTrees, type BidiNodeValue, type BidiValue, type FirefoxLaunched } from '../../scripts/lib/firefox-harness';

export { handleOf, HOST_TAG } from '../e2e/badge-probe';

export interface BadgeState {
  /** `href` of the nearest ancestor with an href (the author link), or null. */
  href: string | null;
  /** Whether the button inside the closed shadow root is shown (exists, no `hidden` attribute). */
  visible: boolean;
  /** Local name of the anchor: the link, else the host's parent (a quoted tweet's @handle span). */
  anchorTag: string | null;
  anchorText: string;
  /** BiDi shared id of the host: the same node keeps it across calls. */
  hostId: string;
  /** The shadow root's mode as serialized (`closed` for Kindred). */
  shadowRootMode: string | null;
}

// Runs in the page: per host, [host, anchorTag, href, anchorText]. Light-DOM facts only; the
// shadow tree comes from the serialization of `host`.
const EXPRESSION = `[...document.querySelectorAll('kindred-badge')].map((host) => {
  const link = host.parentElement && host.parentElement.closest('[href]');
  const anchor = link || host.parentElement;
  return [host, anchor ? anchor.localName : null, link ? link.getAttribute('href') : null,
    anchor ? (anchor.textContent || '').trim().slice(0, 80) : ''];
})`;

const items = (value: BidiValue): BidiValue[] => (value.type === 'array' ? (value.value as BidiValue[]) : []);

function findButton(node: BidiNodeValue | undefined): BidiNodeValue | null {
  for (const child of node?.children ?? []) {
    if (child.value?.localName === 'button') return child.value;
    const deeper = findButton(child.value);
    if (deeper) return deeper;
  }
  return null;
}

/** Every `kindred-badge` host in the page's document, in document order. */
export async function badgeStates(ff: FirefoxLaunched, page: Page): Promise<BadgeState[]> {
  const result = await evaluateWithShadowTrees(ff.browser, page, EXPRESSION, 3);
  return items(result).map((row) => {
    const [host, anchorTag, href, anchorText] = items(row);
    const node = host!.value as BidiNodeValue;
    const shadow = node.shadowRoot?.value;
    const button = findButton(shadow);
    return {
      href: href!.type === 'string' ? (href!.value as string) : null,
      visible: button !== null && !('hidden' in (button.attributes ?? {})),
      anchorTag: anchorTag!.type === 'string' ? (anchorTag!.value as string) : null,
      anchorText: (anchorText!.value as string) ?? '',
      hostId: host!.sharedId ?? '',
      shadowRootMode: shadow?.mode ?? null,
    };
  });
}

/**
 * A viewport point over the badge's button of the `index`-th host where the page's own
 * `elementFromPoint` names the host (it retargets hits inside the closed root), after scrolling
 * the host to the middle of the viewport; null if the page's layout covers it there.
 */
export async function clickablePoint(page: Page, index: number): Promise<{ x: number; y: number } | null> {
  return page.evaluate((i) => {
    const host = document.querySelectorAll('kindred-badge')[i] as HTMLElement | undefined;
    if (!host) return null;
    host.scrollIntoView({ block: 'center', inline: 'nearest', behavior: 'instant' });
    const box = host.getBoundingClientRect();
    // The 13×13 button sits 2 px into the host's 16×13 box (src/content/badge.ts).
    for (const dx of [8, 6, 10, 4, 12]) {
      const point = { x: box.left + dx, y: box.top + box.height / 2 };
      if (document.elementFromPoint(point.x, point.y) === host) return point;
    }
    return null;
  }, index);
}

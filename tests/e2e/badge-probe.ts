// Reads Kindred's in-page badges from outside the page, through the DevTools protocol: the badge
// lives in a CLOSED shadow root that neither the page nor Playwright's `page.evaluate` can open,
// but `DOM.getDocument({ pierce: true })` lists closed shadow roots too. Used by badges.e2e.ts and
// the benchmark (scripts/bench).
import type { CDPSession, Page } from 'playwright-core';

export const HOST_TAG = 'kindred-badge';

/** One `<kindred-badge>` host as the DevTools protocol sees it. */
export interface BadgeState {
  /** `href` of the author link the host sits in (its nearest ancestor with an href); null if none. */
  href: string | null;
  /** Whether the button inside the closed shadow root is shown (no `hidden` attribute). */
  visible: boolean;
  /** Local name of that anchor (`a` for links; for a quoted tweet's @handle span, the span itself). */
  anchorTag: string | null;
  /** Text of the anchor (the @handle for quoted tweets), trimmed, at most 80 characters. */
  anchorText: string;
  /** Backend node ids, stable across `DOM.getDocument` calls (for `DOM.getBoxModel` and friends). */
  hostBackendId: number;
  buttonBackendId: number | null;
  /** Backend node id of the anchor, if any. */
  anchorBackendId: number | null;
  /** The shadow root's mode as reported (`closed` for Kindred). */
  shadowRootType: string | null;
}

/** The subset of CDP's DOM.Node this file reads. */
interface CdpNode {
  nodeId: number;
  backendNodeId: number;
  nodeType: number;
  nodeName: string;
  localName: string;
  nodeValue: string;
  attributes?: string[];
  children?: CdpNode[];
  shadowRoots?: CdpNode[];
  shadowRootType?: string;
  contentDocument?: CdpNode;
}

const sessions = new WeakMap<Page, Promise<CDPSession>>();

/** One CDP session per page, created on first use and kept (detached when the page closes). */
export function cdpFor(page: Page): Promise<CDPSession> {
  let session = sessions.get(page);
  if (!session) {
    session = page.context().newCDPSession(page);
    sessions.set(page, session);
  }
  return session;
}

const attr = (node: CdpNode, name: string): string | null => {
  const list = node.attributes ?? [];
  for (let i = 0; i < list.length; i += 2) if (list[i] === name) return list[i + 1] ?? '';
  return null;
};

function textOf(node: CdpNode, limit = 80): string {
  let out = '';
  const walk = (n: CdpNode) => {
    if (out.length >= limit) return;
    if (n.nodeType === 3) out += n.nodeValue;
    for (const child of n.children ?? []) walk(child);
  };
  walk(node);
  return out.trim().slice(0, limit);
}

function findButton(root: CdpNode): CdpNode | null {
  for (const child of root.children ?? []) {
    if (child.localName === 'button') return child;
    const deeper = findButton(child);
    if (deeper) return deeper;
  }
  return null;
}

/** Every `kindred-badge` host in the page's main document, in document order. */
export async function badgeStates(page: Page): Promise<BadgeState[]> {
  const cdp = await cdpFor(page);
  const { root } = (await cdp.send('DOM.getDocument', { depth: -1, pierce: true })) as { root: CdpNode };
  const out: BadgeState[] = [];
  // The host is appended inside the author's link (or inside the element the adapter named, e.g. a
  // quoted tweet's @handle span): its anchor is the nearest ancestor with an href, else its parent.
  const walk = (node: CdpNode, ancestors: CdpNode[]) => {
    for (const child of node.children ?? []) {
      if (child.nodeType === 1 && child.localName === HOST_TAG) {
        const shadow = child.shadowRoots?.[0] ?? null;
        const button = shadow ? findButton(shadow) : null;
        const anchor = [...ancestors].reverse().find((a) => attr(a, 'href') !== null) ?? ancestors.at(-1) ?? null;
        out.push({
          href: anchor ? attr(anchor, 'href') : null,
          visible: button !== null && attr(button, 'hidden') === null,
          anchorTag: anchor?.localName ?? null,
          anchorText: anchor ? textOf(anchor) : '',
          hostBackendId: child.backendNodeId,
          buttonBackendId: button?.backendNodeId ?? null,
          anchorBackendId: anchor?.backendNodeId ?? null,
          shadowRootType: shadow?.shadowRootType ?? null,
        });
        continue; // nothing of the page's lives in our own shadow roots
      }
      // Walk the light DOM and the page's own shadow trees, not iframes' documents (not ours).
      const path = child.nodeType === 1 ? [...ancestors, child] : ancestors;
      walk(child, path);
      for (const shadow of child.shadowRoots ?? []) walk(shadow, path);
    }
  };
  walk(root, []);
  return out;
}

/** The handle (first path segment, lower-cased) an X profile href points at, or null. */
export function handleOf(href: string | null): string | null {
  if (!href) return null;
  try {
    const first = new URL(href, 'https://x.com/').pathname.split('/').filter(Boolean)[0];
    return first ? first.toLowerCase() : null;
  } catch {
    return null;
  }
}

/** Centre of a node's border box in viewport CSS pixels, after scrolling it into view. */
export async function centreOf(page: Page, backendNodeId: number): Promise<{ x: number; y: number; width: number; height: number }> {
  const cdp = await cdpFor(page);
  await cdp.send('DOM.scrollIntoViewIfNeeded', { backendNodeId }).catch(() => undefined);
  const { model } = (await cdp.send('DOM.getBoxModel', { backendNodeId })) as { model: { border: number[]; width: number; height: number } };
  const q = model.border;
  const xs = [q[0]!, q[2]!, q[4]!, q[6]!];
  const ys = [q[1]!, q[3]!, q[5]!, q[7]!];
  return {
    x: (Math.min(...xs) + Math.max(...xs)) / 2,
    y: (Math.min(...ys) + Math.max(...ys)) / 2,
    width: model.width,
    height: model.height,
  };
}

/** The backend node id of the (deepest, shadow-piercing) element hit at a viewport point. */
export async function nodeAt(page: Page, x: number, y: number): Promise<number | null> {
  const cdp = await cdpFor(page);
  const hit = (await cdp
    .send('DOM.getNodeForLocation', { x: Math.round(x), y: Math.round(y), includeUserAgentShadowDOM: false, ignorePointerEventsNone: false })
    .catch(() => null)) as { backendNodeId: number } | null;
  return hit?.backendNodeId ?? null;
}

/**
 * A viewport point where a real click lands on the badge's button (the page's own layout may
 * cover part of it), found by hit-testing every whole CSS pixel of the button's box, centre rows
 * first; null if it is covered everywhere or not rendered. A point counts when both the DevTools
 * hit test names a node inside the button and the page's own `elementFromPoint` (which
 * retargets to the host) names the host. Scrolls the host to the middle of the viewport first.
 */
export async function clickablePoint(
  page: Page,
  badge: Pick<BadgeState, 'hostBackendId' | 'buttonBackendId'>,
): Promise<{ x: number; y: number } | null> {
  const cdp = await cdpFor(page);
  const buttonBackendId = badge.buttonBackendId;
  if (buttonBackendId === null) return null;
  await scrollToCentre(page, badge.hostBackendId);
  const box = (await cdp.send('DOM.getBoxModel', { backendNodeId: buttonBackendId }).catch(() => null)) as { model: { border: number[] } } | null;
  if (!box) return null;
  const q = box.model.border;
  const [left, right] = [Math.min(q[0]!, q[2]!, q[4]!, q[6]!), Math.max(q[0]!, q[2]!, q[4]!, q[6]!)];
  const [top, bottom] = [Math.min(q[1]!, q[3]!, q[5]!, q[7]!), Math.max(q[1]!, q[3]!, q[5]!, q[7]!)];
  const { node: tree } = (await cdp.send('DOM.describeNode', { backendNodeId: buttonBackendId, depth: -1, pierce: true })) as { node: CdpNode };
  const inside = new Set<number>();
  const collect = (n: CdpNode) => {
    inside.add(n.backendNodeId);
    for (const c of n.children ?? []) collect(c);
  };
  collect(tree);
  const { object } = (await cdp.send('DOM.resolveNode', { backendNodeId: badge.hostBackendId })) as { object: { objectId?: string } };
  const midX = (left + right) / 2;
  const midY = (top + bottom) / 2;
  const points: { x: number; y: number }[] = [];
  for (let y = Math.ceil(top); y < bottom; y += 1) for (let x = Math.ceil(left); x < right; x += 1) points.push({ x, y });
  points.sort((a, b) => Math.hypot(a.x - midX, a.y - midY) - Math.hypot(b.x - midX, b.y - midY));
  try {
    for (const point of points) {
      const hit = await nodeAt(page, point.x, point.y);
      if (hit === null || !inside.has(hit)) continue;
      const { result } = (await cdp.send('Runtime.callFunctionOn', {
        objectId: object.objectId,
        functionDeclaration: 'function (x, y) { return document.elementFromPoint(x, y) === this; }',
        arguments: [{ value: point.x }, { value: point.y }],
        returnByValue: true,
      })) as { result: { value?: boolean } };
      if (result.value === true) return point;
    }
    return null;
  } finally {
    if (object.objectId) await cdp.send('Runtime.releaseObject', { objectId: object.objectId }).catch(() => undefined);
  }
}

/** Scrolls a (light-DOM) node to the middle of the viewport, instantly. */
export async function scrollToCentre(page: Page, backendNodeId: number): Promise<void> {
  const cdp = await cdpFor(page);
  const { object } = (await cdp.send('DOM.resolveNode', { backendNodeId })) as { object: { objectId?: string } };
  if (!object.objectId) return;
  await cdp.send('Runtime.callFunctionOn', {
    objectId: object.objectId,
    functionDeclaration: "function () { this.scrollIntoView({ block: 'center', inline: 'nearest', behavior: 'instant' }); }",
  });
  await cdp.send('Runtime.releaseObject', { objectId: object.objectId }).catch(() => undefined);
}

// The in-page badge. Every author link gets the same zero-size host element, known or not, and
// the badge itself lives in a closed shadow root: the page's scripts can neither read it nor tell
// a known person's host from an unknown one's by its attributes, children or size.
export const HOST_TAG = 'kindred-badge';

// Every host reserves the same 16×13 px after the name, known or not (centred on the line, in
// inline and in flex rows alike): a zero-width host would let the
// badge cover the text that follows (X's @handle), and a width only for known people would tell
// the page who they are. The button is absolutely positioned at its static position, so its
// containing block is an ancestor outside the host and it adds nothing to the host's size or
// scroll size. One line: it ships in every page of every site (25 KB content-script budget).
const STYLE =
  ':host{all:initial;display:inline-block;width:16px;height:13px;vertical-align:middle;align-self:center;flex:none}' +
  'button{all:initial;position:absolute;margin-left:2px;box-sizing:border-box;width:13px;height:13px;' +
  'border-radius:50%;cursor:pointer;background:#1f6f6b;border:1px solid #fff;box-shadow:0 0 0 1px #0002;' +
  'color:#fff;font:700 8px/11px system-ui,sans-serif;text-align:center;z-index:1}' +
  'button[hidden]{display:none}button:hover{background:#15524f}button:focus-visible{outline:2px solid #1f6f6b}';

let sheet: CSSStyleSheet | null | undefined;
/** One parsed stylesheet shared by every badge (parsing it per badge cost most of a scan). */
function sharedSheet(): CSSStyleSheet | null {
  if (sheet === undefined) {
    try {
      sheet = new CSSStyleSheet();
      sheet.replaceSync(STYLE);
    } catch {
      sheet = null; // e.g. Firefox content-script compartments: fall back to a <style> per badge
    }
  }
  return sheet;
}

export interface Badge {
  readonly host: HTMLElement;
  key: string;
  show(known: boolean): void;
}

export function createBadge(key: string, onOpen: (key: string) => void): Badge {
  const host = document.createElement(HOST_TAG);
  const root = host.attachShadow({ mode: 'closed' });
  // The :host rule gives every host its size, so it is there from the start, known or not.
  const shared = sharedSheet();
  try {
    if (!shared) throw 0;
    root.adoptedStyleSheets = [shared];
  } catch {
    const style = document.createElement('style');
    style.textContent = STYLE;
    root.append(style);
  }
  let button: HTMLButtonElement | null = null;

  // Most authors are not constituents: the button is only built the first time a badge shows,
  // which keeps a timeline screen's worth of new hosts cheap (the closed root hides the difference).
  const build = (): HTMLButtonElement => {
    const b = document.createElement('button');
    b.textContent = '✓';
    b.title = 'Kindred: a constituent. Open their card';
    // The badge sits inside the page's own link or clickable row: keep the click ours.
    const stop = (event: Event) => event.stopPropagation();
    for (const type of ['mousedown', 'mouseup', 'pointerdown', 'pointerup']) b.addEventListener(type, stop);
    b.addEventListener('click', (event) => {
      event.preventDefault();
      stop(event);
      onOpen(badge.key);
    });
    root.append(b);
    return b;
  };

  const badge: Badge = {
    host,
    key,
    show(known) {
      if (known) (button ??= build()).hidden = false;
      else if (button) button.hidden = true;
    },
  };
  return badge;
}

/**
 * Where the host goes: at the end of the link's own content, so the badge follows the name on
 * the same line. Sites wrap names in single-child wrappers (X: a > div > [name, verified]); go
 * down through those to the element that actually lays the name out.
 */
export function badgeSlot(link: Element): Element {
  let slot = link;
  while (slot.childElementCount === 1) {
    const child = slot.firstElementChild!;
    // Only look at text nodes when there are any (profiled: this check was the scan's top cost).
    if ((slot.firstChild !== child || slot.lastChild !== child) && hasOwnText(slot)) break;
    if (child.namespaceURI !== slot.namespaceURI || /^(img|svg|picture|video)$/i.test(child.localName)) break;
    slot = child;
  }
  return slot;
}

function hasOwnText(element: Element): boolean {
  for (const node of element.childNodes) if (node.nodeType === 3 && node.nodeValue!.trim()) return true;
  return false;
}

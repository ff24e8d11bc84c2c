// The in-page badge. Every author link gets the same zero-size host element, known or not, and
// the badge itself lives in a closed shadow root: the page's scripts can neither read it nor tell
// a known person's host from an unknown one's by its attributes, children or size.
export const HOST_TAG = 'kindred-badge';

// One line: it ships in every page of every site (25 KB content-script budget).
const STYLE =
  ':host{all:initial;display:inline-block;position:relative;width:0;height:0;vertical-align:top}' +
  'button{all:initial;position:absolute;left:1px;top:-2px;box-sizing:border-box;width:15px;height:15px;' +
  'border-radius:50%;cursor:pointer;background:#1f6f6b;border:1.5px solid #fff;box-shadow:0 0 0 1px #0002;' +
  'color:#fff;font:700 9px/12px system-ui,sans-serif;text-align:center}' +
  'button[hidden]{display:none}button:hover{background:#15524f}button:focus-visible{outline:2px solid #1f6f6b}';

export interface Badge {
  readonly host: HTMLElement;
  key: string;
  show(known: boolean): void;
}

export function createBadge(key: string, onOpen: (key: string) => void): Badge {
  const host = document.createElement(HOST_TAG);
  const root = host.attachShadow({ mode: 'closed' });
  const style = document.createElement('style');
  style.textContent = STYLE;
  const button = document.createElement('button');
  button.hidden = true;
  button.textContent = '✓';
  button.title = 'Kindred: a constituent. Open their card';
  root.append(style, button);

  const badge: Badge = { host, key, show: (known) => void (button.hidden = !known) };
  // The badge usually sits inside the page's own link or clickable row: keep the click ours.
  const stop = (event: Event) => event.stopPropagation();
  for (const type of ['mousedown', 'mouseup', 'pointerdown', 'pointerup']) button.addEventListener(type, stop);
  button.addEventListener('click', (event) => {
    event.preventDefault();
    stop(event);
    onOpen(badge.key);
  });
  return badge;
}

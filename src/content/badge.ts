// The in-page badge. Every author link gets the same zero-size host element, known or not, and
// the badge itself lives in a closed shadow root: the page's scripts can neither read it nor tell
// a known person's host from an unknown one's by its attributes, children or size.
export const HOST_TAG = 'kindred-badge';

const STYLE = `
:host { all: initial; display: inline-block; position: relative; width: 0; height: 0; vertical-align: top; }
button {
  all: initial; position: absolute; left: 1px; top: -2px; box-sizing: border-box;
  width: 15px; height: 15px; border-radius: 50%; cursor: pointer;
  background: #1f6f6b; border: 1.5px solid #fff; box-shadow: 0 0 0 1px rgba(0,0,0,.12);
  display: grid; place-items: center;
}
button[hidden] { display: none; }
button:hover { background: #15524f; }
button:focus-visible { outline: 2px solid #1f6f6b; outline-offset: 2px; }
svg { width: 9px; height: 9px; }
`;

export interface Badge {
  readonly host: HTMLElement;
  key: string;
  show(known: boolean): void;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

export function createBadge(key: string, onOpen: (key: string) => void): Badge {
  const host = document.createElement(HOST_TAG);
  const root = host.attachShadow({ mode: 'closed' });
  const style = document.createElement('style');
  style.textContent = STYLE;
  const button = document.createElement('button');
  button.type = 'button';
  button.hidden = true;
  button.title = 'Kindred: a constituent. Open their card';
  button.setAttribute('aria-label', 'Kindred: open constituent card');
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('viewBox', '0 0 12 12');
  const path = document.createElementNS(SVG_NS, 'path');
  path.setAttribute('d', 'M2.5 6.3 5 8.6 9.6 3.6');
  path.setAttribute('fill', 'none');
  path.setAttribute('stroke', '#fff');
  path.setAttribute('stroke-width', '1.8');
  path.setAttribute('stroke-linecap', 'round');
  path.setAttribute('stroke-linejoin', 'round');
  svg.append(path);
  button.append(svg);
  root.append(style, button);

  const badge: Badge = {
    host,
    key,
    show(known) {
      button.hidden = !known;
    },
  };
  // The badge usually sits inside the page's own link or clickable row: keep the click ours.
  button.addEventListener('click', (event) => {
    event.preventDefault();
    event.stopPropagation();
    onOpen(badge.key);
  });
  for (const type of ['mousedown', 'mouseup', 'pointerdown', 'pointerup'] as const) {
    button.addEventListener(type, (event) => event.stopPropagation());
  }
  return badge;
}

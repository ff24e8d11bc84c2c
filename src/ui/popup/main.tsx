import type { ComponentChildren } from 'preact';
import { hasSidePanel, onActiveTabChange, openSidePanel } from '../../browser';
import { bootPanel } from '../boot';

// `popup.html?tab=<id>` shows that tab (tests use it); otherwise the active tab.
const param = new URLSearchParams(location.search).get('tab');
const tabId = param !== null && /^\d+$/.test(param) ? Number(param) : null;

function frame(body: ComponentChildren) {
  return (
    <>
      {hasSidePanel() && tabId === null && (
        <button
          type="button"
          class="link pin"
          title="Keep Kindred open beside the page while you browse"
          onClick={() => {
            // window.close() only after the panel opened: the click's user gesture must reach it.
            void openSidePanel().then(() => window.close());
          }}
        >
          Open in side panel
        </button>
      )}
      {body}
    </>
  );
}

performance.mark('kindred:popup-start');
bootPanel(document.getElementById('app')!, { tabId, subscribe: onActiveTabChange, frame });

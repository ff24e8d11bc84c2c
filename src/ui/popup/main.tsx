import { render } from 'preact';
import { hasSidePanel, onActiveTabChange, openSidePanel } from '../../browser';
import { Panel } from '../components/Panel';

// `popup.html?tab=<id>` shows that tab (tests use it); otherwise the active tab.
const param = new URLSearchParams(location.search).get('tab');
const tabId = param !== null && /^\d+$/.test(param) ? Number(param) : null;

function Popup() {
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
      <Panel tabId={tabId} subscribe={onActiveTabChange} />
    </>
  );
}

performance.mark('kindred:popup-start');
render(<Popup />, document.getElementById('app')!);

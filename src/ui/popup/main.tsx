import { render } from 'preact';
import { onActiveTabChange } from '../../browser';
import { Panel } from '../components/Panel';

// `popup.html?tab=<id>` shows that tab (tests and the side panel use it); otherwise the active tab.
const param = new URLSearchParams(location.search).get('tab');
const tabId = param !== null && /^\d+$/.test(param) ? Number(param) : null;

performance.mark('kindred:popup-start');
render(<Panel tabId={tabId} subscribe={onActiveTabChange} />, document.getElementById('app')!);

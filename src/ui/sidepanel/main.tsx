import { onActiveTabChange } from '../../browser';
import { bootPanel } from '../boot';

// The side panel stays open across tabs and navigations, so it follows the active tab.
performance.mark('kindred:popup-start');
bootPanel(document.getElementById('app')!, { tabId: null, subscribe: onActiveTabChange, frame: (body) => body });

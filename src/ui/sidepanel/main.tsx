import { render } from 'preact';
import { onActiveTabChange } from '../../browser';
import { Panel } from '../components/Panel';

// The side panel stays open across tabs and navigations, so it follows the active tab.
render(<Panel tabId={null} subscribe={onActiveTabChange} />, document.getElementById('app')!);

import type { SiteAdapter } from './types';
import { atName, enc, identity, segments } from './url';
import { igUsername } from './instagram';

export const threadsSite: SiteAdapter = {
  platform: 'threads',
  hosts: ['threads.net', 'www.threads.net', 'threads.com', 'www.threads.com'],
  // §2 Threads: only `/@<u>` (and its `/post/<code>` sub-pages) names a person; `/t/<code>` does not.
  detect: (url) => identity('threads', igUsername(atName(segments(url)?.[0]))),
  profileUrl: (handle) => `https://www.threads.com/@${enc(handle)}`,
};

import type { SiteAdapter } from './types';
import { enc, identity, segments } from './url';

const USERNAME = /^[a-z0-9_-]{3,20}$/;

export const redditSite: SiteAdapter = {
  platform: 'reddit',
  hosts: ['', 'www.', 'old.', 'new.', 'np.', 'm.', 'i.', 'sh.'].map((p) => `${p}reddit.com`),
  // §2 Reddit: /user/<u> or /u/<u> and their sub-pages; /user/<u>/m/<multi> is a multireddit (RES).
  detect: (url) => {
    const s = segments(url)?.map((p) => p.toLowerCase());
    const u = s?.[1];
    return identity(
      'reddit',
      s && (s[0] === 'user' || s[0] === 'u') && u && USERNAME.test(u) && s[2] !== 'm' ? u : null,
    );
  },
  profileUrl: (handle) => `https://www.reddit.com/user/${enc(handle)}`,
};

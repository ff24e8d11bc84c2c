import type { SiteAdapter } from './types';
import { enc, identity, segments, words } from './url';

const LOGIN = /^[a-z0-9][a-z0-9-]{0,38}$/;
// Mottie/github-reserved-names@f1095c6 reserved-names.json (§2 GitHub), minus the names the login
// rule already rejects; HTTP status codes and www0–www9 are matched by pattern to keep this short.
const RESERVED = words(
  'about access account admin advisories anonymous any api apps attributes auth billing blob blog bounty ' +
    'branches business businesses c cache case-studies categories central certification changelog chat cla ' +
    'cloud codereview collection collections comments commit commits community companies compare contact ' +
    'contributing cookbook coupons customer-stories customer customers dashboard dashboards design develop ' +
    'developer diff discover discussions docs downloads downtime editor editors edu enterprise events explore ' +
    'featured features files fixtures forked garage ghost gist gists graphs guide guides help help-wanted home ' +
    'hooks hosting hovercards identity images inbox individual info integration interfaces introduction ' +
    'invalid-email-address investors issues jobs join journal journals lab labs languages launch layouts learn ' +
    'legal library linux listings lists login logos logout mac maintenance malware man marketplace mention ' +
    'mentioned mentioning mentions migrating milestones mine mirrors mobile navigation network new news none ' +
    'nonprofit nonprofits notices notifications oauth offer open-source organisations organizations orgs pages ' +
    'partners payments personal plans plugins popular popularity posts press pricing professional projects ' +
    'pulls raw readme recommendations redeem releases render reply repositories resources restore revert ' +
    'save-net-neutrality saved scraping search security services sessions settings shareholders shop showcases ' +
    'signin signup site spam sponsors ssh staff starred stars static status statuses storage store stories ' +
    'styleguide subscriptions suggest suggestion suggestions support suspended talks teach teacher teachers ' +
    'teaching team teams ten terms timeline topic topics tos tour train training translations tree trending ' +
    'updates username users visualization w watching wiki windows works-with',
);
const RESERVED_PATTERN = /^(?:30[02]|4[0-2]\d|43[01]|50\d|51[01]|69[3-5]|900|www\d)$/;

export const githubSite: SiteAdapter = {
  platform: 'github',
  hosts: ['github.com', 'www.github.com'],
  // §2 GitHub: a profile is exactly one segment (`/<owner>/<repo>` is a repository); `?tab=` is ignored.
  detect: (url) => {
    const s = segments(url);
    const login = s?.length === 1 ? s[0]?.toLowerCase() : undefined;
    return identity(
      'github',
      login && LOGIN.test(login) && !RESERVED.has(login) && !RESERVED_PATTERN.test(login) ? login : null,
    );
  },
  profileUrl: (handle) => `https://github.com/${enc(handle)}`,
};

// Acceptance table for the URL contract of shared/sites.md §1 (normative) and the §2 facts.
import { describe, expect, it } from 'vitest';
import { identityKey, PLATFORMS, type Platform } from '../../src/identity';
import { identitySchema } from '../../src/identity-schema';
import {
  MASTODON_HOSTS,
  canonicalizeProfile,
  detect,
  profileUrl,
  siteFor,
  sites,
} from '../../src/sites';

type Case = readonly [url: string, expected: string | null];

const key = (url: string): string | null => {
  const found = detect(url);
  return found ? identityKey(found) : null;
};

/** §1 rules 1–2: parsing, schemes, look-alike hosts and shims, independent of platform. */
const generic: Case[] = [
  ['', null],
  ['not a url', null],
  ['x.com/jack', null], // scheme-less input fails WHATWG parsing without a base
  ['//x.com/jack', null],
  ['www.facebook.com/zuck', null],
  ['javascript:alert(1)//x.com/jack', null],
  ['data:text/html,https://x.com/jack', null],
  ['file:///x.com/jack', null],
  ['about:blank', null],
  ['chrome-extension://abcdefghijklmnop/x.com/jack', null],
  ['ftp://x.com/jack', null],
  ['ws://x.com/jack', null],
  ['mailto:jack@x.com', null],
  ['https://', null],
  ['https://t.co/abc123', null],
  ['https://lnkd.in/abc123', null],
  ['https://l.facebook.com/l.php?u=https%3A%2F%2Fwww.facebook.com%2Fzuck&h=AT0', null],
  ['https://www.facebook.com/l.php?u=https%3A%2F%2Fwww.facebook.com%2Fzuck', null],
  ['https://out.reddit.com/t3_abc?url=https%3A%2F%2Fwww.reddit.com%2Fuser%2Fspez', null],
  ['https://www.google.com/url?q=https://x.com/jack', null],
  ['https://example.com/@jack', null],
];

const x: Case[] = [
  // every accepted host
  ['https://x.com/jack', 'x:jack'],
  ['https://www.x.com/jack', 'x:jack'],
  ['https://mobile.x.com/jack', 'x:jack'],
  ['https://m.x.com/jack', 'x:jack'],
  ['https://twitter.com/jack', 'x:jack'],
  ['https://www.twitter.com/jack', 'x:jack'],
  ['https://mobile.twitter.com/jack', 'x:jack'],
  ['https://m.twitter.com/jack', 'x:jack'],
  // parsing details (§1 rules 1–3)
  ['http://x.com/jack', 'x:jack'],
  ['HTTPS://X.COM/Jack', 'x:jack'],
  ['https://x.com/Kikobeats', 'x:kikobeats'],
  ['https://x.com/jack/', 'x:jack'],
  ['https://x.com//jack', 'x:jack'],
  ['https://x.com//jack//status//20//', 'x:jack'],
  ['https://x.com/jack?lang=en', 'x:jack'],
  ['https://x.com/jack#top', 'x:jack'],
  ['https://x.com/jack?s=20&t=abc#frag', 'x:jack'],
  ['https://x.com:443/jack', 'x:jack'],
  ['https://user:pass@x.com/jack', 'x:jack'],
  ['https://x.com\\jack', 'x:jack'], // WHATWG treats \ as / in special schemes
  ['https://x.com/j%61ck', 'x:jack'],
  ['https://x.com/%6A%41%43%4B', 'x:jack'],
  ['https://x.com/%E0%A4%A', null], // malformed escape
  ['https://x.com/jack%', null],
  ['https://x.com/%ZZjack', null],
  ['https://x.com/jack/status/%E0%A4%A', null], // any bad segment spoils the URL (§1 rule 3)
  ['https://x.com/jack%2Fstatus', null],
  ['https://x.com/', null],
  ['https://x.com', null],
  // `@` prefix
  ['https://x.com/@jack', 'x:jack'],
  ['https://x.com/%40jack', 'x:jack'],
  ['https://x.com/@@jack', null],
  ['https://x.com/@home', null],
  // sub-pages resolve to the owner (CPFT profile tabs, status, danbooru header_photo)
  ['https://x.com/jack/status/20', 'x:jack'],
  ['https://twitter.com/jack/status/20/photo/1', 'x:jack'],
  ['https://x.com/jack/with_replies', 'x:jack'],
  ['https://x.com/jack/media', 'x:jack'],
  ['https://x.com/jack/likes', 'x:jack'],
  ['https://x.com/jack/highlights', 'x:jack'],
  ['https://x.com/jack/articles', 'x:jack'],
  ['https://x.com/jack/affiliates', 'x:jack'],
  ['https://x.com/jack/superfollows', 'x:jack'],
  ['https://x.com/jack/followers', 'x:jack'],
  ['https://x.com/jack/following', 'x:jack'],
  ['https://x.com/jack/verified_followers', 'x:jack'],
  ['https://x.com/jack/followers_you_follow', 'x:jack'],
  ['https://x.com/jack/header_photo', 'x:jack'],
  // validation: 1–15 of [a-z0-9_]
  ['https://x.com/ev', 'x:ev'],
  ['https://x.com/a', 'x:a'],
  ['https://x.com/__regenerate', 'x:__regenerate'],
  ['https://x.com/randall_balestr', 'x:randall_balestr'],
  ['https://x.com/abcdefghijklmno', 'x:abcdefghijklmno'],
  ['https://x.com/abcdefghijklmnop', null],
  ['https://x.com/jack-smith', null],
  ['https://x.com/jack.smith', null],
  ['https://x.com/j%C3%A4ck', null],
  ['https://x.com/jäck', null],
  ['https://x.com/jack%20smith', null],
  // reserved first segments (Mask, nitter, danbooru, observed)
  ['https://x.com/home', null],
  ['https://x.com/Home', null],
  ['https://x.com/explore', null],
  ['https://x.com/explore/tabs/trending', null],
  ['https://x.com/search?q=kindred', null],
  ['https://x.com/search-advanced', null],
  ['https://x.com/settings/profile', null],
  ['https://x.com/messages/123-456', null],
  ['https://x.com/notifications', null],
  ['https://x.com/notifications/mentions', null],
  ['https://x.com/hashtag/kindred', null],
  ['https://x.com/login', null],
  ['https://x.com/logout', null],
  ['https://x.com/signup', null],
  ['https://x.com/account/access', null],
  ['https://x.com/compose/post', null],
  ['https://x.com/tos', null],
  ['https://x.com/privacy', null],
  ['https://x.com/about', null],
  ['https://x.com/jobs', null],
  ['https://x.com/rules', null],
  ['https://x.com/display', null],
  ['https://x.com/keyboard_shortcuts', null],
  ['https://x.com/404', null],
  ['https://x.com/download', null],
  ['https://x.com/follower_requests', null],
  ['https://x.com/lists', null],
  ['https://x.com/mentions', null],
  ['https://x.com/personalization', null],
  ['https://x.com/session', null],
  ['https://x.com/share', null],
  ['https://x.com/twitterblue', null],
  ['https://x.com/webview', null],
  ['https://x.com/welcome', null],
  ['https://x.com/your_twitter_data', null],
  ['https://x.com/pic', null],
  ['https://x.com/gif', null],
  ['https://x.com/video', null],
  // /i/ routes: only /i/user/<digits>
  ['https://x.com/i/user/12', 'x:id:12'],
  ['https://twitter.com/i/user/101198215', 'x:id:101198215'],
  ['https://x.com/i/user/abc', null],
  ['https://x.com/i/user', null],
  ['https://x.com/i/web/status/1234567890', null],
  ['https://x.com/i/bookmarks', null],
  ['https://x.com/i/flow/login', null],
  ['https://x.com/i', null],
  // intents
  ['https://x.com/intent/user?screen_name=Jack', 'x:jack'],
  ['https://twitter.com/intent/follow?screen_name=jack', 'x:jack'],
  ['https://twitter.com/intent/follow?screen_name=%40jack', 'x:jack'],
  ['https://x.com/intent/user?user_id=12', 'x:id:12'],
  ['https://x.com/intent/follow?user_id=16045832', 'x:id:16045832'],
  ['https://x.com/intent/user?screen_name=bad-name', null],
  ['https://x.com/intent/user?screen_name=bad-name&user_id=12', null], // no fallback (§1 rule 4)
  ['https://x.com/intent/user?user_id=abc', null],
  ['https://x.com/intent/user', null],
  ['https://x.com/intent/tweet?text=hi&via=jack', null],
  ['https://x.com/intent/post?text=hi', null],
  ['https://x.com/intent/like?tweet_id=20', null],
  // look-alikes and unlisted hosts
  ['https://x.com.evil.example/jack', null],
  ['https://evilx.com/jack', null],
  ['https://x.com@evil.example/jack', null],
  ['https://twitter.com.attacker.net/jack', null],
  ['https://x.com./jack', null],
  ['https://help.x.com/jack', null],
  ['https://api.twitter.com/jack', null],
  ['https://pbs.twimg.com/jack', null],
  ['https://nitter.net/jack', null],
];

const facebook: Case[] = [
  ['https://facebook.com/zuck', 'facebook:zuck'],
  ['https://www.facebook.com/zuck', 'facebook:zuck'],
  ['https://m.facebook.com/zuck', 'facebook:zuck'],
  ['https://mbasic.facebook.com/zuck', 'facebook:zuck'],
  ['https://web.facebook.com/zuck', 'facebook:zuck'],
  ['https://touch.facebook.com/zuck', 'facebook:zuck'],
  ['https://mobile.facebook.com/zuck', 'facebook:zuck'],
  ['https://fb.com/zuck', 'facebook:zuck'],
  ['https://www.fb.com/zuck', 'facebook:zuck'],
  // dots and case are not significant (§1)
  ['https://www.facebook.com/John.Smith55', 'facebook:johnsmith55'],
  ['https://www.facebook.com/john.smith.55', 'facebook:johnsmith55'],
  ['https://www.facebook.com/johnsmith55', 'facebook:johnsmith55'],
  ['https://www.facebook.com/Koptisch.Orthodoxes.Kulturzentrum.e.V', 'facebook:koptischorthodoxeskulturzentrumev'],
  ['https://www.facebook.com/heymeedan/', 'facebook:heymeedan'],
  ['https://www.facebook.com//heymeedan?ref=bookmarks#x', 'facebook:heymeedan'],
  ['https://www.facebook.com/zu%63k', 'facebook:zuck'],
  ['https://www.facebook.com/zuck%', null],
  // numeric ids in every listed form
  ['https://www.facebook.com/profile.php?id=100004', 'facebook:id:100004'],
  ['https://www.facebook.com/profile.php?id=100004&sk=about', 'facebook:id:100004'],
  ['https://m.facebook.com/profile.php?sk=photos&id=100004', 'facebook:id:100004'],
  ['https://www.facebook.com/Profile.php?id=4', 'facebook:id:4'],
  ['https://www.facebook.com/profile.php', null],
  ['https://www.facebook.com/profile.php?id=zuck', null],
  ['https://www.facebook.com/profile/100004', 'facebook:id:100004'],
  ['https://www.facebook.com/profile/100004/about', 'facebook:id:100004'],
  ['https://www.facebook.com/profile/zuck', null],
  ['https://www.facebook.com/people/John-Smith/100004', 'facebook:id:100004'],
  ['https://www.facebook.com/people/J%C3%BCrgen-M%C3%BCller/100004/', 'facebook:id:100004'],
  ['https://www.facebook.com/people/John-Smith', null],
  ['https://www.facebook.com/p/John-Smith-100004', 'facebook:id:100004'],
  ['https://www.facebook.com/p/Meedan-54421674438/', 'facebook:id:54421674438'],
  ['https://www.facebook.com/p/JohnSmith', null],
  ['https://www.facebook.com/100004', 'facebook:id:100004'],
  ['https://www.facebook.com/100067935271247/about', 'facebook:id:100067935271247'],
  ['https://www.facebook.com/pages/Meedan/54421674438', 'facebook:id:54421674438'],
  ['https://www.facebook.com/pages/Meedan', null],
  ['https://www.facebook.com/Meedan-54421674438', 'facebook:id:54421674438'],
  ['https://www.facebook.com/Some-Page-Name-123456/timeline', 'facebook:id:123456'],
  ['https://www.facebook.com/pg/heymeedan/posts/', 'facebook:heymeedan'],
  ['https://www.facebook.com/pg/Hey.Meedan', 'facebook:heymeedan'],
  ['https://www.facebook.com/pg/54421674438', 'facebook:id:54421674438'],
  // sub-pages give the owner
  ['https://www.facebook.com/heymeedan/about', 'facebook:heymeedan'],
  ['https://www.facebook.com/heymeedan/photos', 'facebook:heymeedan'],
  ['https://www.facebook.com/heymeedan/posts/123456', 'facebook:heymeedan'],
  ['https://www.facebook.com/heymeedan/videos/123456', 'facebook:heymeedan'],
  ['https://www.facebook.com/zuck/friends', 'facebook:zuck'],
  ['https://www.facebook.com/LittleMix/posts/pfbid02Hvu5Jys35PPckFHUQFNbxoT7pK8quieyMMG7D5KkkwtxbwJuSkpPjXK1ZEXceQNXl', 'facebook:littlemix'],
  // posts and tools, not people
  ['https://www.facebook.com/photo.php?fbid=1&id=100004', null],
  ['https://www.facebook.com/story.php?story_fbid=1&id=100004', null],
  ['https://www.facebook.com/permalink.php?story_fbid=1&id=100004', null],
  ['https://www.facebook.com/home.php', null],
  ['https://www.facebook.com/sharer/sharer.php?u=https%3A%2F%2Fexample.com', null],
  ['https://www.facebook.com/sharer.php?u=x', null],
  ['https://www.facebook.com/photo/?fbid=1&set=a.2', null],
  ['https://www.facebook.com/photos/a.1/2', null],
  ['https://www.facebook.com/watch/?v=1', null],
  ['https://www.facebook.com/reel/123', null],
  ['https://www.facebook.com/reels', null],
  ['https://www.facebook.com/groups/kindred', null],
  ['https://www.facebook.com/events/123', null],
  ['https://www.facebook.com/marketplace/item/1', null],
  ['https://www.facebook.com/gaming/zuck', null],
  ['https://www.facebook.com/business', null],
  ['https://www.facebook.com/friends', null],
  ['https://www.facebook.com/help/105399436216001', null],
  ['https://www.facebook.com/policies', null],
  ['https://www.facebook.com/privacy', null],
  ['https://www.facebook.com/timeline', null],
  ['https://www.facebook.com/media/set/?set=a.1', null],
  ['https://www.facebook.com/videos/123', null],
  ['https://www.facebook.com/posts/123', null],
  ['https://www.facebook.com/about', null],
  ['https://www.facebook.com/me', null],
  ['https://www.facebook.com/login', null],
  ['https://www.facebook.com/login/web/', null],
  ['https://www.facebook.com/recover/initiate', null],
  ['https://www.facebook.com/settings', null],
  ['https://www.facebook.com/messages/t/1', null],
  ['https://www.facebook.com/hashtag/kindred', null],
  ['https://www.facebook.com/stories/123', null],
  ['https://www.facebook.com/share/abc123', null],
  ['https://www.facebook.com/find-friends', null],
  ['https://www.facebook.com/checkpoint/123', null],
  ['https://www.facebook.com/Events', null],
  ['https://www.facebook.com/e.vents', null],
  ['https://www.facebook.com/me.dia', null],
  // vanity validation
  ['https://www.facebook.com/john_smith', null],
  ['https://www.facebook.com/john-smith', null],
  ['https://www.facebook.com/j%C3%B6hn', null],
  ['https://www.facebook.com/.....', null],
  ['https://www.facebook.com/' + 'a'.repeat(50), 'facebook:' + 'a'.repeat(50)],
  ['https://www.facebook.com/' + 'a'.repeat(51), null],
  ['https://www.facebook.com/', null],
  // look-alikes and unlisted hosts
  ['https://facebook.com.attacker.net/zuck', null],
  ['https://f\u0430cebook.com/zuck', null], // Cyrillic а
  ['https://www.f\u0430cebook.com/zuck', null],
  ['https://evilfacebook.com/zuck', null],
  ['https://www.facebook.com@evil.example/zuck', null],
  ['https://developers.facebook.com/zuck', null],
  ['https://business.facebook.com/zuck', null],
  ['https://l.facebook.com/zuck', null],
  ['https://lm.facebook.com/l.php?u=x', null],
  ['https://fb.me/zuck', null],
  ['https://m.fb.com/zuck', null],
];

const linkedin: Case[] = [
  ['https://www.linkedin.com/in/williamhgates', 'linkedin:williamhgates'],
  ['https://linkedin.com/in/williamhgates', 'linkedin:williamhgates'],
  ['https://uk.linkedin.com/in/williamhgates', 'linkedin:williamhgates'],
  ['https://de.linkedin.com/in/julianamelung', 'linkedin:julianamelung'],
  ['https://fr.linkedin.com/in/williamhgates/', 'linkedin:williamhgates'],
  ['https://www.linkedin.com/in/WilliamHGates/', 'linkedin:williamhgates'],
  ['https://www.linkedin.com/in/tom-quirk-1928345', 'linkedin:tom-quirk-1928345'],
  ['https://www.linkedin.com/in/michael-r%C3%BCffer-61125324', 'linkedin:michael-rüffer-61125324'],
  ['https://www.linkedin.com/in/Michael-R%C3%9Cffer-61125324', 'linkedin:michael-rüffer-61125324'],
  ['https://www.linkedin.com/in/michael-rüffer-61125324', 'linkedin:michael-rüffer-61125324'],
  ['https://www.linkedin.com/in/%E7%8E%8B%E5%B0%8F%E6%98%8E', 'linkedin:王小明'],
  ['https://www.linkedin.com/in/john_doe', 'linkedin:john_doe'],
  ['https://www.linkedin.com/in/abc', 'linkedin:abc'],
  ['https://www.linkedin.com/in/' + 'a'.repeat(100), 'linkedin:' + 'a'.repeat(100)],
  ['https://www.linkedin.com/in/' + 'a'.repeat(101), null],
  ['https://www.linkedin.com/in/ab', null],
  ['https://www.linkedin.com/in/john.smith', null],
  ['https://www.linkedin.com/in/john%20smith', null],
  ['https://www.linkedin.com/in/%E0%A4%A', null],
  ['https://www.linkedin.com/in/me', null],
  ['https://www.linkedin.com/in/ME/', null],
  ['https://www.linkedin.com/in', null],
  ['https://www.linkedin.com/in/', null],
  // sub-pages
  ['https://www.linkedin.com/in/williamhgates/details/experience/', 'linkedin:williamhgates'],
  ['https://www.linkedin.com/in/williamhgates/recent-activity/all/', 'linkedin:williamhgates'],
  ['https://www.linkedin.com/in/williamhgates/overlay/contact-info/', 'linkedin:williamhgates'],
  ['https://www.linkedin.com/in/williamhgates?trk=people-guest#about', 'linkedin:williamhgates'],
  // URN ids keep their case (tested before lowercasing)
  ['https://www.linkedin.com/in/ACoAAAKT9JQBr4jV0j9X6Zt1nLkq9YR5Bx3Xk2c', 'linkedin:urn:ACoAAAKT9JQBr4jV0j9X6Zt1nLkq9YR5Bx3Xk2c'],
  ['https://www.linkedin.com/in/ACwAAAKT9JQBr4jV0j9X6Zt1nLkq9YR5Bx3Xk2c/', 'linkedin:urn:ACwAAAKT9JQBr4jV0j9X6Zt1nLkq9YR5Bx3Xk2c'],
  ['https://www.linkedin.com/in/ACoAAShort', 'linkedin:acoaashort'], // too short for a URN: an ordinary slug
  // old /pub/ URLs
  ['https://www.linkedin.com/pub/krzysztof-marzec/a7/576/b50', 'linkedin:krzysztof-marzec-b50576a7'],
  ['https://www.linkedin.com/pub/john-doe/1/23/4', 'linkedin:john-doe-0040231'],
  ['https://www.linkedin.com/pub/John-Doe/1A/2B/3C/', 'linkedin:john-doe-03c02b1a'],
  ['https://www.linkedin.com/pub/dir/John/Smith', null],
  ['https://www.linkedin.com/pub/john-doe/zz/1/2', null],
  ['https://www.linkedin.com/pub/john-doe/1/2', null],
  ['https://www.linkedin.com/pub/john-doe/1234/1/2', null],
  // companies
  ['https://www.linkedin.com/company/microsoft', 'linkedin:company:microsoft'],
  ['https://www.linkedin.com/company/Microsoft/about/', 'linkedin:company:microsoft'],
  ['https://www.linkedin.com/company/1035', 'linkedin:company:1035'],
  ['https://www.linkedin.com/company/acme-inc./people/', 'linkedin:company:acme-inc.'],
  ['https://www.linkedin.com/company/', null],
  ['https://www.linkedin.com/company/acme%20inc', null],
  // not profiles
  ['https://www.linkedin.com/feed/', null],
  ['https://www.linkedin.com/mynetwork/', null],
  ['https://www.linkedin.com/jobs/view/123', null],
  ['https://www.linkedin.com/messaging/thread/1', null],
  ['https://www.linkedin.com/notifications/', null],
  ['https://www.linkedin.com/search/results/people/?keywords=kindred', null],
  ['https://www.linkedin.com/pulse/some-article-williamhgates', null],
  ['https://www.linkedin.com/groups/123', null],
  ['https://www.linkedin.com/events/123', null],
  ['https://www.linkedin.com/learning/', null],
  ['https://www.linkedin.com/login', null],
  ['https://www.linkedin.com/authwall?trk=x', null],
  ['https://www.linkedin.com/checkpoint/lg/login', null],
  ['https://www.linkedin.com/sales/lead/ACwAAAKT9JQBr4jV0j9X6Zt1nLkq9YR5Bx3Xk2c', null],
  ['https://www.linkedin.com/posts/williamhgates_activity-123', null],
  ['https://www.linkedin.com/school/mit/', null],
  ['https://www.linkedin.com/williamhgates', null],
  // hosts
  ['https://business.linkedin.com/in/williamhgates', null],
  ['https://abc.linkedin.com/in/williamhgates', null],
  ['https://u.linkedin.com/in/williamhgates', null],
  ['https://d1.linkedin.com/in/williamhgates', null],
  ['https://www.linkedin.com.evil.example/in/williamhgates', null],
  ['https://linkedin.cn/in/williamhgates', null],
];

const instagram: Case[] = [
  ['https://www.instagram.com/natgeo/', 'instagram:natgeo'],
  ['https://instagram.com/natgeo', 'instagram:natgeo'],
  ['https://m.instagram.com/natgeo', 'instagram:natgeo'],
  ['https://instagr.am/natgeo', 'instagram:natgeo'],
  ['https://www.instagr.am/natgeo/', 'instagram:natgeo'],
  ['https://www.instagram.com/NatGeo/?hl=en', 'instagram:natgeo'],
  ['https://www.instagram.com/natgeo/reels/', 'instagram:natgeo'],
  ['https://www.instagram.com/natgeo/tagged/', 'instagram:natgeo'],
  ['https://www.instagram.com/natgeo/followers/', 'instagram:natgeo'],
  ['https://www.instagram.com/natgeo/p/C1abcDEF/', 'instagram:natgeo'],
  ['https://www.instagram.com/stories/natgeo/3141592653589/', 'instagram:natgeo'],
  ['https://www.instagram.com/stories/highlights/17900000000000000/', null],
  ['https://www.instagram.com/plan.nacionalfiat11/', 'instagram:plan.nacionalfiat11'],
  ['https://www.instagram.com/pluto__travel/', 'instagram:pluto__travel'],
  ['https://www.instagram.com/bunny_._24/', 'instagram:bunny_._24'],
  ['https://www.instagram.com/' + 'a'.repeat(30), 'instagram:' + 'a'.repeat(30)],
  ['https://www.instagram.com/' + 'a'.repeat(31), null],
  ['https://www.instagram.com/.natgeo', null],
  ['https://www.instagram.com/natgeo./', null],
  ['https://www.instagram.com/nat..geo', null],
  ['https://www.instagram.com/nat-geo', null],
  ['https://www.instagram.com/@natgeo', null],
  ['https://www.instagram.com/p/C1abcDEF/', null],
  ['https://www.instagram.com/reel/C1abcDEF/', null],
  ['https://www.instagram.com/tv/C1abcDEF/', null],
  ['https://www.instagram.com/explore/tags/cats/', null],
  ['https://www.instagram.com/accounts/login/?next=%2Fnatgeo%2F', null],
  ['https://www.instagram.com/direct/inbox/', null],
  ['https://www.instagram.com/reels/', null],
  ['https://www.instagram.com/legal/privacy/', null],
  ['https://www.instagram.com/developer/', null],
  ['https://www.instagram.com/web/friendships/1/follow/', null],
  ['https://www.instagram.com/challenge/', null],
  ['https://www.instagram.com/graphql/query/', null],
  ['https://www.instagram.com/api/v1/users/', null],
  ['https://www.instagram.com/', null],
  ['https://help.instagram.com/natgeo', null],
  ['https://instagram.com.evil.example/natgeo', null],
  ['https://ddinstagram.com/natgeo', null],
];

const bluesky: Case[] = [
  ['https://bsky.app/profile/jay.bsky.team', 'bluesky:jay.bsky.team'],
  ['https://bsky.app/profile/Jay.Bsky.Team/', 'bluesky:jay.bsky.team'],
  ['https://bsky.app/profile/stephenking.bsky.social', 'bluesky:stephenking.bsky.social'],
  ['https://bsky.app/profile/forbes.com', 'bluesky:forbes.com'],
  ['https://bsky.app/profile/robertjeff57-58.bsky.social', 'bluesky:robertjeff57-58.bsky.social'],
  ['https://bsky.app/profile/did:plc:z72i7hdynmk6r22z27h6tvur', 'bluesky:did:plc:z72i7hdynmk6r22z27h6tvur'],
  ['https://bsky.app/profile/did:web:Example.com', 'bluesky:did:web:Example.com'],
  ['https://bsky.app/profile/did%3Aplc%3Ah7obn4tkp47wn7gqh4oe5eij', 'bluesky:did:plc:h7obn4tkp47wn7gqh4oe5eij'],
  ['https://bsky.app/profile/DID:plc:z72i7hdynmk6r22z27h6tvur', null],
  ['https://bsky.app/profile/did:plc:', null],
  ['https://bsky.app/profile/did:PLC:abc', null],
  // sub-pages
  ['https://bsky.app/profile/glendunlap.bsky.social/post/3mdegyw3ves2t', 'bluesky:glendunlap.bsky.social'],
  ['https://bsky.app/profile/forbes.com/post/3mdd7aj7pgs2x', 'bluesky:forbes.com'],
  ['https://bsky.app/profile/jay.bsky.team/followers', 'bluesky:jay.bsky.team'],
  ['https://bsky.app/profile/jay.bsky.team/follows', 'bluesky:jay.bsky.team'],
  ['https://bsky.app/profile/jay.bsky.team/known-followers', 'bluesky:jay.bsky.team'],
  ['https://bsky.app/profile/jay.bsky.team/search?q=x', 'bluesky:jay.bsky.team'],
  ['https://bsky.app/profile/jay.bsky.team/lists/3abc', 'bluesky:jay.bsky.team'],
  ['https://bsky.app/profile/jay.bsky.team/feed/whats-hot', 'bluesky:jay.bsky.team'],
  ['https://bsky.app/profile/did:plc:z72i7hdynmk6r22z27h6tvur/labeler/liked-by', 'bluesky:did:plc:z72i7hdynmk6r22z27h6tvur'],
  // handle syntax
  ['https://bsky.app/profile/alice', null],
  ['https://bsky.app/profile/alice.123', null],
  ['https://bsky.app/profile/-alice.com', null],
  ['https://bsky.app/profile/alice-.com', null],
  ['https://bsky.app/profile/alice_x.com', null],
  ['https://bsky.app/profile/alice..com', null],
  ['https://bsky.app/profile/' + 'a'.repeat(64) + '.com', null],
  ['https://bsky.app/profile/', null],
  // not people
  ['https://bsky.app/', null],
  ['https://bsky.app/search?q=alice', null],
  ['https://bsky.app/feeds', null],
  ['https://bsky.app/notifications', null],
  ['https://bsky.app/settings/account', null],
  ['https://bsky.app/lists', null],
  ['https://bsky.app/moderation/modlists', null],
  ['https://bsky.app/hashtag/art', null],
  ['https://bsky.app/topic/art', null],
  ['https://bsky.app/messages/123', null],
  ['https://bsky.app/starter-pack/jay.bsky.team/3abc', null],
  ['https://bsky.app/start/jay.bsky.team/3abc', null],
  ['https://bsky.app/sys/log', null],
  ['https://bsky.app/jay.bsky.team', null],
  ['https://www.bsky.app/profile/jay.bsky.team', null],
  ['https://staging.bsky.app/profile/jay.bsky.team', null],
  ['https://bsky.social/profile/jay.bsky.team', null],
];

const mastodon: Case[] = [
  ['https://mastodon.social/@Gargron', 'mastodon:gargron@mastodon.social'],
  ['https://mastodon.social/@Gargron/', 'mastodon:gargron@mastodon.social'],
  ['https://mastodon.social/@Gargron/109398466744497417', 'mastodon:gargron@mastodon.social'],
  ['https://mastodon.social/@Gargron/109398466744497417/embed', 'mastodon:gargron@mastodon.social'],
  ['https://mastodon.social/@Gargron/with_replies', 'mastodon:gargron@mastodon.social'],
  ['https://mastodon.social/@Gargron/media', 'mastodon:gargron@mastodon.social'],
  ['https://mastodon.social/@Gargron/tagged/mastodev', 'mastodon:gargron@mastodon.social'],
  ['https://mastodon.social/@Gargron/following', 'mastodon:gargron@mastodon.social'],
  ['https://mastodon.social/@Gargron/followers', 'mastodon:gargron@mastodon.social'],
  ['https://mastodon.social/@Gargron@mastodon.social', 'mastodon:gargron@mastodon.social'],
  ['https://mastodon.social/@user@example.org', 'mastodon:user@example.org'],
  ['https://fosstodon.org/@Someone@Example.ORG/1234', 'mastodon:someone@example.org'],
  ['https://mastodon.social/users/Gargron', 'mastodon:gargron@mastodon.social'],
  ['https://mastodon.social/users/Gargron/statuses/1', 'mastodon:gargron@mastodon.social'],
  ['https://mastodon.social/web/@Gargron', 'mastodon:gargron@mastodon.social'],
  ['https://mastodon.social/web/@user@example.org', 'mastodon:user@example.org'],
  ['https://mastodon.social/%40Gargron', 'mastodon:gargron@mastodon.social'],
  ['https://social.vivaldi.net/@jon', 'mastodon:jon@social.vivaldi.net'],
  ['https://hachyderm.io/@first.last', 'mastodon:first.last@hachyderm.io'],
  ['https://infosec.exchange/@user_name-x', 'mastodon:user_name-x@infosec.exchange'],
  ['https://mstdn.jp/@tokyo', 'mastodon:tokyo@mstdn.jp'],
  ['https://chaos.social/@ccc', 'mastodon:ccc@chaos.social'],
  ['https://mas.to/@someone', 'mastodon:someone@mas.to'],
  ['https://mastodon.social/@', null],
  ['https://mastodon.social/@-user', null],
  ['https://mastodon.social/@user.', null],
  ['https://mastodon.social/@us%20er', null],
  ['https://mastodon.social/@user@localhost', null],
  ['https://mastodon.social/@user@exa_mple.org', null],
  ['https://mastodon.social/@user@', null],
  ['https://mastodon.social/@user@a.org@b.org', null],
  ['https://mastodon.social/@@user', null],
  ['https://mastodon.social/users/user@example.org', null],
  ['https://mastodon.social/accounts/123', null],
  ['https://mastodon.social/web/accounts/123', null],
  ['https://mastodon.social/web/statuses/123', null],
  ['https://mastodon.social/explore', null],
  ['https://mastodon.social/tags/mastodon', null],
  ['https://mastodon.social/Gargron', null],
  ['https://mastodon.social/', null],
  // `/@name` elsewhere is not Mastodon
  ['https://medium.com/@someone', null],
  ['https://substack.com/@someone', null],
  ['https://mastodon.example/@someone', null],
  ['https://mastodon.xyz/@someone', null],
  ['https://mastodon.social.evil.example/@someone', null],
  ['https://www.mastodon.social/@someone', null],
];

const threads: Case[] = [
  ['https://www.threads.net/@zuck', 'threads:zuck'],
  ['https://threads.net/@zuck', 'threads:zuck'],
  ['https://www.threads.com/@zuck', 'threads:zuck'],
  ['https://threads.com/@Zuck/', 'threads:zuck'],
  ['https://www.threads.com/@zuck/post/C1abcDEF', 'threads:zuck'],
  ['https://www.threads.net/@mayuri_0677', 'threads:mayuri_0677'],
  ['https://www.threads.net/@plan.nacionalfiat11', 'threads:plan.nacionalfiat11'],
  ['https://www.threads.net/@zuck.', null],
  ['https://www.threads.net/@.zuck', null],
  ['https://www.threads.net/@zu..ck', null],
  ['https://www.threads.net/@' + 'a'.repeat(31), null],
  ['https://www.threads.net/@', null],
  ['https://www.threads.net/zuck', null],
  ['https://www.threads.net/t/C1abcDEF', null],
  ['https://www.threads.net/search?q=x', null],
  ['https://www.threads.net/', null],
  ['https://threads.example/@zuck', null],
  ['https://m.threads.net/@zuck', null],
];

const youtube: Case[] = [
  ['https://www.youtube.com/@OneMedia.', 'youtube:onemedia.'],
  ['https://youtube.com/@MrBeast', 'youtube:mrbeast'],
  ['https://m.youtube.com/@MrBeast/videos', 'youtube:mrbeast'],
  ['https://www.youtube.com/@MrBeast/shorts?view=0', 'youtube:mrbeast'],
  ['https://www.youtube.com/@Boxoffice-Full-Movies', 'youtube:boxoffice-full-movies'],
  ['https://www.youtube.com/@%D0%98%D0%B3%D0%BE%D1%80%D1%8C', 'youtube:игорь'],
  ['https://www.youtube.com/@ab', null],
  ['https://www.youtube.com/@' + 'a'.repeat(30), 'youtube:' + 'a'.repeat(30)],
  ['https://www.youtube.com/@' + 'a'.repeat(31), null],
  ['https://www.youtube.com/@foo%20bar', null],
  ['https://www.youtube.com/@', null],
  ['https://www.youtube.com/channel/UCzcRQ3vRNr6fJ1A9rqFn7QA', 'youtube:channel:UCzcRQ3vRNr6fJ1A9rqFn7QA'],
  ['https://www.youtube.com/channel/UCzcRQ3vRNr6fJ1A9rqFn7QA/videos', 'youtube:channel:UCzcRQ3vRNr6fJ1A9rqFn7QA'],
  ['https://www.youtube.com/channel/uczcrq3vrnr6fj1a9rqfn7qa', null],
  ['https://www.youtube.com/channel/UCshort', null],
  ['https://www.youtube.com/channel/UCzcRQ3vRNr6fJ1A9rqFn7QAx', null],
  ['https://www.youtube.com/channel/', null],
  ['https://www.youtube.com/user/PewDiePie', 'youtube:user:pewdiepie'],
  ['https://www.youtube.com/user/PewDiePie/videos', 'youtube:user:pewdiepie'],
  ['https://www.youtube.com/c/PietSmiet', 'youtube:c:pietsmiet'],
  [
    'https://www.youtube.com/c/%D0%98%D0%B3%D0%BE%D1%80%D1%8C%D0%9A%D0%BB%D0%B5%D0%B9%D0%BD%D0%B5%D1%80/playlists',
    'youtube:c:игорьклейнер',
  ],
  ['https://www.youtube.com/c/foo%20bar', null],
  ['https://www.youtube.com/user/', null],
  ['https://www.youtube.com/PewDiePie', null], // bare /<name> is ambiguous at URL level
  ['https://www.youtube.com/watch?v=hwMkbaS_M_c', null],
  ['https://www.youtube.com/results?search_query=x', null],
  ['https://www.youtube.com/shorts/abc', null],
  ['https://www.youtube.com/feed/subscriptions', null],
  ['https://www.youtube.com/playlist?list=PL1', null],
  ['https://www.youtube.com/embed/abc', null],
  ['https://www.youtube.com/live/abc', null],
  ['https://www.youtube.com/', null],
  ['https://youtu.be/hwMkbaS_M_c', null],
  ['https://music.youtube.com/@MrBeast', null],
  ['https://youtube.com.evil.example/@MrBeast', null],
];

const tiktok: Case[] = [
  ['https://www.tiktok.com/@huxleythepandapuppy', 'tiktok:huxleythepandapuppy'],
  ['https://tiktok.com/@huxleythepandapuppy', 'tiktok:huxleythepandapuppy'],
  ['https://m.tiktok.com/@huxleythepandapuppy', 'tiktok:huxleythepandapuppy'],
  ['https://www.tiktok.com/@Illojuan?lang=es', 'tiktok:illojuan'],
  ['https://www.tiktok.com/@rebelunicorncrafts/video/7134059641968872746', 'tiktok:rebelunicorncrafts'],
  ['https://www.tiktok.com/@rebelunicorncrafts/photo/7134059641968872746', 'tiktok:rebelunicorncrafts'],
  ['https://www.tiktok.com/@andrea.nelson.art', 'tiktok:andrea.nelson.art'],
  ['https://www.tiktok.com/@ab', 'tiktok:ab'],
  ['https://www.tiktok.com/@a', null],
  ['https://www.tiktok.com/@' + 'a'.repeat(24), 'tiktok:' + 'a'.repeat(24)],
  ['https://www.tiktok.com/@' + 'a'.repeat(25), null],
  ['https://www.tiktok.com/@abc.', null],
  ['https://www.tiktok.com/@a-b', null],
  ['https://www.tiktok.com/@MS4wLjABAAAAv7iSuuXDJGDvJkmH_vz1qkDZYo1apxgzaxdBSeIuPiM', null], // secUid
  ['https://www.tiktok.com/huxleythepandapuppy', null],
  ['https://www.tiktok.com/t/ZT8abcdef/', null],
  ['https://www.tiktok.com/discover/cats', null],
  ['https://www.tiktok.com/', null],
  ['https://vm.tiktok.com/ZMabcdef/', null],
  ['https://vt.tiktok.com/ZSabcdef/', null],
  ['https://tiktok.com.evil.example/@huxleythepandapuppy', null],
];

const github: Case[] = [
  ['https://github.com/torvalds', 'github:torvalds'],
  ['https://www.github.com/torvalds', 'github:torvalds'],
  ['https://github.com/Torvalds/', 'github:torvalds'],
  ['https://github.com//torvalds', 'github:torvalds'],
  ['https://github.com/torvalds?tab=repositories', 'github:torvalds'],
  ['https://github.com/steventroughtonsmith', 'github:steventroughtonsmith'],
  ['https://github.com/916253', 'github:916253'],
  ['https://github.com/a', 'github:a'],
  ['https://github.com/a--b', 'github:a--b'],
  ['https://github.com/legacy-', 'github:legacy-'],
  ['https://github.com/' + 'a'.repeat(39), 'github:' + 'a'.repeat(39)],
  ['https://github.com/' + 'a'.repeat(40), null],
  ['https://github.com/-abc', null],
  ['https://github.com/abc_def', null],
  ['https://github.com/foo.bar', null],
  ['https://github.com/torvalds/linux', null],
  ['https://github.com/kepano/defuddle/issues/56', null],
  ['https://github.com/settings', null],
  ['https://github.com/login', null],
  ['https://github.com/notifications', null],
  ['https://github.com/explore', null],
  ['https://github.com/marketplace', null],
  ['https://github.com/orgs', null],
  ['https://github.com/features', null],
  ['https://github.com/topics', null],
  ['https://github.com/trending', null],
  ['https://github.com/pulls', null],
  ['https://github.com/issues', null],
  ['https://github.com/search?q=kindred', null],
  ['https://github.com/sponsors', null],
  ['https://github.com/About', null],
  ['https://github.com/404', null],
  ['https://github.com/500', null],
  ['https://github.com/www1', null],
  ['https://github.com/', null],
  ['https://gist.github.com/torvalds', null],
  ['https://api.github.com/users/torvalds', null],
  ['https://torvalds.github.io/', null],
  ['https://github.com.evil.example/torvalds', null],
];

const reddit: Case[] = [
  ['https://www.reddit.com/user/spez', 'reddit:spez'],
  ['https://reddit.com/user/spez', 'reddit:spez'],
  ['https://old.reddit.com/user/spez/', 'reddit:spez'],
  ['https://new.reddit.com/user/spez', 'reddit:spez'],
  ['https://np.reddit.com/user/spez', 'reddit:spez'],
  ['https://m.reddit.com/user/spez', 'reddit:spez'],
  ['https://i.reddit.com/user/spez', 'reddit:spez'],
  ['https://sh.reddit.com/user/spez', 'reddit:spez'],
  ['https://www.reddit.com/u/Spez', 'reddit:spez'],
  ['https://www.reddit.com/user/spez/submitted/', 'reddit:spez'],
  ['https://www.reddit.com/user/spez/comments/', 'reddit:spez'],
  ['https://www.reddit.com/user/spez/comments/abc123/some_slug/', 'reddit:spez'],
  ['https://www.reddit.com/user/HR_Dragonfly/', 'reddit:hr_dragonfly'],
  ['https://www.reddit.com/user/snek-queen', 'reddit:snek-queen'],
  ['https://www.reddit.com/user/spez/m/favorites', null],
  ['https://www.reddit.com/user/ab', null],
  ['https://www.reddit.com/user/' + 'a'.repeat(21), null],
  ['https://www.reddit.com/user/sp.ez', null],
  ['https://www.reddit.com/user/', null],
  ['https://www.reddit.com/r/aww', null],
  ['https://www.reddit.com/r/aww/comments/abc/title/', null],
  ['https://www.reddit.com/spez', null],
  ['https://www.reddit.com/', null],
  ['https://redd.it/abc123', null],
  ['https://out.reddit.com/user/spez', null],
  ['https://reddit.com.evil.example/user/spez', null],
];

const tables: Record<Platform | 'generic', Case[]> = {
  generic,
  x,
  facebook,
  linkedin,
  instagram,
  bluesky,
  mastodon,
  threads,
  youtube,
  tiktok,
  github,
  reddit,
};
const allCases = Object.values(tables).flat();

describe('detect(url) — sites.md §1', () => {
  for (const [name, table] of Object.entries(tables)) {
    describe(name, () => {
      it.each(table)('%s → %s', (url, expected) => {
        expect(key(url)).toBe(expected);
      });
    });
  }

  it('covers a large acceptance table', () => {
    expect(allCases.length).toBeGreaterThanOrEqual(250);
  });

  it('never returns an identity the shared schema rejects', () => {
    for (const [url] of allCases) {
      const found = detect(url);
      if (found) expect(identitySchema.safeParse(found).success, url).toBe(true);
    }
  });

  it('positive cases come from the platform named in the expectation', () => {
    for (const [url, expected] of allCases) {
      if (expected) expect(detect(url)?.platform, url).toBe(expected.slice(0, expected.indexOf(':')));
    }
  });
});

describe('host registry', () => {
  it('has one adapter per platform', () => {
    expect(sites.map((s) => s.platform).sort()).toEqual([...PLATFORMS].sort());
  });

  it('every case URL is claimed by at most one site host', () => {
    for (const [url] of allCases) {
      let host: string;
      try {
        host = new URL(url).hostname;
      } catch {
        continue;
      }
      const claimed = sites.filter((s) => s.hosts.includes(host));
      expect(claimed.length, url).toBeLessThanOrEqual(1);
    }
  });

  it('no host is listed by two sites, and hosts are lowercase exact names', () => {
    const seen = new Map<string, string>();
    for (const site of sites) {
      for (const host of site.hosts) {
        expect(seen.get(host), host).toBeUndefined();
        seen.set(host, site.platform);
        expect(host).toMatch(/^[a-z0-9.-]+$/);
        expect(new URL(`https://${host}/`).hostname).toBe(host);
      }
    }
  });

  it('siteFor matches exact hosts only and http(s) only', () => {
    expect(siteFor('https://x.com/jack')?.platform).toBe('x');
    expect(siteFor('https://de.linkedin.com/feed/')?.platform).toBe('linkedin');
    expect(siteFor('https://fosstodon.org/explore')?.platform).toBe('mastodon');
    expect(siteFor('https://help.x.com/')).toBeNull();
    expect(siteFor('https://x.com.evil.example/')).toBeNull();
    expect(siteFor('ftp://x.com/jack')).toBeNull();
    expect(siteFor('x.com/jack')).toBeNull();
  });

  it('exports the built-in Mastodon list of §1', () => {
    expect(MASTODON_HOSTS).toHaveLength(20);
    expect(MASTODON_HOSTS).toContain('mastodon.social');
    expect(MASTODON_HOSTS).toContain('baraag.net');
    expect(sites.find((s) => s.platform === 'mastodon')?.hosts).toEqual(MASTODON_HOSTS);
  });
});

describe('profileUrl', () => {
  const samples: Record<Platform, string[]> = {
    x: ['jack', 'ev', '__regenerate', 'id:12'],
    facebook: ['zuck', 'johnsmith55', 'koptischorthodoxeskulturzentrumev', 'id:100067935271247'],
    linkedin: [
      'williamhgates',
      'michael-rüffer-61125324',
      'urn:ACoAAAKT9JQBr4jV0j9X6Zt1nLkq9YR5Bx3Xk2c',
      'company:microsoft',
      'company:1035',
    ],
    instagram: ['natgeo', 'plan.nacionalfiat11', 'bunny_._24'],
    bluesky: ['jay.bsky.team', 'forbes.com', 'did:plc:z72i7hdynmk6r22z27h6tvur', 'did:web:Example.com'],
    mastodon: ['gargron@mastodon.social', 'jon@social.vivaldi.net', 'first.last@hachyderm.io'],
    threads: ['zuck', 'mayuri_0677'],
    youtube: ['onemedia.', 'mrbeast', 'channel:UCzcRQ3vRNr6fJ1A9rqFn7QA', 'user:pewdiepie', 'c:игорьклейнер'],
    tiktok: ['huxleythepandapuppy', 'andrea.nelson.art'],
    github: ['torvalds', 'legacy-', '916253'],
    reddit: ['spez', 'hr_dragonfly'],
  };

  for (const platform of PLATFORMS) {
    it.each(samples[platform])(`${platform}:%s round-trips through detect`, (handle) => {
      const url = profileUrl({ platform, handle });
      expect(url.startsWith('https://')).toBe(true);
      expect(detect(url)).toEqual({ platform, handle });
    });
  }

  it('gives the canonical forms of the brief', () => {
    expect(profileUrl({ platform: 'x', handle: 'jack' })).toBe('https://x.com/jack');
    expect(profileUrl({ platform: 'x', handle: 'id:123' })).toBe('https://x.com/i/user/123');
    expect(profileUrl({ platform: 'facebook', handle: 'id:4' })).toBe('https://www.facebook.com/profile.php?id=4');
    expect(profileUrl({ platform: 'facebook', handle: 'zuck' })).toBe('https://www.facebook.com/zuck');
    expect(profileUrl({ platform: 'bluesky', handle: 'jay.bsky.team' })).toBe('https://bsky.app/profile/jay.bsky.team');
    expect(profileUrl({ platform: 'mastodon', handle: 'user@mastodon.social' })).toBe('https://mastodon.social/@user');
    expect(profileUrl({ platform: 'mastodon', handle: 'user@example.org' })).toBe('https://example.org/@user');
    expect(profileUrl({ platform: 'youtube', handle: 'channel:UCzcRQ3vRNr6fJ1A9rqFn7QA' })).toBe(
      'https://www.youtube.com/channel/UCzcRQ3vRNr6fJ1A9rqFn7QA',
    );
    expect(profileUrl({ platform: 'linkedin', handle: 'company:1035' })).toBe('https://www.linkedin.com/company/1035');
  });

  it('cannot be steered to another host or path by a stored handle', () => {
    expect(profileUrl({ platform: 'mastodon', handle: 'u@evil.example/phish?' })).toBe(
      'https://mastodon.social/@u%40evil.example%2Fphish%3F',
    );
    expect(profileUrl({ platform: 'x', handle: '../evil' })).toBe('https://x.com/..%2Fevil');
    expect(new URL(profileUrl({ platform: 'github', handle: 'a/b?c#d' })).pathname).toBe('/a%2Fb%3Fc%23d');
  });
});

describe('canonicalizeProfile (CRM/CSV cells)', () => {
  const cases: [input: string, hint: Platform | undefined, expected: string | null][] = [
    ['https://twitter.com/Jack/', undefined, 'x:jack'],
    ['https://twitter.com/Jack/', 'x', 'x:jack'],
    ['  https://x.com/jack  ', undefined, 'x:jack'],
    ['twitter.com/jack', undefined, 'x:jack'],
    ['twitter.com/Jack', 'x', 'x:jack'],
    ['www.facebook.com/John.Smith55', undefined, 'facebook:johnsmith55'],
    ['facebook.com/profile.php?id=4', undefined, 'facebook:id:4'],
    ['//x.com/jack', undefined, 'x:jack'],
    ['mastodon.social/@Gargron', undefined, 'mastodon:gargron@mastodon.social'],
    ['bsky.app/profile/Jay.Bsky.Team', 'bluesky', 'bluesky:jay.bsky.team'],
    ['@Jack', 'x', 'x:jack'],
    ['Jack', 'x', 'x:jack'],
    ['id:12', 'x', 'x:id:12'],
    ['@home', 'x', null],
    ['jack-smith', 'x', null],
    ['@@jack', 'x', null],
    ['John.Smith55', 'facebook', 'facebook:johnsmith55'],
    ['john.smith.55', 'facebook', 'facebook:johnsmith55'],
    ['100004', 'facebook', 'facebook:id:100004'],
    ['me', 'facebook', null],
    ['john_smith', 'facebook', null],
    ['facebook.com', 'facebook', null],
    ['WilliamHGates', 'linkedin', 'linkedin:williamhgates'],
    ['ACoAAAKT9JQBr4jV0j9X6Zt1nLkq9YR5Bx3Xk2c', 'linkedin', 'linkedin:urn:ACoAAAKT9JQBr4jV0j9X6Zt1nLkq9YR5Bx3Xk2c'],
    ['company:Microsoft', 'linkedin', 'linkedin:company:microsoft'],
    ['@NatGeo', 'instagram', 'instagram:natgeo'],
    ['nat..geo', 'instagram', null],
    ['@Zuck', 'threads', 'threads:zuck'],
    ['Jay.Bsky.Team', 'bluesky', 'bluesky:jay.bsky.team'],
    ['@jay.bsky.team', 'bluesky', 'bluesky:jay.bsky.team'],
    ['did:plc:z72i7hdynmk6r22z27h6tvur', 'bluesky', 'bluesky:did:plc:z72i7hdynmk6r22z27h6tvur'],
    ['alice', 'bluesky', null],
    ['@Gargron@mastodon.social', 'mastodon', 'mastodon:gargron@mastodon.social'],
    ['user@example.org', 'mastodon', 'mastodon:user@example.org'],
    ['Gargron', 'mastodon', null],
    ['@user@localhost', 'mastodon', null],
    ['@OneMedia.', 'youtube', 'youtube:onemedia.'],
    ['UCzcRQ3vRNr6fJ1A9rqFn7QA', 'youtube', 'youtube:channel:UCzcRQ3vRNr6fJ1A9rqFn7QA'],
    ['@Huxleythepandapuppy', 'tiktok', 'tiktok:huxleythepandapuppy'],
    ['Torvalds', 'github', 'github:torvalds'],
    ['torvalds/linux', 'github', null],
    ['u/Spez', 'reddit', 'reddit:spez'],
    ['/u/spez', 'reddit', 'reddit:spez'],
    ['spez', 'reddit', 'reddit:spez'],
    // invalid or mismatched
    ['', 'x', null],
    ['   ', undefined, null],
    ['jack', undefined, null],
    ['not a url', undefined, null],
    ['https://twitter.com/Jack', 'facebook', null],
    ['twitter.com/jack', 'github', null],
    ['https://example.com/jack', undefined, null],
    ['https://x.com/home', 'x', null],
    ['javascript:alert(1)', 'x', null],
    ['ftp://x.com/jack', 'x', null],
    ['x.com.evil.example/jack', 'x', null],
  ];

  it.each(cases)('%j (hint %s) → %s', (input, hint, expected) => {
    const found = canonicalizeProfile(input, hint);
    expect(found ? identityKey(found) : null).toBe(expected);
  });

  it('agrees with detect on every positive URL case', () => {
    for (const [url, expected] of allCases) {
      if (!expected) continue;
      const found = canonicalizeProfile(url);
      expect(found && identityKey(found), url).toBe(expected);
    }
  });
});

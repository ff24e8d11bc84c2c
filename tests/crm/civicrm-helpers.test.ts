// The pure parts of the CiviCRM connector: URL patterns, giving, HTML, Retry-After. The wire is
// tested against the contract double in civicrm.test.ts.
import { describe, expect, it } from 'vitest';
import { activityDetails, givingOf, htmlToText, websiteLikePatterns } from '../../src/crm/civicrm';
import { retryAfterMs } from '../../src/crm/http';
import type { Identity } from '../../src/identity';
import { canonicalizeProfile } from '../../src/sites';

/** MySQL LIKE as utf8mb4_unicode_ci compares it: `%`, `_`, `\` escapes, case-insensitive. */
function like(pattern: string, value: string): boolean {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\') re += pattern[++i]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    else re += c === '%' ? '[\\s\\S]*' : c === '_' ? '.' : c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 'i').test(value);
}

describe('websiteLikePatterns', () => {
  // Every stored spelling a CRM Website row may hold for the identity, as detect() reads it.
  const cases: [Identity, string[]][] = [
    [{ platform: 'x', handle: 'jack' }, ['https://twitter.com/Jack/', 'http://www.x.com/@jack?lang=en', 'twitter.com/jack', 'https://mobile.twitter.com/JACK/status/20']],
    [{ platform: 'x', handle: 'id:12' }, ['https://x.com/i/user/12']],
    [{ platform: 'facebook', handle: 'id:100004' }, ['https://facebook.com/profile.php?id=100004', 'https://www.facebook.com/people/Ada-Okafor/100004/']],
    [{ platform: 'facebook', handle: 'johnsmith' }, ['https://www.facebook.com/john.smith', 'https://m.facebook.com/JohnSmith/', 'https://fb.com/john.smith']],
    [{ platform: 'linkedin', handle: 'josé-ruiz' }, ['https://www.linkedin.com/in/jos%C3%A9-ruiz/', 'https://uk.linkedin.com/in/José-Ruiz']],
    [{ platform: 'mastodon', handle: 'gargron@mastodon.social' }, ['https://mastodon.social/@Gargron', 'https://mastodon.social/users/gargron']],
    [{ platform: 'bluesky', handle: 'ada.bsky.social' }, ['https://bsky.app/profile/ada.bsky.social']],
    [{ platform: 'youtube', handle: 'channel:UCabcdefghijklmnopqrstuv' }, ['https://www.youtube.com/channel/UCabcdefghijklmnopqrstuv/videos']],
  ];
  it.each(cases)('finds every spelling of %o', (identity, urls) => {
    const patterns = websiteLikePatterns(identity);
    for (const url of urls) {
      expect(canonicalizeProfile(url), url).toEqual(identity);
      expect(patterns.some((p) => like(p, url)), `${url} vs ${patterns.join(' | ')}`).toBe(true);
    }
  });
});

describe('givingOf', () => {
  const gift = (id: number, amount: number, date: string, currency = 'USD') => ({
    id, contact_id: 1, total_amount: amount, currency, receive_date: `${date} 10:00:00`, 'financial_type_id:label': 'Donation',
  });
  it('sums, finds the latest and the largest', () => {
    expect(givingOf([gift(1, 50, '2025-01-02'), gift(2, 250.5, '2024-06-01'), gift(3, 20, '2025-03-04')])).toEqual({
      lifetime: 320.5, lastGiftAmount: 20, lastGiftDate: '2025-03-04', largestGift: 250.5, currency: 'USD',
    });
  });
  it('does not add up different currencies', () => {
    expect(givingOf([gift(1, 100, '2025-01-01', 'EUR'), gift(2, 999, '2024-01-01', 'USD')])).toMatchObject({ lifetime: 100, currency: 'EUR', largestGift: 100 });
  });
  it('says "no gifts yet" when there are none', () => {
    expect(givingOf([])).toEqual({ lifetime: 0, lastGiftAmount: null, lastGiftDate: null, largestGift: null, currency: null });
  });
});

describe('activity details', () => {
  it('escapes the notes and ends with the channel, profile and marker', () => {
    const html = activityDetails(
      { kind: 'dm', channel: 'x', at: '2026-11-22T10:00:00Z', notes: 'Gala <b>yes</b> & "soon"\n\nSecond para\nline', profileUrl: 'https://x.com/ada?a=1&b=2' },
      'key-1',
    );
    expect(html).toBe(
      '<p>Gala &lt;b&gt;yes&lt;/b&gt; &amp; &quot;soon&quot;</p>\n<p>Second para<br>line</p>\n<p>Channel: X</p>\n' +
        '<p>Profile: <a href="https://x.com/ada?a=1&amp;b=2">https://x.com/ada?a=1&amp;b=2</a></p>\n<p>Kindred ref: key-1</p>',
    );
    expect(htmlToText(html)).toBe('Gala <b>yes</b> & "soon"\n\nSecond para\nline\n\nChannel: X\n\nProfile: https://x.com/ada?a=1&b=2\n\nKindred ref: key-1');
  });
  it('reads CiviCRM editor HTML as text', () => {
    expect(htmlToText('<div>Caf&eacute;&nbsp;talk &#8211; <strong>ok</strong><br />next&rsquo;s &Uuml;ber &bogus;</div>')).toBe('Café talk – ok\nnext’s Über &bogus;');
  });
});

describe('retryAfterMs', () => {
  const now = new Date('2026-11-22T10:00:00Z');
  it('reads seconds and HTTP dates', () => {
    expect(retryAfterMs('120', now)).toBe(120_000);
    expect(retryAfterMs('Sun, 22 Nov 2026 10:00:30 GMT', now)).toBe(30_000);
    expect(retryAfterMs('Sun, 22 Nov 2026 09:00:00 GMT', now)).toBe(0);
    expect(retryAfterMs('soon', now)).toBeUndefined();
    expect(retryAfterMs(null, now)).toBeUndefined();
  });
});

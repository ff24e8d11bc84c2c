import { describe, expect, test } from 'vitest';
import { autoMap, columnMappingSchema, CSV_FIELDS, matchHeader } from '../../src/import/columns';

describe('CSV_FIELDS', () => {
  test('is the export column order of the spec', () => {
    expect(CSV_FIELDS).toEqual([
      'external_id', 'first_name', 'last_name', 'display_name', 'email', 'phone', 'tags',
      'x', 'facebook', 'linkedin', 'instagram', 'bluesky', 'mastodon', 'threads', 'youtube', 'tiktok', 'github', 'reddit',
      'lifetime_giving', 'last_gift_amount', 'last_gift_date', 'largest_gift', 'currency', 'do_not_contact',
    ]);
  });
});

describe('matchHeader', () => {
  test.each([
    // canonical names, any case and separator
    ['external_id', 'external_id'], ['External ID', 'external_id'], ['EXTERNAL-ID', 'external_id'],
    ['first.name', 'first_name'], ['Last Name', 'last_name'], ['DisplayName', 'display_name'],
    ['Do Not Contact', 'do_not_contact'], ['Last-Gift-Date', 'last_gift_date'],
    // synonyms from the spec
    ['id', 'external_id'], ['constituent_id', 'external_id'], ['Record ID', 'external_id'], ['contact_id', 'external_id'],
    ['first', 'first_name'], ['FirstName', 'first_name'], ['given_name', 'first_name'],
    ['last', 'last_name'], ['Surname', 'last_name'], ['family_name', 'last_name'],
    ['name', 'display_name'], ['Full Name', 'display_name'],
    ['email_address', 'email'], ['E-mail', 'email'],
    ['phone_number', 'phone'], ['Mobile', 'phone'], ['telephone', 'phone'],
    ['twitter', 'x'], ['Twitter Handle', 'x'], ['x_handle', 'x'], ['x.com', 'x'], ['X', 'x'], ['twitter_url', 'x'],
    ['fb', 'facebook'], ['Facebook URL', 'facebook'], ['ig', 'instagram'], ['Instagram Username', 'instagram'],
    ['bsky', 'bluesky'], ['LinkedIn Profile', 'linkedin'], ['GitHub', 'github'], ['yt', 'youtube'],
    ['lifetime', 'lifetime_giving'], ['total_giving', 'lifetime_giving'], ['Lifetime Value', 'lifetime_giving'],
    ['dnc', 'do_not_contact'], ['do_not_email', 'do_not_contact'], ['no_contact', 'do_not_contact'],
    ['Largest Gift Amount', 'largest_gift'], ['Currency Code', 'currency'], ['Last Gift', 'last_gift_amount'],
    ['\uFEFFid', 'external_id'],
  ])('%s → %s', (header, field) => {
    expect(matchHeader(header)).toBe(field);
  });

  test.each(['favourite colour', 'notes', 'xx', 'linked', 'email2', ''])('%s → null', (header) => {
    expect(matchHeader(header)).toBeNull();
  });
});

describe('autoMap', () => {
  test('maps known headers by position and lists unknown ones', () => {
    const { mapping, unknown } = autoMap(['ID', 'Given Name', 'Surname', 'Favourite Colour', 'E-mail', 'Twitter', 'Notes']);
    expect(mapping).toEqual(['external_id', 'first_name', 'last_name', null, 'email', 'x', null]);
    expect(unknown).toEqual(['Favourite Colour', 'Notes']);
  });

  test('blank headers are ignored without being reported', () => {
    const { mapping, unknown } = autoMap(['name', '', '  ']);
    expect(mapping).toEqual(['display_name', null, null]);
    expect(unknown).toEqual([]);
  });

  test('a second column for a single-valued field is left for the user; list fields take several', () => {
    const { mapping, unknown } = autoMap(['name', 'Full Name', 'email', 'Email Address', 'twitter', 'x']);
    expect(mapping).toEqual(['display_name', null, 'email', 'email', 'x', 'x']);
    expect(unknown).toEqual(['Full Name']);
  });
});

describe('columnMappingSchema', () => {
  test('accepts fields and nulls', () => {
    expect(columnMappingSchema.parse(['external_id', null, 'email', 'email', 'x'])).toEqual(['external_id', null, 'email', 'email', 'x']);
  });

  test('rejects unknown fields', () => {
    expect(columnMappingSchema.safeParse(['external_id', 'colour']).success).toBe(false);
  });

  test('rejects a single-valued field mapped twice', () => {
    const result = columnMappingSchema.safeParse(['display_name', 'first_name', 'display_name']);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toContain('display_name is mapped to more than one column');
    expect(result.error?.issues[0]?.path).toEqual([2]);
  });
});

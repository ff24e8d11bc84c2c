// Helpers every adapter shares for the URL contract of ../../shared/sites.md §1.
import type { Identity, Platform } from '../identity';

/**
 * §1 rule 3: split on '/', drop empty segments (so `//torvalds` and trailing slashes do not
 * matter), then decode each one. A malformed escape makes the whole URL unusable (null), so a
 * half-decoded handle can never reach the CRM.
 */
export function segments(url: URL): string[] | null {
  const out: string[] = [];
  for (const part of url.pathname.split('/')) {
    if (!part) continue;
    try {
      out.push(decodeURIComponent(part));
    } catch {
      return null;
    }
  }
  return out;
}

/** Reserved-word lists are kept as one space-separated string (bundle size, §5 of the brief). */
export const words = (list: string): ReadonlySet<string> => new Set(list.split(' '));

/** Numeric account ids (X user ids, Facebook profile/page ids). */
export const DIGITS = /^\d{1,20}$/;

/**
 * Builds `{platform, handle}`, passing null through so adapters can chain validators. Handles over
 * 200 characters are refused here so every result satisfies `identitySchema`.
 */
export const identity = (platform: Platform, handle: string | null | undefined): Identity | null =>
  handle && handle.length <= 200 ? { platform, handle } : null;

/** The path segment after an `@` prefix (TikTok, Threads, YouTube, Mastodon), or null. */
export const atName = (segment: string | undefined): string | null =>
  segment?.[0] === '@' ? segment.slice(1) : null;

/** Encodes one handle for use as a single path segment in a profile URL. */
export const enc = encodeURIComponent;

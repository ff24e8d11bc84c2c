// Runs the site adapters over saved pages (shared/fixtures/pages, or a page a user saved where
// Kindred failed) and compares what they find with expectations. Used by scripts/check-pages.ts
// and tests/check-pages.test.ts. Pages are parsed by happy-dom with scripts, subresources, frames
// and navigation all disabled, so a saved page stays inert.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { Window } from 'happy-dom';
import { identityKey, parseIdentityKey, PLATFORM_LABELS, type Identity } from '../../src/identity';
import { detect, profileUrl, siteFor } from '../../src/sites';
import * as mastodon from '../../src/sites/mastodon';
import type { PageProfile, SiteAdapter } from '../../src/sites/types';

// ---------------------------------------------------------------------------------------------
// Expectations

/** What a saved page must give. Keys are canonical identity keys (`x:kikobeats`, `facebook:id:1`). */
export interface Expectation {
  /** The address the page was saved from. */
  url?: string;
  /** The profile the URL names (`detect`); null when it names nobody. Also checked against the page result. */
  owner?: string | null;
  /** Identities the page check (`fromDocument`) must report, e.g. the numeric id next to the handle. */
  ownerIds?: string[];
  /** Authors `authorLinks` must all find. */
  authors?: string[];
  /** People `authorLinks` must not report: mentions in post text, the logged-in viewer. */
  notAuthors?: string[];
  /** When true, `authorLinks` must find exactly `authors` and nobody else. */
  exactAuthors?: boolean;
  /** Free text for people reading the file (not checked). */
  note?: string;
}

export type Expectations = Record<string, Expectation>;

const FIELDS = new Set(['url', 'owner', 'ownerIds', 'authors', 'notAuthors', 'exactAuthors', 'note']);

/** A key is canonical when the adapter gives it back for its own profile URL. */
function keyProblem(key: unknown): string | null {
  if (typeof key !== 'string') return `${JSON.stringify(key)} is not a text key like "x:jack"`;
  const identity = parseIdentityKey(key);
  if (!identity) return `"${key}" is not a key like "x:jack"`;
  let back: string | null;
  try {
    const found = detect(profileUrl(identity));
    back = found ? identityKey(found) : null;
  } catch {
    back = null;
  }
  if (back === key) return null;
  return back ? `"${key}" is not canonical, the adapter writes it "${back}"` : `"${key}" is not a valid ${identity.platform} handle`;
}

/** Checks an expectations file's content; returns the entries and every problem found in it. */
export function validateExpectations(data: unknown): { expectations: Expectations; problems: string[] } {
  const problems: string[] = [];
  const expectations: Expectations = {};
  if (!data || typeof data !== 'object' || Array.isArray(data)) {
    return { expectations, problems: ['the file must hold one JSON object: { "<page path>": { "url": …, … } }'] };
  }
  for (const [file, raw] of Object.entries(data as Record<string, unknown>)) {
    if (file.startsWith('$') || file.startsWith('//')) continue; // comments / $schema
    const where = `entry "${file}"`;
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
      problems.push(`${where}: must be an object`);
      continue;
    }
    const entry = raw as Record<string, unknown>;
    for (const field of Object.keys(entry)) if (!FIELDS.has(field)) problems.push(`${where}: unknown field "${field}"`);
    if (entry.url !== undefined && (typeof entry.url !== 'string' || !parseHttpUrl(entry.url))) {
      problems.push(`${where}: "url" must be an http(s) address`);
    }
    if (entry.owner !== undefined && entry.owner !== null) {
      const p = keyProblem(entry.owner);
      if (p) problems.push(`${where}: owner ${p}`);
    }
    for (const list of ['ownerIds', 'authors', 'notAuthors'] as const) {
      const value = entry[list];
      if (value === undefined) continue;
      if (!Array.isArray(value)) {
        problems.push(`${where}: "${list}" must be a list`);
        continue;
      }
      for (const key of value) {
        const p = keyProblem(key);
        if (p) problems.push(`${where}: ${list} ${p}`);
      }
    }
    const authors = Array.isArray(entry.authors) ? (entry.authors as unknown[]) : [];
    const notAuthors = Array.isArray(entry.notAuthors) ? (entry.notAuthors as unknown[]) : [];
    for (const key of authors) if (notAuthors.includes(key)) problems.push(`${where}: ${String(key)} is in both authors and notAuthors`);
    if (entry.exactAuthors !== undefined && typeof entry.exactAuthors !== 'boolean') {
      problems.push(`${where}: "exactAuthors" must be true or false`);
    }
    expectations[file] = entry as Expectation;
  }
  return { expectations, problems };
}

/** Reads and validates an expectations file; a file that cannot be read or parsed is one problem. */
export function loadExpectations(file: string): { expectations: Expectations; problems: string[] } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    return { expectations: {}, problems: [`cannot read the expectations file ${file} (${describeError(error)})`] };
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return { expectations: {}, problems: [`the expectations file ${file} is not valid JSON (${describeError(error)})`] };
  }
  return validateExpectations(data);
}

// ---------------------------------------------------------------------------------------------
// Finding pages and their address

/** Every `*.html` file under `folder` (or `folder` itself if it is a file), as sorted `/` paths. */
export function findPages(folder: string): string[] {
  if (statSync(folder).isFile()) return [path.basename(folder)];
  const out: string[] = [];
  const walk = (dir: string, rel: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      const relPath = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(path.join(dir, entry.name), relPath);
      else if (/\.html?$/i.test(entry.name)) out.push(relPath);
    }
  };
  walk(folder, '');
  return out.sort();
}

function parseHttpUrl(input: string): URL | null {
  try {
    const url = new URL(input.trim());
    return url.protocol === 'https:' || url.protocol === 'http:' ? url : null;
  } catch {
    return null;
  }
}

/** `<!-- https://… -->` before `<body>`: tools such as pender record the fetched address so. */
function urlFromComment(html: string): string | null {
  const body = html.search(/<body[\s>]/i);
  const head = html.slice(0, body < 0 ? 65536 : body);
  for (const m of head.matchAll(/<!--\s*(https?:\/\/[^\s<>"']+)\s*-->/gi)) {
    if (m[1] && parseHttpUrl(m[1])) return m[1];
  }
  return null;
}

function urlFromJsonLd(doc: Document): string | null {
  const pick = (value: unknown): string | null => {
    if (Array.isArray(value)) {
      for (const item of value) {
        const found = pick(item);
        if (found) return found;
      }
      return null;
    }
    if (!value || typeof value !== 'object') return null;
    const obj = value as Record<string, unknown>;
    if (typeof obj.url === 'string' && parseHttpUrl(obj.url)) return obj.url;
    return pick(obj['@graph']);
  };
  for (const script of doc.querySelectorAll('script[type="application/ld+json"]')) {
    try {
      const found = pick(JSON.parse(script.textContent ?? ''));
      if (found) return found;
    } catch {
      // not JSON: try the next one
    }
  }
  return null;
}

/** The address a saved page came from, and where in the file it was found. */
export function pageUrlFromFile(html: string, doc: Document): { url: string; source: string } | null {
  const comment = urlFromComment(html);
  if (comment) return { url: comment, source: 'comment at the top of the file' };
  const attr = (selector: string, name: string): string | null => {
    const value = doc.querySelector(selector)?.getAttribute(name)?.trim();
    return value && parseHttpUrl(value) ? value : null;
  };
  const candidates: [string, string | null][] = [
    ['canonical link', attr('link[rel~="canonical" i][href]', 'href')],
    ['og:url', attr('meta[property="og:url"][content]', 'content') ?? attr('meta[name="og:url"][content]', 'content') ?? attr('meta[name="og:url"][value]', 'value')],
    ['al:web:url', attr('meta[property="al:web:url"][content]', 'content')],
    ['JSON-LD', urlFromJsonLd(doc)],
  ];
  for (const [source, url] of candidates) if (url) return { url, source };
  return null;
}

// ---------------------------------------------------------------------------------------------
// Checking one page

export type PageStatus =
  | 'checked' // adapters ran
  | 'unreadable' // the file could not be read
  | 'no-url' // no address given or found in the file
  | 'bad-url' // the address is not an http(s) URL
  | 'unsupported'; // not a site Kindred supports

export interface DomOwner {
  keys: string[];
  name: string | null;
}

export interface PageResult {
  file: string;
  status: PageStatus;
  /** One line for the non-checked statuses. */
  message?: string;
  url: string | null;
  urlSource: string | null;
  platform: string | null;
  /** How the site was chosen: its host, or (Mastodon on another instance) the page itself. */
  siteBy: 'host' | 'page' | null;
  /** `detect(url)`: the profile the address names. */
  urlOwner: string | null;
  /** `fromDocument`: the page's confirmation; null when it gave nothing, undefined when the site has none. */
  domOwner: DomOwner | null | undefined;
  /** `authorLinks(document)`: each identity found and how many links named it, in page order. */
  authors: { key: string; count: number }[];
  /** Whether the adapter has `authorLinks` at all. */
  hasAuthorLinks: boolean;
  /** Probes expected on this URL, and those that matched nothing. */
  probesChecked: string[];
  probesEmpty: { name: string; selector: string }[];
  /** Adapter functions that threw (a bug, always a failure). */
  errors: string[];
  ms: number;
}

const WINDOW_SETTINGS = {
  disableJavaScriptEvaluation: true,
  disableJavaScriptFileLoading: true,
  disableCSSFileLoading: true,
  disableIframePageLoading: true,
  disableComputedStyleRendering: true,
  handleDisabledFileLoadingAsSuccess: true,
  navigation: {
    disableMainFrameNavigation: true,
    disableChildFrameNavigation: true,
    disableChildPageNavigation: true,
    disableFallbackToSetURL: true,
  },
  navigator: { userAgent: 'Mozilla/5.0 (Kindred page check)' },
} as const;

/** DOM class names an adapter may use for `instanceof` (they are globals in a content script). */
const DOM_GLOBAL = /^(?:Node|NodeFilter|NodeList|Element|Document|DocumentFragment|ShadowRoot|Text|Comment|CharacterData|Attr|HTMLCollection|(?:HTML|SVG)\w*Element)$/;

/** Runs `fn` with the window's DOM classes as globals where Node has none, then removes them. */
function withDomGlobals<T>(window: Window, fn: () => T): T {
  const g = globalThis as Record<string, unknown>;
  const w = window as unknown as Record<string, unknown>;
  const added: string[] = [];
  for (const name of Object.getOwnPropertyNames(w)) {
    if (!DOM_GLOBAL.test(name) || name in g) continue;
    const value = w[name];
    if (typeof value !== 'function' && typeof value !== 'object') continue;
    g[name] = value;
    added.push(name);
  }
  try {
    return fn();
  } finally {
    for (const name of added) delete g[name];
  }
}

function describeError(error: unknown): string {
  if (error instanceof Error) return error.message.split('\n')[0] ?? error.name;
  return String(error);
}

type MastodonDomApi = {
  isMastodonDocument: (doc: Document) => boolean;
  detectMastodonAt: (url: URL) => Identity | null;
};

/** The Mastodon-on-any-instance helpers, if this build of the adapter has them. */
function mastodonDomApi(): MastodonDomApi | null {
  const mod: object = mastodon;
  if (!('isMastodonDocument' in mod) || !('detectMastodonAt' in mod)) return null;
  const { isMastodonDocument, detectMastodonAt } = mod as Record<string, unknown>;
  return typeof isMastodonDocument === 'function' && typeof detectMastodonAt === 'function'
    ? (mod as unknown as MastodonDomApi)
    : null;
}

function emptyResult(file: string): PageResult {
  return {
    file,
    status: 'checked',
    url: null,
    urlSource: null,
    platform: null,
    siteBy: null,
    urlOwner: null,
    domOwner: undefined,
    authors: [],
    hasAuthorLinks: false,
    probesChecked: [],
    probesEmpty: [],
    errors: [],
    ms: 0,
  };
}

/**
 * Parses `html` (saved from `url`, or from the address recorded in the file) and runs the
 * adapter of its site: `detect`, `fromDocument`, `authorLinks` over the whole document, probes.
 */
export async function checkHtml(html: string, options: { file?: string; url?: string } = {}): Promise<PageResult> {
  const started = performance.now();
  const result = emptyResult(options.file ?? '(page)');
  const given = options.url?.trim() || null;
  const window = new Window({ url: (given && parseHttpUrl(given)?.href) || 'https://page-check.invalid/', settings: WINDOW_SETTINGS });
  try {
    const doc = window.document as unknown as Document;
    doc.write(html);

    if (given) {
      result.url = given;
      result.urlSource = 'expectations';
    } else {
      const found = pageUrlFromFile(html, doc);
      if (found) {
        result.url = found.url;
        result.urlSource = found.source;
      }
    }
    if (!result.url) {
      result.status = 'no-url';
      result.message = 'URL unknown — pass it in expectations';
      return result;
    }
    const url = parseHttpUrl(result.url);
    if (!url) {
      result.status = 'bad-url';
      result.message = `"${result.url}" is not a web address (http or https)`;
      return result;
    }
    if (!given) window.happyDOM.setURL(url.href);

    const guard = <T>(what: string, fn: () => T): T | undefined => {
      try {
        return withDomGlobals(window, fn);
      } catch (error) {
        result.errors.push(`${what} failed: ${describeError(error)}`);
        return undefined;
      }
    };

    let site: SiteAdapter | null = siteFor(url.href);
    let urlOwner: Identity | null | undefined;
    if (site) {
      result.siteBy = 'host';
      urlOwner = guard('detect', () => detect(url.href));
    } else {
      const api = mastodonDomApi();
      if (api && guard('isMastodonDocument', () => api.isMastodonDocument(doc))) {
        site = mastodon.mastodonSite;
        result.siteBy = 'page';
        urlOwner = guard('detectMastodonAt', () => api.detectMastodonAt(url));
      }
    }
    if (!site) {
      result.status = 'unsupported';
      result.message = `${url.hostname} is not a site Kindred supports`;
      return result;
    }
    result.platform = site.platform;
    result.urlOwner = urlOwner ? identityKey(urlOwner) : null;

    if (typeof site.fromDocument === 'function') {
      const fromDocument = site.fromDocument.bind(site);
      const profile: PageProfile | null | undefined = guard('fromDocument', () => fromDocument(doc, url));
      result.domOwner = profile ? { keys: profile.identities.map(identityKey), name: profile.displayName } : null;
    }

    if (typeof site.authorLinks === 'function') {
      result.hasAuthorLinks = true;
      const authorLinks = site.authorLinks.bind(site);
      const links = guard('authorLinks', () => authorLinks(doc, url)) ?? [];
      const counts = new Map<string, number>();
      for (const link of links) {
        const key = identityKey(link.identity);
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      result.authors = [...counts].map(([key, count]) => ({ key, count }));
    }

    for (const probe of site.probes ?? []) {
      const expected = guard(`probe "${probe.name}"`, () => probe.expectedOn(url));
      if (!expected) continue;
      result.probesChecked.push(probe.name);
      const hit = guard(`probe "${probe.name}"`, () => doc.querySelector(probe.selector));
      if (!hit) result.probesEmpty.push({ name: probe.name, selector: probe.selector });
    }
    return result;
  } finally {
    result.ms = performance.now() - started;
    await window.happyDOM.close();
  }
}

/** Reads and checks one saved file; an unreadable file is a result, not an exception. */
export async function checkFile(fullPath: string, file: string, url?: string): Promise<PageResult> {
  let html: string;
  try {
    html = readFileSync(fullPath, 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code;
    return {
      ...emptyResult(file),
      status: 'unreadable',
      message:
        code === 'ENOENT' ? 'file not found' : code === 'EACCES' ? 'no permission to read the file' : `cannot read the file (${describeError(error)})`,
    };
  }
  return checkHtml(html, url === undefined ? { file } : { file, url });
}

// ---------------------------------------------------------------------------------------------
// Comparing with an expectation

/** Everything wrong with `result` against `expected`, in plain words; empty when it passes. */
export function compare(result: PageResult, expected: Expectation): string[] {
  const problems: string[] = [];
  if (result.status !== 'checked') {
    problems.push(result.message ?? `page not checked (${result.status})`);
    return problems;
  }
  for (const error of result.errors) problems.push(`adapter error: ${error}`);

  const shown = (key: string | null | undefined) => key ?? 'nobody';
  if (expected.owner !== undefined && result.urlOwner !== expected.owner) {
    problems.push(`profile from the URL: expected ${shown(expected.owner)}, got ${shown(result.urlOwner)}`);
  }
  const dom = result.domOwner;
  if (dom && expected.owner !== undefined) {
    if (expected.owner === null) problems.push(`profile from the page: expected nobody, got ${dom.keys.join(', ')}`);
    else if (dom.keys[0] !== expected.owner) {
      problems.push(`profile from the page: expected ${expected.owner}, got ${dom.keys.join(', ') || 'no identity'}`);
    }
  }
  const ids = expected.ownerIds ?? [];
  if (ids.length) {
    const missing = ids.filter((key) => !dom?.keys.includes(key));
    if (missing.length) {
      const got = dom === undefined ? 'this site has no page check' : dom ? dom.keys.join(', ') : 'nothing';
      problems.push(`profile from the page: expected ${missing.join(', ')}, got ${got}`);
    }
  }

  const found = new Map(result.authors.map((a) => [a.key, a.count]));
  const wanted = expected.authors ?? [];
  const checksAuthors = expected.authors !== undefined || expected.notAuthors !== undefined || expected.exactAuthors;
  if (!checksAuthors) return problems;
  if (!result.hasAuthorLinks) {
    problems.push('authors: this site has no author finder (authorLinks)');
    return problems;
  }
  const missing = wanted.filter((key) => !found.has(key));
  if (missing.length) problems.push(`authors not found (${missing.length}): ${missing.join(', ')}`);
  const wrong = (expected.notAuthors ?? []).filter((key) => found.has(key));
  if (wrong.length) {
    problems.push(
      `reported as authors but must not be (mention or viewer): ${wrong.map((k) => `${k} (${found.get(k)} link${found.get(k) === 1 ? '' : 's'})`).join(', ')}`,
    );
  }
  if (expected.exactAuthors) {
    const extra = [...found.keys()].filter((key) => !wanted.includes(key) && !(expected.notAuthors ?? []).includes(key));
    if (extra.length) problems.push(`unexpected authors (${extra.length}): ${extra.join(', ')}`);
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Checking a folder and reporting

export interface PageReport {
  result: PageResult;
  /** undefined: no expectation for this page. */
  expected?: Expectation;
  problems: string[];
}

export interface RunReport {
  pages: PageReport[];
  /** Pages in the folder without an entry (warning only). */
  noEntry: string[];
  /** Entries whose file is missing (failure). */
  missingFiles: string[];
  /** Problems in the expectations file itself (failure). */
  expectationProblems: string[];
  failed: number;
  ms: number;
}

/** Checks every page under `folder`, comparing with `expectations` when given. */
export async function checkFolder(
  folder: string,
  expectations?: Expectations,
  options: { expectationProblems?: string[]; url?: string; onPage?: (page: PageReport) => void } = {},
): Promise<RunReport> {
  const started = performance.now();
  const single = statSync(folder).isFile();
  const files = findPages(folder);
  const pages: PageReport[] = [];
  for (const file of files) {
    const full = single ? folder : path.join(folder, ...file.split('/'));
    const expected = expectations?.[file];
    const url = expected?.url ?? options.url;
    const result = await checkFile(full, file, url);
    const page: PageReport = expected ? { result, expected, problems: compare(result, expected) } : { result, problems: [] };
    pages.push(page);
    options.onPage?.(page);
  }
  const present = new Set(files);
  const missingFiles = expectations ? Object.keys(expectations).filter((file) => !present.has(file)).sort() : [];
  const noEntry = expectations ? files.filter((file) => !(file in expectations)) : [];
  const expectationProblems = options.expectationProblems ?? [];
  const failed = pages.filter((p) => p.problems.length).length + missingFiles.length + (expectationProblems.length ? 1 : 0);
  return { pages, noEntry, missingFiles, expectationProblems, failed, ms: performance.now() - started };
}

// ---------------------------------------------------------------------------------------------
// Plain-text output

const LABEL = 16;
const WIDTH = 100;

/** `label` padded, then `text` wrapped at commas so long author lists stay aligned. */
function field(label: string, text: string): string {
  const indent = ' '.repeat(2 + LABEL);
  const lines: string[] = [];
  let line = '';
  for (const part of text.split(/(?<=, )/)) {
    if (line && indent.length + line.length + part.length > WIDTH) {
      lines.push(line.trimEnd());
      line = '';
    }
    line += part;
  }
  lines.push(line.trimEnd());
  return lines.map((l, i) => (i === 0 ? `  ${label.padEnd(LABEL)}${l}` : `${indent}${l}`)).join('\n');
}

const platformName = (platform: string | null): string =>
  platform ? (PLATFORM_LABELS as Record<string, string>)[platform] ?? platform : '—';

/** The block printed for one page. */
export function formatPage(page: PageReport): string {
  const { result: r, expected, problems } = page;
  const out = [r.file];
  if (r.status === 'unreadable' || r.status === 'no-url' || r.status === 'bad-url') {
    out.push(field('Not checked', r.message ?? r.status));
  } else {
    out.push(field('URL', `${r.url}${r.urlSource && r.urlSource !== 'expectations' ? `  (from the ${r.urlSource})` : ''}`));
    if (r.status === 'unsupported') {
      out.push(field('Site', r.message ?? 'not supported'));
    } else {
      out.push(field('Site', platformName(r.platform) + (r.siteBy === 'page' ? ' (recognised from the page)' : '')));
      out.push(field('Profile (URL)', r.urlOwner ?? 'none — this address names nobody'));
      const dom =
        r.domOwner === undefined
          ? 'not checked (no page check for this site)'
          : r.domOwner === null
            ? r.urlOwner
              ? 'not confirmed by the page'
              : 'none'
            : r.domOwner.keys.join(', ') + (r.domOwner.name ? `  "${r.domOwner.name}"` : '');
      out.push(field('Profile (page)', dom));
      // Bare handles on the page's own site (`kikobeats`, not `x:kikobeats`), with link counts.
      const bare = (key: string) => (r.platform && key.startsWith(`${r.platform}:`) ? key.slice(r.platform.length + 1) : key);
      const authors = !r.hasAuthorLinks
        ? 'not checked (no author finder for this site)'
        : r.authors.length
          ? r.authors.map((a) => (a.count > 1 ? `${bare(a.key)} ×${a.count}` : bare(a.key))).join(', ')
          : 'none found';
      out.push(field(`Authors (${r.authors.length})`, authors));
      if (r.probesChecked.length) {
        out.push(
          field(
            'Empty probes',
            r.probesEmpty.length ? r.probesEmpty.map((p) => `${p.name} (${p.selector})`).join(', ') : 'none',
          ),
        );
      }
      for (const error of r.errors) out.push(field('Error', error));
    }
  }
  out.push(field('Time', `${Math.round(r.ms)} ms`));
  if (expected) {
    if (problems.length) {
      out.push(field('Result', 'FAIL'));
      for (const problem of problems) out.push(field('', `- ${problem}`));
      if (expected.note) out.push(field('Note', expected.note));
    } else out.push(field('Result', 'pass'));
  }
  return out.join('\n');
}

/** The closing lines: warnings, failures outside pages, and the one-line summary. */
export function formatSummary(report: RunReport, withExpectations: boolean): string {
  const out: string[] = [];
  for (const problem of report.expectationProblems) out.push(`Expectations file: ${problem}`);
  for (const file of report.missingFiles) out.push(`FAIL  ${file}: listed in the expectations but the file is missing`);
  for (const file of report.noEntry) out.push(`warning  ${file}: no entry in the expectations (checked, not compared)`);
  const n = report.pages.length;
  const count = (status: PageStatus) => report.pages.filter((p) => p.result.status === status).length;
  const recognised = report.pages.filter((p) => p.result.status === 'checked').length;
  const parts = [`${n} page${n === 1 ? '' : 's'}`, `${recognised} on supported sites`];
  const unsupported = count('unsupported');
  const unknown = count('no-url') + count('bad-url');
  const unreadable = count('unreadable');
  if (unsupported) parts.push(`${unsupported} not supported`);
  if (unknown) parts.push(`${unknown} without a URL`);
  if (unreadable) parts.push(`${unreadable} unreadable`);
  if (withExpectations) {
    const failedPages = report.pages.filter((p) => p.problems.length).length;
    const passed = report.pages.filter((p) => p.expected && !p.problems.length).length;
    parts.push(`${passed} passed`, `${failedPages + report.missingFiles.length} failed`);
    if (report.noEntry.length) parts.push(`${report.noEntry.length} without expectations`);
  }
  out.push(`${report.failed ? 'FAILED' : withExpectations ? 'OK' : 'Done'}: ${parts.join(', ')} (${(report.ms / 1000).toFixed(1)} s)`);
  return out.join('\n');
}

/** The whole report as printed by `npm run check:pages`. */
export function formatReport(report: RunReport, withExpectations: boolean): string {
  return [...report.pages.map(formatPage), formatSummary(report, withExpectations)].join('\n\n');
}

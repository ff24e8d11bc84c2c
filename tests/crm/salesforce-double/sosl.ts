// SOSL for name search (§3.2): FIND {term} [IN NAME|ALL FIELDS] RETURNING Object(fields [WHERE …]
// [ORDER BY …] [LIMIT n]) [LIMIT n]. The RETURNING clause is checked by the SOQL code, so field
// rules are the same. The term: reserved characters must be backslash-escaped, words are ANDed,
// `*` at the end of a word is a prefix wildcard. GUESS: real SOSL tokenises and stems; whole-word
// matching is the part Kindred relies on.
import type { SfData } from './data';
import { runQuery, type SfRecord } from './query';
import { objectNamed } from './schema';
import { parseSoql, SoqlError } from './soql';

const RESERVED = '?&|!{}[]()^~*:\\"\'+-';
const NAME_FIELDS: Record<string, string[]> = { Contact: ['Name', 'FirstName', 'LastName'], Account: ['Name'], User: ['Name'] };

export function runSosl(data: SfData, text: string, viewer: { canReadGifts: boolean }, version: string): SfRecord[] {
  const found = /^\s*FIND\s*\{/i.exec(text);
  if (!found) throw new SoqlError('MALFORMED_SEARCH', 'No search term found. The search term must be enclosed in braces.');
  let i = found[0].length;
  const words: { text: string; prefix: boolean }[] = [];
  let word = '';
  let prefix = false;
  const flush = () => {
    if (word) words.push({ text: word.toLowerCase(), prefix });
    word = '';
    prefix = false;
  };
  for (;; i++) {
    const c = text[i];
    if (c === undefined) throw new SoqlError('MALFORMED_SEARCH', 'No search term found. The search term must be enclosed in braces.');
    if (c === '}') break;
    if (c === '\\') {
      const next = text[++i];
      if (next === undefined || !RESERVED.includes(next)) throw new SoqlError('MALFORMED_SEARCH', `Invalid escape sequence in search term: \\${next ?? ''}`);
      word += next;
    } else if (c === '*') {
      if (!word) throw new SoqlError('MALFORMED_SEARCH', 'A wildcard cannot start a search term.');
      prefix = true;
    } else if (/\s/.test(c)) flush();
    else if (RESERVED.includes(c)) throw new SoqlError('MALFORMED_SEARCH', `line 1:${i} mismatched character '${c}': reserved characters must be escaped`);
    else word += c;
  }
  flush();
  // Punctuation inside a word separates tokens, in the term as in the text.
  words.splice(0, words.length, ...words.flatMap((w) => {
    const parts = w.text.split(/[^\p{L}\p{N}@]+/u).filter(Boolean);
    return parts.map((text, i) => ({ text, prefix: w.prefix && i === parts.length - 1 }));
  }));
  if (!words.length || words.every((w) => w.text.length < 2)) throw new SoqlError('INVALID_SEARCH', 'search term must be longer than one character');

  const rest = text.slice(i + 1);
  const tail = /^\s*(?:IN\s+(NAME|ALL)\s+FIELDS\s+)?RETURNING\s+(\w+)\s*\(([^]*)\)\s*(?:LIMIT\s+(\d+))?\s*$/i.exec(rest);
  if (!tail) throw new SoqlError('MALFORMED_SEARCH', `unexpected token after the search term: '${rest.trim().slice(0, 40)}'`);
  const [, , objectName = '', inner = '', globalLimit] = tail;
  const object = objectNamed(objectName);
  const nameFields = object && NAME_FIELDS[object.name];
  if (!object || !nameFields) throw new SoqlError('INVALID_TYPE', `sObject type '${objectName}' is not supported in SOSL here.`);
  const split = /^([^]*?)(\s+(?:WHERE|ORDER\s+BY|LIMIT)\b[^]*)?$/i.exec(inner)!;
  const soql = `SELECT ${split[1]} FROM ${object.name}${split[2] ?? ''}`;
  const query = parseSoql(soql);
  const limit = query.limit;
  query.limit = null;
  // The FIND term is applied to the name fields; the rest is the SOQL rules of RETURNING.
  const hits = new Set(
    data
      .rows(object.name)
      .filter((row) => {
        const tokens = nameFields.flatMap((f) => String(row[f] ?? '').toLowerCase().split(/[\s,.'-]+/)).filter(Boolean);
        return words.every((w) => tokens.some((t) => (w.prefix ? t.startsWith(w.text) : t === w.text)));
      })
      .map((row) => row.Id),
  );
  const max = Math.min(limit ?? Infinity, globalLimit ? Number(globalLimit) : Infinity, 2000);
  return runQuery(data, query, viewer, { all: false, version })
    .filter((r) => hits.has(String(r.attributes.url.split('/').pop())))
    .slice(0, max);
}

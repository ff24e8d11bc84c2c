// A SOQL parser for the subset Kindred sends: SELECT fields FROM object [WHERE …] [ORDER BY …]
// [LIMIT n] [OFFSET n]. Strict where Salesforce is strict (§3.2): single-quoted strings with
// backslash escapes only, unquoted date/datetime literals with a zone, AND and OR never mixed
// without parentheses. Anything else is MALFORMED_QUERY, as on a real org.

export class SoqlError extends Error {
  constructor(
    readonly errorCode: string,
    message: string,
  ) {
    super(message);
  }
}

export type Literal =
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'null' }
  | { kind: 'date'; value: string }
  | { kind: 'datetime'; value: number; text: string };

export type Condition =
  | { kind: 'and'; items: Condition[] }
  | { kind: 'or'; items: Condition[] }
  | { kind: 'not'; item: Condition }
  | { kind: 'compare'; field: string; op: '=' | '!=' | '<' | '<=' | '>' | '>='; value: Literal }
  | { kind: 'in'; field: string; negated: boolean; values: Literal[] }
  | { kind: 'like'; field: string; pattern: string };

export interface OrderItem {
  field: string;
  descending: boolean;
  nullsLast: boolean;
}

export interface SoqlQuery {
  fields: string[];
  object: string;
  where: Condition | null;
  orderBy: OrderItem[];
  limit: number | null;
  offset: number | null;
}

type Token =
  | { kind: 'word'; text: string; at: number }
  | { kind: 'string'; value: string; at: number }
  | { kind: 'literal'; value: Literal; at: number }
  | { kind: 'punct'; text: string; at: number };

/** GUESS: the documented forms only (no fractional seconds); `hh:mm:ss` then `Z` or `±hh:mm`. */
const DATETIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(Z|[+-]\d{2}:\d{2})(?![\w.:])/;
const DATE = /^\d{4}-\d{2}-\d{2}(?![\dT])/;
/** SOQL's escape sequences (Apex/SOQL reference "Quoted String Escape Sequences"). */
const ESCAPES: Record<string, string> = { n: '\n', N: '\n', r: '\r', R: '\r', t: '\t', T: '\t', b: '\b', B: '\b', f: '\f', F: '\f', '"': '"', "'": "'", '\\': '\\' };

/** In LIKE, `\%` and `\_` stay escaped (a literal % or _); elsewhere they are an error. */
function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "'") {
      let value = '';
      let j = i + 1;
      for (;; j++) {
        if (j >= text.length) throw new SoqlError('MALFORMED_QUERY', `Unterminated string literal at column ${i + 1}`);
        const ch = text[j]!;
        if (ch === "'") break;
        if (ch === '\\') {
          const next = text[++j] ?? '';
          if (next === '%' || next === '_') value += `\\${next}`;
          else if (next in ESCAPES) value += ESCAPES[next];
          else throw new SoqlError('MALFORMED_QUERY', `Invalid string literal '${text.slice(i, j + 1)}'. Illegal character sequence '\\${next}' in string literal.`);
        } else value += ch;
      }
      tokens.push({ kind: 'string', value, at: i });
      i = j + 1;
      continue;
    }
    if (c === '"') throw new SoqlError('MALFORMED_QUERY', `unexpected token: '"' at column ${i + 1}`);
    const rest = text.slice(i);
    const dt = DATETIME.exec(rest);
    if (dt) {
      const ms = Date.parse(dt[0]);
      if (Number.isNaN(ms)) throw new SoqlError('MALFORMED_QUERY', `invalid datetime: ${dt[0]}`);
      tokens.push({ kind: 'literal', value: { kind: 'datetime', value: ms, text: dt[0] }, at: i });
      i += dt[0].length;
      continue;
    }
    if (/^\d{4}-\d{2}-\d{2}T/.test(rest)) throw new SoqlError('MALFORMED_QUERY', `line 1:${i} no viable alternative at character '${rest.slice(0, 20)}' (a datetime is YYYY-MM-DDThh:mm:ss with Z or ±hh:mm)`);
    const date = DATE.exec(rest);
    if (date) {
      tokens.push({ kind: 'literal', value: { kind: 'date', value: date[0] }, at: i });
      i += date[0].length;
      continue;
    }
    const num = /^-?\d+(?:\.\d+)?(?![\w.])/.exec(rest);
    if (num) {
      tokens.push({ kind: 'literal', value: { kind: 'number', value: Number(num[0]) }, at: i });
      i += num[0].length;
      continue;
    }
    const word = /^[A-Za-z_][\w]*(?:\.[A-Za-z_][\w]*)*/.exec(rest);
    if (word) {
      tokens.push({ kind: 'word', text: word[0], at: i });
      i += word[0].length;
      continue;
    }
    const punct = /^(?:!=|<>|<=|>=|[=<>(),])/.exec(rest);
    if (punct) {
      tokens.push({ kind: 'punct', text: punct[0] === '<>' ? '!=' : punct[0], at: i });
      i += punct[0].length;
      continue;
    }
    throw new SoqlError('MALFORMED_QUERY', `unexpected token: '${c}' at column ${i + 1}`);
  }
  return tokens;
}

const KEYWORDS = new Set(['select', 'from', 'where', 'and', 'or', 'not', 'in', 'like', 'order', 'by', 'asc', 'desc', 'nulls', 'first', 'last', 'limit', 'offset', 'null', 'true', 'false']);

export function parseSoql(text: string): SoqlQuery {
  const tokens = tokenize(text);
  let pos = 0;
  const peek = () => tokens[pos];
  const isWord = (word: string, t = peek()) => t?.kind === 'word' && t.text.toLowerCase() === word;
  const fail = (expected: string): never => {
    const t = peek();
    const found = !t ? '<EOF>' : t.kind === 'word' || t.kind === 'punct' ? t.text : t.kind === 'string' ? `'${t.value}'` : 'literal';
    throw new SoqlError('MALFORMED_QUERY', `unexpected token: '${found}'${t ? ` at column ${t.at + 1}` : ''} (expected ${expected})`);
  };
  const expectWord = (word: string) => (isWord(word) ? pos++ : fail(word.toUpperCase()));
  const expectPunct = (p: string) => (peek()?.kind === 'punct' && (peek() as { text: string }).text === p ? pos++ : fail(`'${p}'`));
  const fieldName = (): string => {
    const t = peek();
    if (t?.kind !== 'word' || KEYWORDS.has(t.text.toLowerCase())) return fail('a field name');
    pos++;
    return t.text;
  };

  expectWord('select');
  const fields = [fieldName()];
  while (peek()?.kind === 'punct' && (peek() as { text: string }).text === ',') {
    pos++;
    fields.push(fieldName());
  }
  expectWord('from');
  const object = fieldName();
  if (object.includes('.')) throw new SoqlError('MALFORMED_QUERY', `unexpected token: '${object}'`);

  function literal(): Literal {
    const t = peek();
    if (t?.kind === 'string') {
      pos++;
      return { kind: 'string', value: t.value };
    }
    if (t?.kind === 'literal') {
      pos++;
      return t.value;
    }
    if (isWord('null')) return pos++, { kind: 'null' };
    if (isWord('true') || isWord('false')) return { kind: 'boolean', value: (tokens[pos++] as { text: string }).text.toLowerCase() === 'true' };
    return fail('a value');
  }

  function primary(): Condition {
    if (peek()?.kind === 'punct' && (peek() as { text: string }).text === '(') {
      pos++;
      const inner = condition();
      expectPunct(')');
      return inner;
    }
    if (isWord('not')) {
      pos++;
      return { kind: 'not', item: primary() };
    }
    const field = fieldName();
    if (isWord('not') && isWord('in', tokens[pos + 1])) {
      pos += 2;
      return { kind: 'in', field, negated: true, values: list() };
    }
    if (isWord('in')) {
      pos++;
      return { kind: 'in', field, negated: false, values: list() };
    }
    if (isWord('like')) {
      pos++;
      const t = peek();
      if (t?.kind !== 'string') return fail('a quoted pattern');
      pos++;
      return { kind: 'like', field, pattern: t.value };
    }
    const op = peek();
    if (op?.kind !== 'punct' || !['=', '!=', '<', '<=', '>', '>='].includes(op.text)) return fail('an operator');
    pos++;
    return { kind: 'compare', field, op: op.text as '=', value: literal() };
  }

  function list(): Literal[] {
    expectPunct('(');
    const values = [literal()];
    while (peek()?.kind === 'punct' && (peek() as { text: string }).text === ',') {
      pos++;
      values.push(literal());
    }
    expectPunct(')');
    return values;
  }

  function condition(): Condition {
    const first = primary();
    const joiner = isWord('and') ? 'and' : isWord('or') ? 'or' : null;
    if (!joiner) return first;
    const items = [first];
    while (isWord(joiner)) {
      pos++;
      items.push(primary());
    }
    // SOQL refuses `a AND b OR c`: mixing needs parentheses.
    if (isWord(joiner === 'and' ? 'or' : 'and')) fail(`parentheses when mixing AND and OR`);
    return joiner === 'and' ? { kind: 'and', items } : { kind: 'or', items };
  }

  let where: Condition | null = null;
  if (isWord('where')) {
    pos++;
    where = condition();
  }
  const orderBy: OrderItem[] = [];
  if (isWord('order')) {
    pos++;
    expectWord('by');
    for (;;) {
      const field = fieldName();
      let descending = false;
      if (isWord('asc')) pos++;
      else if (isWord('desc')) {
        pos++;
        descending = true;
      }
      let nullsLast = descending;
      if (isWord('nulls')) {
        pos++;
        if (isWord('first')) nullsLast = false;
        else if (isWord('last')) nullsLast = true;
        else fail('FIRST or LAST');
        pos++;
      }
      orderBy.push({ field, descending, nullsLast });
      if (peek()?.kind === 'punct' && (peek() as { text: string }).text === ',') pos++;
      else break;
    }
  }
  const count = (): number => {
    const t = peek();
    if (t?.kind !== 'literal' || t.value.kind !== 'number' || !Number.isInteger(t.value.value) || t.value.value < 0) return fail('a number');
    pos++;
    return t.value.value;
  };
  let limit: number | null = null;
  let offset: number | null = null;
  if (isWord('limit')) {
    pos++;
    limit = count();
  }
  if (isWord('offset')) {
    pos++;
    offset = count();
    if (offset > 2000) throw new SoqlError('NUMBER_OUTSIDE_VALID_RANGE', `Maximum SOQL offset allowed is 2000`);
  }
  if (pos < tokens.length) fail('end of query');
  return { fields, object, where, orderBy, limit, offset };
}

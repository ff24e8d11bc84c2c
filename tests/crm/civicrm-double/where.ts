// Where clauses: `[field, op, value]`, `[field, op, field2, true]`, and `["OR"|"AND"|"NOT", [...]]`
// groups, with the operators of §2.5. Every clause is validated (shape, operator, field) and
// compiled once into a predicate. Text compares like MySQL's utf8mb4_unicode_ci collation (case-
// and accent-insensitive, GUESS §2.5), except option names/labels, which core matches in PHP.
import { fail } from './errors';
import type { FieldSpec } from './schema';
import { coerceOperand, type DataType } from './values';

/**
 * CRM_Core_DAO::acceptedSQLOperators() plus CONTAINS / IS EMPTY / IS NOT EMPTY (CoreUtil::getOperators).
 * REGEXP, NOT REGEXP and NOT CONTAINS are from newer cores (GUESS §2.5); accepted so that a current
 * site's behaviour is not refused. Case matters: core checks with in_array, so `like` is refused.
 */
export const OPERATORS = new Set([
  '=', '<=', '>=', '>', '<', 'LIKE', '<>', '!=', 'NOT LIKE', 'IN', 'NOT IN', 'BETWEEN', 'NOT BETWEEN',
  'IS NULL', 'IS NOT NULL', 'CONTAINS', 'NOT CONTAINS', 'IS EMPTY', 'IS NOT EMPTY', 'REGEXP', 'NOT REGEXP',
]);
const UNARY = new Set(['IS NULL', 'IS NOT NULL', 'IS EMPTY', 'IS NOT EMPTY']);
const GROUPS = new Set(['AND', 'OR', 'NOT']);

/** A resolved field reference inside a clause. */
export interface Operand<T> {
  get(t: T): unknown;
  type: DataType | null;
  field?: FieldSpec;
  suffix?: string | null;
  /** Takes a contact id, so the magic value `user_contact_id` means the authenticated contact. */
  contactRef?: boolean;
}

export interface ClauseOptions<T> {
  /** `where`: value side is a literal unless the 4th element is true. `join`: unquoted strings are fields, `'quoted'` strings literals. */
  mode: 'where' | 'join' | 'having';
  resolve(expr: string): Operand<T>;
  userContactId: number | null;
  /** Receives every field name a clause mentions (for the default-filter rule). */
  mentioned?: Set<string>;
}

const MARKS = /\p{M}/gu;
/** Collation-style folding; the ASCII test keeps the 100,000-row scans cheap. */
export function fold(s: string): string {
  const lower = s.toLowerCase();
  // eslint-disable-next-line no-control-regex
  return /^[\x00-\x7f]*$/.test(lower) ? lower : lower.normalize('NFD').replace(MARKS, '');
}

const norm = (v: unknown, exact: boolean): unknown => (typeof v === 'string' ? (exact ? v : fold(v)) : typeof v === 'boolean' ? Number(v) : v);

/** SQL-ish ordering: numbers and booleans numerically, text by folded value. Nulls are handled by callers. */
export function compareValues(a: unknown, b: unknown, exact = false): number {
  const x = norm(a, exact);
  const y = norm(b, exact);
  if (typeof x === 'number' && typeof y === 'number') return x - y;
  const sx = typeof x === 'string' ? x : JSON.stringify(x);
  const sy = typeof y === 'string' ? y : JSON.stringify(y);
  return sx < sy ? -1 : sx > sy ? 1 : 0;
}

function likeRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\' && i + 1 < pattern.length) re += pattern[++i]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    else if (c === '%') re += '[\\s\\S]*';
    else if (c === '_') re += '[\\s\\S]';
    else re += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

const isNull = (v: unknown) => v === null || v === undefined;
const isEmpty = (v: unknown) => isNull(v) || v === '' || v === 0 || v === false || (Array.isArray(v) && v.length === 0);

export function compileClauses<T>(clauses: unknown, options: ClauseOptions<T>, label = options.mode): (t: T) => boolean {
  if (clauses === undefined || clauses === null) return () => true;
  if (!Array.isArray(clauses)) return fail(`${label} must be an array of clauses, got ${JSON.stringify(clauses)}`);
  const preds = clauses.map((c) => compileClause(c, options, label));
  return (t) => preds.every((p) => p(t));
}

export function compileClause<T>(clause: unknown, options: ClauseOptions<T>, label: string): (t: T) => boolean {
  if (!Array.isArray(clause) || clause.length < 2) return fail(`Invalid clause in ${label}: ${JSON.stringify(clause)} (expected [field, op, value] or ["OR", [...]])`);
  const [head, op] = clause;
  if (typeof head === 'string' && GROUPS.has(head)) {
    if (clause.length !== 2 || !Array.isArray(op)) return fail(`Invalid ${head} group in ${label}: ${JSON.stringify(clause)}`);
    const parts = op.map((c) => compileClause(c, options, label));
    if (head === 'OR') return (t) => parts.some((p) => p(t));
    if (head === 'AND') return (t) => parts.every((p) => p(t));
    return (t) => !parts.every((p) => p(t));
  }
  if (typeof head !== 'string') return fail(`Invalid clause in ${label}: field must be a string, got ${JSON.stringify(clause)}`);
  if (typeof op !== 'string' || !OPERATORS.has(op)) return fail(`Illegal operator ${JSON.stringify(op)} in ${label} clause ${JSON.stringify(clause)}`);
  if (clause.length > 4) return fail(`Invalid clause in ${label}: too many elements in ${JSON.stringify(clause)}`);
  if (!UNARY.has(op) && clause.length < 3) return fail(`Invalid clause in ${label}: operator ${op} needs a value in ${JSON.stringify(clause)}`);

  const left = operandOf(head, options, true);
  options.mentioned?.add(head.split(':')[0]!);
  if (left.field?.filterOnly && op !== 'IN' && op !== 'NOT IN') return fail(`Invalid operator ${op} for filter ${head} (IN / NOT IN only)`);
  if (UNARY.has(op)) {
    const get = left.get;
    if (op === 'IS NULL') return (t) => isNull(get(t));
    if (op === 'IS NOT NULL') return (t) => !isNull(get(t));
    if (op === 'IS EMPTY') return (t) => isEmpty(get(t));
    return (t) => !isEmpty(get(t));
  }

  const raw = clause[2];
  const fieldOnRight = options.mode === 'where' ? clause[3] === true : typeof raw === 'string' && !/^(['"]).*\1$/s.test(raw);
  if (options.mode === 'where' && clause.length === 4 && typeof clause[3] !== 'boolean') return fail(`Invalid clause in ${label}: 4th element must be a boolean in ${JSON.stringify(clause)}`);
  let right: (t: T) => unknown;
  let constant: unknown;
  let isConstant = false;
  if (fieldOnRight) {
    if (typeof raw !== 'string') return fail(`Invalid clause in ${label}: ${JSON.stringify(raw)} is not a field`);
    right = operandOf(raw, options, false).get;
    if (options.mode === 'where') options.mentioned?.add(raw.split(':')[0]!);
  } else {
    const literal = typeof raw === 'string' && options.mode === 'join' ? raw.slice(1, -1) : raw;
    constant = coerceLiteral(literal, op, left, options, clause);
    isConstant = true;
    right = () => constant;
  }
  return compileTest(op, left, right, isConstant ? constant : undefined, isConstant, clause, label);
}

function operandOf<T>(expr: string, options: ClauseOptions<T>, isLeft: boolean): Operand<T> {
  if (options.mode === 'join' && isLeft && /^(['"]).*\1$/s.test(expr)) {
    const v = expr.slice(1, -1);
    return { get: () => v, type: 'String' };
  }
  return options.resolve(expr);
}

function coerceLiteral<T>(value: unknown, op: string, left: Operand<T>, options: ClauseOptions<T>, clause: unknown[]): unknown {
  const one = (v: unknown): unknown => {
    if (v === 'user_contact_id' && left.contactRef) return options.userContactId;
    if (left.suffix) return v === null || v === undefined ? null : String(v);
    if (left.type === 'String' || left.type === 'Text') return typeof v === 'number' ? String(v) : v;
    if (left.type === 'Array' && left.field?.fk === 'Contact') return v === 'user_contact_id' ? options.userContactId : v;
    return left.type ? coerceOperand(left.type, v) : v;
  };
  if (op === 'IN' || op === 'NOT IN') {
    if (!Array.isArray(value)) return fail(`Operator ${op} needs an array value in ${JSON.stringify(clause)}`);
    return value.map(one);
  }
  if (op === 'BETWEEN' || op === 'NOT BETWEEN') {
    if (!Array.isArray(value) || value.length !== 2) return fail(`Operator ${op} needs [min, max] in ${JSON.stringify(clause)}`);
    return value.map(one);
  }
  if (Array.isArray(value) || (value !== null && typeof value === 'object')) return fail(`Operator ${op} needs a scalar value in ${JSON.stringify(clause)}`);
  if (op === 'LIKE' || op === 'NOT LIKE' || op === 'REGEXP' || op === 'NOT REGEXP') return value === null ? null : String(value);
  return one(value);
}

function compileTest<T>(op: string, left: Operand<T>, right: (t: T) => unknown, constant: unknown, isConstant: boolean, clause: unknown[], label: string): (t: T) => boolean {
  const get = left.get;
  // Option names compare exactly (core matches them in PHP); so do numbers, booleans and dates,
  // which skips the collation folding on the hot 100,000-row scans (modified_date >= …).
  const exact = Boolean(left.suffix) || (left.type !== null && left.type !== 'String' && left.type !== 'Text');
  const eq = (a: unknown, b: unknown) => !isNull(a) && !isNull(b) && compareValues(a, b, exact) === 0;
  const anyOf = (a: unknown, pred: (x: unknown) => boolean) => (Array.isArray(a) ? a.some(pred) : pred(a));
  switch (op) {
    case '=':
      return (t) => {
        const b = right(t);
        return anyOf(get(t), (a) => eq(a, b));
      };
    case '!=':
    case '<>':
      return (t) => {
        const a = get(t);
        const b = right(t);
        return !isNull(a) && !isNull(b) && !anyOf(a, (x) => eq(x, b));
      };
    case '<':
    case '>':
    case '<=':
    case '>=': {
      const ok = op === '<' ? (c: number) => c < 0 : op === '>' ? (c: number) => c > 0 : op === '<=' ? (c: number) => c <= 0 : (c: number) => c >= 0;
      return (t) => {
        const a = get(t);
        const b = right(t);
        return !isNull(a) && !isNull(b) && ok(compareValues(a, b, exact));
      };
    }
    case 'LIKE':
    case 'NOT LIKE': {
      const neg = op === 'NOT LIKE';
      const fixed = isConstant && typeof constant === 'string' ? likeRegExp(fold(constant)) : null;
      return (t) => {
        const a = get(t);
        if (isNull(a)) return false;
        const re = fixed ?? likeRegExp(fold(String(right(t) ?? '')));
        return anyOf(a, (x) => re.test(fold(String(x)))) !== neg;
      };
    }
    case 'IN':
    case 'NOT IN': {
      const neg = op === 'NOT IN';
      const set = new Set((constant as unknown[]).filter((v) => !isNull(v)).map((v) => norm(v, exact)));
      return (t) => {
        const a = get(t);
        if (isNull(a)) return false;
        const hit = Array.isArray(a) ? a.some((x) => set.has(norm(x, exact))) : set.has(norm(a, exact));
        return hit !== neg;
      };
    }
    case 'BETWEEN':
    case 'NOT BETWEEN': {
      const neg = op === 'NOT BETWEEN';
      const [lo, hi] = constant as [unknown, unknown];
      return (t) => {
        const a = get(t);
        if (isNull(a) || isNull(lo) || isNull(hi)) return false;
        return (compareValues(a, lo, exact) >= 0 && compareValues(a, hi, exact) <= 0) !== neg;
      };
    }
    case 'CONTAINS':
    case 'NOT CONTAINS': {
      const neg = op === 'NOT CONTAINS';
      return (t) => {
        const a = get(t);
        const b = right(t);
        if (isNull(a) || isNull(b)) return false;
        const hit = Array.isArray(a) ? a.some((x) => eq(x, b)) : fold(String(a)).includes(fold(String(b)));
        return hit !== neg;
      };
    }
    case 'REGEXP':
    case 'NOT REGEXP': {
      const neg = op === 'NOT REGEXP';
      let fixed: RegExp | null = null;
      if (isConstant) {
        try {
          fixed = new RegExp(String(constant), 'i');
        } catch {
          return fail(`Invalid regular expression in ${label} clause ${JSON.stringify(clause)}`);
        }
      }
      return (t) => {
        const a = get(t);
        if (isNull(a)) return false;
        return (fixed ?? new RegExp(String(right(t)), 'i')).test(String(a)) !== neg;
      };
    }
    default:
      return fail(`Illegal operator ${op}`);
  }
}

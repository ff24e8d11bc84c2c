// Field data types and the coercions CiviCRM applies on the way in (FormattingUtil::formatInputValue)
// and the shapes it sends back: ints as numbers, booleans as true/false, money as numbers, and
// timestamps as `YYYY-MM-DD HH:MM:SS` with no zone (the double's server time is UTC).
import { fail } from './errors';

export type DataType = 'Integer' | 'String' | 'Text' | 'Boolean' | 'Timestamp' | 'Datetime' | 'Date' | 'Money' | 'Array';

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** MySQL DATETIME/TIMESTAMP text in UTC. Hand-rolled because the bulk seed calls it 100,000 times. */
export function formatDateTime(d: Date): string {
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const SQL_DATETIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?$/;
const COMPACT = /^(\d{4})(\d{2})(\d{2})(\d{2})?(\d{2})?(\d{2})?$/;

/**
 * Normalises a date input the way strtotime() + date('Y-m-d H:i:s') would: zone-less text is taken
 * as server time; an ISO string with a zone is converted to the server's zone (UTC). Returns null
 * when the text is not a date.
 */
export function parseDateInput(value: unknown, type: DataType): string | null {
  if (typeof value !== 'string' && typeof value !== 'number') return null;
  const text = String(value).trim();
  let out: string | null = null;
  if (text.toLowerCase() === 'now') out = formatDateTime(new Date());
  else if (DATE_ONLY.test(text)) out = `${text} 00:00:00`;
  else {
    const m = SQL_DATETIME.exec(text);
    if (m) out = `${m[1]}-${m[2]}-${m[3]} ${m[4]}:${m[5]}:${m[6] ?? '00'}`;
    else {
      const c = COMPACT.exec(text);
      if (c) out = `${c[1]}-${c[2]}-${c[3]} ${c[4] ?? '00'}:${c[5] ?? '00'}:${c[6] ?? '00'}`;
      else if (/[zZ]$|[+-]\d{2}:?\d{2}$/.test(text) && !Number.isNaN(Date.parse(text))) out = formatDateTime(new Date(text));
    }
  }
  if (out === null) return null;
  return type === 'Date' ? out.slice(0, 10) : out;
}

export function toBoolean(value: unknown): boolean | null {
  if (value === true || value === 1 || value === '1' || value === 'true') return true;
  if (value === false || value === 0 || value === '0' || value === 'false' || value === '') return false;
  return null;
}

/**
 * Coerces one input value for a field of `type`; throws the 500 a real site gives for a value the
 * database cannot take. `null` stays null (clearing a field is allowed).
 */
export function coerceValue(type: DataType, value: unknown, field: string): unknown {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'Integer': {
      if (typeof value === 'number' && Number.isInteger(value)) return value;
      if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) return Number(value.trim());
      if (typeof value === 'boolean') return value ? 1 : 0;
      return fail(`'${JSON.stringify(value)}' is not a valid integer for field ${field}`);
    }
    case 'Money': {
      const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
      if (!Number.isFinite(n)) return fail(`'${JSON.stringify(value)}' is not a valid amount for field ${field}`);
      return Math.round(n * 100) / 100;
    }
    case 'Boolean': {
      const b = toBoolean(value);
      return b === null ? fail(`'${JSON.stringify(value)}' is not a valid boolean for field ${field}`) : b;
    }
    case 'Timestamp':
    case 'Datetime':
    case 'Date': {
      const d = parseDateInput(value, type);
      return d === null ? fail(`'${JSON.stringify(value)}' is not a valid date for field ${field}`) : d;
    }
    case 'Array':
      return Array.isArray(value) ? value : [value];
    case 'String':
    case 'Text':
      if (typeof value === 'object') return fail(`field ${field} takes text, got ${JSON.stringify(value)}`);
      return String(value);
  }
}

/**
 * Where-clause operand coercion: like coerceValue, but a value the type cannot hold is left as it
 * is (MySQL would compare it and match nothing) instead of failing.
 */
export function coerceOperand(type: DataType, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'Integer':
    case 'Money':
      if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
      if (typeof value === 'boolean') return value ? 1 : 0;
      return value;
    case 'Boolean':
      return toBoolean(value) ?? value;
    case 'Timestamp':
    case 'Datetime':
    case 'Date':
      return parseDateInput(value, type) ?? value;
    default:
      return value;
  }
}

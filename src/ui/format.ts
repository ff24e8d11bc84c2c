// Display formatting, in the user's locale.
import type { Giving } from '../store/model';

export function money(amount: number | null, currency: string | null): string | null {
  if (amount === null) return null;
  try {
    return new Intl.NumberFormat(undefined, {
      style: currency ? 'currency' : 'decimal',
      currency: currency ?? undefined,
      minimumFractionDigits: 2,
      maximumFractionDigits: 2,
    }).format(amount);
  } catch {
    return amount.toFixed(2);
  }
}

export function dateOnly(iso: string | null): string | null {
  if (!iso) return null;
  const date = new Date(iso.length === 10 ? `${iso}T12:00:00` : iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleDateString(undefined, { day: 'numeric', month: 'short', year: 'numeric' });
}

export function dateTime(iso: string): string {
  const date = new Date(iso);
  return date.toLocaleString(undefined, { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' });
}

const relativeFormat = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
const units: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600], ['month', 30 * 24 * 3600], ['week', 7 * 24 * 3600],
  ['day', 24 * 3600], ['hour', 3600], ['minute', 60],
];

export function relative(iso: string, now = Date.now()): string {
  const seconds = (new Date(iso).getTime() - now) / 1000;
  for (const [unit, size] of units) {
    if (Math.abs(seconds) >= size) return relativeFormat.format(Math.round(seconds / size), unit);
  }
  return 'just now';
}

export interface GivingLine {
  label: string;
  value: string;
  /** Secondary detail, e.g. the date of the last gift. */
  note?: string;
}

export function givingLines(giving: Giving | null): GivingLine[] {
  // A CRM that knows someone gave nothing says "0": that reads as "no giving recorded", not "0.00".
  if (!giving || (!giving.lifetime && giving.lastGiftAmount === null && !giving.lastGiftDate)) return [];
  const lines: GivingLine[] = [];
  const lifetime = money(giving.lifetime, giving.currency);
  if (lifetime) lines.push({ label: 'Lifetime', value: lifetime });
  const last = money(giving.lastGiftAmount, giving.currency);
  if (last) lines.push({ label: 'Last gift', value: last, ...(giving.lastGiftDate ? { note: dateOnly(giving.lastGiftDate)! } : {}) });
  else if (giving.lastGiftDate) lines.push({ label: 'Last gift', value: dateOnly(giving.lastGiftDate)! });
  const largest = money(giving.largestGift, giving.currency);
  if (largest) lines.push({ label: 'Largest', value: largest });
  return lines;
}

export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const letters = words.length > 1 ? [words[0]![0], words[words.length - 1]![0]] : [words[0]?.[0]];
  return letters.filter(Boolean).join('').toUpperCase();
}

/** `YYYY-MM-DDTHH:mm` in local time, the value format of `<input type="datetime-local">`. */
export function localDateTimeValue(date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

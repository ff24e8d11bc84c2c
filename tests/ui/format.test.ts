import { describe, expect, it } from 'vitest';
import { givingLines } from '../../src/ui/format';

const none = { lifetime: null, lastGiftAmount: null, lastGiftDate: null, largestGift: null, currency: null };

describe('givingLines', () => {
  it('shows nothing for no giving data and for a CRM that says the person gave 0', () => {
    expect(givingLines(null)).toEqual([]);
    expect(givingLines(none)).toEqual([]);
    expect(givingLines({ ...none, lifetime: 0 })).toEqual([]);
  });

  it('shows lifetime, last gift with its date and largest', () => {
    const lines = givingLines({ lifetime: 300, lastGiftAmount: 50, lastGiftDate: '2026-10-02', largestGift: 250, currency: 'USD' });
    expect(lines.map((l) => l.label)).toEqual(['Lifetime', 'Last gift', 'Largest']);
    expect(lines[1]!.note).toMatch(/2026/);
  });
});

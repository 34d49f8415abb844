import { describe, expect, it } from 'vitest';
import { iso } from './rows';

describe('iso', () => {
  it('writes every UTC text PostgreSQL gives exactly as Date#toISOString does', () => {
    const fractions = ['', '.7', '.72', '.719', '.7193', '.719352', '.999999', '.000001'];
    const offsets = ['+00', '+00:00', 'Z'];
    const stamps = ['2026-12-04 18:40:14', '2026-12-04T18:40:14', '2024-02-29T23:59:59', '1970-01-01T00:00:00', '0999-01-01T00:00:00', '9999-12-31T23:59:59'];
    let checked = 0;
    for (const stamp of stamps)
      for (const fraction of fractions)
        for (const offset of offsets) {
          const text = `${stamp}${fraction}${offset}`;
          // Date reads neither the space nor an offset without minutes, which PostgreSQL's text writes.
          expect(iso(text), text).toBe(new Date(text.replace(' ', 'T').replace(/\+00$/, '+00:00')).toISOString());
          checked += 1;
        }
    expect(checked).toBe(stamps.length * fractions.length * offsets.length);
  });

  it('reads other offsets and Dates through Date', () => {
    expect(iso('2026-12-04T18:40:14.5+01:00')).toBe('2026-12-04T17:40:14.500Z');
    expect(iso('2026-12-04 18:40:14-05')).toBe('2026-12-04T23:40:14.000Z');
    expect(iso(new Date(Date.UTC(2026, 11, 4, 18, 40, 14, 7)))).toBe('2026-12-04T18:40:14.007Z');
  });
});

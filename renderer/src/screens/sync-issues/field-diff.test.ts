import { describe, expect, it } from 'vitest';
import { fieldDiff, formatDiffValue, sameValue, subjectOf } from './field-diff';

const base = { id: 'u1', orgId: 'o1', version: 3, updatedAt: 'x', firstName: 'Olivia', lastName: 'García', status: 'active', roleIds: ['r1'] };

describe('base, mine and theirs, field by field', () => {
  it('shows the fields either side changed and marks real conflicts', () => {
    const mine = { orgId: 'o1', userId: 'u1', version: 3, firstName: 'Liv' };
    const theirs = { ...base, version: 4, firstName: 'Olive', roleIds: ['r1', 'r2'] };
    const rows = fieldDiff(base, mine, theirs);
    expect(rows.map((row) => [row.label, row.base, row.mine, row.theirs, row.mineChanged, row.theirsChanged, row.conflict])).toEqual([
      ['First name', 'Olivia', 'Liv', 'Olive', true, true, true],
      ['Roles', ['r1'], ['r1'], ['r1', 'r2'], false, true, false],
    ]);
  });

  it('treats command args as a partial row: fields mine does not name are unchanged', () => {
    const rows = fieldDiff(base, { userId: 'u1', status: 'deactivated' }, base);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ field: 'status', mine: 'deactivated', theirs: 'active', mineChanged: true, theirsChanged: false, conflict: false });
  });

  it('is not a conflict when both sides made the same change', () => {
    const rows = fieldDiff(base, { ...base, lastName: 'Garcia' }, { ...base, lastName: 'Garcia' });
    expect(rows[0]).toMatchObject({ field: 'lastName', conflict: false, mineChanged: true, theirsChanged: true });
  });

  it('handles a row the service removed and a row created offline', () => {
    const removed = fieldDiff(base, { ...base, firstName: 'Liv' }, null);
    expect(removed).toEqual([expect.objectContaining({ field: 'firstName', theirs: null, theirsChanged: false })]);
    const created = fieldDiff(null, { email: 'ann@example.com', firstName: 'Ann' }, null, { all: true });
    expect(created.map((row) => row.field)).toEqual(['email', 'firstName']);
  });

  it('lists every field on request, without bookkeeping fields', () => {
    expect(fieldDiff(base, {}, base, { all: true }).map((row) => row.field)).toEqual(['firstName', 'lastName', 'status', 'roleIds']);
  });

  it('compares JSON values structurally', () => {
    expect(sameValue({ a: 1, b: [1, { c: null }] }, { b: [1, { c: null }], a: 1 })).toBe(true);
    expect(sameValue([1, 2], [2, 1])).toBe(false);
    expect(sameValue(null, undefined)).toBe(true);
    expect(sameValue({ a: 1 }, { a: 1, b: 2 })).toBe(false);
  });

  it('formats values for people, role ids as names', () => {
    const names = (id: string) => ({ r1: 'Member', r2: 'Billing' })[id];
    expect(formatDiffValue(['r1', 'r2'], names)).toBe('Member, Billing');
    expect(formatDiffValue([])).toBe('None');
    expect(formatDiffValue(null)).toBe('—');
    expect(formatDiffValue(true)).toBe('Yes');
    expect(formatDiffValue('cancel_scheduled')).toBe('Cancel scheduled');
    expect(formatDiffValue('ann@example.com')).toBe('ann@example.com');
    expect(formatDiffValue({ line1: 'Main 1', line2: null, city: 'Utrecht', country: 'NL' })).toBe('Main 1, Utrecht, NL');
  });

  it('names what the issue is about', () => {
    expect(subjectOf(null, { firstName: 'Ann', lastName: 'Smit', email: 'a@x.com' })).toBe('Ann Smit');
    expect(subjectOf({ product: 'Backup 365' })).toBe('Backup 365');
    expect(subjectOf({ orgId: 'o1' }, null)).toBeNull();
  });
});

describe('mine as the core records it', () => {
  it('compares the row my command made, not its args wrapper', () => {
    const base = { firstName: 'Jan', version: 3 };
    const mine = { args: { userId: 'u1', version: 3, firstName: 'Minerva' }, row: { firstName: 'Minerva', version: 4 } };
    const theirs = { firstName: 'Theodora', version: 4 };
    const first = fieldDiff(base, mine, theirs).find((row) => row.field === 'firstName');
    expect(first).toMatchObject({ base: 'Jan', mine: 'Minerva', theirs: 'Theodora', conflict: true });
  });
});

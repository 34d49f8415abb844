import { describe, expect, it } from 'vitest';
import { bulkSummary } from './bulk-report';
import { adminRolesOf, listFilters, nextIndex, pagesFor, rangeIds, roleNamesOf, toggled } from './user-logic';
import { sortRoles } from './RoleChecklist';

const roles = new Map([
  ['r-admin', { id: 'r-admin', name: 'Admins (renamed)', builtInKey: 'administrator' as const }],
  ['r-owner', { id: 'r-owner', name: 'Owner', builtInKey: 'owner' as const }],
  ['r-member', { id: 'r-member', name: 'Member', builtInKey: 'member' as const }],
  ['r-custom', { id: 'r-custom', name: 'Helpdesk', builtInKey: null }],
]);

describe('users screen logic', () => {
  it('finds the Administrator and Owner roles by their built-in key, not their name', () => {
    expect(adminRolesOf({ roleIds: ['r-member', 'r-admin'] }, roles).map((role) => role.name)).toEqual(['Admins (renamed)']);
    expect(adminRolesOf({ roleIds: ['r-custom', 'gone'] }, roles)).toEqual([]);
    expect(roleNamesOf({ roleIds: ['r-custom', 'gone', 'r-owner'] }, roles)).toEqual(['Helpdesk', 'Owner']);
  });

  it('orders roles as the catalogue does, custom ones last by name', () => {
    expect(sortRoles([...roles.values()]).map((role) => role.name)).toEqual(['Owner', 'Admins (renamed)', 'Member', 'Helpdesk']);
  });

  it('asks only for the pages the visible rows need', () => {
    expect(pagesFor(0, 30, 200)).toEqual([0]);
    expect(pagesFor(190, 230, 200)).toEqual([0, 1]);
    expect(pagesFor(99_950, 99_999, 200)).toEqual([499]);
    expect(pagesFor(5, 1, 200)).toEqual([0]);
  });

  it('moves the active row with the arrow, page and home/end keys, within the rows', () => {
    expect(nextIndex('ArrowDown', 0, 10, 5)).toBe(1);
    expect(nextIndex('ArrowDown', 9, 10, 5)).toBe(9);
    expect(nextIndex('ArrowUp', 0, 10, 5)).toBe(0);
    expect(nextIndex('PageDown', 7, 10, 5)).toBe(9);
    expect(nextIndex('PageUp', 3, 10, 5)).toBe(0);
    expect(nextIndex('End', 0, 100_000, 20)).toBe(99_999);
    expect(nextIndex('Home', 50, 100, 20)).toBe(0);
    expect(nextIndex('Enter', 3, 10, 5)).toBeNull();
    expect(nextIndex('ArrowDown', 0, 0, 5)).toBeNull();
  });

  it('selects ranges in either direction, skipping rows not loaded, and toggles one', () => {
    const ids = ['a', 'b', undefined, 'd'];
    expect(rangeIds(3, 0, (index) => ids[index])).toEqual(['a', 'b', 'd']);
    expect([...toggled(new Set(['a']), 'a')]).toEqual([]);
    expect([...toggled(new Set(['a']), 'b')]).toEqual(['a', 'b']);
    expect([...toggled(new Set(['a']), 'a', true)]).toEqual(['a']);
  });

  it('turns the filter state into users.list filters', () => {
    expect(listFilters({ status: 'all', roleId: 'all', q: '  ', sort: 'name', direction: 'asc' })).toEqual({ sort: 'name', direction: 'asc' });
    expect(listFilters({ status: 'pending', roleId: 'r1', q: ' ann ', sort: 'email', direction: 'desc' })).toEqual({
      sort: 'email',
      direction: 'desc',
      status: 'pending',
      roleId: 'r1',
      q: 'ann',
    });
  });

  it('summarises a bulk action with who was left alone and why', () => {
    expect(bulkSummary(3, { skipped: [] }, 'deactivated')).toEqual({ text: '3 users deactivated.' });
    const summary = bulkSummary(
      5,
      {
        skipped: [
          { id: 'u1', reason: 'Already deactivated.' },
          { id: 'u2', reason: 'Has not accepted the invitation yet: remove the user to revoke the invitation.' },
          { id: 'u3', reason: 'Already deactivated.' },
          { id: 'u4', reason: 'Already deactivated.' },
        ],
      },
      'deactivated',
      (id) => `User ${id}`,
    );
    expect(summary.text).toBe('1 user deactivated.');
    expect(summary.detail).toBe(
      '4 users were left alone. User u1: Already deactivated. User u2: Has not accepted the invitation yet: remove the user to revoke the invitation. User u3: Already deactivated. And 1 more.',
    );
  });
});

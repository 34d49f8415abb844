import { describe, expect, it } from 'vitest';
import { PERMISSIONS } from '@shared/domain/permissions';
import type { RoleRow, UserRow } from '@shared/ipc/models';
import { bulkSummary, refusedEntirely } from './bulk-report';
import { lastAdminRefusalOf, listFilters, nextIndex, pagesFor, rangeIds, roleNamesOf, toggled } from './user-logic';
import { sortRoles } from './RoleChecklist';

const roles = new Map([
  ['r-admin', { id: 'r-admin', name: 'Admins (renamed)', builtInKey: 'administrator' as const }],
  ['r-owner', { id: 'r-owner', name: 'Owner', builtInKey: 'owner' as const }],
  ['r-member', { id: 'r-member', name: 'Member', builtInKey: 'member' as const }],
  ['r-custom', { id: 'r-custom', name: 'Helpdesk', builtInKey: null }],
]);

const AT = '2026-11-01T09:00:00.000Z';
const administrator = { id: 'r-admin', orgId: 'o', version: 1, createdAt: AT, updatedAt: AT, name: 'Administrator', description: '', permissions: [...PERMISSIONS], builtIn: true, builtInKey: 'administrator', memberCount: 1, pending: false } satisfies RoleRow;
const ruben = { id: 'u-ruben', orgId: 'o', version: 4, createdAt: AT, updatedAt: AT, firstName: 'Ruben', lastName: 'Murphy', email: 'admin@wingtip-toys.example', status: 'active', roleIds: ['r-admin'], permissions: [], lastActiveAt: null, orgName: 'Wingtip Toys', pending: false } satisfies UserRow;

describe('users screen logic', () => {
  it('names roles in the order of the role list, leaving unknown ids out', () => {
    expect(roleNamesOf({ roleIds: ['r-custom', 'gone', 'r-owner'] }, roles)).toEqual(['Helpdesk', 'Owner']);
  });

  it('says in the rule’s words, before anything is queued, that the last administrator stays; nothing while the rows load', () => {
    const rows = { roles: [administrator], administrators: [ruben] };
    expect(lastAdminRefusalOf('Wingtip Toys', rows, { kind: 'deactivate', user: ruben })?.message).toBe(
      'Wingtip Toys needs another active Administrator first: give someone the role, then deactivate Ruben Murphy.',
    );
    expect(lastAdminRefusalOf('Wingtip Toys', rows, { kind: 'setRoles', user: ruben, roleIds: [] })?.code).toBe('LAST_ADMIN');
    expect(lastAdminRefusalOf('Wingtip Toys', rows, { kind: 'setRolePermissions', role: administrator, permissions: ['users.view'] })?.code).toBe('LAST_ADMIN');
    expect(lastAdminRefusalOf('Wingtip Toys', null, { kind: 'deactivate', user: ruben })).toBeNull();
    const second = { ...ruben, id: 'u-eva', firstName: 'Eva' };
    expect(lastAdminRefusalOf('Wingtip Toys', { ...rows, administrators: [ruben, second] }, { kind: 'deactivate', user: ruben })).toBeNull();
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

  it('summarises a bulk action with who was left alone and why, in the core’s sentences', () => {
    expect(bulkSummary(3, { skipped: [] }, 'deactivated')).toEqual({ text: '3 users deactivated.' });
    const summary = bulkSummary(
      5,
      {
        skipped: [
          { id: 'u1', reason: 'Ann Smith is already deactivated.' },
          { id: 'u2', reason: 'Bob Jones has not accepted the invitation yet: remove the user to revoke the invitation.' },
          { id: 'u3', reason: 'Cat Lee is already deactivated.' },
          { id: 'u4', reason: 'Dan Wu is already deactivated.' },
        ],
      },
      'deactivated',
    );
    expect(summary.text).toBe('1 user deactivated.');
    expect(summary.detail).toBe(
      '4 users were left alone: Ann Smith is already deactivated. Bob Jones has not accepted the invitation yet: remove the user to revoke the invitation. Cat Lee is already deactivated. Dan Wu is already deactivated.',
    );
  });

  it('keeps a dialog open with the reasons when the core queued nothing, never a success toast', () => {
    const lastAdmin = 'Wingtip Toys needs another active Administrator first: give someone the role, then deactivate Ruben Murphy.';
    expect(refusedEntirely({ mutationIds: [], skipped: [{ id: 'u-ruben', reason: lastAdmin }] })).toBe(lastAdmin);
    expect(refusedEntirely({ mutationIds: [7], skipped: [{ id: 'u-ruben', reason: lastAdmin }] })).toBeNull();
    expect(refusedEntirely({ mutationIds: [], skipped: [] })).toBeNull();
    // Every reason is named, each once, however many.
    const reasons = ['Ann Smith is already deactivated.', 'Bob Jones is already deactivated.', 'Cat Lee is already deactivated.', 'Dan Wu is already deactivated.'];
    const skipped = [...reasons, reasons[0]!].map((reason, index) => ({ id: `u${index}`, reason }));
    expect(refusedEntirely({ mutationIds: [], skipped })).toBe(reasons.join(' '));
  });
});

import { describe, expect, it } from 'vitest';
import {
  adminRoleAssignedRefusal,
  installBuiltInRolesRefusal,
  isOrgAdministrator,
  lastAdminRefusal,
  legacyAdministrators,
  RoleLookup,
  type AdminRuleRole,
  type AdminRuleUser,
} from './administrators';
import { PERMISSIONS } from './permissions';

const wingtip = { name: 'Wingtip Toys' };
const owner: AdminRuleRole = { id: 'R-OWNER', name: 'Owner', permissions: [...PERMISSIONS], builtInKey: 'owner' };
const administrator: AdminRuleRole = { id: 'r-admin', name: 'Administrator', permissions: [...PERMISSIONS], builtInKey: 'administrator' };
const member: AdminRuleRole = { id: 'r-member', name: 'Member', permissions: ['users.view', 'users.invite'], builtInKey: 'member' };
/** A custom role may be called Administrator and hold everything: it is still not the built-in one. */
const lookalike: AdminRuleRole = { id: 'r-custom', name: 'Administrator', permissions: [...PERMISSIONS], builtInKey: null };
const roles = [owner, administrator, member, lookalike];

const ruben: AdminRuleUser = { id: 'u-ruben', firstName: 'Ruben', lastName: 'Murphy', status: 'active', roleIds: ['r-admin', 'r-member'] };
const eva: AdminRuleUser = { id: 'u-eva', firstName: 'Eva', lastName: 'Jansen', status: 'active', roleIds: ['r-member'] };

describe('who administers an organization', () => {
  it('is an active holder of Owner or Administrator that still grants users.manage and roles.manage', () => {
    const lookup = new RoleLookup(roles);
    expect(isOrgAdministrator(ruben, lookup)).toBe(true);
    expect(isOrgAdministrator({ ...ruben, status: 'deactivated' }, lookup)).toBe(false);
    expect(isOrgAdministrator({ ...ruben, status: 'pending' }, lookup)).toBe(false);
    expect(isOrgAdministrator(eva, lookup)).toBe(false);
    expect(isOrgAdministrator({ ...eva, roleIds: ['r-custom'] }, lookup)).toBe(false);
    // Role ids compare case-insensitively (PostgreSQL answers lower case).
    expect(isOrgAdministrator({ ...eva, roleIds: ['r-owner'] }, lookup)).toBe(true);
    const stripped = new RoleLookup([{ ...administrator, permissions: PERMISSIONS.filter((p) => p !== 'roles.manage') }]);
    expect(isOrgAdministrator(ruben, stripped)).toBe(false);
  });
});

describe('lastAdminRefusal (LAST_ADMIN)', () => {
  it('refuses deactivating, removing or untaking the role from the only administrator, naming the organization and the person', () => {
    expect(lastAdminRefusal(wingtip, [ruben, eva], roles, { kind: 'deactivate', user: ruben })).toEqual({
      code: 'LAST_ADMIN',
      message: 'Wingtip Toys needs another active Administrator first: give someone the role, then deactivate Ruben Murphy.',
    });
    expect(lastAdminRefusal(wingtip, [ruben], roles, { kind: 'remove', user: ruben })?.message).toBe(
      'Wingtip Toys needs another active Administrator first: give someone the role, then remove Ruben Murphy.',
    );
    expect(lastAdminRefusal(wingtip, [ruben], roles, { kind: 'setRoles', user: ruben, roleIds: ['r-member'] })?.message).toBe(
      'Wingtip Toys needs another active Administrator first: give someone the role, then take it from Ruben Murphy.',
    );
    // The changed user need not be among the users given.
    expect(lastAdminRefusal(wingtip, [], roles, { kind: 'deactivate', user: ruben })?.code).toBe('LAST_ADMIN');
  });

  it('names every administering role the person holds', () => {
    const both = { ...ruben, roleIds: ['r-owner', 'r-admin'] };
    expect(lastAdminRefusal(wingtip, [both], roles, { kind: 'setRoles', user: both, roleIds: [] })?.message).toBe(
      'Wingtip Toys needs another active Owner or Administrator first: give someone one of these roles, then take them from Ruben Murphy.',
    );
  });

  it('lets the change through when another administrator stays, or the person stays one', () => {
    const lena: AdminRuleUser = { id: 'u-lena', firstName: 'Lena', lastName: 'Berg', status: 'active', roleIds: ['r-owner'] };
    expect(lastAdminRefusal(wingtip, [ruben, lena], roles, { kind: 'deactivate', user: ruben })).toBeNull();
    expect(lastAdminRefusal(wingtip, [ruben], roles, { kind: 'setRoles', user: ruben, roleIds: ['r-owner'] })).toBeNull();
    expect(lastAdminRefusal(wingtip, [ruben], roles, { kind: 'setRoles', user: ruben, roleIds: ['r-admin'] })).toBeNull();
    // Another administrator who is deactivated, or holds only the look-alike custom role, does not count.
    const off = { ...lena, status: 'deactivated' as const };
    const custom = { ...lena, roleIds: ['r-custom'] };
    expect(lastAdminRefusal(wingtip, [ruben, off, custom], roles, { kind: 'deactivate', user: ruben })?.code).toBe('LAST_ADMIN');
    // The same user listed again (the row before the change) is not "another" administrator.
    expect(lastAdminRefusal(wingtip, [{ ...ruben, id: 'U-RUBEN' }], roles, { kind: 'remove', user: ruben })?.code).toBe('LAST_ADMIN');
  });

  it('does not concern a user who administers nothing, nor an organization that has no administrator to lose', () => {
    expect(lastAdminRefusal(wingtip, [ruben, eva], roles, { kind: 'deactivate', user: eva })).toBeNull();
    const legacy = [{ ...lookalike }];
    const legacyAdmin = { ...eva, roleIds: ['r-custom'] };
    expect(lastAdminRefusal(wingtip, [legacyAdmin], legacy, { kind: 'remove', user: legacyAdmin })).toBeNull();
  });

  it('refuses taking users.manage or roles.manage from the Administrator role while nobody holds another administering role', () => {
    const withoutRoles = PERMISSIONS.filter((p) => p !== 'roles.manage');
    expect(lastAdminRefusal(wingtip, [ruben], roles, { kind: 'setRolePermissions', role: administrator, permissions: withoutRoles })).toEqual({
      code: 'LAST_ADMIN',
      message:
        'Wingtip Toys needs another active administrator first: Administrator must keep users.manage and roles.manage while nobody holds another role that grants them.',
    });
    // Other permissions may go; an Owner elsewhere keeps the organization administrable.
    const lena: AdminRuleUser = { id: 'u-lena', firstName: 'Lena', lastName: 'Berg', status: 'active', roleIds: ['r-owner'] };
    expect(lastAdminRefusal(wingtip, [ruben], roles, { kind: 'setRolePermissions', role: administrator, permissions: ['users.manage', 'roles.manage'] })).toBeNull();
    expect(lastAdminRefusal(wingtip, [ruben, lena], roles, { kind: 'setRolePermissions', role: administrator, permissions: [] })).toBeNull();
    expect(lastAdminRefusal(wingtip, [ruben], roles, { kind: 'setRolePermissions', role: member, permissions: [] })).toBeNull();
  });
});

describe('adminRoleAssignedRefusal (ADMIN_ROLE_ASSIGNED)', () => {
  it('refuses deactivating a holder of Owner or Administrator, whatever the role grants, by the built-in key', () => {
    expect(adminRoleAssignedRefusal(ruben, roles)).toEqual({
      code: 'ADMIN_ROLE_ASSIGNED',
      message: 'Ruben Murphy holds the Administrator role: take the role away first, then deactivate Ruben Murphy.',
    });
    const renamed = [{ ...administrator, name: 'IT admins', permissions: [] }, owner];
    expect(adminRoleAssignedRefusal({ ...ruben, roleIds: ['r-owner', 'r-admin'] }, renamed)?.message).toBe(
      'Ruben Murphy holds the Owner and IT admins roles: take the roles away first, then deactivate Ruben Murphy.',
    );
    expect(adminRoleAssignedRefusal({ ...eva, roleIds: ['r-custom', 'r-member'] }, roles)).toBeNull();
  });
});

describe('installing the built-in roles', () => {
  const legacyRoles = [{ id: 'r-all', permissions: [...PERMISSIONS], builtInKey: null }];
  const boss = { status: 'active' as const, roleIds: ['r-all'], permissions: [] };
  const solo = { status: 'active' as const, roleIds: [], permissions: [...PERMISSIONS] };
  const partial = { status: 'active' as const, roleIds: [], permissions: ['users.view' as const] };

  it('finds the legacy administrators: active users holding every permission, through roles or individually', () => {
    expect(legacyAdministrators([boss, solo, partial, { ...boss, status: 'deactivated' as const }], legacyRoles)).toEqual([boss, solo]);
  });

  it('refuses a second install and an install nobody would administer', () => {
    expect(installBuiltInRolesRefusal(wingtip, legacyRoles, [boss])).toBeNull();
    expect(installBuiltInRolesRefusal(wingtip, [...legacyRoles, { id: 'x', permissions: [], builtInKey: 'member' }], [boss])).toEqual({
      code: 'INVALID_TRANSITION',
      message: 'Wingtip Toys already has the built-in roles.',
    });
    expect(installBuiltInRolesRefusal(wingtip, legacyRoles, [partial])?.code).toBe('LAST_ADMIN');
  });
});

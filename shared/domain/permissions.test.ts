import { describe, expect, it } from 'vitest';
import {
  BUILT_IN_ROLES,
  BUILT_IN_ROLES_CUTOFF,
  PERMISSION_AREAS,
  PERMISSION_DESCRIPTIONS,
  PERMISSIONS,
  effectivePermissions,
  permissionListSchema,
  permissionSchema,
  predatesBuiltInRoles,
  type Permission,
} from './permissions';

function builtIn(name: string) {
  const role = BUILT_IN_ROLES.find((candidate) => candidate.name === name);
  if (role === undefined) throw new Error(`no built-in role ${name}`);
  return role;
}

describe('permission catalogue', () => {
  it('holds the eleven permissions of the design', () => {
    expect(PERMISSIONS).toHaveLength(11);
    expect(new Set(PERMISSIONS).size).toBe(PERMISSIONS.length);
    expect(permissionSchema.safeParse('billing.edit').success).toBe(true);
    expect(permissionSchema.safeParse('billing.delete').success).toBe(false);
  });

  it('refuses a duplicate in a permission list, pointing at it', () => {
    expect(permissionListSchema.parse(['users.view', 'audit.view'])).toEqual(['users.view', 'audit.view']);
    const result = permissionListSchema.safeParse(['users.view', 'audit.view', 'users.view']);
    expect(result.error?.issues[0]?.path).toEqual([2]);
    expect(permissionListSchema.safeParse(['users.view', 'users.fly']).error?.issues[0]?.path).toEqual([1]);
  });

  it('puts every permission in exactly one area and describes each', () => {
    const listed = PERMISSION_AREAS.flatMap((area) => area.permissions);
    expect([...listed].sort()).toEqual([...PERMISSIONS].sort());
    expect(PERMISSION_AREAS.map((area) => area.label)).toEqual([
      'Users',
      'Roles',
      'Billing',
      'Subscriptions',
      'Account',
      'Organizations',
      'Audit',
    ]);
    for (const permission of PERMISSIONS) expect(PERMISSION_DESCRIPTIONS[permission]).toMatch(/\w/);
  });
});

describe('built-in roles', () => {
  it('are the five roles of the design with their permissions', () => {
    expect(BUILT_IN_ROLES.map((role) => role.name)).toEqual(['Owner', 'Administrator', 'Billing', 'Member', 'Read Only']);
    expect(builtIn('Owner').permissions).toEqual(PERMISSIONS);
    expect(builtIn('Administrator').permissions).toEqual(PERMISSIONS);
    expect(builtIn('Billing').permissions).toEqual(['billing.view', 'billing.edit']);
    expect(builtIn('Member').permissions).toEqual(['users.view', 'users.invite']);
    expect(builtIn('Read Only').permissions).toEqual([
      'users.view',
      'billing.view',
      'subscriptions.view',
      'audit.view',
    ]);
    for (const role of BUILT_IN_ROLES) expect(permissionListSchema.safeParse(role.permissions).success).toBe(true);
  });

  it('are missing from organizations created before the cutoff', () => {
    expect(BUILT_IN_ROLES_CUTOFF).toBe('2024-01-15');
    expect(predatesBuiltInRoles('2024-01-14T23:59:59.999Z')).toBe(true);
    expect(predatesBuiltInRoles('2024-01-15T00:00:00Z')).toBe(false);
  });
});

describe('effectivePermissions', () => {
  it('is the union of roles and individual permissions, once each, in catalogue order', () => {
    const roles: { permissions: Permission[] }[] = [
      { permissions: ['billing.edit', 'billing.view'] },
      { permissions: ['users.view', 'billing.view'] },
    ];
    expect(effectivePermissions(roles, ['audit.view', 'users.view'])).toEqual([
      'users.view',
      'billing.view',
      'billing.edit',
      'audit.view',
    ]);
  });

  it('is empty with no roles and no individual permissions', () => {
    expect(effectivePermissions([], [])).toEqual([]);
    expect(effectivePermissions([{ permissions: [] }], ['orgs.manage'])).toEqual(['orgs.manage']);
  });
});

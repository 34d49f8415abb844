import { describe, expect, it } from 'vitest';
import { ADMIN_ROLE_KEYS, builtInRoleNames, deleteRoleRefusal, grantsAdministration, isAdminRole, roleNameTakenRefusal, roleSchema, unknownRoleRefusal, type Role } from './role';

const role: Role = {
  id: '3b9d6f2e-1c4a-4e8b-9d7f-5a6b7c8d9e0f',
  orgId: '0e5b7c1d-2f3a-4b5c-8d6e-7f8091a2b3c4',
  version: 2,
  createdAt: '2024-03-01T09:00:00Z',
  updatedAt: '2024-03-05T09:00:00Z',
  name: 'Finance team',
  description: '',
  permissions: ['billing.view', 'subscriptions.view'],
  builtIn: false,
  builtInKey: null,
};

function pathOf(data: unknown) {
  return roleSchema.safeParse(data).error?.issues[0]?.path;
}

describe('roleSchema', () => {
  it('accepts a role, with or without a description', () => {
    expect(roleSchema.parse(role)).toEqual(role);
    expect(roleSchema.parse({ ...role, name: ' Finance ', description: 'Pays the bills' }).name).toBe('Finance');
  });

  it('refuses bad fields with their path', () => {
    expect(pathOf({ ...role, name: '' })).toEqual(['name']);
    expect(pathOf({ ...role, name: 'x'.repeat(81) })).toEqual(['name']);
    expect(pathOf({ ...role, description: 'x'.repeat(501) })).toEqual(['description']);
    expect(pathOf({ ...role, permissions: ['billing.view', 'billing.view'] })).toEqual(['permissions', 1]);
    expect(pathOf({ ...role, builtIn: 'no' })).toEqual(['builtIn']);
  });
});

describe('isAdminRole', () => {
  it('recognises Owner and Administrator by their built-in key, whatever they are called', () => {
    expect(isAdminRole({ builtInKey: 'owner' })).toBe(true);
    expect(isAdminRole({ builtInKey: 'administrator' })).toBe(true);
    expect(isAdminRole({ builtInKey: 'billing' })).toBe(false);
    expect(isAdminRole({ builtInKey: null })).toBe(false);
  });
});

describe('the role rules', () => {
  it('compares role names trimmed and case-insensitively', () => {
    expect(roleNameTakenRefusal(' finance TEAM ', ['Billing', 'Finance team'])).toEqual({
      code: 'VALIDATION',
      message: 'A role named finance TEAM already exists in this organization.',
      details: [{ path: 'name', message: 'A role with this name already exists' }],
    });
    expect(roleNameTakenRefusal('Helpdesk', ['Billing', 'Finance team'])).toBeNull();
  });

  it('names the built-in roles around names a legacy organization already uses', () => {
    expect(builtInRoleNames([]).map((r) => r.name)).toEqual(['Owner', 'Administrator', 'Billing', 'Member', 'Read Only']);
    expect(builtInRoleNames(['billing', 'Billing (built-in)', 'MEMBER']).map((r) => r.name)).toEqual([
      'Owner',
      'Administrator',
      'Billing (built-in 2)',
      'Member (built-in)',
      'Read Only',
    ]);
  });

  it('refuses deleting a built-in role or one still held, saying how many hold it', () => {
    expect(deleteRoleRefusal({ name: 'Member', builtIn: true }, 0)?.code).toBe('INVALID_TRANSITION');
    expect(deleteRoleRefusal({ name: 'Helpdesk', builtIn: false }, 1)).toEqual({
      code: 'ROLE_IN_USE',
      message: 'Helpdesk is assigned to 1 user: unassign it from everyone first, then delete it.',
      details: { users: 1 },
    });
    expect(deleteRoleRefusal({ name: 'Helpdesk', builtIn: false }, 3)?.message).toContain('3 users');
    expect(deleteRoleRefusal({ name: 'Helpdesk', builtIn: false }, 0)).toBeNull();
  });

  it('refuses role ids that are not roles of the organization, whatever their case', () => {
    expect(unknownRoleRefusal(['A-1', 'b-2'], ['a-1', 'b-2'])).toBeNull();
    expect(unknownRoleRefusal(['a-1', 'gone'], ['a-1'])?.details).toEqual([{ path: 'roleIds', message: 'Unknown role' }]);
  });

  it('counts Owner and Administrator as administering only while they grant users.manage and roles.manage', () => {
    expect(grantsAdministration({ builtInKey: 'administrator', permissions: ['users.manage', 'roles.manage'] })).toBe(true);
    expect(grantsAdministration({ builtInKey: 'administrator', permissions: ['users.manage'] })).toBe(false);
    expect(grantsAdministration({ builtInKey: 'billing', permissions: ['users.manage', 'roles.manage'] })).toBe(false);
    expect(ADMIN_ROLE_KEYS.every((key) => isAdminRole({ builtInKey: key }))).toBe(true);
  });
});

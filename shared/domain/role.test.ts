import { describe, expect, it } from 'vitest';
import { isAdminRole, roleSchema, type Role } from './role';

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

import { describe, expect, it } from 'vitest';
import { COMMANDS } from '@shared/commands/catalogue';
import { canEdit, editableFields, editedArgs, initialValues } from './edit-change';

const orgId = '6f1c2a3e-0b7d-4c1e-9a2b-3c4d5e6f7a80';
const userId = '0d9b6c1e-2f4a-4b8c-9d7e-1a2b3c4d5e6f';
const id = 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d';

describe('editing a rejected change', () => {
  it('offers the fields my command carried, with my values, and no ids or versions', () => {
    const args = { orgId, id, firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com', roleIds: ['r1'], permissions: [], active: false };
    const fields = editableFields('createUser', args);
    expect(fields.map((field) => [field.path, field.label, field.kind])).toEqual([
      ['firstName', 'First name', 'text'],
      ['lastName', 'Last name', 'text'],
      ['email', 'Email', 'text'],
      ['roleIds', 'Roles', 'roles'],
      ['permissions', 'Permissions', 'permissions'],
      ['active', 'Active', 'flag'],
    ]);
    expect(initialValues(fields, args)).toEqual({ firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com', roleIds: ['r1'], permissions: [], active: false });
  });

  it('makes a new command from the edit: my other args kept, a new client id, the current version', () => {
    const args = { orgId, userId, version: 3, lastName: 'Bad\u0000Name' };
    const fields = editableFields('updateUser', args);
    expect(fields.map((field) => field.path)).toEqual(['lastName']);
    const next = editedArgs(args, fields, { lastName: 'Good Name' }, 5);
    expect(next).toEqual({ orgId, userId, version: 5, lastName: 'Good Name' });
    expect(COMMANDS.updateUser.args.safeParse(next).success).toBe(true);

    const created = editedArgs({ orgId, id, firstName: 'A', lastName: 'B', email: 'x' }, editableFields('createUser', { orgId, id, firstName: 'A', lastName: 'B', email: 'x' }), { email: 'a.b@example.com' }, null);
    expect(created).toEqual({ orgId, firstName: 'A', lastName: 'B', email: 'a.b@example.com' });
    expect(COMMANDS.createUser.args.safeParse(created).success).toBe(true);
  });

  it('edits nested parts (an address), lists one per line, and clears a nullable field to null', () => {
    const args = { orgId, version: 2, billingEmail: 'old@example.com', billingAddress: { line1: 'Main 1', line2: null, city: 'Utrecht', postalCode: '3511', country: 'NL' } };
    const fields = editableFields('updateOrg', args);
    expect(fields.map((field) => field.path)).toEqual([
      'billingEmail',
      'billingAddress.line1',
      'billingAddress.line2',
      'billingAddress.city',
      'billingAddress.postalCode',
      'billingAddress.country',
    ]);
    expect(fields.find((field) => field.path === 'billingAddress.city')?.label).toBe('Billing address: city');
    const next = editedArgs(args, fields, { ...initialValues(fields, args), billingEmail: '', 'billingAddress.city': 'Amsterdam', 'billingAddress.line2': '' }, 4);
    expect(next).toEqual({ orgId, version: 4, billingEmail: null, billingAddress: { line1: 'Main 1', line2: null, city: 'Amsterdam', postalCode: '3511', country: 'NL' } });

    const invite = { orgId, emails: ['a@example.com', 'b@example.com'], roleIds: [], ids: [id, userId] };
    const inviteFields = editableFields('inviteUsers', invite);
    expect(initialValues(inviteFields, invite)['emails']).toBe('a@example.com\nb@example.com');
    expect(editedArgs(invite, inviteFields, { emails: ' a@example.com \n\n c@example.com', roleIds: [] }, null)).toEqual({ orgId, emails: ['a@example.com', 'c@example.com'], roleIds: [] });
  });

  it('has nothing to edit for a command without fields (activate, cancel, remove)', () => {
    expect(canEdit('deactivateUser', { orgId, userId })).toBe(false);
    expect(canEdit('cancelSubscription', { orgId, subscriptionId: userId })).toBe(false);
    expect(canEdit('updateUser', { orgId, userId, version: 1, lastName: 'X' })).toBe(true);
    expect(canEdit('updateUser', null)).toBe(false);
  });
});

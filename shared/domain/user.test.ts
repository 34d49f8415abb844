import { describe, expect, it } from 'vitest';
import { activateRefusal, activeSeatCount, deactivateRefusal, duplicateEmailRefusal, fullName, invitationEmailsRefusal, namesFromEmail, resendInvitationRefusal, userSchema, type User } from './user';

const user: User = {
  id: '6f1c2a3e-0b7d-4c1e-9a2b-3c4d5e6f7a80',
  orgId: '0e5b7c1d-2f3a-4b5c-8d6e-7f8091a2b3c4',
  version: 1,
  createdAt: '2024-03-01T09:00:00Z',
  updatedAt: '2024-03-01T09:00:00Z',
  firstName: 'Ann',
  lastName: 'de Vries',
  email: 'Ann@northwind.example',
  status: 'active',
  roleIds: ['3b9d6f2e-1c4a-4e8b-9d7f-5a6b7c8d9e0f'],
  permissions: ['audit.view'],
  lastActiveAt: null,
};

function pathOf(data: unknown) {
  return userSchema.safeParse(data).error?.issues[0]?.path;
}

describe('userSchema', () => {
  it('accepts a user and trims the names', () => {
    expect(userSchema.parse(user)).toEqual(user);
    const parsed = userSchema.parse({ ...user, firstName: ' Ann ', lastActiveAt: '2024-03-02T08:00:00Z' });
    expect(parsed.firstName).toBe('Ann');
  });

  it('refuses bad fields with their path', () => {
    expect(pathOf({ ...user, firstName: ' ' })).toEqual(['firstName']);
    expect(pathOf({ ...user, lastName: 'x'.repeat(101) })).toEqual(['lastName']);
    expect(pathOf({ ...user, email: 'ann' })).toEqual(['email']);
    expect(pathOf({ ...user, status: 'invited' })).toEqual(['status']);
    expect(pathOf({ ...user, roleIds: ['admin'] })).toEqual(['roleIds', 0]);
    expect(pathOf({ ...user, roleIds: [...user.roleIds, ...user.roleIds] })).toEqual(['roleIds', 1]);
    expect(pathOf({ ...user, permissions: ['users.fly'] })).toEqual(['permissions', 0]);
    expect(pathOf({ ...user, lastActiveAt: '2024-03-02' })).toEqual(['lastActiveAt']);
  });
});

describe('user helpers', () => {
  it('joins the full name', () => {
    expect(fullName(user)).toBe('Ann de Vries');
  });

  it('bills active users only', () => {
    const statuses = ['active', 'pending', 'deactivated', 'active'] as const;
    expect(activeSeatCount(statuses.map((status) => ({ status })))).toBe(2);
  });
});

describe('names read from an invited address', () => {
  it('splits the local part into capitalised words', () => {
    expect(namesFromEmail('ann.de.vries@example.com')).toEqual({ firstName: 'Ann', lastName: 'De Vries' });
    expect(namesFromEmail('j_smith+billing@example.com')).toEqual({ firstName: 'J', lastName: 'Smith Billing' });
  });

  it('gives a one-word address "(invited)" as its last name', () => {
    expect(namesFromEmail('office@example.com')).toEqual({ firstName: 'Office', lastName: '(invited)' });
  });
});

describe('the user status and email rules', () => {
  const ann = { firstName: 'Ann', lastName: 'de Vries' };
  it('activates only a deactivated user, deactivates only an active one, resends only a pending invitation', () => {
    expect(activateRefusal({ ...ann, status: 'deactivated' })).toBeNull();
    expect(activateRefusal({ ...ann, status: 'active' })).toEqual({ code: 'INVALID_TRANSITION', message: 'Ann de Vries is already active.' });
    expect(activateRefusal({ ...ann, status: 'pending' })?.message).toBe('Ann de Vries has not accepted the invitation yet: resend the invitation instead.');
    expect(deactivateRefusal({ ...ann, status: 'active' })).toBeNull();
    expect(deactivateRefusal({ ...ann, status: 'deactivated' })?.message).toBe('Ann de Vries is already deactivated.');
    expect(deactivateRefusal({ ...ann, status: 'pending' })?.message).toBe(
      'Ann de Vries has not accepted the invitation yet: remove the user to revoke the invitation.',
    );
    expect(resendInvitationRefusal({ ...ann, status: 'pending' })).toBeNull();
    expect(resendInvitationRefusal({ ...ann, status: 'active' })?.code).toBe('INVALID_TRANSITION');
  });

  it('refuses an email already used in the organization, compared case-insensitively', () => {
    expect(duplicateEmailRefusal('ANN@northwind.example', ['bob@x.example', 'ann@Northwind.example'])).toEqual({
      code: 'DUPLICATE_EMAIL',
      message: 'ANN@northwind.example already has an account in this organization.',
    });
    expect(duplicateEmailRefusal('new@northwind.example', ['ann@northwind.example'])).toBeNull();
  });

  it('refuses a whole invitation when an address repeats or already has an account, naming each by its place', () => {
    const refused = invitationEmailsRefusal(['a@x.example', 'taken@x.example', 'A@X.example'], ['Taken@x.example']);
    expect(refused?.code).toBe('DUPLICATE_EMAIL');
    expect(refused?.details).toEqual([
      { path: 'emails.1', message: 'taken@x.example already has an account in this organization.' },
      { path: 'emails.2', message: 'A@X.example is listed more than once.' },
    ]);
    expect(invitationEmailsRefusal(['a@x.example', 'b@x.example'], [])).toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import { contactTakenRefusal, pickedUserRefusal } from './billing-contact';

describe('the billing contact rules', () => {
  it('takes an address once per organization, compared case-insensitively', () => {
    expect(contactTakenRefusal('AP@Coho.example', ['ap@coho.example'])).toEqual({
      code: 'VALIDATION',
      message: 'AP@Coho.example is already a billing contact of this organization.',
      details: [{ path: 'email', message: 'AP@Coho.example is already a billing contact of this organization.' }],
    });
    expect(contactTakenRefusal('new@coho.example', ['ap@coho.example'])).toBeNull();
  });

  it('picks only a user of the organization who may see billing, with that user’s address', () => {
    const billing = [{ permissions: ['billing.view' as const] }];
    const ann = { email: 'ann@coho.example', permissions: [] };
    expect(pickedUserRefusal(ann, billing, 'ANN@coho.example')).toBeNull();
    expect(pickedUserRefusal({ ...ann, permissions: ['billing.view'] }, [], 'ann@coho.example')).toBeNull();
    expect(pickedUserRefusal(undefined, [], 'ann@coho.example')?.details).toEqual([{ path: 'userId', message: 'That user is not a user of this organization.' }]);
    expect(pickedUserRefusal(ann, [], 'ann@coho.example')?.message).toBe('ann@coho.example does not have the billing.view permission, so cannot be a billing contact.');
    expect(pickedUserRefusal(ann, billing, 'bob@coho.example')?.details).toEqual([
      { path: 'email', message: "A contact picked from the users has the user's address, ann@coho.example." },
    ]);
  });
});

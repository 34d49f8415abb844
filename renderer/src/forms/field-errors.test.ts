import { describe, expect, it } from 'vitest';
import { COMMANDS } from '@shared/commands/catalogue';
import { userListQuerySchema } from '@shared/ipc/models';
import { check, errorFor, fieldErrorsFromIssues, problemOf } from './field-errors';
import { toggleIn } from './lists';

const ORG = '0b1c7c1e-5c77-4d4a-9a55-0c1b6b7a1a11';

describe('form errors from the shared schemas', () => {
  it('puts each createUser problem next to its field, first message first', () => {
    const result = check(COMMANDS.createUser.args, { orgId: ORG, firstName: ' ', lastName: 'Smit', email: 'not-an-email' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual({
      firstName: 'Enter a name.',
      email: 'Enter a valid email address, such as name@example.com.',
    });
  });

  it('names a control character under its field before anything is sent', () => {
    const result = check(COMMANDS.createUser.args, { orgId: ORG, firstName: 'Ann\u0007', lastName: 'Smit', email: 'ann\u001b@x.example' });
    expect(result).toEqual({
      ok: false,
      errors: { firstName: 'Names cannot contain control characters.', email: 'Email addresses cannot contain control characters.' },
    });
    const role = check(COMMANDS.createRole.args, { orgId: ORG, name: 'Ops', description: 'Line one\nLine two\u0000' });
    expect(role.ok || role.errors).toEqual({ description: 'Descriptions cannot contain control characters.' });
  });

  it('checks a search as it is typed, with the channel schema', () => {
    expect(problemOf(userListQuerySchema.shape.q, 'ann\u0000')).toBe('Searches cannot contain control characters.');
    expect(problemOf(userListQuerySchema.shape.q, ' ann\t')).toBeUndefined();
    expect(problemOf(userListQuerySchema.shape.q, 'x'.repeat(201))).toMatch(/200/);
  });

  it('answers the parsed value (normalised, defaults applied) when the input is good', () => {
    const result = check(COMMANDS.createUser.args, { orgId: ORG, firstName: ' Ann ', lastName: 'Smit', email: 'Ann@Example.COM' });
    expect(result).toEqual({
      ok: true,
      value: { orgId: ORG, firstName: 'Ann', lastName: 'Smit', email: 'Ann@example.com', roleIds: [], permissions: [], active: true },
    });
  });

  it('keys nested problems by their dotted path', () => {
    const result = check(COMMANDS.updateOrg.args, {
      orgId: ORG,
      version: 3,
      vatNumber: 'NL123',
      billingAddress: { line1: 'Main 1', line2: null, city: '', postalCode: '1234 AB', region: null, country: 'NL' },
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors['billingAddress.city']).toBe('Enter the city.');
    expect(result.errors['vatNumber']).toMatch(/^A VAT number from the Netherlands is NL followed by/);
  });

  it('strips the channel prefix the core reports and keeps the first message per field', () => {
    const errors = fieldErrorsFromIssues(
      [
        { path: 'args.email', message: 'first' },
        { path: 'args.email', message: 'second' },
        { path: 'args', message: 'whole form' },
        { path: ['roleIds', 2], message: 'The same role is listed twice.' },
      ],
      { strip: 'args' },
    );
    expect(errors).toEqual({ email: 'first', '': 'whole form', 'roleIds.2': 'The same role is listed twice.' });
    expect(errorFor(errors, 'roleIds')).toBe('The same role is listed twice.');
    expect(errorFor(errors, 'role')).toBeUndefined();
  });

  it('toggles a value in a list in catalogue order', () => {
    const all = ['a', 'b', 'c', 'd'];
    expect(toggleIn(['c'], 'a', true, all)).toEqual(['a', 'c']);
    expect(toggleIn(['a', 'c'], 'a', false, all)).toEqual(['c']);
    expect(toggleIn(['a'], 'a', true)).toEqual(['a']);
  });
});

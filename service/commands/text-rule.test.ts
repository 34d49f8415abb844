import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, testDatabases } from '../../test/support/service';
import { startCommandKit, type CommandKit } from '../../test/support/commands';

/**
 * The shared text rule at the service's edge: a NUL (which PostgreSQL refuses in text, and which
 * answered 500), an escape or a lone surrogate is 400 VALIDATION naming the field in plain words,
 * and nothing changes. The routes parse with the same shared schemas as the core and renderer.
 */
describe.each(testDatabases())('the text rule at the service (%s)', (database) => {
  let kit: CommandKit;
  beforeAll(async () => {
    kit = await startCommandKit(database);
  });
  afterAll(async () => {
    await kit?.close();
  });

  const names = (subject: string) => `${subject} cannot contain control characters.`;

  it('refuses a NUL in a new user’s first name: 400 VALIDATION at firstName, nothing created', async () => {
    const orgId = await kit.orgId('Wingtip Toys');
    const body = await kit.expectRefused(orgId, 'VALIDATION', 400, () =>
      kit.call('POST', `/v1/orgs/${orgId}/users`, { firstName: 'A\u0000da', lastName: 'Lovelace', email: 'ada.nul@wingtip-toys.example' }),
    );
    expect(body.error.details[0]).toEqual({ path: 'firstName', message: names('Names') });
    expect(body.error.message).toBe('firstName: Names cannot contain control characters.');
  });

  it.each([
    ['an escape in a last name', 'lastName', 'Love\u001b[2Jlace', names('Names')],
    ['a lone surrogate in a last name', 'lastName', 'Love\ud800lace', 'Names cannot contain broken characters (a lone UTF-16 surrogate).'],
    ['a NUL in an email', 'email', 'ada\u0000@wingtip-toys.example', names('Email addresses')],
  ])('refuses %s when creating a user', async (_, field, value, message) => {
    const orgId = await kit.orgId('Wingtip Toys');
    const body = await kit.expectRefused(orgId, 'VALIDATION', 400, () =>
      kit.call('POST', `/v1/orgs/${orgId}/users`, { firstName: 'Ada', lastName: 'Lovelace', email: 'ada.rule@wingtip-toys.example', [field]: value }),
    );
    expect(body.error.details).toEqual([{ path: field, message }]);
  });

  it('refuses the same on updateUser, createRole, updateRole, updateOrg, createOrg and inviteUsers', async () => {
    const orgId = await kit.orgId('Wingtip Toys');
    const userId = await kit.userId('admin@wingtip-toys.example');
    const { version } = (await kit.call('GET', `/v1/orgs/${orgId}/users/${userId}`)).body;
    const roleId = await kit.roleId(orgId, 'Member');
    const role = (await kit.call('GET', `/v1/orgs/${orgId}/roles`)).body.items.find((r: { id: string }) => r.id === roleId);
    const org = (await kit.call('GET', `/v1/orgs/${orgId}`)).body;
    const address = { line1: 'Main 1', line2: null, city: 'Ut\u0000recht', postalCode: '3511 AB', region: null, country: 'NL' };
    const cases: [string, string, unknown, string, string][] = [
      ['PATCH', `/v1/orgs/${orgId}/users/${userId}`, { version, firstName: 'Re\u0000named' }, 'firstName', names('Names')],
      ['POST', `/v1/orgs/${orgId}/roles`, { name: 'Ops\u0000' }, 'name', names('Role names')],
      ['POST', `/v1/orgs/${orgId}/roles`, { name: 'Ops', description: 'Line one\nline\u0000two' }, 'description', names('Descriptions')],
      ['PATCH', `/v1/orgs/${orgId}/roles/${roleId}`, { version: role.version, name: 'Mem\u0000ber' }, 'name', names('Role names')],
      ['PATCH', `/v1/orgs/${orgId}`, { version: org.version, name: 'Wingtip\u0000' }, 'name', names('Organization names')],
      ['PATCH', `/v1/orgs/${orgId}`, { version: org.version, billingAddress: address }, 'billingAddress.city', names('Cities')],
      ['PATCH', `/v1/orgs/${orgId}`, { version: org.version, vatNumber: 'NL123456789B0\u00001' }, 'vatNumber', names('VAT numbers')],
      ['POST', `/v1/orgs/${orgId}/invitations`, { emails: ['ok@wingtip-toys.example', 'n\u0000o@wingtip-toys.example'] }, 'emails.1', names('Email addresses')],
    ];
    for (const [method, path, request, field, message] of cases) {
      const body = await kit.expectRefused(orgId, 'VALIDATION', 400, () => kit.call(method, path, request));
      expect(body.error.details, `${method} ${path} ${field}`).toEqual([{ path: field, message }]);
    }
    const parentId = await kit.orgId('Northwind MSP');
    const created = await kit.expectRefused(parentId, 'VALIDATION', 400, () =>
      kit.call('POST', '/v1/orgs', {
        parentId,
        kind: 'customer',
        name: 'Contoso',
        accountEmail: 'it@contoso.example',
        admin: { firstName: 'Al\u0007', lastName: 'Ice', email: 'al@contoso.example' },
      }),
    );
    expect(created.error.details).toEqual([{ path: 'admin.firstName', message: names('Names') }]);
  });

  it('refuses a NUL in the login email or password, and in a users search, with the field', async () => {
    const login = (email: string, password: string) => kit.test.call('POST', '/v1/auth/login', { body: { email, password } });
    const email = await login('owner@northwind.exa\u0000mple', DEMO_PASSWORD);
    expect(email.status).toBe(400);
    expect(email.body.error).toMatchObject({ code: 'VALIDATION', details: [{ path: 'email', message: names('Email addresses') }] });
    const password = await login('owner@northwind.example', `${DEMO_PASSWORD}\u0000`);
    expect(password.status).toBe(400);
    expect(password.body.error.details).toEqual([{ path: 'password', message: names('Passwords') }]);

    const orgId = await kit.orgId('Wingtip Toys');
    const search = await kit.call('GET', `/v1/orgs/${orgId}/users?q=a%00b`);
    expect(search.status).toBe(400);
    // The query is checked as a whole before the route's schema (which says "Searches") may see it.
    expect(search.body.error).toMatchObject({ code: 'VALIDATION', details: [{ path: 'q', message: expect.stringMatching(/ cannot contain control characters\.$/) }] });
    const ok = await kit.call('GET', `/v1/orgs/${orgId}/users?q=%20admin%20`);
    expect(ok.status).toBe(200);
  });
});

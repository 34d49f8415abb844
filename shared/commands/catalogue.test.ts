import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { argsFromRequest, clientIdFieldOf, COMMAND_NAMES, COMMANDS, parseCommand, pathParamsOf, targetOrgOf } from './catalogue';

const ORG = '0b9b7c1e-6a53-4f8e-9a7e-2f7f0e6c1a01';
const USER = '5f2d7a3c-1b8e-4c4d-8f6a-9e0b1c2d3e4f';

describe('the command catalogue', () => {
  it('names every domain command of DESIGN.md exactly once', () => {
    expect([...COMMAND_NAMES].sort()).toEqual(
      [
        'createUser', 'updateUser', 'activateUser', 'deactivateUser', 'removeUser', 'inviteUsers', 'resendInvitation',
        'createRole', 'updateRole', 'deleteRole', 'installBuiltInRoles', 'addBillingContact', 'updateBillingContact',
        'removeBillingContact', 'cancelSubscription', 'reactivateSubscription', 'removeScheduledCancellation',
        'changeSubscriptionQuantity', 'changeSubscriptionPlan',
        'createOrg', 'updateOrg', 'setDefaultPaymentMethod', 'removePaymentMethod',
      ].sort(),
    );
  });

  it('has one route per command, each path parameter a required arg', () => {
    const routes = COMMAND_NAMES.map((n) => `${COMMANDS[n].method} ${COMMANDS[n].path}`);
    expect(new Set(routes).size).toBe(routes.length);
    for (const name of COMMAND_NAMES) {
      for (const param of pathParamsOf(name)) {
        const parsed = parseCommand(name, {});
        expect(parsed.success).toBe(false);
        if (!parsed.success) expect(parsed.error.issues.some((i) => i.path[0] === param)).toBe(true);
      }
    }
  });

  it('merges path parameters over the JSON body', () => {
    const args = argsFromRequest({ orgId: ORG, userId: USER }, { orgId: 'spoofed', version: 3, firstName: 'Ada' });
    const parsed = parseCommand('updateUser', args);
    expect(parsed.success && parsed.command).toEqual({
      name: 'updateUser',
      args: { orgId: ORG, userId: USER, version: 3, firstName: 'Ada' },
    });
  });

  it('fills defaults and normalises createUser', () => {
    const parsed = parseCommand('createUser', { orgId: ORG, firstName: ' Ada ', lastName: 'Lovelace', email: 'Ada@Example.COM' });
    expect(parsed.success && parsed.command.args).toEqual({
      orgId: ORG,
      firstName: 'Ada',
      lastName: 'Lovelace',
      email: 'Ada@example.com',
      roleIds: [],
      permissions: [],
      active: true,
    });
  });

  it.each([
    ['createUser', { orgId: ORG, firstName: 'A', lastName: 'B', email: 'not-an-email' }, 'email'],
    ['createUser', { orgId: ORG, firstName: '', lastName: 'B', email: 'a@b.co' }, 'firstName'],
    ['createUser', { orgId: ORG, firstName: 'A', lastName: 'B', email: 'a@b.co', admin: true }, ''],
    ['updateUser', { orgId: ORG, userId: USER, version: 0 }, 'version'],
    ['updateUser', { orgId: ORG, userId: USER, version: 1, permissions: ['users.fly'] }, 'permissions.0'],
    ['inviteUsers', { orgId: ORG, emails: [] }, 'emails'],
    ['inviteUsers', { orgId: ORG, emails: Array.from({ length: 10_000 }, (_, i) => `u${i}@x.example`) }, 'emails'],
    ['inviteUsers', { orgId: ORG, emails: ['a@b.co'], ids: [USER, ORG] }, 'ids'],
    ['addBillingContact', { orgId: ORG, email: 'a@b.co', kinds: [] }, 'kinds'],
    ['updateOrg', { orgId: ORG, version: 2, vatNumber: 'NL123' }, 'vatNumber'],
    ['createOrg', { parentId: ORG, kind: 'provider', name: 'X', accountEmail: 'a@b.co', admin: { firstName: 'A', lastName: 'B', email: 'a@b.co' } }, 'kind'],
    ['cancelSubscription', { orgId: ORG, subscriptionId: 'nope' }, 'subscriptionId'],
  ] as const)('refuses bad %s args at %s', (name, args, path) => {
    const parsed = parseCommand(name, args);
    expect(parsed.success).toBe(false);
    if (!parsed.success) expect(parsed.error.issues.map((i) => i.path.join('.'))).toContain(path);
  });

  it('acts in the target organization: orgId, or the parent for createOrg', () => {
    const cancel = parseCommand('cancelSubscription', { orgId: ORG, subscriptionId: USER });
    expect(cancel.success && targetOrgOf(cancel.command)).toBe(ORG);
    const create = parseCommand('createOrg', {
      parentId: USER,
      kind: 'customer',
      name: 'Contoso',
      accountEmail: 'it@contoso.example',
      admin: { firstName: 'Al', lastName: 'Ice', email: 'al@contoso.example' },
    });
    expect(create.success && targetOrgOf(create.command)).toBe(USER);
  });

  it('carries each command’s facts: what makes rows with client-made ids, what answers many, what it can refuse', () => {
    const creates = COMMAND_NAMES.filter((name) => COMMANDS[name].creates);
    expect(creates.sort()).toEqual(['addBillingContact', 'createOrg', 'createRole', 'createUser', 'inviteUsers']);
    expect(COMMAND_NAMES.filter((name) => COMMANDS[name].many).sort()).toEqual(['installBuiltInRoles', 'inviteUsers']);
    for (const name of COMMAND_NAMES) {
      const field = clientIdFieldOf(name);
      const shape = (COMMANDS[name].args as z.ZodObject).shape as Record<string, unknown>;
      // A creating command takes its client-made id(s) in that field; no other command has one.
      if (field === null) expect(shape['id'] ?? shape['ids'], name).toBeUndefined();
      else expect(shape[field], name).toBeDefined();
    }
    expect(COMMANDS.deactivateUser.errors).toEqual(['INVALID_TRANSITION', 'LAST_ADMIN', 'ADMIN_ROLE_ASSIGNED']);
    expect(COMMANDS.deleteRole.errors).toContain('ROLE_IN_USE');
    expect(COMMANDS.createRole.errors).toEqual([]);
  });
});

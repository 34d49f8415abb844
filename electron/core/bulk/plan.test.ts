import { describe, expect, it } from 'vitest';
import { COMMANDS, type Command } from '@shared/commands/catalogue';
import { PERMISSIONS } from '@shared/domain/permissions';
import type { Role } from '@shared/domain/role';
import type { User } from '@shared/domain/user';
import {
  MAX_INVITES_PER_COMMAND,
  SKIP_REASONS,
  type AdminContext,
  planActivate,
  planDeactivate,
  planInvite,
  planRemove,
  planSetRoles,
} from './plan';

/** Deterministic v4-shaped UUIDs, so failures name the same ids on every run. */
function uuid(n: number, prefix = 0): string {
  return `${prefix.toString(16).padStart(8, '0')}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}

const ORG_A = uuid(1, 0xa);
const ORG_B = uuid(2, 0xa);
const AT = '2026-11-01T09:00:00.000Z';

function role(n: number, orgId: string, name: string, builtInKey: Role['builtInKey'] = null): Role {
  const administers = builtInKey === 'owner' || builtInKey === 'administrator';
  return {
    id: uuid(n, 0xb),
    orgId,
    version: 1,
    createdAt: AT,
    updatedAt: AT,
    name,
    description: '',
    permissions: administers ? [...PERMISSIONS] : [],
    builtIn: builtInKey !== null,
    builtInKey,
  };
}

const ownerA = role(1, ORG_A, 'Owner', 'owner');
const adminA = role(2, ORG_A, 'Administrator', 'administrator');
const billingA = role(3, ORG_A, 'Billing', 'billing');
const memberA = role(4, ORG_A, 'Member', 'member');
const supportA = role(5, ORG_A, 'Support desk');
const adminB = role(6, ORG_B, 'Administrator', 'administrator');
const memberB = role(7, ORG_B, 'Member', 'member');
const ROLES = [ownerA, adminA, billingA, memberA, supportA, adminB, memberB];

function user(n: number, overrides: Partial<User> = {}): User {
  return {
    id: uuid(n, 0xc),
    orgId: ORG_A,
    version: 3,
    createdAt: AT,
    updatedAt: AT,
    firstName: 'User',
    lastName: String(n),
    email: `user${n}@northwind.example`,
    status: 'active',
    roleIds: [],
    permissions: [],
    lastActiveAt: null,
    ...overrides,
  };
}

const ORG_NAMES = new Map([
  [ORG_A, 'Wingtip Toys'],
  [ORG_B, 'Contoso Dental'],
]);

/** The organizations' administrators as the handler loads them: active holders of an admin role. */
function contextOf(users: readonly User[], extra: readonly User[] = []): AdminContext {
  const adminRoleIds = new Set(ROLES.filter((r) => r.builtInKey === 'owner' || r.builtInKey === 'administrator').map((r) => r.id));
  const administrators = [...users, ...extra].filter((u) => u.status === 'active' && u.roleIds.some((id) => adminRoleIds.has(id)));
  return { orgNames: ORG_NAMES, administrators };
}

const NO_ADMINS: AdminContext = { orgNames: ORG_NAMES, administrators: [] };

/** Every planned command must be one the queue accepts: its args parse with the catalogue's schema. */
function expectValidCommands(commands: readonly Command[]): void {
  for (const command of commands) {
    const parsed = COMMANDS[command.name].args.safeParse(command.args);
    expect(parsed.success, `${command.name} ${JSON.stringify(command.args)}`).toBe(true);
  }
}

describe('planSetRoles', () => {
  const ann = user(1, { roleIds: [memberA.id] });
  const bob = user(2, { roleIds: [memberA.id, billingA.id], version: 7 });
  const cat = user(3, { roleIds: [] });
  const dan = user(4, { orgId: ORG_B, roleIds: [memberB.id] });

  it('replace gives each user exactly the roles, one updateUser per user whose roles change', () => {
    const plan = planSetRoles([ann, bob, cat], ROLES, {
      userIds: [ann.id, bob.id, cat.id],
      roleIds: [billingA.id, memberA.id],
      mode: 'replace',
    }, NO_ADMINS);
    expect(plan.commands).toEqual([
      { name: 'updateUser', args: { orgId: ORG_A, userId: ann.id, version: 3, roleIds: [billingA.id, memberA.id] } },
      { name: 'updateUser', args: { orgId: ORG_A, userId: cat.id, version: 3, roleIds: [billingA.id, memberA.id] } },
    ]);
    // Bob holds the same roles in another order: no change, no command.
    expect(plan.skipped).toEqual([{ id: bob.id, reason: 'User 2 already has exactly these roles.' }]);
    expectValidCommands(plan.commands);
  });

  it('add appends only the roles a user lacks, carrying the user’s version', () => {
    const plan = planSetRoles([ann, bob, cat], ROLES, {
      userIds: [ann.id, bob.id, cat.id],
      roleIds: [billingA.id],
      mode: 'add',
    }, NO_ADMINS);
    expect(plan.commands).toEqual([
      { name: 'updateUser', args: { orgId: ORG_A, userId: ann.id, version: 3, roleIds: [memberA.id, billingA.id] } },
      { name: 'updateUser', args: { orgId: ORG_A, userId: cat.id, version: 3, roleIds: [billingA.id] } },
    ]);
    expect(plan.skipped).toEqual([{ id: bob.id, reason: SKIP_REASONS.rolesUnchanged.add(bob) }]);
    expect(SKIP_REASONS.rolesUnchanged.add(bob)).toBe('User 2 already has these roles.');
    expectValidCommands(plan.commands);
  });

  it('remove drops the roles and skips users who hold none of them', () => {
    const plan = planSetRoles([ann, bob, cat], ROLES, {
      userIds: [ann.id, bob.id, cat.id],
      roleIds: [memberA.id],
      mode: 'remove',
    }, NO_ADMINS);
    expect(plan.commands).toEqual([
      { name: 'updateUser', args: { orgId: ORG_A, userId: ann.id, version: 3, roleIds: [] } },
      { name: 'updateUser', args: { orgId: ORG_A, userId: bob.id, version: 7, roleIds: [billingA.id] } },
    ]);
    expect(plan.skipped).toEqual([{ id: cat.id, reason: 'User 3 has none of these roles.' }]);
    expectValidCommands(plan.commands);
  });

  it('skips users of another organization than the chosen roles, naming the roles', () => {
    const plan = planSetRoles([ann, dan], ROLES, {
      userIds: [ann.id, dan.id],
      roleIds: [billingA.id, supportA.id],
      mode: 'add',
    }, NO_ADMINS);
    expect(plan.commands.map((c) => c.args)).toMatchObject([{ userId: ann.id }]);
    expect(plan.skipped).toEqual([
      { id: dan.id, reason: 'The roles “Billing”, “Support desk” belong to another organization than User 4’s.' },
    ]);
    const single = planSetRoles([dan], ROLES, { userIds: [dan.id], roleIds: [memberA.id], mode: 'replace' }, NO_ADMINS);
    expect(single.skipped).toEqual([{ id: dan.id, reason: 'The role “Member” belongs to another organization than User 4’s.' }]);
  });

  it('skips everyone when a chosen role no longer exists, rather than giving a partial set', () => {
    const plan = planSetRoles([ann, cat], ROLES, {
      userIds: [ann.id, cat.id],
      roleIds: [billingA.id, uuid(99, 0xb)],
      mode: 'replace',
    }, NO_ADMINS);
    expect(plan.commands).toEqual([]);
    expect(plan.skipped).toEqual([
      { id: ann.id, reason: 'A role chosen for User 1 no longer exists.' },
      { id: cat.id, reason: 'A role chosen for User 3 no longer exists.' },
    ]);
  });

  it('skips a user who would end up with more roles than updateUser accepts', () => {
    const many = Array.from({ length: 50 }, (_, i) => role(100 + i, ORG_A, `Custom ${i}`));
    const full = user(5, { roleIds: many.map((r) => r.id) });
    const plan = planSetRoles([full], [...ROLES, ...many], { userIds: [full.id], roleIds: [memberA.id], mode: 'add' }, NO_ADMINS);
    expect(plan.commands).toEqual([]);
    expect(plan.skipped).toEqual([{ id: full.id, reason: 'User 5 would hold more than 50 roles.' }]);
  });

  it('skips ids the view no longer has and plans each requested id once', () => {
    const gone = uuid(404, 0xc);
    const plan = planSetRoles([ann], ROLES, { userIds: [ann.id, gone, ann.id], roleIds: [billingA.id], mode: 'add' }, NO_ADMINS);
    expect(plan.commands).toHaveLength(1);
    expect(plan.skipped).toEqual([{ id: gone, reason: 'This user no longer exists; someone may have removed it.' }]);
  });

  it('replace with duplicate role ids still produces a valid command', () => {
    const plan = planSetRoles([cat], ROLES, { userIds: [cat.id], roleIds: [memberA.id, memberA.id], mode: 'replace' }, NO_ADMINS);
    expect(plan.commands).toEqual([
      { name: 'updateUser', args: { orgId: ORG_A, userId: cat.id, version: 3, roleIds: [memberA.id] } },
    ]);
    expectValidCommands(plan.commands);
  });
});

describe('planActivate', () => {
  it('activates deactivated users and skips active and invited ones with reasons', () => {
    const off = user(1, { status: 'deactivated' });
    const on = user(2, { status: 'active' });
    const invited = user(3, { status: 'pending' });
    const other = user(4, { status: 'deactivated', orgId: ORG_B });
    const plan = planActivate([off, on, invited, other], { userIds: [off.id, on.id, invited.id, other.id] });
    expect(plan.commands).toEqual([
      { name: 'activateUser', args: { orgId: ORG_A, userId: off.id } },
      { name: 'activateUser', args: { orgId: ORG_B, userId: other.id } },
    ]);
    expect(plan.skipped).toEqual([
      { id: on.id, reason: 'User 2 is already active.' },
      { id: invited.id, reason: 'User 3 has not accepted the invitation yet: resend the invitation instead.' },
    ]);
    expectValidCommands(plan.commands);
  });
});

describe('planDeactivate', () => {
  const plain = user(1, { roleIds: [memberA.id] });
  const admin = user(2, { roleIds: [memberA.id, adminA.id], version: 9 });
  const owner = user(3, { roleIds: [ownerA.id, billingA.id] });
  const off = user(4, { status: 'deactivated' });
  const invited = user(5, { status: 'pending' });
  const all = [plain, admin, owner, off, invited];
  const ids = all.map((u) => u.id);

  it('skips Administrator and Owner holders with a reason, and users who cannot be deactivated', () => {
    const plan = planDeactivate(all, ROLES, { userIds: ids, removeAdminRole: false }, contextOf(all));
    expect(plan.commands).toEqual([{ name: 'deactivateUser', args: { orgId: ORG_A, userId: plain.id } }]);
    expect(plan.skipped).toEqual([
      { id: admin.id, reason: 'User 2 holds the Administrator role: take the role away first, then deactivate User 2.' },
      { id: owner.id, reason: 'User 3 holds the Owner role: take the role away first, then deactivate User 3.' },
      { id: off.id, reason: 'User 4 is already deactivated.' },
      { id: invited.id, reason: 'User 5 has not accepted the invitation yet: remove the user to revoke the invitation.' },
    ]);
  });

  it('with removeAdminRole: updateUser without the admin roles, then deactivateUser, per admin', () => {
    // A third administrator stays, so both may go.
    const keeper = user(9, { roleIds: [adminA.id] });
    const plan = planDeactivate(all, ROLES, { userIds: ids, removeAdminRole: true }, contextOf(all, [keeper]));
    expect(plan.commands).toEqual([
      { name: 'deactivateUser', args: { orgId: ORG_A, userId: plain.id } },
      { name: 'updateUser', args: { orgId: ORG_A, userId: admin.id, version: 9, roleIds: [memberA.id] } },
      { name: 'deactivateUser', args: { orgId: ORG_A, userId: admin.id } },
      { name: 'updateUser', args: { orgId: ORG_A, userId: owner.id, version: 3, roleIds: [billingA.id] } },
      { name: 'deactivateUser', args: { orgId: ORG_A, userId: owner.id } },
    ]);
    expect(plan.skipped.map((s) => s.id)).toEqual([off.id, invited.id]);
    expectValidCommands(plan.commands);
  });

  it('never deactivates the last administrator of an organization: the last one is left with the service’s message', () => {
    // Without a third administrator, the owner (second in the request) is the last one left.
    const plan = planDeactivate(all, ROLES, { userIds: ids, removeAdminRole: true }, contextOf(all));
    expect(plan.commands.filter((c) => 'userId' in c.args && c.args.userId === owner.id)).toEqual([]);
    expect(plan.commands.filter((c) => 'userId' in c.args && c.args.userId === admin.id)).toHaveLength(2);
    expect(plan.skipped[0]).toEqual({
      id: owner.id,
      reason: 'Wingtip Toys needs another active Owner first: give someone the role, then deactivate User 3.',
    });
    // Alone, the Administrator is refused the same way, whether or not the role would be removed.
    const alone = user(8, { roleIds: [adminA.id] });
    for (const removeAdminRole of [true, false]) {
      const single = planDeactivate([alone], ROLES, { userIds: [alone.id], removeAdminRole }, contextOf([alone]));
      expect(single).toEqual({
        commands: [],
        skipped: [{ id: alone.id, reason: 'Wingtip Toys needs another active Administrator first: give someone the role, then deactivate User 8.' }],
      });
    }
  });

  it('names a renamed Administrator role by its current name, and both roles when both are held', () => {
    const renamed = { ...adminA, name: 'IT admins' };
    const both = user(6, { roleIds: [ownerA.id, adminA.id] });
    const keeper = user(9, { roleIds: [ownerA.id] });
    const plan = planDeactivate([both], [ownerA, renamed], { userIds: [both.id], removeAdminRole: false }, contextOf([both, keeper]));
    expect(plan.skipped).toEqual([{ id: both.id, reason: 'User 6 holds the Owner and IT admins roles: take the roles away first, then deactivate User 6.' }]);
    const last = planDeactivate([both], [ownerA, renamed], { userIds: [both.id], removeAdminRole: true }, contextOf([both]));
    expect(last.skipped).toEqual([
      { id: both.id, reason: 'Wingtip Toys needs another active Owner or IT admins first: give someone one of these roles, then deactivate User 6.' },
    ]);
  });

  it('only counts admin roles of the user’s own organization (built-in key, not the name)', () => {
    // A custom role called "Administrator" is not the built-in one; another org's role id is not held.
    const lookalike = role(50, ORG_A, 'Administrator');
    const u = user(7, { roleIds: [lookalike.id, adminB.id] });
    const plan = planDeactivate([u], [...ROLES, lookalike], { userIds: [u.id], removeAdminRole: false }, contextOf([u]));
    expect(plan.commands).toEqual([{ name: 'deactivateUser', args: { orgId: ORG_A, userId: u.id } }]);
    expect(plan.skipped).toEqual([]);
  });
});

describe('planRemove', () => {
  it('removes users of every status and skips ids that are gone', () => {
    const users = [user(1), user(2, { status: 'pending' }), user(3, { status: 'deactivated', orgId: ORG_B })];
    const gone = uuid(404, 0xc);
    const plan = planRemove(users, ROLES, { userIds: [...users.map((u) => u.id), gone] }, contextOf(users));
    expect(plan.commands).toEqual(users.map((u) => ({ name: 'removeUser', args: { orgId: u.orgId, userId: u.id } })));
    expect(plan.skipped).toEqual([{ id: gone, reason: SKIP_REASONS.notFound }]);
    expectValidCommands(plan.commands);
  });

  it('removes administrators while another stays, never the last one', () => {
    const first = user(1, { roleIds: [adminA.id] });
    const second = user(2, { roleIds: [ownerA.id] });
    const plan = planRemove([first, second], ROLES, { userIds: [first.id, second.id] }, contextOf([first, second]));
    expect(plan.commands).toEqual([{ name: 'removeUser', args: { orgId: ORG_A, userId: first.id } }]);
    expect(plan.skipped).toEqual([{ id: second.id, reason: 'Wingtip Toys needs another active Owner first: give someone the role, then remove User 2.' }]);
  });
});

describe('planSetRoles and the last administrator', () => {
  it('takes the Administrator role from all but the last holder, and lets a change that keeps one through', () => {
    const first = user(1, { roleIds: [adminA.id, memberA.id] });
    const second = user(2, { roleIds: [adminA.id] });
    const context = contextOf([first, second]);
    const plan = planSetRoles([first, second], ROLES, { userIds: [first.id, second.id], roleIds: [adminA.id], mode: 'remove' }, context);
    expect(plan.commands).toEqual([{ name: 'updateUser', args: { orgId: ORG_A, userId: first.id, version: 3, roleIds: [memberA.id] } }]);
    expect(plan.skipped).toEqual([{ id: second.id, reason: 'Wingtip Toys needs another active Administrator first: give someone the role, then take it from User 2.' }]);
    // Replacing Administrator by Owner keeps an administrator: allowed for both.
    const swap = planSetRoles([first, second], ROLES, { userIds: [first.id, second.id], roleIds: [ownerA.id], mode: 'replace' }, context);
    expect(swap.skipped).toEqual([]);
    expect(swap.commands).toHaveLength(2);
  });
});

describe('planInvite', () => {
  let counter = 0;
  const newId = () => uuid(++counter, 0xd);
  const orgUsers = [
    { email: 'ann@northwind.example', status: 'active' as const },
    { email: 'Pending@Northwind.example', status: 'pending' as const },
  ];

  it('reads a pasted list and invites the new, valid addresses in one command', () => {
    counter = 0;
    const pasted = 'new1@Northwind.EXAMPLE, new2@northwind.example;new3@northwind.example\n\tnew4@northwind.example  new5@northwind.example';
    const plan = planInvite({ orgId: ORG_A, emails: [pasted], roleIds: [memberA.id] }, { orgUsers, roles: ROLES, newId });
    expect(plan.commands).toEqual([
      {
        name: 'inviteUsers',
        args: {
          orgId: ORG_A,
          // The domain is lower-cased, the local part kept (shared/email.ts normalizeEmail).
          emails: ['new1@northwind.example', 'new2@northwind.example', 'new3@northwind.example', 'new4@northwind.example', 'new5@northwind.example'],
          roleIds: [memberA.id],
          ids: [1, 2, 3, 4, 5].map((n) => uuid(n, 0xd)),
        },
      },
    ]);
    expect(plan.skipped).toEqual([]);
    expectValidCommands(plan.commands);
  });

  it('skips invalid text, repeats within the paste and addresses that already have an account', () => {
    counter = 0;
    const plan = planInvite(
      {
        orgId: ORG_A,
        emails: ['new@northwind.example, NEW@northwind.example', 'not-an-address', 'ANN@northwind.example', 'pending@northwind.example', 'x@', 'new@northwind.example'],
        roleIds: [],
      },
      { orgUsers, roles: ROLES, newId },
    );
    expect(plan.commands).toEqual([
      { name: 'inviteUsers', args: { orgId: ORG_A, emails: ['new@northwind.example'], roleIds: [], ids: [uuid(1, 0xd)] } },
    ]);
    expect(plan.skipped).toEqual([
      { id: 'NEW@northwind.example', reason: 'Listed more than once.' },
      { id: 'not-an-address', reason: 'Not an email address.' },
      { id: 'ANN@northwind.example', reason: 'Already a user of this organization.' },
      { id: 'pending@northwind.example', reason: 'Already invited: resend the invitation instead.' },
      { id: 'x@', reason: expect.stringMatching(/valid email address/) },
      { id: 'new@northwind.example', reason: 'Listed more than once.' },
    ]);
    expect(plan.entries.filter((e) => e.outcome === 'invite').map((e) => e.email)).toEqual(['new@northwind.example']);
    expect(plan.entries.find((e) => e.input === 'not-an-address')).toEqual({
      input: 'not-an-address',
      email: null,
      outcome: 'invalid',
      reason: 'Not an email address.',
    });
  });

  it('accepts addresses as mail clients copy them: Name <address>', () => {
    const plan = planInvite(
      { orgId: ORG_A, emails: ['"Lee, Ann" <ann.lee@contoso.example>; Bo Chen <bo@contoso.example>'], roleIds: [] },
      { orgUsers: [], roles: ROLES },
    );
    expect(plan.commands).toHaveLength(1);
    expect(plan.commands[0]!.args).toMatchObject({ emails: ['ann.lee@contoso.example', 'bo@contoso.example'] });
    expect(plan.skipped).toEqual([]);
    expectValidCommands(plan.commands);
  });

  it('queues nothing when no address is left to invite', () => {
    const plan = planInvite({ orgId: ORG_A, emails: ['ann@northwind.example', ' ; '], roleIds: [] }, { orgUsers, roles: ROLES });
    expect(plan.commands).toEqual([]);
    expect(plan.skipped).toEqual([{ id: 'ann@northwind.example', reason: 'Already a user of this organization.' }]);
  });

  it('refuses roles of another organization with VALIDATION', () => {
    expect(() =>
      planInvite({ orgId: ORG_A, emails: ['x@y.example'], roleIds: [memberA.id, memberB.id] }, { orgUsers: [], roles: ROLES }),
    ).toThrowError(expect.objectContaining({ code: 'VALIDATION', details: [{ path: 'roleIds.1', message: 'Not a role of this organization' }] }));
    expect(() =>
      planInvite({ orgId: ORG_A, emails: ['x@y.example'], roleIds: [uuid(99, 0xb)] }, { orgUsers: [], roles: ROLES }),
    ).toThrowError(expect.objectContaining({ code: 'VALIDATION' }));
  });

  it('splits more than 500 addresses into several inviteUsers commands', () => {
    const emails = Array.from({ length: 1_203 }, (_, i) => `person${i}@contoso.example`);
    const plan = planInvite({ orgId: ORG_A, emails: [emails.join('\n')], roleIds: [] }, { orgUsers: [], roles: ROLES });
    const sizes = plan.commands.map((c) => (c.name === 'inviteUsers' ? c.args.emails.length : 0));
    expect(sizes).toEqual([MAX_INVITES_PER_COMMAND, MAX_INVITES_PER_COMMAND, 203]);
    const invited = plan.commands.flatMap((c) => (c.name === 'inviteUsers' ? c.args.emails : []));
    expect(invited).toEqual(emails);
    const ids = plan.commands.flatMap((c) => (c.name === 'inviteUsers' ? (c.args.ids ?? []) : []));
    expect(new Set(ids).size).toBe(1_203);
    expectValidCommands(plan.commands);
  });
});

describe('10,000 users', () => {
  // Half the organization holds a role the other half lacks; every fourth is an Administrator.
  const users = Array.from({ length: 10_000 }, (_, i) =>
    user(i + 1, {
      roleIds: i % 4 === 0 ? [adminA.id, memberA.id] : i % 2 === 0 ? [memberA.id] : [],
      status: i % 10 === 9 ? 'deactivated' : 'active',
    }),
  );
  const userIds = users.map((u) => u.id);

  // A quadratic planner would do 10^8 steps here; linear ones stay far below the test timeout.
  it('plans roles, deactivation and removal for all of them', () => {
    const context = contextOf(users);
    const add = planSetRoles(users, ROLES, { userIds, roleIds: [memberA.id], mode: 'add' }, context);
    expect(add.commands).toHaveLength(5_000);
    expect(add.skipped).toHaveLength(5_000);

    const deactivate = planDeactivate(users, ROLES, { userIds, removeAdminRole: true }, context);
    const admins = users.filter((u) => u.status === 'active' && u.roleIds.includes(adminA.id)).length;
    const active = users.filter((u) => u.status === 'active').length;
    // The last administrator stays: two commands fewer, one more skipped.
    expect(deactivate.commands).toHaveLength(active + admins - 2);
    expect(deactivate.skipped).toHaveLength(1_001);

    const remove = planRemove(users, ROLES, { userIds: [...userIds].reverse() }, context);
    expect(remove.commands).toHaveLength(9_999);
    expect(remove.commands[0]!.args).toMatchObject({ userId: userIds[9_999] });
  });
});

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILT_IN_ROLES, PERMISSIONS } from '@shared/domain/permissions';
import { testDatabases } from '../../test/support/service';
import { activeAdmins, auditOf, startCommandKit, type CommandKit } from '../../test/support/commands';

describe.each(testDatabases())('role commands (%s)', (database) => {
  let kit: CommandKit;
  beforeAll(async () => {
    kit = await startCommandKit(database);
  });
  afterAll(async () => {
    await kit?.close();
  });

  const rolesOf = (orgId: string) => `/v1/orgs/${orgId}/roles`;
  const roleRow = (id: string) => kit.one('SELECT * FROM roles WHERE id = $1', [id]);

  it('creates a custom role with a client-made id, audited', async () => {
    const orgId = await kit.orgId('Wingtip Toys');
    const id = randomUUID();
    const created = await kit.call('POST', rolesOf(orgId), { id, name: 'Auditors', description: 'Reads the audit log', permissions: ['audit.view', 'users.view'] });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id, orgId, name: 'Auditors', builtIn: false, builtInKey: null, permissions: ['audit.view', 'users.view'], version: 1 });
    expect((await auditOf(kit, id))[0]).toMatchObject({ action: 'createRole', entity: 'role' });
  });

  it('refuses a name already used in the organization, compared case-insensitively (VALIDATION on name)', async () => {
    const orgId = await kit.orgId('Wingtip Toys');
    const refused = await kit.expectRefused(orgId, 'VALIDATION', 400, () => kit.call('POST', rolesOf(orgId), { name: '  helpdesk ' }));
    expect(refused.error.details).toEqual([{ path: 'name', message: 'A role with this name already exists' }]);
    const billing = await kit.roleId(orgId, 'Billing');
    await kit.expectRefused(orgId, 'VALIDATION', 400, () => kit.call('PATCH', `${rolesOf(orgId)}/${billing}`, { version: 1, name: 'MEMBER' }));
  });

  it('renames, describes and edits the permissions of a built-in role; a stale version is a VERSION_CONFLICT', async () => {
    const orgId = await kit.orgId('Wingtip Toys');
    const billing = await kit.roleId(orgId, 'Billing');
    const path = `${rolesOf(orgId)}/${billing}`;
    const updated = await kit.call('PATCH', path, { version: 1, name: 'Finance', description: 'Money matters', permissions: ['billing.view', 'billing.edit', 'subscriptions.view'] });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ name: 'Finance', description: 'Money matters', builtIn: true, builtInKey: 'billing', version: 2 });
    expect(await roleRow(billing)).toMatchObject({ name_key: 'finance', version: 2 });
    const refused = await kit.expectRefused(orgId, 'VERSION_CONFLICT', 409, () => kit.call('PATCH', path, { version: 1, name: 'Stale' }));
    expect(refused.error.details.current).toMatchObject({ name: 'Finance', version: 2 });
    // A change of case only keeps its own name.
    expect((await kit.call('PATCH', path, { version: 2, name: 'FINANCE' })).body).toMatchObject({ name: 'FINANCE', version: 3 });
  });

  it('refuses editing the Administrator role so that nobody can administer the organization (LAST_ADMIN)', async () => {
    const orgId = await kit.orgId('Wingtip Toys');
    const admins = await activeAdmins(kit, orgId);
    const owner = await kit.roleId(orgId, 'Owner');
    expect(admins.every((user) => !(user['role_ids'] as string[]).includes(owner))).toBe(true);
    const administrator = await kit.roleId(orgId, 'Administrator');
    const path = `${rolesOf(orgId)}/${administrator}`;
    const refused = await kit.expectRefused(orgId, 'LAST_ADMIN', 409, () => kit.call('PATCH', path, { version: 1, permissions: PERMISSIONS.filter((p) => p !== 'users.manage') }));
    expect(refused.error.message).toBe(
      'Wingtip Toys needs another active administrator first: Administrator must keep users.manage and roles.manage while nobody holds another role that grants them.',
    );
    await kit.expectRefused(orgId, 'LAST_ADMIN', 409, () => kit.call('PATCH', path, { version: 1, permissions: [] }));
    // Permissions that do not keep the organization administrable may go; renaming is always fine.
    const trimmed = await kit.call('PATCH', path, { version: 1, name: 'Admins', permissions: PERMISSIONS.filter((p) => p !== 'audit.view') });
    expect(trimmed.status).toBe(200);
    expect(trimmed.body).toMatchObject({ name: 'Admins', builtInKey: 'administrator' });
  });

  it('never deletes a built-in role (INVALID_TRANSITION) nor one still assigned (ROLE_IN_USE); deletes an unused custom role', async () => {
    const orgId = await kit.orgId('Adventure Works Legal');
    const member = await kit.roleId(orgId, 'Member');
    await kit.expectRefused(orgId, 'INVALID_TRANSITION', 409, () => kit.call('DELETE', `${rolesOf(orgId)}/${member}`));

    const reviewer = await kit.roleId(orgId, 'Finance Reviewer');
    const [holder] = await kit.rows("SELECT * FROM users WHERE org_id = $1 AND status = 'active' AND NOT ($2::uuid = ANY (role_ids)) ORDER BY email LIMIT 1", [orgId, reviewer]);
    const assigned = await kit.call('PATCH', `/v1/orgs/${orgId}/users/${String(holder?.['id'])}`, {
      version: holder?.['version'],
      roleIds: [...(holder?.['role_ids'] as string[]), reviewer],
    });
    expect(assigned.status).toBe(200);
    const inUse = await kit.expectRefused(orgId, 'ROLE_IN_USE', 409, () => kit.call('DELETE', `${rolesOf(orgId)}/${reviewer}`));
    expect(inUse.error.details).toEqual({ users: 1 });
    expect(inUse.error.message).toBe('Finance Reviewer is assigned to 1 user: unassign it from everyone first, then delete it.');

    // Unassigned, it goes; a deactivated or pending holder counts too, so unassign from everyone.
    await kit.call('PATCH', `/v1/orgs/${orgId}/users/${String(holder?.['id'])}`, { version: assigned.body.version, roleIds: holder?.['role_ids'] });
    const deleted = await kit.call('DELETE', `${rolesOf(orgId)}/${reviewer}`);
    expect(deleted.status).toBe(200);
    expect(deleted.body).toMatchObject({ id: reviewer, name: 'Finance Reviewer' });
    expect(await kit.rows('SELECT * FROM roles WHERE id = $1', [reviewer])).toHaveLength(0);
    expect(await kit.rows("SELECT * FROM tombstones WHERE entity_table = 'roles' AND id = $1", [reviewer])).toHaveLength(1);
    expect((await auditOf(kit, reviewer)).at(-1)).toMatchObject({ action: 'deleteRole', after: null });
  });

  describe('installing the built-in roles in a legacy organization', () => {
    it('creates the five roles, makes the legacy admins Administrators, and from then on keeps one', async () => {
      const orgId = await kit.orgId('Blue Yonder Logistics');
      expect(await kit.rows('SELECT * FROM roles WHERE org_id = $1 AND built_in', [orgId])).toHaveLength(0);
      // A custom role may already carry a built-in role's name.
      expect((await kit.call('POST', rolesOf(orgId), { name: 'Billing', permissions: ['billing.view'] })).status).toBe(201);
      // Before: the admin holds every permission individually, and nothing stops deactivating anyone.
      const admin = await kit.one('SELECT * FROM users WHERE email_key = $1', ['admin@blue-yonder-logistics.example']);
      expect(admin['permissions']).toEqual([...PERMISSIONS]);

      const installed = await kit.call('POST', `${rolesOf(orgId)}/built-in`);
      expect(installed.status).toBe(200);
      expect(installed.body.items.map((role: { builtInKey: string }) => role.builtInKey)).toEqual(BUILT_IN_ROLES.map((role) => role.key));
      expect(installed.body.items.map((role: { name: string }) => role.name)).toEqual(['Owner', 'Administrator', 'Billing (built-in)', 'Member', 'Read Only']);
      const administrator = installed.body.items[1].id;
      const after = await kit.one('SELECT * FROM users WHERE id = $1', [admin['id']]);
      expect(after['role_ids']).toEqual([...(admin['role_ids'] as string[]), administrator]);
      expect(after['version']).toBe(Number(admin['version']) + 1);
      expect((await auditOf(kit, String(admin['id']))).at(-1)).toMatchObject({ action: 'installBuiltInRoles' });
      expect(await kit.rows("SELECT * FROM audit_events WHERE org_id = $1 AND entity = 'role' AND action = 'installBuiltInRoles'", [orgId])).toHaveLength(5);

      // Now LAST_ADMIN holds for that organization.
      const path = `/v1/orgs/${orgId}/users/${String(admin['id'])}`;
      await kit.expectRefused(orgId, 'LAST_ADMIN', 409, () => kit.call('POST', `${path}/deactivate`));
      await kit.expectRefused(orgId, 'LAST_ADMIN', 409, () => kit.call('DELETE', path));
      await kit.expectRefused(orgId, 'LAST_ADMIN', 409, () => kit.call('PATCH', path, { version: after['version'], roleIds: [] }));
    });

    it('refuses to install them twice (INVALID_TRANSITION)', async () => {
      const legacy = await kit.orgId('Blue Yonder Logistics');
      await kit.expectRefused(legacy, 'INVALID_TRANSITION', 409, () => kit.call('POST', `${rolesOf(legacy)}/built-in`));
      const modern = await kit.orgId('Coho Winery');
      await kit.expectRefused(modern, 'INVALID_TRANSITION', 409, () => kit.call('POST', `${rolesOf(modern)}/built-in`));
    });
  });
});

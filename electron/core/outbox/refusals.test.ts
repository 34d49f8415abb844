import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSeatdeskError } from '@shared/errors';
import { PERMISSIONS } from '@shared/domain/permissions';
import { ADMIN_ROLE_KEYS } from '@shared/domain/role';
import { DEMO_NOW } from '../../../test/support/commands';
import { startTestService, type TestService } from '../../../test/support/service';
import { signedInTransport } from '../../../test/support/sync-transport';
import { adminContextOf, rolesOfOrgs, usersByIds } from '../app/view-rows';
import { planDeactivate, planRemove, planSetRoles } from '../bulk/plan';
import { openCacheDatabase, type CacheDatabase } from '../db/open';
import { createEventBus } from '../events/event-bus';
import { createSyncEngine, type SyncEngine } from '../sync/engine';
import type { CommandInput } from './queue';

/**
 * The app refuses up front what its copy already shows: a change that would break a rule on the
 * rows it holds throws the shared rule's refusal when it is queued, and nothing is queued or
 * changed. The service, sent the same change, answers the same code and the same sentence.
 */
describe('changes refused before they are queued', () => {
  let service: TestService;
  let db: CacheDatabase;
  let engine: SyncEngine;
  let dir: string;
  let token: string;
  let wingtip: string;
  let admin: { id: string; version: number; roleIds: string[]; firstName: string; lastName: string };
  let administratorRole: string;

  beforeAll(async () => {
    service = await startTestService({ now: DEMO_NOW });
    dir = mkdtempSync(join(tmpdir(), 'seatdesk-refusals-'));
    db = openCacheDatabase(join(dir, 'cache.db'));
    const { transport } = await signedInTransport(service, 'owner@northwind.example');
    engine = createSyncEngine({ db, transport, events: createEventBus(), now: () => DEMO_NOW });
    await engine.syncNow();
    token = (await service.signIn('owner@northwind.example')).accessToken;
    const [org] = await service.store.query<{ id: string }>("SELECT id FROM orgs WHERE name = 'Wingtip Toys'");
    wingtip = org!.id;
    const admins = await service.store.query<{ id: string; version: number; role_ids: string[]; first_name: string; last_name: string }>(
      `SELECT u.* FROM users u WHERE u.org_id = $1 AND u.status = 'active'
         AND EXISTS (SELECT 1 FROM roles r WHERE r.id = ANY (u.role_ids) AND r.built_in_key = ANY ($2::text[]))`,
      [wingtip, ADMIN_ROLE_KEYS],
    );
    // The issue's case: Wingtip Toys has one administrator.
    expect(admins).toHaveLength(1);
    const [row] = admins;
    admin = { id: row!.id, version: row!.version, roleIds: row!.role_ids, firstName: row!.first_name, lastName: row!.last_name };
    const [role] = await service.store.query<{ id: string }>("SELECT id FROM roles WHERE org_id = $1 AND built_in_key = 'administrator'", [wingtip]);
    administratorRole = role!.id;
  });
  afterAll(async () => {
    await engine?.stop();
    db?.close();
    rmSync(dir, { recursive: true, force: true });
    await service?.close();
  });

  const name = () => `${admin.firstName} ${admin.lastName}`;
  const cacheRows = () => db.prepare("SELECT id, version, data FROM users WHERE org_id = ? UNION ALL SELECT id, version, data FROM roles WHERE org_id = ? ORDER BY id").all(wingtip, wingtip);

  /** Queues the command: it must throw the code and message, leaving the outbox and the copy as they were. */
  function expectRefusedLocally(command: CommandInput, code: string, message: string): void {
    const before = cacheRows();
    let thrown: unknown;
    try {
      engine.queue([command]);
    } catch (error) {
      thrown = error;
    }
    expect(isSeatdeskError(thrown), String(thrown)).toBe(true);
    expect(thrown).toMatchObject({ code, message });
    expect(engine.status().pendingCount).toBe(0);
    expect(db.prepare('SELECT count(*) AS n FROM outbox').get()).toEqual({ n: 0 });
    expect(db.prepare('SELECT count(*) AS n FROM confirmed_rows').get()).toEqual({ n: 0 });
    expect(cacheRows()).toEqual(before);
  }

  /** The same change sent to the service: the same code and sentence. */
  async function expectServiceAnswers(method: string, path: string, body: unknown, code: string, message: string): Promise<void> {
    const answer = await service.call(method, path, { token, ...(body === undefined ? {} : { body }) });
    expect(answer.body?.error).toMatchObject({ code, message });
  }

  it('deactivating the only administrator: LAST_ADMIN with the people and organization named', async () => {
    const message = `Wingtip Toys needs another active Administrator first: give someone the role, then deactivate ${name()}.`;
    expectRefusedLocally({ name: 'deactivateUser', args: { orgId: wingtip, userId: admin.id } }, 'LAST_ADMIN', message);
    await expectServiceAnswers('POST', `/v1/orgs/${wingtip}/users/${admin.id}/deactivate`, undefined, 'LAST_ADMIN', message);
  });

  it('unticking Administrator on the only administrator', async () => {
    const message = `Wingtip Toys needs another active Administrator first: give someone the role, then take it from ${name()}.`;
    const roleIds = admin.roleIds.filter((id) => id !== administratorRole);
    expectRefusedLocally({ name: 'updateUser', args: { orgId: wingtip, userId: admin.id, version: admin.version, roleIds } }, 'LAST_ADMIN', message);
    await expectServiceAnswers('PATCH', `/v1/orgs/${wingtip}/users/${admin.id}`, { version: admin.version, roleIds }, 'LAST_ADMIN', message);
  });

  it('removing the only administrator', async () => {
    const message = `Wingtip Toys needs another active Administrator first: give someone the role, then remove ${name()}.`;
    expectRefusedLocally({ name: 'removeUser', args: { orgId: wingtip, userId: admin.id } }, 'LAST_ADMIN', message);
    await expectServiceAnswers('DELETE', `/v1/orgs/${wingtip}/users/${admin.id}`, undefined, 'LAST_ADMIN', message);
  });

  it('taking users.manage from the Administrator role while nobody else administers', async () => {
    const message =
      'Wingtip Toys needs another active administrator first: Administrator must keep users.manage and roles.manage while nobody holds another role that grants them.';
    const permissions = PERMISSIONS.filter((p) => p !== 'users.manage');
    expectRefusedLocally({ name: 'updateRole', args: { orgId: wingtip, roleId: administratorRole, version: 1, permissions } }, 'LAST_ADMIN', message);
    await expectServiceAnswers('PATCH', `/v1/orgs/${wingtip}/roles/${administratorRole}`, { version: 1, permissions }, 'LAST_ADMIN', message);
  });

  it('deleting a role still assigned: ROLE_IN_USE, saying how many hold it', async () => {
    const [role] = await service.store.query<{ id: string; name: string; n: number }>(
      `SELECT r.id, r.name, (SELECT count(*)::int FROM users u WHERE r.id = ANY (u.role_ids)) AS n
         FROM roles r WHERE r.org_id = $1 AND NOT r.built_in AND EXISTS (SELECT 1 FROM users u WHERE r.id = ANY (u.role_ids)) LIMIT 1`,
      [wingtip],
    );
    expect(role).toBeDefined();
    const message = `${role!.name} is assigned to ${role!.n} user${role!.n === 1 ? '' : 's'}: unassign it from everyone first, then delete it.`;
    expectRefusedLocally({ name: 'deleteRole', args: { orgId: wingtip, roleId: role!.id } }, 'ROLE_IN_USE', message);
    await expectServiceAnswers('DELETE', `/v1/orgs/${wingtip}/roles/${role!.id}`, undefined, 'ROLE_IN_USE', message);
  });

  it('the bulk planners leave the only administrator alone with the same sentence, and queue nothing for them', () => {
    const users = usersByIds(db, [admin.id]);
    const roles = rolesOfOrgs(db, [wingtip]);
    const context = adminContextOf(db, [wingtip], roles);
    expect(context.administrators.map((user) => user.id)).toEqual([admin.id]);
    for (const removeAdminRole of [true, false]) {
      expect(planDeactivate(users, roles, { userIds: [admin.id], removeAdminRole }, context)).toEqual({
        commands: [],
        skipped: [{ id: admin.id, reason: `Wingtip Toys needs another active Administrator first: give someone the role, then deactivate ${name()}.` }],
      });
    }
    expect(planRemove(users, roles, { userIds: [admin.id] }, context).commands).toEqual([]);
    const untick = planSetRoles(users, roles, { userIds: [admin.id], roleIds: [administratorRole], mode: 'remove' }, context);
    expect(untick.skipped.map((skip) => skip.reason)).toEqual([
      `Wingtip Toys needs another active Administrator first: give someone the role, then take it from ${name()}.`,
    ]);
  });

  it('lets the same change through once another administrator exists, and the service applies it', async () => {
    const [member] = await service.store.query<{ id: string; version: number; role_ids: string[] }>(
      "SELECT id, version, role_ids FROM users WHERE org_id = $1 AND status = 'active' AND id <> $2 ORDER BY email LIMIT 1",
      [wingtip, admin.id],
    );
    engine.queue([{ name: 'updateUser', args: { orgId: wingtip, userId: member!.id, version: member!.version, roleIds: [...member!.role_ids, administratorRole] } }]);
    // In the copy the hand-over is already there, so the first administrator may go (role first, then the deactivation).
    const users = usersByIds(db, [admin.id]);
    const roles = rolesOfOrgs(db, [wingtip]);
    const plan = planDeactivate(users, roles, { userIds: [admin.id], removeAdminRole: true }, adminContextOf(db, [wingtip], roles));
    expect(plan.skipped).toEqual([]);
    engine.queue(plan.commands);
    expect(engine.status().pendingCount).toBe(3);
    const status = await engine.syncNow();
    expect(status).toMatchObject({ pendingCount: 0, issueCount: 0 });
    const [after] = await service.store.query<{ status: string }>('SELECT status FROM users WHERE id = $1', [admin.id]);
    expect(after?.status).toBe('deactivated');
  });

  it("seats of a per-user plan, the same seats, a plan not on offer: the service's sentences, before anything is queued", async () => {
    const [perUser] = await service.store.query<{ id: string; org_id: string; product: string; plan: string }>(
      "SELECT id, org_id, product, plan FROM subscriptions WHERE basis = 'per_active_user' AND status = 'active' AND product = 'Seatdesk Pro' ORDER BY id LIMIT 1",
    );
    const [fixed] = await service.store.query<{ id: string; org_id: string; product: string; plan: string; quantity: number }>(
      "SELECT id, org_id, product, plan, quantity FROM subscriptions WHERE basis = 'fixed_quantity' AND status = 'active' ORDER BY id LIMIT 1",
    );
    const path = (row: { id: string; org_id: string }) => `/v1/orgs/${row.org_id}/subscriptions/${row.id}`;
    const seatsMessage = `${perUser!.product} (${perUser!.plan}) is billed per active user: its seats follow the active users and cannot be set.`;
    expectRefusedLocally({ name: 'changeSubscriptionQuantity', args: { orgId: perUser!.org_id, subscriptionId: perUser!.id, quantity: 40 } }, 'INVALID_TRANSITION', seatsMessage);
    await expectServiceAnswers('POST', `${path(perUser!)}/quantity`, { quantity: 40 }, 'INVALID_TRANSITION', seatsMessage);

    const same = `${fixed!.product} (${fixed!.plan}) already has ${fixed!.quantity} ${fixed!.quantity === 1 ? 'seat' : 'seats'}.`;
    expectRefusedLocally({ name: 'changeSubscriptionQuantity', args: { orgId: fixed!.org_id, subscriptionId: fixed!.id, quantity: fixed!.quantity } }, 'VALIDATION', same);
    await expectServiceAnswers('POST', `${path(fixed!)}/quantity`, { quantity: fixed!.quantity }, 'VALIDATION', same);

    const gold = 'Seatdesk Pro can move to Standard or Partner, not to Gold.';
    expect(perUser!.plan).toBe('Business');
    expectRefusedLocally({ name: 'changeSubscriptionPlan', args: { orgId: perUser!.org_id, subscriptionId: perUser!.id, plan: 'Gold' } }, 'VALIDATION', gold);
    await expectServiceAnswers('POST', `${path(perUser!)}/plan`, { plan: 'Gold' }, 'VALIDATION', gold);
  });
});

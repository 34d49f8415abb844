import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandInput } from './queue';
import { SYNCED_ENTITY_NAMES, type SyncedEntityName } from '@shared/sync/protocol';
import { ADMIN_ROLE_KEYS } from '@shared/domain/role';
import { ENTITY_TABLES as SERVICE_TABLES } from '../../../service/db/rows';
import { DEMO_NOW } from '../../../test/support/commands';
import { startTestService, type TestService } from '../../../test/support/service';
import { signedInTransport } from '../../../test/support/sync-transport';
import { ENTITY_TABLES } from '../db/entity-tables';
import { openCacheDatabase, type CacheDatabase } from '../db/open';
import { createEventBus } from '../events/event-bus';
import { createSyncEngine, type SyncEngine } from '../sync/engine';
import { derivedId } from './mutators';

/**
 * The local mutators mirror the service: every command of the catalogue is queued against a real
 * bootstrapped copy, the optimistic view is kept, then the queue is pushed and pulled. The
 * optimistic rows must equal what the service made of them, field by field and version by
 * version (the clocks agree on DEMO_NOW), except the ids only the service chooses.
 */
describe('local mutators against the service', () => {
  let service: TestService;
  let db: CacheDatabase;
  let engine: SyncEngine;
  let dir: string;

  beforeAll(async () => {
    service = await startTestService({ now: DEMO_NOW });
    dir = mkdtempSync(join(tmpdir(), 'seatdesk-mutators-'));
    db = openCacheDatabase(join(dir, 'cache.db'));
    const { transport } = await signedInTransport(service, 'owner@northwind.example');
    engine = createSyncEngine({ db, transport, events: createEventBus(), now: () => DEMO_NOW });
    await engine.syncNow();
  });
  afterAll(async () => {
    await engine?.stop();
    db?.close();
    rmSync(dir, { recursive: true, force: true });
    await service?.close();
  });

  async function one<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T> {
    const [row] = await service.store.query<T>(sql, params);
    if (row === undefined) throw new Error(`no row for ${sql} ${JSON.stringify(params)}`);
    return row;
  }
  const id = async (sql: string, params: unknown[] = []) => (await one<{ id: string }>(sql, params)).id;
  const orgId = (name: string) => id('SELECT id FROM orgs WHERE name = $1', [name]);
  // $2 binds the shared list of administrator roles (ADMIN_ROLE_KEYS).
  const NOT_ADMIN = `NOT EXISTS (SELECT 1 FROM roles r WHERE r.id = ANY (u.role_ids) AND r.built_in_key = ANY ($2::text[]))`;
  const version = async (table: string, rowId: string) => (await one<{ version: number }>(`SELECT version FROM ${table} WHERE id = $1`, [rowId])).version;

  type Snapshot = Record<string, Record<string, { orgId: string; version: number; data: unknown }>>;
  function snapshot(): Snapshot {
    const all: Snapshot = {};
    for (const entity of SYNCED_ENTITY_NAMES.filter((e) => e !== 'audit_event')) {
      const rows = db.prepare(`SELECT id, org_id, version, data FROM ${ENTITY_TABLES[entity]}`).all() as { id: string; org_id: string; version: number; data: string }[];
      all[entity] = Object.fromEntries(rows.map((r) => [r.id, { orgId: r.org_id, version: r.version, data: JSON.parse(r.data) as unknown }]));
    }
    return all;
  }

  it('gives every command of the catalogue the effect the service gives it', async () => {
    const margies = await orgId("Margie's Travel");
    const contoso = await orgId('Contoso Dental');
    const coho = await orgId('Coho Winery');
    const wingtip = await orgId('Wingtip Toys');
    const blueYonder = await orgId('Blue Yonder Logistics');
    const fabrikam = await orgId('Fabrikam IT Partners');
    const tailspin = await orgId('Tailspin Solutions');
    const northwind = await orgId('Northwind MSP');
    const alpine = await orgId('Alpine Ski House');
    const adventure = await orgId('Adventure Works Legal');

    const toActivate = await id("SELECT id FROM users WHERE org_id = $1 AND status = 'deactivated' LIMIT 1", [margies]);
    const toDeactivate = await id(`SELECT id FROM users u WHERE org_id = $1 AND status = 'active' AND ${NOT_ADMIN} ORDER BY email LIMIT 1`, [margies, ADMIN_ROLE_KEYS]);
    const toEdit = await id(`SELECT id FROM users u WHERE org_id = $1 AND status = 'active' AND ${NOT_ADMIN} ORDER BY email DESC LIMIT 1`, [margies, ADMIN_ROLE_KEYS]);
    const pendingUser = await id("SELECT id FROM users WHERE org_id = $1 AND status = 'pending' LIMIT 1", [margies]);
    // A billing contact and the provider's primary contact: removing them unlinks both.
    const billingUser = await id("SELECT id FROM users WHERE email_key = 'billing@northwind.example'");
    const billingRole = await id("SELECT id FROM roles WHERE org_id = $1 AND built_in_key = 'billing'", [margies]);
    const cohoContact = await id('SELECT id FROM billing_contacts WHERE org_id = $1 AND user_id IS NOT NULL', [coho]);
    const cohoTyped = await id('SELECT id FROM billing_contacts WHERE org_id = $1 AND user_id IS NULL LIMIT 1', [coho]);
    const contractSub = await id("SELECT id FROM subscriptions WHERE org_id = $1 AND status = 'active' AND contract_end IS NOT NULL", [contoso]);
    const plainSub = await id("SELECT id FROM subscriptions WHERE org_id = $1 AND status = 'active' AND contract_end IS NULL", [contoso]);
    const trialSub = await id("SELECT id FROM subscriptions WHERE org_id = $1 AND status = 'trial'", [contoso]);
    const scheduledContract = await id("SELECT id FROM subscriptions WHERE org_id = $1 AND status = 'cancel_scheduled'", [adventure]);
    const scheduledTrial = await id("SELECT id FROM subscriptions WHERE org_id = $1 AND status = 'cancel_scheduled'", [alpine]);
    const cancelledSub = await id("SELECT id FROM subscriptions WHERE org_id = $1 AND status = 'cancelled'", [blueYonder]);
    // Seats and plan: a fixed-seat and a per-user subscription outside the organizations above.
    const seatSub = await id(
      "SELECT id FROM subscriptions WHERE basis = 'fixed_quantity' AND status = 'active' AND interval = 'monthly' AND org_id <> ALL ($1::uuid[]) ORDER BY id LIMIT 1",
      [[contoso, blueYonder, adventure, alpine]],
    );
    const seatSubOrg = (await one<{ org_id: string }>('SELECT org_id FROM subscriptions WHERE id = $1', [seatSub])).org_id;
    const planSub = await id(
      "SELECT id FROM subscriptions WHERE product = 'Seatdesk Pro' AND plan = 'Business' AND status = 'active' AND org_id <> ALL ($1::uuid[]) ORDER BY id LIMIT 1",
      [[contoso, blueYonder, adventure, alpine]],
    );
    const planSubOrg = (await one<{ org_id: string }>('SELECT org_id FROM subscriptions WHERE id = $1', [planSub])).org_id;
    const otherCard = await id('SELECT id FROM payment_methods WHERE org_id = $1 AND NOT is_default', [contoso]);
    const spareCard = await id('SELECT id FROM payment_methods WHERE org_id = $1 AND NOT is_default', [alpine]);
    const newOrg = crypto.randomUUID();
    const customRole = crypto.randomUUID();
    const doomedRole = crypto.randomUUID();

    const commands: CommandInput[] = [
      { name: 'createUser', args: { orgId: margies, firstName: 'Quinn', lastName: 'Offline', email: 'Quinn.Offline@Margies-Travel.example', active: false } },
      { name: 'updateUser', args: { orgId: margies, userId: toEdit, version: await version('users', toEdit), firstName: 'Edited', roleIds: [billingRole], permissions: ['audit.view'] } },
      { name: 'activateUser', args: { orgId: margies, userId: toActivate } },
      { name: 'deactivateUser', args: { orgId: margies, userId: toDeactivate } },
      { name: 'removeUser', args: { orgId: northwind, userId: billingUser } },
      { name: 'inviteUsers', args: { orgId: margies, emails: ['ann.de.vries@margies-travel.example', 'solo@margies-travel.example'], roleIds: [billingRole] } },
      { name: 'resendInvitation', args: { orgId: margies, userId: pendingUser } },
      { name: 'createRole', args: { orgId: wingtip, id: customRole, name: 'Auditors', description: 'Reads the log', permissions: ['audit.view'] } },
      { name: 'createRole', args: { orgId: wingtip, id: doomedRole, name: 'Temporary' } },
      { name: 'updateRole', args: { orgId: wingtip, roleId: customRole, version: 1, name: 'Log Auditors', permissions: ['audit.view', 'users.view'] } },
      { name: 'deleteRole', args: { orgId: wingtip, roleId: doomedRole } },
      { name: 'installBuiltInRoles', args: { orgId: blueYonder } },
      { name: 'addBillingContact', args: { orgId: coho, email: 'ap@coho-winery.example', kinds: ['invoices', 'payment_reminders'] } },
      { name: 'updateBillingContact', args: { orgId: coho, contactId: cohoContact, version: await version('billing_contacts', cohoContact), kinds: ['account_notices'] } },
      { name: 'removeBillingContact', args: { orgId: coho, contactId: cohoTyped } },
      { name: 'cancelSubscription', args: { orgId: contoso, subscriptionId: contractSub } },
      { name: 'cancelSubscription', args: { orgId: contoso, subscriptionId: plainSub } },
      { name: 'cancelSubscription', args: { orgId: contoso, subscriptionId: trialSub } },
      { name: 'removeScheduledCancellation', args: { orgId: adventure, subscriptionId: scheduledContract } },
      { name: 'removeScheduledCancellation', args: { orgId: alpine, subscriptionId: scheduledTrial } },
      { name: 'reactivateSubscription', args: { orgId: blueYonder, subscriptionId: cancelledSub } },
      { name: 'changeSubscriptionQuantity', args: { orgId: seatSubOrg, subscriptionId: seatSub, quantity: 37 } },
      { name: 'changeSubscriptionPlan', args: { orgId: planSubOrg, subscriptionId: planSub, plan: 'Standard' } },
      {
        name: 'createOrg',
        args: { id: newOrg, parentId: fabrikam, kind: 'customer', name: 'Offline Bakery', accountEmail: 'office@offline-bakery.example', admin: { firstName: 'Bea', lastName: 'Baker', email: 'bea@offline-bakery.example' },
          billingEmail: 'invoices@offline-bakery.example',
          billingAddress: { line1: 'Bakkerstraat 3', line2: null, city: 'Utrecht', postalCode: '3511 AA', region: null, country: 'NL' },
          subscription: { product: 'Seatdesk Backup', plan: 'Business', currency: 'EUR', quantity: 5 },
        },
      },
      {
        name: 'updateOrg',
        args: {
          orgId: tailspin,
          version: await version('orgs', tailspin),
          name: 'Tailspin Solutions B.V.',
          billingEmail: 'ap@tailspin-solutions.example',
          vatNumber: null,
          billingAddress: { line1: 'Main Street 1', line2: null, city: 'Leiden', postalCode: '2311 AA', region: null, country: 'NL' },
        },
      },
      { name: 'setDefaultPaymentMethod', args: { orgId: contoso, paymentMethodId: otherCard } },
      { name: 'removePaymentMethod', args: { orgId: alpine, paymentMethodId: spareCard } },
    ];
    // A second command on a row the first changed: it names the version the first leads to.
    commands.push({ name: 'removeScheduledCancellation', args: { orgId: contoso, subscriptionId: contractSub } });
    const names = new Set(commands.map((c) => c.name));
    expect(names.size).toBe(23);

    for (const command of commands) engine.queue([command]);
    expect(engine.status().pendingCount).toBe(commands.length);
    const optimistic = snapshot();

    // Every row a command wrote has its confirmed copy: the old row, or NULL for a new one.
    const confirmed = (entity: SyncedEntityName, rowId: string) => db.prepare('SELECT version, data FROM confirmed_rows WHERE entity = ? AND id = ?').get(entity, rowId) as { version: number | null; data: string | null } | undefined;
    expect(confirmed('user', billingUser)).toMatchObject({ version: 1 });
    expect(JSON.parse(confirmed('user', billingUser)!.data!)).toMatchObject({ email: 'billing@northwind.example' });
    expect(confirmed('organization', newOrg)).toEqual({ version: null, data: null });
    expect(confirmed('subscription', contractSub)).toMatchObject({ version: 1 });
    const outbox = db.prepare('SELECT name, base_version FROM outbox WHERE entity_id = ? ORDER BY mutation_id').all(contractSub);
    expect(outbox).toEqual([
      { name: 'cancelSubscription', base_version: 1 },
      { name: 'removeScheduledCancellation', base_version: 2 },
    ]);

    const status = await engine.syncNow();
    expect(engine.listIssues().map((issue) => issue.message)).toEqual([]);
    expect(status).toMatchObject({ state: 'online', pendingCount: 0, issueCount: 0 });

    // The ids only the service chooses: the new organization's roles and administrator, the roles
    // installed in the legacy organization, and a reactivated subscription's new environment.
    let text = JSON.stringify(optimistic);
    for (const org of [newOrg, blueYonder]) {
      for (const role of await service.store.query<{ id: string; built_in_key: string }>('SELECT id, built_in_key FROM roles WHERE org_id = $1 AND built_in_key IS NOT NULL', [org])) {
        text = text.replaceAll(derivedId(`${org}:built-in-role:${role.built_in_key}`), role.id);
      }
    }
    text = text.replaceAll(derivedId(`${newOrg}:first-administrator`), await id('SELECT id FROM users WHERE org_id = $1', [newOrg]));
    // The new organization's first subscription: its id, license key and environment are the service's.
    const first = await one<{ id: string; license_key: string; environment_id: string }>('SELECT id, license_key, environment_id FROM subscriptions WHERE org_id = $1', [newOrg]);
    text = text
      .replaceAll(derivedId(`${newOrg}:first-subscription`), first.id)
      .replaceAll(derivedId(`${newOrg}:first-subscription-environment`), first.environment_id)
      .replaceAll('Issued when synced', first.license_key);
    const expected = JSON.parse(text) as Snapshot;
    const environment = await one<{ environment_id: string }>('SELECT environment_id FROM subscriptions WHERE id = $1', [cancelledSub]);
    (expected['subscription']![cancelledSub]!.data as { environmentId: string }).environmentId = environment.environment_id;

    const actual = snapshot();
    for (const entity of Object.keys(actual)) expect(actual[entity], entity).toEqual(expected[entity]);

    // And the copy is the service's, row by row.
    for (const entity of SYNCED_ENTITY_NAMES) {
      const { table, toWire } = SERVICE_TABLES[entity];
      const rows = await service.store.query<Record<string, unknown>>(`SELECT * FROM ${table}`);
      const theirs = Object.fromEntries(rows.map((row) => [String(row['id']), { orgId: String(row['org_id']), version: Number(row['version'] ?? 1), data: toWire(row) }]));
      const mine = Object.fromEntries(
        (db.prepare(`SELECT id, org_id, version, data FROM ${ENTITY_TABLES[entity]}`).all() as { id: string; org_id: string; version: number; data: string }[]).map((r) => [
          r.id,
          { orgId: r.org_id, version: r.version, data: JSON.parse(r.data) as unknown },
        ]),
      );
      expect(mine, entity).toEqual(theirs);
    }
  });
});

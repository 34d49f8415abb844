import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILT_IN_ROLES } from '@shared/domain/permissions';
import { testDatabases } from '../../test/support/service';
import { DEMO_NOW, auditOf, startCommandKit, type CommandKit } from '../../test/support/commands';

const ADDRESS = { line1: 'Herengracht 1', line2: null, city: 'Amsterdam', postalCode: '1017 CT', region: null, country: 'nl' };

describe.each(testDatabases())('organization commands (%s)', (database) => {
  let kit: CommandKit;
  beforeAll(async () => {
    kit = await startCommandKit(database);
  });
  afterAll(async () => {
    await kit?.close();
  });

  const newOrg = (parentId: string, kind: string, name: string, slug: string) => ({
    parentId,
    kind,
    name,
    accountEmail: `office@${slug}.example`,
    admin: { firstName: 'Grace', lastName: 'Hopper', email: `grace@${slug}.example` },
  });

  it('creates a customer below a reseller with the built-in roles and an active Administrator who is mailed a link', async () => {
    const parentId = await kit.orgId('Fabrikam IT Partners');
    const parent = await kit.one('SELECT * FROM orgs WHERE id = $1', [parentId]);
    const id = randomUUID();
    const created = await kit.call('POST', '/v1/orgs', { id, ...newOrg(parentId, 'customer', 'Fourth Coffee', 'fourth-coffee') });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      id,
      orgId: id,
      parentId,
      kind: 'customer',
      name: 'Fourth Coffee',
      accountEmail: 'office@fourth-coffee.example',
      taxRate: parent['tax_rate'],
      version: 1,
      createdAt: DEMO_NOW.toISOString(),
    });

    const roles = await kit.rows('SELECT * FROM roles WHERE org_id = $1 ORDER BY name', [id]);
    expect(roles.map((r) => r['built_in_key']).sort()).toEqual(BUILT_IN_ROLES.map((r) => r.key).sort());
    const administrator = roles.find((r) => r['built_in_key'] === 'administrator');
    const [admin, ...others] = await kit.rows('SELECT * FROM users WHERE org_id = $1', [id]);
    expect(others).toHaveLength(0);
    expect(admin).toMatchObject({ email: 'grace@fourth-coffee.example', status: 'active', role_ids: [administrator?.['id']], must_reset_password: true });
    expect(created.body.primaryContactUserId).toBe(admin?.['id']);
    const mail = await kit.rows("SELECT * FROM mail_outbox WHERE recipient = 'grace@fourth-coffee.example'");
    expect(mail).toMatchObject([{ kind: 'invitation', org_id: id }]);
    expect(await kit.rows('SELECT * FROM invitations WHERE user_id = $1', [admin?.['id']])).toHaveLength(1);
    expect((await auditOf(kit, id))[0]).toMatchObject({ action: 'createOrg', entity: 'organization', before: null });
    expect(await kit.rows('SELECT * FROM audit_events WHERE org_id = $1', [id])).toHaveLength(7);

    // The new organization is in the creator's scope straight away, and its admin rule holds.
    const patched = await kit.call('PATCH', `/v1/orgs/${id}`, { version: 1, billingEmail: 'invoices@fourth-coffee.example' });
    expect(patched.status).toBe(200);
    await kit.expectRefused(id, 'LAST_ADMIN', 409, () => kit.call('POST', `/v1/orgs/${id}/users/${String(admin?.['id'])}/deactivate`));
  });

  it('creates a reseller below the provider', async () => {
    const created = await kit.call('POST', '/v1/orgs', newOrg(await kit.orgId('Northwind MSP'), 'reseller', 'Litware Systems', 'litware'));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ kind: 'reseller', taxRate: 2100 });
  });

  it('refuses a kind that does not fit the parent (VALIDATION), creating nothing', async () => {
    const count = async () => (await kit.rows('SELECT id FROM orgs')).length;
    const before = await count();
    const reseller = await kit.orgId('Tailspin Solutions');
    const belowReseller = await kit.expectRefused(reseller, 'VALIDATION', 400, () => kit.call('POST', '/v1/orgs', newOrg(reseller, 'reseller', 'Sub Reseller', 'sub')));
    expect(belowReseller.error.details).toEqual([{ path: 'kind', message: expect.any(String) }]);
    const customer = await kit.orgId('Coho Winery');
    await kit.expectRefused(customer, 'VALIDATION', 400, () => kit.call('POST', '/v1/orgs', newOrg(customer, 'customer', 'Sub Customer', 'sub')));
    await kit.expectRefused(customer, 'VALIDATION', 400, () => kit.call('POST', '/v1/orgs', newOrg(customer, 'provider', 'Sub Provider', 'sub')));
    expect(await count()).toBe(before);
  });

  it('creates only where the caller has orgs.manage in scope (NOT_FOUND outside, FORBIDDEN without it)', async () => {
    const provider = await kit.orgId('Northwind MSP');
    const customerAdmin = await kit.test.signIn('admin@coho-winery.example');
    await kit.expectRefused(provider, 'NOT_FOUND', 404, () => kit.call('POST', '/v1/orgs', newOrg(provider, 'customer', 'Upward', 'upward'), customerAdmin.accessToken));
    const billing = await kit.test.signIn('billing@northwind.example');
    await kit.expectRefused(provider, 'FORBIDDEN', 403, () => kit.call('POST', '/v1/orgs', newOrg(provider, 'customer', 'Nope', 'nope'), billing.accessToken));
  });

  it('updates account details with the version it read; a stale version is a VERSION_CONFLICT', async () => {
    const orgId = await kit.orgId('Coho Winery');
    const before = await kit.one('SELECT * FROM orgs WHERE id = $1', [orgId]);
    const version = Number(before['version']);
    const contact = await kit.userId('admin@coho-winery.example');
    const updated = await kit.call('PATCH', `/v1/orgs/${orgId}`, {
      version,
      name: 'Coho Vineyard & Winery',
      vatNumber: 'NL123456789B01',
      billingAddress: ADDRESS,
      shippingAddress: null,
      billingEmail: null,
      primaryContactUserId: contact,
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({
      name: 'Coho Vineyard & Winery',
      vatNumber: 'NL123456789B01',
      billingAddress: { ...ADDRESS, country: 'NL' },
      shippingAddress: null,
      billingEmail: null,
      primaryContactUserId: contact,
      accountEmail: before['account_email'],
      version: version + 1,
    });
    expect((await auditOf(kit, orgId)).at(-1)).toMatchObject({ action: 'updateOrg', entity: 'organization' });
    const stale = await kit.expectRefused(orgId, 'VERSION_CONFLICT', 409, () => kit.call('PATCH', `/v1/orgs/${orgId}`, { version, name: 'Lost' }));
    expect(stale.error.details.current).toMatchObject({ name: 'Coho Vineyard & Winery', version: version + 1 });
  });

  it('refuses a primary contact from another organization and an invalid VAT number (VALIDATION), changing nothing', async () => {
    const orgId = await kit.orgId("Margie's Travel");
    const { version } = await kit.one('SELECT version FROM orgs WHERE id = $1', [orgId]);
    const outsider = await kit.userId('admin@wingtip-toys.example');
    const refused = await kit.expectRefused(orgId, 'VALIDATION', 400, () => kit.call('PATCH', `/v1/orgs/${orgId}`, { version, primaryContactUserId: outsider }));
    expect(refused.error.details).toEqual([{ path: 'primaryContactUserId', message: expect.any(String) }]);
    await kit.expectRefused(orgId, 'VALIDATION', 400, () => kit.call('PATCH', `/v1/orgs/${orgId}`, { version, vatNumber: 'NL12' }));
  });
});

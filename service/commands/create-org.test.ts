import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILT_IN_ROLES } from '@shared/domain/permissions';
import { testDatabases } from '../../test/support/service';
import { DEMO_NOW, activeAdmins, auditOf, startCommandKit, type CommandKit } from '../../test/support/commands';

const ADDRESS = { line1: 'Bakkerstraat 3', line2: null, city: 'Utrecht', postalCode: '3511 AA', region: null, country: 'NL' };

describe.each(testDatabases())('creating an organization with its billing details and plan (%s)', (database) => {
  let kit: CommandKit;
  beforeAll(async () => {
    kit = await startCommandKit(database);
  });
  afterAll(async () => {
    await kit?.close();
  });

  const body = (parentId: string, slug: string, extra: Record<string, unknown> = {}) => ({
    parentId,
    kind: 'customer',
    name: `${slug} Ltd`,
    accountEmail: `office@${slug}.example`,
    admin: { firstName: 'Ada', lastName: 'Lovelace', email: `ada@${slug}.example` },
    ...extra,
  });

  it("a reseller's administrator creates a customer with billing email, address and first plan, and keeps access to it", async () => {
    const fabrikam = await kit.orgId('Fabrikam IT Partners');
    const [resellerAdmin] = await activeAdmins(kit, fabrikam);
    const session = await kit.test.signIn(String(resellerAdmin?.['email']));
    const id = randomUUID();
    const created = await kit.call(
      'POST',
      '/v1/orgs',
      body(fabrikam, 'bakery', { id, billingEmail: 'invoices@bakery.example', billingAddress: ADDRESS, subscription: { product: 'Seatdesk Backup', plan: 'Business', currency: 'GBP', quantity: 5 } }),
      session.accessToken,
    );
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ id, parentId: fabrikam, kind: 'customer', billingEmail: 'invoices@bakery.example', billingAddress: ADDRESS });

    // The built-in roles are installed, the first subscription is on the price list's price in GBP.
    const roles = await kit.rows('SELECT built_in_key FROM roles WHERE org_id = $1', [id]);
    expect(roles.map((role) => role['built_in_key']).sort()).toEqual(BUILT_IN_ROLES.map((role) => role.key).sort());
    const subscriptions = await kit.call('GET', `/v1/orgs/${id}/subscriptions`, undefined, session.accessToken);
    expect(subscriptions.status).toBe(200);
    const items = (subscriptions.body as { items: unknown[] }).items;
    expect(items).toEqual([
      expect.objectContaining({ orgId: id, product: 'Seatdesk Backup', plan: 'Business', basis: 'fixed_quantity', quantity: 5, unitPrice: 260, currency: 'GBP', status: 'active', createdAt: DEMO_NOW.toISOString() }),
    ]);
    expect(JSON.stringify(items)).toMatch(/"licenseKey":"SD-[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}"/);
    expect((await auditOf(kit, (items[0] as { id: string }).id)).map((event) => event['action'])).toEqual(['createOrg']);

    // The creator's reseller and the provider above it both keep access.
    expect((await kit.call('GET', `/v1/orgs/${id}/users`, undefined, session.accessToken)).status).toBe(200);
    expect((await kit.call('GET', `/v1/orgs/${id}`)).status).toBe(200);
  });

  it('without the optional parts it makes no subscription and leaves billing details empty', async () => {
    const created = await kit.call('POST', '/v1/orgs', body(await kit.orgId('Northwind MSP'), 'plain'));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ billingEmail: null, billingAddress: null });
    expect(await kit.rows('SELECT * FROM subscriptions WHERE org_id = $1', [created.body.id])).toEqual([]);
  });

  it('refuses a plan not on the price list, a currency it is not sold in, and a bad address, creating nothing', async () => {
    const fabrikam = await kit.orgId('Fabrikam IT Partners');
    const notListed = await kit.expectRefused(fabrikam, 'VALIDATION', 400, () =>
      kit.call('POST', '/v1/orgs', body(fabrikam, 'gold', { subscription: { product: 'Seatdesk Backup', plan: 'Gold', currency: 'EUR' } })),
    );
    expect(notListed.error.message).toBe('Seatdesk Backup (Gold) is not on the price list.');
    const usd = await kit.expectRefused(fabrikam, 'VALIDATION', 400, () =>
      kit.call('POST', '/v1/orgs', body(fabrikam, 'dollar', { subscription: { product: 'Seatdesk Backup', plan: 'Business', currency: 'USD' } })),
    );
    expect(usd.error.message).toBe('Seatdesk Backup (Business) is sold in EUR or GBP, not in USD.');
    await kit.expectRefused(fabrikam, 'VALIDATION', 400, () => kit.call('POST', '/v1/orgs', body(fabrikam, 'noaddress', { billingAddress: { ...ADDRESS, city: '' } })));
    await kit.expectRefused(fabrikam, 'VALIDATION', 400, () => kit.call('POST', '/v1/orgs', body(fabrikam, 'bademail', { billingEmail: 'not an email' })));
    expect(await kit.rows("SELECT * FROM orgs WHERE name IN ('gold Ltd', 'dollar Ltd', 'noaddress Ltd', 'bademail Ltd')")).toEqual([]);
  });
});

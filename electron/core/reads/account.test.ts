import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Organization } from '@shared/domain/organization';
import type { User } from '@shared/domain/user';
import { startDemoCache, type DemoCache, editRow } from '../../../test/support/cache-fixture';
import { getAccount } from './account';
import { listBillingContacts } from './billing-contacts';
import { listPaymentMethods } from './payment-methods';

let cache: DemoCache;
let orgs: Organization[];
beforeAll(async () => {
  cache = await startDemoCache();
  orgs = (await cache.get('/v1/orgs')).items;
});
afterAll(async () => {
  await cache?.close();
});

const UNKNOWN = '00000000-0000-4000-8000-000000000000';

describe('getAccount', () => {
  it('answers every organization\'s account details as GET /v1/orgs/:orgId does, with the primary contact\'s email', async () => {
    let withContact = 0;
    for (const org of orgs) {
      const account = await cache.get(`/v1/orgs/${org.id}`);
      const { items: users } = (await cache.get(`/v1/orgs/${org.id}/users`)) as { items: User[] };
      const contact = users.find((u) => u.id === account.primaryContactUserId);
      expect(getAccount(cache.db, org.id), org.name).toEqual({ ...account, pending: false, primaryContactEmail: contact?.email ?? null });
      if (contact !== undefined) withContact += 1;
    }
    expect(withContact).toBeGreaterThan(0);
  });

  it('follows a pending change of primary contact, and shows the account pending', () => {
    const orgId = cache.orgId('Coho Winery');
    const userId = cache.userId('admin@coho-winery.example');
    cache.scratch(() => {
      cache.db.prepare("INSERT INTO confirmed_rows (entity, id, org_id, version, data) SELECT 'organization', id, org_id, version, data FROM organizations WHERE id = ?").run(orgId);
      editRow(cache.db, 'organization', orgId, { primaryContactUserId: userId });
      expect(getAccount(cache.db, orgId)).toMatchObject({ pending: true, primaryContactUserId: userId, primaryContactEmail: 'admin@coho-winery.example' });
      editRow(cache.db, 'organization', orgId, { primaryContactUserId: null });
      expect(getAccount(cache.db, orgId)?.primaryContactEmail).toBeNull();
      // A contact id naming a user of another organization is no contact of this one.
      editRow(cache.db, 'organization', orgId, { primaryContactUserId: cache.userId('owner@northwind.example') });
      expect(getAccount(cache.db, orgId)?.primaryContactEmail).toBeNull();
    });
  });

  it('answers null for an organization the cache does not hold', () => {
    expect(getAccount(cache.db, UNKNOWN)).toBeNull();
    expect(getAccount(cache.db, '')).toBeNull();
  });
});

describe('listPaymentMethods', () => {
  it('lists each organization\'s payment methods as the service does, the default first', async () => {
    let seen = 0;
    for (const org of orgs) {
      const { items } = await cache.get(`/v1/orgs/${org.id}/payment-methods`);
      const rows = listPaymentMethods(cache.db, org.id);
      expect(rows, org.name).toEqual(items.map((method: object) => ({ ...method, pending: false })));
      if (rows.length > 0) expect(rows[0]?.isDefault).toBe(true);
      seen += rows.length;
    }
    expect(seen).toBeGreaterThan(orgs.length);
  });

  it('moves a pending new default to the top', () => {
    const orgId = cache.orgId('Contoso Dental');
    const [first, second] = listPaymentMethods(cache.db, orgId);
    expect(second).toBeDefined();
    cache.scratch(() => {
      editRow(cache.db, 'payment_method', first!.id, { isDefault: false });
      editRow(cache.db, 'payment_method', second!.id, { isDefault: true });
      cache.db.prepare("INSERT INTO confirmed_rows (entity, id, org_id, version, data) VALUES ('payment_method', ?, ?, 1, NULL)").run(second!.id, orgId);
      const rows = listPaymentMethods(cache.db, orgId);
      expect(rows.map((r) => [r.id, r.isDefault, r.pending])).toEqual([
        [second!.id, true, true],
        [first!.id, false, false],
      ]);
    });
    expect(listPaymentMethods(cache.db, UNKNOWN)).toEqual([]);
  });
});

describe('listBillingContacts', () => {
  it('lists each organization\'s billing contacts as the service does', async () => {
    let seen = 0;
    for (const org of orgs) {
      const { items } = await cache.get(`/v1/orgs/${org.id}/billing-contacts`);
      const rows = listBillingContacts(cache.db, org.id);
      expect(rows, org.name).toEqual(items.map((contact: object) => ({ ...contact, pending: false })));
      seen += rows.length;
    }
    expect(seen).toBeGreaterThan(orgs.length);
  });

  it('shows a contact queued offline, pending, in email order', () => {
    const orgId = cache.orgId('Wingtip Toys');
    const id = '11111111-1111-4111-8111-111111111111';
    const now = '2026-11-02T09:00:00.000Z';
    cache.scratch(() => {
      cache.db
        .prepare('INSERT INTO billing_contacts (id, org_id, version, data) VALUES (?, ?, 1, ?)')
        .run(id, orgId, JSON.stringify({ id, orgId, version: 1, createdAt: now, updatedAt: now, email: 'AAA@wingtip-toys.example', userId: null, kinds: ['invoices'] }));
      cache.db.prepare("INSERT INTO confirmed_rows (entity, id, org_id, version, data) VALUES ('billing_contact', ?, ?, NULL, NULL)").run(id, orgId);
      const rows = listBillingContacts(cache.db, orgId);
      expect(rows[0]).toMatchObject({ id, email: 'AAA@wingtip-toys.example', pending: true });
      expect(rows.slice(1).every((r) => !r.pending)).toBe(true);
    });
    expect(listBillingContacts(cache.db, UNKNOWN)).toEqual([]);
  });
});

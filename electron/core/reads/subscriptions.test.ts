import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Subscription } from '@shared/domain/subscription';
import { startDemoCache, type DemoCache, editRow } from '../../../test/support/cache-fixture';
import { listSubscriptions } from './subscriptions';

let cache: DemoCache;
let orgs: { id: string; name: string }[];
beforeAll(async () => {
  cache = await startDemoCache();
  orgs = (await cache.get('/v1/orgs')).items;
});
afterAll(async () => {
  await cache?.close();
});

describe('listSubscriptions', () => {
  it("lists one organization's subscriptions as the service does, each with the company name", async () => {
    for (const org of orgs) {
      const { items } = (await cache.get(`/v1/orgs/${org.id}/subscriptions`)) as { items: Subscription[] };
      expect(listSubscriptions(cache.db, { orgId: org.id }), org.name).toEqual(items.map((s) => ({ ...s, orgName: org.name, pending: false })));
    }
  });

  it('with includeChildren lists the children\'s subscriptions too, in the service\'s order', async () => {
    for (const name of ['Northwind MSP', 'Fabrikam IT Partners', 'Tailspin Solutions', 'Contoso Dental']) {
      const orgId = cache.orgId(name);
      const { items } = (await cache.get(`/v1/orgs/${orgId}/subscriptions?includeChildren=true`)) as { items: Subscription[] };
      const rows = listSubscriptions(cache.db, { orgId, includeChildren: true });
      expect(rows, name).toEqual(items.map((s) => ({ ...s, pending: false })));
      expect(rows[0]?.orgId).toBe(orgId);
    }
    const everything = listSubscriptions(cache.db, { orgId: cache.orgId('Northwind MSP'), includeChildren: true });
    expect(new Set(everything.map((s) => s.orgId)).size).toBe(orgs.length);
    expect(new Set(everything.map((s) => s.status))).toEqual(new Set(['active', 'trial', 'cancel_scheduled', 'cancelled']));
  });

  it('shows a pending cancellation at once', () => {
    const orgId = cache.orgId('Wingtip Toys');
    const [subscription] = listSubscriptions(cache.db, { orgId });
    cache.scratch(() => {
      cache.db.prepare("INSERT INTO confirmed_rows (entity, id, org_id, version, data) SELECT 'subscription', id, org_id, version, data FROM subscriptions WHERE id = ?").run(subscription!.id);
      editRow(cache.db, 'subscription', subscription!.id, { status: 'cancelled' });
      expect(listSubscriptions(cache.db, { orgId })[0]).toMatchObject({ id: subscription!.id, status: 'cancelled', pending: true });
      expect(listSubscriptions(cache.db, { orgId: cache.orgId('Fabrikam IT Partners'), includeChildren: true }).find((s) => s.id === subscription!.id)?.pending).toBe(true);
    });
  });

  it('answers an unknown or malformed organization id with none, and a malformed scope with VALIDATION', () => {
    expect(listSubscriptions(cache.db, { orgId: '00000000-0000-4000-8000-000000000000', includeChildren: true })).toEqual([]);
    expect(listSubscriptions(cache.db, { orgId: 'not-an-id' })).toEqual([]);
    expect(() => listSubscriptions(cache.db, { orgId: cache.orgId('Wingtip Toys'), extra: 1 } as never)).toThrow(expect.objectContaining({ code: 'VALIDATION' }));
  });
});

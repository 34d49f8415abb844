import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEvent } from '@shared/domain/audit';
import type { User } from '@shared/domain/user';
import { startDemoCache, type DemoCache } from '../../../test/support/cache-fixture';
import { listAudit } from './audit';

let cache: DemoCache;
beforeAll(async () => {
  cache = await startDemoCache();
  // The demo starts with an empty audit log: make some history, as two different people, in three organizations.
  const contoso = cache.orgId('Contoso Dental');
  const { items: users } = (await cache.get(`/v1/orgs/${contoso}/users`)) as { items: User[] };
  const staff = users.filter((u) => u.status === 'active' && !u.email.startsWith('admin@'));
  const call = async (method: string, path: string, body: unknown, token = cache.owner.accessToken) => {
    const response = await cache.test.call(method, path, { token, body });
    if (response.status >= 300) throw new Error(`${method} ${path}: ${JSON.stringify(response.body)}`);
  };
  await call('PATCH', `/v1/orgs/${contoso}/users/${staff[0]!.id}`, { version: staff[0]!.version, lastName: 'Renamed' });
  await call('POST', `/v1/orgs/${contoso}/users/${staff[1]!.id}/deactivate`, {});
  const admin = await cache.test.signIn('admin@contoso-dental.example');
  await call('PATCH', `/v1/orgs/${contoso}/users/${staff[2]!.id}`, { version: staff[2]!.version, firstName: 'Renamed' }, admin.accessToken);
  await call('POST', `/v1/orgs/${cache.orgId('Alpine Ski House')}/roles`, { name: 'Auditors', permissions: ['audit.view'] });
  const northwind = await cache.get(`/v1/orgs/${cache.orgId('Northwind MSP')}`);
  await call('PATCH', `/v1/orgs/${northwind.id}`, { version: northwind.version, billingEmail: 'finance@northwind.example' });
  await cache.sync();
});
afterAll(async () => {
  await cache?.close();
});

const restAudit = async (orgId: string): Promise<AuditEvent[]> => (await cache.get(`/v1/orgs/${orgId}/audit?limit=500`)).items;

describe('listAudit', () => {
  it('lists the events of an organization and those below it, newest first, as the service does', async () => {
    for (const name of ['Northwind MSP', 'Fabrikam IT Partners', 'Contoso Dental']) {
      const orgId = cache.orgId(name);
      const events = await restAudit(orgId);
      expect(listAudit(cache.db, { orgId, includeChildren: true }), name).toEqual({ items: events, total: events.length });
    }
    expect((await restAudit(cache.orgId('Northwind MSP'))).length).toBe(5);
  });

  it('without includeChildren keeps to the organization itself', async () => {
    const orgId = cache.orgId('Fabrikam IT Partners');
    expect(listAudit(cache.db, { orgId })).toEqual({ items: [], total: 0 });
    const contoso = cache.orgId('Contoso Dental');
    const own = (await restAudit(cache.orgId('Northwind MSP'))).filter((e) => e.orgId === cache.orgId('Northwind MSP'));
    expect(listAudit(cache.db, { orgId: cache.orgId('Northwind MSP') }).items).toEqual(own);
    expect(listAudit(cache.db, { orgId: contoso }).total).toBe(3);
  });

  it('filters by entity and by text in the actor email or action, case-insensitively; LIKE wildcards are literal', async () => {
    const orgId = cache.orgId('Northwind MSP');
    const events = await restAudit(orgId);
    const page = (query: { entity?: string; q?: string }) => listAudit(cache.db, { orgId, includeChildren: true, ...query });
    expect(page({ entity: 'user' }).items).toEqual(events.filter((e) => e.entity === 'user'));
    expect(page({ entity: 'role' }).total).toBe(1);
    expect(page({ entity: 'nothing' })).toEqual({ items: [], total: 0 });
    for (const q of ['ADMIN@contoso', 'deactivate', 'Renamed', 'owner', ' updateuser ']) {
      const text = q.trim().toLowerCase();
      expect(page({ q }).items.map((e) => e.id), q).toEqual(events.filter((e) => e.actorEmail.toLowerCase().includes(text) || e.action.toLowerCase().includes(text)).map((e) => e.id));
    }
    expect(page({ q: 'admin@contoso' }).total).toBe(1);
    expect(page({ q: 'deactivate' }).total).toBe(1);
    expect(page({ q: 'updateUser', entity: 'user' }).total).toBe(2);
    for (const q of ['%', '_', '\\', "'", '"']) expect(page({ q }).total, q).toBe(0);
    expect(page({ q: '   ' }).total).toBe(events.length);
  });

  it('pages with offset and limit, total unchanged; nothing for an unknown organization', () => {
    const orgId = cache.orgId('Northwind MSP');
    const all = listAudit(cache.db, { orgId, includeChildren: true });
    const pages = [0, 2, 4].map((offset) => listAudit(cache.db, { orgId, includeChildren: true, offset, limit: 2 }));
    expect(pages.every((p) => p.total === all.total)).toBe(true);
    expect(pages.flatMap((p) => p.items)).toEqual(all.items);
    expect(listAudit(cache.db, { orgId: '00000000-0000-4000-8000-000000000000', includeChildren: true })).toEqual({ items: [], total: 0 });
    expect(listAudit(cache.db, { orgId: 'not-an-id' })).toEqual({ items: [], total: 0 });
    expect(() => listAudit(cache.db, { orgId, limit: 5000 })).toThrow(expect.objectContaining({ code: 'VALIDATION' }));
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEvent } from '@shared/domain/audit';
import type { User } from '@shared/domain/user';
import { startDemoCache, type DemoCache } from '../../../test/support/cache-fixture';
import { auditActors, listAudit } from './audit';

let cache: DemoCache;
let staffIds: string[];
/** When each change of the history below was made, on the service's clock: a day apart. */
const TIMES = ['2026-11-02T09:00:00.000Z', '2026-11-03T10:00:00.000Z', '2026-11-04T11:00:00.000Z', '2026-11-05T12:00:00.000Z', '2026-11-06T13:00:00.000Z'];
beforeAll(async () => {
  cache = await startDemoCache();
  // The demo starts with an empty audit log: make some history, as two different people, in three organizations, over five days.
  const contoso = cache.orgId('Contoso Dental');
  const { items: users } = (await cache.get(`/v1/orgs/${contoso}/users`)) as { items: User[] };
  const staff = users.filter((u) => u.status === 'active' && !u.email.startsWith('admin@'));
  staffIds = staff.slice(0, 3).map((u) => u.id);
  const call = async (at: string, method: string, path: string, body: unknown, email = 'owner@northwind.example') => {
    cache.test.setNow(new Date(at));
    const session = await cache.test.signIn(email);
    const response = await cache.test.call(method, path, { token: session.accessToken, body });
    if (response.status >= 300) throw new Error(`${method} ${path}: ${JSON.stringify(response.body)}`);
  };
  await call(TIMES[0]!, 'PATCH', `/v1/orgs/${contoso}/users/${staff[0]!.id}`, { version: staff[0]!.version, lastName: 'Renamed' });
  await call(TIMES[1]!, 'POST', `/v1/orgs/${contoso}/users/${staff[1]!.id}/deactivate`, {});
  await call(TIMES[2]!, 'PATCH', `/v1/orgs/${contoso}/users/${staff[2]!.id}`, { version: staff[2]!.version, firstName: 'Renamed' }, 'admin@contoso-dental.example');
  await call(TIMES[3]!, 'POST', `/v1/orgs/${cache.orgId('Alpine Ski House')}/roles`, { name: 'Auditors', permissions: ['audit.view'] });
  const northwind = await cache.get(`/v1/orgs/${cache.orgId('Northwind MSP')}`);
  await call(TIMES[4]!, 'PATCH', `/v1/orgs/${northwind.id}`, { version: northwind.version, billingEmail: 'finance@northwind.example' });
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

  it('narrows to a time range [from, to), whatever the form of the instants', () => {
    const orgId = cache.orgId('Northwind MSP');
    const page = (query: { from?: string; to?: string }) => listAudit(cache.db, { orgId, includeChildren: true, ...query });
    const ats = (query: { from?: string; to?: string }) => page(query).items.map((e) => e.at);
    expect(ats({})).toEqual([...TIMES].reverse());
    expect(ats({ from: '2026-11-03T00:00:00Z', to: '2026-11-05T00:00:00Z' })).toEqual([TIMES[2], TIMES[1]]);
    expect(ats({ from: '2026-11-03T10:00:00.000Z', to: '2026-11-04T11:00:00.000Z' })).toEqual([TIMES[1]]);
    expect(ats({ from: '2026-11-03T10:00:00Z', to: '2026-11-04T11:00:00.001Z' })).toEqual([TIMES[2], TIMES[1]]);
    expect(ats({ from: '2026-11-06T00:00:00Z' })).toEqual([TIMES[4]]);
    expect(ats({ to: '2026-11-03T00:00:00Z' })).toEqual([TIMES[0]]);
    expect(page({ from: '2026-11-05T00:00:00Z', to: '2026-11-03T00:00:00Z' })).toEqual({ items: [], total: 0 });
    expect(page({ from: '2026-11-03T00:00:00Z' }).total).toBe(4);
    for (const bad of ['yesterday', '2026-11-03', '2026-11-03T00:00:00+01:00']) {
      expect(() => page({ from: bad }), bad).toThrow(expect.objectContaining({ code: 'VALIDATION' }));
    }
  });

  it('narrows to the changes of one person (their email, any case) and to the history of one item', () => {
    const orgId = cache.orgId('Northwind MSP');
    const page = (query: { actorEmail?: string; entityId?: string; from?: string }) => listAudit(cache.db, { orgId, includeChildren: true, ...query });
    const admin = page({ actorEmail: 'ADMIN@Contoso-Dental.example' });
    expect(admin.total).toBe(1);
    expect(admin.items[0]).toMatchObject({ actorEmail: 'admin@contoso-dental.example', entityId: staffIds[2], at: TIMES[2] });
    expect(page({ actorEmail: 'owner@northwind.example' }).items.map((e) => e.at)).toEqual([TIMES[4], TIMES[3], TIMES[1], TIMES[0]]);
    expect(page({ actorEmail: 'owner@northwind' }).total).toBe(0);
    for (const [index, userId] of staffIds.entries()) {
      const history = page({ entityId: userId });
      expect(history.items.map((e) => [e.entity, e.entityId, e.at])).toEqual([['user', userId, TIMES[index]]]);
    }
    expect(page({ entityId: staffIds[0]!, from: TIMES[1]! }).total).toBe(0);
    expect(page({ entityId: staffIds[1]!, actorEmail: 'admin@contoso-dental.example' }).total).toBe(0);
    expect(page({ entityId: '00000000-0000-4000-8000-000000000000' })).toEqual({ items: [], total: 0 });
    expect(() => page({ entityId: 'not-an-id' })).toThrow(expect.objectContaining({ code: 'VALIDATION' }));
  });

  it('lists who made changes in the scope, with their names and counts', () => {
    const actors = (name: string, includeChildren = true) => auditActors(cache.db, { orgId: cache.orgId(name), includeChildren }).sort((a, b) => a.email.localeCompare(b.email));
    const owner = cache.db.prepare("SELECT first_name || ' ' || last_name AS name FROM users WHERE email = 'owner@northwind.example'").get() as { name: string };
    const admin = cache.db.prepare("SELECT first_name || ' ' || last_name AS name FROM users WHERE email = 'admin@contoso-dental.example'").get() as { name: string };
    expect(actors('Northwind MSP')).toEqual([
      { email: 'admin@contoso-dental.example', name: admin.name, changes: 1 },
      { email: 'owner@northwind.example', name: owner.name, changes: 4 },
    ]);
    expect(actors('Contoso Dental')).toEqual([
      { email: 'admin@contoso-dental.example', name: admin.name, changes: 1 },
      { email: 'owner@northwind.example', name: owner.name, changes: 2 },
    ]);
    expect(actors('Fabrikam IT Partners', false)).toEqual([]);
    expect(auditActors(cache.db, { orgId: 'not-an-id' })).toEqual([]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '@shared/domain/role';
import type { User } from '@shared/domain/user';
import { startDemoCache, type DemoCache, editRow } from '../../../test/support/cache-fixture';
import { EntityRows } from '../cache/rows';
import { listRoles } from './roles';

let cache: DemoCache;
let orgs: { id: string; name: string }[];
beforeAll(async () => {
  cache = await startDemoCache();
  orgs = (await cache.get('/v1/orgs')).items;
});
afterAll(async () => {
  await cache?.close();
});

describe('listRoles', () => {
  it('lists each organization\'s roles as the service does, built-in first then by name, with member counts', async () => {
    let counted = 0;
    for (const org of orgs) {
      const { items: roles } = (await cache.get(`/v1/orgs/${org.id}/roles`)) as { items: Role[] };
      const { items: users } = (await cache.get(`/v1/orgs/${org.id}/users`)) as { items: User[] };
      const rows = listRoles(cache.db, org.id);
      expect(rows.map((r) => r.id), org.name).toEqual(roles.map((r) => r.id));
      for (const [index, row] of rows.entries()) {
        const members = users.filter((u) => u.roleIds.includes(row.id)).length;
        expect(row).toEqual({ ...roles[index], memberCount: members, pending: false });
        counted += members;
      }
      const builtIn = rows.map((r) => r.builtIn);
      expect(builtIn).toEqual([...builtIn].sort((a, b) => Number(b) - Number(a)));
    }
    expect(counted).toBeGreaterThan(orgs.length);
  });

  it('orders custom roles by name whatever their case, and counts deactivated and pending members too', () => {
    const orgId = cache.orgId('Northwind MSP');
    cache.scratch(() => {
      const custom = listRoles(cache.db, orgId).find((r) => !r.builtIn)!;
      editRow(cache.db, 'role', custom.id, { name: 'aaa lower case first' });
      const rows = listRoles(cache.db, orgId);
      expect(rows.find((r) => !r.builtIn)?.id).toBe(custom.id);

      const owner = listRoles(cache.db, orgId).find((r) => r.builtInKey === 'owner')!;
      const someone = cache.userId('readonly@northwind.example');
      const roleIds = (EntityRows.of(cache.db).get('user', someone)!.data as { roleIds: string[] }).roleIds;
      editRow(cache.db, 'user', someone, { status: 'deactivated', roleIds: [...roleIds, owner.id] });
      expect(listRoles(cache.db, orgId).find((r) => r.id === owner.id)?.memberCount).toBe(owner.memberCount + 1);
    });
  });

  it('marks a role pending while confirmed_rows holds it, and answers an unknown organization with none', () => {
    const orgId = cache.orgId('Contoso Dental');
    const [first] = listRoles(cache.db, orgId);
    cache.scratch(() => {
      cache.db.prepare("INSERT INTO confirmed_rows (entity, id, org_id, version, data) VALUES ('role', ?, ?, NULL, NULL)").run(first!.id, orgId);
      expect(listRoles(cache.db, orgId).filter((r) => r.pending).map((r) => r.id)).toEqual([first!.id]);
    });
    expect(listRoles(cache.db, '00000000-0000-4000-8000-000000000000')).toEqual([]);
    expect(listRoles(cache.db, "'; DROP TABLE roles; --")).toEqual([]);
  });

  it('lists the legacy organization\'s roles without built-ins', () => {
    const rows = listRoles(cache.db, cache.orgId('Blue Yonder Logistics'));
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => !r.builtIn)).toBe(true);
  });
});

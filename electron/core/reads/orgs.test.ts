import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PERMISSIONS } from '@shared/domain/permissions';
import { startDemoCache, type DemoCache, editRow, firstId } from '../../../test/support/cache-fixture';
import { orgTree, signedInPermissions } from './orgs';
import { buildOrgTree, orgsInScope } from '@shared/domain/org-scope';
import { orgIdsInScope } from './scope';

let cache: DemoCache;
beforeAll(async () => {
  cache = await startDemoCache();
});
afterAll(async () => {
  await cache?.close();
});

describe('orgTree', () => {
  it('lists every organization of the service, with the signed-in owner\'s permissions and active users', async () => {
    const tree = orgTree(cache.db);
    const { items: orgs } = (await cache.get('/v1/orgs')) as { items: { id: string; name: string; kind: string; parentId: string | null }[] };
    expect(tree.map((node) => node.id).sort()).toEqual(orgs.map((org) => org.id).sort());
    for (const org of orgs) {
      const node = tree.find((n) => n.id === org.id);
      expect(node).toMatchObject({ name: org.name, kind: org.kind, parentId: org.parentId, permissions: [...PERMISSIONS], pending: false });
      const users = await cache.get(`/v1/orgs/${org.id}/users`);
      expect(node?.activeUsers, org.name).toBe(users.activeCount);
    }
  });

  it('puts each parent before its children, siblings by name', () => {
    const tree = orgTree(cache.db);
    const index = new Map(tree.map((node, i) => [node.id, i]));
    for (const node of tree) {
      if (node.parentId !== null) expect(index.get(node.parentId)).toBeLessThan(index.get(node.id) ?? -1);
    }
    expect(tree[0]?.name).toBe('Northwind MSP');
    const resellers = tree.filter((node) => node.kind === 'reseller').map((node) => node.name);
    expect(resellers).toEqual(['Fabrikam IT Partners', 'Tailspin Solutions']);
    // Depth first: Fabrikam's customers follow Fabrikam, before Tailspin.
    const names = tree.map((node) => node.name);
    expect(names.indexOf('Alpine Ski House')).toBeGreaterThan(names.indexOf('Fabrikam IT Partners'));
    expect(names.indexOf('Alpine Ski House')).toBeLessThan(names.indexOf('Tailspin Solutions'));
  });

  it("gives an organization /v1/me does not list the permissions of the nearest one above it that it lists, none above or sideways, and none at all when 'me' is missing", () => {
    const fabrikam = cache.orgId('Fabrikam IT Partners');
    const wingtip = cache.orgId('Wingtip Toys');
    const readOnly = PERMISSIONS.filter((permission) => permission.endsWith('.view'));
    cache.scratch(() => {
      // As if /v1/me answered before Wingtip Toys was made, for a user of Fabrikam with read-only permissions.
      const me = JSON.parse((cache.db.prepare("SELECT value FROM kv WHERE key = 'me'").get() as { value: string }).value) as { orgs: { id: string; permissions: string[] }[] };
      me.orgs = me.orgs.filter((org) => org.id === fabrikam).map((org) => ({ ...org, permissions: readOnly }));
      cache.db.prepare("UPDATE kv SET value = ? WHERE key = 'me'").run(JSON.stringify(me));
      const tree = orgTree(cache.db);
      expect(tree.find((node) => node.id === fabrikam)?.permissions).toEqual(readOnly);
      // Permissions apply in the user's organization and every one below it (the service's rule).
      expect(tree.find((node) => node.id === wingtip)?.permissions).toEqual(readOnly);
      expect(tree.find((node) => node.name === 'Northwind MSP')?.permissions).toEqual([]);
      expect(tree.find((node) => node.name === 'Contoso Dental')?.permissions).toEqual([]);

      cache.db.prepare("DELETE FROM kv WHERE key = 'me'").run();
      expect(signedInPermissions(cache.db).size).toBe(0);
      expect(orgTree(cache.db).every((node) => node.permissions.length === 0)).toBe(true);
    });
  });

  it('reads a non-owner\'s permissions from what /v1/me answered for them', async () => {
    const session = await cache.test.signIn('billing@northwind.example');
    const me = await cache.get('/v1/me', session.accessToken);
    cache.scratch(() => {
      cache.db.prepare("UPDATE kv SET value = ? WHERE key = 'me'").run(JSON.stringify(me));
      const node = orgTree(cache.db).find((n) => n.name === 'Northwind MSP');
      expect(node?.permissions).toEqual(me.orgs.find((org: { name: string }) => org.name === 'Northwind MSP').permissions);
      expect(node?.permissions).toContain('billing.view');
      expect(node?.permissions).not.toContain('users.manage');
    });
  });

  it('counts a pending activation at once (the view), and survives a parent cycle', () => {
    const orgId = cache.orgId('Wingtip Toys');
    const before = orgTree(cache.db).find((node) => node.id === orgId)?.activeUsers ?? 0;
    cache.scratch(() => {
      editRow(cache.db, 'user', firstId(cache.db, "SELECT id FROM users WHERE org_id = ? AND status = 'active'", orgId), { status: 'deactivated' });
      expect(orgTree(cache.db).find((node) => node.id === orgId)?.activeUsers).toBe(before - 1);

      // Two organizations naming each other as parent: both still listed, once each.
      const fabrikam = cache.orgId('Fabrikam IT Partners');
      editRow(cache.db, 'organization', fabrikam, { parentId: orgId });
      const tree = orgTree(cache.db);
      expect(tree).toHaveLength(new Set(tree.map((node) => node.id)).size);
      expect(tree.map((node) => node.id)).toContain(fabrikam);
    });
  });
});

describe('orgIdsInScope', () => {
  it('is the organization alone, or with includeChildren every organization below it', async () => {
    const provider = cache.orgId('Northwind MSP');
    const fabrikam = cache.orgId('Fabrikam IT Partners');
    expect(orgIdsInScope(cache.db, { orgId: fabrikam })).toEqual([fabrikam]);
    const below = orgIdsInScope(cache.db, { orgId: fabrikam, includeChildren: true });
    expect(below[0]).toBe(fabrikam);
    expect(below.slice(1).sort()).toEqual([cache.orgId('Alpine Ski House'), cache.orgId('Wingtip Toys')].sort());
    const all = orgIdsInScope(cache.db, { orgId: provider, includeChildren: true });
    const { items } = (await cache.get('/v1/orgs')) as { items: { id: string }[] };
    expect([...all].sort()).toEqual(items.map((org) => org.id).sort());
    expect(orgIdsInScope(cache.db, { orgId: cache.orgId('Contoso Dental'), includeChildren: true })).toEqual([cache.orgId('Contoso Dental')]);
  });

  it('is empty for an organization the cache does not hold, and for one caught in a parent cycle (the shared scope rule)', () => {
    expect(orgIdsInScope(cache.db, { orgId: '00000000-0000-4000-8000-000000000000', includeChildren: true })).toEqual([]);
    expect(orgIdsInScope(cache.db, { orgId: 'not an id', includeChildren: true })).toEqual([]);
    cache.scratch(() => {
      const provider = cache.orgId('Northwind MSP');
      const fabrikam = cache.orgId('Fabrikam IT Partners');
      const alpine = cache.orgId('Alpine Ski House');
      // A damaged copy: Fabrikam below its own child. The walk ends; Fabrikam and all below it are in nobody's scope.
      editRow(cache.db, 'organization', fabrikam, { parentId: alpine });
      expect(orgIdsInScope(cache.db, { orgId: fabrikam, includeChildren: true })).toEqual([]);
      const scope = orgIdsInScope(cache.db, { orgId: provider, includeChildren: true });
      expect(scope).not.toContain(fabrikam);
      expect(scope).not.toContain(alpine);
      expect(scope.length).toBeGreaterThan(1);
      expect(scope.length).toBeLessThan(orgTree(cache.db).length);
    });
  });

  it('agrees with the shared scope rule over the copy’s organizations', async () => {
    const { items } = (await cache.get('/v1/orgs')) as { items: { id: string; parentId: string | null }[] };
    const tree = buildOrgTree(items);
    for (const { id } of items) {
      expect([...orgIdsInScope(cache.db, { orgId: id, includeChildren: true })].sort(), id).toEqual(orgsInScope(id, tree).sort());
      expect(orgIdsInScope(cache.db, { orgId: id })).toEqual([id]);
    }
  });
});

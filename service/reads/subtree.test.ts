import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOrgTree, orgsInScope } from '@shared/domain/org-scope';
import { startTestService, testDatabases, type TestService } from '../../test/support/service';
import { orgIdsInSubtree } from './subtree';

/**
 * The service walks the organization tree in SQL for speed; the rule is shared/domain/org-scope.ts.
 * Both must answer the same scope for every organization of any tree the service can hold (a
 * forest: a parent is set once, at creation, to an organization that already exists).
 */
describe.each(testDatabases())('the SQL scope walk agrees with the shared scope rule (%s)', (database) => {
  let service: TestService;
  beforeAll(async () => {
    service = await startTestService({ database, seed: 'none' });
  });
  afterAll(async () => {
    await service?.close();
  });

  async function insertForest(parents: readonly (number | null)[]): Promise<{ id: string; parentId: string | null }[]> {
    await service.store.query('DELETE FROM orgs');
    const orgs: { id: string; parentId: string | null }[] = [];
    for (const parent of parents) {
      const id = randomUUID();
      const parentId = parent === null ? null : orgs[parent]!.id;
      await service.store.query(
        `INSERT INTO orgs (id, org_id, parent_id, kind, name, account_email, created_at, updated_at)
         VALUES ($1, $1, $2, 'customer', $3, 'it@example.com', now(), now())`,
        [id, parentId, `Org ${orgs.length}`],
      );
      orgs.push({ id, parentId });
    }
    return orgs;
  }

  it('for every organization of random forests', async () => {
    // Organization i's parent is none or one made before it: exactly the forests createOrg can build.
    const forest = fc.integer({ min: 1, max: 25 }).chain((size) =>
      fc.tuple(...Array.from({ length: size }, (_, index) => (index === 0 ? fc.constant(null) : fc.option(fc.nat({ max: index - 1 }), { freq: 4 })))),
    );
    await fc.assert(
      fc.asyncProperty(forest, async (parents) => {
        const orgs = await insertForest(parents);
        const tree = buildOrgTree(orgs);
        for (const { id } of orgs) {
          expect((await orgIdsInSubtree(service.store, id)).sort()).toEqual(orgsInScope(id, tree).sort());
        }
        expect(await orgIdsInSubtree(service.store, randomUUID())).toEqual(orgsInScope(randomUUID(), tree));
      }),
      { numRuns: 40, seed: 14 },
    );
  });

  it('and for the demo data', async () => {
    await service.store.query('DELETE FROM orgs');
    const demo = await startTestService({ database });
    try {
      const orgs = (await demo.store.query<{ id: string; parent_id: string | null }>('SELECT id, parent_id FROM orgs')).map((row) => ({ id: row.id, parentId: row.parent_id }));
      expect(orgs.length).toBeGreaterThan(5);
      const tree = buildOrgTree(orgs);
      for (const { id } of orgs) expect((await orgIdsInSubtree(demo.store, id)).sort()).toEqual(orgsInScope(id, tree).sort());
    } finally {
      await demo.close();
    }
  });
});

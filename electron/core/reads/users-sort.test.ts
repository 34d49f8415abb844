import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoCache, editRow, type DemoCache } from '../../../test/support/cache-fixture';
import { explainListUsers, listUsers } from './users';

/** The users list in the order people read names: accents and case do not move a name to the end. */
describe('users sorted by name', () => {
  let cache: DemoCache;
  beforeAll(async () => {
    cache = await startDemoCache();
  }, 120_000);
  afterAll(async () => {
    await cache?.close();
  });

  it('puts Ávila with the A names and Öztürk with the O names, both directions, over the index', () => {
    const orgId = cache.orgId('Northwind MSP');
    cache.scratch(() => {
      editRow(cache.db, 'user', cache.userId('kevin.girard@northwind.example'), { firstName: 'Inés', lastName: 'Ávila' });
      editRow(cache.db, 'user', cache.userId('mia.byrne@northwind.example'), { firstName: 'Emre', lastName: 'Öztürk' });
      const names = listUsers(cache.db, { orgId, limit: 200 }).items.map((u) => u.lastName);
      const collator = new Intl.Collator('en', { sensitivity: 'base' });
      for (let i = 1; i < names.length; i++) expect(collator.compare(names[i - 1]!, names[i]!), `${names[i - 1]} before ${names[i]}`).toBeLessThanOrEqual(0);
      expect(names.indexOf('Ávila')).toBeLessThan(3);
      expect(names.at(-1)).not.toBe('Öztürk');
      const descending = listUsers(cache.db, { orgId, limit: 200, sort: 'name', direction: 'desc' }).items.map((u) => u.lastName);
      expect(descending).toEqual([...names].reverse());
    });
    // Over every user of the demo data, the walk reads the new index.
    const steps = explainListUsers(cache.db, { orgId: cache.orgId('Northwind MSP'), includeChildren: true, sort: 'name', limit: 50 });
    expect(steps.join(' | ')).not.toContain('USE TEMP B-TREE FOR ORDER BY');
  });
});

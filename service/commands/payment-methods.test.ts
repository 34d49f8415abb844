import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/support/service';
import { auditOf, startCommandKit, type CommandKit } from '../../test/support/commands';

describe.each(testDatabases())('payment method commands (%s)', (database) => {
  let kit: CommandKit;
  beforeAll(async () => {
    kit = await startCommandKit(database);
  });
  afterAll(async () => {
    await kit?.close();
  });

  const methodsOf = async (orgId: string) =>
    kit.rows('SELECT id, brand, is_default, version FROM payment_methods WHERE org_id = $1 ORDER BY brand', [orgId]);

  it('sets another default: exactly one default afterwards, and both rows get new versions', async () => {
    const orgId = await kit.orgId('Contoso Dental');
    const before = await methodsOf(orgId);
    expect(before.map((m) => [m['brand'], m['is_default']])).toEqual([
      ['ING', true],
      ['visa', false],
    ]);
    const [ing, visa] = before;
    const response = await kit.call('POST', `/v1/orgs/${orgId}/payment-methods/${String(visa?.['id'])}/default`);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ id: visa?.['id'], isDefault: true, version: Number(visa?.['version']) + 1 });
    expect(await methodsOf(orgId)).toEqual([
      { ...ing, is_default: false, version: Number(ing?.['version']) + 1 },
      { ...visa, is_default: true, version: Number(visa?.['version']) + 1 },
    ]);
    expect((await auditOf(kit, String(ing?.['id'])))[0]).toMatchObject({ action: 'setDefaultPaymentMethod' });
    expect((await auditOf(kit, String(visa?.['id'])))[0]).toMatchObject({ action: 'setDefaultPaymentMethod' });

    // Already the default: nothing to change.
    const again = await kit.call('POST', `/v1/orgs/${orgId}/payment-methods/${String(visa?.['id'])}/default`);
    expect(again.body).toMatchObject({ isDefault: true, version: Number(visa?.['version']) + 1 });
  });

  it('refuses to remove the default while others exist (INVALID_TRANSITION); the others, then the last, go', async () => {
    const orgId = await kit.orgId('Contoso Dental');
    const [ing, visa] = await methodsOf(orgId);
    const refused = await kit.expectRefused(orgId, 'INVALID_TRANSITION', 409, () =>
      kit.call('DELETE', `/v1/orgs/${orgId}/payment-methods/${String(visa?.['id'])}`),
    );
    expect(refused.error.message).toContain('Set another payment method as the default first');
    const removed = await kit.call('DELETE', `/v1/orgs/${orgId}/payment-methods/${String(ing?.['id'])}`);
    expect(removed.status).toBe(200);
    expect(removed.body).toMatchObject({ id: ing?.['id'], isDefault: false });
    expect((await kit.call('DELETE', `/v1/orgs/${orgId}/payment-methods/${String(visa?.['id'])}`)).status).toBe(200);
    expect(await methodsOf(orgId)).toEqual([]);
    expect((await auditOf(kit, String(visa?.['id']))).at(-1)).toMatchObject({ action: 'removePaymentMethod', after: null });
  });

  it('answers NOT_FOUND for a payment method of another organization, changing nothing', async () => {
    const orgId = await kit.orgId('Alpine Ski House');
    const [other] = await methodsOf(await kit.orgId('Coho Winery'));
    await kit.expectRefused(orgId, 'NOT_FOUND', 404, () => kit.call('POST', `/v1/orgs/${orgId}/payment-methods/${String(other?.['id'])}/default`));
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/support/service';
import { startCommandKit, type CommandKit } from '../../test/support/commands';

/** VAT numbers outside the EU and countries from the ISO list: the service applies the shared rules. */
describe.each(testDatabases())('VAT numbers and countries of an organization (%s)', (database) => {
  let kit: CommandKit;
  beforeAll(async () => {
    kit = await startCommandKit(database);
  });
  afterAll(async () => {
    await kit?.close();
  });

  const address = (country: string) => ({ line1: 'Bridge Street 1', line2: null, city: 'Belfast', postalCode: 'BT1 1AA', region: null, country });
  const current = async (orgId: string) => (await kit.one('SELECT version, vat_number FROM orgs WHERE id = $1', [orgId])) as { version: number; vat_number: string | null };

  it.each([
    ['GB 123 4567 89', 'GB123456789'],
    ['CHE-123.456.789 MWST', 'CHE123456789MWST'],
    ['NO 123 456 789 MVA', 'NO123456789MVA'],
  ])('accepts the VAT number %s, stored as %s', async (typed, stored) => {
    const orgId = await kit.orgId("Margie's Travel");
    const { version } = await current(orgId);
    const updated = await kit.call('PATCH', `/v1/orgs/${orgId}`, { version, vatNumber: typed });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ vatNumber: stored, version: version + 1 });
    expect((await current(orgId)).vat_number).toBe(stored);
  });

  it('stores a country picked from the list as its code', async () => {
    const orgId = await kit.orgId("Margie's Travel");
    const { version } = await current(orgId);
    const updated = await kit.call('PATCH', `/v1/orgs/${orgId}`, { version, billingAddress: address('gb') });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ billingAddress: { country: 'GB' } });
  });

  it.each([
    ['ZZ', '“ZZ” is not a country code. Pick the country from the list.'],
    ['Netherlands', 'Pick the country from the list: Netherlands is stored as NL.'],
  ])('refuses the country %s in plain words, changing nothing', async (country, message) => {
    const orgId = await kit.orgId("Margie's Travel");
    const before = await kit.one('SELECT version, billing_address FROM orgs WHERE id = $1', [orgId]);
    const refused = await kit.expectRefused(orgId, 'VALIDATION', 400, () =>
      kit.call('PATCH', `/v1/orgs/${orgId}`, { version: before['version'], billingAddress: address(country) }),
    );
    expect(refused.error.details).toEqual([{ path: 'billingAddress.country', message }]);
    expect(await kit.one('SELECT version, billing_address FROM orgs WHERE id = $1', [orgId])).toEqual(before);
  });

  it('refuses a Swiss number without its CHE form, naming it', async () => {
    const orgId = await kit.orgId("Margie's Travel");
    const { version } = await current(orgId);
    const refused = await kit.expectRefused(orgId, 'VALIDATION', 400, () => kit.call('PATCH', `/v1/orgs/${orgId}`, { version, vatNumber: 'CH 123456789' }));
    expect(refused.error.details).toEqual([
      { path: 'vatNumber', message: 'A VAT number from Switzerland is CHE followed by 9 digits and MWST, TVA or IVA, such as CHE-123.456.789 MWST.' },
    ]);
  });
});

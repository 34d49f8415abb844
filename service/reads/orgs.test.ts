import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { organizationSchema } from '@shared/domain/organization';
import { startTestService, testDatabases, type TestService } from '../../test/support/service';
import { generateDemoDataset } from '../seed/dataset';

const demo = generateDemoDataset();
const orgId = (name: string): string => {
  const org = demo.orgs.find((candidate) => candidate.name === name);
  if (org === undefined) throw new Error(`no demo organization ${name}`);
  return org.id;
};

describe.each(testDatabases())('organization reads (%s)', (database) => {
  let service: TestService;
  const tokens: Record<string, string> = {};
  const get = (path: string, who: string) => service.call('GET', path, { token: tokens[who]! });

  beforeAll(async () => {
    service = await startTestService({ database, now: new Date('2026-11-02T09:00:00Z') });
    for (const email of ['owner@northwind.example', 'admin@contoso-dental.example', 'admin@fabrikam-it-partners.example', 'admin@alpine-ski-house.example']) {
      tokens[email] = (await service.signIn(email)).accessToken;
    }
  }, 60_000);
  afterAll(async () => {
    await service?.close();
  });

  it('lists every organization in scope, and only those', async () => {
    const owner = await get('/v1/orgs', 'owner@northwind.example');
    expect(owner.status).toBe(200);
    expect(owner.body.items.map((org: { id: string }) => org.id).sort()).toEqual(demo.orgs.map((org) => org.id).sort());
    for (const item of owner.body.items) organizationSchema.parse(item);

    const reseller = await get('/v1/orgs', 'admin@fabrikam-it-partners.example');
    expect(reseller.body.items.map((org: { name: string }) => org.name).sort()).toEqual(['Alpine Ski House', 'Fabrikam IT Partners', 'Wingtip Toys']);

    const customer = await get('/v1/orgs', 'admin@contoso-dental.example');
    expect(customer.body.items.map((org: { name: string }) => org.name)).toEqual(['Contoso Dental']);
  });

  it('answers account details within scope', async () => {
    const response = await get(`/v1/orgs/${orgId('Contoso Dental')}`, 'admin@contoso-dental.example');
    expect(response.status).toBe(200);
    const expected = demo.orgs.find((org) => org.name === 'Contoso Dental')!;
    expect(organizationSchema.parse(response.body)).toMatchObject({
      id: expected.id,
      name: expected.name,
      kind: 'customer',
      parentId: orgId('Northwind MSP'),
      accountEmail: expected.accountEmail,
      vatNumber: expected.vatNumber,
      billingAddress: expected.billingAddress,
      taxRate: expected.taxRate,
    });
    const child = await get(`/v1/orgs/${orgId('Alpine Ski House')}`, 'owner@northwind.example');
    expect(child.status).toBe(200);
    expect(child.body.parentId).toBe(orgId('Fabrikam IT Partners'));
  });

  it('answers NOT_FOUND for the parent, a sibling, a cousin and an unknown organization alike', async () => {
    const cases: [string, string][] = [
      ['admin@contoso-dental.example', 'Northwind MSP'],
      ['admin@contoso-dental.example', 'Adventure Works Legal'],
      ['admin@alpine-ski-house.example', 'Fabrikam IT Partners'],
      ['admin@alpine-ski-house.example', 'Wingtip Toys'],
      ['admin@fabrikam-it-partners.example', 'Lucerne Publishing'],
    ];
    for (const [who, name] of cases) {
      const response = await get(`/v1/orgs/${orgId(name)}`, who);
      expect(response.status, `${who} reading ${name}`).toBe(404);
      expect(response.body.error.code).toBe('NOT_FOUND');
    }
    const unknown = await get('/v1/orgs/00000000-0000-4000-8000-000000000000', 'owner@northwind.example');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toBe((await get(`/v1/orgs/${orgId('Northwind MSP')}`, 'admin@contoso-dental.example')).body.error.message);
  });

  it('refuses a malformed id and a missing session', async () => {
    const malformed = await get('/v1/orgs/not-a-uuid', 'owner@northwind.example');
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe('VALIDATION');
    expect((await service.call('GET', '/v1/orgs')).status).toBe(401);
    expect((await service.call('GET', `/v1/orgs/${orgId('Contoso Dental')}`)).status).toBe(401);
  });
});

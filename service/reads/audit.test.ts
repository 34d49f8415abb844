import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEventSchema } from '@shared/domain/audit';
import { startTestService, testDatabases, type TestService } from '../../test/support/service';
import { generateDemoDataset } from '../seed/dataset';

const demo = generateDemoDataset();
const orgId = (name: string) => demo.orgs.find((org) => org.name === name)!.id;
const NORTHWIND = orgId('Northwind MSP');
const FABRIKAM = orgId('Fabrikam IT Partners');
const ALPINE = orgId('Alpine Ski House');
const CONTOSO = orgId('Contoso Dental');
const memberRole = demo.roles.find((role) => role.orgId === FABRIKAM && role.builtInKey === 'member')!;
const FABRIKAM_MEMBER = demo.users.find(
  (u) => u.orgId === FABRIKAM && u.status === 'active' && u.permissions.length === 0 && u.roleIds.length === 1 && u.roleIds[0] === memberRole.id,
)!.email;

describe.each(testDatabases())('audit reads (%s)', (database) => {
  let service: TestService;
  const tokens: Record<string, string> = {};
  const as = (who: string) => tokens[who]!;
  let clock = Date.parse('2026-11-02T09:00:00Z');
  /** Each change a second after the previous one, so "newest first" is observable. */
  const tick = () => service.setNow(new Date((clock += 1000)));

  async function createRoles(orgIdValue: string, who: string, names: string[]): Promise<void> {
    for (const name of names) {
      tick();
      const response = await service.call('POST', `/v1/orgs/${orgIdValue}/roles`, { token: as(who), body: { name, permissions: ['users.view'] } });
      expect(response.status, JSON.stringify(response.body)).toBe(201);
    }
  }

  beforeAll(async () => {
    service = await startTestService({ database, now: new Date(clock) });
    for (const email of ['admin@fabrikam-it-partners.example', 'admin@alpine-ski-house.example', 'admin@contoso-dental.example', 'owner@northwind.example', FABRIKAM_MEMBER]) {
      tokens[email] = (await service.signIn(email)).accessToken;
    }
    await createRoles(FABRIKAM, 'admin@fabrikam-it-partners.example', ['Audit A1', 'Audit A2']);
    await createRoles(ALPINE, 'admin@alpine-ski-house.example', ['Audit B1', 'Audit B2', 'Audit B3']);
    await createRoles(CONTOSO, 'admin@contoso-dental.example', ['Audit C1']);
    await createRoles(FABRIKAM, 'admin@fabrikam-it-partners.example', ['Audit A3']);
  }, 60_000);
  afterAll(async () => {
    await service?.close();
  });

  interface Event {
    id: string;
    orgId: string;
    after: { name: string };
  }

  async function allPages(org: string, who: string, limit: number): Promise<{ pages: number; items: Event[] }> {
    const items: Event[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = `limit=${limit}${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`;
      const response = await service.call('GET', `/v1/orgs/${org}/audit?${query}`, { token: as(who) });
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      expect(response.body.items.length).toBeLessThanOrEqual(limit);
      items.push(...response.body.items);
      cursor = response.body.nextCursor;
      pages += 1;
    } while (cursor !== null && pages < 50);
    return { pages, items };
  }

  it("pages through the organization's and its descendants' events, newest first, each once", async () => {
    const { pages, items } = await allPages(FABRIKAM, 'admin@fabrikam-it-partners.example', 2);
    expect(pages).toBe(3);
    expect(items.map((event) => event.after.name)).toEqual(['Audit A3', 'Audit B3', 'Audit B2', 'Audit B1', 'Audit A2', 'Audit A1']);
    expect(new Set(items.map((event) => event.id)).size).toBe(items.length);
    for (const event of items) {
      auditEventSchema.parse(event);
      expect(event).toMatchObject({ entity: 'role', action: 'createRole', origin: { kind: 'online' } });
    }
    expect(items.find((event) => event.after.name === 'Audit B1')).toMatchObject({ orgId: ALPINE, actorEmail: 'admin@alpine-ski-house.example' });
  });

  it('gives the same events in one page as in many, and null nextCursor on the last page', async () => {
    const one = await service.call('GET', `/v1/orgs/${NORTHWIND}/audit`, { token: as('owner@northwind.example') });
    expect(one.status).toBe(200);
    expect(one.body.nextCursor).toBeNull();
    expect(one.body.items).toHaveLength(7);
    const paged = await allPages(NORTHWIND, 'owner@northwind.example', 3);
    expect(paged.items).toEqual(one.body.items);
    const exact = await service.call('GET', `/v1/orgs/${ALPINE}/audit?limit=3`, { token: as('admin@alpine-ski-house.example') });
    expect(exact.body.items).toHaveLength(3);
    expect(exact.body.nextCursor).toBeNull();
  });

  it('shows a customer only its own events, and nothing of its parent', async () => {
    const own = await service.call('GET', `/v1/orgs/${ALPINE}/audit`, { token: as('admin@alpine-ski-house.example') });
    expect(own.body.items.map((event: { after: { name: string } }) => event.after.name)).toEqual(['Audit B3', 'Audit B2', 'Audit B1']);
    const parent = await service.call('GET', `/v1/orgs/${FABRIKAM}/audit`, { token: as('admin@alpine-ski-house.example') });
    expect(parent.status).toBe(404);
    const sibling = await service.call('GET', `/v1/orgs/${CONTOSO}/audit`, { token: as('admin@fabrikam-it-partners.example') });
    expect(sibling.status).toBe(404);
  });

  it('needs audit.view', async () => {
    const response = await service.call('GET', `/v1/orgs/${FABRIKAM}/audit`, { token: as(FABRIKAM_MEMBER) });
    expect(response.status).toBe(403);
    expect(response.body.error.code).toBe('FORBIDDEN');
  });

  it('refuses a cursor holding an impossible instant (it answered 500 from the database)', async () => {
    const cursor = (at: unknown, seq: unknown = 1) => Buffer.from(JSON.stringify([at, seq])).toString('base64url');
    const impossible = [
      '2026-02-30 00:00:00+00',
      '2025-02-29 12:00:00+00',
      '0000-01-01 00:00:00+00',
      '2026-01-01 00:00:00+23',
      '2026-01-01 00:00:00+14:60',
      '2026-01-01 24:00:00+00',
      '2026-01-01 23:60:00+00',
      '2026-01-01 23:59:60+00',
      '2026-00-10 00:00:00+00',
      '10000-01-01 00:00:00+00',
      '2026-01-01 00:00:00',
      '2026-01-01 00:00:00.1234567+00',
    ];
    for (const at of impossible) {
      const response = await service.call('GET', `/v1/orgs/${FABRIKAM}/audit?cursor=${cursor(at)}`, { token: as('admin@fabrikam-it-partners.example') });
      expect(response.status, at).toBe(400);
      expect(response.body.error.code, at).toBe('VALIDATION');
      expect(response.body.error.details, at).toEqual([{ path: 'cursor', message: expect.any(String) }]);
      expect(JSON.stringify(response.body), at).not.toContain(at.slice(0, 10));
    }
    for (const seq of [-1, 1.5, '1', 2 ** 63, null]) {
      const response = await service.call('GET', `/v1/orgs/${FABRIKAM}/audit?cursor=${cursor('2026-11-02 09:00:01+00', seq)}`, { token: as('admin@fabrikam-it-partners.example') });
      expect(response.status, String(seq)).toBe(400);
    }
    // A real position in another form than the one the service printed still reads (leap day, offset).
    for (const at of ['2024-02-29 23:59:59.999999+00', '2026-11-02 10:00:01.5+01', '2026-11-02 09:00:01+05:30']) {
      const response = await service.call('GET', `/v1/orgs/${FABRIKAM}/audit?cursor=${cursor(at)}`, { token: as('admin@fabrikam-it-partners.example') });
      expect(response.status, at).toBe(200);
    }
  });

  it('refuses a cursor it did not give out and a bad limit', async () => {
    const forged = Buffer.from(JSON.stringify(['2026-13-45 00:00:00+00', 1])).toString('base64url');
    for (const query of ['cursor=nonsense', `cursor=${forged}`, 'limit=0', 'limit=501', 'limit=ten', 'page=2']) {
      const response = await service.call('GET', `/v1/orgs/${FABRIKAM}/audit?${query}`, { token: as('admin@fabrikam-it-partners.example') });
      expect(response.status, query).toBe(400);
      expect(response.body.error.code).toBe('VALIDATION');
    }
  });
});

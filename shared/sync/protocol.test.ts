import { describe, expect, it } from 'vitest';
import { pullQuerySchema, pullResponseSchema, pushRequestSchema } from './protocol';

const CLIENT = '7d1f0a9e-3c2b-4e5f-8a6b-1c2d3e4f5a6b';

describe('the sync protocol schemas', () => {
  it('accepts a push of numbered mutations with base versions and a batch', () => {
    const push = pushRequestSchema.parse({
      clientId: CLIENT,
      schemaVersion: 1,
      mutations: [
        { id: 1, name: 'deactivateUser', args: { orgId: CLIENT, userId: CLIENT }, baseVersion: 4, batchId: CLIENT },
        { id: 2, name: 'activateUser', args: {} },
      ],
    });
    expect(push.mutations.map((m) => m.id)).toEqual([1, 2]);
  });

  it.each([
    [{ clientId: CLIENT, schemaVersion: 1, mutations: [] }, 'mutations'],
    [{ clientId: CLIENT, schemaVersion: 1, mutations: [{ id: 0, name: 'removeUser', args: {} }] }, 'mutations.0.id'],
    [{ clientId: CLIENT, schemaVersion: 1, mutations: [{ id: 1, name: 'dropTables', args: {} }] }, 'mutations.0.name'],
    [{ clientId: 'me', schemaVersion: 1, mutations: [{ id: 1, name: 'removeUser', args: {} }] }, 'clientId'],
    [{ clientId: CLIENT, schemaVersion: 1, mutations: Array.from({ length: 501 }, (_, i) => ({ id: i + 1, name: 'removeUser', args: {} })) }, 'mutations'],
  ])('refuses a bad push (%#) at %s', (body, path) => {
    const parsed = pushRequestSchema.safeParse(body);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => i.path.join('.'))).toContain(path);
  });

  it('reads pull query strings with defaults and bounds', () => {
    expect(pullQuerySchema.parse({ clientId: CLIENT })).toEqual({ clientId: CLIENT, cursor: 0, limit: 500 });
    expect(pullQuerySchema.parse({ clientId: CLIENT, cursor: '42', limit: '10' })).toMatchObject({ cursor: 42, limit: 10 });
    expect(pullQuerySchema.safeParse({ clientId: CLIENT, limit: '5000' }).success).toBe(false);
    expect(pullQuerySchema.safeParse({ clientId: CLIENT, cursor: '-1' }).success).toBe(false);
    for (const cursor of ['1e3', '0x10', '', ' 4', '4.0', '99999999999999999999']) {
      expect(pullQuerySchema.safeParse({ clientId: CLIENT, cursor }).success, JSON.stringify(cursor)).toBe(false);
    }
    expect(pullQuerySchema.parse({ clientId: CLIENT, cursor: 7, limit: 20 })).toMatchObject({ cursor: 7, limit: 20 });
  });

  it('accepts a pull page with upserts, tombstones and outcomes', () => {
    const page = pullResponseSchema.parse({
      changes: [
        { seq: 1, entity: 'user', id: CLIENT, orgId: CLIENT, op: 'upsert', version: 2, data: { firstName: 'Ada' } },
        { seq: 2, entity: 'role', id: CLIENT, orgId: CLIENT, op: 'delete', version: 3, data: null },
      ],
      cursor: 2,
      hasMore: false,
      schemaVersion: 1,
      lastMutationId: 7,
      outcomes: [{ mutationId: 7, status: 'rejected', code: 'LAST_ADMIN', message: 'Keep one admin' }],
    });
    expect(page.outcomes[0]?.code).toBe('LAST_ADMIN');
    expect(pullResponseSchema.safeParse({ ...page, changes: [{ ...page.changes[0], entity: 'secret' }] }).success).toBe(false);
  });
});

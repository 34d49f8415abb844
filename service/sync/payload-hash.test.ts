import { describe, expect, it } from 'vitest';
import type { Mutation } from '@shared/sync/protocol';
import { payloadHash } from './push';

// Hashes recorded by earlier releases: a mutation retried after an upgrade must hash the same, or
// its id would be refused as reused.
const RECORDED: [Mutation, string][] = [
  [
    { id: 1, name: 'addBillingContact', args: { orgId: '00000000-0000-4000-8000-000000000001', email: 'a@b.example', kinds: ['invoices', 'reminders'] } },
    'd03165328b25d050dac218447096c7327c7a1095db92f2e8ef8c70b1951db1d3',
  ],
  [
    {
      id: 2,
      name: 'updateUser',
      baseVersion: 3,
      batchId: '00000000-0000-4000-8000-0000000000b1',
      args: { userId: 'u', orgId: 'o', lastName: 'Ødegård "Q" \\ 🚀', nested: { z: 1, a: [null, true, { y: 'x', b: 2.5 }], m: undefined } },
    },
    'cd9a06cdb2fe03e33051dbe54c069b49adeeaaa79244475415d9e4943ac6324c',
  ],
  [{ id: 3, name: 'installBuiltInRoles', args: { orgId: '00000000-0000-4000-8000-000000000003' } }, '6511797951a739491a588d6d149600b401db4440151cd0fac32af7ec28c13363'],
];

describe('payloadHash', () => {
  it.each(RECORDED)('hashes %j as earlier releases recorded it', (mutation, hash) => {
    expect(payloadHash(mutation)).toBe(hash);
  });

  it('hashes the same mutation the same whatever the order of its keys, and leaves out undefined ones', () => {
    const a = { id: 7, name: 'updateUser', args: { b: { y: 1, x: [2, { q: 1, p: 2 }] }, a: 'é' } } as unknown as Mutation;
    const b = { name: 'updateUser', args: { a: 'é', b: { x: [2, { p: 2, q: 1 }], y: 1, gone: undefined } }, id: 8 } as unknown as Mutation;
    expect(payloadHash(a)).toBe(payloadHash(b));
    const c = { ...a, args: { a: 'é', b: { y: 1, x: [{ q: 1, p: 2 }, 2] } } } as unknown as Mutation;
    expect(payloadHash(c)).not.toBe(payloadHash(a));
  });
});

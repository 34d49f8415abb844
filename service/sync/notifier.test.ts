import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSyncNotifier, decodePoke, encodePokes, MAX_NOTIFY_CHUNKS, NOTIFY_PAYLOAD_MAX } from './notifier';

describe('NOTIFY payloads for a change', () => {
  it('carry the organization ids, in chunks each under pg_notify\'s 8,000-byte limit', () => {
    const ids = Array.from({ length: 700 }, () => randomUUID());
    const payloads = encodePokes('inst1', ids);
    expect(payloads.length).toBeGreaterThan(1);
    expect(payloads.length).toBeLessThanOrEqual(MAX_NOTIFY_CHUNKS);
    for (const payload of payloads) expect(Buffer.byteLength(payload)).toBeLessThanOrEqual(NOTIFY_PAYLOAD_MAX);
    const decoded = payloads.map(decodePoke);
    expect(decoded.every((poke) => poke?.instance === 'inst1')).toBe(true);
    expect(decoded.flatMap((poke) => (poke === null || poke.orgIds === 'all' ? [] : poke.orgIds))).toEqual(ids);
  });

  it('become one "everything" poke when the change is too large, or an id is not plain', () => {
    const many = Array.from({ length: 5000 }, () => randomUUID());
    expect(encodePokes('inst1', many)).toEqual(['1;inst1;*']);
    expect(decodePoke('1;inst1;*')).toEqual({ instance: 'inst1', orgIds: 'all' });
    expect(encodePokes('inst1', ['a;b'])).toEqual(['1;inst1;*']);
    expect(encodePokes('inst1', [])).toEqual([]);
  });

  it('deduplicate ids, and anything else on the channel is ignored', () => {
    const id = randomUUID();
    expect(encodePokes('i', [id, id])).toEqual([`1;i;${id}`]);
    for (const other of ['', 'hello', '2;i;*', '1;;*', `1;i;${id};x`, '1;i;a b']) expect(decodePoke(other)).toBeNull();
  });
});

describe('the in-process notifier (PGlite)', () => {
  it('pokes the subscribers whose scope holds a changed organization, until they unsubscribe', () => {
    const notifier = createSyncNotifier();
    let a = 0;
    let b = 0;
    const stopA = notifier.subscribe(new Set(['o1', 'o2']), () => (a += 1));
    notifier.subscribe(new Set(['o3']), () => (b += 1));
    notifier.changed(['o2']);
    notifier.changed(['o3', 'o9']);
    expect([a, b]).toEqual([1, 1]);
    stopA();
    notifier.changed(['o1']);
    expect([a, b, notifier.size()]).toEqual([1, 1, 1]);
    expect(notifier.connected()).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { uuidSchema } from '@shared/domain/ids';
import { createPrng, type Prng } from './prng';

function draws(prng: Prng, count: number): number[] {
  return Array.from({ length: count }, () => prng.uint32());
}

describe('Prng', () => {
  it('repeats the same sequence for the same seed, and differs for another', () => {
    expect(draws(createPrng(42), 20)).toEqual(draws(createPrng(42), 20));
    expect(draws(createPrng('42'), 5)).toEqual(draws(createPrng(42), 5));
    expect(draws(createPrng(43), 20)).not.toEqual(draws(createPrng(42), 20));
  });

  it('keeps int, next and chance within bounds and covers the range', () => {
    const prng = createPrng('bounds');
    const seen = new Set<number>();
    for (let index = 0; index < 2000; index += 1) {
      const value = prng.int(-2, 3);
      expect(Number.isInteger(value) && value >= -2 && value <= 3).toBe(true);
      seen.add(value);
      const float = prng.next();
      expect(float >= 0 && float < 1).toBe(true);
    }
    expect([...seen].sort((a, b) => a - b)).toEqual([-2, -1, 0, 1, 2, 3]);
    expect(prng.int(7, 7)).toBe(7);
    expect(() => prng.int(3, 2)).toThrow(RangeError);
    expect(Array.from({ length: 50 }, () => prng.chance(0)).some(Boolean)).toBe(false);
    expect(Array.from({ length: 50 }, () => prng.chance(1)).every(Boolean)).toBe(true);
  });

  it('picks, weighs, shuffles and samples without touching the input', () => {
    const prng = createPrng('collections');
    const items = ['a', 'b', 'c', 'd', 'e'] as const;
    expect(items).toContain(prng.pick(items));
    expect(() => prng.pick([])).toThrow(RangeError);
    expect(prng.weighted([['never', 0], ['always', 1]])).toBe('always');
    const shuffled = prng.shuffle(items);
    expect([...shuffled].sort()).toEqual([...items]);
    expect(items).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(new Set(prng.sample(items, 3)).size).toBe(3);
    expect(prng.digits(6)).toMatch(/^\d{6}$/);
  });

  it('makes valid, distinct version 4 UUIDs', () => {
    const prng = createPrng('ids');
    const ids = new Set<string>();
    for (let index = 0; index < 5000; index += 1) {
      const id = prng.uuid();
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      ids.add(id);
    }
    expect(ids.size).toBe(5000);
    expect(uuidSchema.safeParse(prng.uuid()).success).toBe(true);
  });

  it('forks independent streams that do not depend on the parent state', () => {
    const a = createPrng('root');
    const b = createPrng('root');
    b.uint32();
    expect(draws(a.fork('x'), 5)).toEqual(draws(b.fork('x'), 5));
    expect(draws(a.fork('x'), 5)).not.toEqual(draws(a.fork('y'), 5));
  });
});

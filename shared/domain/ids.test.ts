import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { entityBaseShape, isoDateSchema, isoDateTimeSchema, uuidSchema } from './ids';

const base = {
  id: '6f1c2a3e-0b7d-4c1e-9a2b-3c4d5e6f7a80',
  orgId: '0e5b7c1d-2f3a-4b5c-8d6e-7f8091a2b3c4',
  version: 1,
  createdAt: '2024-03-01T09:00:00Z',
  updatedAt: '2024-03-01T09:00:00.123Z',
};
const entity = z.object(entityBaseShape);

describe('ids', () => {
  it('accepts a UUID and refuses anything else', () => {
    expect(uuidSchema.safeParse(base.id).success).toBe(true);
    expect(uuidSchema.safeParse('not-a-uuid').success).toBe(false);
    expect(uuidSchema.safeParse(42).success).toBe(false);
  });

  it('takes instants in UTC only', () => {
    expect(isoDateTimeSchema.safeParse('2024-03-01T09:00:00Z').success).toBe(true);
    expect(isoDateTimeSchema.safeParse('2024-03-01T09:00:00+01:00').success).toBe(false);
    expect(isoDateTimeSchema.safeParse('2024-03-01').success).toBe(false);
  });

  it('takes calendar days as YYYY-MM-DD', () => {
    expect(isoDateSchema.safeParse('2024-02-29').success).toBe(true);
    expect(isoDateSchema.safeParse('2024-02-30').success).toBe(false);
    expect(isoDateSchema.safeParse('2024-03-01T00:00:00Z').success).toBe(false);
  });

  it('requires every base field of an entity', () => {
    expect(entity.parse(base)).toEqual(base);
    expect(entity.safeParse({ ...base, version: 0 }).error?.issues[0]?.path).toEqual(['version']);
    expect(entity.safeParse({ ...base, version: 1.5 }).error?.issues[0]?.path).toEqual(['version']);
    expect(entity.safeParse({ ...base, orgId: 'x' }).error?.issues[0]?.path).toEqual(['orgId']);
    expect(entity.safeParse({ ...base, updatedAt: null }).error?.issues[0]?.path).toEqual(['updatedAt']);
  });
});

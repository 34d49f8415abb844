import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  apiErrorBodySchema,
  ERROR_CODES,
  errorCodeSchema,
  httpStatusOf,
  isSeatdeskError,
  SeatdeskError,
  validationErrorFromZod,
  type ErrorCode,
} from './errors';

const codes = Object.keys(ERROR_CODES) as ErrorCode[];

describe('ERROR_CODES', () => {
  it('has the codes of the API design plus the desktop ones', () => {
    expect(codes.sort()).toEqual(
      [
        'VALIDATION',
        'UNAUTHENTICATED',
        'FORBIDDEN',
        'NOT_FOUND',
        'VERSION_CONFLICT',
        'LAST_ADMIN',
        'ADMIN_ROLE_ASSIGNED',
        'DUPLICATE_EMAIL',
        'ROLE_IN_USE',
        'INVALID_TRANSITION',
        'PAYLOAD_TOO_LARGE',
        'RATE_LIMITED',
        'INTERNAL',
        'OFFLINE',
        'SCHEMA_MISMATCH',
      ].sort(),
    );
  });

  it.each(codes)('%s has an HTTP error status and a sentence for admins', (code) => {
    const status = httpStatusOf(code);
    expect(Number.isInteger(status)).toBe(true);
    expect(status).toBeGreaterThanOrEqual(400);
    expect(status).toBeLessThan(600);
    expect(ERROR_CODES[code].summary).toMatch(/^[A-Z].*\.$/);
  });

  it.each([
    ['VALIDATION', 400],
    ['UNAUTHENTICATED', 401],
    ['FORBIDDEN', 403],
    ['NOT_FOUND', 404],
    ['VERSION_CONFLICT', 409],
    ['LAST_ADMIN', 409],
    ['ADMIN_ROLE_ASSIGNED', 409],
    ['DUPLICATE_EMAIL', 409],
    ['ROLE_IN_USE', 409],
    ['INVALID_TRANSITION', 409],
    ['PAYLOAD_TOO_LARGE', 413],
    ['RATE_LIMITED', 429],
    ['INTERNAL', 500],
    ['OFFLINE', 503],
    ['SCHEMA_MISMATCH', 409],
  ] as const)('%s is %i', (code, status) => {
    expect(httpStatusOf(code)).toBe(status);
  });

  it('validates codes', () => {
    expect(errorCodeSchema.parse('LAST_ADMIN')).toBe('LAST_ADMIN');
    expect(errorCodeSchema.safeParse('TEAPOT').success).toBe(false);
    expect(errorCodeSchema.safeParse('toString').success).toBe(false);
  });
});

describe('SeatdeskError', () => {
  it('defaults its message to the summary and serialises without details', () => {
    const error = new SeatdeskError('LAST_ADMIN');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('SeatdeskError');
    expect(error.message).toBe(ERROR_CODES.LAST_ADMIN.summary);
    expect(error.status).toBe(409);
    expect(error.toBody()).toEqual({ error: { code: 'LAST_ADMIN', message: ERROR_CODES.LAST_ADMIN.summary } });
    expect('details' in error.toBody().error).toBe(false);
  });

  it('carries a message, details and a cause', () => {
    const cause = new Error('db');
    const error = new SeatdeskError('VERSION_CONFLICT', 'User changed.', { current: { version: 4 } }, { cause });
    expect(error.cause).toBe(cause);
    const body = error.toBody();
    expect(body).toEqual({ error: { code: 'VERSION_CONFLICT', message: 'User changed.', details: { current: { version: 4 } } } });
    expect(apiErrorBodySchema.parse(JSON.parse(JSON.stringify(body)))).toEqual(body);
  });

  it('is recognised by isSeatdeskError, and other errors are not', () => {
    expect(isSeatdeskError(new SeatdeskError('FORBIDDEN'))).toBe(true);
    expect(isSeatdeskError(new Error('FORBIDDEN'))).toBe(false);
    expect(isSeatdeskError({ code: 'FORBIDDEN', message: 'x' })).toBe(false);
    expect(isSeatdeskError(null)).toBe(false);
    const lookalike = Object.assign(new Error('x'), { name: 'SeatdeskError', code: 'NOPE', toBody: () => ({}) });
    expect(isSeatdeskError(lookalike)).toBe(false);
  });
});

describe('apiErrorBodySchema', () => {
  it('accepts the wire shape and refuses others', () => {
    expect(apiErrorBodySchema.safeParse({ error: { code: 'NOT_FOUND', message: 'Gone.' } }).success).toBe(true);
    expect(apiErrorBodySchema.safeParse({ error: { code: 'NOT_FOUND' } }).success).toBe(false);
    expect(apiErrorBodySchema.safeParse({ error: { code: 'NOPE', message: 'x' } }).success).toBe(false);
    expect(apiErrorBodySchema.safeParse({ code: 'NOT_FOUND', message: 'x' }).success).toBe(false);
  });
});

describe('validationErrorFromZod', () => {
  const schema = z.strictObject({
    name: z.string().min(1),
    address: z.object({ city: z.string() }),
    lines: z.array(z.object({ amount: z.number().int() })),
  });

  it('lists every issue with a dotted path', () => {
    const parsed = schema.safeParse({ name: '', address: {}, lines: [{ amount: 1 }, { amount: 1.5 }], extra: true });
    expect(parsed.success).toBe(false);
    if (parsed.success) return;
    const error = validationErrorFromZod(parsed.error);
    expect(error.code).toBe('VALIDATION');
    expect(error.status).toBe(400);
    const details = error.details as { path: string; message: string }[];
    expect(details.map((d) => d.path).sort()).toEqual(['', 'address.city', 'lines.1.amount', 'name']);
    for (const d of details) expect(d.message).toEqual(expect.any(String));
    expect(error.message).toMatch(/\(and 3 more\)$/);
    expect(error.toBody().error.details).toEqual(details);
  });

  it('uses the whole-input path for a top-level failure', () => {
    const parsed = z.string().safeParse(42);
    if (parsed.success) throw new Error('expected failure');
    const error = validationErrorFromZod(parsed.error);
    expect(error.details).toEqual([{ path: '', message: expect.any(String) }]);
    expect(error.message).not.toMatch(/^:/);
  });
});

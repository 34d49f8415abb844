import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  apiErrorBodySchema,
  fieldNameOf,
  installPlainMessages,
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

describe('plain messages (one zod error map)', () => {
  installPlainMessages();
  const first = (schema: z.ZodType, input: unknown) => {
    const parsed = schema.safeParse(input);
    if (parsed.success) throw new Error('expected a failure');
    return parsed.error.issues[0]!.message;
  };
  const person = z.strictObject({
    firstName: z.string().trim().min(1).max(100),
    email: z.email(),
    id: z.uuid(),
    status: z.enum(['pending', 'active', 'deactivated']),
    quantity: z.int().min(1).max(10_000),
    roleIds: z.array(z.uuid()).min(1).max(50),
    billingAddress: z.object({ postalCode: z.string().max(20) }),
  });
  const valid = {
    firstName: 'Ann',
    email: 'ann@example.com',
    id: '0b1c7c1e-5c77-4d4a-9a55-0c1b6b7a1a11',
    status: 'active',
    quantity: 3,
    roleIds: ['0b1c7c1e-5c77-4d4a-9a55-0c1b6b7a1a11'],
    billingAddress: { postalCode: '3511 AB' },
  };

  it('accepts the valid input', () => {
    expect(person.safeParse(valid).success).toBe(true);
  });

  it.each([
    ['too_big (string)', { firstName: 'x'.repeat(101) }, 'First name can be at most 100 characters.'],
    ['too_small (empty string)', { firstName: ' ' }, 'First name cannot be empty.'],
    ['too_big (number)', { quantity: 10_001 }, 'Quantity can be at most 10,000.'],
    ['too_small (number)', { quantity: 0 }, 'Quantity must be at least 1.'],
    ['too_big (array)', { roleIds: Array.from({ length: 51 }, () => valid.id) }, 'Roles can have at most 50 entries.'],
    ['too_small (array)', { roleIds: [] }, 'Roles must have at least one entry.'],
    ['invalid_type (missing)', { firstName: undefined }, 'First name is missing.'],
    ['invalid_type (null)', { firstName: null }, 'First name cannot be empty.'],
    ['invalid_type (number for text)', { firstName: 42 }, 'First name must be text.'],
    ['invalid_type (fraction for a whole number)', { quantity: 1.5 }, 'Quantity must be a whole number.'],
    ['invalid_type (text for a list)', { roleIds: 'admin' }, 'Roles must be a list.'],
    ['invalid_format (email)', { email: 'bad@' }, 'Enter a valid email address, such as name@example.com.'],
    ['invalid_format (uuid)', { id: 'ann' }, 'Id must be a valid id (a UUID, such as 0b1c7c1e-5c77-4d4a-9a55-0c1b6b7a1a11).'],
    ['invalid_value (enum)', { status: 'archived' }, 'Status must be pending, active or deactivated.'],
    ['nested field', { billingAddress: { postalCode: '1'.repeat(21) } }, 'Postal code can be at most 20 characters.'],
    ['unrecognized_keys', { floor: 3 }, 'Unknown field “floor”: leave it out.'],
  ])('%s', (_kind, change, message) => {
    expect(first(person, { ...valid, ...change })).toBe(message);
  });

  it('never answers with zod’s own wording', () => {
    const cases: unknown[] = [{ ...valid, firstName: 'x'.repeat(101) }, { ...valid, email: 1 }, {}, null, 'x', { ...valid, status: 1 }];
    for (const input of cases) {
      const parsed = person.safeParse(input);
      for (const issue of parsed.error?.issues ?? []) {
        expect(issue.message).not.toMatch(/Too big|Too small|expected|Invalid input|Invalid option|Unrecognized key/);
        expect(issue.message).toMatch(/^\S.*[.!?]$/);
      }
    }
  });

  it('keeps a schema’s own message', () => {
    expect(first(z.object({ city: z.string().min(1, 'Enter the city.') }), { city: '' })).toBe('Enter the city.');
  });

  it('shows a quoted key with what the text rule refuses replaced', () => {
    expect(first(z.strictObject({}), { 'a\u0000b': 1 })).toBe('Unknown field “a\ufffdb”: leave it out.');
  });

  it('names fields by their last key, spelling out unknown ones', () => {
    expect(fieldNameOf(['billingAddress', 'city'])).toBe('City');
    expect(fieldNameOf(['emails', 3])).toBe('Email addresses');
    expect(fieldNameOf(['admin', 'lastName'])).toBe('Last name');
    expect(fieldNameOf(['paymentTerms'])).toBe('Payment terms');
    expect(fieldNameOf([])).toBe('This value');
  });

  it('makes a VALIDATION error whose message says what is wrong after the path', () => {
    const parsed = person.safeParse({ ...valid, firstName: 'x'.repeat(101), quantity: 0 });
    if (parsed.success) throw new Error('expected a failure');
    expect(validationErrorFromZod(parsed.error).message).toBe('firstName: First name can be at most 100 characters. (and 1 more)');
  });
});

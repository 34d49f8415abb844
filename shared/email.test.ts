import { describe, expect, it } from 'vitest';
import { emailKey, emailSchema, normalizeEmail, parseEmailList, sameEmail } from './email';

describe('normalizeEmail', () => {
  it('trims and lower-cases the domain, keeping the local part', () => {
    expect(normalizeEmail('  Ann.Lee@Example.COM \n')).toBe('Ann.Lee@example.com');
    expect(normalizeEmail('a@b@C.com')).toBe('a@b@c.com'); // the domain follows the last @
    expect(normalizeEmail('no-at-sign')).toBe('no-at-sign');
  });
});

describe('comparison', () => {
  it('keys and compares case-insensitively', () => {
    expect(emailKey(' Ann.Lee@Example.COM ')).toBe('ann.lee@example.com');
    expect(sameEmail('Ann.Lee@Example.com', 'ann.lee@example.COM')).toBe(true);
    expect(sameEmail(' ann@x.com', 'ann@x.com ')).toBe(true);
    expect(sameEmail('ann@x.com', 'anne@x.com')).toBe(false);
  });
});

describe('emailSchema', () => {
  it('trims, validates and normalises', () => {
    expect(emailSchema.parse('  Ann.Lee@Example.COM ')).toBe('Ann.Lee@example.com');
    expect(emailSchema.parse('first+tag@sub.example.co.uk')).toBe('first+tag@sub.example.co.uk');
  });

  it.each([[''], ['ann'], ['ann@'], ['@x.com'], ['ann@x'], ['ann lee@x.com'], ['ann@@x.com'], [42]])('refuses %j', (input) => {
    expect(emailSchema.safeParse(input).success).toBe(false);
  });

  it('refuses addresses over 254 characters', () => {
    const domain = `${'a'.repeat(60)}.${'b'.repeat(60)}.${'c'.repeat(60)}.${'d'.repeat(60)}.com`;
    expect(`abcdef@${domain}`).toHaveLength(254);
    expect(emailSchema.safeParse(`abcdef@${domain}`).success).toBe(true);
    const tooLong = emailSchema.safeParse(`abcdefg@${domain}`);
    expect(tooLong.success).toBe(false);
    expect(tooLong.error?.issues[0]?.message).toContain('254');
  });
});

describe('parseEmailList', () => {
  it('reads a messy paste', () => {
    const pasted = [
      'Ann Lee <Ann.Lee@Example.com>, bob@example.com; carol@Example.ORG',
      '"Smith, Dan" <dan@example.com>;;',
      '  eve@example.com\tnot-an-email   BOB@EXAMPLE.COM',
      'mailto:frank@example.com,,',
      'Grace Hopper',
      'heidi@example',
      'Ivan <ivan@example.com',
      '',
    ].join('\r\n');
    expect(parseEmailList(pasted)).toEqual({
      valid: [
        'Ann.Lee@example.com',
        'bob@example.com',
        'carol@example.org',
        'dan@example.com',
        'eve@example.com',
        'frank@example.com',
        'ivan@example.com',
      ],
      invalid: [
        { input: 'not-an-email', reason: 'Not an email address.' },
        { input: 'Grace Hopper', reason: 'Not an email address.' },
        { input: 'heidi@example', reason: 'Enter a valid email address, such as name@example.com.' },
      ],
      duplicates: ['BOB@example.com'],
    });
  });

  it('reports every later repeat as a duplicate and keeps the first spelling', () => {
    expect(parseEmailList('Ann@x.com ann@X.com ANN@x.com')).toEqual({
      valid: ['Ann@x.com'],
      invalid: [],
      duplicates: ['ann@x.com', 'ANN@x.com'],
    });
  });

  it('returns empty lists for blank input', () => {
    expect(parseEmailList(' ,; \n ')).toEqual({ valid: [], invalid: [], duplicates: [] });
  });

  it('reports an empty or invalid bracketed address', () => {
    expect(parseEmailList('Ann <>, Bob <bob@>')).toEqual({
      valid: [],
      invalid: [
        { input: '', reason: 'Enter a valid email address, such as name@example.com.' },
        { input: 'bob@', reason: 'Enter a valid email address, such as name@example.com.' },
      ],
      duplicates: [],
    });
  });

  it('treats a quoted name that looks like an address as a name', () => {
    expect(parseEmailList('"ann@x.com" <ann@x.com>').valid).toEqual(['ann@x.com']);
  });
});

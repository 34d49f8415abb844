import { describe, expect, it } from 'vitest';
import { JsonText, LARGEST_STRING_BODY } from './route';

describe('JsonText', () => {
  it('writes its parts as one UTF-8 body, multi-byte characters included', () => {
    const parts = ['{"items":[', '{"name":"Zoë — Ødegård 🚀"}', ',', '{"name":"plain"}', ']}'];
    const body = new JsonText(parts).toBuffer();
    expect(body.equals(Buffer.from(parts.join(''), 'utf8'))).toBe(true);
    expect(JSON.parse(body.toString('utf8'))).toEqual({ items: [{ name: 'Zoë — Ødegård 🚀' }, { name: 'plain' }] });
  });

  it('writes an empty list of parts as an empty body', () => {
    expect(new JsonText([]).toBuffer().length).toBe(0);
  });
});

describe('JsonText body', () => {
  it('is one string below LARGEST_STRING_BODY characters, and the same bytes in a Buffer above it', () => {
    const small = new JsonText(['{"items":[', '"Zoë"', ']}']);
    expect(small.body()).toBe('{"items":["Zoë"]}');
    const item = `"${'x'.repeat(999)}"`;
    const parts = ['[', ...Array.from({ length: Math.ceil(LARGEST_STRING_BODY / 1000) }, (_, index) => (index === 0 ? item : `,${item}`)), ']'];
    const large = new JsonText(parts).body();
    expect(Buffer.isBuffer(large)).toBe(true);
    expect((large as Buffer).equals(Buffer.from(parts.join(''), 'utf8'))).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { JsonText } from './route';

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

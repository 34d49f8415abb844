import { describe, expect, it } from 'vitest';
import { exportedFileBytes, safeFileName } from './download';

describe('exported files', () => {
  it('encodes text as UTF-8 and decodes base64 binaries', () => {
    expect([...exportedFileBytes({ fileName: 'a.csv', mimeType: 'text/csv', encoding: 'utf8', content: 'é,1' })]).toEqual([0xc3, 0xa9, 0x2c, 0x31]);
    expect(new TextDecoder().decode(exportedFileBytes({ fileName: 'a.pdf', mimeType: 'application/pdf', encoding: 'base64', content: 'JVBERi0xLjc=' }))).toBe('%PDF-1.7');
  });

  it('offers a file name without paths or reserved characters', () => {
    expect(safeFileName('users-northwind-2026-11-02.csv')).toBe('users-northwind-2026-11-02.csv');
    expect(safeFileName('../../etc/passwd')).toBe('-..-etc-passwd');
    expect(safeFileName('a<b>:c?.pdf')).toBe('a-b-c-.pdf');
    expect(safeFileName('')).toBe('export');
  });
});

/**
 * pdfkit's built-in fonts (Helvetica) encode text as WinAnsi (Windows-1252): Latin-1 plus a
 * few typographic characters. Anything else would print as garbage, so text is mapped to what
 * the font has: the thin spaces Intl puts in numbers become no-break spaces, accented letters
 * outside Latin-1 lose their accent, and what is left becomes "?".
 */

/** Code points above Latin-1 that WinAnsi has (pdfkit's WIN_ANSI_MAP). */
const WIN_ANSI_EXTRA = new Set([
  0x0152, 0x0153, 0x0160, 0x0161, 0x0178, 0x017d, 0x017e, 0x0192, 0x02c6, 0x02dc, 0x2013, 0x2014, 0x2018, 0x2019,
  0x201a, 0x201c, 0x201d, 0x201e, 0x2020, 0x2021, 0x2022, 0x2026, 0x2030, 0x2039, 0x203a, 0x20ac, 0x2122,
]);

/** Letters that do not decompose into a base letter and an accent. */
const FALLBACK: Readonly<Record<string, string>> = {
  Ł: 'L',
  ł: 'l',
  Đ: 'D',
  đ: 'd',
  Ħ: 'H',
  ħ: 'h',
  ı: 'i',
  Ŧ: 'T',
  ŧ: 't',
  '\u2212': '-', // minus sign, used by some locales for negative amounts
  '\u2010': '-',
  '\u2011': '-',
};

function encodable(code: number): boolean {
  return (code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff) || WIN_ANSI_EXTRA.has(code);
}

/** True when every character of the text prints as itself in a built-in font. */
export function isWinAnsi(text: string): boolean {
  for (const ch of text) {
    if (!encodable(ch.codePointAt(0)!)) return false;
  }
  return true;
}

export function toWinAnsi(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (encodable(code)) out += ch;
    else if (code === 0x09 || code === 0x0a || code === 0x0d) out += ' ';
    else if (/\s/u.test(ch)) out += '\u00a0'; // narrow and thin no-break spaces (fr-FR, de-CH numbers)
    else if (FALLBACK[ch] !== undefined) out += FALLBACK[ch];
    else {
      const base = ch.normalize('NFKD').replace(/\p{M}/gu, '');
      out += base !== '' && isWinAnsi(base) ? base : '?';
    }
  }
  return out;
}

/**
 * The key names are sorted by in the cache: what Intl.Collator compares at its first strength
 * (letters, not accents or case), as a string SQLite can order and index. SQLite has no
 * collation for this and better-sqlite3 cannot add one, so the cache registers this as the
 * deterministic function sort_key (open.ts) and indexes it (migration 5): "Ávila" sorts with the
 * A names and "Öztürk" with the O names, not after "Zimmermann". Ties are broken by the name as
 * written, so the order is total.
 */

/** Letters that do not decompose into a base letter and marks. */
const FOLDED: Readonly<Record<string, string>> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  đ: 'd',
  ð: 'd',
  ł: 'l',
  þ: 'th',
  ı: 'i',
  ħ: 'h',
  ŧ: 't',
};

export function nameSortKey(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[ßæœøđðłþıħŧ]/g, (letter) => FOLDED[letter] ?? letter)
    .trim();
}

/** The SQL function's body: text gets its key, anything else (NULL) stays as it is. */
export function sqlSortKey(value: unknown): unknown {
  return typeof value === 'string' ? nameSortKey(value) : value;
}

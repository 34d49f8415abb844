import { describe, expect, it } from 'vitest';
import { nameSortKey, sqlSortKey } from './sort-key';

describe('nameSortKey', () => {
  it('folds accents, case and letters without a decomposition', () => {
    expect(nameSortKey('Núñez')).toBe('nunez');
    expect(nameSortKey('Ávila')).toBe('avila');
    expect(nameSortKey('Öztürk')).toBe('ozturk');
    expect(nameSortKey('Łukasz')).toBe('lukasz');
    expect(nameSortKey('Strauß')).toBe('strauss');
    expect(nameSortKey('Ærø')).toBe('aero');
    expect(nameSortKey(' de Vries ')).toBe('de vries');
    expect(sqlSortKey(null)).toBeNull();
  });

  it('orders names as Intl.Collator does at its first strength, ties by the name as written', () => {
    const names = ['Zimmermann', 'Ávila', 'avila', 'Núñez', 'Nunez', 'Nielsen', 'Öztürk', 'Olsen', 'Wagner', 'Çelik', 'Carter', 'Łukasz', 'Lee', 'Émile', 'Evans', 'Ørsted', 'Orr'];
    const byKey = [...names].sort((a, b) => {
      const [x, y] = [nameSortKey(a), nameSortKey(b)];
      return x < y ? -1 : x > y ? 1 : a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0;
    });
    const collator = new Intl.Collator('en', { sensitivity: 'base' });
    // Each name is in the same place as the collator puts it, up to names it finds equal.
    for (let i = 1; i < byKey.length; i++) expect(collator.compare(byKey[i - 1]!, byKey[i]!), `${byKey[i - 1]} before ${byKey[i]}`).toBeLessThanOrEqual(0);
    expect(byKey.indexOf('Núñez')).toBeLessThan(byKey.indexOf('Olsen'));
    expect(byKey.indexOf('Ávila')).toBeLessThan(byKey.indexOf('Carter'));
    expect(byKey.at(-1)).toBe('Zimmermann');
  });
});

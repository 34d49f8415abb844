/** "2026-03" month inputs to the list's [from, to) day range: to is the day after the chosen month. */
export function monthRange(from: string, to: string): { from?: string; to?: string } {
  const range: { from?: string; to?: string } = {};
  if (/^\d{4}-\d{2}$/.test(from)) range.from = `${from}-01`;
  if (/^\d{4}-\d{2}$/.test(to)) {
    const [year, month] = to.split('-').map(Number) as [number, number];
    const next = month === 12 ? `${year + 1}-01` : `${year}-${String(month + 1).padStart(2, '0')}`;
    range.to = `${next}-01`;
  }
  return range;
}

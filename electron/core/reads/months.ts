/** Calendar months as YYYY-MM, in UTC, for the billing reads. */

export interface MonthPeriod {
  /** YYYY-MM */
  month: string;
  /** First day, YYYY-MM-DD. */
  periodStart: string;
  /** Last day, YYYY-MM-DD (inclusive), as invoice periods are given. */
  periodEnd: string;
}

const pad = (value: number, width: number) => String(value).padStart(width, '0');

/** The month `offset` months after (or before, when negative) the month of `day` (YYYY-MM-DD or an instant). */
export function monthPeriod(day: string, offset = 0): MonthPeriod {
  const date = new Date(Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(day) ? `${day}T00:00:00Z` : day));
  const index = date.getUTCFullYear() * 12 + date.getUTCMonth() + offset;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return {
    month: `${pad(year, 4)}-${pad(month, 2)}`,
    periodStart: `${pad(year, 4)}-${pad(month, 2)}-01`,
    periodEnd: `${pad(year, 4)}-${pad(month, 2)}-${pad(lastDay, 2)}`,
  };
}

import { useMemo } from 'react';
import { formatMonth, recentMonths } from '../../format/format';

/** Invoices go back this far in the filter (the spend chart shows one year). */
const MONTHS_SHOWN = 36;

/**
 * A month of the invoice filters, picked from a list of month names ("Any month", "Dec 2026",
 * "Nov 2026", ...): an empty <input type="month"> showed Chromium's "--------- ----" mask and
 * no words. The value is YYYY-MM, or "" for any month.
 */
export function MonthSelect({ label, value, onValue }: { label: string; value: string; onValue(value: string): void }) {
  const months = useMemo(() => {
    const recent = recentMonths(new Date(), MONTHS_SHOWN);
    // A month chosen earlier stays listed, so the select never shows a value it has no option for.
    return value !== '' && !recent.includes(value) ? [...recent, value] : recent;
  }, [value]);
  return (
    <label className="inline-field">
      <span>{label}</span>
      <select className="input select month-select" value={value} onChange={(event) => onValue(event.target.value)}>
        <option value="">Any month</option>
        {months.map((month) => (
          <option key={month} value={month}>
            {formatMonth(month)}
          </option>
        ))}
      </select>
    </label>
  );
}

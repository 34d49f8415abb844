import { useId, useState } from 'react';
import type { SpendMonth } from '@shared/ipc/models';
import { minorUnitDigits } from '@shared/money';
import { formatAmount, formatCount, formatMonth } from '../../format/format';
import { axisTicks, chartCurrencies, describeSpend, spendSeries } from './spend-chart';

const WIDTH = 640;
const HEIGHT = 220;
const PAD = { top: 14, right: 44, bottom: 26, left: 64 };

function compactMoney(minor: number, currency: string): string {
  try {
    return new Intl.NumberFormat(undefined, { style: 'currency', currency, notation: 'compact', maximumFractionDigits: 1 }).format(minor / 10 ** minorUnitDigits(currency));
  } catch {
    return formatAmount(minor, currency);
  }
}

/**
 * Monthly spend (bars) and active seats (line) over the last 12 months, drawn by hand in SVG.
 * The image carries a one-sentence description; the same numbers are in a table below it.
 */
export function SpendChart({ months }: { months: readonly SpendMonth[] }) {
  const currencies = chartCurrencies(months);
  const [chosen, setChosen] = useState<string | null>(null);
  const currency = chosen !== null && currencies.includes(chosen) ? chosen : (currencies[0] ?? null);
  const titleId = useId();
  const descId = useId();

  if (currency === null) {
    return (
      <figure className="chart card">
        <figcaption className="card-label">Spend and active seats, last 12 months</figcaption>
        <p className="muted">No invoices in the last 12 months.</p>
      </figure>
    );
  }

  const points = spendSeries(months, currency);
  const amountTicks = axisTicks(Math.max(...points.map((point) => point.amount)));
  const seatTicks = axisTicks(Math.max(...points.map((point) => point.seats)));
  const amountTop = amountTicks[amountTicks.length - 1] ?? 1;
  const seatTop = seatTicks[seatTicks.length - 1] ?? 1;
  const plotWidth = WIDTH - PAD.left - PAD.right;
  const plotHeight = HEIGHT - PAD.top - PAD.bottom;
  const slot = plotWidth / Math.max(1, points.length);
  const barWidth = Math.min(28, slot * 0.56);
  const x = (index: number) => PAD.left + slot * index + slot / 2;
  const yAmount = (amount: number) => PAD.top + plotHeight - (amount / amountTop) * plotHeight;
  const ySeats = (seats: number) => PAD.top + plotHeight - (seats / seatTop) * plotHeight;
  const line = points.map((point, index) => `${index === 0 ? 'M' : 'L'}${x(index).toFixed(1)},${ySeats(point.seats).toFixed(1)}`).join(' ');
  const description = describeSpend(
    points,
    (minor) => formatAmount(minor, currency),
    (month) => formatMonth(month),
  );

  return (
    <figure className="chart card">
      <div className="chart-head">
        <figcaption id={titleId} className="card-label">
          Spend and active seats, last 12 months
        </figcaption>
        <div className="chart-legend" aria-hidden="true">
          <span className="legend-bar" /> Spend ({currency})
          <span className="legend-line" /> Active seats
        </div>
        {currencies.length > 1 && (
          <label className="inline-field small">
            <span>Currency</span>
            <select className="input select" value={currency} onChange={(event) => setChosen(event.target.value)}>
              {currencies.map((code) => (
                <option key={code} value={code}>
                  {code}
                </option>
              ))}
            </select>
          </label>
        )}
      </div>
      <svg className="chart-svg" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-labelledby={`${titleId} ${descId}`}>
        <desc id={descId}>{description}</desc>
        {amountTicks.map((tick) => (
          <g key={`a${tick}`} className="chart-grid">
            <line x1={PAD.left} x2={WIDTH - PAD.right} y1={yAmount(tick)} y2={yAmount(tick)} />
            <text x={PAD.left - 8} y={yAmount(tick)} textAnchor="end" dominantBaseline="middle" className="chart-axis">
              {compactMoney(tick, currency)}
            </text>
          </g>
        ))}
        {seatTicks.map((tick) => (
          <text key={`s${tick}`} x={WIDTH - PAD.right + 8} y={ySeats(tick)} dominantBaseline="middle" className="chart-axis chart-axis-seats">
            {formatCount(tick)}
          </text>
        ))}
        {points.map((point, index) => (
          <g key={point.month}>
            <rect
              className="chart-bar"
              x={x(index) - barWidth / 2}
              y={yAmount(point.amount)}
              width={barWidth}
              height={Math.max(0, PAD.top + plotHeight - yAmount(point.amount))}
              rx={3}
            >
              <title>
                {formatMonth(point.month)}: {formatAmount(point.amount, currency)}, {formatCount(point.seats)} active seats
              </title>
            </rect>
            <text x={x(index)} y={HEIGHT - 8} textAnchor="middle" className="chart-axis">
              {formatMonth(point.month, undefined, 'short')}
            </text>
          </g>
        ))}
        <path className="chart-line" d={line} />
        {points.map((point, index) => (
          <circle key={`c${point.month}`} className="chart-dot" cx={x(index)} cy={ySeats(point.seats)} r={3} />
        ))}
      </svg>
      <details className="chart-table">
        <summary>Show as table</summary>
        <table className="table compact">
          <caption className="visually-hidden">Spend and active seats per month</caption>
          <thead>
            <tr>
              <th scope="col">Month</th>
              <th scope="col" className="numeric">
                Spend
              </th>
              <th scope="col" className="numeric">
                Active seats
              </th>
            </tr>
          </thead>
          <tbody>
            {months.map((month) => (
              <tr key={month.month}>
                <th scope="row">{formatMonth(month.month)}</th>
                <td className="numeric">{month.totals.length === 0 ? '—' : month.totals.map((total) => formatAmount(total.amount, total.currency)).join(' + ')}</td>
                <td className="numeric">{formatCount(month.activeSeats)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}

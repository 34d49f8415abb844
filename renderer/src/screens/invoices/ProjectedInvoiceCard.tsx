import type { OrgNode } from '@shared/ipc/models';
import { LoadError, Loading } from '../../components/bits';
import { formatAmount, formatCount, formatPeriod } from '../../format/format';
import { useProjected } from './use-invoices';

/** The next invoice as it would be issued now, from the current active seats. */
export function ProjectedInvoiceCard({ org, childrenIncluded }: { org: OrgNode; childrenIncluded: boolean }) {
  const projected = useProjected(org.id);
  const data = projected.data;
  return (
    <section className="card projected" aria-labelledby="projected-title">
      <h2 id="projected-title" className="card-label">
        Projected next invoice
      </h2>
      {projected.isError ? (
        <LoadError error={projected.error} onRetry={() => void projected.refetch()} />
      ) : data === undefined ? (
        <Loading />
      ) : (
        <>
          {data.totals.length === 0 ? (
            <p className="projected-total muted">Nothing to bill</p>
          ) : (
            data.totals.map((total) => (
              <p key={total.currency} className="projected-total">
                {formatAmount(total.total, total.currency)}
                <span className="muted small"> incl. {formatAmount(total.tax, total.currency)} tax</span>
              </p>
            ))
          )}
          <p className="muted small">
            {formatPeriod(data.periodStart, data.periodEnd)} · {formatCount(data.activeSeats)} active {data.activeSeats === 1 ? 'seat' : 'seats'}
            {childrenIncluded && ` · ${org.name} only`}
          </p>
          {data.lines.length > 0 && (
            <ul className="projected-lines">
              {data.lines.map((line) => (
                <li key={line.subscriptionId}>
                  <span>{line.description}</span>
                  <span className="numeric">{formatAmount(line.amount, line.currency)}</span>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}

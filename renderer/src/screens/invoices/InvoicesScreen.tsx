import { useMemo, useState } from 'react';
import type { InvoiceStatus } from '@shared/domain/invoice';
import { useCore } from '../../api/core-context';
import { errorSentence } from '../../api/errors';
import type { InvoiceFilters } from '../../api/query-keys';
import { Badge, EmptyState, LoadError, Loading } from '../../components/bits';
import { saveExportedFile } from '../../components/download';
import { Icon } from '../../components/Icon';
import { formatAmount, formatDate, formatPeriod } from '../../format/format';
import type { ScreenProps } from '../../shell/Shell';
import { ScreenHeader } from '../../shell/ScreenHeader';
import { useNavStore } from '../../state/nav-store';
import { toast } from '../../state/toast-store';
import { INVOICE_STATUS, InvoiceDialog } from './InvoiceDialog';
import { MonthSelect } from './MonthSelect';
import { ProjectedInvoiceCard } from './ProjectedInvoiceCard';
import { SpendChart } from './SpendChart';
import { monthRange } from './invoice-filters';
import { useInvoices, useSpend } from './use-invoices';
import './invoices.css';

type StatusFilter = InvoiceStatus | 'all';

export function InvoicesScreen({ org, scope }: ScreenProps) {
  const core = useCore();
  // A link (Home's "overdue invoices") opens the screen with its status.
  const opened = useNavStore((state) => state.params);
  const [status, setStatus] = useState<StatusFilter>(() => (opened['status'] !== undefined && Object.hasOwn(INVOICE_STATUS, opened['status']) ? (opened['status'] as InvoiceStatus) : 'all'));
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [openId, setOpenId] = useState<string | null>(null);
  const filters = useMemo<InvoiceFilters>(() => ({ ...(status === 'all' ? {} : { status }), ...monthRange(from, to) }), [status, from, to]);
  const invoices = useInvoices(scope, filters);
  const spend = useSpend(scope);

  const exportCsv = async () => {
    try {
      saveExportedFile(await core.importExport.invoicesCsv({ ...scope, ...filters }));
    } catch (error) {
      toast.error(errorSentence(error));
    }
  };

  return (
    <div className="screen">
      <ScreenHeader
        title="Invoices"
        org={org}
        actions={
          <button type="button" className="button" onClick={() => void exportCsv()}>
            <Icon name="download" size={14} /> Export CSV
          </button>
        }
      />
      <div className="screen-body">
        <div className="billing-overview">
          {spend.isError ? <LoadError error={spend.error} /> : spend.data === undefined ? <Loading /> : <SpendChart months={spend.data} />}
          <ProjectedInvoiceCard org={org} childrenIncluded={scope.includeChildren} />
        </div>

        <div className="toolbar" role="search" aria-label="Filter invoices">
          <label className="inline-field">
            <span>Status</span>
            <select className="input select" value={status} onChange={(event) => setStatus(event.target.value as StatusFilter)}>
              <option value="all">All</option>
              {(Object.keys(INVOICE_STATUS) as InvoiceStatus[]).map((key) => (
                <option key={key} value={key}>
                  {INVOICE_STATUS[key].label}
                </option>
              ))}
            </select>
          </label>
          <MonthSelect label="From month" value={from} onValue={setFrom} />
          <MonthSelect label="To month" value={to} onValue={setTo} />
          {(status !== 'all' || from !== '' || to !== '') && (
            <button
              type="button"
              className="button ghost"
              onClick={() => {
                setStatus('all');
                setFrom('');
                setTo('');
              }}
            >
              Clear filters
            </button>
          )}
        </div>

        <div>
          <div>
            {invoices.isError ? (
              <LoadError error={invoices.error} onRetry={() => void invoices.refetch()} />
            ) : invoices.data === undefined ? (
              <Loading />
            ) : invoices.data.length === 0 ? (
              <EmptyState icon="receipt" title="No invoices match these filters" />
            ) : (
              <div className="table-scroll">
                <table className="table nowrap-cells invoices-table">
                  <caption className="visually-hidden">Invoices</caption>
                  <thead>
                    <tr>
                      <th scope="col">Number</th>
                      <th scope="col">Company</th>
                      <th scope="col">Period</th>
                      <th scope="col">Issued</th>
                      <th scope="col">Due</th>
                      <th scope="col">Status</th>
                      <th scope="col" className="numeric">
                        Total
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {invoices.data.map((invoice) => (
                      <tr key={invoice.id} className="clickable" onClick={() => setOpenId(invoice.id)}>
                        <td>
                          <button type="button" className="link-button" onClick={(event) => (event.stopPropagation(), setOpenId(invoice.id))}>
                            {invoice.number}
                          </button>
                        </td>
                        <td className="muted">{invoice.orgName}</td>
                        <td>{formatPeriod(invoice.periodStart, invoice.periodEnd)}</td>
                        <td>{formatDate(invoice.issuedAt)}</td>
                        <td>{formatDate(invoice.dueAt)}</td>
                        <td>
                          <Badge tone={INVOICE_STATUS[invoice.status].tone}>{INVOICE_STATUS[invoice.status].label}</Badge>
                        </td>
                        <td className="numeric strong">{formatAmount(invoice.total, invoice.currency)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </div>
          {openId !== null && <InvoiceDialog invoiceId={openId} onClose={() => setOpenId(null)} />}
        </div>
      </div>
    </div>
  );
}

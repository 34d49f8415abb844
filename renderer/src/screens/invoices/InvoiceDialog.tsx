import type { InvoiceStatus } from '@shared/domain/invoice';
import { useCore } from '../../api/core-context';
import { errorSentence } from '../../api/errors';
import { Badge, LoadError, Loading, type BadgeTone } from '../../components/bits';
import { saveExportedFile } from '../../components/download';
import { Icon } from '../../components/Icon';
import { Dialog } from '../../components/Dialog';
import { formatAmount, formatCount, formatDate, formatPeriod } from '../../format/format';
import { toast } from '../../state/toast-store';
import { useInvoice } from './use-invoices';

export const INVOICE_STATUS: Record<InvoiceStatus, { label: string; tone: BadgeTone }> = {
  open: { label: 'Open', tone: 'info' },
  paid: { label: 'Paid', tone: 'positive' },
  overdue: { label: 'Overdue', tone: 'negative' },
  void: { label: 'Void', tone: 'neutral' },
};

/** An invoice with its lines, from the offline copy, and its PDF. */
export function InvoiceDialog({ invoiceId, onClose }: { invoiceId: string; onClose(): void }) {
  const core = useCore();
  const invoice = useInvoice(invoiceId);
  const data = invoice.data;

  const downloadPdf = async () => {
    try {
      saveExportedFile(await core.importExport.invoicePdf({ invoiceId }));
    } catch (error) {
      toast.error(errorSentence(error));
    }
  };

  return (
    <Dialog
      title={data?.number === undefined ? 'Invoice' : `Invoice ${data.number}`}
      description={data == null ? undefined : <span className="muted">{data.orgName}</span>}
      size="large"
      onClose={onClose}
      onSubmit={() => void downloadPdf()}
      footer={
        <>
          <button type="button" className="button" onClick={onClose}>
            Close
          </button>
          <button type="submit" className="button primary" disabled={data == null}>
            <Icon name="download" size={14} /> Download PDF
          </button>
        </>
      }
    >
      {invoice.isError ? (
        <LoadError error={invoice.error} onRetry={() => void invoice.refetch()} />
      ) : data === undefined ? (
        <Loading />
      ) : data === null ? (
        <p className="muted">This invoice is not in your offline copy.</p>
      ) : (
        <>
          <dl className="facts facts-4">
            <div>
              <dt>Status</dt>
              <dd>
                <Badge tone={INVOICE_STATUS[data.status].tone}>{INVOICE_STATUS[data.status].label}</Badge>
              </dd>
            </div>
            <div>
              <dt>Period</dt>
              <dd>{formatPeriod(data.periodStart, data.periodEnd)}</dd>
            </div>
            <div>
              <dt>Issued</dt>
              <dd>{formatDate(data.issuedAt)}</dd>
            </div>
            <div>
              <dt>Due</dt>
              <dd>{formatDate(data.dueAt)}</dd>
            </div>
          </dl>
          <table className="table compact lines-table">
            <caption className="visually-hidden">Invoice lines</caption>
            <thead>
              <tr>
                <th scope="col">Description</th>
                <th scope="col" className="numeric">
                  Qty
                </th>
                <th scope="col" className="numeric">
                  Unit price
                </th>
                <th scope="col" className="numeric">
                  Amount
                </th>
              </tr>
            </thead>
            <tbody>
              {data.lines.map((line, index) => (
                <tr key={index}>
                  <td>{line.description}</td>
                  <td className="numeric">{formatCount(line.quantity)}</td>
                  <td className="numeric">{formatAmount(line.unitPrice, data.currency)}</td>
                  <td className="numeric">{formatAmount(line.amount, data.currency)}</td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row" colSpan={3}>
                  Subtotal
                </th>
                <td className="numeric">{formatAmount(data.subtotal, data.currency)}</td>
              </tr>
              <tr>
                <th scope="row" colSpan={3}>
                  Tax
                </th>
                <td className="numeric">{formatAmount(data.tax, data.currency)}</td>
              </tr>
              <tr className="total-row">
                <th scope="row" colSpan={3}>
                  Total
                </th>
                <td className="numeric">{formatAmount(data.total, data.currency)}</td>
              </tr>
            </tfoot>
          </table>
        </>
      )}
    </Dialog>
  );
}

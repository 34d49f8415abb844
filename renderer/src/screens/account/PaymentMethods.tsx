import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { isExpired, type PaymentMethodType } from '@shared/domain/payment-method';
import type { OrgNode, PaymentMethodRow } from '@shared/ipc/models';
import { useCommand } from '../../api/commands';
import { useCore } from '../../api/core-context';
import { errorSentence } from '../../api/errors';
import { queryKeys } from '../../api/query-keys';
import { Badge, EmptyState, LoadError, Loading, PendingMark } from '../../components/bits';
import { ConfirmDialog } from '../../components/Dialog';
import { Icon } from '../../components/Icon';
import { formatBrand } from '../../format/format';
import { toast } from '../../state/toast-store';

const TYPE_LABELS: Record<PaymentMethodType, string> = { card: 'Card', sepa_debit: 'SEPA Direct Debit', ideal: 'iDEAL' };

/** "Visa ending in 4242", "SEPA Direct Debit (ING) ending in 1234": brands as their owners write them. */
export function describeMethod(method: Pick<PaymentMethodRow, 'type' | 'brand' | 'last4'>): string {
  const brand = formatBrand(method.brand);
  return method.type === 'card' ? `${brand} ending in ${method.last4}` : `${TYPE_LABELS[method.type]} (${brand}) ending in ${method.last4}`;
}

export function PaymentMethods({ org }: { org: OrgNode }) {
  const core = useCore();
  const methods = useQuery({ queryKey: queryKeys.paymentMethods(org.id), queryFn: () => core.paymentMethods.list({ orgId: org.id }) });
  const { run, pending } = useCommand();
  const [removing, setRemoving] = useState<PaymentMethodRow | null>(null);
  const canEdit = org.permissions.includes('billing.edit');
  const today = new Date().toISOString().slice(0, 10);

  const setDefault = async (method: PaymentMethodRow) => {
    try {
      await run('setDefaultPaymentMethod', { orgId: org.id, paymentMethodId: method.id });
      toast.success(`${describeMethod(method)} is now the default.`);
    } catch (error) {
      toast.error(errorSentence(error));
    }
  };

  return (
    <section className="section" aria-labelledby="payment-methods-title">
      <h2 id="payment-methods-title" className="section-title">
        Payment methods
      </h2>
      {!org.permissions.includes('billing.view') ? (
        <p className="muted">Seeing payment methods needs the billing.view permission.</p>
      ) : methods.isError ? (
        <LoadError error={methods.error} onRetry={() => void methods.refetch()} />
      ) : methods.data === undefined ? (
        <Loading />
      ) : methods.data.length === 0 ? (
        <EmptyState icon="card" title="No payment methods">
          <p>Payment methods are added through the billing portal of your provider.</p>
        </EmptyState>
      ) : (
        <ul className="method-list">
          {methods.data.map((method) => {
            const expired = isExpired(method, today);
            return (
              <li key={method.id} className="method card">
                <Icon name="card" size={20} />
                <div className="method-text">
                  <span className="cell-title">
                    {describeMethod(method)} {method.pending && <PendingMark />}
                  </span>
                  <span className="muted small">
                    {method.expMonth !== null && method.expYear !== null
                      ? `${expired ? 'Expired' : 'Expires'} ${String(method.expMonth).padStart(2, '0')}/${method.expYear}`
                      : 'Bank account; does not expire'}
                  </span>
                </div>
                {method.isDefault && <Badge tone="accent">Default</Badge>}
                {expired && <Badge tone="negative">Expired</Badge>}
                {canEdit && (
                  <div className="inline-actions">
                    {!method.isDefault && (
                      <button type="button" className="button small" disabled={pending || expired} onClick={() => void setDefault(method)} aria-label={`Make ${describeMethod(method)} the default`}>
                        Set as default
                      </button>
                    )}
                    <button type="button" className="button small danger-outline" onClick={() => setRemoving(method)} aria-label={`Remove ${describeMethod(method)}`}>
                      Remove
                    </button>
                  </div>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {removing !== null && (
        <ConfirmDialog
          title="Remove payment method?"
          description={
            <p>
              {describeMethod(removing)} is removed from {org.name}.{removing.isDefault ? ' It is the default: choose another default so invoices can be paid.' : ''}
            </p>
          }
          confirmLabel="Remove payment method"
          onClose={() => setRemoving(null)}
          onConfirm={() =>
            void run('removePaymentMethod', { orgId: org.id, paymentMethodId: removing.id }).then(
              () => {
                toast.success(`${describeMethod(removing)} was removed.`);
                setRemoving(null);
              },
              (error: unknown) => toast.error(errorSentence(error)),
            )
          }
        />
      )}
    </section>
  );
}

import { useEffect, useRef, useState } from 'react';
import { planChoicesFor } from '@shared/domain/plans';
import { prorate } from '@shared/domain/proration';
import { planChangeEffect, planChangeRefusal, quantityChangeRefusal } from '@shared/domain/subscription-change';
import type { SubscriptionRow } from '@shared/ipc/models';
import { checkCommand, useCommand } from '../../api/commands';
import { showSubmitError } from '../../api/errors';
import { FormError } from '../../components/bits';
import { Dialog } from '../../components/Dialog';
import { errorFor, type FieldErrors } from '../../forms/field-errors';
import { SelectField, TextField } from '../../forms/fields';
import { formatAmount } from '../../format/format';
import { toast } from '../../state/toast-store';
import { nextInvoiceSentence } from './change-logic';
import './change-subscription.css';

export type ChangeKind = 'seats' | 'plan';

/**
 * Seats (fixed-seat plans) or plan, with what the next invoice will say before Confirm: the
 * shared proration rule over the copy's row, the same the service bills.
 */
export function ChangeSubscriptionDialog({
  subscription,
  kind,
  activeUsers,
  onClose,
}: {
  subscription: SubscriptionRow;
  kind: ChangeKind;
  activeUsers: number;
  onClose(): void;
}) {
  const { run, pending } = useCommand();
  const choices = planChoicesFor(subscription);
  const [seats, setSeats] = useState(String(subscription.quantity));
  const [plan, setPlan] = useState(choices[0]?.plan ?? '');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const seatsRef = useRef<HTMLInputElement>(null);
  // After the dialog opens (its effect runs first and focuses its first control): start at the seats.
  useEffect(() => seatsRef.current?.focus(), []);
  const ids = { orgId: subscription.orgId, subscriptionId: subscription.id };

  // The figure shown is for what the fields say now; nothing is shown for input the rules refuse.
  const checked = kind === 'seats' ? checkCommand('changeSubscriptionQuantity', { ...ids, quantity: seats.trim() === '' ? NaN : Number(seats) }) : checkCommand('changeSubscriptionPlan', { ...ids, plan });
  const refusal = !checked.ok
    ? null
    : kind === 'seats'
      ? quantityChangeRefusal(subscription, Number(seats))
      : planChangeRefusal(subscription, plan);
  const change = kind === 'seats' ? { quantity: Number(seats) } : plan === '' ? null : planChangeEffect(subscription, plan);
  const preview = checked.ok && refusal === null && change !== null ? nextInvoiceSentence(prorate(subscription, change, new Date().toISOString(), activeUsers), subscription.interval) : null;

  const submit = async () => {
    setFormError(null);
    if (!checked.ok) {
      setErrors(checked.errors);
      return;
    }
    if (refusal !== null) {
      setErrors({ [kind === 'seats' ? 'quantity' : 'plan']: refusal.message });
      return;
    }
    setErrors({});
    try {
      if (kind === 'seats') await run('changeSubscriptionQuantity', { ...ids, quantity: Number(seats) });
      else await run('changeSubscriptionPlan', { ...ids, plan });
      toast.success(kind === 'seats' ? `${subscription.product} now has ${seats} seats.` : `${subscription.product} is now on the ${plan} plan.`);
      onClose();
    } catch (error) {
      showSubmitError(error, setErrors, setFormError);
    }
  };

  const price = formatAmount(subscription.unitPrice, subscription.currency);
  return (
    <Dialog
      title={kind === 'seats' ? `Change seats of ${subscription.product}` : `Change plan of ${subscription.product}`}
      description={
        <p>
          {subscription.orgName}: {subscription.plan} plan, {kind === 'seats' ? `${subscription.quantity} seats at ${price} each` : `${price} per seat`}. The change
          applies now; the next invoice charges or credits the difference for the rest of the period.
        </p>
      }
      onClose={onClose}
      onSubmit={() => void submit()}
      size="small"
      footer={
        <>
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button primary" disabled={pending || preview === null}>
            Confirm
          </button>
        </>
      }
    >
      <FormError message={formError} />
      {kind === 'seats' ? (
        <TextField
          label="Seats"
          type="number"
          inputMode="numeric"
          min={1}
          step={1}
          value={seats}
          onValue={(value) => {
            setSeats(value);
            setErrors({});
          }}
          error={errorFor(errors, 'quantity') ?? (seats === String(subscription.quantity) ? undefined : checked.ok ? refusal?.message : errorFor(checked.errors, 'quantity'))}
          required
          inputRef={seatsRef}
        />
      ) : (
        <SelectField
          label="New plan"
          value={plan}
          onValue={(value) => {
            setPlan(value);
            setErrors({});
          }}
          options={choices.map((offer) => ({ value: offer.plan, label: `${offer.plan}: ${formatAmount(offer.prices[subscription.currency] ?? 0, subscription.currency)} per seat` }))}
          error={errorFor(errors, 'plan') ?? (choices.length === 0 ? planChangeRefusal(subscription, '')?.message : undefined)}
        />
      )}
      <p className={`next-invoice${preview === null ? ' is-empty' : ''}`} role="status" aria-live="polite">
        {preview ?? ''}
      </p>
    </Dialog>
  );
}

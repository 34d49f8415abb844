import { useEffect, useMemo, useRef, useState } from 'react';
import { CHILD_ORG_KINDS, type OrgKind } from '@shared/domain/organization';
import { PLAN_CURRENCIES, PLAN_OFFERS, planLabel } from '@shared/domain/plans';
import type { OrgNode } from '@shared/ipc/models';
import { checkCommand, useCommand } from '../api/commands';
import { showSubmitError } from '../api/errors';
import { FormError } from '../components/bits';
import { CountryCombobox } from '../components/CountryCombobox';
import { Dialog } from '../components/Dialog';
import { errorFor, type FieldErrors } from '../forms/field-errors';
import { SelectField, TextField } from '../forms/fields';
import { formatAmount } from '../format/format';
import { toast } from '../state/toast-store';
import './new-org.css';

const KIND_LABELS: Record<OrgKind, string> = { provider: 'Provider', reseller: 'Reseller', customer: 'Customer' };

/** The organizations a new one may go below: where the user holds orgs.manage and children are allowed. */
export function parentChoices(orgs: readonly OrgNode[]): OrgNode[] {
  return orgs.filter((org) => org.permissions.includes('orgs.manage') && CHILD_ORG_KINDS[org.kind].length > 0);
}

/**
 * A reseller or customer below one the user manages, with its first administrator, billing
 * details and first plan. Queued like every change: it is in the switcher at once, marked as not
 * synced yet, and opens with the permissions the user holds in its parent (they apply below it);
 * the service's copy replaces it after sync, with no fresh download of the whole copy.
 */
export function NewOrgDialog({ orgs, current, onClose }: { orgs: readonly OrgNode[]; current: OrgNode; onClose(): void }) {
  const parents = useMemo(() => parentChoices(orgs), [orgs]);
  const { run, pending } = useCommand();
  const [parentId, setParentId] = useState((parents.find((org) => org.id === current.id) ?? parents[0])?.id ?? '');
  const parent = parents.find((org) => org.id === parentId);
  const kinds = parent === undefined ? [] : CHILD_ORG_KINDS[parent.kind];
  const [kind, setKind] = useState<OrgKind>('customer');
  const [name, setName] = useState('');
  const [accountEmail, setAccountEmail] = useState('');
  const [firstName, setFirstName] = useState('');
  const [lastName, setLastName] = useState('');
  const [adminEmail, setAdminEmail] = useState('');
  const [billingEmail, setBillingEmail] = useState('');
  const [line1, setLine1] = useState('');
  const [postalCode, setPostalCode] = useState('');
  const [city, setCity] = useState('');
  const [country, setCountry] = useState('');
  const [currency, setCurrency] = useState<string>(PLAN_CURRENCIES[0]);
  const [planIndex, setPlanIndex] = useState('none');
  const [seats, setSeats] = useState('1');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const nameRef = useRef<HTMLInputElement>(null);
  // After the dialog opens (its effect runs first and focuses its first control): start at the name.
  useEffect(() => nameRef.current?.focus(), []);
  // A field's message goes once it is edited; the rest stay until the next check.
  const edit = (field: string, set: (value: string) => void) => (value: string) => {
    set(value);
    setErrors((current) => Object.fromEntries(Object.entries(current).filter(([path]) => path !== field)));
  };
  const offer = planIndex === 'none' ? undefined : PLAN_OFFERS[Number(planIndex)];
  const chosenKind = kinds.includes(kind) ? kind : (kinds[0] ?? 'customer');

  const submit = async () => {
    setFormError(null);
    const anyAddress = [line1, postalCode, city, country].some((part) => part.trim() !== '');
    const id = crypto.randomUUID();
    const checked = checkCommand('createOrg', {
      id,
      parentId,
      kind: chosenKind,
      name,
      accountEmail,
      admin: { firstName, lastName, email: adminEmail },
      billingEmail: billingEmail.trim() === '' ? null : billingEmail,
      billingAddress: anyAddress ? { line1, line2: null, city, postalCode, region: null, country } : null,
      subscription:
        offer === undefined
          ? null
          : { product: offer.product, plan: offer.plan, currency, quantity: offer.basis === 'fixed_quantity' ? (seats.trim() === '' ? NaN : Number(seats)) : 1 },
    });
    if (!checked.ok) {
      setErrors(checked.errors);
      return;
    }
    setErrors({});
    try {
      await run('createOrg', checked.value);
      toast.success(`${checked.value.name} was created below ${parent?.name ?? 'its parent'}.`);
      onClose();
    } catch (error) {
      showSubmitError(error, setErrors, setFormError);
    }
  };

  return (
    <Dialog
      title="New organization"
      description={<p>A reseller or customer below one you manage. Its built-in roles are installed, and its administrator is emailed a link to choose a password.</p>}
      onClose={onClose}
      onSubmit={() => void submit()}
      size="medium"
      footer={
        <>
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button primary" disabled={pending || parent === undefined}>
            Create organization
          </button>
        </>
      }
    >
      <FormError message={formError} />
      <div className="new-org-grid">
        <SelectField label="Below" value={parentId} onValue={setParentId} options={parents.map((org) => ({ value: org.id, label: `${org.name} (${KIND_LABELS[org.kind]})` }))} error={errors['parentId']} />
        <SelectField label="Kind" value={chosenKind} onValue={(value) => setKind(value)} options={kinds.map((value) => ({ value, label: KIND_LABELS[value] }))} error={errors['kind']} />
      </div>
      <TextField label="Name" value={name} onValue={edit('name', setName)} error={errors['name']} required inputRef={nameRef} />
      <TextField label="Account email" type="email" value={accountEmail} onValue={edit('accountEmail', setAccountEmail)} error={errors['accountEmail']} required spellCheck={false} />
      <fieldset className="fieldset form-section">
        <legend>Administrator</legend>
        <div className="new-org-grid">
          <TextField label="First name" value={firstName} onValue={edit('admin.firstName', setFirstName)} error={errors['admin.firstName']} required />
          <TextField label="Last name" value={lastName} onValue={edit('admin.lastName', setLastName)} error={errors['admin.lastName']} required />
        </div>
        <TextField label="Administrator email" type="email" value={adminEmail} onValue={edit('admin.email', setAdminEmail)} error={errors['admin.email']} required spellCheck={false} />
      </fieldset>
      <fieldset className="fieldset form-section">
        <legend>Billing</legend>
        <TextField label="Billing email" type="email" value={billingEmail} onValue={edit('billingEmail', setBillingEmail)} error={errors['billingEmail']} hint="Optional: where invoices go." spellCheck={false} />
        <TextField label="Street and number" value={line1} onValue={edit('billingAddress.line1', setLine1)} error={errors['billingAddress.line1']} hint="Optional: the billing address." />
        <div className="new-org-grid">
          <TextField label="Postal code" value={postalCode} onValue={edit('billingAddress.postalCode', setPostalCode)} error={errors['billingAddress.postalCode']} />
          <TextField label="City" value={city} onValue={edit('billingAddress.city', setCity)} error={errors['billingAddress.city']} />
        </div>
        <CountryCombobox label="Country" value={country} onValue={edit('billingAddress.country', setCountry)} error={errorFor(errors, 'billingAddress.country')} />
      </fieldset>
      <fieldset className="fieldset form-section">
        <legend>First plan</legend>
        <SelectField label="Currency" value={currency} onValue={setCurrency} options={PLAN_CURRENCIES.map((code) => ({ value: code, label: code }))} error={errors['subscription.currency']} />
        <SelectField
          label="Plan"
          value={planIndex}
          onValue={setPlanIndex}
          options={[
            { value: 'none', label: 'No plan yet' },
            ...PLAN_OFFERS.map((item, index) => ({
              value: String(index),
              label: `${planLabel(item)}: ${formatAmount(item.prices[currency] ?? 0, currency)} per ${item.basis === 'fixed_quantity' ? 'seat' : 'active user'} a ${item.interval === 'annual' ? 'year' : 'month'}`,
            })),
          ]}
          error={errors['subscription.plan'] ?? errors['subscription.product']}
        />
        {offer?.basis === 'fixed_quantity' && (
          <TextField label="Seats" type="number" inputMode="numeric" min={1} step={1} value={seats} onValue={edit('subscription.quantity', setSeats)} error={errors['subscription.quantity']} required />
        )}
      </fieldset>
    </Dialog>
  );
}

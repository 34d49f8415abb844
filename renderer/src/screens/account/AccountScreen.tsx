import { useState } from 'react';
import type { AccountDetails, OrgNode } from '@shared/ipc/models';
import { checkCommand, useCommand } from '../../api/commands';
import { errorSentence, fieldErrorsOfError } from '../../api/errors';
import { useOrgIndex } from '../../api/orgs';
import { FormError, LoadError, Loading, PendingMark } from '../../components/bits';
import { Icon } from '../../components/Icon';
import type { FieldErrors } from '../../forms/field-errors';
import { TextField } from '../../forms/fields';
import { formatCount } from '../../format/format';
import type { ScreenProps } from '../../shell/Shell';
import { kindLabel, ScreenHeader } from '../../shell/ScreenHeader';
import { useScopeStore } from '../../state/scope-store';
import { toast } from '../../state/toast-store';
import { useAccount } from '../billing-contacts/use-billing-contacts';
import { EMPTY_ADDRESS, formFromAccount, updateOrgArgs, type AccountForm } from './account-form';
import { AddressFields } from './AddressFields';
import { PaymentMethods } from './PaymentMethods';
import './account.css';

export function AccountScreen({ org, scope }: ScreenProps) {
  const account = useAccount(org.id);
  return (
    <div className="screen">
      <ScreenHeader title="Account" org={org} />
      <div className="screen-body account-body">
        {account.isError ? (
          <LoadError error={account.error} onRetry={() => void account.refetch()} />
        ) : account.data === undefined ? (
          <Loading />
        ) : account.data === null ? (
          <p className="muted">{org.name} is not in your offline copy yet.</p>
        ) : (
          <AccountEditor key={`${account.data.id}:${account.data.version}`} account={account.data} org={org} />
        )}
        <PaymentMethods org={org} />
        {scope.includeChildren && <ChildOrganizations org={org} />}
      </div>
    </div>
  );
}

function AccountEditor({ account, org }: { account: AccountDetails; org: OrgNode }) {
  const canEdit = org.permissions.includes('account.edit');
  const { run, pending } = useCommand();
  const [form, setForm] = useState<AccountForm>(() => formFromAccount(account));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const args = updateOrgArgs(account, form);
  const set = <K extends keyof AccountForm>(key: K, value: AccountForm[K]) => setForm({ ...form, [key]: value });

  const save = async () => {
    setFormError(null);
    if (args === null) return;
    const checked = checkCommand('updateOrg', args);
    if (!checked.ok) {
      setErrors(checked.errors);
      setFormError('Some fields need attention before saving.');
      return;
    }
    setErrors({});
    try {
      await run('updateOrg', checked.value);
      toast.success(`The account details of ${org.name} were saved.`);
    } catch (error) {
      const fields = fieldErrorsOfError(error);
      if (Object.keys(fields).length > 0) setErrors(fields);
      setFormError(errorSentence(error));
    }
  };

  return (
    <form
      className="account-form"
      noValidate
      aria-label={`Account details of ${org.name}`}
      onSubmit={(event) => {
        event.preventDefault();
        void save();
      }}
    >
      {!canEdit && <p className="muted">You can see these details; changing them needs the account.edit permission.</p>}
      {account.pending && (
        <p className="muted small">
          <PendingMark /> Changed on this computer; not synced yet.
        </p>
      )}
      <FormError message={formError} />
      <section className="section card form-card" aria-labelledby="org-details-title">
        <h2 id="org-details-title" className="section-title">
          Organization
        </h2>
        <div className="form-grid">
          <TextField label="Name" value={form.name} onValue={(value) => set('name', value)} error={errors['name']} required disabled={!canEdit} fieldClassName="span-2" />
          <TextField
            label="Account email"
            type="email"
            value={form.accountEmail}
            onValue={(value) => set('accountEmail', value)}
            error={errors['accountEmail']}
            required
            disabled={!canEdit}
            hint="Where Seatdesk sends notices about the account."
          />
          <TextField
            label="Billing email"
            type="email"
            value={form.billingEmail}
            onValue={(value) => set('billingEmail', value)}
            error={errors['billingEmail']}
            disabled={!canEdit}
            hint="Optional. Shown on invoices."
          />
          <TextField
            label="VAT number"
            value={form.vatNumber}
            onValue={(value) => set('vatNumber', value)}
            error={errors['vatNumber']}
            disabled={!canEdit}
            hint="With the country prefix, such as NL123456789B01, GB123456789 or CHE-123.456.789 MWST."
            spellCheck={false}
          />
        </div>
      </section>
      {(['billingAddress', 'shippingAddress'] as const).map((key) => {
        const value = form[key];
        const title = key === 'billingAddress' ? 'Billing address' : 'Shipping address';
        return (
          <fieldset key={key} className="section card form-card address-card">
            <legend className="section-title">{title}</legend>
            {value === null ? (
              <div className="address-empty">
                <span className="muted">No {title.toLowerCase()}.</span>
                {canEdit && (
                  <button
                    type="button"
                    className="button small"
                    onClick={() => set(key, key === 'shippingAddress' && form.billingAddress !== null ? { ...form.billingAddress } : { ...EMPTY_ADDRESS })}
                  >
                    <Icon name="plus" size={14} /> Add {title.toLowerCase()}
                  </button>
                )}
              </div>
            ) : (
              <>
                <AddressFields prefix={key} value={value} onChange={(next) => set(key, next)} errors={errors} disabled={!canEdit} />
                {canEdit && (
                  <button type="button" className="button small ghost" onClick={() => set(key, null)}>
                    Remove {title.toLowerCase()}
                  </button>
                )}
              </>
            )}
          </fieldset>
        );
      })}
      {canEdit && (
        <div className={`form-actions${args === null ? '' : ' dirty'}`}>
          <button type="submit" className="button primary" disabled={args === null || pending}>
            Save account details
          </button>
          {args !== null && (
            <button
              type="button"
              className="button"
              onClick={() => {
                setForm(formFromAccount(account));
                setErrors({});
                setFormError(null);
              }}
            >
              Discard changes
            </button>
          )}
        </div>
      )}
    </form>
  );
}

function ChildOrganizations({ org }: { org: OrgNode }) {
  const index = useOrgIndex();
  const setOrg = useScopeStore((state) => state.setOrg);
  const children = index?.childrenOf.get(org.id) ?? [];
  if (children.length === 0) return null;
  return (
    <section className="section" aria-labelledby="children-title">
      <h2 id="children-title" className="section-title">
        Organizations below {org.name}
      </h2>
      <table className="table">
        <caption className="visually-hidden">Organizations directly below {org.name}</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Kind</th>
            <th scope="col" className="numeric">
              Organizations below
            </th>
            <th scope="col" className="numeric">
              Active users
            </th>
          </tr>
        </thead>
        <tbody>
          {children.map((child) => (
            <tr key={child.id}>
              <td>
                <button type="button" className="link-button" onClick={() => setOrg(child.id)}>
                  {child.name}
                </button>
              </td>
              <td>{kindLabel(child.kind)}</td>
              <td className="numeric">{formatCount(index?.childrenOf.get(child.id)?.length ?? 0)}</td>
              <td className="numeric">{formatCount(child.activeUsers)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

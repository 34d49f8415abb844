import { useState } from 'react';
import { toggleIn } from '../../forms/lists';
import { contactTakenRefusal, EMAIL_KINDS, EMAIL_KIND_LABELS, type EmailKind } from '@shared/domain/billing-contact';
import { fullName, type User } from '@shared/domain/user';
import { emailKey } from '@shared/email';
import type { BillingContactRow } from '@shared/ipc/models';
import { checkCommand, useCommand } from '../../api/commands';
import { showSubmitError } from '../../api/errors';
import { Dialog } from '../../components/Dialog';
import { errorFor, type FieldErrors } from '../../forms/field-errors';
import { Checkbox, CheckboxGroup, SelectField, TextField} from '../../forms/fields';
import { toast } from '../../state/toast-store';
import { FormError } from '../../components/bits';

type Source = 'user' | 'email';

/** A contact is one of the organization's users who may see billing, or any typed address. */
export function AddContactDialog({
  orgId,
  orgName,
  viewers,
  existing,
  onClose,
}: {
  orgId: string;
  orgName: string;
  viewers: readonly User[];
  existing: readonly BillingContactRow[];
  onClose(): void;
}) {
  const { run, pending } = useCommand();
  const taken = new Set(existing.map((contact) => emailKey(contact.email)));
  const available = viewers.filter((viewer) => !taken.has(emailKey(viewer.email)));
  const [source, setSource] = useState<Source>(available.length > 0 ? 'user' : 'email');
  const [userId, setUserId] = useState(available[0]?.id ?? '');
  const [email, setEmail] = useState('');
  const [kinds, setKinds] = useState<EmailKind[]>(['invoices']);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);

  const submit = async () => {
    setFormError(null);
    const picked = available.find((viewer) => viewer.id === userId);
    if (source === 'user' && picked === undefined) {
      setErrors({ userId: 'Choose a user.' });
      return;
    }
    const address = source === 'user' ? (picked?.email ?? '') : email;
    // The rule the core and the service apply, in its words, before anything is queued.
    const alreadyContact = source === 'email' ? contactTakenRefusal(address.trim(), existing.map((contact) => contact.email)) : null;
    if (alreadyContact !== null) {
      setErrors({ email: alreadyContact.message });
      return;
    }
    const checked = checkCommand('addBillingContact', { orgId, email: address, userId: source === 'user' ? userId : null, kinds });
    if (!checked.ok) {
      setErrors(checked.errors);
      return;
    }
    setErrors({});
    try {
      await run('addBillingContact', checked.value);
      toast.success(`${address} was added as a billing contact.`);
      onClose();
    } catch (error) {
      showSubmitError(error, setErrors, setFormError);
    }
  };

  return (
    <Dialog
      title="Add billing contact"
      description={<p>Billing contacts of {orgName} receive the kinds of email you choose.</p>}
      onClose={onClose}
      onSubmit={() => void submit()}
      footer={
        <>
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button primary" disabled={pending}>
            Add contact
          </button>
        </>
      }
    >
      <FormError message={formError} />
      <fieldset className="fieldset">
        <legend>Who</legend>
        <div className="radio">
          <input type="radio" id="contact-source-user" name="source" checked={source === 'user'} onChange={() => setSource('user')} disabled={available.length === 0} />
          <label htmlFor="contact-source-user">
            <span className="checkbox-label">A user of {orgName}</span>
            <span className="checkbox-description">
              {available.length === 0 ? 'No other user here may see billing (billing.view).' : 'Users who may see billing (billing.view).'}
            </span>
          </label>
        </div>
        <div className="radio">
          <input type="radio" id="contact-source-email" name="source" checked={source === 'email'} onChange={() => setSource('email')} />
          <label htmlFor="contact-source-email">
            <span className="checkbox-label">Another email address</span>
            <span className="checkbox-description">For example an accounts payable mailbox.</span>
          </label>
        </div>
      </fieldset>
      {source === 'user' ? (
        <SelectField
          label="User"
          value={userId}
          onValue={setUserId}
          options={available.map((viewer) => ({ value: viewer.id, label: `${fullName(viewer)} (${viewer.email})` }))}
          error={errors['userId']}
        />
      ) : (
        <TextField label="Email" type="email" value={email} onValue={setEmail} error={errors['email']} required autoFocus spellCheck={false} />
      )}
      <CheckboxGroup legend="Emails this contact receives" error={errorFor(errors, 'kinds')}>
        {EMAIL_KINDS.map((kind) => (
          <Checkbox key={kind} label={EMAIL_KIND_LABELS[kind]} checked={kinds.includes(kind)} onChecked={(on) => setKinds(toggleIn(kinds, kind, on, EMAIL_KINDS))} />
        ))}
      </CheckboxGroup>
    </Dialog>
  );
}

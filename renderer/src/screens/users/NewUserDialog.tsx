import { useState } from 'react';
import type { OrgNode } from '@shared/ipc/models';
import { checkCommand, useCommand } from '../../api/commands';
import { errorCodeOf, errorSentence, fieldErrorsOfError, fieldForCode } from '../../api/errors';
import { Dialog } from '../../components/Dialog';
import { errorFor, type FieldErrors } from '../../forms/field-errors';
import { Checkbox, SelectField, TextField } from '../../forms/fields';
import { toast } from '../../state/toast-store';
import { RoleChecklist } from './RoleChecklist';
import { useRoles } from './use-users';
import { FormError } from '../../components/bits';

/** New user: names and email required, roles, active unless unticked → createUser. */
export function NewUserDialog({ orgs, defaultOrgId, onClose }: { orgs: readonly OrgNode[]; defaultOrgId: string; onClose(): void }) {
  const { run, pending } = useCommand();
  const [orgId, setOrgId] = useState(defaultOrgId);
  const [firstName, setFirstName] = useState('');
  const [lastName, setLastName] = useState('');
  const [email, setEmail] = useState('');
  const [roleIds, setRoleIds] = useState<string[]>([]);
  const [active, setActive] = useState(true);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const roles = useRoles(orgId);

  const submit = async () => {
    setFormError(null);
    const checked = checkCommand('createUser', { orgId, firstName, lastName, email, roleIds, active });
    if (!checked.ok) {
      setErrors(checked.errors);
      return;
    }
    setErrors({});
    try {
      await run('createUser', checked.value);
      toast.success(`${firstName.trim()} ${lastName.trim()} was added.`, active ? 'They get an email to set their password.' : 'Created inactive: activate them when they need access.');
      onClose();
    } catch (error) {
      const field = fieldForCode(errorCodeOf(error));
      const fieldErrors = fieldErrorsOfError(error);
      if (field !== null) setErrors({ [field]: errorSentence(error) });
      else if (Object.keys(fieldErrors).length > 0) setErrors(fieldErrors);
      else setFormError(errorSentence(error));
    }
  };

  return (
    <Dialog
      title="New user"
      onClose={onClose}
      onSubmit={() => void submit()}
      footer={
        <>
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button primary" disabled={pending}>
            Create user
          </button>
        </>
      }
    >
      <FormError message={formError} />
      {orgs.length > 1 && (
        <SelectField
          label="Organization"
          value={orgId}
          onValue={(value) => {
            setOrgId(value);
            setRoleIds([]);
          }}
          options={orgs.map((org) => ({ value: org.id, label: org.name }))}
          error={errors['orgId']}
        />
      )}
      <div className="field-row">
        <TextField label="First name" value={firstName} onValue={setFirstName} error={errors['firstName']} required autoFocus autoComplete="off" />
        <TextField label="Last name" value={lastName} onValue={setLastName} error={errors['lastName']} required autoComplete="off" />
      </div>
      <TextField label="Email" type="email" value={email} onValue={setEmail} error={errors['email']} required autoComplete="off" spellCheck={false} />
      <RoleChecklist roles={roles.data ?? []} value={roleIds} onChange={setRoleIds} error={errorFor(errors, 'roleIds')} />
      <Checkbox
        label="Active"
        description="Active users can sign in and are billed as a seat. Untick to create the user inactive."
        checked={active}
        onChecked={setActive}
      />
    </Dialog>
  );
}

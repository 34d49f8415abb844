import { useState } from 'react';
import type { Permission } from '@shared/domain/permissions';
import type { RoleRow } from '@shared/ipc/models';
import { checkCommand, useCommand } from '../../api/commands';
import { errorSentence, fieldErrorsOfError } from '../../api/errors';
import { Dialog } from '../../components/Dialog';
import { PermissionChecklist } from '../../components/PermissionChecklist';
import { errorFor, type FieldErrors } from '../../forms/field-errors';
import { TextAreaField, TextField } from '../../forms/fields';
import { toast } from '../../state/toast-store';
import { FormError } from '../../components/bits';

/** Create a role, or edit one (name, description, permissions; built-in roles too, with version). */
export function RoleDialog({ orgId, orgName, role, onClose }: { orgId: string; orgName: string; role: RoleRow | null; onClose(): void }) {
  const { run, pending } = useCommand();
  const [name, setName] = useState(role?.name ?? '');
  const [description, setDescription] = useState(role?.description ?? '');
  const [permissions, setPermissions] = useState<Permission[]>(role?.permissions ?? []);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);

  const fail = (error: unknown) => {
    const fields = fieldErrorsOfError(error);
    if (Object.keys(fields).length > 0) setErrors(fields);
    else setFormError(errorSentence(error));
  };

  const submit = async () => {
    setFormError(null);
    try {
      if (role === null) {
        const checked = checkCommand('createRole', { orgId, name, description, permissions });
        if (!checked.ok) return setErrors(checked.errors);
        setErrors({});
        await run('createRole', checked.value);
        toast.success(`The role ${name.trim()} was created.`);
      } else {
        const checked = checkCommand('updateRole', { orgId, roleId: role.id, version: role.version, name, description, permissions });
        if (!checked.ok) return setErrors(checked.errors);
        setErrors({});
        await run('updateRole', checked.value);
        toast.success(`The role ${name.trim()} was saved.`);
      }
      onClose();
    } catch (error) {
      fail(error);
    }
  };

  return (
    <Dialog
      title={role === null ? `New role in ${orgName}` : `Edit ${role.name}`}
      size="large"
      onClose={onClose}
      onSubmit={() => void submit()}
      footer={
        <>
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button primary" disabled={pending}>
            {role === null ? 'Create role' : 'Save role'}
          </button>
        </>
      }
    >
      <FormError message={formError} />
      {role?.builtIn === true && (
        <p className="muted">This is a built-in role: you can rename it and change its permissions, but not delete it.</p>
      )}
      <TextField label="Name" value={name} onValue={setName} error={errors['name']} required autoFocus autoComplete="off" />
      <TextAreaField label="Description" value={description} onValue={setDescription} error={errors['description']} rows={2} />
      <PermissionChecklist legend="Permissions" value={permissions} onChange={setPermissions} error={errorFor(errors, 'permissions')} />
    </Dialog>
  );
}

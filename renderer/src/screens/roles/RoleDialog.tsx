import { useState } from 'react';
import type { Permission } from '@shared/domain/permissions';
import { isAdminRole } from '@shared/domain/role';
import type { RoleRow } from '@shared/ipc/models';
import { checkCommand, useCommand } from '../../api/commands';
import { showSubmitError } from '../../api/errors';
import { Dialog } from '../../components/Dialog';
import { PermissionChecklist } from '../../components/PermissionChecklist';
import { errorFor, type FieldErrors } from '../../forms/field-errors';
import { TextAreaField, TextField } from '../../forms/fields';
import { toast } from '../../state/toast-store';
import { FormError } from '../../components/bits';
import { lastAdminRefusalOf } from '../users/user-logic';
import { useAdminRows } from '../users/use-users';

/** Create a role, or edit one (name, description, permissions; built-in roles too, with version). */
export function RoleDialog({ orgId, orgName, role, onClose }: { orgId: string; orgName: string; role: RoleRow | null; onClose(): void }) {
  const { run, pending } = useCommand();
  const [name, setName] = useState(role?.name ?? '');
  const [description, setDescription] = useState(role?.description ?? '');
  const [permissions, setPermissions] = useState<Permission[]>(role?.permissions ?? []);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  // Owner and Administrator keep the organization administrable: taking users.manage or
  // roles.manage from the last one is refused here, in the rule's words, before Save.
  const adminRows = useAdminRows(role !== null && isAdminRole(role) ? orgId : null);
  const permissionsRefused = role === null ? null : lastAdminRefusalOf(orgName, adminRows, { kind: 'setRolePermissions', role, permissions });

  const fail = (error: unknown) => {
    showSubmitError(error, setErrors, setFormError);
  };

  const submit = async () => {
    setFormError(null);
    if (permissionsRefused !== null) return;
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
          <button type="submit" className="button primary" disabled={pending || permissionsRefused !== null} title={permissionsRefused?.message}>
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
      <PermissionChecklist legend="Permissions" value={permissions} onChange={setPermissions} error={permissionsRefused?.message ?? errorFor(errors, 'permissions')} />
    </Dialog>
  );
}

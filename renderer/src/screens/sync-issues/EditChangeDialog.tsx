import { useMemo, useState } from 'react';
import type { SeatdeskClient } from '@shared/ipc/channels';
import { EMAIL_KINDS, EMAIL_KIND_LABELS } from '@shared/domain/billing-contact';
import type { Permission } from '@shared/domain/permissions';
import type { SyncIssue } from '@shared/ipc/models';
import { checkCommand, useCommand } from '../../api/commands';
import { useCore } from '../../api/core-context';
import { errorCodeOf, errorSentence, fieldErrorsOfError, fieldForCode } from '../../api/errors';
import { FormError } from '../../components/bits';
import { Dialog } from '../../components/Dialog';
import { PermissionChecklist } from '../../components/PermissionChecklist';
import { errorFor, type FieldErrors } from '../../forms/field-errors';
import { toggleIn } from '../../forms/lists';
import { Checkbox, CheckboxGroup, TextAreaField, TextField } from '../../forms/fields';
import { RoleChecklist } from '../users/RoleChecklist';
import { useRoles } from '../users/use-users';
import { editableFields, editedArgs, initialValues, type EditField, type EditValue } from './edit-change';
import { isRunnableCommand } from '@shared/ipc/channels';

/** The row's version as this computer now shows it (what an edit made now would name). */
async function currentVersion(core: SeatdeskClient, issue: SyncIssue): Promise<number | null> {
  const theirs = (issue.theirs as { version?: unknown } | null)?.version;
  const fallback = typeof theirs === 'number' ? theirs : null;
  const id = issue.entityId;
  if (id === null) return fallback;
  switch (issue.entity) {
    case 'user':
      return (await core.users.get({ userId: id }))?.version ?? fallback;
    case 'role':
      return (await core.roles.list({ orgId: issue.orgId })).find((role) => role.id === id)?.version ?? fallback;
    case 'billing_contact':
      return (await core.billingContacts.list({ orgId: issue.orgId })).find((contact) => contact.id === id)?.version ?? fallback;
    case 'organization':
      return (await core.account.get({ orgId: issue.orgId }))?.version ?? fallback;
    default:
      return fallback;
  }
}

/**
 * Edit on a rejected change: its fields with my values, to correct and save. Saving queues a new
 * command (checked by the same shared schema as every form) and discards the refused one.
 */
export function EditChangeDialog({ issue, onClose, onSaved }: { issue: SyncIssue; onClose(): void; onSaved(): void }) {
  const core = useCore();
  const { run, pending } = useCommand();
  const fields = useMemo(() => editableFields(issue.commandName, issue.args), [issue.commandName, issue.args]);
  const [values, setValues] = useState<Record<string, EditValue>>(() => initialValues(fields, issue.args));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const roles = useRoles(issue.orgId);
  const set = (path: string, value: EditValue) => setValues((current) => ({ ...current, [path]: value }));

  const save = async () => {
    setFormError(null);
    try {
      const args = editedArgs(issue.args, fields, values, await currentVersion(core, issue));
      const name = issue.commandName;
      // canEdit offers no Edit for a deactivation (nothing to edit): it has a channel of its own.
      if (!isRunnableCommand(name)) throw new Error(`${name} cannot be edited.`);
      const checked = checkCommand(name, args);
      if (!checked.ok) {
        setErrors(checked.errors);
        return;
      }
      setErrors({});
      await run(name, checked.value);
      await core.syncIssues.resolve({ issueId: issue.id, resolution: 'take_theirs' });
      onSaved();
    } catch (error) {
      // A refusal the core can tell up front (an email already taken) belongs to its field.
      const field = fieldForCode(errorCodeOf(error));
      const fieldErrors = fieldErrorsOfError(error);
      if (field !== null && fields.some((shown) => shown.path === field)) setErrors({ [field]: errorSentence(error) });
      else if (Object.keys(fieldErrors).length > 0) setErrors(fieldErrors);
      else setFormError(errorSentence(error));
    }
  };

  const control = (field: EditField, index: number) => {
    const value = values[field.path];
    const error = errorFor(errors, field.path);
    const list = Array.isArray(value) ? value : [];
    switch (field.kind) {
      case 'flag':
        return <Checkbox key={field.path} label={field.label} checked={value === true} onChecked={(on) => set(field.path, on)} />;
      case 'roles':
        return <RoleChecklist key={field.path} roles={roles.data ?? []} value={list} onChange={(roleIds) => set(field.path, roleIds)} error={error} />;
      case 'permissions':
        return <PermissionChecklist key={field.path} legend={field.label} value={list as Permission[]} onChange={(permissions) => set(field.path, permissions)} error={error} />;
      case 'kinds':
        return (
          <CheckboxGroup key={field.path} legend={field.label} error={error}>
            {EMAIL_KINDS.map((kind) => (
              <Checkbox key={kind} label={EMAIL_KIND_LABELS[kind]} checked={list.includes(kind)} onChecked={(on) => set(field.path, toggleIn(list, kind, on, EMAIL_KINDS))} />
            ))}
          </CheckboxGroup>
        );
      case 'lines':
      case 'multiline':
        return (
          <TextAreaField
            key={field.path}
            label={field.label}
            value={typeof value === 'string' ? value : ''}
            onValue={(text) => set(field.path, text)}
            error={error}
            rows={field.kind === 'lines' ? 4 : 2}
            {...(field.kind === 'lines' ? { hint: 'One per line.' } : {})}
          />
        );
      default:
        return (
          <TextField
            key={field.path}
            label={field.label}
            value={typeof value === 'string' ? value : ''}
            onValue={(text) => set(field.path, text)}
            error={error}
            autoFocus={index === 0}
            autoComplete="off"
            spellCheck={false}
          />
        );
    }
  };

  return (
    <Dialog
      title="Edit the refused change"
      description={<span className="edit-change-reason">{issue.message}</span>}
      size={fields.some((field) => field.kind === 'permissions') ? 'large' : 'medium'}
      onClose={onClose}
      onSubmit={() => void save()}
      footer={
        <>
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button primary" disabled={pending}>
            Save and send
          </button>
        </>
      }
    >
      <FormError message={formError} />
      <p className="muted small">Your values as you made them. Correct what the service refused; saving sends it as a new change and discards the refused one.</p>
      {fields.map(control)}
    </Dialog>
  );
}

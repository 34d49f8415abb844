import { useState } from 'react';
import { fullName } from '@shared/domain/user';
import type { QueuedResult, UserRow } from '@shared/ipc/models';
import { useCore } from '../../api/core-context';
import { useChange } from '../../api/commands';
import { errorSentence } from '../../api/errors';
import { ConfirmDialog, Dialog } from '../../components/Dialog';
import { Checkbox } from '../../forms/fields';
import { countOf } from '../../format/format';
import { toast } from '../../state/toast-store';
import { bulkSummary, refusedEntirely } from './bulk-report';
import { RoleChecklist } from './RoleChecklist';
import { lastAdminRefusalOf } from './user-logic';
import { useAdminRows, useRoles } from './use-users';
import { FormError } from '../../components/bits';

type SetRolesMode = 'add' | 'remove' | 'replace';

const MODES: readonly { value: SetRolesMode; label: string; description: string }[] = [
  { value: 'add', label: 'Add these roles', description: 'Keeps the roles each user has.' },
  { value: 'remove', label: 'Remove these roles', description: 'Takes these roles away where a user has them.' },
  { value: 'replace', label: 'Replace all roles with these', description: 'Each user ends up with exactly these roles.' },
];

/**
 * Reports a bulk action: a toast when something was queued; when the core queued nothing and left
 * everyone alone (a rule it could judge from the copy), the reasons for the dialog to show instead.
 */
function reportResult(requested: number, result: QueuedResult, pastTense: string): string | null {
  const refused = refusedEntirely(result);
  if (refused !== null) return refused;
  const summary = bulkSummary(requested, result, pastTense);
  if (summary.detail === undefined) toast.success(summary.text);
  else toast.info(summary.text, summary.detail);
  return null;
}

export function SetRolesDialog({ orgId, userIds, onClose, onDone }: { orgId: string; userIds: string[]; onClose(): void; onDone(): void }) {
  const core = useCore();
  const roles = useRoles(orgId);
  const { change, pending } = useChange();
  const [roleIds, setRoleIds] = useState<string[]>([]);
  const [mode, setMode] = useState<SetRolesMode>('add');
  const [error, setError] = useState<string | null>(null);

  const submit = async () => {
    if (roleIds.length === 0 && mode !== 'replace') {
      setError('Choose at least one role.');
      return;
    }
    try {
      const result = await change(() => core.bulk.setRoles({ userIds, roleIds, mode }));
      const refused = reportResult(userIds.length, result, 'updated');
      if (refused !== null) setError(refused);
      else onDone();
    } catch (failure) {
      setError(errorSentence(failure));
    }
  };

  return (
    <Dialog
      title={`Set roles of ${countOf(userIds.length, 'user', 'users')}`}
      onClose={onClose}
      onSubmit={() => void submit()}
      footer={
        <>
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button primary" disabled={pending}>
            Apply
          </button>
        </>
      }
    >
      <FormError message={error} />
      <fieldset className="fieldset">
        <legend>What to do</legend>
        {MODES.map((option) => (
          <div key={option.value} className="radio">
            <input type="radio" id={`mode-${option.value}`} name="mode" checked={mode === option.value} onChange={() => setMode(option.value)} />
            <label htmlFor={`mode-${option.value}`}>
              <span className="checkbox-label">{option.label}</span>
              <span className="checkbox-description">{option.description}</span>
            </label>
          </div>
        ))}
      </fieldset>
      <RoleChecklist roles={roles.data ?? []} value={roleIds} onChange={setRoleIds} />
    </Dialog>
  );
}

/**
 * Deactivating a user who holds the Administrator (or Owner) role needs the role removed first
 * (ADMIN_ROLE_ASSIGNED); this offers both as one action. When the copy shows the user is the
 * organization's last administrator (LAST_ADMIN), the dialog says so in the rule's own words and
 * the action is disabled, before anything is queued.
 */
export function DeactivateAdminDialog({ user, roleNames, onClose }: { user: UserRow; roleNames: string[]; onClose(): void }) {
  const core = useCore();
  const { change, pending } = useChange();
  const [error, setError] = useState<string | null>(null);
  const rows = useAdminRows(user.orgId);
  const refused = lastAdminRefusalOf(user.orgName, rows, { kind: 'deactivate', user });
  const name = fullName(user);
  const roles = roleNames.join(' and ');
  const confirm = () =>
    void change(() => core.bulk.deactivate({ userIds: [user.id], removeAdminRole: true })).then(
      (result) => {
        const notDone = reportResult(1, result, 'deactivated');
        if (notDone !== null) setError(notDone);
        else onClose();
      },
      (failure: unknown) => setError(errorSentence(failure)),
    );
  return (
    <Dialog
      title={`Deactivate ${name}?`}
      size="small"
      role="alertdialog"
      onClose={onClose}
      onSubmit={() => {
        if (refused === null && rows !== null) confirm();
      }}
      description={
        refused !== null ? (
          <p className="form-error">{refused.message}</p>
        ) : (
          <p>
            {name} holds the {roles} role. A user with that role cannot be deactivated, so Seatdesk removes the role first.
          </p>
        )
      }
      footer={
        <>
          <button type="button" className="button" onClick={onClose} autoFocus={refused !== null}>
            Cancel
          </button>
          <button
            type="submit"
            className="button danger"
            disabled={pending || rows === null || refused !== null}
            title={refused?.message}
            autoFocus={refused === null}
          >
            Remove Administrator role and deactivate
          </button>
        </>
      }
    >
      <FormError message={error} />
    </Dialog>
  );
}

export function BulkDeactivateDialog({ userIds, onClose, onDone }: { userIds: string[]; onClose(): void; onDone(): void }) {
  const core = useCore();
  const { change, pending } = useChange();
  const [removeAdminRole, setRemoveAdminRole] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <ConfirmDialog
      title={`Deactivate ${countOf(userIds.length, 'user', 'users')}?`}
      description={<p>Deactivated users cannot sign in and are no longer billed. You can activate them again later.</p>}
      confirmLabel={removeAdminRole ? 'Remove Administrator role and deactivate' : 'Deactivate'}
      pending={pending}
      error={error}
      onClose={onClose}
      onConfirm={() =>
        void change(() => core.bulk.deactivate({ userIds, removeAdminRole })).then(
          (result) => {
            const refused = reportResult(userIds.length, result, 'deactivated');
            if (refused !== null) setError(refused);
            else onDone();
          },
          (failure: unknown) => setError(errorSentence(failure)),
        )
      }
    >
      <Checkbox
        label="Remove the Administrator role where a user holds it"
        description="Without this, users with the Administrator or Owner role are left active."
        checked={removeAdminRole}
        onChecked={setRemoveAdminRole}
      />
    </ConfirmDialog>
  );
}

export function RemoveUsersDialog({ userIds, user, onClose, onDone }: { userIds: string[]; user: UserRow | null; onClose(): void; onDone(): void }) {
  const core = useCore();
  const { change, pending } = useChange();
  const [error, setError] = useState<string | null>(null);
  const name = user === null ? null : fullName(user);
  // One user: the dialog says before anything is queued that the last administrator stays.
  const rows = useAdminRows(user?.orgId ?? null);
  const refused = user === null ? null : lastAdminRefusalOf(user.orgName, rows, { kind: 'remove', user });
  const who = name ?? countOf(userIds.length, 'user', 'users');
  return (
    <ConfirmDialog
      title={`Remove ${who}?`}
      description={
        refused !== null ? (
          <p className="form-error">{refused.message}</p>
        ) : (
          <p>
            {name === null ? 'They lose' : `${name} loses`} access and {name === null ? 'are' : 'is'} no longer billed. A removed user needs a new invitation to come
            back. This cannot be undone.
          </p>
        )
      }
      confirmLabel={name === null ? `Remove ${countOf(userIds.length, 'user', 'users')}` : 'Remove user'}
      pending={pending || refused !== null}
      error={error}
      onClose={onClose}
      onConfirm={() =>
        refused === null &&
        void change(() => core.bulk.remove({ userIds })).then(
          (result) => {
            const notDone = reportResult(userIds.length, result, 'removed');
            if (notDone !== null) setError(notDone);
            else onDone();
          },
          (failure: unknown) => setError(errorSentence(failure)),
        )
      }
    />
  );
}

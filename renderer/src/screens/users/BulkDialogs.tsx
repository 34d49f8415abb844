import { useState } from 'react';
import type { QueuedResult } from '@shared/ipc/models';
import { useCore } from '../../api/core-context';
import { useChange } from '../../api/commands';
import { errorSentence } from '../../api/errors';
import { ConfirmDialog, Dialog } from '../../components/Dialog';
import { Checkbox } from '../../forms/fields';
import { countOf } from '../../format/format';
import { toast } from '../../state/toast-store';
import { bulkSummary } from './bulk-report';
import { RoleChecklist } from './RoleChecklist';
import { useRoles } from './use-users';
import { FormError } from '../../components/bits';

type SetRolesMode = 'add' | 'remove' | 'replace';

const MODES: readonly { value: SetRolesMode; label: string; description: string }[] = [
  { value: 'add', label: 'Add these roles', description: 'Keeps the roles each user has.' },
  { value: 'remove', label: 'Remove these roles', description: 'Takes these roles away where a user has them.' },
  { value: 'replace', label: 'Replace all roles with these', description: 'Each user ends up with exactly these roles.' },
];

function reportResult(requested: number, result: QueuedResult, pastTense: string, nameOf?: (id: string) => string) {
  const summary = bulkSummary(requested, result, pastTense, nameOf);
  if (summary.detail === undefined) toast.success(summary.text);
  else toast.info(summary.text, summary.detail);
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
      const result = await change(() => core.bulk.setRoles({ userIds, roleIds, mode }), [{ entity: 'user', orgId: null }]);
      reportResult(userIds.length, result, 'updated');
      onDone();
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
 * (ADMIN_ROLE_ASSIGNED); this offers both as one action.
 */
export function DeactivateAdminDialog({ name, roleNames, userId, onClose }: { name: string; roleNames: string[]; userId: string; onClose(): void }) {
  const core = useCore();
  const { change, pending } = useChange();
  const [error, setError] = useState<string | null>(null);
  const roles = roleNames.join(' and ');
  return (
    <ConfirmDialog
      title={`Deactivate ${name}?`}
      description={
        <p>
          {name} holds the {roles} role. A user with that role cannot be deactivated, so Seatdesk removes the role first. Every organization keeps at least one
          active Administrator: if {name} is the last one, the service refuses and the change shows under Sync issues.
        </p>
      }
      confirmLabel="Remove Administrator role and deactivate"
      pending={pending}
      error={error}
      onClose={onClose}
      onConfirm={() =>
        void change(() => core.bulk.deactivate({ userIds: [userId], removeAdminRole: true }), [{ entity: 'user', orgId: null }]).then(
          (result) => {
            reportResult(1, result, 'deactivated', () => name);
            onClose();
          },
          (failure: unknown) => setError(errorSentence(failure)),
        )
      }
    />
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
        void change(() => core.bulk.deactivate({ userIds, removeAdminRole }), [{ entity: 'user', orgId: null }]).then(
          (result) => {
            reportResult(userIds.length, result, 'deactivated');
            onDone();
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

export function RemoveUsersDialog({ userIds, name, onClose, onDone }: { userIds: string[]; name: string | null; onClose(): void; onDone(): void }) {
  const core = useCore();
  const { change, pending } = useChange();
  const [error, setError] = useState<string | null>(null);
  const who = name ?? countOf(userIds.length, 'user', 'users');
  return (
    <ConfirmDialog
      title={`Remove ${who}?`}
      description={
        <p>
          {name === null ? 'They lose' : `${name} loses`} access and {name === null ? 'are' : 'is'} no longer billed. A removed user needs a new invitation to come
          back. This cannot be undone.
        </p>
      }
      confirmLabel={name === null ? `Remove ${countOf(userIds.length, 'user', 'users')}` : 'Remove user'}
      pending={pending}
      error={error}
      onClose={onClose}
      onConfirm={() =>
        void change(() => core.bulk.remove({ userIds }), [{ entity: 'user', orgId: null }]).then(
          (result) => {
            reportResult(userIds.length, result, 'removed', name === null ? undefined : () => name);
            onDone();
          },
          (failure: unknown) => setError(errorSentence(failure)),
        )
      }
    />
  );
}

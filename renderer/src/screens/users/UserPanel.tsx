import { useEffect, useMemo, useState } from 'react';
import { adminRolesHeld, RoleLookup } from '@shared/domain/administrators';
import type { Permission } from '@shared/domain/permissions';
import { fullName } from '@shared/domain/user';
import type { UserRow } from '@shared/ipc/models';
import { checkCommand, useCommand } from '../../api/commands';
import { errorSentence, fieldErrorsOfError } from '../../api/errors';
import { useCurrentOrg, usePermissions } from '../../api/orgs';
import { Badge, FormError, Loading, PendingMark } from '../../components/bits';
import { PermissionChecklist } from '../../components/PermissionChecklist';
import { SidePanel } from '../../components/SidePanel';
import { errorFor, type FieldErrors } from '../../forms/field-errors';
import { TextField } from '../../forms/fields';
import { formatDate } from '../../format/format';
import { Icon } from '../../components/Icon';
import { hashOf, useNavStore } from '../../state/nav-store';
import { useScopeStore } from '../../state/scope-store';
import { toast } from '../../state/toast-store';
import { RoleChecklist } from './RoleChecklist';
import { STATUS_LABELS, lastAdminRefusalOf } from './user-logic';
import { useAdminRows, useRoles, useUser } from './use-users';

export interface UserPanelProps {
  userId: string;
  onClose(): void;
  onDeactivate(user: UserRow, adminRoles: string[]): void;
  onRemove(user: UserRow): void;
}

/** One user: names, roles and individual permissions (updateUser with version), and status actions. */
export function UserPanel({ userId, onClose, onDeactivate, onRemove }: UserPanelProps) {
  const user = useUser(userId);
  if (user.isPending) {
    return (
      <SidePanel title="User" onClose={onClose}>
        <Loading />
      </SidePanel>
    );
  }
  if (user.data === null || user.data === undefined) {
    return (
      <SidePanel title="User" onClose={onClose}>
        <p className="muted">This user no longer exists; someone may have removed it.</p>
      </SidePanel>
    );
  }
  return <UserEditor key={`${user.data.id}:${user.data.version}`} user={user.data} onClose={onClose} onDeactivate={onDeactivate} onRemove={onRemove} />;
}

function UserEditor({ user, onClose, onDeactivate, onRemove }: { user: UserRow } & Omit<UserPanelProps, 'userId'>) {
  const can = usePermissions();
  const canManage = can('users.manage', user.orgId);
  const canInvite = can('users.invite', user.orgId);
  const roles = useRoles(user.orgId);
  const { run, pending } = useCommand();
  const [firstName, setFirstName] = useState(user.firstName);
  const [lastName, setLastName] = useState(user.lastName);
  const [roleIds, setRoleIds] = useState<string[]>(user.roleIds);
  const [permissions, setPermissions] = useState<Permission[]>(user.permissions);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);

  useEffect(() => {
    setErrors({});
    setFormError(null);
  }, [user.id]);

  const rolesById = useMemo(() => new Map((roles.data ?? []).map((role) => [role.id, role])), [roles.data]);
  const inherited = useMemo(() => {
    const via = new Map<Permission, string>();
    for (const roleId of roleIds) {
      const role = rolesById.get(roleId);
      for (const permission of role?.permissions ?? []) if (!via.has(permission)) via.set(permission, `through ${role?.name ?? 'a role'}`);
    }
    return via;
  }, [roleIds, rolesById]);

  const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((item) => b.includes(item));
  const dirty = firstName !== user.firstName || lastName !== user.lastName || !sameList(roleIds, user.roleIds) || !sameList(permissions, user.permissions);
  const name = fullName(user);
  // Unticking the last administrator's role is refused here, in the rule's words, before Save.
  const adminRows = useAdminRows(user.orgId);
  const rolesRefused = sameList(roleIds, user.roleIds) ? null : lastAdminRefusalOf(user.orgName, adminRows, { kind: 'setRoles', user, roleIds });

  const save = async () => {
    setFormError(null);
    if (rolesRefused !== null) return;
    const args = {
      orgId: user.orgId,
      userId: user.id,
      version: user.version,
      ...(firstName !== user.firstName ? { firstName } : {}),
      ...(lastName !== user.lastName ? { lastName } : {}),
      ...(!sameList(roleIds, user.roleIds) ? { roleIds } : {}),
      // Individual permissions that a role already grants add nothing; they are kept as chosen.
      ...(!sameList(permissions, user.permissions) ? { permissions } : {}),
    };
    const checked = checkCommand('updateUser', args);
    if (!checked.ok) {
      setErrors(checked.errors);
      return;
    }
    setErrors({});
    try {
      await run('updateUser', checked.value);
      toast.success(`${firstName.trim()} ${lastName.trim()} was saved.`);
    } catch (error) {
      const fields = fieldErrorsOfError(error);
      if (Object.keys(fields).length > 0) setErrors(fields);
      setFormError(errorSentence(error));
    }
  };

  const statusAction = async (action: 'activateUser' | 'resendInvitation') => {
    try {
      await run(action, { orgId: user.orgId, userId: user.id });
      toast.success(action === 'activateUser' ? `${name} was activated.` : `The invitation to ${user.email} was sent again.`);
    } catch (error) {
      toast.error(errorSentence(error));
    }
  };

  const formId = `user-form-${user.id}`;
  const reset = () => {
    setFirstName(user.firstName);
    setLastName(user.lastName);
    setRoleIds(user.roleIds);
    setPermissions(user.permissions);
    setErrors({});
    setFormError(null);
  };

  return (
    <SidePanel
      title={name}
      onClose={onClose}
      subtitle={
        <>
          <span className="truncate">{user.email}</span>
          {user.pending && <PendingMark />}
        </>
      }
      footer={
        <div className="panel-actions">
          {canManage && (
            <>
              <button type="submit" form={formId} className="button primary" disabled={!dirty || pending || rolesRefused !== null} title={rolesRefused?.message}>
                Save changes
              </button>
              {dirty && (
                <button type="button" className="button" onClick={reset}>
                  Discard
                </button>
              )}
            </>
          )}
          <button type="button" className="button danger-outline" disabled={!canManage} onClick={() => onRemove(user)}>
            Remove user
          </button>
        </div>
      }
    >
      <form
        id={formId}
        className="panel-form"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void save();
        }}
      >
        <dl className="facts">
          <div>
            <dt>Status</dt>
            <dd className="status-fact">
              <Badge tone={user.status === 'active' ? 'positive' : user.status === 'pending' ? 'info' : 'neutral'}>{STATUS_LABELS[user.status]}</Badge>
              {user.status === 'active' && (
                <button type="button" className="button small" disabled={!canManage} onClick={() => onDeactivate(user, adminRolesHeld(user, new RoleLookup(roles.data ?? [])).map((role) => role.name))}>
                  Deactivate
                </button>
              )}
              {user.status === 'deactivated' && (
                <button type="button" className="button small" disabled={!canManage || pending} onClick={() => void statusAction('activateUser')}>
                  Activate
                </button>
              )}
              {user.status === 'pending' && (
                <button type="button" className="button small" disabled={!canInvite || pending} onClick={() => void statusAction('resendInvitation')}>
                  Resend invitation
                </button>
              )}
            </dd>
          </div>
          <div>
            <dt>Last active</dt>
            <dd>{user.lastActiveAt === null ? 'Never' : formatDate(user.lastActiveAt)}</dd>
          </div>
          <div>
            <dt>Organization</dt>
            <dd>{user.orgName}</dd>
          </div>
        </dl>
        {can('audit.view', user.orgId) && <UserHistoryLink user={user} />}
        {user.pending && <p className="muted small">Changed on this computer; not synced yet.</p>}
        <FormError message={formError} />
        <div className="field-row">
          <TextField label="First name" value={firstName} onValue={setFirstName} error={errors['firstName']} required disabled={!canManage} />
          <TextField label="Last name" value={lastName} onValue={setLastName} error={errors['lastName']} required disabled={!canManage} />
        </div>
        <RoleChecklist roles={roles.data ?? []} value={roleIds} onChange={setRoleIds} error={rolesRefused?.message ?? errorFor(errors, 'roleIds')} disabled={!canManage} />
        <PermissionChecklist
          legend="Individual permissions"
          value={permissions}
          onChange={setPermissions}
          inherited={inherited}
          disabled={!canManage}
          error={errorFor(errors, 'permissions')}
        />
      </form>
    </SidePanel>
  );
}

/** Opens the audit log at this user's history (every change made to them), over their organization. */
function UserHistoryLink({ user }: { user: UserRow }) {
  const { org } = useCurrentOrg();
  const go = useNavStore((state) => state.go);
  const setIncludeChildren = useScopeStore((state) => state.setIncludeChildren);
  const params = { entityId: user.id, subject: fullName(user) };
  return (
    <p className="panel-history">
      <a
        href={hashOf('audit', params)}
        className="text-link"
        onClick={(event) => {
          event.preventDefault();
          // The user may sit below the organization in view: their changes are then among its children's.
          if (org !== null && org.id !== user.orgId) setIncludeChildren(true);
          go('audit', params);
        }}
      >
        <Icon name="history" size={14} /> History
      </a>
      <span className="muted small"> · every change made to this user</span>
    </p>
  );
}

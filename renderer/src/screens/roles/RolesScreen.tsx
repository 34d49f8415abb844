import { useState } from 'react';
import { useQueries } from '@tanstack/react-query';
import type { OrgNode, RoleRow } from '@shared/ipc/models';
import { PERMISSIONS } from '@shared/domain/permissions';
import { deleteRoleRefusal } from '@shared/domain/role';
import { useCommand } from '../../api/commands';
import { useCore } from '../../api/core-context';
import { errorSentence } from '../../api/errors';
import { descendants, useOrgIndex } from '../../api/orgs';
import { queryKeys } from '../../api/query-keys';
import { Badge, EmptyState, LoadError, Loading, Notice, PendingMark } from '../../components/bits';
import { ConfirmDialog } from '../../components/Dialog';
import { Icon } from '../../components/Icon';
import { formatCount } from '../../format/format';
import type { ScreenProps } from '../../shell/Shell';
import { ScreenHeader } from '../../shell/ScreenHeader';
import { toast } from '../../state/toast-store';
import { sortRoles } from '../users/RoleChecklist';
import { RoleDialog } from './RoleDialog';

/** With children included, at most this many organizations' roles are listed at once. */
export const MAX_SECTIONS = 25;

type RolesDialogState = { kind: 'edit'; org: OrgNode; role: RoleRow | null } | { kind: 'delete'; org: OrgNode; role: RoleRow } | null;

export function RolesScreen({ org, scope }: ScreenProps) {
  const core = useCore();
  const index = useOrgIndex();
  const [dialog, setDialog] = useState<RolesDialogState>(null);
  const below = scope.includeChildren && index !== null ? descendants(index, org.id) : [];
  const orgs = [org, ...below.slice(0, MAX_SECTIONS - 1)];
  const results = useQueries({
    queries: orgs.map((section) => ({ queryKey: queryKeys.roles(section.id), queryFn: () => core.roles.list({ orgId: section.id }) })),
  });
  const canManage = org.permissions.includes('roles.manage');

  return (
    <div className="screen">
      <ScreenHeader
        title="Roles"
        org={org}
        actions={
          canManage && (
            <button type="button" className="button primary" onClick={() => setDialog({ kind: 'edit', org, role: null })}>
              <Icon name="plus" size={14} /> New role
            </button>
          )
        }
      />
      <div className="screen-body">
        {orgs.map((section, at) => {
          const result = results[at];
          return (
            <RolesSection
              key={section.id}
              org={section}
              showHeading={orgs.length > 1}
              roles={result?.data}
              error={result?.error ?? null}
              onRetry={() => void result?.refetch()}
              onEdit={(role) => setDialog({ kind: 'edit', org: section, role })}
              onDelete={(role) => setDialog({ kind: 'delete', org: section, role })}
            />
          );
        })}
        {below.length > MAX_SECTIONS - 1 && (
          <p className="muted">
            Showing {MAX_SECTIONS} of {formatCount(below.length + 1)} organizations. Choose one in the organization switcher to see its roles.
          </p>
        )}
      </div>
      {dialog?.kind === 'edit' && <RoleDialog orgId={dialog.org.id} orgName={dialog.org.name} role={dialog.role} onClose={() => setDialog(null)} />}
      {dialog?.kind === 'delete' && <DeleteRoleDialog org={dialog.org} role={dialog.role} onClose={() => setDialog(null)} />}
    </div>
  );
}

function RolesSection({
  org,
  showHeading,
  roles,
  error,
  onRetry,
  onEdit,
  onDelete,
}: {
  org: OrgNode;
  showHeading: boolean;
  roles: RoleRow[] | undefined;
  error: unknown;
  onRetry(): void;
  onEdit(role: RoleRow): void;
  onDelete(role: RoleRow): void;
}) {
  const { run, pending } = useCommand();
  const canManage = org.permissions.includes('roles.manage');
  const headingId = `roles-${org.id}`;
  if (error !== null) return <LoadError error={error} onRetry={onRetry} />;
  if (roles === undefined) return <Loading />;
  const hasBuiltIn = roles.some((role) => role.builtIn);
  const sorted = sortRoles(roles);

  const install = async () => {
    try {
      await run('installBuiltInRoles', { orgId: org.id });
      toast.success(`Built-in roles were installed in ${org.name}.`);
    } catch (failure) {
      toast.error(errorSentence(failure));
    }
  };

  return (
    <section className="section" aria-labelledby={showHeading ? headingId : undefined} aria-label={showHeading ? undefined : `Roles of ${org.name}`}>
      {showHeading && (
        <h2 id={headingId} className="section-title">
          {org.name}
        </h2>
      )}
      {!hasBuiltIn && (
        <Notice
          tone="warning"
          action={
            canManage && (
              <button type="button" className="button small" disabled={pending} onClick={() => void install()}>
                Install built-in roles
              </button>
            )
          }
        >
          {org.name} was created before built-in roles existed, so it has no Owner, Administrator, Billing, Member or Read Only role.
          {!canManage && ' An Administrator with roles.manage can install them.'}
        </Notice>
      )}
      {sorted.length === 0 ? (
        <EmptyState icon="shield" title="No roles yet" />
      ) : (
        <div className="table-scroll">
          <table className="table">
            <caption className="visually-hidden">Roles of {org.name}</caption>
            <thead>
              <tr>
                <th scope="col">Role</th>
                <th scope="col">Description</th>
                <th scope="col" className="numeric">
                  Permissions
                </th>
                <th scope="col" className="numeric">
                  Members
                </th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {sorted.map((role) => {
                // The rule the core and the service apply, in its words: the button says why before the dialog opens.
                const deleteReason = deleteRoleRefusal(role, role.memberCount)?.message ?? null;
                return (
                  <tr key={role.id}>
                    <td>
                      <span className="cell-title">{role.name}</span> {role.builtIn && <Badge tone="accent">Built-in</Badge>}
                      {role.pending && <PendingMark />}
                    </td>
                    <td className="muted">{role.description === '' ? '—' : role.description}</td>
                    <td className="numeric" title={role.permissions.join(', ')}>
                      {role.permissions.length === PERMISSIONS.length ? 'All' : formatCount(role.permissions.length)}
                    </td>
                    <td className="numeric">{formatCount(role.memberCount)}</td>
                    <td className="row-actions">
                      {canManage && (
                        <>
                          <button type="button" className="button small" onClick={() => onEdit(role)} aria-label={`Edit ${role.name}`}>
                            Edit
                          </button>
                          {!role.builtIn && (
                          <button
                            type="button"
                            className="button small danger-outline"
                            aria-label={`Delete ${role.name}`}
                            aria-disabled={deleteReason !== null || undefined}
                            title={deleteReason ?? undefined}
                            onClick={() => {
                              if (deleteReason === null) onDelete(role);
                              else toast.info(deleteReason);
                            }}
                          >
                            Delete
                          </button>
                          )}
                        </>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function DeleteRoleDialog({ org, role, onClose }: { org: OrgNode; role: RoleRow; onClose(): void }) {
  const { run, pending } = useCommand();
  const [error, setError] = useState<string | null>(null);
  const refused = deleteRoleRefusal(role, role.memberCount);
  return (
    <ConfirmDialog
      title={`Delete ${role.name}?`}
      description={refused !== null ? <p className="form-error">{refused.message}</p> : <p>The role is removed from {org.name}. Nobody holds it, so no one loses access.</p>}
      confirmLabel="Delete role"
      pending={pending || refused !== null}
      error={error}
      onClose={onClose}
      onConfirm={() =>
        refused === null &&
        void run('deleteRole', { orgId: org.id, roleId: role.id }).then(
          () => {
            toast.success(`The role ${role.name} was deleted.`);
            onClose();
          },
          (failure: unknown) => setError(errorSentence(failure)),
        )
      }
    />
  );
}

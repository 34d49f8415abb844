import { useEffect, useState } from 'react';
import { fullName } from '@shared/domain/user';
import { userListQuerySchema, type UserRow } from '@shared/ipc/models';
import { useCommand } from '../../api/commands';
import { useCore } from '../../api/core-context';
import { errorSentence } from '../../api/errors';
import { descendants, useOrgIndex, usePermissions } from '../../api/orgs';
import { EmptyState } from '../../components/bits';
import { saveExportedFile } from '../../components/download';
import { Icon } from '../../components/Icon';
import { Menu } from '../../components/Menu';
import { countOf, formatCount } from '../../format/format';
import { problemOf } from '../../forms/field-errors';
import type { ScreenProps } from '../../shell/Shell';
import { ScreenHeader } from '../../shell/ScreenHeader';
import { useNavStore } from '../../state/nav-store';
import { toast } from '../../state/toast-store';
import { bulkSummary } from './bulk-report';
import { BulkDeactivateDialog, DeactivateAdminDialog, RemoveUsersDialog, SetRolesDialog } from './BulkDialogs';
import { ImportDialog } from './ImportDialog';
import { InviteDialog } from './InviteDialog';
import { NewUserDialog } from './NewUserDialog';
import { UserPanel } from './UserPanel';
import { UsersTable } from './UsersTable';
import { allMatchingIds, listFilters, MAX_BULK, useRoles, useUsersTotals } from './use-users';
import { DEFAULT_FILTERS, useUsersStore, type StatusFilter } from './users-store';
import './users.css';

type SingleDialog = { kind: 'deactivate-admin'; user: UserRow; roleNames: string[] } | { kind: 'remove-one'; user: UserRow } | null;

export function UsersScreen({ org, scope }: ScreenProps) {
  const core = useCore();
  const can = usePermissions();
  const index = useOrgIndex();
  const filters = useUsersStore((state) => state.filters);
  const selected = useUsersStore((state) => state.selected);
  const openUserId = useUsersStore((state) => state.openUserId);
  const dialog = useUsersStore((state) => state.dialog);
  const { resetFor, setFilters, setSelected, openUser, openDialog } = useUsersStore.getState();
  const [single, setSingle] = useState<SingleDialog>(null);
  const { run } = useCommand();
  const totals = useUsersTotals(scope, filters);
  const roles = useRoles(org.id);
  const [search, setSearch] = useState(filters.q);
  // The shared rule for searches, so a pasted control character is named here, not a failed list.
  const searchError = problemOf(userListQuerySchema.shape.q, search);

  useEffect(() => resetFor(org.id), [org.id, resetFor]);
  // A link (Home's "pending invitations", a seat change) opens the screen with a status.
  const opened = useNavStore((state) => state.params);
  useEffect(() => {
    const status = opened['status'];
    if (status === 'pending' || status === 'active' || status === 'deactivated') setFilters({ status });
  }, [opened, setFilters]);
  // Typing narrows the list after a short pause, not on every key.
  useEffect(() => {
    const timer = setTimeout(() => {
      if (searchError === undefined && search !== useUsersStore.getState().filters.q) setFilters({ q: search });
    }, 150);
    return () => clearTimeout(timer);
  }, [search, searchError, setFilters]);

  const canManage = can('users.manage', org.id);
  const canInvite = can('users.invite', org.id);
  // Where new users can go: this organization and, with children included, those below it where allowed.
  const targetOrgs = [org, ...(scope.includeChildren && index !== null ? descendants(index, org.id) : [])];
  const manageOrgs = targetOrgs.filter((target) => target.permissions.includes('users.manage'));
  const inviteOrgs = targetOrgs.filter((target) => target.permissions.includes('users.invite'));
  const selectedIds = [...selected];
  const filtered = filters.q.trim() !== '' || filters.status !== 'all' || filters.roleId !== 'all';

  const selectAll = async () => {
    try {
      const { ids, total } = await allMatchingIds(core, scope, filters);
      setSelected(new Set(ids));
      if (total > MAX_BULK) toast.info(`The first ${formatCount(MAX_BULK)} of ${formatCount(total)} users are selected.`, 'Bulk actions work on at most 10,000 users at once.');
    } catch (error) {
      toast.error(errorSentence(error));
    }
  };

  const deactivateOne = (user: UserRow, adminRoles: string[]) => {
    if (adminRoles.length > 0) {
      setSingle({ kind: 'deactivate-admin', user, roleNames: adminRoles });
      return;
    }
    // The one deactivate channel, for one user or many, whatever their roles.
    core.bulk.deactivate({ userIds: [user.id], removeAdminRole: false }).then(
      (result) => {
        const [left] = result.skipped;
        if (left === undefined) toast.success(`${fullName(user)} was deactivated.`);
        else toast.error(left.reason);
      },
      (error: unknown) => toast.error(errorSentence(error)),
    );
  };

  const toggleActive = (user: UserRow, adminRoles: string[]) => {
    if (user.status === 'active') deactivateOne(user, adminRoles);
    else
      run('activateUser', { orgId: user.orgId, userId: user.id }).then(
        () => toast.success(`${fullName(user)} was activated.`),
        (error: unknown) => toast.error(errorSentence(error)),
      );
  };

  const exportCsv = async () => {
    try {
      saveExportedFile(await core.importExport.usersCsv({ ...scope, ...listFilters(filters) }));
    } catch (error) {
      toast.error(errorSentence(error));
    }
  };

  const bulkActivate = async () => {
    try {
      const result = await core.bulk.activate({ userIds: selectedIds });
      // Every user left alone, by name and why (bulk-report.ts).
      const summary = bulkSummary(selectedIds.length, result, 'activated');
      if (summary.detail === undefined) toast.success(summary.text);
      else toast.info(summary.text, summary.detail);
      setSelected(new Set());
    } catch (error) {
      toast.error(errorSentence(error));
    }
  };

  return (
    <div className="screen users-screen">
      <ScreenHeader
        title="Users"
        org={org}
        actions={
          <>
            <Menu
              label="More user actions"
              buttonClassName="button"
              button={
                <>
                  More <Icon name="chevronDown" size={14} />
                </>
              }
              items={[
                { label: 'Import from CSV…', onSelect: () => openDialog({ kind: 'import' }), disabled: !canManage, reason: 'Needs users.manage' },
                { label: 'Export to CSV', onSelect: () => void exportCsv() },
              ]}
            />
            {canInvite && (
              <button type="button" className="button" onClick={() => openDialog({ kind: 'invite' })}>
                Invite
              </button>
            )}
            {canManage && (
              <button type="button" className="button primary" onClick={() => openDialog({ kind: 'new' })}>
                <Icon name="plus" size={14} /> New user
              </button>
            )}
          </>
        }
      />

      <section className="seat-summary" aria-label="Billed seats">
        <span className="seat-number">{formatCount(totals.activeCount)}</span>
        <span className="seat-label">
          active {totals.activeCount === 1 ? 'user' : 'users'}
          <span className="muted"> · billed seats in {org.name}{scope.includeChildren ? ' and the organizations below it' : ''}</span>
        </span>
      </section>

      <div className="toolbar" role="search" aria-label="Filter users">
        <label className="search-field">
          <Icon name="search" />
          <span className="visually-hidden">Search users</span>
          <input
            type="search"
            className="input"
            data-search
            placeholder="Search by name or email"
            value={search}
            onChange={(event) => setSearch(event.target.value)}
            aria-keyshortcuts="Control+K Meta+K /"
            aria-invalid={searchError === undefined ? undefined : true}
            aria-errormessage={searchError === undefined ? undefined : 'users-search-error'}
          />
          <kbd className="search-hint" aria-hidden="true">
            /
          </kbd>
        </label>
        {searchError !== undefined && (
          <p id="users-search-error" className="field-error toolbar-text" role="alert">
            {searchError}
          </p>
        )}
        <label className="inline-field">
          <span>Status</span>
          <select className="input select" value={filters.status} onChange={(event) => setFilters({ status: event.target.value as StatusFilter })}>
            <option value="all">All</option>
            <option value="active">Active</option>
            <option value="pending">Invited</option>
            <option value="deactivated">Deactivated</option>
          </select>
        </label>
        <label className="inline-field">
          <span>Role</span>
          <select className="input select" value={filters.roleId} onChange={(event) => setFilters({ roleId: event.target.value })}>
            <option value="all">All roles</option>
            {(roles.data ?? []).map((role) => (
              <option key={role.id} value={role.id}>
                {role.name}
              </option>
            ))}
          </select>
        </label>
        {filtered && (
          <button
            type="button"
            className="button ghost"
            onClick={() => {
              setSearch('');
              setFilters({ ...DEFAULT_FILTERS, sort: filters.sort, direction: filters.direction });
            }}
          >
            Clear filters
          </button>
        )}
      </div>

      {selected.size > 0 && (
        <div className="bulk-bar" role="region" aria-label="Bulk actions">
          <span className="bulk-count">{countOf(selected.size, 'user', 'users')} selected</span>
          <button type="button" className="button small" disabled={!canManage} onClick={() => openDialog({ kind: 'set-roles' })}>
            Set roles…
          </button>
          <button type="button" className="button small" disabled={!canManage} onClick={() => void bulkActivate()}>
            Activate
          </button>
          <button type="button" className="button small" disabled={!canManage} onClick={() => openDialog({ kind: 'deactivate', userIds: selectedIds })}>
            Deactivate…
          </button>
          <button type="button" className="button small danger-outline" disabled={!canManage} onClick={() => openDialog({ kind: 'remove', userIds: selectedIds })}>
            Remove…
          </button>
          <button type="button" className="button small ghost" onClick={() => setSelected(new Set())}>
            Clear selection
          </button>
        </div>
      )}

      <div className={`users-body${openUserId !== null ? ' with-panel' : ''}`}>
        <UsersTable
          scope={scope}
          filters={filters}
          showOrg={scope.includeChildren}
          compact={openUserId !== null}
          canManage={(orgId) => can('users.manage', orgId)}
          onToggleActive={toggleActive}
          onSelectAll={() => void selectAll()}
          empty={
            filtered ? (
              <EmptyState icon="search" title="No users match these filters">
                <p>Try another search, status or role.</p>
              </EmptyState>
            ) : (
              <EmptyState icon="users" title={`${org.name} has no users yet`}>
                <p>Invite people or create users to get started.</p>
              </EmptyState>
            )
          }
        />
        {openUserId !== null && (
          <UserPanel
            userId={openUserId}
            onClose={() => openUser(null)}
            onDeactivate={deactivateOne}
            onRemove={(user) => setSingle({ kind: 'remove-one', user })}
          />
        )}
      </div>

      {dialog?.kind === 'new' && <NewUserDialog orgs={manageOrgs} defaultOrgId={org.id} onClose={() => openDialog(null)} />}
      {dialog?.kind === 'invite' && <InviteDialog orgs={inviteOrgs} defaultOrgId={org.id} onClose={() => openDialog(null)} />}
      {dialog?.kind === 'import' && <ImportDialog orgId={org.id} orgName={org.name} onClose={() => openDialog(null)} />}
      {dialog?.kind === 'set-roles' && (
        <SetRolesDialog
          orgId={org.id}
          userIds={selectedIds}
          onClose={() => openDialog(null)}
          onDone={() => {
            openDialog(null);
            setSelected(new Set());
          }}
        />
      )}
      {dialog?.kind === 'deactivate' && (
        <BulkDeactivateDialog
          userIds={dialog.userIds}
          onClose={() => openDialog(null)}
          onDone={() => {
            openDialog(null);
            setSelected(new Set());
          }}
        />
      )}
      {dialog?.kind === 'remove' && (
        <RemoveUsersDialog
          userIds={dialog.userIds}
          user={null}
          onClose={() => openDialog(null)}
          onDone={() => {
            openDialog(null);
            setSelected(new Set());
          }}
        />
      )}
      {single?.kind === 'deactivate-admin' && (
        <DeactivateAdminDialog user={single.user} roleNames={single.roleNames} onClose={() => setSingle(null)} />
      )}
      {single?.kind === 'remove-one' && (
        <RemoveUsersDialog
          userIds={[single.user.id]}
          user={single.user}
          onClose={() => setSingle(null)}
          onDone={() => {
            setSingle(null);
            openUser(null);
          }}
        />
      )}
    </div>
  );
}

import { useMemo, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import type { SyncIssue } from '@shared/ipc/models';
import { useCore } from '../../api/core-context';
import { errorSentence } from '../../api/errors';
import { descendants, useOrgIndex } from '../../api/orgs';
import { queryKeys } from '../../api/query-keys';
import { Badge, EmptyState, LoadError, Loading } from '../../components/bits';
import { Checkbox } from '../../forms/fields';
import { formatDateTime, humanizeName } from '../../format/format';
import type { ScreenProps } from '../../shell/Shell';
import { ScreenHeader } from '../../shell/ScreenHeader';
import { toast } from '../../state/toast-store';
import { useRolesOf } from '../users/use-users';
import { canEdit } from './edit-change';
import { EditChangeDialog } from './EditChangeDialog';
import { fieldDiff, formatDiffValue, subjectOf } from './field-diff';
import './sync-issues.css';

/**
 * Every issue of this install, whatever organization is chosen: they are about changes made on
 * this computer, and one hidden by the organization filter would look like data loss. The current
 * organization's issues come first.
 */
export function SyncIssuesScreen({ org }: ScreenProps) {
  const core = useCore();
  const index = useOrgIndex();
  const [includeResolved, setIncludeResolved] = useState(false);
  const issues = useQuery({ queryKey: queryKeys.syncIssues(includeResolved), queryFn: () => core.syncIssues.list({ includeResolved }) });
  const shown = useMemo(() => {
    const here = new Set([org.id, ...(index === null ? [] : descendants(index, org.id).map((child) => child.id))]);
    return [...(issues.data ?? [])].sort((a, b) => Number(here.has(b.orgId)) - Number(here.has(a.orgId)));
  }, [issues.data, index, org.id]);

  return (
    <div className="screen">
      <ScreenHeader title="Sync issues" org={org} childrenToggle={false} note={<span className="muted">· issues of every organization are shown</span>} />
      <div className="toolbar">
        <p className="muted toolbar-text">Changes the service did not accept as they were. Nothing is dropped until you choose.</p>
        <Checkbox label="Show resolved issues" checked={includeResolved} onChecked={setIncludeResolved} />
      </div>
      <div className="screen-body">
        {issues.isError ? (
          <LoadError error={issues.error} onRetry={() => void issues.refetch()} />
        ) : issues.isPending ? (
          <Loading />
        ) : shown.length === 0 ? (
          <EmptyState icon="check" title="No sync issues">
            <p>Every change made on this computer has been accepted by the service.</p>
          </EmptyState>
        ) : (
          <ul className="issue-list">
            {shown.map((issue) => (
              <li key={issue.id}>
                <IssueCard issue={issue} orgName={index?.byId.get(issue.orgId)?.name ?? ''} />
              </li>
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}

function IssueCard({ issue, orgName }: { issue: SyncIssue; orgName: string }) {
  const core = useCore();
  const [pending, setPending] = useState(false);
  const [showAll, setShowAll] = useState(false);
  const [editing, setEditing] = useState(false);
  const roles = useRolesOf([issue.orgId]);
  const rows = fieldDiff(issue.base, issue.mine, issue.theirs, { all: showAll });
  const subject = subjectOf(issue.theirs, issue.mine, issue.base);
  const nameOf = (id: string) => roles.get(id)?.name;
  const titleId = `issue-${issue.id}`;
  const editable = issue.kind === 'rejected' && canEdit(issue.commandName, issue.args);

  const resolve = async (resolution: 'keep_mine' | 'take_theirs') => {
    setPending(true);
    try {
      // The core's data.changed events refresh the issues and the rows (core-context.tsx).
      await core.syncIssues.resolve({ issueId: issue.id, resolution });
      toast.success(
        resolution === 'keep_mine'
          ? 'Your change was queued again.'
          : issue.kind === 'rejected'
            ? 'Your refused change was discarded.'
            : 'The service’s version is kept; your change was dropped.',
      );
    } catch (error) {
      toast.error(errorSentence(error));
    } finally {
      setPending(false);
    }
  };

  return (
    <article className="issue card" aria-labelledby={titleId}>
      <header className="issue-head">
        <div>
          <h2 id={titleId} className="issue-title">
            {humanizeName(issue.commandName)}
            {subject !== null && <span className="issue-subject">: {subject}</span>}
          </h2>
          <p className="muted small">
            {orgName !== '' && `${orgName} · `}
            {formatDateTime(issue.createdAt)}
          </p>
        </div>
        <Badge tone={issue.kind === 'conflict' ? 'warning' : 'negative'}>{issue.kind === 'conflict' ? 'Conflict' : 'Rejected'}</Badge>
      </header>
      <p className="issue-message">{issue.message}</p>
      {rows.length > 0 || showAll ? (
        <table className="table compact diff-table">
          <caption className="visually-hidden">Base, mine and theirs, field by field</caption>
          <thead>
            <tr>
              <th scope="col">Field</th>
              <th scope="col">Before (base)</th>
              <th scope="col">Mine</th>
              <th scope="col">Theirs (service)</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.field} className={row.conflict ? 'diff-conflict' : undefined}>
                <th scope="row">{row.label}</th>
                <td className="muted">{formatDiffValue(row.base, nameOf)}</td>
                <td className={row.mineChanged ? 'diff-changed' : undefined}>
                  {formatDiffValue(row.mine, nameOf)}
                  {row.mineChanged && <span className="visually-hidden"> (changed by me)</span>}
                </td>
                <td className={row.theirsChanged ? 'diff-changed' : undefined}>
                  {issue.theirs === null ? <span className="muted">{issue.base === null ? 'Not created' : 'Removed'}</span> : formatDiffValue(row.theirs, nameOf)}
                  {row.theirsChanged && <span className="visually-hidden"> (changed on the service)</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="muted small">{issue.theirs === null ? 'The item no longer exists on the service.' : 'No field differs: the service refused the change itself.'}</p>
      )}
      <div className="issue-foot">
        <button type="button" className="link-button small" onClick={() => setShowAll(!showAll)} aria-expanded={showAll}>
          {showAll ? 'Show changed fields only' : 'Show all fields'}
        </button>
        {issue.resolvedAt !== null ? (
          <span className="muted small">
            Resolved {formatDateTime(issue.resolvedAt)}: {issue.kind === 'rejected' ? 'discarded' : issue.resolution === 'keep_mine' ? 'kept mine' : 'took theirs'}.
          </span>
        ) : issue.kind === 'rejected' ? (
          // Sent again as it was, a refused change would be refused again: it is corrected or dropped.
          <div className="inline-actions">
            <span className="muted small">
              {editable ? 'Edit opens your change to correct and send again.' : 'Discard it, fix the cause, then make the change again.'}
            </span>
            <button type="button" className="button" disabled={pending} onClick={() => void resolve('take_theirs')}>
              Discard
            </button>
            {editable && (
              <button type="button" className="button primary" disabled={pending} onClick={() => setEditing(true)}>
                Edit…
              </button>
            )}
          </div>
        ) : (
          <div className="inline-actions">
            <span className="muted small">Keep mine applies your change over theirs.</span>
            <button type="button" className="button" disabled={pending} onClick={() => void resolve('take_theirs')}>
              Take theirs
            </button>
            <button type="button" className="button primary" disabled={pending} onClick={() => void resolve('keep_mine')}>
              Keep mine
            </button>
          </div>
        )}
      </div>
      {editing && (
        <EditChangeDialog
          issue={issue}
          onClose={() => setEditing(false)}
          onSaved={() => {
            setEditing(false);
            toast.success('Your corrected change was saved and will be sent.');
          }}
        />
      )}
    </article>
  );
}

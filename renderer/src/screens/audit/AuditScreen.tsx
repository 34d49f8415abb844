import { Fragment, useEffect, useMemo, useState } from 'react';
import { useInfiniteQuery } from '@tanstack/react-query';
import type { AuditEvent } from '@shared/domain/audit';
import { ENTITY_NAMES, type EntityName } from '@shared/domain/entities';
import { auditQuerySchema } from '@shared/ipc/models';
import { useCore } from '../../api/core-context';
import { errorSentence } from '../../api/errors';
import { useOrgIndex } from '../../api/orgs';
import { queryKeys, type AuditFilters } from '../../api/query-keys';
import { Badge, EmptyState, LoadError, Loading } from '../../components/bits';
import { saveExportedFile } from '../../components/download';
import { Icon } from '../../components/Icon';
import { formatCount, formatDateTime, humanizeName } from '../../format/format';
import { problemOf } from '../../forms/field-errors';
import type { ScreenProps } from '../../shell/Shell';
import { ScreenHeader } from '../../shell/ScreenHeader';
import { toast } from '../../state/toast-store';
import { fieldDiff, formatDiffValue, subjectOf } from '../sync-issues/field-diff';
import '../sync-issues/sync-issues.css';
import { useRolesOf } from '../users/use-users';

const PAGE = 100;

const ENTITY_LABELS: Record<EntityName, string> = {
  organization: 'Organizations',
  user: 'Users',
  role: 'Roles',
  billing_contact: 'Billing contacts',
  subscription: 'Subscriptions',
  invoice: 'Invoices',
  payment_method: 'Payment methods',
};

export function AuditScreen({ org, scope }: ScreenProps) {
  const core = useCore();
  const index = useOrgIndex();
  const [text, setText] = useState('');
  const [q, setQ] = useState('');
  const [entity, setEntity] = useState<EntityName | 'all'>('all');
  const [open, setOpen] = useState<string | null>(null);
  // The shared rule for searches, so a pasted control character is named here, not a failed list.
  const searchError = problemOf(auditQuerySchema.shape.q, text);
  useEffect(() => {
    if (searchError !== undefined) return;
    const timer = setTimeout(() => setQ(text.trim()), 200);
    return () => clearTimeout(timer);
  }, [text, searchError]);
  const filters = useMemo<AuditFilters>(() => ({ ...(q === '' ? {} : { q }), ...(entity === 'all' ? {} : { entity }) }), [q, entity]);
  const audit = useInfiniteQuery({
    queryKey: queryKeys.audit(scope, filters),
    queryFn: ({ pageParam }) => core.audit.list({ ...scope, ...filters, offset: pageParam, limit: PAGE }),
    initialPageParam: 0,
    getNextPageParam: (last, pages) => {
      const loaded = pages.reduce((sum, page) => sum + page.items.length, 0);
      return loaded < last.total ? loaded : undefined;
    },
  });
  const events = audit.data?.pages.flatMap((page) => page.items) ?? [];
  const total = audit.data?.pages[0]?.total ?? 0;

  const exportCsv = async () => {
    try {
      saveExportedFile(await core.importExport.auditCsv({ ...scope, ...filters }));
    } catch (error) {
      toast.error(errorSentence(error));
    }
  };

  return (
    <div className="screen">
      <ScreenHeader
        title="Audit log"
        org={org}
        actions={
          <button type="button" className="button" onClick={() => void exportCsv()}>
            <Icon name="download" size={14} /> Export CSV
          </button>
        }
      />
      <div className="toolbar" role="search" aria-label="Filter the audit log">
        <label className="search-field">
          <Icon name="search" />
          <span className="visually-hidden">Search by person or action</span>
          <input
            type="search"
            className="input"
            data-search
            placeholder="Search by person or action"
            value={text}
            onChange={(event) => setText(event.target.value)}
            aria-invalid={searchError === undefined ? undefined : true}
            aria-errormessage={searchError === undefined ? undefined : 'audit-search-error'}
          />
        </label>
        {searchError !== undefined && (
          <p id="audit-search-error" className="field-error toolbar-text" role="alert">
            {searchError}
          </p>
        )}
        <label className="inline-field">
          <span>What</span>
          <select className="input select" value={entity} onChange={(event) => setEntity(event.target.value as EntityName | 'all')}>
            <option value="all">Everything</option>
            {ENTITY_NAMES.map((name) => (
              <option key={name} value={name}>
                {ENTITY_LABELS[name]}
              </option>
            ))}
          </select>
        </label>
        {total > 0 && <span className="muted toolbar-text">{formatCount(total)} changes</span>}
      </div>
      <div className="screen-body">
        {audit.isError ? (
          <LoadError error={audit.error} onRetry={() => void audit.refetch()} />
        ) : audit.isPending ? (
          <Loading />
        ) : events.length === 0 ? (
          <EmptyState icon="history" title="No changes recorded" />
        ) : (
          <>
            <div className="table-scroll">
              <table className="table audit-table">
                <caption className="visually-hidden">Changes, newest first</caption>
                <thead>
                  <tr>
                    <th scope="col">When</th>
                    <th scope="col">Who</th>
                    <th scope="col">Action</th>
                    <th scope="col">What</th>
                    {scope.includeChildren && <th scope="col">Organization</th>}
                    <th scope="col">Origin</th>
                    <th scope="col">
                      <span className="visually-hidden">Details</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {events.map((event) => (
                    <Fragment key={event.id}>
                      <AuditRow
                        event={event}
                        orgName={scope.includeChildren ? (index?.byId.get(event.orgId)?.name ?? '') : null}
                        open={open === event.id}
                        onToggle={() => setOpen(open === event.id ? null : event.id)}
                      />
                    </Fragment>
                  ))}
                </tbody>
              </table>
            </div>
            {audit.hasNextPage && (
              <div className="load-more">
                <button type="button" className="button" disabled={audit.isFetchingNextPage} onClick={() => void audit.fetchNextPage()}>
                  {audit.isFetchingNextPage ? 'Loading…' : `Show more (${formatCount(total - events.length)} left)`}
                </button>
              </div>
            )}
          </>
        )}
      </div>
    </div>
  );
}

function AuditRow({ event, orgName, open, onToggle }: { event: AuditEvent; orgName: string | null; open: boolean; onToggle(): void }) {
  const subject = subjectOf(event.after, event.before);
  const detailsId = `audit-${event.id}`;
  const rows = open ? fieldDiff(event.before, event.after, null) : [];
  const roles = useRolesOf(open ? [event.orgId] : []);
  const nameOf = (id: string) => roles.get(id)?.name;
  const columns = orgName === null ? 6 : 7;
  return (
    <>
      <tr className={open ? 'open' : undefined}>
        <td className="nowrap">{formatDateTime(event.at)}</td>
        <td>{event.actorUserId === null && event.actorEmail === '' ? <span className="muted">System</span> : event.actorEmail}</td>
        <td>{humanizeName(event.action)}</td>
        <td>
          <span className="muted">{humanizeName(event.entity)}</span>
          {subject !== null && <span className="cell-title"> {subject}</span>}
        </td>
        {orgName !== null && <td className="muted">{orgName}</td>}
        <td>
          {event.origin.kind === 'offline' ? (
            <Badge tone="warning" title={`Queued offline as change ${event.origin.mutationId}${event.origin.batchId === null ? '' : ` in batch ${event.origin.batchId}`}`}>
              Offline{event.origin.batchId === null ? '' : ' · bulk'}
            </Badge>
          ) : event.origin.kind === 'scheduler' ? (
            <span className="muted" title="Made by the service's billing lifecycle (trials, cancellations, invoices)">
              Automatic
            </span>
          ) : (
            <span className="muted" title={event.origin.batchId == null ? undefined : `Made online in batch ${event.origin.batchId}`}>
              Online{event.origin.batchId == null ? '' : ' · bulk'}
            </span>
          )}
        </td>
        <td className="row-actions">
          <button type="button" className="button small ghost" aria-expanded={open} aria-controls={open ? detailsId : undefined} onClick={onToggle}>
            {open ? 'Hide' : 'Details'}
          </button>
        </td>
      </tr>
      {open && (
        <tr id={detailsId} className="detail-row">
          <td colSpan={columns}>
            {rows.length === 0 ? (
              <p className="muted small">No field changed.</p>
            ) : (
              <table className="table compact diff-table">
                <caption className="visually-hidden">Fields before and after</caption>
                <thead>
                  <tr>
                    <th scope="col">Field</th>
                    <th scope="col">Before</th>
                    <th scope="col">After</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((row) => (
                    <tr key={row.field}>
                      <th scope="row">{row.label}</th>
                      <td className="muted">{event.before === null ? '—' : formatDiffValue(row.base, nameOf)}</td>
                      <td className="diff-changed">{event.after === null ? 'Removed' : formatDiffValue(row.mine, nameOf)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </td>
        </tr>
      )}
    </>
  );
}

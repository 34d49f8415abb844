import { useEffect, useMemo, useState } from 'react';
import { useInfiniteQuery, useQueries, useQuery } from '@tanstack/react-query';
import { auditSentence, type AuditEvent } from '@shared/domain/audit';
import { ENTITY_NAMES, type EntityName } from '@shared/domain/entities';
import { auditQuerySchema } from '@shared/ipc/models';
import { useCore } from '../../api/core-context';
import { errorSentence } from '../../api/errors';
import { useOrgIndex } from '../../api/orgs';
import { queryKeys, type AuditFilters } from '../../api/query-keys';
import { Badge, EmptyState, FilterChip, LoadError, Loading } from '../../components/bits';
import { saveExportedFile } from '../../components/download';
import { Icon } from '../../components/Icon';
import { countOf, formatCount, formatDateTime } from '../../format/format';
import { problemOf } from '../../forms/field-errors';
import type { ScreenProps } from '../../shell/Shell';
import { ScreenHeader } from '../../shell/ScreenHeader';
import { useNavStore } from '../../state/nav-store';
import { toast } from '../../state/toast-store';
import { fieldDiff, subjectOf } from '../sync-issues/field-diff';
import '../sync-issues/sync-issues.css';
import { useRolesOf } from '../users/use-users';
import { actorChoices, actorOf, auditValue, groupEvents, isBackwards, localDayRange, type AuditGroup } from './audit-logic';
import './audit.css';

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

const isEntity = (value: string | undefined): value is EntityName => value !== undefined && (ENTITY_NAMES as readonly string[]).includes(value);
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** One item's history, opened from its panel ("History" on a user). */
interface Subject {
  entityId: string;
  label: string;
}

export function AuditScreen({ org, scope }: ScreenProps) {
  const core = useCore();
  const index = useOrgIndex();
  // A link (a user's "History") opens the log with its filters.
  const opened = useNavStore((state) => state.params);
  const [text, setText] = useState('');
  const [q, setQ] = useState('');
  const [entity, setEntity] = useState<EntityName | 'all'>(() => (isEntity(opened['entity']) ? opened['entity'] : 'all'));
  const [actorEmail, setActorEmail] = useState(() => opened['actorEmail'] ?? '');
  const [fromDay, setFromDay] = useState(() => (DAY.test(opened['from'] ?? '') ? opened['from']! : ''));
  const [toDay, setToDay] = useState(() => (DAY.test(opened['to'] ?? '') ? opened['to']! : ''));
  const [subject, setSubject] = useState<Subject | null>(() =>
    opened['entityId'] !== undefined && UUID.test(opened['entityId']) ? { entityId: opened['entityId'], label: opened['subject'] ?? 'one item' } : null,
  );
  const [open, setOpen] = useState<string | null>(null);
  // The shared rule for searches, so a pasted control character is named here, not a failed list.
  const searchError = problemOf(auditQuerySchema.shape.q, text);
  useEffect(() => {
    if (searchError !== undefined) return;
    const timer = setTimeout(() => setQ(text.trim()), 200);
    return () => clearTimeout(timer);
  }, [text, searchError]);
  const backwards = isBackwards(fromDay, toDay);
  const filters = useMemo<AuditFilters>(
    () => ({
      ...(q === '' ? {} : { q }),
      ...(entity === 'all' ? {} : { entity }),
      ...(actorEmail === '' ? {} : { actorEmail }),
      ...(subject === null ? {} : { entityId: subject.entityId }),
      ...localDayRange(fromDay, toDay),
    }),
    [q, entity, actorEmail, subject, fromDay, toDay],
  );
  const audit = useInfiniteQuery({
    queryKey: queryKeys.audit(scope, filters),
    queryFn: ({ pageParam }) => core.audit.list({ ...scope, ...filters, offset: pageParam, limit: PAGE }),
    initialPageParam: 0,
    getNextPageParam: (last, pages) => {
      const loaded = pages.reduce((sum, page) => sum + page.items.length, 0);
      return loaded < last.total ? loaded : undefined;
    },
    enabled: !backwards,
  });
  const actors = useQuery({ queryKey: queryKeys.auditActors(scope), queryFn: () => core.audit.actors(scope) });
  const actorNames = useMemo(() => new Map((actors.data ?? []).filter((a) => a.name !== null).map((a) => [a.email.toLowerCase(), a.name!])), [actors.data]);
  const choices = useMemo(() => actorChoices(actors.data ?? []), [actors.data]);
  const events = useMemo(() => audit.data?.pages.flatMap((page) => page.items) ?? [], [audit.data]);
  const groups = useMemo(() => groupEvents(events), [events]);
  const total = audit.data?.pages[0]?.total ?? 0;
  const orgName = (orgId: string) => index?.byId.get(orgId)?.name;
  const filtered = q !== '' || entity !== 'all' || actorEmail !== '' || subject !== null || fromDay !== '' || toDay !== '';

  const clearFilters = () => {
    setText('');
    setQ('');
    setEntity('all');
    setActorEmail('');
    setFromDay('');
    setToDay('');
    setSubject(null);
  };

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
      <div className="toolbar audit-toolbar" role="search" aria-label="Filter the audit log">
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
        <label className="inline-field">
          <span>Who</span>
          <select className="input select audit-who" value={actorEmail} onChange={(event) => setActorEmail(event.target.value)}>
            <option value="">Everyone</option>
            {actorEmail !== '' && !choices.some((choice) => choice.value === actorEmail) && <option value={actorEmail}>{actorEmail}</option>}
            {choices.map((choice) => (
              <option key={choice.value} value={choice.value}>
                {choice.label}
              </option>
            ))}
          </select>
        </label>
        <label className="inline-field">
          <span>From</span>
          <input type="date" className="input audit-date" value={fromDay} max={toDay === '' ? undefined : toDay} onChange={(event) => setFromDay(event.target.value)} />
        </label>
        <label className="inline-field">
          <span>To</span>
          <input
            type="date"
            className="input audit-date"
            value={toDay}
            min={fromDay === '' ? undefined : fromDay}
            aria-invalid={backwards ? true : undefined}
            aria-errormessage={backwards ? 'audit-range-error' : undefined}
            onChange={(event) => setToDay(event.target.value)}
          />
        </label>
        {subject !== null && <FilterChip label={`History of ${subject.label}`} onRemove={() => setSubject(null)} />}
        {filtered && (
          <button type="button" className="button ghost" onClick={clearFilters}>
            Clear filters
          </button>
        )}
        {total > 0 && !backwards && <span className="muted toolbar-text">{countOf(total, 'change', 'changes')}</span>}
      </div>
      {backwards && (
        <p id="audit-range-error" className="field-error audit-range-error" role="alert">
          The last day is before the first: choose a To date on or after the From date.
        </p>
      )}
      <div className="screen-body">
        {backwards ? null : audit.isError ? (
          <LoadError error={audit.error} onRetry={() => void audit.refetch()} />
        ) : audit.isPending ? (
          <Loading />
        ) : events.length === 0 ? (
          <EmptyState icon="history" title={filtered ? 'No change matches these filters' : 'No changes recorded'} />
        ) : (
          <>
            <div className="table-scroll">
              <table className="table audit-table">
                <caption className="visually-hidden">Changes, newest first</caption>
                <thead>
                  <tr>
                    <th scope="col">When</th>
                    <th scope="col">Who</th>
                    <th scope="col">What happened</th>
                    {scope.includeChildren && <th scope="col">Organization</th>}
                    <th scope="col">Origin</th>
                    <th scope="col">
                      <span className="visually-hidden">Details</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {groups.map((group) => (
                    <AuditRow
                      key={group.key}
                      group={group}
                      orgName={orgName}
                      actorNames={actorNames}
                      showOrg={scope.includeChildren}
                      open={open === group.key}
                      onToggle={() => setOpen(open === group.key ? null : group.key)}
                    />
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

function OriginCell({ event, count }: { event: AuditEvent; count: number }) {
  const origin = event.origin;
  if (origin.kind === 'scheduler') {
    return (
      <span className="muted" title="Made by the service's billing lifecycle (trials, cancellations, invoices)">
        Automatic
      </span>
    );
  }
  const bulk = origin.batchId != null;
  if (origin.kind === 'offline') {
    return (
      <Badge tone="warning" title={`Queued offline${bulk ? ' as part of a bulk edit' : ''}, then sent when the app was back online`}>
        Offline{bulk ? ' · bulk' : ''}
      </Badge>
    );
  }
  return (
    <span className="muted" title={bulk ? `Made online, ${count > 1 ? 'these changes' : 'this change'} part of a bulk edit` : undefined}>
      Online{bulk ? ' · bulk' : ''}
    </span>
  );
}

/** Names for ids that appear in a change's fields: roles of its organization, organizations, users. */
function useNamesFor(event: AuditEvent, open: boolean): (id: string) => string | undefined {
  const core = useCore();
  const index = useOrgIndex();
  const roles = useRolesOf(open ? [event.orgId] : []);
  const userIds = useMemo(() => {
    if (!open) return [];
    const ids = new Set<string>();
    for (const row of [event.before, event.after]) {
      if (row === null || typeof row !== 'object') continue;
      for (const [key, value] of Object.entries(row as Record<string, unknown>)) {
        if ((key === 'userId' || key === 'primaryContactUserId') && typeof value === 'string') ids.add(value);
      }
    }
    return [...ids];
  }, [event, open]);
  const users = useQueries({ queries: userIds.map((userId) => ({ queryKey: queryKeys.user(userId), queryFn: () => core.users.get({ userId }) })) });
  return (id: string) => {
    const user = users.find((result) => result.data?.id === id)?.data;
    if (user != null) return `${user.firstName} ${user.lastName}`.trim();
    return roles.get(id)?.name ?? index?.byId.get(id)?.name;
  };
}

function AuditRow({
  group,
  orgName,
  actorNames,
  showOrg,
  open,
  onToggle,
}: {
  group: AuditGroup;
  orgName: (orgId: string) => string | undefined;
  actorNames: ReadonlyMap<string, string>;
  showOrg: boolean;
  open: boolean;
  onToggle(): void;
}) {
  const event = group.events[0]!;
  const count = group.events.length;
  const sentence = auditSentence(event, { org: orgName }, count);
  const who = actorOf(event, actorNames);
  const detailsId = `audit-${event.id}`;
  const columns = showOrg ? 6 : 5;
  return (
    <>
      <tr className={open ? 'open' : undefined}>
        <td className="nowrap">{formatDateTime(event.at)}</td>
        <td>
          <span className="cell-title">{who.name}</span>
          {who.detail !== null && <span className="cell-sub muted">{who.detail}</span>}
        </td>
        <td className="audit-sentence">{sentence}</td>
        {showOrg && <td className="muted">{orgName(event.orgId) ?? ''}</td>}
        <td>
          <OriginCell event={event} count={count} />
        </td>
        <td className="row-actions">
          <button type="button" className="button small ghost" aria-expanded={open} aria-controls={open ? detailsId : undefined} onClick={onToggle}>
            {open ? 'Hide' : 'Details'}
          </button>
        </td>
      </tr>
      {open && (
        <tr id={detailsId} className="detail-row">
          <td colSpan={columns}>{count > 1 ? <GroupDetails group={group} orgName={orgName} /> : <ChangeDetails event={event} />}</td>
        </tr>
      )}
    </>
  );
}

function GroupDetails({ group, orgName }: { group: AuditGroup; orgName: (orgId: string) => string | undefined }) {
  return (
    <ul className="audit-group">
      {group.events.map((event) => (
        <li key={event.id}>{auditSentence(event, { org: orgName })}</li>
      ))}
    </ul>
  );
}

function ChangeDetails({ event }: { event: AuditEvent }) {
  const nameOf = useNamesFor(event, true);
  const rows = fieldDiff(event.before, event.after, null);
  const rowOf = (value: unknown) => (value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null);
  if (rows.length === 0) {
    const subject = subjectOf(event.after, event.before);
    return <p className="muted small">No field changed{subject === null ? '' : ` on ${subject}`}.</p>;
  }
  return (
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
            <td className="muted">{event.before === null ? '—' : auditValue(row.field, row.base, { row: rowOf(event.before), nameOf })}</td>
            <td className="diff-changed">{event.after === null ? 'Removed' : auditValue(row.field, row.mine, { row: rowOf(event.after), nameOf })}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

import { useMemo, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import {
  canCancel,
  canReactivate,
  canRemoveScheduledCancellation,
  cancellationOutcome,
  type SubscriptionStatus,
} from '@shared/domain/subscription';
import type { SubscriptionRow } from '@shared/ipc/models';
import { useCommand } from '../../api/commands';
import { useCore } from '../../api/core-context';
import { errorSentence } from '../../api/errors';
import { useOrgIndex } from '../../api/orgs';
import { queryKeys } from '../../api/query-keys';
import { Badge, CopyButton, EmptyState, FilterChip, LoadError, Loading, PendingMark, type BadgeTone } from '../../components/bits';
import { ConfirmDialog } from '../../components/Dialog';
import { Icon } from '../../components/Icon';
import { Menu } from '../../components/Menu';
import { formatAmount, formatCount, formatDate } from '../../format/format';
import type { ScreenProps } from '../../shell/Shell';
import { ScreenHeader } from '../../shell/ScreenHeader';
import { useNavStore } from '../../state/nav-store';
import { toast } from '../../state/toast-store';
import { dueFilterFrom, dueFilterLabel, figuresOf, matchesDue, matchesText, totalsByCurrency, type DueFilter } from './subscription-logic';
import { ChangeSubscriptionDialog, type ChangeKind } from './ChangeSubscriptionDialog';
import { planChoicesFor } from '@shared/domain/plans';

type StatusFilter = SubscriptionStatus | 'all';

const STATUS: Record<SubscriptionStatus, { label: string; tone: BadgeTone }> = {
  trial: { label: 'Trial', tone: 'info' },
  active: { label: 'Active', tone: 'positive' },
  cancel_scheduled: { label: 'Cancellation scheduled', tone: 'warning' },
  cancelled: { label: 'Cancelled', tone: 'neutral' },
};

const PER: Record<SubscriptionRow['interval'], string> = { monthly: 'month', annual: 'year' };

/** Seats and plan change only while the subscription runs (the shared rule says why otherwise). */
function isRunning(status: SubscriptionStatus): boolean {
  return status === 'trial' || status === 'active';
}

export function SubscriptionsScreen({ org, scope }: ScreenProps) {
  const core = useCore();
  const index = useOrgIndex();
  const subscriptions = useQuery({ queryKey: queryKeys.subscriptions(scope), queryFn: () => core.subscriptions.list(scope) });
  // A link (Home's "trials ending", "scheduled cancellations") opens the screen with its filter.
  const opened = useNavStore((state) => state.params);
  const [status, setStatus] = useState<StatusFilter>(() => (opened['status'] !== undefined && Object.hasOwn(STATUS, opened['status']) ? (opened['status'] as SubscriptionStatus) : 'all'));
  const [due, setDue] = useState<DueFilter | null>(() => dueFilterFrom(opened));
  const [text, setText] = useState('');
  const [cancelling, setCancelling] = useState<SubscriptionRow | null>(null);
  const [changing, setChanging] = useState<{ subscription: SubscriptionRow; kind: ChangeKind } | null>(null);
  const { run } = useCommand();

  const rows = useMemo(
    () =>
      (subscriptions.data ?? []).map((subscription) => {
        const activeUsers = index?.byId.get(subscription.orgId)?.activeUsers ?? 0;
        return { subscription, ...figuresOf(subscription, activeUsers) };
      }),
    [subscriptions.data, index],
  );
  const now = new Date();
  const shown = rows.filter(
    ({ subscription }) => (status === 'all' || subscription.status === status) && matchesText(subscription, text) && matchesDue(subscription, due, now),
  );
  const totals = totalsByCurrency(rows.map(({ subscription, amount }) => ({ ...subscription, amount: amount.amount })));
  const canManage = (orgId: string) => index?.byId.get(orgId)?.permissions.includes('subscriptions.manage') ?? false;

  const act = async (subscription: SubscriptionRow, name: 'reactivateSubscription' | 'removeScheduledCancellation') => {
    try {
      await run(name, { orgId: subscription.orgId, subscriptionId: subscription.id });
      toast.success(name === 'reactivateSubscription' ? `${subscription.product} was reactivated.` : `${subscription.product} will continue: the cancellation was removed.`);
    } catch (error) {
      toast.error(errorSentence(error));
    }
  };

  return (
    <div className="screen">
      <ScreenHeader title="Subscriptions" org={org} />
      {totals.length > 0 && (
        <section className="summary-strip" aria-label="Subscription totals">
          {totals.map((total) => (
            <div key={`${total.interval}-${total.currency}`} className="summary-item">
              <span className="summary-value">{formatAmount(total.amount, total.currency)}</span>
              <span className="summary-label">per {PER[total.interval]}</span>
            </div>
          ))}
          <div className="summary-item">
            <span className="summary-value">{formatCount(rows.filter(({ subscription }) => subscription.status !== 'cancelled').length)}</span>
            <span className="summary-label">running subscriptions</span>
          </div>
        </section>
      )}
      <div className="toolbar" role="search" aria-label="Filter subscriptions">
        <label className="search-field">
          <Icon name="search" />
          <span className="visually-hidden">Search subscriptions</span>
          <input type="search" className="input" data-search placeholder="Search product, plan or company" value={text} onChange={(event) => setText(event.target.value)} />
        </label>
        <label className="inline-field">
          <span>Status</span>
          <select className="input select" value={status} onChange={(event) => setStatus(event.target.value as StatusFilter)}>
            <option value="all">All</option>
            {(Object.keys(STATUS) as SubscriptionStatus[]).map((key) => (
              <option key={key} value={key}>
                {STATUS[key].label}
              </option>
            ))}
          </select>
        </label>
        {due !== null && <FilterChip label={dueFilterLabel(due)} onRemove={() => setDue(null)} />}
      </div>
      <div className="screen-body">
        {subscriptions.isError ? (
          <LoadError error={subscriptions.error} onRetry={() => void subscriptions.refetch()} />
        ) : subscriptions.isPending ? (
          <Loading />
        ) : shown.length === 0 ? (
          <EmptyState icon="layers" title={rows.length === 0 ? 'No subscriptions' : 'No subscription matches these filters'} />
        ) : (
          <div className="table-scroll">
            <table className="table subscriptions-table">
              <caption className="visually-hidden">Subscriptions</caption>
              <thead>
                <tr>
                  <th scope="col">Company</th>
                  <th scope="col">Product</th>
                  <th scope="col">Plan</th>
                  <th scope="col" className="numeric">
                    Seats
                  </th>
                  <th scope="col" className="numeric">
                    Amount
                  </th>
                  <th scope="col">Status</th>
                  <th scope="col">Contract end</th>
                  <th scope="col">License key</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {shown.map(({ subscription, seats, amount }) => (
                  <tr key={subscription.id} className={subscription.status === 'cancelled' ? 'row-muted' : undefined}>
                    <td>
                      <span className="cell-title">{subscription.orgName}</span>
                      {subscription.pending && <PendingMark />}
                    </td>
                    <td>{subscription.product}</td>
                    <td className="muted">{subscription.plan}</td>
                    <td className="numeric" title={subscription.basis === 'per_active_user' ? 'Billed per active user' : 'Fixed number of seats'}>
                      {formatCount(seats)}
                      <span className="cell-sub muted">{subscription.basis === 'per_active_user' ? 'active users' : 'fixed'}</span>
                    </td>
                    <td className="numeric">
                      {formatAmount(amount.amount, amount.currency)}
                      <span className="cell-sub muted">per {PER[subscription.interval]}</span>
                    </td>
                    <td>
                      <Badge tone={STATUS[subscription.status].tone}>{STATUS[subscription.status].label}</Badge>
                      {subscription.status === 'cancel_scheduled' && subscription.cancelAt !== null && (
                        <span className="cell-sub muted">on {formatDate(subscription.cancelAt)}</span>
                      )}
                      {subscription.status === 'trial' && subscription.trialEnd !== null && (
                        <span className="cell-sub muted">until {formatDate(subscription.trialEnd)}</span>
                      )}
                    </td>
                    <td>{subscription.contractEnd === null ? <span className="muted">None</span> : formatDate(subscription.contractEnd)}</td>
                    <td>
                      <span className="license-key">
                        <code className="truncate" title={subscription.licenseKey}>
                          {subscription.licenseKey}
                        </code>
                        <CopyButton value={subscription.licenseKey} label={`Copy license key of ${subscription.product}`} />
                      </span>
                    </td>
                    <td className="row-actions">
                      {canManage(subscription.orgId) && (
                        <Menu
                          label={`Actions for ${subscription.product} (${subscription.orgName})`}
                          button={<Icon name="more" />}
                          items={[
                            ...(subscription.basis === 'fixed_quantity' && isRunning(subscription.status)
                              ? [{ label: 'Change seats…', onSelect: () => setChanging({ subscription, kind: 'seats' }) }]
                              : []),
                            ...(isRunning(subscription.status) && planChoicesFor(subscription).length > 0
                              ? [{ label: 'Change plan…', onSelect: () => setChanging({ subscription, kind: 'plan' }) }]
                              : []),
                            ...(canCancel(subscription.status) ? [{ label: 'Cancel subscription…', onSelect: () => setCancelling(subscription), tone: 'danger' as const }] : []),
                            ...(canRemoveScheduledCancellation(subscription.status)
                              ? [{ label: 'Remove scheduled cancellation', onSelect: () => void act(subscription, 'removeScheduledCancellation') }]
                              : []),
                            ...(canReactivate(subscription.status) ? [{ label: 'Reactivate', onSelect: () => void act(subscription, 'reactivateSubscription') }] : []),
                          ]}
                        />
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </div>
      {cancelling !== null && <CancelDialog subscription={cancelling} onClose={() => setCancelling(null)} />}
      {changing !== null && (
        <ChangeSubscriptionDialog
          subscription={changing.subscription}
          kind={changing.kind}
          activeUsers={index?.byId.get(changing.subscription.orgId)?.activeUsers ?? 0}
          onClose={() => setChanging(null)}
        />
      )}
    </div>
  );
}

/** Cancelling: at the contract (or trial) end when one is running, otherwise now; data is removed either way. */
function CancelDialog({ subscription, onClose }: { subscription: SubscriptionRow; onClose(): void }) {
  const { run, pending } = useCommand();
  const [error, setError] = useState<string | null>(null);
  const outcome = cancellationOutcome(subscription, new Date().toISOString());
  const scheduled = outcome.status === 'cancel_scheduled';
  const runsUntil = scheduled ? formatDate(outcome.cancelAt) : null;
  const term = subscription.status === 'trial' ? 'trial' : 'contract';
  return (
    <ConfirmDialog
      title={`Cancel ${subscription.product}?`}
      description={
        <>
          <dl className="facts">
            <div>
              <dt>Company</dt>
              <dd>{subscription.orgName}</dd>
            </div>
            <div>
              <dt>Takes effect</dt>
              <dd>{scheduled ? `At ${term} end, ${runsUntil}` : 'Now'}</dd>
            </div>
          </dl>
          <ul className="cancel-rules">
            <li className={scheduled ? 'applies' : undefined}>
              <strong>At contract end</strong>: while a contract or trial runs, the subscription keeps working and is billed until it ends; you can remove the
              scheduled cancellation until then.
              {scheduled && <span className="applies-note"> This {term} runs until {runsUntil}.</span>}
            </li>
            <li className={scheduled ? undefined : 'applies'}>
              <strong>Now</strong>: with no contract running, the subscription ends at once and billing stops.
              {!scheduled && <span className="applies-note"> No contract is running for this subscription.</span>}
            </li>
          </ul>
          <p className="warning-text">
            <Icon name="alert" size={14} /> When a subscription is cancelled, its data is removed{scheduled ? ` on ${runsUntil}` : ''}
            {subscription.environmentId === '' ? '' : ` (environment ${subscription.environmentId})`}. Reactivating later starts a new, empty environment.
          </p>
        </>
      }
      confirmLabel={scheduled ? `Cancel at ${term} end` : 'Cancel now'}
      cancelLabel="Keep subscription"
      pending={pending}
      error={error}
      onClose={onClose}
      onConfirm={() =>
        void run('cancelSubscription', { orgId: subscription.orgId, subscriptionId: subscription.id }).then(
          () => {
            toast.success(scheduled ? `${subscription.product} will be cancelled on ${runsUntil}.` : `${subscription.product} was cancelled.`);
            onClose();
          },
          (failure: unknown) => setError(errorSentence(failure)),
        )
      }
    />
  );
}

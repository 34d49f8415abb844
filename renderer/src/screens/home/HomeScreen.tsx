import type { ReactNode } from 'react';
import { useQuery } from '@tanstack/react-query';
import type { Permission } from '@shared/domain/permissions';
import type { HomeSummary, OrgNode } from '@shared/ipc/models';
import { useCore } from '../../api/core-context';
import { queryKeys } from '../../api/query-keys';
import { Badge, LoadError, Loading } from '../../components/bits';
import { Icon } from '../../components/Icon';
import { countOf, formatAmount, formatCount, formatDate, formatDateTime, formatMonth, formatPeriod, formatRelative } from '../../format/format';
import type { ScreenProps } from '../../shell/Shell';
import { ScreenHeader } from '../../shell/ScreenHeader';
import { hashOf, useNavStore, type ScreenId, type ScreenParams } from '../../state/nav-store';
import { useScopeStore } from '../../state/scope-store';
import { amountIn, attentionRows, currenciesOf, signed, type AttentionRow } from './home-logic';
import './home.css';

/** Home refreshes on its own now and then, since "ends within 14 days" moves with the clock. */
const REFRESH_MS = 5 * 60_000;

/** Opens a screen filtered as a link says, over the organization in view and everything below it (what Home counts). */
function useOpenFiltered() {
  const go = useNavStore((state) => state.go);
  const setIncludeChildren = useScopeStore((state) => state.setIncludeChildren);
  return (screen: ScreenId, params: ScreenParams) => {
    setIncludeChildren(true);
    go(screen, params);
  };
}

function FilteredLink({ screen, params, children, label }: { screen: ScreenId; params: ScreenParams; children: ReactNode; label?: string | undefined }) {
  const open = useOpenFiltered();
  return (
    <a
      href={hashOf(screen, params)}
      className="text-link"
      aria-label={label}
      onClick={(event) => {
        event.preventDefault();
        open(screen, params);
      }}
    >
      {children}
    </a>
  );
}

export function HomeScreen({ org }: ScreenProps) {
  const core = useCore();
  const home = useQuery({ queryKey: queryKeys.home(org.id), queryFn: () => core.home.summary({ orgId: org.id }), refetchInterval: REFRESH_MS });
  const can = (permission: Permission) => org.permissions.includes(permission);
  const data = home.data;
  const below = data === undefined ? 0 : data.organizations - 1;
  return (
    <div className="screen">
      <ScreenHeader
        title="Home"
        org={org}
        childrenToggle={false}
        note={
          data !== undefined && (
            <span className="small">
              {below > 0 ? `With the ${countOf(below, 'organization', 'organizations')} below it` : 'This organization'} · as of {formatDateTime(data.asOf)}
            </span>
          )
        }
      />
      <div className="screen-body">
        {home.isError ? (
          <LoadError error={home.error} onRetry={() => void home.refetch()} />
        ) : data === undefined ? (
          <Loading />
        ) : (
          <div className="home-grid">
            <Attention summary={data} rows={attentionRows(data, can, (n) => formatCount(n))} />
            {can('billing.view') && (
              <div className="home-side">
                <MoneyCard summary={data} />
                <SeatsCard summary={data} org={org} />
              </div>
            )}
          </div>
        )}
      </div>
    </div>
  );
}

const TONE_ICON = { negative: 'alert', warning: 'alert', info: 'history', neutral: 'check' } as const;

function Attention({ summary, rows }: { summary: HomeSummary; rows: AttentionRow[] }) {
  return (
    <section className="card home-card home-attention" aria-labelledby="home-attention-title">
      <h2 id="home-attention-title" className="home-card-title">
        Needs attention
      </h2>
      <ul className="attention-list">
        {rows.map((row) => (
          <li key={row.id} className={`attention-row tone-${row.tone}`} data-attention={row.id}>
            <span className="attention-icon" aria-hidden="true">
              <Icon name={TONE_ICON[row.tone]} size={14} />
            </span>
            <div className="attention-body">
              <h3 className="attention-title">{row.title}</h3>
              <AttentionDetail id={row.id} summary={summary} />
              {row.links.length > 0 && (
                <p className="attention-links">
                  {row.id === 'contracts' && <span className="muted">Ending or renewing:</span>}
                  {row.links.map((link) => (
                    <FilteredLink
                      key={link.label}
                      screen={link.screen}
                      params={link.params}
                      label={row.id === 'contracts' ? `Contracts ending or renewing: ${link.label}` : undefined}
                    >
                      {link.label}
                    </FilteredLink>
                  ))}
                </p>
              )}
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** "Nov 15, 2026 (in 12 days)", relative to the core's clock. */
function when(instant: string, asOf: string): string {
  return `${formatDate(instant)} (${formatRelative(instant, new Date(asOf))})`;
}

function AttentionDetail({ id, summary }: { id: AttentionRow['id']; summary: HomeSummary }) {
  const { attention, asOf } = summary;
  const items: { key: string; main: ReactNode; side: ReactNode }[] = [];
  let totals: ReactNode = null;
  switch (id) {
    case 'overdue':
      totals = attention.overdueInvoices.totals.length > 0 && (
        <p className="attention-amounts">{attention.overdueInvoices.totals.map((m) => formatAmount(m.amount, m.currency)).join(' · ')}</p>
      );
      for (const invoice of attention.overdueInvoices.items) {
        items.push({
          key: invoice.invoiceId,
          main: (
            <>
              <span className="strong">{invoice.orgName}</span> · {invoice.number} · due {when(invoice.dueAt, asOf)}
            </>
          ),
          side: formatAmount(invoice.total, invoice.currency),
        });
      }
      break;
    case 'trials':
    case 'contracts':
    case 'cancellations': {
      const list = id === 'trials' ? attention.trialsEnding.items : id === 'contracts' ? attention.contracts.items : attention.scheduledCancellations.items;
      for (const item of list) {
        const verb =
          id === 'trials'
            ? Date.parse(item.date) <= Date.parse(asOf)
              ? 'trial ended'
              : 'trial ends'
            : id === 'contracts'
              ? item.status === 'cancel_scheduled'
                ? 'ends'
                : 'renews'
              : 'on';
        items.push({
          key: item.subscriptionId,
          main: (
            <>
              <span className="strong">{item.orgName}</span> · {item.product} ({item.plan})
            </>
          ),
          side: item.date === '' ? null : `${verb} ${when(item.date, asOf)}`,
        });
      }
      break;
    }
    case 'invitations':
      for (const invite of attention.staleInvitations.items) {
        items.push({
          key: invite.userId,
          main: (
            <>
              <span className="strong">{invite.email}</span> · {invite.orgName}
            </>
          ),
          side: `sent ${when(invite.sentAt, asOf)}`,
        });
      }
      break;
    case 'sync':
      break;
  }
  const count = id === 'overdue' ? attention.overdueInvoices.count : id === 'trials' ? attention.trialsEnding.count : id === 'cancellations' ? attention.scheduledCancellations.count : id === 'invitations' ? attention.staleInvitations.count : id === 'contracts' ? (attention.contracts.windows.at(-1)?.ending ?? 0) + (attention.contracts.windows.at(-1)?.renewing ?? 0) : 0;
  if (totals === null && items.length === 0) return null;
  return (
    <>
      {totals}
      {items.length > 0 && (
        <ul className="attention-items">
          {items.map((item) => (
            <li key={item.key}>
              <span className="attention-item-main">{item.main}</span>
              {item.side !== null && <span className="attention-item-side">{item.side}</span>}
            </li>
          ))}
          {count > items.length && <li className="muted small">and {formatCount(count - items.length)} more</li>}
        </ul>
      )}
    </>
  );
}

function MoneyCard({ summary }: { summary: HomeSummary }) {
  const { money } = summary;
  const currencies = currenciesOf(money.monthlyRecurring, money.annualRunRate, money.outstanding, money.projected.totals);
  const projectedLabel =
    money.projected.periodStart === null || money.projected.periodEnd === null ? 'Next invoices' : `Next invoices, ${formatPeriod(money.projected.periodStart, money.projected.periodEnd)}`;
  const rows: { label: string; list: HomeSummary['money']['overdue']; note?: string }[] = [
    { label: 'Monthly recurring revenue', list: money.monthlyRecurring },
    { label: 'Annual run rate', list: money.annualRunRate },
    { label: 'Outstanding', list: money.outstanding, note: 'Open and overdue invoices' },
    { label: 'Overdue', list: money.overdue },
    {
      label: projectedLabel,
      list: money.projected.totals,
      note: `As they would be issued now, with tax, for ${countOf(money.projected.organizations, 'organization', 'organizations')}`,
    },
  ];
  return (
    <section className="card home-card" aria-labelledby="home-money-title">
      <h2 id="home-money-title" className="home-card-title">
        Money
      </h2>
      {currencies.length === 0 ? (
        <p className="muted">Nothing billed yet.</p>
      ) : (
        <table className="home-money">
          <caption className="visually-hidden">Recurring revenue, balances and the next invoices per currency</caption>
          <thead>
            <tr>
              <td />
              {currencies.map((currency) => (
                <th key={currency} scope="col" className="numeric">
                  {currency}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.label}>
                <th scope="row">
                  {row.label}
                  {row.note !== undefined && <span className="cell-sub muted">{row.note}</span>}
                </th>
                {currencies.map((currency) => {
                  const amount = amountIn(row.list, currency);
                  return (
                    <td key={currency} className={`numeric${row.label === 'Overdue' && amount !== null ? ' amount-overdue' : ''}`}>
                      {amount === null ? <span className="muted">—</span> : formatAmount(amount, currency)}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function SeatsCard({ summary, org }: { summary: HomeSummary; org: OrgNode }) {
  const { seats } = summary;
  const change = seats.activeNow - seats.lastInvoiced;
  const go = useNavStore((state) => state.go);
  const setOrg = useScopeStore((state) => state.setOrg);
  const setIncludeChildren = useScopeStore((state) => state.setIncludeChildren);
  const openUsers = (orgId: string) => {
    setOrg(orgId);
    setIncludeChildren(false);
    go('users', { status: 'active' });
  };
  return (
    <section className="card home-card" aria-labelledby="home-seats-title">
      <h2 id="home-seats-title" className="home-card-title">
        Seats
      </h2>
      <div className="seat-figures">
        <div className="seat-figure">
          <span className="seat-figure-value">{formatCount(seats.activeNow)}</span>
          <span className="muted small">active seats now</span>
        </div>
        <div className="seat-figure">
          <span className="seat-figure-value">{formatCount(seats.lastInvoiced)}</span>
          <span className="muted small">{seats.lastInvoicedMonth === null ? 'on the last invoices' : `on the ${formatMonth(seats.lastInvoicedMonth)} invoices`}</span>
        </div>
        <Badge tone={change > 0 ? 'positive' : change < 0 ? 'warning' : 'neutral'} title="Active seats now against the last invoices">
          {change === 0 ? 'No change' : `${signed(change, (n) => formatCount(n))} since`}
        </Badge>
      </div>
      <h3 className="home-subtitle">Changed most since their last invoice</h3>
      {seats.changes.length === 0 ? (
        <p className="muted small">{summary.organizations > 1 ? 'No organization’s seats changed since its last invoice.' : 'The seats have not changed since the last invoice.'}</p>
      ) : (
        <table className="table compact seat-changes">
          <caption className="visually-hidden">Organizations whose seats changed most since their last invoice</caption>
          <thead>
            <tr>
              <th scope="col">Organization</th>
              <th scope="col" className="numeric">
                Invoiced
              </th>
              <th scope="col" className="numeric">
                Now
              </th>
              <th scope="col" className="numeric">
                Change
              </th>
            </tr>
          </thead>
          <tbody>
            {seats.changes.map((row) => (
              <tr key={row.orgId}>
                <td>
                  {row.orgId === org.id || org.permissions.length === 0 ? (
                    row.orgName
                  ) : (
                    <button type="button" className="link-button" title={`Show the active users of ${row.orgName}`} onClick={() => openUsers(row.orgId)}>
                      {row.orgName}
                    </button>
                  )}
                </td>
                <td className="numeric">{formatCount(row.invoiced)}</td>
                <td className="numeric">{formatCount(row.now)}</td>
                <td className={`numeric strong ${row.change > 0 ? 'change-up' : 'change-down'}`}>{signed(row.change, (n) => formatCount(n))}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

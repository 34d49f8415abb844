import type { Permission } from '@shared/domain/permissions';
import type { HomeSummary } from '@shared/ipc/models';
import type { Money } from '@shared/money';
import type { ScreenId, ScreenParams } from '../../state/nav-store';

/** Pure helpers of the Home screen (tested): what needs attention, as rows with a link each. */

export interface AttentionLink {
  label: string;
  screen: ScreenId;
  params: ScreenParams;
}

export type AttentionId = 'overdue' | 'trials' | 'contracts' | 'cancellations' | 'invitations' | 'sync';

export interface AttentionRow {
  id: AttentionId;
  /** How many items; 0 shows as a calm "nothing to do" row. */
  count: number;
  /** "2 overdue invoices", "No overdue invoices". */
  title: string;
  tone: 'negative' | 'warning' | 'info' | 'neutral';
  links: AttentionLink[];
}

const plural = (count: number, one: string, other: string, format: (n: number) => string) => `${format(count)} ${count === 1 ? one : other}`;

/**
 * The rows of "Needs attention", in the order an administrator deals with them: money owed first,
 * then what ends soon, then people and sync. A row the signed-in user may not see in this
 * organization (the copy holds no such data for them) is left out.
 */
export function attentionRows(summary: HomeSummary, can: (permission: Permission) => boolean, format: (n: number) => string): AttentionRow[] {
  const { attention } = summary;
  const rows: AttentionRow[] = [];
  if (can('billing.view')) {
    const n = attention.overdueInvoices.count;
    rows.push({
      id: 'overdue',
      count: n,
      title: n === 0 ? 'No overdue invoices' : plural(n, 'overdue invoice', 'overdue invoices', format),
      tone: n === 0 ? 'neutral' : 'negative',
      links: n === 0 ? [] : [{ label: 'Show overdue invoices', screen: 'invoices', params: { status: 'overdue' } }],
    });
  }
  if (can('subscriptions.view')) {
    const trials = attention.trialsEnding;
    rows.push({
      id: 'trials',
      count: trials.count,
      title:
        trials.count === 0
          ? `No trial ends within ${format(trials.days)} days`
          : `${plural(trials.count, 'trial ends', 'trials end', format)} within ${format(trials.days)} days`,
      tone: trials.count === 0 ? 'neutral' : 'warning',
      links: trials.count === 0 ? [] : [{ label: 'Show these trials', screen: 'subscriptions', params: { due: 'trial', days: String(trials.days) } }],
    });
    const windows = attention.contracts.windows;
    const widest = windows.at(-1);
    const total = widest === undefined ? 0 : widest.ending + widest.renewing;
    rows.push({
      id: 'contracts',
      count: total,
      title:
        widest === undefined || total === 0
          ? `No contract ends or renews within ${format(widest?.days ?? 90)} days`
          : `${plural(total, 'contract ends or renews', 'contracts end or renew', format)} within ${format(widest.days)} days`,
      tone: total === 0 ? 'neutral' : 'info',
      links: windows.map((window) => ({
        label: `${format(window.ending + window.renewing)} in ${format(window.days)} days`,
        screen: 'subscriptions',
        params: { due: 'contract', days: String(window.days) },
      })),
    });
    const n = attention.scheduledCancellations.count;
    rows.push({
      id: 'cancellations',
      count: n,
      title: n === 0 ? 'No scheduled cancellations' : plural(n, 'scheduled cancellation', 'scheduled cancellations', format),
      tone: n === 0 ? 'neutral' : 'warning',
      links: n === 0 ? [] : [{ label: 'Show scheduled cancellations', screen: 'subscriptions', params: { status: 'cancel_scheduled' } }],
    });
  }
  if (can('users.view')) {
    const invitations = attention.staleInvitations;
    rows.push({
      id: 'invitations',
      count: invitations.count,
      title:
        invitations.count === 0
          ? `No invitation waiting more than ${format(invitations.days)} days`
          : `${plural(invitations.count, 'invitation', 'invitations', format)} waiting more than ${format(invitations.days)} days`,
      tone: invitations.count === 0 ? 'neutral' : 'info',
      links: invitations.count === 0 ? [] : [{ label: 'Show pending users', screen: 'users', params: { status: 'pending' } }],
    });
  }
  const issues = attention.syncIssues.count;
  rows.push({
    id: 'sync',
    count: issues,
    title: issues === 0 ? 'No sync issues' : plural(issues, 'sync issue', 'sync issues', format),
    tone: issues === 0 ? 'neutral' : 'negative',
    links: issues === 0 ? [] : [{ label: 'Resolve sync issues', screen: 'sync-issues', params: {} }],
  });
  return rows;
}

/** The amount of `currency` in a per-currency list, or null when it has none. */
export function amountIn(list: readonly Money[], currency: string): number | null {
  return list.find((m) => m.currency === currency)?.amount ?? null;
}

/** Every currency any of the lists holds, in code order: money is shown per currency, never added across. */
export function currenciesOf(...lists: (readonly Money[])[]): string[] {
  return [...new Set(lists.flatMap((list) => list.map((m) => m.currency)))].sort();
}

/** "+3", "−2" (a real minus sign), "0". */
export function signed(change: number, format: (n: number) => string): string {
  if (change > 0) return `+${format(change)}`;
  if (change < 0) return `\u2212${format(-change)}`;
  return format(0);
}

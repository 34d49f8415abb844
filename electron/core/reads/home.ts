import { z } from 'zod';
import {
  CONTRACT_WINDOWS_DAYS,
  STALE_INVITATION_DAYS,
  TRIAL_ENDING_DAYS,
  contractEndsWithin,
  contractOutcome,
  isRecurringNow,
  isScheduledCancellation,
  trialEndsWithin,
} from '@shared/domain/attention';
import type { Subscription } from '@shared/domain/subscription';
import type { HomeSubscriptionItem, HomeSummary } from '@shared/ipc/models';
import { addMoney, money, multiplyMoney, roundHalfEven, type Money } from '@shared/money';
import type { CacheDatabase } from '../db/open';
import { projectInvoice } from './projected-invoice';
import { resolveScope } from './scope';
import { all, entityOf, lookupId, one, parseQuery } from './sql';

const DAY_MS = 86_400_000;
/** Items listed under each heading; the counts cover all of them. */
export const HOME_LIST_LENGTH = 5;

const homeQuerySchema = z.strictObject({ orgId: lookupId });

interface OrgFacts {
  id: string;
  name: string;
  tax_rate: number | null;
  active_users: number;
  /** The last day of the latest invoiced period (any status), for the projection. */
  latest_period_end: string | null;
  /** Seats billed per active user on the latest invoice that is not void; null without one. */
  invoiced_seats: number | null;
  invoiced_month: string | null;
}

/** Per-currency sums, kept exact (money() refuses anything but safe integers). */
class CurrencyTotals {
  private readonly sums = new Map<string, Money>();

  add(amount: number, currency: string): void {
    const current = this.sums.get(currency);
    const next = money(amount, currency);
    this.sums.set(currency, current === undefined ? next : addMoney(current, next));
  }

  list(): Money[] {
    return [...this.sums.values()].sort((a, b) => a.currency.localeCompare(b.currency));
  }
}

/** Soonest first; an item without a date last. */
const when = (item: HomeSubscriptionItem) => (item.date === '' ? Number.POSITIVE_INFINITY : Date.parse(item.date));
const byDate = (a: HomeSubscriptionItem, b: HomeSubscriptionItem) => when(a) - when(b) || a.orgName.localeCompare(b.orgName) || a.product.localeCompare(b.product);

/**
 * The Home screen of an organization and everything below it, from the offline cache, as of `now`
 * (the core's clock, as every read takes it). What is counted follows shared/domain/attention.ts.
 *
 * Built for thousands of organizations: users and invoices (the large tables) are only counted
 * and summed in SQL over their indexed columns (users_org_status, invoices_org_period, the status
 * column), and only the few rows listed are read whole. Subscriptions, a few per organization,
 * are read whole, since the projection and the recurring revenue need most of their fields.
 */
export function homeSummary(db: CacheDatabase, query: { orgId: string }, now: Date = new Date()): HomeSummary {
  const q = parseQuery(homeQuerySchema, query);
  const scope = resolveScope(db, { orgId: q.orgId, includeChildren: true });
  const inScope = (column: string) => (scope.whole ? '1' : `${column} IN (SELECT value FROM json_each(@orgIds))`);
  const params = { orgIds: scope.json };
  const nowIso = now.toISOString();

  const orgs = all<OrgFacts>(
    db,
    `SELECT o.id, o.name, json_extract(o.data, '$.taxRate') AS tax_rate,
            (SELECT count(*) FROM users u WHERE u.org_id = o.id AND u.status = 'active') AS active_users,
            (SELECT max(json_extract(i.data, '$.periodEnd')) FROM invoices i
              WHERE i.org_id = o.id AND i.period_start = (SELECT max(period_start) FROM invoices WHERE org_id = o.id)) AS latest_period_end,
            last.seats AS invoiced_seats, substr(last.period_start, 1, 7) AS invoiced_month
     FROM organizations o
     LEFT JOIN (
       SELECT i.org_id, i.period_start, max(json_extract(line.value, '$.quantity')) AS seats
       FROM invoices i, json_each(i.data, '$.lines') AS line
       JOIN subscriptions s ON s.id = json_extract(line.value, '$.subscriptionId')
       WHERE ${inScope('i.org_id')} AND i.status <> 'void'
         AND i.period_start = (SELECT max(period_start) FROM invoices WHERE org_id = i.org_id AND status <> 'void')
         AND json_extract(s.data, '$.basis') = 'per_active_user'
       GROUP BY i.org_id, i.period_start
     ) AS last ON last.org_id = o.id
     WHERE ${inScope('o.id')}`,
    params,
  );
  const orgById = new Map(orgs.map((org) => [org.id, org]));
  const orgName = (orgId: string) => orgById.get(orgId)?.name ?? '';

  const subscriptions = all<{ data: string }>(
    db,
    `SELECT data FROM subscriptions WHERE ${inScope('org_id')}`,
    params,
  ).map((row) => entityOf<Subscription>(row.data));

  // Subscriptions: what ends soon, recurring revenue, the projection.
  const item = (subscription: Subscription, date: string | null): HomeSubscriptionItem => ({
    subscriptionId: subscription.id,
    orgId: subscription.orgId,
    orgName: orgName(subscription.orgId),
    product: subscription.product,
    plan: subscription.plan,
    status: subscription.status,
    date: date ?? '',
  });
  const trials = subscriptions.filter((s) => trialEndsWithin(s, now)).map((s) => item(s, s.trialEnd));
  const widest = Math.max(...CONTRACT_WINDOWS_DAYS);
  const contracts = subscriptions.filter((s) => contractEndsWithin(s, now, widest));
  const cancellations = subscriptions.filter(isScheduledCancellation).map((s) => item(s, s.cancelAt));

  const monthly = new CurrencyTotals();
  const annual = new CurrencyTotals();
  const perSeatOrgs = new Set<string>();
  const byOrg = new Map<string, Subscription[]>();
  for (const subscription of subscriptions) {
    const ofOrg = byOrg.get(subscription.orgId);
    if (ofOrg === undefined) byOrg.set(subscription.orgId, [subscription]);
    else ofOrg.push(subscription);
    if (!isRecurringNow(subscription, now)) continue;
    const seats = subscription.basis === 'per_active_user' ? (orgById.get(subscription.orgId)?.active_users ?? 0) : subscription.quantity;
    if (subscription.basis === 'per_active_user') perSeatOrgs.add(subscription.orgId);
    const amount = multiplyMoney(money(subscription.unitPrice, subscription.currency), seats);
    (subscription.interval === 'annual' ? annual : monthly).add(amount.amount, amount.currency);
  }
  const currencies = [...new Set([...monthly.list(), ...annual.list()].map((m) => m.currency))].sort();
  const amountIn = (list: Money[], currency: string) => BigInt(list.find((m) => m.currency === currency)?.amount ?? 0);
  const monthlyList = monthly.list();
  const annualList = annual.list();
  const monthlyRecurring = currencies.map((currency) => money(roundHalfEven(amountIn(monthlyList, currency) * 12n + amountIn(annualList, currency), 12), currency));
  const annualRunRate = currencies.map((currency) => money(Number(amountIn(monthlyList, currency) * 12n + amountIn(annualList, currency)), currency));

  const projected = new CurrencyTotals();
  let projectedOrgs = 0;
  let periodStart: string | null = null;
  let periodEnd: string | null = null;
  for (const org of orgs) {
    const invoice = projectInvoice(
      { orgId: org.id, taxRate: org.tax_rate ?? 0, latestPeriodEnd: org.latest_period_end, activeSeats: org.active_users },
      byOrg.get(org.id) ?? [],
      now,
    );
    if (invoice.totals.length === 0) continue;
    projectedOrgs += 1;
    for (const total of invoice.totals) projected.add(total.total, total.currency);
    if (periodStart === null || invoice.periodStart < periodStart) periodStart = invoice.periodStart;
    if (periodEnd === null || invoice.periodEnd > periodEnd) periodEnd = invoice.periodEnd;
  }

  // Invoices: summed in SQL; only the listed overdue ones are read.
  const outstanding = new CurrencyTotals();
  const overdue = new CurrencyTotals();
  let overdueCount = 0;
  for (const row of all<{ status: string; currency: string; total: number; n: number }>(
    db,
    `SELECT i.status, json_extract(i.data, '$.currency') AS currency, sum(json_extract(i.data, '$.total')) AS total, count(*) AS n
     FROM invoices i WHERE ${inScope('i.org_id')} AND i.status IN ('open', 'overdue')
     GROUP BY i.status, currency`,
    params,
  )) {
    outstanding.add(row.total, row.currency);
    if (row.status === 'overdue') {
      overdue.add(row.total, row.currency);
      overdueCount += row.n;
    }
  }
  const overdueItems = all<{ id: string; org_id: string; number: string; due_at: string; total: number; currency: string }>(
    db,
    `SELECT i.id, i.org_id, i.number, json_extract(i.data, '$.dueAt') AS due_at, json_extract(i.data, '$.total') AS total,
            json_extract(i.data, '$.currency') AS currency
     FROM invoices i WHERE ${inScope('i.org_id')} AND i.status = 'overdue'
     ORDER BY julianday(due_at), i.number LIMIT ${HOME_LIST_LENGTH}`,
    params,
  ).map((row) => ({ invoiceId: row.id, orgId: row.org_id, orgName: orgName(row.org_id), number: row.number, dueAt: row.due_at, total: row.total, currency: row.currency }));

  // Invitations: pending users (users_org_status) sent before the cutoff and not resent since.
  const cutoff = new Date(now.getTime() - STALE_INVITATION_DAYS * DAY_MS).toISOString();
  const staleWhere = `${inScope('u.org_id')} AND u.status = 'pending'
       AND julianday(json_extract(u.data, '$.createdAt')) <= julianday(@cutoff)
       AND u.id NOT IN (SELECT a.entity_id FROM audit_events a
                        WHERE ${inScope('a.org_id')} AND a.at > @cutoff AND a.action = 'resendInvitation')`;
  const staleCount = one<{ n: number }>(db, `SELECT count(*) AS n FROM users u WHERE ${staleWhere}`, { ...params, cutoff })?.n ?? 0;
  const staleItems = all<{ id: string; org_id: string; email: string; sent_at: string }>(
    db,
    `SELECT u.id, u.org_id, u.email,
            max(json_extract(u.data, '$.createdAt'),
                coalesce((SELECT max(a.at) FROM audit_events a WHERE a.org_id = u.org_id AND a.entity_id = u.id AND a.action = 'resendInvitation'), '')) AS sent_at
     FROM users u WHERE ${staleWhere}
     ORDER BY julianday(sent_at), u.email LIMIT ${HOME_LIST_LENGTH}`,
    { ...params, cutoff },
  ).map((row) => ({ userId: row.id, orgId: row.org_id, orgName: orgName(row.org_id), email: row.email, sentAt: row.sent_at }));

  // Seats: the organizations billed per seat now, against their latest invoice.
  let activeNow = 0;
  let lastInvoiced = 0;
  let lastInvoicedMonth: string | null = null;
  const changes: HomeSummary['seats']['changes'] = [];
  for (const org of orgs) {
    const billedNow = perSeatOrgs.has(org.id);
    if (billedNow) activeNow += org.active_users;
    if (org.invoiced_seats !== null) {
      lastInvoiced += org.invoiced_seats;
      if (lastInvoicedMonth === null || (org.invoiced_month !== null && org.invoiced_month > lastInvoicedMonth)) lastInvoicedMonth = org.invoiced_month;
    }
    if (!billedNow && org.invoiced_seats === null) continue;
    const nowSeats = billedNow ? org.active_users : 0;
    const invoiced = org.invoiced_seats ?? 0;
    if (nowSeats !== invoiced) changes.push({ orgId: org.id, orgName: org.name, now: nowSeats, invoiced, change: nowSeats - invoiced });
  }
  changes.sort((a, b) => Math.abs(b.change) - Math.abs(a.change) || b.change - a.change || a.orgName.localeCompare(b.orgName));

  const syncIssues = one<{ n: number }>(db, 'SELECT count(*) AS n FROM sync_issues WHERE resolved_at IS NULL')?.n ?? 0;

  return {
    orgId: q.orgId,
    asOf: nowIso,
    organizations: scope.orgIds.length,
    attention: {
      overdueInvoices: { count: overdueCount, totals: overdue.list(), items: overdueItems },
      trialsEnding: { days: TRIAL_ENDING_DAYS, count: trials.length, items: trials.sort(byDate).slice(0, HOME_LIST_LENGTH) },
      contracts: {
        windows: CONTRACT_WINDOWS_DAYS.map((days) => {
          const within = contracts.filter((s) => contractEndsWithin(s, now, days));
          return { days, renewing: within.filter((s) => contractOutcome(s) === 'renews').length, ending: within.filter((s) => contractOutcome(s) === 'ends').length };
        }),
        items: contracts
          .map((s) => item(s, s.contractEnd))
          .sort(byDate)
          .slice(0, HOME_LIST_LENGTH),
      },
      scheduledCancellations: { count: cancellations.length, items: cancellations.sort(byDate).slice(0, HOME_LIST_LENGTH) },
      staleInvitations: { days: STALE_INVITATION_DAYS, count: staleCount, items: staleItems },
      syncIssues: { count: syncIssues },
    },
    money: {
      monthlyRecurring,
      annualRunRate,
      outstanding: outstanding.list(),
      overdue: overdue.list(),
      projected: { periodStart, periodEnd, organizations: projectedOrgs, totals: projected.list() },
    },
    seats: { activeNow, lastInvoiced, lastInvoicedMonth, changes: changes.slice(0, HOME_LIST_LENGTH) },
  };
}

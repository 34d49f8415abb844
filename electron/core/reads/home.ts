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
import { orgHomeFacts } from './home-facts';
import { projectInvoice, projectionPeriod, subscriptionChangesByOrg } from './projected-invoice';
import { resolveScope } from './scope';
import { all, lookupId, one, parseQuery } from './sql';

const DAY_MS = 86_400_000;
/** Items listed under each heading; the counts cover all of them. */
export const HOME_LIST_LENGTH = 5;

const homeQuerySchema = z.strictObject({ orgId: lookupId });

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
 * Built for thousands of organizations: what it reads of each organization that does not depend on
 * the clock (names, seat counts, latest and unpaid invoices, subscriptions, the projected invoice
 * of a period) is kept per organization and read again only for those written since
 * (home-facts.ts), so Home after an edit reads the organizations the edit touched. What does depend
 * on the clock (what ends soon, what recurs now, stale invitations) is worked out on every read.
 */
export function homeSummary(db: CacheDatabase, query: { orgId: string }, now: Date = new Date()): HomeSummary {
  const q = parseQuery(homeQuerySchema, query);
  const scope = resolveScope(db, { orgId: q.orgId, includeChildren: true });
  const inScope = (column: string) => (scope.whole ? '1' : `${column} IN (SELECT value FROM json_each(@orgIds))`);
  const params = { orgIds: scope.json };
  const nowIso = now.toISOString();

  const orgs = orgHomeFacts(db, scope.orgIds, scope.whole);
  const orgById = new Map(orgs.map((org) => [org.id, org]));
  const orgName = (orgId: string) => orgById.get(orgId)?.name ?? '';
  const subscriptions = orgs.flatMap((org) => org.subscriptions);

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
  for (const subscription of subscriptions) {
    if (!isRecurringNow(subscription, now)) continue;
    const seats = subscription.basis === 'per_active_user' ? (orgById.get(subscription.orgId)?.activeUsers ?? 0) : subscription.quantity;
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
  // Each organization's projection is kept with its facts for the period it is for; those not yet
  // projected for theirs read their seat and plan changes (as projectedInvoice does) in one query.
  const periodStarts = new Map(orgs.map((org) => [org.id, projectionPeriod(org.latestPeriodEnd, now).periodStart]));
  const unprojected = orgs.filter((org) => org.projection?.periodStart !== periodStarts.get(org.id));
  const changesByOrg = subscriptionChangesByOrg(db, new Map(unprojected.map((org) => [org.id, periodStarts.get(org.id)!])));
  for (const org of unprojected) {
    const invoice = projectInvoice(
      { orgId: org.id, taxRate: org.taxRate, latestPeriodEnd: org.latestPeriodEnd, activeSeats: org.activeUsers },
      org.subscriptions,
      now,
      changesByOrg.get(org.id) ?? [],
    );
    org.projection = { periodStart: invoice.periodStart, periodEnd: invoice.periodEnd, totals: invoice.totals };
  }
  for (const { projection } of orgs) {
    if (projection === null || projection.totals.length === 0) continue;
    projectedOrgs += 1;
    for (const total of projection.totals) projected.add(total.total, total.currency);
    if (periodStart === null || projection.periodStart < periodStart) periodStart = projection.periodStart;
    if (periodEnd === null || projection.periodEnd > periodEnd) periodEnd = projection.periodEnd;
  }

  // Unpaid invoices, as home-facts.ts read them (on invoices_unpaid, migration 4).
  const outstanding = new CurrencyTotals();
  const overdue = new CurrencyTotals();
  const overdueInvoices: HomeSummary['attention']['overdueInvoices']['items'] = [];
  for (const org of orgs) {
    for (const invoice of org.unpaid) {
      outstanding.add(invoice.total, invoice.currency);
      if (invoice.status !== 'overdue') continue;
      overdue.add(invoice.total, invoice.currency);
      overdueInvoices.push({ invoiceId: invoice.id, orgId: org.id, orgName: org.name, number: invoice.number, dueAt: invoice.dueAt, total: invoice.total, currency: invoice.currency });
    }
  }
  // Oldest first.
  overdueInvoices.sort((a, b) => Date.parse(a.dueAt) - Date.parse(b.dueAt) || a.number.localeCompare(b.number));

  // Invitations: pending users invited (createdAt) before the cutoff and not resent since (a
  // resend's audit event, found on audit_events(org_id, at)). Counted and the oldest listed on
  // users_pending_since (migration 4), whose expression the queries repeat word for word. Instants
  // (UTC, Z) are compared to the second as text: "…00Z" and "…00.000Z" agree on their first 19.
  const cutoff = new Date(Math.floor(now.getTime() / 1000) * 1000 - STALE_INVITATION_DAYS * DAY_MS);
  const stale = {
    ...params,
    // Sent at or before the cutoff's second: created before the next second begins.
    sentBefore: new Date(cutoff.getTime() + 1000).toISOString().slice(0, 19),
    cutoff: cutoff.toISOString().slice(0, 19),
  };
  // Recent resends first (a few rows on audit_events(org_id, at), searched organization by
  // organization), so that counting the rest stays on the index and reads no user row.
  const resent = JSON.stringify(
    all<{ id: string }>(
      db,
      `SELECT DISTINCT a.entity_id AS id FROM audit_events a
       WHERE a.org_id IN (SELECT value FROM json_each(@orgIds)) AND a.at >= @cutoff AND substr(a.at, 1, 19) > @cutoff AND a.action = 'resendInvitation'`,
      stale,
    ).map((row) => row.id),
  );
  const sentBeforeCutoff = `${inScope('u.org_id')} AND u.status = 'pending' AND json_extract(u.data, '$.createdAt') < @sentBefore`;
  const count = (where: string) => one<{ n: number }>(db, `SELECT count(*) AS n FROM users u WHERE ${where}`, { ...stale, resent })?.n ?? 0;
  const staleCount = count(sentBeforeCutoff) - (resent === '[]' ? 0 : count(`${sentBeforeCutoff} AND u.id IN (SELECT value FROM json_each(@resent))`));
  const staleWhere = `${sentBeforeCutoff} AND u.id NOT IN (SELECT value FROM json_each(@resent))`;
  const staleRows = all<{ id: string; org_id: string; email: string; created_at: string; resent_at: string | null }>(
    db,
    `WITH oldest AS (
       SELECT u.id, u.org_id, u.email, json_extract(u.data, '$.createdAt') AS created_at FROM users u WHERE ${staleWhere}
       ORDER BY json_extract(u.data, '$.createdAt'), u.email LIMIT ${HOME_LIST_LENGTH}
     )
     SELECT oldest.*, (SELECT max(a.at) FROM audit_events a WHERE a.org_id = oldest.org_id AND a.entity_id = oldest.id AND a.action = 'resendInvitation') AS resent_at
     FROM oldest ORDER BY created_at, email`,
    { ...stale, resent },
  );
  const staleItems = staleRows.map((row) => ({
    userId: row.id,
    orgId: row.org_id,
    orgName: orgName(row.org_id),
    email: row.email,
    sentAt: row.resent_at !== null && Date.parse(row.resent_at) > Date.parse(row.created_at) ? row.resent_at : row.created_at,
  }));

  // Seats: the organizations billed per seat now, against their latest invoice.
  let activeNow = 0;
  let lastInvoiced = 0;
  let lastInvoicedMonth: string | null = null;
  const changes: HomeSummary['seats']['changes'] = [];
  const perSeatSubscriptions = new Set(subscriptions.filter((s) => s.basis === 'per_active_user').map((s) => s.id));
  for (const org of orgs) {
    const billedNow = perSeatOrgs.has(org.id);
    if (billedNow) activeNow += org.activeUsers;
    // Two per-seat subscriptions bill the same people twice over: the seats count once (as spend.ts).
    const last = org.billed;
    const seatLines = (last?.lines ?? []).filter((line) => line.subscriptionId !== null && perSeatSubscriptions.has(line.subscriptionId));
    const invoicedSeats = seatLines.length === 0 ? null : Math.max(...seatLines.map((line) => line.quantity));
    if (invoicedSeats !== null) {
      lastInvoiced += invoicedSeats;
      if (last !== null && (lastInvoicedMonth === null || last.month > lastInvoicedMonth)) lastInvoicedMonth = last.month;
    }
    if (!billedNow && invoicedSeats === null) continue;
    const nowSeats = billedNow ? org.activeUsers : 0;
    const invoiced = invoicedSeats ?? 0;
    if (nowSeats !== invoiced) changes.push({ orgId: org.id, orgName: org.name, now: nowSeats, invoiced, change: nowSeats - invoiced });
  }
  changes.sort((a, b) => Math.abs(b.change) - Math.abs(a.change) || b.change - a.change || a.orgName.localeCompare(b.orgName));

  const syncIssues = one<{ n: number }>(db, 'SELECT count(*) AS n FROM sync_issues WHERE resolved_at IS NULL')?.n ?? 0;

  return {
    orgId: q.orgId,
    asOf: nowIso,
    organizations: scope.orgIds.length,
    attention: {
      overdueInvoices: { count: overdueInvoices.length, totals: overdue.list(), items: overdueInvoices.slice(0, HOME_LIST_LENGTH) },
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

import { randomUUID } from 'node:crypto';
import type { AuditOrigin } from '@shared/domain/audit';
import { recipientsFor, type EmailKind } from '@shared/domain/billing-contact';
import type { Invoice } from '@shared/domain/invoice';
import type { Subscription } from '@shared/domain/subscription';
import { formatMoney, money } from '@shared/money';
import {
  billingPeriodsEndingBy,
  computeInvoiceLines,
  computeInvoiceTotals,
  dueDate,
  invoiceNumber,
  isoInstant,
  periodLabel,
  prorationLines,
  type BillingPeriod,
  type SubscriptionChangeEvent,
} from '../billing/invoice-math';
import { toInvoice, toSubscription, type Row } from '../db/rows';
import type { Sql } from '../db/store';
import { queueMail } from '../mail/outbox';

const DAY_MS = 86_400_000;

/** Who the audit trail names for invoices the billing run issues: the system, not a user. */
export const BILLING_RUN_ACTOR_EMAIL = 'billing-run@seatdesk';

export interface BillingRunResult {
  issued: number;
  invoices: Invoice[];
  /** Organizations that got an invoice, to poke their sync subscribers. */
  changedOrgs: Set<string>;
}

/**
 * The instant by which periods must have closed: a plain date (YYYY-MM-DD) means the end of that
 * day, so asOf 2026-11-30 bills November; an instant is taken as it is.
 */
export function asOfInstant(asOf: string): string {
  return /^\d{4}-\d{2}-\d{2}$/.test(asOf) ? isoInstant(Date.parse(`${asOf}T00:00:00Z`) + DAY_MS) : isoInstant(Date.parse(asOf));
}

/**
 * Whether a billing run as of `asOf` (an instant) would find a monthly period to bill: the latest
 * month closed by then ends after every earlier run's coverage. Cheap, so the lifecycle scheduler
 * asks it on each tick and runs the billing only at a period's end.
 */
export async function billingRunDue(tx: Sql, asOf: string): Promise<boolean> {
  const until = asOfInstant(asOf);
  const latest = billingPeriodsEndingBy('monthly', isoInstant(Date.parse(until) - 62 * DAY_MS), until).at(-1);
  if (latest === undefined) return false;
  const [previous] = await tx.query<{ covered: unknown }>('SELECT max(as_of) AS covered FROM billing_runs');
  return previous?.covered === null || previous?.covered === undefined || latest.periodEnd > dayText(previous.covered);
}

/** The last whole day before the instant: periods ending on or before it are covered by the run. */
function lastClosedDay(instant: string): string {
  return new Date(Math.floor(Date.parse(instant) / DAY_MS) * DAY_MS - DAY_MS).toISOString().slice(0, 10);
}

function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);
}

const dayText = (value: unknown): string => (value instanceof Date ? value.toISOString().slice(0, 10) : String(value).slice(0, 10));

/** Who the audit trail names for a run's invoices: the operator's billing run, or the lifecycle scheduler. */
export interface SystemActor {
  actorEmail: string;
  origin: AuditOrigin;
}

const OPERATOR_RUN: SystemActor = { actorEmail: BILLING_RUN_ACTOR_EMAIL, origin: { kind: 'online' } };

async function recordSystemAudit(tx: Sql, invoice: Invoice, now: Date, by: SystemActor): Promise<void> {
  await tx.query(
    `INSERT INTO audit_events (id, org_id, actor_user_id, actor_email, entity, entity_id, action, before, after, at, origin)
     VALUES ($1, $2, NULL, $3, 'invoice', $4, 'issueInvoice', NULL, $5, $6, $7)`,
    [randomUUID(), invoice.orgId, by.actorEmail, invoice.id, JSON.stringify(invoice), now, JSON.stringify(by.origin)],
  );
}

interface OrgFacts {
  id: string;
  name: string;
  taxRate: number;
  createdAt: string;
  /** Last day of the organization's latest invoiced period, or null before its first invoice. */
  lastInvoicedDay: string | null;
  activeUsers: number;
  primaryContactEmail: string | null;
  subscriptions: Subscription[];
  /** Changes of seats or plan, from their audit events: the invoice prorates them. */
  changes: SubscriptionChangeEvent[];
  contacts: { email: string; kinds: EmailKind[] }[];
}

/** The facts of the organizations `orgIds` (null: every organization), in creation order. */
async function loadOrgFacts(tx: Sql, asOf: string, orgIds: readonly string[] | null): Promise<OrgFacts[]> {
  // $1 is null for every organization, else the ids of one batch.
  const ids = [orgIds];
  const orgs = await tx.query<Row>(
    `SELECT o.id, o.name, o.tax_rate, o.created_at, p.email AS primary_email,
            (SELECT max(i.period_end) FROM invoices i WHERE i.org_id = o.id) AS last_invoiced,
            (SELECT count(*)::int FROM users u WHERE u.org_id = o.id AND u.status = 'active') AS active_users
     FROM orgs o LEFT JOIN users p ON p.id = o.primary_contact_user_id AND p.org_id = o.id
     WHERE $1::uuid[] IS NULL OR o.id = ANY($1::uuid[])
     ORDER BY o.created_at, o.id`,
    ids,
  );
  const subscriptions = (await tx.query<Row>('SELECT * FROM subscriptions WHERE $1::uuid[] IS NULL OR org_id = ANY($1::uuid[]) ORDER BY created_at, id', ids)).map(toSubscription);
  const contacts = await tx.query<{ org_id: string; email: string; kinds: EmailKind[] }>(
    'SELECT org_id, email, kinds FROM billing_contacts WHERE $1::uuid[] IS NULL OR org_id = ANY($1::uuid[]) ORDER BY created_at, id',
    ids,
  );
  const facts = new Map<string, OrgFacts>();
  for (const org of orgs) {
    const id = String(org['id']);
    facts.set(id, {
      id,
      name: String(org['name']),
      taxRate: Number(org['tax_rate']),
      createdAt: new Date(org['created_at'] as string).toISOString(),
      lastInvoicedDay: org['last_invoiced'] === null ? null : dayText(org['last_invoiced']),
      activeUsers: Number(org['active_users']),
      primaryContactEmail: org['primary_email'] === null ? null : String(org['primary_email']),
      subscriptions: [],
      changes: [],
      contacts: [],
    });
  }
  for (const subscription of subscriptions) facts.get(subscription.orgId)?.subscriptions.push(subscription);
  // Changes from the start of last year on: enough for any period a run bills after them.
  const changes = await tx.query<{ org_id: string; entity_id: string; at: unknown; before: SubscriptionChangeEvent['before']; after: SubscriptionChangeEvent['after'] }>(
    `SELECT org_id, entity_id, at, before, after FROM audit_events
     WHERE entity = 'subscription' AND action IN ('changeSubscriptionQuantity', 'changeSubscriptionPlan')
       AND at >= $1 AND ($2::uuid[] IS NULL OR org_id = ANY($2::uuid[])) ORDER BY at, seq`,
    [`${new Date(asOf).getUTCFullYear() - 1}-01-01T00:00:00Z`, orgIds],
  );
  for (const change of changes) {
    facts.get(change.org_id)?.changes.push({ subscriptionId: change.entity_id, at: new Date(change.at as string).toISOString(), before: change.before, after: change.after });
  }
  for (const contact of contacts) facts.get(contact.org_id)?.contacts.push({ email: contact.email, kinds: contact.kinds });
  return [...facts.values()];
}

/** The monthly periods still to bill for an organization: after its latest invoice and after the previous runs. */
function periodsToBill(org: OrgFacts, asOf: string, coveredThrough: string | null): BillingPeriod[] {
  const anchor = org.lastInvoicedDay === null ? org.createdAt : nextDay(org.lastInvoicedDay);
  return billingPeriodsEndingBy('monthly', anchor, asOf).filter(
    (period) => (org.lastInvoicedDay === null || period.periodEnd > org.lastInvoicedDay) && (coveredThrough === null || period.periodEnd > coveredThrough),
  );
}

function invoiceMail(org: OrgFacts, invoice: Invoice): { subject: string; body: string } {
  const period = periodLabel(invoice);
  const total = formatMoney(money(invoice.total, invoice.currency), 'en');
  return {
    subject: `Seatdesk invoice ${invoice.number} for ${period}`,
    body:
      `Hello,\n\nInvoice ${invoice.number} for ${org.name}, ${period}, is ready: ${total} including tax, ` +
      `due on ${invoice.dueAt.slice(0, 10)}.\n\n` +
      invoice.lines.map((line) => `- ${line.description}: ${formatMoney(money(line.amount, invoice.currency), 'en')}`).join('\n') +
      '\n\nYou can see it under Billing history in Seatdesk.\n',
  };
}

/**
 * Issues the invoice of every monthly period that closed by `asOf` and has none yet, per
 * organization and currency (an annual subscription is charged on the invoice of the period
 * ending on 31 December; see invoice-math). Runs inside one write transaction holding every
 * tree's lock (the operator's run), so it is all or nothing and a second run finds nothing left
 * to issue. The lifecycle scheduler runs the same billing in batches instead (billOrganizations,
 * then recordBillingRun).
 *
 * The run is expected to execute at period close (the lifecycle scheduler runs it then, see
 * service/lifecycle/): a per_active_user line counts the users who are active when the run
 * happens, and a subscription is billed for each period it ran in (isBillableIn). Periods
 * before an organization's latest invoice, or covered by an earlier run, are never revisited,
 * and a period with nothing billable (trials only, no subscriptions) issues no invoice.
 */
export async function runBilling(tx: Sql, asOf: string, now: Date, by: SystemActor = OPERATOR_RUN): Promise<BillingRunResult> {
  const result = await billOrganizations(tx, asOf, now, null, by);
  await recordBillingRun(tx, asOf, now, result.issued);
  return result;
}

/**
 * The invoices of the organizations `orgIds` (null: every one) for the periods closed by `asOf`
 * that are not covered by a recorded billing run and not invoiced yet. The transaction must hold
 * the lock of the organizations' trees, and no other billing may number invoices at the same time
 * (the lifecycle's batches hold LIFECYCLE_LOCK, the operator's run every tree). Safe to repeat: an
 * organization's invoiced periods are skipped, and invoices keep their unique (organization,
 * period, currency), so a batch committed before a crash is not billed again.
 */
export async function billOrganizations(tx: Sql, asOf: string, now: Date, orgIds: readonly string[] | null, by: SystemActor = OPERATOR_RUN): Promise<BillingRunResult> {
  const until = asOfInstant(asOf);
  const [previous] = await tx.query<{ covered: unknown }>('SELECT max(as_of) AS covered FROM billing_runs');
  const coveredThrough = previous?.covered === null || previous?.covered === undefined ? null : dayText(previous.covered);
  const [last] = await tx.query<{ n: number }>(
    "SELECT coalesce(max(substring(number FROM '^SD-[0-9]{4}-([0-9]+)$')::bigint), 0)::bigint AS n FROM invoices",
  );
  let sequence = Number(last?.n ?? 0);
  const issuedAt = isoInstant(now.getTime());
  const invoices: Invoice[] = [];
  const changedOrgs = new Set<string>();

  for (const org of await loadOrgFacts(tx, until, orgIds)) {
    const currencies = [...new Set(org.subscriptions.map((subscription) => subscription.currency))].sort();
    for (const period of periodsToBill(org, until, coveredThrough)) {
      for (const currency of currencies) {
        const charged = computeInvoiceLines(org.subscriptions, org.activeUsers, period, currency);
        const lines = [...charged, ...prorationLines(org.changes, charged, org.activeUsers, period)];
        if (lines.length === 0) continue;
        const totals = computeInvoiceTotals(lines, org.taxRate, currency);
        sequence += 1;
        const [row] = await tx.query<Row>(
          `INSERT INTO invoices (id, org_id, number, period_start, period_end, issued_at, due_at, status, currency,
                                 subtotal, tax, total, lines, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, 'open', $8, $9, $10, $11, $12, $6, $6)
           ON CONFLICT (org_id, period_start, period_end, currency) DO NOTHING RETURNING *`,
          [randomUUID(), org.id, invoiceNumber(sequence, period.periodEnd), period.periodStart, period.periodEnd, issuedAt, dueDate(issuedAt),
            currency, totals.subtotal, totals.tax, totals.total, JSON.stringify(lines)],
        );
        if (row === undefined) {
          sequence -= 1;
          continue;
        }
        const invoice = toInvoice(row);
        await recordSystemAudit(tx, invoice, now, by);
        const mail = invoiceMail(org, invoice);
        for (const to of recipientsFor('invoices', org.contacts, org.primaryContactEmail)) {
          await queueMail(tx, { orgId: org.id, to, kind: 'invoice', ...mail }, now);
        }
        invoices.push(invoice);
        changedOrgs.add(org.id);
      }
    }
  }
  return { issued: invoices.length, invoices, changedOrgs };
}

/**
 * Records that every period closed by `asOf` is billed (billingRunDue then answers false until the
 * next period closes): written once every organization's invoices of the run are committed.
 */
export async function recordBillingRun(tx: Sql, asOf: string, now: Date, issued: number): Promise<void> {
  await tx.query(
    `INSERT INTO billing_runs (as_of, ran_at, invoices_issued) VALUES ($1, $2, $3)
     ON CONFLICT (as_of) DO UPDATE SET ran_at = excluded.ran_at, invoices_issued = billing_runs.invoices_issued + excluded.invoices_issued`,
    [lastClosedDay(asOfInstant(asOf)), now, issued],
  );
}

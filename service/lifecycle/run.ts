import { randomUUID } from 'node:crypto';
import type { AuditOrigin } from '@shared/domain/audit';
import { recipientsFor, type BillingContact } from '@shared/domain/billing-contact';
import type { EntityName } from '@shared/domain/entities';
import type { Invoice } from '@shared/domain/invoice';
import { dueInvoiceChange, dueSubscriptionChange } from '@shared/domain/lifecycle';
import { emailKey } from '@shared/email';
import { formatMoney, money } from '@shared/money';
import { isoInstant, periodLabel } from '../billing/invoice-math';
import { toBillingContact, toInvoice, toSubscription, type Row } from '../db/rows';
import type { Sql, Store } from '../db/store';
import { providerTrees } from '../db/trees';
import { queueMail } from '../mail/outbox';
import { billOrganizations, billingRunDue, recordBillingRun } from '../operator/billing-run';

/** Who the audit trail names for the lifecycle's changes: the system, not a user. */
export const LIFECYCLE_ACTOR_EMAIL = 'lifecycle@seatdesk';

/**
 * The advisory lock (one-key form, transaction-scoped) held by the one lifecycle run at a time
 * across instances. The write locks are 7_300_001 to 7_300_003, the limiter's class 7_300_004.
 */
export const LIFECYCLE_LOCK = 7_300_005;

export interface LifecycleCounts {
  trialsEnded: number;
  cancellationsApplied: number;
  invoicesIssued: number;
  invoicesOverdue: number;
  remindersQueued: number;
}

export interface LifecycleRunResult extends LifecycleCounts {
  /** False when another run held the lock and this one did nothing (only when it did not wait). */
  ran: boolean;
  asOf: string;
  /** Organizations whose synced rows changed, to poke their clients after commit. */
  changedOrgs: Set<string>;
}

export interface LifecycleRunOptions {
  /** Changes due at or before this instant are made. */
  asOf: Date;
  /** The service clock: the time the changes are recorded at. */
  now: Date;
  /** Wait for a run in progress elsewhere (an operator's run) instead of leaving the work to it. */
  waitForLock?: boolean;
  /**
   * Called after each batch has committed, before the next one begins (no transaction of this run
   * is open then): the scheduler pokes the batch's organizations. A throw ends the run there; the
   * batches committed so far stay, and the next run resumes after them.
   */
  afterBatch?: (batch: LifecycleBatchDone) => Promise<void> | void;
  /** Organizations per batch, default BATCH_ORGANIZATIONS. */
  batchSize?: number;
}

/** One transaction of a run: organizations of one provider tree, at most BATCH_ORGANIZATIONS. */
export interface LifecycleBatch {
  tree: string;
  orgIds: string[];
}

export interface LifecycleBatchDone extends LifecycleBatch, LifecycleCounts {
  /** 0-based, of `batches` planned. */
  index: number;
  batches: number;
  changedOrgs: Set<string>;
}

/**
 * Organizations per transaction: each holds its tree's write lock only while it works on at most
 * this many (0.45 to 0.76 s at a month end on PostgreSQL with 50 users each, measure-month-end.ts),
 * so a tenant's write waits for one batch, not for the run.
 */
export const BATCH_ORGANIZATIONS = 100;

const ZERO: LifecycleCounts = { trialsEnded: 0, cancellationsApplied: 0, invoicesIssued: 0, invoicesOverdue: 0, remindersQueued: 0 };

/**
 * One lifecycle run: everything that has come due by `asOf`, in one short transaction per batch of
 * at most BATCH_ORGANIZATIONS organizations of one provider tree, each holding only that tree's
 * write lock. For the organizations of a batch, in order:
 *
 * 1. Subscriptions: trials ending on their date (to active, or cancelled when the cancellation
 *    was asked for during the trial) and cancellations scheduled at a contract end (to cancelled).
 * 2. Invoices for every monthly period closed by then (the billing run), counting active users now.
 * 3. Open invoices past their due date become overdue, with a payment reminder to each recipient.
 *
 * A first transaction, holding no write lock, plans the batches: it tries LIFECYCLE_LOCK without
 * waiting (another instance's run does the work) and looks whether anything is due (a tick with
 * nothing to do writes nothing). Every batch takes LIFECYCLE_LOCK again, so batches of two runs
 * never overlap and invoice numbers stay unique; a run that finds it held stops and leaves the
 * rest to the run holding it. Once every batch has committed, the billing run is recorded
 * (billing_runs), which ends the period's billing.
 *
 * Idempotent and resumable: every step claims its row in lifecycle_steps (subject, step, due
 * instant, recipient) first, an organization's invoiced periods are not billed again (and invoices
 * keep their unique (organization, period, currency)), and each change is guarded by the status it
 * changes. A run that stopped between batches (a crash, a lost connection) left whole batches;
 * the next one finds their work done and does the rest.
 */
export async function runLifecycle(store: Store, options: LifecycleRunOptions): Promise<LifecycleRunResult> {
  const asOf = isoInstant(options.asOf.getTime());
  const result: LifecycleRunResult = { ran: true, asOf, ...ZERO, changedOrgs: new Set() };
  // Writes nothing synced, so it names no tree and takes no write lock.
  const plan = await store.write(async (tx) => ((await takeRunLock(tx, options)) ? planRun(tx, asOf, options.batchSize ?? BATCH_ORGANIZATIONS) : null), []);
  if (plan === null) return { ...result, ran: false };
  for (const [index, batch] of plan.batches.entries()) {
    const done = await store.write(async (tx) => {
      if (!(await takeRunLock(tx, options))) return null;
      const run = new Run(tx, asOf, options.now, batch.orgIds);
      await run.subscriptions();
      await run.flushAudit();
      if (plan.billing) await run.billing();
      await run.overdueInvoices();
      await run.flushAudit();
      return run;
    }, [batch.tree]);
    // Another run holds the lock: the rest is left to it (every step is claimed, so the batches it
    // repeats cost it a few reads), and what its plan does not cover the next tick finds due.
    if (done === null) return result;
    for (const key of Object.keys(ZERO) as (keyof LifecycleCounts)[]) result[key] += done.counts[key];
    for (const orgId of done.changedOrgs) result.changedOrgs.add(orgId);
    await options.afterBatch?.({ ...batch, ...done.counts, index, batches: plan.batches.length, changedOrgs: done.changedOrgs });
  }
  if (plan.billing) {
    // Not recorded when another run holds the lock: it records the period once its batches are done.
    await store.write(async (tx) => {
      if (await takeRunLock(tx, options)) await recordBillingRun(tx, asOf, options.now, result.invoicesIssued);
    }, []);
  }
  return result;
}

/** LIFECYCLE_LOCK for this transaction: waited for, or tried (false when another run holds it). */
async function takeRunLock(tx: Sql, options: LifecycleRunOptions): Promise<boolean> {
  if (options.waitForLock === true) {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [LIFECYCLE_LOCK]);
    return true;
  }
  const [lock] = await tx.query<{ got: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS got', [LIFECYCLE_LOCK]);
  return lock?.got === true;
}

interface RunPlan {
  /** Whether a monthly period closed since the last billing run: every organization is then in a batch. */
  billing: boolean;
  batches: LifecycleBatch[];
}

/** The batches of a run: the organizations with something due, by provider tree, in creation order. */
async function planRun(tx: Sql, asOf: string, batchSize: number): Promise<RunPlan> {
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a positive integer, got ${batchSize}.`);
  if (!(await anythingDue(tx, asOf))) return { billing: false, batches: [] };
  const billing = await billingRunDue(tx, asOf);
  const orgs = await tx.query<{ id: string }>(
    `SELECT o.id FROM orgs o
     WHERE $2
        OR EXISTS (SELECT 1 FROM subscriptions s WHERE s.org_id = o.id
                    AND ((s.status = 'trial' AND s.trial_end <= $1) OR (s.status = 'cancel_scheduled' AND s.cancel_at <= $1)))
        OR EXISTS (SELECT 1 FROM invoices i WHERE i.org_id = o.id AND i.status = 'open' AND i.due_at <= $1)
     ORDER BY o.created_at, o.id`,
    [asOf, billing],
  );
  const trees = await providerTrees(tx);
  const byTree = new Map<string, string[]>();
  for (const { id } of orgs) {
    const tree = trees.get(id) ?? id;
    const members = byTree.get(tree) ?? [];
    members.push(id);
    byTree.set(tree, members);
  }
  const batches: LifecycleBatch[] = [];
  for (const [tree, members] of byTree) {
    for (let at = 0; at < members.length; at += batchSize) batches.push({ tree, orgIds: members.slice(at, at + batchSize) });
  }
  return { billing, batches };
}

async function anythingDue(tx: Sql, asOf: string): Promise<boolean> {
  const [due] = await tx.query<{ subscriptions: boolean; invoices: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM subscriptions
                     WHERE (status = 'trial' AND trial_end <= $1) OR (status = 'cancel_scheduled' AND cancel_at <= $1)) AS subscriptions,
            EXISTS (SELECT 1 FROM invoices WHERE status = 'open' AND due_at <= $1) AS invoices`,
    [asOf],
  );
  return due?.subscriptions === true || due?.invoices === true || (await billingRunDue(tx, asOf));
}

interface OrgContacts {
  name: string;
  primaryContactEmail: string | null;
  contacts: BillingContact[];
}

interface AuditRow {
  id: string;
  org_id: string;
  actor_email: string;
  entity: EntityName;
  entity_id: string;
  action: string;
  before: unknown;
  after: unknown;
  at: Date;
  origin: AuditOrigin;
}

class Run {
  readonly counts: LifecycleCounts = { ...ZERO };
  readonly changedOrgs = new Set<string>();
  private readonly origin: AuditOrigin;
  private readonly audit: AuditRow[] = [];
  private readonly orgs = new Map<string, OrgContacts>();

  constructor(
    private readonly tx: Sql,
    private readonly asOf: string,
    private readonly now: Date,
    /** The batch: only these organizations' rows are changed. */
    private readonly orgIds: readonly string[],
  ) {
    this.origin = { kind: 'scheduler', asOf };
  }

  /** Claims a step; false when an earlier run (or one at the same time) already made it. */
  private async claim(subjectId: string, step: string, dueAt: string, recipientKey = ''): Promise<boolean> {
    const rows = await this.tx.query(
      `INSERT INTO lifecycle_steps (subject_id, step, due_at, recipient_key, done_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT DO NOTHING RETURNING subject_id`,
      [subjectId, step, dueAt, recipientKey, this.now],
    );
    return rows.length === 1;
  }

  private record(orgId: string, entity: EntityName, entityId: string, action: string, before: unknown, after: unknown): void {
    this.audit.push({ id: randomUUID(), org_id: orgId, actor_email: LIFECYCLE_ACTOR_EMAIL, entity, entity_id: entityId, action, before, after, at: this.now, origin: this.origin });
    this.changedOrgs.add(orgId);
  }

  private async org(orgId: string): Promise<OrgContacts> {
    const known = this.orgs.get(orgId);
    if (known !== undefined) return known;
    const [row] = await this.tx.query<{ name: string; primary_email: string | null }>(
      `SELECT o.name, p.email AS primary_email FROM orgs o
         LEFT JOIN users p ON p.id = o.primary_contact_user_id AND p.org_id = o.id
       WHERE o.id = $1`,
      [orgId],
    );
    const contacts = (await this.tx.query<Row>('SELECT * FROM billing_contacts WHERE org_id = $1 ORDER BY created_at, id', [orgId])).map(toBillingContact);
    const org = { name: row?.name ?? 'your organization', primaryContactEmail: row?.primary_email ?? null, contacts };
    this.orgs.set(orgId, org);
    return org;
  }

  async subscriptions(): Promise<void> {
    const rows = await this.tx.query<Row>(
      `SELECT * FROM subscriptions
       WHERE ((status = 'trial' AND trial_end <= $1) OR (status = 'cancel_scheduled' AND cancel_at <= $1)) AND org_id = ANY($2::uuid[])
       ORDER BY coalesce(CASE WHEN status = 'trial' THEN trial_end ELSE cancel_at END, created_at), id`,
      [this.asOf, this.orgIds],
    );
    for (const before of rows.map(toSubscription)) {
      const change = dueSubscriptionChange(before, this.asOf);
      if (change === null || !(await this.claim(before.id, change.action, change.dueAt))) continue;
      const [row] = await this.tx.query<Row>(
        `UPDATE subscriptions SET status = $2, version = version + 1, updated_at = $3
         WHERE id = $1 AND status = $4 RETURNING *`,
        [before.id, change.status, this.now, before.status],
      );
      if (row === undefined) continue;
      const after = toSubscription(row);
      this.record(after.orgId, 'subscription', after.id, change.action, before, after);
      if (change.action === 'endTrial') this.counts.trialsEnded += 1;
      else this.counts.cancellationsApplied += 1;
      const org = await this.org(after.orgId);
      for (const to of recipientsFor('subscription_changes', org.contacts, null)) {
        await queueMail(
          this.tx,
          {
            orgId: after.orgId,
            to,
            kind: 'subscription_change',
            subject: `${after.product} (${after.plan}) ${change.action === 'endTrial' ? 'trial ended; it is now active' : 'is now cancelled'}`,
            body: `Hello,\n\n${change.message}\nOrganization: ${org.name}\nLicense key: ${after.licenseKey}\n`,
          },
          this.now,
        );
      }
    }
  }

  /** The billing run of the batch's organizations, as the lifecycle scheduler (when a monthly period closed since the last run). */
  async billing(): Promise<void> {
    const result = await billOrganizations(this.tx, this.asOf, this.now, this.orgIds, { actorEmail: LIFECYCLE_ACTOR_EMAIL, origin: this.origin });
    this.counts.invoicesIssued += result.issued;
    for (const orgId of result.changedOrgs) this.changedOrgs.add(orgId);
  }

  async overdueInvoices(): Promise<void> {
    const rows = await this.tx.query<Row>("SELECT * FROM invoices WHERE status = 'open' AND due_at <= $1 AND org_id = ANY($2::uuid[]) ORDER BY due_at, number", [
      this.asOf,
      this.orgIds,
    ]);
    for (const before of rows.map(toInvoice)) {
      const change = dueInvoiceChange(before, this.asOf);
      if (change === null || !(await this.claim(before.id, change.action, change.dueAt))) continue;
      const [row] = await this.tx.query<Row>(
        "UPDATE invoices SET status = 'overdue', version = version + 1, updated_at = $2 WHERE id = $1 AND status = 'open' RETURNING *",
        [before.id, this.now],
      );
      if (row === undefined) continue;
      const after = toInvoice(row);
      this.record(after.orgId, 'invoice', after.id, change.action, before, after);
      this.counts.invoicesOverdue += 1;
      const org = await this.org(after.orgId);
      const mail = reminderMail(org.name, after);
      for (const to of recipientsFor('payment_reminders', org.contacts, org.primaryContactEmail)) {
        if (!(await this.claim(after.id, 'paymentReminder', change.dueAt, emailKey(to)))) continue;
        await queueMail(this.tx, { orgId: after.orgId, to, kind: 'payment_reminder', ...mail }, this.now);
        this.counts.remindersQueued += 1;
      }
    }
  }

  /** The audit events recorded so far in one statement, in the order they happened (each takes the next seq). */
  async flushAudit(): Promise<void> {
    if (this.audit.length === 0) return;
    const rows = this.audit.splice(0);
    await this.tx.query(
      `INSERT INTO audit_events (id, org_id, actor_user_id, actor_email, entity, entity_id, action, before, after, at, origin)
       SELECT id, org_id, NULL, actor_email, entity, entity_id, action, before, after, at, origin
         FROM jsonb_to_recordset($1::jsonb)
           AS r(id uuid, org_id uuid, actor_email text, entity text, entity_id uuid, action text, before jsonb, after jsonb, at timestamptz, origin jsonb)`,
      [JSON.stringify(rows)],
    );
  }
}

function reminderMail(orgName: string, invoice: Invoice): { subject: string; body: string } {
  const total = formatMoney(money(invoice.total, invoice.currency), 'en');
  return {
    subject: `Payment reminder: Seatdesk invoice ${invoice.number} is overdue`,
    body:
      `Hello,\n\nInvoice ${invoice.number} for ${orgName}, ${periodLabel(invoice)}, of ${total} was due on ${invoice.dueAt.slice(0, 10)} ` +
      'and has not been paid yet. Please pay it, or tell us if something is wrong with it.\n\n' +
      'You can see it under Billing history in Seatdesk.\n',
  };
}

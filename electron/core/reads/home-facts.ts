import type { InvoiceLine } from '@shared/domain/invoice';
import type { Subscription } from '@shared/domain/subscription';
import type { ProjectedInvoice } from '@shared/ipc/models';
import { EntityRows } from '../cache/rows';
import type { CacheDatabase } from '../db/open';
import { all, entityOf, one } from './sql';

/** An open or overdue invoice of an organization, as Home sums and lists it. */
export interface UnpaidInvoice {
  id: string;
  number: string;
  status: 'open' | 'overdue';
  currency: string;
  total: number;
  dueAt: string;
}

/**
 * What the Home screen reads of one organization, none of it depending on the clock: kept between
 * reads and read again only after a write to the organization's rows (the cache's one writer
 * notes them, cache/org-writes.ts), so that Home after a change reads the few organizations it
 * touched instead of 2,000.
 */
export interface OrgHomeFacts {
  id: string;
  name: string;
  /** Basis points. */
  taxRate: number;
  activeUsers: number;
  /** The last day of its latest invoiced period (void or not), for the projection's period. */
  latestPeriodEnd: string | null;
  /** The lines of its latest period not void (seats last billed). */
  billed: { month: string; lines: InvoiceLine[] } | null;
  subscriptions: Subscription[];
  unpaid: UnpaidInvoice[];
  /** Its projected invoice, once computed for the period starting periodStart (home.ts). */
  projection: { periodStart: string; periodEnd: string; totals: ProjectedInvoice['totals'] } | null;
}

/** An invoice of an organization's latest period (or of its latest period not void). */
interface LatestInvoiceRow {
  org_id: string;
  period_start: string;
  status: string;
  /** json_extract(data, '$.periodEnd', '$.lines'): one parse of the row for both. */
  facts: string;
}

interface Memo {
  /** OrgWrites stamp and data_version the facts are as of. */
  stamp: number;
  dataVersion: number;
  facts: Map<string, OrgHomeFacts>;
}

const memos = new WeakMap<CacheDatabase, Memo>();

/**
 * The Home facts of these organizations (those in the cache), in their order. `whole`: they are
 * every organization of the cache, so the queries need no list. Inside a transaction nothing is
 * kept (it may yet be rolled back); another connection's commit (data_version) drops everything.
 */
export function orgHomeFacts(db: CacheDatabase, orgIds: readonly string[], whole: boolean): OrgHomeFacts[] {
  if (db.inTransaction) return readFacts(db, orgIds, whole);
  const writes = EntityRows.of(db).writes;
  const dataVersion = one<{ data_version: number }>(db, 'PRAGMA data_version')?.data_version ?? 0;
  let memo = memos.get(db);
  if (memo === undefined || memo.dataVersion !== dataVersion) {
    memo = { stamp: writes.stamp, dataVersion, facts: new Map() };
    memos.set(db, memo);
  }
  const written = writes.since(memo.stamp);
  if (written === 'all') memo.facts.clear();
  else for (const orgId of written) memo.facts.delete(orgId);
  memo.stamp = writes.stamp;

  const missing = orgIds.filter((orgId) => !memo.facts.has(orgId));
  if (missing.length > 0) for (const facts of readFacts(db, missing, whole && missing.length === orgIds.length)) memo.facts.set(facts.id, facts);
  const kept = memo.facts;
  return orgIds.flatMap((orgId) => kept.get(orgId) ?? []);
}

/**
 * Reads the facts of these organizations in four queries (five when a latest period is all void).
 * Users and invoices (the large tables) are only counted on their indexes (users_org_status, invoices_org_period, invoices_unpaid);
 * the only invoice rows read are each organization's latest and its unpaid ones, one JSON parse each.
 */
function readFacts(db: CacheDatabase, orgIds: readonly string[], whole: boolean): OrgHomeFacts[] {
  const inList = (column: string) => (whole ? '1' : `${column} IN (SELECT value FROM json_each(@orgIds))`);
  const params = { orgIds: JSON.stringify(orgIds) };
  const facts = new Map<string, OrgHomeFacts>();
  for (const org of all<{ id: string; name: string; tax_rate: number | null; active_users: number }>(
    db,
    `SELECT o.id, o.name, json_extract(o.data, '$.taxRate') AS tax_rate,
            (SELECT count(*) FROM users u WHERE u.org_id = o.id AND u.status = 'active') AS active_users
     FROM organizations o WHERE ${inList('o.id')}`,
    params,
  )) {
    facts.set(org.id, {
      id: org.id,
      name: org.name,
      taxRate: org.tax_rate ?? 0,
      activeUsers: org.active_users,
      latestPeriodEnd: null,
      billed: null,
      subscriptions: [],
      unpaid: [],
      projection: null,
    });
  }
  // Each organization's latest period's invoices, found on invoices_org_period: for the
  // projection's period and the seats last billed, unless they are all void; the few organizations
  // whose are read their latest period not void in a second query. Only these rows are read.
  const latestOfAll = all<LatestInvoiceRow>(
    db,
    `SELECT i.org_id, i.period_start, i.status, json_extract(i.data, '$.periodEnd', '$.lines') AS facts
     FROM (SELECT org_id, max(period_start) AS start FROM invoices INDEXED BY invoices_org_period WHERE ${inList('org_id')} GROUP BY org_id) latest
     JOIN invoices i ON i.org_id = latest.org_id AND i.period_start = latest.start`,
    params,
  );
  const billedOf = (rows: readonly LatestInvoiceRow[]) => {
    for (const row of rows) {
      const org = facts.get(row.org_id);
      if (org === undefined) continue;
      const [periodEnd, lines] = JSON.parse(row.facts) as [string, InvoiceLine[]];
      if (rows === latestOfAll && periodEnd > (org.latestPeriodEnd ?? '')) org.latestPeriodEnd = periodEnd;
      if (row.status === 'void') continue;
      if (org.billed === null) org.billed = { month: row.period_start.slice(0, 7), lines: [...lines] };
      else org.billed.lines.push(...lines);
    }
  };
  billedOf(latestOfAll);
  const allVoid = [...new Set(latestOfAll.map((row) => row.org_id))].filter((orgId) => facts.get(orgId)?.billed === null);
  if (allVoid.length > 0) {
    billedOf(
      all<LatestInvoiceRow>(
        db,
        `SELECT i.org_id, i.period_start, i.status, json_extract(i.data, '$.periodEnd', '$.lines') AS facts
         FROM (SELECT org_id, max(period_start) AS start FROM invoices WHERE org_id IN (SELECT value FROM json_each(@allVoid)) AND status <> 'void' GROUP BY org_id) billed
         JOIN invoices i ON i.org_id = billed.org_id AND i.period_start = billed.start AND i.status <> 'void'`,
        { allVoid: JSON.stringify(allVoid) },
      ),
    );
  }
  for (const row of all<{ org_id: string; data: string }>(db, `SELECT org_id, data FROM subscriptions WHERE ${inList('org_id')}`, params)) {
    facts.get(row.org_id)?.subscriptions.push(entityOf<Subscription>(row.data));
  }
  for (const row of all<{ id: string; org_id: string; number: string; status: 'open' | 'overdue'; facts: string }>(
    db,
    `SELECT i.id, i.org_id, i.number, i.status, json_extract(i.data, '$.currency', '$.total', '$.dueAt') AS facts
     FROM invoices i WHERE ${inList('i.org_id')} AND i.status IN ('open', 'overdue')`,
    params,
  )) {
    const [currency, total, dueAt] = JSON.parse(row.facts) as [string, number, string];
    facts.get(row.org_id)?.unpaid.push({ id: row.id, number: row.number, status: row.status, currency, total, dueAt });
  }
  return [...facts.values()];
}

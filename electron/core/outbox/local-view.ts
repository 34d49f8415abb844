import type { Statement } from 'better-sqlite3';
import type { SyncedEntityName } from '@shared/sync/protocol';
import { EntityRows, tableOf, type StoredRow } from '../cache/rows';
import type { CacheDatabase } from '../db/open';
import { statement } from '../db/statements';

/** A row as a mutator reads it: the stored row with its entity typed. */
export interface ViewRow<T> extends StoredRow {
  data: T;
}

/** A row a mutation wrote: for data.changed events. */
export interface TouchedRow {
  entity: SyncedEntityName;
  id: string;
  orgId: string;
}

interface RawRow {
  id: string;
  org_id: string;
  version: number;
  data: string;
}

/**
 * The view as the local mutators see it during one transaction. Every write goes through here and
 * first copies the row's confirmed state into confirmed_rows (once: a row already there keeps
 * its older, confirmed copy), so the rows a command touches are declared by the writes it makes
 * and no mutator can forget one. Statements are prepared once per database.
 */
export class LocalView {
  readonly rows: EntityRows;
  /** Keys already copied into confirmed_rows in this transaction: saves a statement per write. */
  private readonly snapshotted = new Set<string>();
  readonly touched: TouchedRow[] = [];

  constructor(private readonly db: CacheDatabase) {
    this.rows = EntityRows.of(db);
  }

  private statement(sql: string): Statement<unknown[]> {
    return statement(this.db, sql);
  }

  get<T>(entity: SyncedEntityName, id: string): ViewRow<T> | null {
    return this.rows.get(entity, id) as ViewRow<T> | null;
  }

  /** The row's version in the view, null when absent: cheaper than get() on the queue's hot path. */
  versionOf(entity: SyncedEntityName, id: string): number | null {
    const row = this.statement(`SELECT version FROM ${tableOf(entity)} WHERE id = ?`).get(id) as { version: number } | undefined;
    return row?.version ?? null;
  }

  exists(entity: SyncedEntityName, id: string): boolean {
    return this.versionOf(entity, id) !== null;
  }

  /** Rows of an entity matching a fixed SQL condition (mutators pass constants, values as params). */
  where<T>(entity: SyncedEntityName, condition: string, ...params: unknown[]): ViewRow<T>[] {
    const raws = this.statement(`SELECT id, org_id, version, data FROM ${tableOf(entity)} WHERE ${condition}`).all(...params) as RawRow[];
    return raws.map((raw) => ({ id: raw.id, orgId: raw.org_id, version: raw.version, data: JSON.parse(raw.data) as T }));
  }

  /** A count over an entity's table with a fixed SQL condition. */
  count(entity: SyncedEntityName, condition: string, ...params: unknown[]): number {
    const row = this.statement(`SELECT count(*) AS n FROM ${tableOf(entity)} WHERE ${condition}`).get(...params) as { n: number };
    return row.n;
  }

  upsert(entity: SyncedEntityName, row: StoredRow): void {
    this.snapshot(entity, row.id, row.orgId);
    this.rows.upsert(entity, row);
  }

  /** A row the mutator has checked is absent (a create): its confirmed copy is "absent", no lookup needed. */
  insert(entity: SyncedEntityName, row: StoredRow): void {
    this.snapshot(entity, row.id, row.orgId, true);
    this.rows.upsert(entity, row);
  }

  delete(entity: SyncedEntityName, id: string, orgId: string): void {
    this.snapshot(entity, id, orgId);
    this.rows.delete(entity, id);
  }

  /** Copies the view row (or its absence, data NULL) into confirmed_rows unless a copy is there. */
  private snapshot(entity: SyncedEntityName, id: string, orgId: string, absent = false): void {
    const key = `${entity}:${id}`;
    if (this.snapshotted.has(key)) return;
    this.snapshotted.add(key);
    this.touched.push({ entity, id, orgId });
    const copied = absent
      ? 0
      : this.statement(
          `INSERT OR IGNORE INTO confirmed_rows (entity, id, org_id, version, data)
           SELECT '${entity}', id, org_id, version, data FROM ${tableOf(entity)} WHERE id = ?`,
        ).run(id).changes;
    if (copied === 0) {
      this.statement('INSERT OR IGNORE INTO confirmed_rows (entity, id, org_id, version, data) VALUES (?, ?, ?, NULL, NULL)').run(entity, id, orgId);
    }
  }
}

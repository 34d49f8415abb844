import type { Statement } from 'better-sqlite3';
import type { SyncedEntityName } from '@shared/sync/protocol';
import { ENTITY_TABLES } from '../db/migrations';
import type { CacheDatabase } from '../db/open';

/** A row of an entity table: the wire entity as JSON plus the columns every table has. */
export interface StoredRow {
  id: string;
  orgId: string;
  version: number;
  data: unknown;
}

interface RawRow {
  id: string;
  org_id: string;
  version: number;
  data: string;
}

export function tableOf(entity: SyncedEntityName): string {
  return ENTITY_TABLES[entity];
}

/**
 * Generic access to the entity tables (the view the UI reads). Statements are prepared once per
 * database and entity; callers own the transaction.
 */
export class EntityRows {
  private readonly statements = new Map<string, Statement<unknown[]>>();

  constructor(private readonly db: CacheDatabase) {}

  private statement(key: string, sql: () => string) {
    let statement = this.statements.get(key);
    if (statement === undefined) {
      statement = this.db.prepare(sql());
      this.statements.set(key, statement);
    }
    return statement;
  }

  get(entity: SyncedEntityName, id: string): StoredRow | null {
    const table = tableOf(entity);
    const raw = this.statement(`get:${entity}`, () => `SELECT id, org_id, version, data FROM ${table} WHERE id = ?`).get(id) as RawRow | undefined;
    return raw === undefined ? null : { id: raw.id, orgId: raw.org_id, version: raw.version, data: JSON.parse(raw.data) as unknown };
  }

  upsert(entity: SyncedEntityName, row: StoredRow): void {
    const table = tableOf(entity);
    this.statement(
      `upsert:${entity}`,
      () =>
        `INSERT INTO ${table} (id, org_id, version, data) VALUES (?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET org_id = excluded.org_id, version = excluded.version, data = excluded.data`,
    ).run(row.id, row.orgId, row.version, JSON.stringify(row.data));
  }

  delete(entity: SyncedEntityName, id: string): void {
    const table = tableOf(entity);
    this.statement(`delete:${entity}`, () => `DELETE FROM ${table} WHERE id = ?`).run(id);
  }
}

import type { Statement } from 'better-sqlite3';
import type { SyncedEntityName } from '@shared/sync/protocol';
import { ENTITY_SHAPES, ENTITY_TABLES, type EntityColumn } from '../db/migrations';
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

type Value = string | number | null;

/** A stored row's search columns and roles, as the writer needs them to update the indexes. */
interface OldRow {
  rid: number;
  roles: string | null;
  [searched: string]: Value;
}

export function tableOf(entity: SyncedEntityName): string {
  return ENTITY_TABLES[entity];
}

function columnValue(value: unknown, column: EntityColumn): Value {
  if (value === undefined || value === null) return null;
  if (column.type === 'INTEGER') return value === true ? 1 : value === false ? 0 : Number(value);
  return typeof value === 'string' ? value : String(value);
}

/** One entity's statements: the row, its search index (if any) and, for users, role membership. */
class EntityStatements {
  readonly columns: readonly EntityColumn[];
  readonly searched: readonly string[];
  /** Indexes of the searched columns in `columns`. */
  readonly searchedAt: readonly number[];
  readonly get: Statement<unknown[]>;
  readonly upsert: Statement<unknown[]>;
  readonly insert: Statement<unknown[]>;
  readonly update: Statement<unknown[]>;
  readonly remove: Statement<unknown[]>;
  readonly removeById: Statement<unknown[]>;
  readonly old: Statement<unknown[]> | null;
  readonly searchInsert: Statement<unknown[]> | null;
  readonly searchDelete: Statement<unknown[]> | null;

  constructor(db: CacheDatabase, readonly entity: SyncedEntityName) {
    const { table, columns, searched } = ENTITY_SHAPES[entity];
    this.columns = columns;
    this.searched = searched;
    this.searchedAt = searched.map((name) => columns.findIndex((c) => c.name === name));
    const names = columns.map((c) => c.name);
    const all = ['id', 'org_id', 'version', 'data', ...names];
    const slots = all.map(() => '?').join(', ');
    this.get = db.prepare(`SELECT id, org_id, version, data FROM ${table} WHERE id = ?`);
    this.upsert = db.prepare(
      `INSERT INTO ${table} (${all.join(', ')}) VALUES (${slots})
       ON CONFLICT (id) DO UPDATE SET ${all.slice(1).map((c) => `${c} = excluded.${c}`).join(', ')}`,
    );
    this.insert = db.prepare(`INSERT INTO ${table} (${all.join(', ')}) VALUES (${slots})`);
    this.update = db.prepare(`UPDATE ${table} SET ${all.slice(1).map((c) => `${c} = ?`).join(', ')} WHERE rid = ?`);
    this.remove = db.prepare(`DELETE FROM ${table} WHERE rid = ?`);
    this.removeById = db.prepare(`DELETE FROM ${table} WHERE id = ?`);
    const indexed = searched.length > 0 || entity === 'user';
    const roles = entity === 'user' ? "json_extract(data, '$.roleIds')" : 'NULL';
    this.old = indexed ? db.prepare(`SELECT rid, ${roles} AS roles${searched.map((c) => `, ${c}`).join('')} FROM ${table} WHERE id = ?`) : null;
    const list = searched.join(', ');
    const values = searched.map(() => '?').join(', ');
    this.searchInsert = searched.length > 0 ? db.prepare(`INSERT INTO ${table}_fts (rowid, ${list}) VALUES (?, ${values})`) : null;
    this.searchDelete = searched.length > 0 ? db.prepare(`INSERT INTO ${table}_fts (${table}_fts, rowid, ${list}) VALUES ('delete', ?, ${values})`) : null;
  }
}

/**
 * The one writer (and generic reader) of the entity tables, the view the UI reads. Besides the
 * row it keeps what derives from it: the filtered columns, the search index (FTS5, external
 * content) and users' role membership (user_roles). Statements are prepared once per database;
 * callers own the transaction.
 */
export class EntityRows {
  private static readonly cache = new WeakMap<CacheDatabase, EntityRows>();
  private readonly statements = new Map<SyncedEntityName, EntityStatements>();
  private readonly rolesInsert: Statement<unknown[]>;
  private readonly rolesDelete: Statement<unknown[]>;

  static of(db: CacheDatabase): EntityRows {
    let rows = EntityRows.cache.get(db);
    if (rows === undefined) {
      rows = new EntityRows(db);
      EntityRows.cache.set(db, rows);
    }
    return rows;
  }

  private constructor(private readonly db: CacheDatabase) {
    this.rolesInsert = db.prepare('INSERT OR IGNORE INTO user_roles (user_id, role_id) VALUES (?, ?)');
    this.rolesDelete = db.prepare('DELETE FROM user_roles WHERE user_id = ?');
  }

  private of(entity: SyncedEntityName): EntityStatements {
    let statements = this.statements.get(entity);
    if (statements === undefined) {
      statements = new EntityStatements(this.db, entity);
      this.statements.set(entity, statements);
    }
    return statements;
  }

  get(entity: SyncedEntityName, id: string): StoredRow | null {
    const raw = this.of(entity).get.get(id) as RawRow | undefined;
    return raw === undefined ? null : { id: raw.id, orgId: raw.org_id, version: raw.version, data: JSON.parse(raw.data) as unknown };
  }

  upsert(entity: SyncedEntityName, row: StoredRow): void {
    this.write(entity, row.id, row.orgId, row.version, row.data as Record<string, unknown>, JSON.stringify(row.data));
  }

  /** Writes a row whose JSON the caller already has (`json` is `data` serialized). */
  write(entity: SyncedEntityName, id: string, orgId: string, version: number, data: Readonly<Record<string, unknown>>, json: string): void {
    const s = this.of(entity);
    const values = s.columns.map((column) => columnValue(data[column.field], column));
    if (s.old === null) {
      s.upsert.run(id, orgId, version, json, ...values);
      return;
    }
    const searched = s.searchedAt.map((at) => values[at]);
    const roles = entity === 'user' ? (data['roleIds'] as readonly string[] | undefined) ?? [] : null;
    const old = s.old.get(id) as OldRow | undefined;
    if (old === undefined) {
      const rid = s.insert.run(id, orgId, version, json, ...values).lastInsertRowid;
      s.searchInsert?.run(rid, ...searched);
      if (roles !== null) for (const roleId of roles) this.rolesInsert.run(id, roleId);
      return;
    }
    s.update.run(orgId, version, json, ...values, old.rid);
    // Most updates (status, roles, versions) leave the searched text alone: the index stays then.
    if (s.searchInsert !== null && s.searched.some((name, i) => old[name] !== searched[i])) {
      s.searchDelete!.run(old.rid, ...s.searched.map((name) => old[name]));
      s.searchInsert.run(old.rid, ...searched);
    }
    if (roles !== null && old.roles !== JSON.stringify(roles)) {
      this.rolesDelete.run(id);
      for (const roleId of roles) this.rolesInsert.run(id, roleId);
    }
  }

  delete(entity: SyncedEntityName, id: string): void {
    const s = this.of(entity);
    if (s.old === null) {
      s.removeById.run(id);
      return;
    }
    const old = s.old.get(id) as OldRow | undefined;
    if (old === undefined) return;
    s.searchDelete?.run(old.rid, ...s.searched.map((name) => old[name]));
    s.remove.run(old.rid);
    if (entity === 'user') this.rolesDelete.run(id);
  }

  /** Empties every entity table with its indexes (before a fresh bootstrap). */
  clear(): void {
    for (const { table, searched } of Object.values(ENTITY_SHAPES)) {
      this.db.prepare(`DELETE FROM ${table}`).run();
      if (searched.length > 0) this.db.prepare(`INSERT INTO ${table}_fts (${table}_fts) VALUES ('delete-all')`).run();
    }
    this.db.prepare('DELETE FROM user_roles').run();
  }
}

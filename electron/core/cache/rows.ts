import type { Statement } from 'better-sqlite3';
import type { SyncedEntityName } from '@shared/sync/protocol';
import { ENTITY_SHAPES, ENTITY_TABLES, type EntityColumn } from '../db/entity-tables';
import type { CacheDatabase } from '../db/open';
import { OrgWrites } from './org-writes';

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

/** A stored row's columns and roles, as the writer needs them to update it and its indexes. */
interface OldRow {
  rid: number;
  org_id: string;
  roles: string | null;
  [column: string]: Value;
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
  readonly insert: Statement<unknown[]>;
  readonly remove: Statement<unknown[]>;
  /** The stored row's rid, org and columns (and, for users, roles): what an update compares against. */
  readonly old: Statement<unknown[]>;
  readonly searchInsert: Statement<unknown[]> | null;
  readonly searchDelete: Statement<unknown[]> | null;
  /** UPDATEs by the set of columns they change (see update()). */
  private readonly updates = new Map<string, Statement<unknown[]>>();

  constructor(
    private readonly db: CacheDatabase,
    readonly entity: SyncedEntityName,
  ) {
    const { table, columns, searched } = ENTITY_SHAPES[entity];
    this.columns = columns;
    this.searched = searched;
    this.searchedAt = searched.map((name) => columns.findIndex((c) => c.name === name));
    const all = ['id', 'org_id', 'version', 'data', ...columns.map((c) => c.name)];
    this.get = db.prepare(`SELECT id, org_id, version, data FROM ${table} WHERE id = ?`);
    this.insert = db.prepare(`INSERT INTO ${table} (${all.join(', ')}) VALUES (${all.map(() => '?').join(', ')})`);
    this.remove = db.prepare(`DELETE FROM ${table} WHERE rid = ?`);
    const roles = entity === 'user' ? "json_extract(data, '$.roleIds')" : 'NULL';
    this.old = db.prepare(`SELECT rid, org_id, ${roles} AS roles${columns.map((c) => `, ${c.name}`).join('')} FROM ${table} WHERE id = ?`);
    const list = searched.join(', ');
    const values = searched.map(() => '?').join(', ');
    this.searchInsert = searched.length > 0 ? db.prepare(`INSERT INTO ${table}_fts (rowid, ${list}) VALUES (?, ${values})`) : null;
    this.searchDelete = searched.length > 0 ? db.prepare(`INSERT INTO ${table}_fts (${table}_fts, rowid, ${list}) VALUES ('delete', ?, ${values})`) : null;
  }

  /**
   * Updates a stored row, setting only the columns whose value changed: SQLite rewrites the
   * entries of every index over a column an UPDATE sets, changed or not, and most updates (a
   * role, a status, a version) leave the indexed names and emails alone.
   */
  update(old: OldRow, orgId: string, version: number, json: string, values: readonly Value[]): void {
    const set = ['version', 'data'];
    const params: unknown[] = [version, json];
    if (old.org_id !== orgId) {
      set.push('org_id');
      params.push(orgId);
    }
    this.columns.forEach((column, i) => {
      if (old[column.name] === values[i]) return;
      set.push(column.name);
      params.push(values[i]);
    });
    const key = set.join(',');
    let statement = this.updates.get(key);
    if (statement === undefined) {
      statement = this.db.prepare(`UPDATE ${ENTITY_SHAPES[this.entity].table} SET ${set.map((c) => `${c} = ?`).join(', ')} WHERE rid = ?`);
      this.updates.set(key, statement);
    }
    statement.run(...params, old.rid);
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
  /** The organizations written, for reads that keep facts per organization (reads/home-facts.ts). */
  readonly writes = new OrgWrites();

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
    const searched = s.searchedAt.map((at) => values[at]);
    const roles = entity === 'user' ? ((data['roleIds'] as readonly string[] | undefined) ?? []) : null;
    const old = s.old.get(id) as OldRow | undefined;
    this.noteWrite(entity, id, orgId);
    if (old === undefined) {
      const rid = s.insert.run(id, orgId, version, json, ...values).lastInsertRowid;
      s.searchInsert?.run(rid, ...searched);
      if (roles !== null) for (const roleId of roles) this.rolesInsert.run(id, roleId);
      return;
    }
    if (old.org_id !== orgId) this.writes.note(old.org_id);
    s.update(old, orgId, version, json, values);
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
    const old = s.old.get(id) as OldRow | undefined;
    if (old === undefined) return;
    this.noteWrite(entity, id, old.org_id);
    s.searchDelete?.run(old.rid, ...s.searched.map((name) => old[name]));
    s.remove.run(old.rid);
    if (entity === 'user') this.rolesDelete.run(id);
  }

  /** A row's organization was written; an organization's own row is about itself too. */
  private noteWrite(entity: SyncedEntityName, id: string, orgId: string): void {
    this.writes.note(orgId);
    if (entity === 'organization' && id !== orgId) this.writes.note(id);
  }

  /** Empties every entity table with its indexes (before a fresh bootstrap). */
  clear(): void {
    this.writes.noteAll();
    for (const { table, searched } of Object.values(ENTITY_SHAPES)) {
      this.db.prepare(`DELETE FROM ${table}`).run();
      if (searched.length > 0) this.db.prepare(`INSERT INTO ${table}_fts (${table}_fts) VALUES ('delete-all')`).run();
    }
    this.db.prepare('DELETE FROM user_roles').run();
  }
}

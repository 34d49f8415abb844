import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isSeatdeskError } from '@shared/errors';
import { EntityRows } from '../cache/rows';
import { ENTITY_SHAPES } from './entity-tables';
import { MIGRATIONS, type Migration } from './migrations';
import { GENERATED_MIGRATIONS } from './migrations/generated-until-v3.fixture';
import { CACHE_SCHEMA_VERSION, openCacheDatabase, type CacheDatabase } from './open';

const ORG = '00000000-0000-4000-8000-000000000001';
const USER = '00000000-0000-4000-8000-000000000002';
const ROLE = '00000000-0000-4000-8000-000000000003';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'seatdesk-migrations-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const user = (firstName: string, roleIds: string[]) => ({
  id: USER,
  orgId: ORG,
  version: 1,
  firstName,
  lastName: 'Jansen',
  email: 'c.jansen@example.com',
  status: 'active',
  roleIds,
});

/** The schema as SQLite keeps it: every table, index, trigger and FTS shadow table, whitespace normalised. */
function schemaOf(db: CacheDatabase): string[] {
  const rows = db.prepare('SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name').all() as { type: string; name: string; tbl_name: string; sql: string | null }[];
  return rows.map((row) => `${row.type} ${row.name} ON ${row.tbl_name}: ${(row.sql ?? '').replace(/\s+/g, ' ').trim()}`);
}

/** The schema of a new install: every migration at once, in one transaction. */
function freshSchema(): string[] {
  const db = openCacheDatabase(join(dir, 'fresh.sqlite'));
  try {
    return schemaOf(db);
  } finally {
    db.close();
  }
}

function withCache<T>(file: string, migrations: readonly Migration[] | undefined, use: (db: CacheDatabase) => T): T {
  const db = openCacheDatabase(file, migrations);
  try {
    return use(db);
  } finally {
    db.close();
  }
}

describe('frozen migrations', () => {
  it('one file a version, numbered from 1 without a gap, each listed once in MIGRATIONS', async () => {
    const files = readdirSync(join(import.meta.dirname, 'migrations'))
      .filter((file) => !/\.(test|fixture)\.ts$/.test(file))
      .sort();
    expect(files.every((file) => /^\d{4}-[a-z0-9-]+\.ts$/.test(file))).toBe(true);
    const loaded: Migration[] = [];
    for (const file of files) {
      const module = (await import(`./migrations/${file.slice(0, -3)}.ts`)) as { migration: Migration };
      expect(module.migration.version, file).toBe(Number(file.slice(0, 4)));
      loaded.push(module.migration);
    }
    expect(loaded.map((m) => m.version)).toEqual(loaded.map((_, i) => i + 1));
    expect(MIGRATIONS).toEqual(loaded);
    expect(CACHE_SCHEMA_VERSION).toBe(loaded.length);
  });

  it('are byte for byte the SQL the generator ran for every install until they were frozen', () => {
    expect(MIGRATIONS.slice(0, GENERATED_MIGRATIONS.length)).toEqual(GENERATED_MIGRATIONS);
  });

  it('a cache built one migration at a time, each its own open, has the schema of a fresh install', () => {
    const file = join(dir, 'stepwise.sqlite');
    for (let applied = 1; applied <= MIGRATIONS.length; applied++) {
      withCache(file, MIGRATIONS.slice(0, applied), (db) => expect(db.pragma('user_version', { simple: true })).toBe(applied));
    }
    expect(withCache(file, undefined, schemaOf)).toEqual(freshSchema());
  });

  it('a cache the generated migrations made, at each of their versions, upgrades to the schema of a fresh install', () => {
    const fresh = freshSchema();
    for (let applied = 1; applied <= GENERATED_MIGRATIONS.length; applied++) {
      const file = join(dir, `generated-v${applied}.sqlite`);
      withCache(file, GENERATED_MIGRATIONS.slice(0, applied), (db) => {
        db.prepare("INSERT INTO sync_state (id, client_id) VALUES (1, 'c')").run();
        db.prepare("INSERT INTO outbox (mutation_id, name, args, entity, entity_id, org_id, queued_at) VALUES (7, 'updateUser', '{}', 'user', ?, ?, '2026-11-23T00:00:00.000Z')").run(USER, ORG);
      });
      withCache(file, undefined, (db) => {
        expect(db.pragma('user_version', { simple: true })).toBe(CACHE_SCHEMA_VERSION);
        expect(schemaOf(db), `made at version ${applied}`).toEqual(fresh);
        expect(db.prepare('SELECT mutation_id FROM outbox').all()).toEqual([{ mutation_id: 7 }]);
      });
    }
  });

  it("the writer's entity shapes are the tables and search indexes the migrations leave", () => {
    withCache(join(dir, 'cache.sqlite'), undefined, (db) => {
      const columns = (table: string) => (db.pragma(`table_info(${table})`) as { name: string; type: string }[]).map((c) => `${c.name} ${c.type}`);
      for (const shape of Object.values(ENTITY_SHAPES)) {
        expect(columns(shape.table), shape.table).toEqual([
          'rid INTEGER',
          'id TEXT',
          'org_id TEXT',
          'version INTEGER',
          'data TEXT',
          ...shape.columns.map((c) => `${c.name} ${c.type}`),
        ]);
        const search = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?").get(`${shape.table}_fts`);
        if (shape.searched.length === 0) expect(search, shape.table).toBeUndefined();
        else expect(columns(`${shape.table}_fts`), shape.table).toEqual(shape.searched.map((c) => `${c} `));
      }
    });
  });
});

describe('cache migrations', () => {
  it('moves a version 1 cache to the new tables: the copy is downloaded again, the queue and the issues stay', () => {
    const file = join(dir, 'cache.sqlite');
    const v1 = openCacheDatabase(file, MIGRATIONS.slice(0, 1));
    v1.prepare("INSERT INTO sync_state (id, client_id, cursor, bootstrap_complete, bootstrap_done, schema_version) VALUES (1, 'c', 812, 1, 812, 1)").run();
    v1.prepare('INSERT INTO users (id, org_id, version, data) VALUES (?, ?, 1, ?)').run(USER, ORG, JSON.stringify(user('Camille', [ROLE])));
    v1.prepare("INSERT INTO outbox (mutation_id, name, args, entity, entity_id, org_id, queued_at) VALUES (7, 'updateUser', '{}', 'user', ?, ?, '2026-11-23T00:00:00.000Z')").run(USER, ORG);
    v1.prepare("INSERT INTO confirmed_rows (entity, id, org_id, version, data) VALUES ('user', ?, ?, 1, '{}')").run(USER, ORG);
    expect(v1.prepare('SELECT count(*) AS n FROM user_roles').get()).toEqual({ n: 1 });
    v1.close();

    const db = openCacheDatabase(file);
    expect(db.pragma('user_version', { simple: true })).toBe(CACHE_SCHEMA_VERSION);
    expect(db.prepare('SELECT count(*) AS n FROM users').get()).toEqual({ n: 0 });
    expect(db.prepare('SELECT count(*) AS n FROM user_roles').get()).toEqual({ n: 0 });
    expect(db.prepare('SELECT count(*) AS n FROM confirmed_rows').get()).toEqual({ n: 0 });
    // Queued before the column existed: it keeps the label every push had then.
    expect(db.prepare('SELECT mutation_id, queued_offline FROM outbox').all()).toEqual([{ mutation_id: 7, queued_offline: 1 }]);
    expect(db.prepare('SELECT cursor, bootstrap_complete, bootstrap_done, schema_version FROM sync_state').get()).toEqual({
      cursor: 0,
      bootstrap_complete: 0,
      bootstrap_done: 0,
      schema_version: null,
    });
    db.close();
  });

  it('refuses a cache written by a newer Seatdesk and leaves it as it is', () => {
    const file = join(dir, 'cache.sqlite');
    const future = openCacheDatabase(file, [...MIGRATIONS, { version: CACHE_SCHEMA_VERSION + 1, name: 'future', sql: 'CREATE TABLE later (x)' }]);
    future.close();
    let error: unknown;
    try {
      openCacheDatabase(file);
    } catch (caught) {
      error = caught;
    }
    expect(isSeatdeskError(error) && error.code).toBe('SCHEMA_MISMATCH');
  });
});

describe('the entity writer keeps the search index and role membership with the row', () => {
  it('inserts, renames, changes roles and deletes', () => {
    const db = openCacheDatabase(join(dir, 'cache.sqlite'));
    const rows = EntityRows.of(db);
    const search = (q: string) => (db.prepare('SELECT count(*) AS n FROM users_fts WHERE users_fts MATCH ?').get(q) as { n: number }).n;
    const roles = () => (db.prepare('SELECT role_id FROM user_roles WHERE user_id = ?').all(USER) as { role_id: string }[]).map((r) => r.role_id);

    rows.upsert('user', { id: USER, orgId: ORG, version: 1, data: user('Camille', [ROLE]) });
    expect(search('camil*')).toBe(1);
    expect(roles()).toEqual([ROLE]);
    expect(db.prepare('SELECT first_name, status FROM users').get()).toEqual({ first_name: 'Camille', status: 'active' });

    rows.upsert('user', { id: USER, orgId: ORG, version: 2, data: user('Mireille', []) });
    expect(search('camil*')).toBe(0);
    expect(search('mireil*')).toBe(1);
    expect(roles()).toEqual([]);
    // The index agrees with its content table (FTS5's own consistency check).
    expect(() => db.prepare("INSERT INTO users_fts (users_fts, rank) VALUES ('integrity-check', 1)").run()).not.toThrow();

    rows.delete('user', USER);
    expect(search('mireil*')).toBe(0);
    expect(db.prepare('SELECT count(*) AS n FROM users').get()).toEqual({ n: 0 });
    expect(() => db.prepare("INSERT INTO users_fts (users_fts, rank) VALUES ('integrity-check', 1)").run()).not.toThrow();

    rows.upsert('role', { id: ROLE, orgId: ORG, version: 1, data: { id: ROLE, orgId: ORG, name: 'Member', builtIn: true } });
    expect(db.prepare('SELECT name, built_in FROM roles').get()).toEqual({ name: 'Member', built_in: 1 });
    rows.clear();
    expect(db.prepare('SELECT count(*) AS n FROM roles').get()).toEqual({ n: 0 });
    db.close();
  });
});

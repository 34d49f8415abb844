import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pullResponseSchema, type Change, type SyncedEntityName } from '@shared/sync/protocol';
import { EntityRows } from '../../electron/core/cache/rows';
import { openCacheDatabase, type CacheDatabase } from '../../electron/core/db/open';
import { DEMO_NOW } from './commands';
import { startTestService, type Session, type TestService } from './service';

/**
 * A real offline cache built from the real demo service: sign in, GET /v1/me, then page
 * GET /v1/sync/pull until hasMore is false, writing every change into a fresh cache file the way
 * the sync engine writes the view (EntityRows), plus kv 'me'. Tests then compare the core's reads
 * with what the service's own REST endpoints answer.
 */
export interface DemoCache {
  test: TestService;
  /** owner@northwind.example: Owner of the provider, every permission everywhere. */
  owner: Session;
  db: CacheDatabase;
  file: string;
  /** Changes written during the bootstrap. */
  changeCount: number;
  /** Pulls what changed on the service since the last pull into the cache (after REST calls). */
  sync(): Promise<number>;
  /** GET as the owner (signing in again when the session expired) or with another token; throws unless the service answers 200. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test-only; callers assert on the shape
  get(path: string, token?: string): Promise<any>;
  /** The id of the organization with this name, from the cache. */
  orgId(name: string): string;
  /** The id of the user with this email (case-insensitive), from the cache. */
  userId(email: string): string;
  /**
   * Runs fn inside a transaction that is rolled back afterwards, so a test can change the cache
   * (pending rows, edited users) without disturbing the other tests of the file.
   */
  scratch<T>(fn: () => T): T;
  close(): Promise<void>;
}

export const PULL_PAGE = 1000;

/** Writes one pull page the way the view is written when no command is pending. */
export function writeChanges(db: CacheDatabase, changes: readonly Change[]): void {
  const rows = EntityRows.of(db);
  db.transaction(() => {
    for (const change of changes) {
      if (change.op === 'delete') rows.delete(change.entity, change.id);
      else rows.upsert(change.entity, { id: change.id, orgId: change.orgId, version: change.version, data: change.data });
    }
  })();
}

/** Changes fields of a cached row through the cache's one writer (its columns and indexes follow). */
export function editRow(db: CacheDatabase, entity: SyncedEntityName, id: string, patch: Readonly<Record<string, unknown>>): void {
  const rows = EntityRows.of(db);
  const row = rows.get(entity, id);
  if (row === null) throw new Error(`no ${entity} ${id} in the cache`);
  rows.upsert(entity, { ...row, data: { ...(row.data as Record<string, unknown>), ...patch } });
}

/** The id of the first row a query finds (tests pick rows with plain SQL). */
export function firstId(db: CacheDatabase, sql: string, ...params: unknown[]): string {
  const row = db.prepare(sql).get(...params) as { id: string } | undefined;
  if (row === undefined) throw new Error(`nothing found by ${sql}`);
  return row.id;
}

export async function startDemoCache(): Promise<DemoCache> {
  const test = await startTestService({ now: DEMO_NOW });
  const directory = mkdtempSync(join(tmpdir(), 'seatdesk-cache-'));
  const file = join(directory, 'cache.sqlite');
  const db = openCacheDatabase(file);
  const close = async () => {
    db.close();
    rmSync(directory, { recursive: true, force: true });
    await test.close();
  };
  try {
    let owner = await test.signIn('owner@northwind.example');
    const get: DemoCache['get'] = async (path, token) => {
      let response = await test.call('GET', path, { token: token ?? owner.accessToken });
      // A test that moves the service's clock outlives the access token: sign in again, as the app would refresh.
      if (response.status === 401 && token === undefined) {
        owner = await test.signIn('owner@northwind.example');
        response = await test.call('GET', path, { token: owner.accessToken });
      }
      if (response.status !== 200) throw new Error(`GET ${path} answered ${response.status}: ${JSON.stringify(response.body)}`);
      return response.body;
    };

    const me: unknown = await get('/v1/me');
    db.prepare('INSERT INTO kv (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run('me', JSON.stringify(me));

    const clientId = randomUUID();
    let cursor = '0';
    const sync = async () => {
      let written = 0;
      for (;;) {
        const page = pullResponseSchema.parse(await get(`/v1/sync/pull?cursor=${cursor}&limit=${PULL_PAGE}&clientId=${clientId}`));
        writeChanges(db, page.changes);
        written += page.changes.length;
        cursor = String(page.cursor);
        if (!page.hasMore) return written;
      }
    };
    const changeCount = await sync();

    const one = (sql: string, value: string): string => {
      const row = db.prepare(sql).get(value) as { id: string } | undefined;
      if (row === undefined) throw new Error(`nothing in the cache for ${value}`);
      return row.id;
    };
    return {
      test,
      get owner() {
        return owner;
      },
      db,
      file,
      changeCount,
      sync,
      get,
      orgId: (name) => one('SELECT id FROM organizations WHERE name = ?', name),
      userId: (email) => one('SELECT id FROM users WHERE email = ? COLLATE NOCASE', email),
      scratch(fn) {
        db.exec('SAVEPOINT scratch');
        try {
          return fn();
        } finally {
          db.exec('ROLLBACK TO scratch');
          db.exec('RELEASE scratch');
        }
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

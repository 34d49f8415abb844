import { chmodSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IpcResult } from '@shared/ipc/contract';
import type { SessionStatus } from '@shared/ipc/channels';
import { DEMO_PASSWORD, startTestService, type TestService } from '../../../test/support/service';
import { createCore, type Core } from '../core';
import type { SecretStore } from '../secrets/secret-store';

// The whole core, as a user runs it: sign in, sync, and look at what landed on disk. Every other
// account on the machine must be unable to read the cache (DESIGN.md, "Security rules"). On
// Windows the per-user profile folder is the protection, and POSIX modes mean nothing there.
const posix = process.platform !== 'win32';

function memorySecretStore(): SecretStore {
  const secrets = new Map<string, string>();
  return {
    get: (account) => Promise.resolve(secrets.get(account) ?? null),
    set: (account, secret) => Promise.resolve(void secrets.set(account, secret)),
    delete: (account) => Promise.resolve(secrets.delete(account)),
  };
}

/** Permission bits in octal, so that a failure reads 644 rather than 420. */
const mode = (path: string) => (statSync(path).mode & 0o777).toString(8);

/** Every path the core writes for one signed-in account, with its permission bits. */
function modesOf(dataDir: string, core: Core): Record<string, string> {
  const db = core.session.current()?.databaseFile;
  if (db === undefined) throw new Error('not signed in');
  const paths = {
    dataDir,
    accounts: join(dataDir, 'accounts'),
    db,
    wal: `${db}-wal`,
    shm: `${db}-shm`,
    session: join(dataDir, 'session.json'),
  };
  for (const path of Object.values(paths)) expect(existsSync(path), path).toBe(true);
  return Object.fromEntries(Object.entries(paths).map(([name, path]) => [name, mode(path)]));
}

const PRIVATE = { dataDir: '700', accounts: '700', db: '600', wal: '600', shm: '600', session: '600' };

describe.skipIf(!posix)('the offline cache on disk is readable by its owner only', () => {
  let service: TestService;
  const secretStore = memorySecretStore();
  const root = mkdtempSync(join(tmpdir(), 'seatdesk-private-'));
  const started: Core[] = [];

  async function signedInCore(dataDir: string): Promise<Core> {
    const core = await createCore({
      dataDir,
      defaultServiceUrl: service.url,
      appInfo: { name: 'Seatdesk', version: '0.0.0-test', host: 'test' },
      secretStore,
      log: () => {},
    });
    started.push(core);
    const call = async (name: string, input?: unknown) => {
      const result = (await core.dispatcher.dispatch(name, input)) as IpcResult<SessionStatus>;
      if (!result.ok) throw new Error(`${name}: ${result.error.code} ${result.error.message}`);
      return result.value;
    };
    if (core.session.current() === null) {
      await call('session.signIn', { serviceUrl: service.url, email: 'owner@northwind.example', password: DEMO_PASSWORD });
    }
    // A sync writes to the cache, so its -wal and -shm exist.
    await call('sync.now');
    return core;
  }

  beforeAll(async () => {
    service = await startTestService();
  }, 120_000);

  afterAll(async () => {
    for (const core of started) await core.close();
    await service?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it.each([
    ['022', 0o022],
    ['000', 0o000],
  ])('creates the folders 0700 and the database, -wal, -shm and session.json 0600 under umask %s', async (name, umask) => {
    const previous = process.umask(umask);
    try {
      const dataDir = join(root, `fresh-${name}`, 'Seatdesk');
      const core = await signedInCore(dataDir);
      expect(modesOf(dataDir, core)).toEqual(PRIVATE);
      await core.close();
    } finally {
      process.umask(previous);
    }
  }, 120_000);

  it('tightens a cache an older version left 0755 and 0644, -wal and -shm included, when it opens it', async () => {
    const previous = process.umask(0o022);
    try {
      const dataDir = join(root, 'older', 'Seatdesk');
      const first = await signedInCore(dataDir);
      const db = first.session.current()!.databaseFile;
      await first.close();

      // What an older Seatdesk left behind, killed with its -wal and -shm still on disk.
      const older = new Database(db);
      older.pragma('journal_mode = WAL');
      older.prepare('INSERT INTO kv (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run('left-by', JSON.stringify('an older version'));
      for (const folder of [dataDir, join(dataDir, 'accounts')]) chmodSync(folder, 0o755);
      for (const file of [db, `${db}-wal`, `${db}-shm`, join(dataDir, 'session.json')]) chmodSync(file, 0o644);
      expect(mode(`${db}-wal`)).toBe('644');

      const reopened = await signedInCore(dataDir);
      try {
        expect(reopened.session.current()?.databaseFile).toBe(db);
        expect(modesOf(dataDir, reopened)).toEqual(PRIVATE);
      } finally {
        older.close();
        await reopened.close();
      }
    } finally {
      process.umask(previous);
    }
  }, 120_000);
});

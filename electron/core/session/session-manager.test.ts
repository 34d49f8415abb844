import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isSeatdeskError, type SeatdeskError } from '@shared/errors';
import type { SessionStatus } from '@shared/ipc/channels';
import type { CoreEvent } from '@shared/ipc/contract';
import { hashToken } from '../../../service/auth/tokens';
import { DEMO_PASSWORD, startTestService, type TestService } from '../../../test/support/service';
import { DEMO_NOW } from '../../../test/support/commands';
import { keychainForTests } from '../../../test/support/keychain-available';
import { openCacheDatabase } from '../db/open';
import type { SyncTransport } from '../sync/transport';
import { keytarSecretStore, sessionAccount } from '../secrets/secret-store';
import { sessionFilePath } from './session-file';
import { createSessionManager, type SessionManager, type SessionManagerOptions } from './session-manager';

// The real Secret Service needs a D-Bus session with an unlocked keyring (.ci/run provides one).
const hasSecretService = await keychainForTests('The session manager tests');

const minutes = (n: number) => new Date(DEMO_NOW.getTime() + n * 60_000);

describe.skipIf(!hasSecretService)('the session manager (real service, real keyring)', () => {
  const secretStore = keytarSecretStore(`Seatdesk-test-${randomUUID()}`);
  let test: TestService;
  /** The desktop's clock; the service has its own (test.setNow). */
  let clock = DEMO_NOW;
  const dirs: string[] = [];
  const keychainAccounts = new Set<string>();
  /** Every refresh and access token seen, and every error raised, for the "never leaks" checks. */
  const tokensSeen = new Set<string>();
  const errorsSeen: SeatdeskError[] = [];

  function newDataDir(): string {
    const dir = mkdtempSync(join(tmpdir(), 'seatdesk-session-'));
    dirs.push(dir);
    return dir;
  }

  function newManager(dataDir: string, extra: Partial<SessionManagerOptions> = {}) {
    const events: CoreEvent[] = [];
    const manager = createSessionManager({
      dataDir,
      secretStore,
      defaultServiceUrl: 'https://billing.example.com',
      events: { emit: (event) => events.push(event) },
      now: () => clock,
      ...extra,
    });
    return { manager, events };
  }

  const signIn = async (manager: SessionManager, email: string, serviceUrl = test.url) => {
    const status = await manager.signIn({ serviceUrl, email, password: DEMO_PASSWORD });
    if (status.state !== 'signed-in') throw new Error('expected to be signed in');
    keychainAccounts.add(sessionAccount(status.serviceUrl, status.userId));
    tokensSeen.add(await manager.accessToken());
    return status;
  };

  /** The refresh token the keychain holds for the account now. */
  const secretOf = async (status: Extract<SessionStatus, { state: 'signed-in' }>) => {
    const secret = await secretStore.get(sessionAccount(status.serviceUrl, status.userId));
    if (secret !== null) tokensSeen.add(secret);
    return secret;
  };

  /** Refresh tokens the service ever issued to the user: +1 per refresh. */
  const issuedTo = async (userId: string) => {
    const [row] = await test.store.query<{ n: number }>('SELECT count(*)::int AS n FROM refresh_tokens WHERE user_id = $1', [userId]);
    return row!.n;
  };

  const failure = async (promise: Promise<unknown>): Promise<SeatdeskError> => {
    try {
      await promise;
    } catch (error) {
      if (!isSeatdeskError(error)) throw error;
      errorsSeen.push(error);
      return error;
    }
    throw new Error('expected the call to fail, and it succeeded');
  };

  function filesUnder(dir: string): string[] {
    return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)],
    );
  }

  /** Scans every byte of every file under the data folder for every token seen so far. */
  function expectNoTokensOnDisk(dir: string): void {
    expect(tokensSeen.size).toBeGreaterThan(0);
    for (const file of filesUnder(dir)) {
      const bytes = readFileSync(file);
      for (const token of tokensSeen) expect(bytes.includes(Buffer.from(token)), `${file} holds a token`).toBe(false);
    }
  }

  /** The account's cache, as the sync engine would leave it: a queued command in the outbox. */
  function cacheWithQueuedCommand(file: string): void {
    const db = openCacheDatabase(file);
    db.prepare(
      "INSERT INTO outbox (mutation_id, name, args, entity, org_id, queued_at) VALUES (1, 'createUser', '{}', 'user', ?, '2026-11-02T09:00:00Z')",
    ).run(randomUUID());
    db.close();
  }
  function queuedCommands(file: string): number {
    const db = openCacheDatabase(file);
    try {
      return (db.prepare('SELECT count(*) AS n FROM outbox').get() as { n: number }).n;
    } finally {
      db.close();
    }
  }

  beforeAll(async () => {
    test = await startTestService({ now: DEMO_NOW });
  });
  beforeEach(() => {
    clock = DEMO_NOW;
    test.setNow(DEMO_NOW);
  });
  afterAll(async () => {
    for (const account of keychainAccounts) await secretStore.delete(account);
    await test?.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('signs in: the refresh token in the keychain only, who is signed in in session.json', async () => {
    const dir = newDataDir();
    const { manager, events } = newManager(dir);
    expect(manager.status()).toEqual({ state: 'signed-out', defaultServiceUrl: 'https://billing.example.com' });

    const status = await signIn(manager, 'owner@northwind.example', `${test.url}/v1/some/page`);
    const [owner] = await test.store.query<{ id: string; org_id: string }>("SELECT id, org_id FROM users WHERE email_key = 'owner@northwind.example'");
    expect(status).toEqual({ state: 'signed-in', serviceUrl: new URL(test.url).origin, userId: owner!.id, email: 'owner@northwind.example' });
    expect(events).toEqual([{ type: 'session.changed' }]);

    const refreshToken = await secretOf(status);
    expect(refreshToken).toMatch(/^[\w-]{20,}$/);
    expect(JSON.parse(readFileSync(sessionFilePath(dir), 'utf8'))).toEqual({
      version: 1,
      serviceUrl: status.serviceUrl,
      userId: owner!.id,
      email: 'owner@northwind.example',
      orgId: owner!.org_id,
      clientId: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    expect((await manager.me()).user.id).toBe(owner!.id);
    expect(manager.current()?.databaseFile).toMatch(/[/\\]accounts[/\\][0-9a-f]{32}\.sqlite$/);
    expect(JSON.stringify(manager.status())).not.toContain(refreshToken);
    expectNoTokensOnDisk(dir);
    await manager.signOut();
  });

  it('refuses a wrong password with UNAUTHENTICATED and stores nothing', async () => {
    const dir = newDataDir();
    const { manager, events } = newManager(dir);
    const error = await failure(manager.signIn({ serviceUrl: test.url, email: 'billing@northwind.example', password: 'wrong-password-42' }));
    expect(error.code).toBe('UNAUTHENTICATED');
    expect(error.message).not.toContain('wrong-password-42');
    expect(manager.status().state).toBe('signed-out');
    expect(events).toEqual([]);
    expect(readdirSync(dir)).toEqual([]);
    const [billing] = await test.store.query<{ id: string }>("SELECT id FROM users WHERE email_key = 'billing@northwind.example'");
    expect(await secretStore.get(sessionAccount(test.url, billing!.id))).toBeNull();
  });

  it('refuses a service address that is not http(s), without a request', async () => {
    const { manager } = newManager(newDataDir());
    const error = await failure(manager.signIn({ serviceUrl: 'ftp://billing.example.com', email: 'owner@northwind.example', password: DEMO_PASSWORD }));
    expect(error.code).toBe('VALIDATION');
  });

  it('survives a restart: a new manager over the same data folder restores the session and refreshes lazily', async () => {
    const dir = newDataDir();
    const first = newManager(dir).manager;
    const status = await signIn(first, 'readonly@northwind.example');
    const stored = await secretOf(status);
    const issued = await issuedTo(status.userId);

    const { manager: second, events } = newManager(dir);
    expect(second.status().state).toBe('signed-out');
    expect(await second.restore()).toEqual(status);
    expect(events).toEqual([{ type: 'session.changed' }]);
    expect(second.current()?.databaseFile).toBe(first.current()?.databaseFile);
    // Restoring needs no network; the first call refreshes (there is no access token on disk).
    expect(await issuedTo(status.userId)).toBe(issued);
    expect((await second.me()).user.email).toBe('readonly@northwind.example');
    expect(await issuedTo(status.userId)).toBe(issued + 1);
    expect(await secretOf(status)).not.toBe(stored);
    // Restoring twice changes nothing.
    expect(await second.restore()).toEqual(status);
    expect(events).toHaveLength(1);
    expectNoTokensOnDisk(dir);
    await second.signOut();
  });

  it('refreshes the access token shortly before it expires, not earlier', async () => {
    const { manager } = newManager(newDataDir());
    const status = await signIn(manager, 'billing@northwind.example');
    const firstAccess = await manager.accessToken();
    const firstRefresh = await secretOf(status);
    const issued = await issuedTo(status.userId);

    // 13 minutes in (the token lasts 15): used as it is.
    clock = minutes(13);
    test.setNow(minutes(13));
    await manager.me();
    expect(await manager.accessToken()).toBe(firstAccess);
    expect(await issuedTo(status.userId)).toBe(issued);

    // 14.5 minutes in, within the minute's margin: refreshed before the call, though the service still takes the old one.
    clock = minutes(14.5);
    test.setNow(minutes(14.5));
    expect((await manager.me()).user.email).toBe('billing@northwind.example');
    expect(await issuedTo(status.userId)).toBe(issued + 1);
    const secondAccess = await manager.accessToken();
    tokensSeen.add(secondAccess);
    expect(secondAccess).not.toBe(firstAccess);
    expect(await secretOf(status)).not.toBe(firstRefresh);
    await manager.me();
    expect(await issuedTo(status.userId)).toBe(issued + 1);
    await manager.signOut();
  });

  it('refreshes once when the service answers 401, and retries the call once', async () => {
    const { manager } = newManager(newDataDir());
    const status = await signIn(manager, 'admin@wingtip-toys.example');
    const firstRefresh = await secretOf(status);
    const issued = await issuedTo(status.userId);

    // The desktop believes the token is good; the service's clock says it expired.
    test.setNow(minutes(16));
    expect((await manager.me()).user.email).toBe('admin@wingtip-toys.example');
    expect(await issuedTo(status.userId)).toBe(issued + 1);
    expect(await secretOf(status)).not.toBe(firstRefresh);
    expect(manager.status().state).toBe('signed-in');
    await manager.signOut();
  });

  it('lets concurrent calls share one refresh, before expiry and after a 401', async () => {
    const { manager } = newManager(newDataDir());
    const status = await signIn(manager, 'admin@contoso-dental.example');
    // The sync engine takes it as its SyncTransport (checked by tsc, not at run time).
    const transport: SyncTransport = manager.transport();
    const issued = await issuedTo(status.userId);
    const pullPage = () => transport.pull({ cursor: 0, limit: 1, clientId: randomUUID() });

    // Near expiry: four callers, one refresh.
    clock = minutes(14.5);
    test.setNow(minutes(14.5));
    const near = await Promise.allSettled([manager.me(), pullPage(), manager.me(), manager.accessToken()]);
    expect(near.map((result) => result.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled']);
    expect(await issuedTo(status.userId)).toBe(issued + 1);

    // Refused by the service: three callers see 401 with the same token, one refresh.
    test.setNow(minutes(31));
    const refused = await Promise.allSettled([manager.me(), pullPage(), manager.me()]);
    expect(refused.map((result) => result.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
    expect(await issuedTo(status.userId)).toBe(issued + 2);

    // Two refreshes in parallel would have reused a token and revoked the session; it lives on.
    clock = minutes(60);
    test.setNow(minutes(60));
    await manager.me();
    expect(await issuedTo(status.userId)).toBe(issued + 3);
    expect(manager.status().state).toBe('signed-in');
    await secretOf(status);
    await manager.signOut();
  });

  it('signs out cleanly when the service revoked the session, and keeps the account data', async () => {
    const dir = newDataDir();
    const { manager, events } = newManager(dir);
    const status = await signIn(manager, 'admin@alpine-ski-house.example');
    const session = manager.current()!;
    cacheWithQueuedCommand(session.databaseFile);
    await secretOf(status);

    // Another device (or an admin) ends this session on the service.
    const logout = await test.call('POST', '/v1/auth/logout', { token: await manager.accessToken() });
    expect(logout.status).toBe(200);

    const error = await failure(manager.me());
    expect(error.code).toBe('UNAUTHENTICATED');
    expect(manager.status()).toEqual({ state: 'signed-out', defaultServiceUrl: 'https://billing.example.com' });
    expect(events).toEqual([{ type: 'session.changed' }, { type: 'session.changed' }]);
    expect(await secretOf(status)).toBeNull();
    expect(existsSync(sessionFilePath(dir))).toBe(false);
    expect(queuedCommands(session.databaseFile)).toBe(1);
    expect(session.isActive()).toBe(false);
    expect((await failure(session.transport.pull({ cursor: 0, clientId: randomUUID() }))).code).toBe('UNAUTHENTICATED');
    expect((await failure(manager.me())).code).toBe('UNAUTHENTICATED');
    expect(await newManager(dir).manager.restore()).toMatchObject({ state: 'signed-out' });
    expectNoTokensOnDisk(dir);
  });

  it('signs out when its refresh token was already used (reuse revokes the family)', async () => {
    const dir = newDataDir();
    const { manager } = newManager(dir);
    const status = await signIn(manager, 'admin@tailspin-solutions.example');
    const databaseFile = manager.current()!.databaseFile;
    cacheWithQueuedCommand(databaseFile);

    // Someone rotates the stored token behind the manager's back: the keychain now holds a spent one.
    const stolen = await secretOf(status);
    const rotated = await test.call('POST', '/v1/auth/refresh', { body: { refreshToken: stolen } });
    expect(rotated.status).toBe(200);
    tokensSeen.add(rotated.body.refreshToken);

    clock = minutes(14.5);
    test.setNow(minutes(14.5));
    const error = await failure(manager.me());
    expect(error.code).toBe('UNAUTHENTICATED');
    expect(manager.status().state).toBe('signed-out');
    expect(await secretOf(status)).toBeNull();
    expect(existsSync(sessionFilePath(dir))).toBe(false);
    expect(statSync(databaseFile).isFile()).toBe(true);
    expect(queuedCommands(databaseFile)).toBe(1);
    // The thief's token died with the family.
    expect((await test.call('POST', '/v1/auth/refresh', { body: { refreshToken: rotated.body.refreshToken } })).status).toBe(401);
  });

  it('signs out: logs out on the service, forgets the secret and session.json, keeps the cache', async () => {
    const dir = newDataDir();
    const { manager, events } = newManager(dir);
    const status = await signIn(manager, 'admin@fabrikam-it-partners.example');
    const accessToken = await manager.accessToken();
    const databaseFile = manager.current()!.databaseFile;
    cacheWithQueuedCommand(databaseFile);

    expect(await manager.signOut()).toEqual({ state: 'signed-out', defaultServiceUrl: 'https://billing.example.com' });
    expect(events).toEqual([{ type: 'session.changed' }, { type: 'session.changed' }]);
    expect(await secretOf(status)).toBeNull();
    expect(existsSync(sessionFilePath(dir))).toBe(false);
    expect(queuedCommands(databaseFile)).toBe(1);
    expect((await test.call('GET', '/v1/me', { token: accessToken })).status).toBe(401);
    // Signing out twice is harmless.
    expect((await manager.signOut()).state).toBe('signed-out');
    expect(events).toHaveLength(2);
  });

  it('signs out a restored session on the service too, though it had no access token yet', async () => {
    const dir = newDataDir();
    const status = await signIn(newManager(dir).manager, 'owner@northwind.example');
    const stored = await secretOf(status);
    const { manager } = newManager(dir);
    await manager.restore();
    await manager.signOut();
    expect(await secretOf(status)).toBeNull();
    const family = await test.store.query<{ revoked: boolean }>(
      'SELECT revoked_at IS NOT NULL AS revoked FROM refresh_tokens WHERE family_id = (SELECT family_id FROM refresh_tokens WHERE token_hash = $1)',
      [hashToken(stored!)],
    );
    expect(family.length).toBeGreaterThan(0);
    expect(family.every((row) => row.revoked)).toBe(true);
  });

  it('ends the previous session when another account signs in', async () => {
    const dir = newDataDir();
    const { manager } = newManager(dir);
    const first = await signIn(manager, 'billing@northwind.example');
    const previous = manager.current()!;
    const second = await signIn(manager, 'readonly@northwind.example');
    expect(manager.status()).toEqual(second);
    expect(previous.isActive()).toBe(false);
    expect(await secretOf(first)).toBeNull();
    expect(await secretOf(second)).not.toBeNull();
    expect(JSON.parse(readFileSync(sessionFilePath(dir), 'utf8'))).toMatchObject({ userId: second.userId });
    await manager.signOut();
  });

  it('stays signed in while the service cannot be reached, and answers OFFLINE', async () => {
    const offline = await startTestService({ now: DEMO_NOW });
    const dir = newDataDir();
    const { manager } = newManager(dir);
    const status = await signIn(manager, 'owner@northwind.example', offline.url);
    const stored = await secretOf(status);
    await offline.close();

    expect((await failure(manager.me())).code).toBe('OFFLINE');
    expect(manager.status()).toEqual(status);

    // Even when the refresh is what cannot get through.
    clock = minutes(20);
    const error = await failure(manager.me());
    expect(error.code).toBe('OFFLINE');
    expect(error.message).toContain('cannot reach the billing service');
    expect(manager.status()).toEqual(status);
    expect(await secretOf(status)).toBe(stored);
    expect(existsSync(sessionFilePath(dir))).toBe(true);
    const pokes = manager.transport().pokes(new AbortController().signal)[Symbol.asyncIterator]();
    expect((await failure(pokes.next())).code).toBe('OFFLINE');

    // Signing out offline still signs out here.
    expect((await manager.signOut()).state).toBe('signed-out');
    expect(await secretOf(status)).toBeNull();
    expect(existsSync(sessionFilePath(dir))).toBe(false);

    // And signing in offline stores nothing.
    expect((await failure(manager.signIn({ serviceUrl: offline.url, email: 'owner@northwind.example', password: DEMO_PASSWORD }))).code).toBe('OFFLINE');
    expect(manager.status().state).toBe('signed-out');
    expect(readdirSync(dir)).toEqual(['accounts']);
  });

  it('pokes through the transport after a change made by another call, renewing the token on a 401', async () => {
    const { manager } = newManager(newDataDir());
    const status = await signIn(manager, 'owner@northwind.example');
    const issued = await issuedTo(status.userId);
    test.setNow(minutes(16));

    const controller = new AbortController();
    const listening = test.service.deps.notifier.size();
    const pokes = manager.transport().pokes(controller.signal)[Symbol.asyncIterator]();
    // Connected (after a refresh, since the service refused the first token): one item to catch up.
    expect(await pokes.next()).toEqual({ done: false, value: undefined });
    const poke = pokes.next();
    for (let i = 0; i < 500 && test.service.deps.notifier.size() === listening; i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(test.service.deps.notifier.size()).toBe(listening + 1);
    expect(await issuedTo(status.userId)).toBe(issued + 1);

    const other = await test.signIn('owner@northwind.example');
    const [org] = await test.store.query<{ id: string }>("SELECT id FROM orgs WHERE name = 'Contoso Dental'");
    const created = await test.call('POST', `/v1/orgs/${org!.id}/users`, {
      token: other.accessToken,
      body: { firstName: 'Poked', lastName: 'Session', email: `poked.${randomUUID().slice(0, 8)}@contoso-dental.example` },
    });
    expect(created.status).toBe(201);
    expect(await poke).toEqual({ done: false, value: undefined });

    controller.abort();
    expect(await pokes.next()).toEqual({ done: true, value: undefined });
    await manager.signOut();
  });

  it('never writes a token to the data folder or puts one in an error message', async () => {
    // One more full cycle, so this holds on its own: sign in, refresh, restart, revoke.
    const dir = newDataDir();
    const { manager } = newManager(dir);
    const status = await signIn(manager, 'admin@wingtip-toys.example');
    cacheWithQueuedCommand(manager.current()!.databaseFile);
    clock = minutes(14.5);
    test.setNow(minutes(14.5));
    await manager.me();
    await secretOf(status);
    const restarted = newManager(dir).manager;
    await restarted.restore();
    await restarted.me();
    await secretOf(status);
    await test.call('POST', '/v1/auth/logout', { token: await restarted.accessToken() });
    expect((await failure(restarted.me())).code).toBe('UNAUTHENTICATED');

    for (const folder of dirs) if (existsSync(folder)) expectNoTokensOnDisk(folder);
    expect(errorsSeen.length).toBeGreaterThan(5);
    for (const error of errorsSeen) {
      const text = `${error.message} ${JSON.stringify(error.details) ?? ''} ${String(error.stack)}`;
      for (const token of tokensSeen) expect(text.includes(token), `${error.code}: ${error.message}`).toBe(false);
    }
  });
});

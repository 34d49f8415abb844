import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isSeatdeskError, type SeatdeskError } from '@shared/errors';
import type { SessionStatus } from '@shared/ipc/channels';
import { hashToken } from '../../../service/auth/tokens';
import { DEMO_PASSWORD, startTestService, type TestService } from '../../../test/support/service';
import { DEMO_NOW } from '../../../test/support/commands';
import { keychainForTests } from '../../../test/support/keychain-available';
import { keytarSecretStore, sessionAccount, type SecretStore } from '../secrets/secret-store';
import { sessionFilePath } from './session-file';
import { createSessionManager, type SessionManager } from './session-manager';

// The real Secret Service needs a D-Bus session with an unlocked keyring (.ci/run provides one).
const hasSecretService = await keychainForTests('The session refresh tests');

/** What the fault proxy does to the next /v1/auth/refresh. */
type RefreshFault =
  /** The service answers (and commits the rotation); the proxy throws the answer away and cuts the connection. */
  | 'lose-answer'
  /** The connection is cut before the service sees the request. */
  | 'reset'
  | 'bad-gateway'
  /** A 401 with no API error body, as a proxy or captive portal might answer. */
  | 'bare-401';

interface FaultProxy {
  url: string;
  /** Faults for the next refreshes, in order; a refresh with none left passes. */
  refreshFaults: RefreshFault[];
  refreshes: number;
  close(): Promise<void>;
}

/** A loopback HTTP proxy in front of the real service that logs every request's bearer to `log`. */
async function startFaultProxy(target: string, log: string[]): Promise<FaultProxy> {
  const forwardHeaders = (headers: IncomingHttpHeaders) =>
    Object.fromEntries(['authorization', 'content-type', 'accept'].flatMap((name) => (typeof headers[name] === 'string' ? [[name, headers[name]]] : [])));
  const proxy: FaultProxy = { url: '', refreshFaults: [], refreshes: 0, close: async () => undefined };
  const server = createServer((request, response) => {
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      const path = request.url ?? '/';
      const isRefresh = path === '/v1/auth/refresh';
      log.push(`request ${request.method} ${path} ${request.headers.authorization ?? '-'}`);
      const fault = isRefresh ? proxy.refreshFaults.shift() : undefined;
      if (isRefresh) proxy.refreshes += 1;
      if (fault === 'reset') return void request.socket.destroy();
      if (fault === 'bad-gateway') return void response.writeHead(502, { 'content-type': 'text/html' }).end('<h1>502 Bad Gateway</h1>');
      if (fault === 'bare-401') return void response.writeHead(401, { 'content-type': 'text/html' }).end('<h1>401 Authorization Required</h1>');
      const upstream = await fetch(target + path, {
        method: request.method ?? 'GET',
        headers: forwardHeaders(request.headers),
        ...(request.method === 'GET' || request.method === 'HEAD' ? {} : { body: Buffer.concat(chunks) }),
      });
      const body = Buffer.from(await upstream.arrayBuffer());
      if (fault === 'lose-answer') {
        log.push('refresh answer lost');
        return void request.socket.destroy();
      }
      if (isRefresh && upstream.status === 200) log.push(`refresh answered ${(JSON.parse(body.toString('utf8')) as { refreshToken: string }).refreshToken}`);
      response.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' }).end(body);
    })().catch(() => request.socket.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return proxy;
}

/** Where a simulated crash stops the desktop process (its promises never settle again). */
type CrashPoint = 'reading the keychain' | 'after the answer, before the keychain write' | 'right after the keychain write';

/** The real keychain, logging what is saved to `log`, and able to die at a crash point or refuse a write. */
function instrumentedKeychain(inner: SecretStore, log: string[]) {
  let crashAt: CrashPoint | null = null;
  let crashed: () => void = () => undefined;
  let refuseNextWrite = false;
  let held: Promise<void> | null = null;
  let heldStarted: () => void = () => undefined;
  const never = new Promise<never>(() => undefined);
  const store: SecretStore = {
    async get(account) {
      if (crashAt === 'reading the keychain') {
        crashAt = null;
        crashed();
        return never;
      }
      return inner.get(account);
    },
    async set(account, secret) {
      if (crashAt === 'after the answer, before the keychain write') {
        crashAt = null;
        crashed();
        return never;
      }
      if (refuseNextWrite) {
        refuseNextWrite = false;
        throw new Error('The keychain is locked');
      }
      if (held !== null) {
        const wait = held;
        held = null;
        heldStarted();
        await wait;
      }
      await inner.set(account, secret);
      log.push(`keychain set ${secret}`);
      if (crashAt === 'right after the keychain write') {
        crashAt = null;
        crashed();
        return never;
      }
    },
    delete: (account) => inner.delete(account),
  };
  return {
    store,
    /** Resolves when the process "dies" at that point. */
    crashAt(point: CrashPoint): Promise<void> {
      crashAt = point;
      return new Promise((resolve) => (crashed = resolve));
    },
    refuseNextWrite() {
      refuseNextWrite = true;
    },
    /** The next write waits until release() (a slow keychain prompt); `started` resolves when it begins waiting. */
    holdNextWrite(): { started: Promise<void>; release: () => void } {
      let release: () => void = () => undefined;
      held = new Promise((resolve) => (release = resolve));
      const started = new Promise<void>((resolve) => (heldStarted = resolve));
      return { started, release };
    },
  };
}

const minutes = (n: number) => new Date(DEMO_NOW.getTime() + n * 60_000);

describe.skipIf(!hasSecretService)('session refresh through lost answers, faults and crashes (real service, real keyring)', () => {
  const keychain = keytarSecretStore(`Seatdesk-test-${randomUUID()}`);
  const accounts = new Set<string>();
  const dirs: string[] = [];
  let test: TestService;
  let proxy: FaultProxy;
  const log: string[] = [];
  let clock = DEMO_NOW;

  beforeAll(async () => {
    test = await startTestService({ now: DEMO_NOW });
    proxy = await startFaultProxy(test.url, log);
  });
  beforeEach(() => {
    clock = DEMO_NOW;
    test.setNow(DEMO_NOW);
    log.splice(0);
    proxy.refreshFaults = [];
    proxy.refreshes = 0;
  });
  afterAll(async () => {
    for (const account of accounts) await keychain.delete(account);
    await proxy?.close();
    await test?.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  const setClocks = (date: Date) => {
    clock = date;
    test.setNow(date);
  };

  function newManager(dataDir: string, secretStore: SecretStore = keychain): SessionManager {
    return createSessionManager({ dataDir, secretStore, defaultServiceUrl: null, now: () => clock });
  }

  async function signIn(email: string, secretStore: SecretStore = keychain): Promise<{ manager: SessionManager; dir: string; status: Extract<SessionStatus, { state: 'signed-in' }> }> {
    const dir = mkdtempSync(join(tmpdir(), 'seatdesk-refresh-'));
    dirs.push(dir);
    const manager = newManager(dir, secretStore);
    const status = await manager.signIn({ serviceUrl: proxy.url, email, password: DEMO_PASSWORD });
    if (status.state !== 'signed-in') throw new Error('expected to be signed in');
    accounts.add(sessionAccount(status.serviceUrl, status.userId));
    return { manager, dir, status };
  }

  const stored = (status: Extract<SessionStatus, { state: 'signed-in' }>) => keychain.get(sessionAccount(status.serviceUrl, status.userId));

  async function familyOf(refreshToken: string): Promise<{ tokens: number; revoked: boolean }> {
    const rows = await test.store.query<{ revoked: boolean }>(
      'SELECT revoked_at IS NOT NULL AS revoked FROM refresh_tokens WHERE family_id = (SELECT family_id FROM refresh_tokens WHERE token_hash = $1)',
      [hashToken(refreshToken)],
    );
    return { tokens: rows.length, revoked: rows.some((row) => row.revoked) };
  }

  const failure = async (promise: Promise<unknown>): Promise<SeatdeskError> => {
    try {
      await promise;
    } catch (error) {
      if (isSeatdeskError(error)) return error;
      throw error;
    }
    throw new Error('expected the call to fail, and it succeeded');
  };

  it('sends this sign-in’s client id with each refresh, kept in session.json', async () => {
    const { manager, dir, status } = await signIn('owner@northwind.example');
    const { clientId } = JSON.parse(readFileSync(sessionFilePath(dir), 'utf8')) as { clientId: string };
    expect(clientId).toMatch(/^[0-9a-f-]{36}$/);
    setClocks(minutes(14.5));
    await manager.me();
    const [row] = await test.store.query<{ rotated_by_client: string }>('SELECT rotated_by_client FROM refresh_tokens WHERE user_id = $1 AND rotated_at IS NOT NULL', [status.userId]);
    expect(row?.rotated_by_client).toBe(clientId);
    await manager.signOut();
  });

  it('gives a session.json from before client ids one on restore, saved before the first refresh', async () => {
    const { dir, status } = await signIn('admin@tailspin-solutions.example');
    const { clientId: _dropped, ...legacy } = JSON.parse(readFileSync(sessionFilePath(dir), 'utf8')) as Record<string, unknown>;
    writeFileSync(sessionFilePath(dir), JSON.stringify(legacy));
    const restarted = newManager(dir);
    expect(await restarted.restore()).toEqual(status);
    const { clientId } = JSON.parse(readFileSync(sessionFilePath(dir), 'utf8')) as { clientId?: string };
    expect(clientId).toMatch(/^[0-9a-f-]{36}$/);
    await restarted.me();
    const [row] = await test.store.query<{ rotated_by_client: string }>('SELECT rotated_by_client FROM refresh_tokens WHERE user_id = $1 AND rotated_at IS NOT NULL', [status.userId]);
    expect(row?.rotated_by_client).toBe(clientId);
    await restarted.signOut();
  });

  it('shares one refresh among concurrent callers (one request on the wire)', async () => {
    const { manager } = await signIn('billing@northwind.example');
    setClocks(minutes(14.5));
    const tokens = await Promise.all(Array.from({ length: 10 }, () => manager.accessToken()));
    expect(proxy.refreshes).toBe(1);
    expect(new Set(tokens).size).toBe(1);
    await manager.signOut();
  });

  it('writes the new refresh token to the keychain before it uses the new access token', async () => {
    const instrumented = instrumentedKeychain(keychain, log);
    const { manager } = await signIn('readonly@northwind.example', instrumented.store);
    log.splice(0);
    setClocks(minutes(14.5));
    // The keychain is slow to take the new token; meanwhile another caller wants the service.
    const hold = instrumented.holdNextWrite();
    const refreshing = manager.me();
    await hold.started;
    const other = manager.me();
    await new Promise((resolve) => setTimeout(resolve, 300));
    hold.release();
    await Promise.all([refreshing, other]);
    const access = await manager.accessToken();
    const answered = log.findIndex((line) => line.startsWith('refresh answered '));
    const successor = log[answered]!.slice('refresh answered '.length);
    const saved = log.indexOf(`keychain set ${successor}`);
    const used = log.findIndex((line) => line.endsWith(`Bearer ${access}`));
    expect(answered).toBeGreaterThanOrEqual(0);
    expect(saved).toBeGreaterThan(answered);
    expect(used).toBeGreaterThan(saved);
    await manager.signOut();
  });

  it('survives a lost refresh answer: the retry gets the same successor and nobody is signed out', async () => {
    const { manager, status } = await signIn('admin@wingtip-toys.example');
    const before = await stored(status);
    setClocks(minutes(14.5));
    proxy.refreshFaults = ['lose-answer'];
    expect((await failure(manager.me())).code).toBe('OFFLINE');
    expect(manager.status()).toEqual(status);
    expect(await stored(status)).toBe(before);
    // The service did rotate: the family has the successor the answer carried.
    expect(await familyOf(before!)).toEqual({ tokens: 2, revoked: false });

    // 30 s later the next call presents the old token again and gets that same successor.
    setClocks(new Date(minutes(14.5).getTime() + 30_000));
    expect((await manager.me()).user.id).toBe(status.userId);
    const after = await stored(status);
    expect(after).not.toBe(before);
    expect(await familyOf(before!)).toEqual({ tokens: 2, revoked: false });
    expect(proxy.refreshes).toBe(2);

    // And the session carries on from it.
    setClocks(minutes(30));
    await manager.me();
    expect(await familyOf(before!)).toEqual({ tokens: 3, revoked: false });
    expect(manager.status()).toEqual(status);
    await manager.signOut();
  });

  it.each<CrashPoint>(['reading the keychain', 'after the answer, before the keychain write', 'right after the keychain write'])(
    'keeps the user signed in after a crash %s (a new manager on the same keychain and session.json)',
    async (point) => {
      const instrumented = instrumentedKeychain(keychain, log);
      const { manager, dir, status } = await signIn('admin@contoso-dental.example', instrumented.store);
      const first = await stored(status);
      log.splice(0);
      setClocks(minutes(14.5));
      const crashed = instrumented.crashAt(point);
      void manager.me().catch(() => undefined);
      await crashed;
      const answered = log.find((line) => line.startsWith('refresh answered '));
      expect(answered === undefined).toBe(point === 'reading the keychain');
      // The dying process never used a new access token: its only request was the refresh.
      expect(log.filter((line) => line.startsWith('request ') && !line.startsWith('request POST /v1/auth/refresh'))).toEqual([]);

      // Restarted two days later (the successor was never used, so the same client gets it again).
      const restartedAt = new Date(minutes(14.5).getTime() + 2 * 24 * 60 * 60_000);
      setClocks(restartedAt);
      const restarted = newManager(dir);
      expect(await restarted.restore()).toEqual(status);
      expect((await restarted.me()).user.id).toBe(status.userId);
      expect(restarted.status()).toEqual(status);
      const family = await familyOf(first!);
      expect(family.revoked).toBe(false);
      // Lost before the keychain write: the restart got the same successor, not a third token.
      if (point === 'after the answer, before the keychain write') expect(family.tokens).toBe(2);
      if (point === 'right after the keychain write') expect(family.tokens).toBe(3);
      if (answered !== undefined) {
        const successor = answered.slice('refresh answered '.length);
        if (point === 'after the answer, before the keychain write') expect(await stored(status)).toBe(successor);
      }

      setClocks(new Date(restartedAt.getTime() + 40 * 60_000));
      await restarted.me();
      expect(restarted.status()).toEqual(status);
      expect((await familyOf(first!)).revoked).toBe(false);
      await restarted.signOut();
    },
  );

  it('never signs out on a refresh answered with a network error, 502 or a bare 401; a definite 401 does', async () => {
    const { manager, status } = await signIn('admin@alpine-ski-house.example');
    const before = await stored(status);
    setClocks(minutes(14.5));
    proxy.refreshFaults = ['reset', 'bad-gateway', 'bare-401'];
    expect((await failure(manager.me())).code).toBe('OFFLINE');
    const gateway = await failure(manager.me());
    expect(gateway.code).toBe('INTERNAL');
    expect(gateway.details).toMatchObject({ retryable: true });
    const bare = await failure(manager.me());
    expect(bare.code).toBe('INTERNAL');
    expect(bare.details).toMatchObject({ status: 401, retryable: true });
    expect(manager.status()).toEqual(status);
    expect(await stored(status)).toBe(before);

    expect((await manager.me()).user.id).toBe(status.userId);
    expect(manager.status()).toEqual(status);

    // The service ends the session: the next refresh is answered 401 with sessionEnded, which signs out.
    await test.call('POST', '/v1/auth/logout', { token: await manager.accessToken() });
    expect((await failure(manager.me())).code).toBe('UNAUTHENTICATED');
    expect(manager.status().state).toBe('signed-out');
    expect(await stored(status)).toBeNull();
  });

  it('keeps the new refresh token in memory when the keychain refuses it, and saves it on the next refresh', async () => {
    const instrumented = instrumentedKeychain(keychain, log);
    const { manager, status } = await signIn('admin@fabrikam-it-partners.example', instrumented.store);
    const first = await stored(status);
    setClocks(minutes(14.5));
    instrumented.refuseNextWrite();
    const refused = await failure(manager.me());
    expect(refused.code).toBe('INTERNAL');
    expect(refused.message).toContain('keychain');
    expect(manager.status()).toEqual(status);

    // Two minutes on, past the grace window: the live token in memory continues the session.
    setClocks(minutes(16.5));
    expect((await manager.me()).user.id).toBe(status.userId);
    expect(await familyOf(first!)).toEqual({ tokens: 3, revoked: false });
    expect(await stored(status)).not.toBe(first);
    await manager.signOut();
  });
});

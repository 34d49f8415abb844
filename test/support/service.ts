import { buildService, type Service } from '../../service/app';
import { openPostgres, type Store } from '../../service/db/store';
import { seedDatabase } from '../../service/seed/load';
import { openTestPglite } from '../../service/testing/pglite';
import { createFreshDatabase } from '../../service/testing/postgres';

export type DatabaseKind = 'pglite' | 'postgres';

/** PGlite always; PostgreSQL too when TEST_DATABASE_URL is set (CI sets it when a server answers). */
export function testDatabases(): DatabaseKind[] {
  return process.env['TEST_DATABASE_URL'] ? ['pglite', 'postgres'] : ['pglite'];
}

export interface TestService {
  url: string;
  service: Service;
  store: Store;
  /** Moves the service's clock (for billing periods, contracts, token expiry). */
  setNow(date: Date): void;
  signIn(email: string, password?: string): Promise<Session>;
  /** fetch against the service, JSON in and out. The body is loosely typed: tests assert its shape. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test-only; every use is followed by assertions on the shape
  call(method: string, path: string, options?: { token?: string; body?: unknown; raw?: string; headers?: Record<string, string> }): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

export interface Session {
  accessToken: string;
  refreshToken: string;
  user: { id: string; orgId: string; email: string };
}

export const DEMO_PASSWORD = 'seatdesk-demo';
export const OPERATOR_TOKEN = 'operator-token-for-tests-0123456789';

/** A real service on 127.0.0.1 (port from the OS), on a fresh database of the given kind. */
export async function startTestService(
  options: { database?: DatabaseKind; seed?: 'demo' | 'none'; now?: Date; /** Receives the service's log lines (none are written otherwise). */ logStream?: { write(line: string): void } } = {},
): Promise<TestService> {
  const database = options.database ?? 'pglite';
  let dropDatabase = async () => {};
  let store: Store;
  if (database === 'postgres') {
    // The drop waits for the store's connections to close (a forced drop meanwhile is an unhandled error).
    const fresh = await createFreshDatabase();
    store = await openPostgres(fresh.url);
    dropDatabase = () => fresh.drop();
  } else {
    store = await openTestPglite();
  }
  let now = options.now ?? null;
  const logging = options.logStream === undefined ? { logger: false } : { logger: true, logStream: options.logStream };
  const service = await buildService({ store, operatorToken: OPERATOR_TOKEN, ...logging, now: () => now ?? new Date() });
  if ((options.seed ?? 'demo') === 'demo') await seedDatabase(store, { kind: 'demo' });
  const url = await service.app.listen({ port: 0, host: '127.0.0.1' });

  const call: TestService['call'] = async (method, path, callOptions = {}) => {
    const headers: Record<string, string> = { ...callOptions.headers };
    if (callOptions.token) headers['authorization'] = `Bearer ${callOptions.token}`;
    let body: string | undefined = callOptions.raw;
    if (callOptions.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(callOptions.body);
    }
    const response = await fetch(url + path, { method, headers, ...(body === undefined ? {} : { body }) });
    const text = await response.text();
    return { status: response.status, body: text === '' ? null : JSON.parse(text) };
  };

  return {
    url,
    service,
    store,
    setNow(date) {
      now = date;
    },
    async signIn(email, password = DEMO_PASSWORD) {
      const response = await call('POST', '/v1/auth/login', { body: { email, password } });
      if (response.status !== 200) throw new Error(`sign-in as ${email} failed: ${JSON.stringify(response.body)}`);
      return response.body as Session;
    },
    call,
    async close() {
      await service.close();
      await store.close();
      await dropDatabase();
    },
  };
}

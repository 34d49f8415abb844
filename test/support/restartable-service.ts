import { randomBytes } from 'node:crypto';
import { buildService, type Service } from '../../service/app';
import type { Store } from '../../service/db/store';
import { seedDatabase } from '../../service/seed/load';
import { openTestPglite } from '../../service/testing/pglite';
import { DEMO_PASSWORD, OPERATOR_TOKEN, type Session } from './service';

/**
 * A real billing service that can go away and come back on the SAME database and port, for
 * offline tests: stop() closes only the HTTP server (open connections, event streams included,
 * are cut); start() builds the service again over the same PGlite store and token secret, so the
 * data, the sync clients and the access tokens all survive.
 */
export interface RestartableService {
  /** Stays the same across restarts. */
  readonly url: string;
  readonly store: Store;
  /** The running service (a new one after each start). */
  service(): Service;
  running(): boolean;
  setNow(date: Date): void;
  signIn(email: string, password?: string): Promise<Session>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test-only; every use is followed by assertions on the shape
  call(method: string, path: string, options?: { token?: string; body?: unknown }): Promise<{ status: number; body: any }>;
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

export async function startRestartableService(options: { seed?: 'demo' | 'none'; now?: Date } = {}): Promise<RestartableService> {
  const store = await openTestPglite();
  const tokenSecret = randomBytes(32);
  let now = options.now ?? null;
  const build = () => buildService({ store, tokenSecret, operatorToken: OPERATOR_TOKEN, logger: false, now: () => now ?? new Date() });

  let current: Service | null = await build();
  if ((options.seed ?? 'demo') === 'demo') await seedDatabase(store, { kind: 'demo' });
  const url = await current.app.listen({ port: 0, host: '127.0.0.1' });
  const port = Number(new URL(url).port);

  const call: RestartableService['call'] = async (method, path, callOptions = {}) => {
    const headers: Record<string, string> = {};
    if (callOptions.token) headers['authorization'] = `Bearer ${callOptions.token}`;
    let body: string | undefined;
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
    store,
    service() {
      if (current === null) throw new Error('The service is stopped.');
      return current;
    },
    running: () => current !== null,
    setNow(date) {
      now = date;
    },
    async signIn(email, password = DEMO_PASSWORD) {
      const response = await call('POST', '/v1/auth/login', { body: { email, password } });
      if (response.status !== 200) throw new Error(`sign-in as ${email} failed: ${JSON.stringify(response.body)}`);
      return response.body as Session;
    },
    call,
    async stop() {
      if (current === null) return;
      const service = current;
      current = null;
      await service.close();
    },
    async start() {
      if (current !== null) return;
      const service = await build();
      // The port was ours a moment ago; another process taking it in between is not worth a retry loop.
      await service.app.listen({ port, host: '127.0.0.1' });
      current = service;
    },
    async close() {
      if (current !== null) await current.close();
      current = null;
      await store.close();
    },
  };
}

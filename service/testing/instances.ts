import { buildService, type Service, type ServiceOptions } from '../app';
import { openPostgres, type Store } from '../db/store';
import { seedDatabase } from '../seed/load';
import { openTestPglite } from './pglite';

export const INSTANCE_TOKEN_SECRET = Buffer.from('instances-test-token-secret-0123456789abcdef');
export const INSTANCE_OPERATOR_TOKEN = 'operator-token-for-instances-0123456789';

/** One service instance (its own pool, listener and workers) on a shared PostgreSQL database, or on in-memory PGlite. */
export interface Instance {
  url: string;
  service: Service;
  store: Store;
  /** JSON in and out, with an optional bearer token. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test-only; every use asserts the shape
  call(method: string, path: string, options?: { token?: string; body?: unknown }): Promise<{ status: number; body: any }>;
  signIn(email: string): Promise<{ accessToken: string }>;
  close(): Promise<void>;
}

export async function startInstance(database: string | 'pglite', options: { seed?: boolean } & Partial<ServiceOptions> = {}): Promise<Instance> {
  const store = database === 'pglite' ? await openTestPglite() : await openPostgres(database);
  const { seed, ...serviceOptions } = options;
  const service = await buildService({
    store,
    ...(database === 'pglite' ? {} : { databaseUrl: database }),
    tokenSecret: INSTANCE_TOKEN_SECRET,
    operatorToken: INSTANCE_OPERATOR_TOKEN,
    logger: false,
    ...serviceOptions,
  });
  if (seed === true) await seedDatabase(store, { kind: 'demo' });
  const url = await service.app.listen({ port: 0, host: '127.0.0.1' });
  const call: Instance['call'] = async (method, path, callOptions = {}) => {
    const headers: Record<string, string> = {};
    if (callOptions.token !== undefined) headers['authorization'] = `Bearer ${callOptions.token}`;
    if (callOptions.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(url + path, { method, headers, ...(callOptions.body === undefined ? {} : { body: JSON.stringify(callOptions.body) }) });
    const text = await response.text();
    return { status: response.status, body: text === '' ? null : JSON.parse(text) };
  };
  return {
    url,
    service,
    store,
    call,
    async signIn(email) {
      const response = await call('POST', '/v1/auth/login', { body: { email, password: 'seatdesk-demo' } });
      if (response.status !== 200) throw new Error(`sign-in as ${email} failed: ${JSON.stringify(response.body)}`);
      return response.body as { accessToken: string };
    },
    async close() {
      await service.close();
      await store.close();
    },
  };
}

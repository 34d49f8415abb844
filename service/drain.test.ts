import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { killAll, startService, type ChildService } from './testing/child-service';
import { connectEvents } from './testing/event-client';
import { createFreshDatabase, type FreshDatabase } from './testing/postgres';
import { postgresForTests } from '../test/support/postgres-available';

const TOKEN_SECRET = 'drain-test-token-secret-0123456789abcdefghij';

async function until(condition: () => Promise<boolean> | boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) return false;
    await sleep(25);
  }
  return true;
}

async function signIn(url: string, email: string): Promise<string> {
  const response = await fetch(`${url}/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: 'seatdesk-demo' }),
  });
  return ((await response.json()) as { accessToken: string }).accessToken;
}

const refused = async (url: string) =>
  fetch(`${url}/healthz`, { headers: { connection: 'close' } }).then(
    () => false,
    () => true,
  );

describe('SIGTERM drains the service', () => {
  let running: ChildService[] = [];
  let database: FreshDatabase | undefined;
  afterEach(async () => {
    killAll(running);
    await Promise.all(running.map((service) => service.exited));
    running = [];
    await database?.drop();
    database = undefined;
  });

  it('on PGlite: event streams end with a retry hint, and the process exits 0', { timeout: 60_000 }, async () => {
    const service = await startService(['--port', '0', '--data', 'memory', '--seed', 'demo']);
    running.push(service);
    const events = await connectEvents(service.url, await signIn(service.url, 'owner@northwind.example'));
    expect(events.status).toBe(200);
    service.child.kill('SIGTERM');
    await events.ended;
    expect(events.text()).toMatch(/\nretry: \d+\n\n$/);
    expect(await service.exited).toBe(0);
  });

  it.skipIf(!postgresForTests('on PostgreSQL: stops accepting and ends streams at once, finishes the transaction in flight, then exits 0'))(
    'on PostgreSQL: stops accepting and ends streams at once, finishes the transaction in flight, then exits 0',
    { timeout: 120_000 },
    async () => {
      database = await createFreshDatabase();
      const service = await startService(['--port', '0', '--seed', 'demo'], {
        DATABASE_URL: database.url,
        SEATDESK_TOKEN_SECRET: TOKEN_SECRET,
        SEATDESK_DRAIN_TIMEOUT_MS: '60000',
      });
      running.push(service);
      const token = await signIn(service.url, 'owner@northwind.example');
      const [target] = await database.query<{ id: string; org_id: string; version: number }>("SELECT id, org_id, version FROM users WHERE email_key = 'readonly@northwind.example'");
      const events = await connectEvents(service.url, token);
      expect(events.status).toBe(200);
      expect((await fetch(`${service.url}/readyz`)).status).toBe(200);

      // The test holds the user's row, so the service's update waits inside its transaction.
      const holder = new pg.Client({ connectionString: database.url });
      await holder.connect();
      await holder.query('BEGIN');
      await holder.query('SELECT 1 FROM users WHERE id = $1 FOR UPDATE', [target!.id]);
      const update = fetch(`${service.url}/v1/orgs/${target!.org_id}/users/${target!.id}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ version: target!.version, firstName: 'Drained' }),
      });
      const waiting = async () =>
        (await database!.adminQuery<{ n: number }>("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock'", [database!.name]))[0]?.n === 1;
      expect(await until(waiting, 15_000)).toBe(true);

      service.child.kill('SIGTERM');
      // At once: the stream ends with a hint to reconnect (elsewhere), and new connections are refused.
      await events.ended;
      expect(events.text()).toMatch(/\nretry: \d+\n\n$/);
      expect(await until(() => refused(service.url), 5000)).toBe(true);
      // The request in flight is still waiting, and the process with it.
      await sleep(500);
      expect(service.child.exitCode).toBeNull();

      await holder.query('COMMIT');
      await holder.end();
      const answer = await update;
      expect(answer.status).toBe(200);
      expect(((await answer.json()) as { firstName: string }).firstName).toBe('Drained');
      expect(await service.exited).toBe(0);
      expect(await database.query('SELECT first_name FROM users WHERE id = $1', [target!.id])).toEqual([{ first_name: 'Drained' }]);
    },
  );
});

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../db/store';
import { startTestService, testDatabases, type Session, type TestService } from '../../test/support/service';

/**
 * The reads that confirm their actor in their own statement (GET users, GET invoices, pull) start
 * from the session's kept actor. These tests change the actor behind the service's back, straight
 * in the database (no poke, no notice), and the very next request must see it.
 */
describe.each(testDatabases())('kept actors (%s)', (database) => {
  let test: TestService;
  let statements: string[];
  let wingtip: string;

  beforeAll(async () => {
    test = await startTestService({ database });
    statements = watch(test.store);
    [{ id: wingtip }] = (await test.store.query<{ id: string }>("SELECT id FROM orgs WHERE name = 'Wingtip Toys'")) as [{ id: string }];
  });
  afterAll(async () => {
    await test?.close();
  });

  /** Records the text of every statement the service sends through the store. */
  function watch(store: Store): string[] {
    const seen: string[] = [];
    const { query, queryPrepared } = store;
    store.query = ((text: string, params?: readonly unknown[]) => (seen.push(text), query(text, params))) as Store['query'];
    store.queryPrepared = ((text: string, params: readonly unknown[]) => (seen.push(text), queryPrepared(text, params))) as Store['queryPrepared'];
    return seen;
  }

  const get = (session: Session, path: string) => test.call('GET', path, { token: session.accessToken });
  const sessionOf = (session: Session) => test.service.deps.tokens.verifyAccess(session.accessToken, new Date())!.sid;
  const reads = (orgId: string) => [`/v1/orgs/${orgId}/users`, `/v1/orgs/${orgId}/invoices`, `/v1/sync/pull?cursor=0&limit=5&clientId=${randomUUID()}`];

  it('answers a session’s later reads in one statement, without loading the actor again', async () => {
    const owner = await test.signIn('owner@northwind.example');
    for (const path of reads(wingtip)) {
      expect((await get(owner, path)).status, path).toBe(200);
      statements.length = 0;
      const again = await get(owner, path);
      expect(again.status, path).toBe(200);
      // Nothing loads the actor. The pull also counts what remains after its full page: here in a
      // statement of its own, the demo history being shorter than one bucket of kept counts.
      expect(statements.filter((text) => /FROM users u\s+WHERE u\.id = \$1 AND u\.status = 'active'/.test(text)), path).toEqual([]);
      expect(statements.length, path).toBe(path.startsWith('/v1/sync/pull') ? 2 : 1);
    }
  });

  it('refuses the next read once the session is signed out or revoked', async () => {
    const signedOut = await test.signIn('owner@northwind.example');
    const revoked = await test.signIn('owner@northwind.example');
    for (const session of [signedOut, revoked]) for (const path of reads(wingtip)) expect((await get(session, path)).status).toBe(200);

    expect((await test.call('POST', '/v1/auth/logout', { token: signedOut.accessToken })).status).toBe(200);
    await test.store.query('UPDATE refresh_tokens SET revoked_at = now() WHERE family_id = $1', [sessionOf(revoked)]);
    for (const session of [signedOut, revoked]) {
      for (const path of reads(wingtip)) {
        const answer = await get(session, path);
        expect(answer.status, path).toBe(401);
        expect(answer.body.error.code).toBe('UNAUTHENTICATED');
      }
    }
  });

  it('refuses the next read once the user is deactivated, and once their permissions are taken away', async () => {
    const deactivated = await test.signIn('admin@wingtip-toys.example');
    const demoted = await test.signIn('owner@northwind.example');
    for (const session of [deactivated, demoted]) for (const path of reads(wingtip)) expect((await get(session, path)).status, path).toBe(200);

    await test.store.query("UPDATE users SET status = 'deactivated' WHERE id = $1", [deactivated.user.id]);
    for (const path of reads(wingtip)) expect((await get(deactivated, path)).status, path).toBe(401);

    const [before] = await test.store.query<{ role_ids: string[]; permissions: string[] }>('SELECT role_ids, permissions FROM users WHERE id = $1', [demoted.user.id]);
    await test.store.query("UPDATE users SET role_ids = '{}', permissions = '{}' WHERE id = $1", [demoted.user.id]);
    for (const path of reads(wingtip).slice(0, 2)) {
      const answer = await get(demoted, path);
      expect(answer.status, path).toBe(403);
      expect(answer.body.error.code).toBe('FORBIDDEN');
    }
    // Without users.view or billing.view, a pull carries no users and no invoices.
    const pulled = await get(demoted, reads(wingtip)[2]!);
    expect(pulled.status).toBe(200);
    expect((pulled.body.changes as { entity: string }[]).filter((change) => change.entity === 'user' || change.entity === 'invoice')).toEqual([]);

    // Given back: the refusal made with the kept actor is decided again, and the read answers.
    await test.store.query('UPDATE users SET role_ids = $2, permissions = $3 WHERE id = $1', [demoted.user.id, before!.role_ids, before!.permissions]);
    for (const path of reads(wingtip)) expect((await get(demoted, path)).status, path).toBe(200);
  });

  it('sees a new organization in the actor’s scope on the very next read', async () => {
    const owner = await test.signIn('owner@northwind.example');
    const [root] = await test.store.query<{ id: string }>("SELECT org_id AS id FROM users WHERE email = 'owner@northwind.example'");
    expect((await get(owner, `/v1/orgs/${wingtip}/users`)).status).toBe(200);
    const child = randomUUID();
    expect((await get(owner, `/v1/orgs/${child}/users`)).status).toBe(404);
    await test.store.query(
      `INSERT INTO orgs (id, org_id, parent_id, kind, name, account_email, tax_rate, version, created_at, updated_at)
       VALUES ($1, $1, $2, 'customer', 'Kept Actor Test Co', 'accounts@kept-actor.example', 0, 1, now(), now())`,
      [child, root!.id],
    );
    const users = await get(owner, `/v1/orgs/${child}/users`);
    expect(users.status, JSON.stringify(users.body)).toBe(200);
    expect(users.body).toEqual({ items: [], activeCount: 0 });
  });

  it('never lends a kept actor to a token whose user is not the session’s', async () => {
    const billing = await test.signIn('billing@northwind.example');
    expect((await get(billing, `/v1/orgs/${wingtip}/invoices`)).status).toBe(200);
    // The same session id under another user's id (as a forged token would carry) finds no kept
    // actor and no session: tokens.test.ts and actor.test.ts check the signature side.
    const claims = test.service.deps.tokens.verifyAccess(billing.accessToken, new Date())!;
    const { keptActor } = await import('./kept-actors');
    expect(keptActor(test.store, { ...claims, sub: randomUUID() })).toBeNull();
    expect(keptActor(test.store, claims)?.user.id).toBe(billing.user.id);
  });
});

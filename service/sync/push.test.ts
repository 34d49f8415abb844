import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCHEMA_VERSION, type PushRequest } from '@shared/sync/protocol';
import { textProblem } from '@shared/text';
import { parseCommand, type CommandName } from '@shared/commands/catalogue';
import { loadActor, type Actor } from '../auth/actor';
import { buildService } from '../app';
import { executeCommand } from '../commands/run';
import type { Store } from '../db/store';
import { DEMO_PASSWORD, testDatabases } from '../../test/support/service';
import { activeAdmins, auditOf, giveDemoPassword, startCommandKit, type CommandKit } from '../../test/support/commands';
import { push as pushDirect, type PushLog } from './push';

/** The service log as push writes it: one entry per call. */
function capturedLog(): PushLog & { entries: { details: Record<string, unknown>; message: string }[] } {
  const entries: { details: Record<string, unknown>; message: string }[] = [];
  return {
    entries,
    error(details, message) {
      entries.push({ details: details as Record<string, unknown>, message });
    },
  };
}

/** A real database failure inside a command: the users trigger raises for a first name the fault table lists. */
const FAULT_TRIGGER = `
CREATE TABLE IF NOT EXISTS test_faults (first_name text PRIMARY KEY, sqlstate text NOT NULL);
CREATE OR REPLACE FUNCTION test_fault() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  code text;
BEGIN
  SELECT sqlstate INTO code FROM test_faults WHERE first_name = NEW.first_name;
  IF code IS NOT NULL THEN
    RAISE EXCEPTION 'test fault for %', NEW.email USING ERRCODE = code;
  END IF;
  RETURN NEW;
END $$;
DROP TRIGGER IF EXISTS test_fault ON users;
CREATE TRIGGER test_fault BEFORE INSERT OR UPDATE ON users FOR EACH ROW EXECUTE FUNCTION test_fault();
-- The same in the audit write, which a push makes once for a whole transaction: 'audit:<first name>'.
CREATE OR REPLACE FUNCTION test_audit_fault() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  code text;
BEGIN
  SELECT sqlstate INTO code FROM test_faults WHERE first_name = 'audit:' || (NEW.after->>'firstName');
  IF code IS NOT NULL THEN
    RAISE EXCEPTION 'test audit fault for %', NEW.after->>'email' USING ERRCODE = code;
  END IF;
  RETURN NEW;
END $$;
DROP TRIGGER IF EXISTS test_audit_fault ON audit_events;
CREATE TRIGGER test_audit_fault BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION test_audit_fault();
`;

describe.each(testDatabases())('POST /v1/sync/push (%s)', (database) => {
  let kit: CommandKit;
  beforeAll(async () => {
    kit = await startCommandKit(database);
  });
  afterAll(async () => {
    await kit?.close();
  });

  type Mutation = { id: number; name: string; args: unknown; baseVersion?: number; batchId?: string; queuedOffline?: boolean };
  const push = (clientId: string, mutations: Mutation[], token?: string, schemaVersion = SCHEMA_VERSION) =>
    kit.call('POST', '/v1/sync/push', { clientId, schemaVersion, mutations }, token);
  const clientRow = (clientId: string) => kit.rows('SELECT * FROM sync_clients WHERE client_id = $1', [clientId]);
  const newUser = (orgId: string, email: string, id = randomUUID()) => ({ orgId, id, firstName: 'Offline', lastName: 'Made', email });
  /** The actor a route would load for this session's access token. */
  const actorOf = async (accessToken: string): Promise<Actor> => {
    const claims = kit.test.service.deps.tokens.verifyAccess(accessToken, kit.test.service.deps.now());
    const actor = claims === null ? null : await loadActor(kit.test.store, claims);
    if (actor === null) throw new Error('no actor for the token');
    return actor;
  };
  const request = (clientId: string, mutations: Mutation[]) => ({ clientId, schemaVersion: SCHEMA_VERSION, mutations }) as PushRequest;
  /** Service deps whose store notes each write transaction's statements, as the push sends them. */
  const notingStatements = () => {
    const transactions: string[][] = [];
    const store: Store = {
      ...kit.test.store,
      write: (fn, trees) =>
        kit.test.store.write((tx) => {
          const statements: string[] = [];
          transactions.push(statements);
          return fn({ query: (text, params) => (statements.push(text), tx.query(text, params)) });
        }, trees),
    };
    return { transactions, deps: { ...kit.test.service.deps, store } };
  };

  it('applies a batch exactly once, however often it is sent', async () => {
    const orgId = await kit.orgId('Contoso Dental');
    const clientId = randomUUID();
    const batchId = randomUUID();
    const args = newUser(orgId, 'once@contoso-dental.example');
    const batch: Mutation[] = [
      { id: 1, name: 'createUser', args, batchId },
      { id: 2, name: 'updateUser', args: { orgId, userId: args.id, version: 1, firstName: 'Renamed' }, baseVersion: 1, batchId },
    ];
    const responses = [];
    for (let attempt = 0; attempt < 3; attempt += 1) responses.push(await push(clientId, batch));
    for (const response of responses) {
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      expect(response.body).toEqual({ lastMutationId: 2, outcomes: [{ mutationId: 1, status: 'applied' }, { mutationId: 2, status: 'applied' }] });
    }
    expect(await kit.rows("SELECT * FROM users WHERE email_key = 'once@contoso-dental.example'")).toHaveLength(1);
    expect(await kit.one('SELECT first_name, version FROM users WHERE id = $1', [args.id])).toEqual({ first_name: 'Renamed', version: 2 });
    const audit = await auditOf(kit, args.id);
    expect(audit.map((event) => [event['action'], event['origin']])).toEqual([
      ['createUser', { kind: 'offline', clientId, batchId, mutationId: 1 }],
      ['updateUser', { kind: 'offline', clientId, batchId, mutationId: 2 }],
    ]);
    expect(await clientRow(clientId)).toMatchObject([{ last_mutation_id: 2, user_id: kit.owner.user.id }]);
    expect(await kit.rows('SELECT mutation_id FROM sync_mutations WHERE client_id = $1 ORDER BY mutation_id', [clientId])).toEqual([
      { mutation_id: 1 },
      { mutation_id: 2 },
    ]);

    // A later push may resend the tail it is unsure of together with new mutations.
    const more = await push(clientId, [batch[1]!, { id: 3, name: 'deactivateUser', args: { orgId, userId: args.id } }]);
    expect(more.body).toEqual({ lastMutationId: 3, outcomes: [{ mutationId: 2, status: 'applied' }, { mutationId: 3, status: 'applied' }] });
    expect((await auditOf(kit, args.id)).map((event) => event['action'])).toEqual(['createUser', 'updateUser', 'deactivateUser']);
  });

  it('records a command made online as online and one queued offline as offline, both naming the queued command', async () => {
    const orgId = await kit.orgId('Contoso Dental');
    const clientId = randomUUID();
    const batchId = randomUUID();
    const online = newUser(orgId, 'made-online@contoso-dental.example');
    const offline = newUser(orgId, 'made-offline@contoso-dental.example');
    const response = await push(clientId, [
      { id: 1, name: 'createUser', args: online, batchId, queuedOffline: false },
      { id: 2, name: 'createUser', args: offline, queuedOffline: true },
    ]);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect((await auditOf(kit, online.id)).map((event) => event['origin'])).toEqual([{ kind: 'online', clientId, batchId, mutationId: 1 }]);
    expect((await auditOf(kit, offline.id)).map((event) => event['origin'])).toEqual([{ kind: 'offline', clientId, batchId: null, mutationId: 2 }]);
  });

  it('refuses a gap and applies nothing of the request', async () => {
    const orgId = await kit.orgId('Contoso Dental');
    const clientId = randomUUID();
    const skipped = await push(clientId, [{ id: 2, name: 'createUser', args: newUser(orgId, 'gap1@contoso-dental.example') }]);
    expect(skipped.status).toBe(409);
    expect(skipped.body.error).toMatchObject({ code: 'INVALID_TRANSITION', details: { reason: 'gap', expected: 1, received: 2 } });
    expect(skipped.body.error.message).toMatch(/starting at 1/);

    const holey = await push(clientId, [
      { id: 1, name: 'createUser', args: newUser(orgId, 'gap1@contoso-dental.example') },
      { id: 3, name: 'createUser', args: newUser(orgId, 'gap3@contoso-dental.example') },
    ]);
    expect(holey.status).toBe(409);
    expect(holey.body.error).toMatchObject({ code: 'INVALID_TRANSITION', details: { reason: 'gap', expected: 2, received: 3 } });
    expect(await kit.rows("SELECT 1 FROM users WHERE email_key LIKE 'gap%'")).toHaveLength(0);
    expect(await clientRow(clientId)).toHaveLength(0);

    expect((await push(clientId, [{ id: 1, name: 'createUser', args: newUser(orgId, 'gap1@contoso-dental.example') }])).status).toBe(200);
    const later = await push(clientId, [{ id: 3, name: 'createUser', args: newUser(orgId, 'gap3@contoso-dental.example') }]);
    expect(later.body.error).toMatchObject({ code: 'INVALID_TRANSITION', details: { expected: 2 } });
    expect(await kit.rows("SELECT email FROM users WHERE email_key LIKE 'gap%'")).toEqual([{ email: 'gap1@contoso-dental.example' }]);
    expect(await clientRow(clientId)).toMatchObject([{ last_mutation_id: 1 }]);
  });

  it('refuses a reused mutation id with a different payload, before applying anything', async () => {
    const orgId = await kit.orgId('Contoso Dental');
    const clientId = randomUUID();
    const first = { id: 1, name: 'createUser', args: newUser(orgId, 'reuse-a@contoso-dental.example') };
    expect((await push(clientId, [first])).status).toBe(200);
    const reused = await push(clientId, [
      { id: 1, name: 'createUser', args: newUser(orgId, 'reuse-b@contoso-dental.example') },
      { id: 2, name: 'createUser', args: newUser(orgId, 'reuse-c@contoso-dental.example') },
    ]);
    expect(reused.status).toBe(409);
    expect(reused.body.error).toMatchObject({ code: 'INVALID_TRANSITION', details: { reason: 'reused_id', mutationId: 1 } });
    expect(await kit.rows("SELECT email FROM users WHERE email_key LIKE 'reuse-%'")).toEqual([{ email: 'reuse-a@contoso-dental.example' }]);
    // The same payload with its keys in another order is the same mutation.
    const { orgId: o, ...rest } = first.args;
    const reordered = await push(clientId, [{ ...first, args: { ...rest, orgId: o } }]);
    expect(reordered.body).toEqual({ lastMutationId: 1, outcomes: [{ mutationId: 1, status: 'applied' }] });
  });

  it('records a stale base version as a conflict with the current row, and applies what follows', async () => {
    const orgId = await kit.orgId('Alpine Ski House');
    const clientId = randomUUID();
    const target = await kit.call('POST', `/v1/orgs/${orgId}/users`, { firstName: 'Both', lastName: 'Sides', email: 'both-sides@alpine-ski-house.example' });
    const userId = String(target.body.id);
    const version = Number(target.body.version);
    // Someone else edits the user online first.
    expect((await kit.call('PATCH', `/v1/orgs/${orgId}/users/${userId}`, { version, lastName: 'Online' })).status).toBe(200);
    const after = newUser(orgId, 'after-conflict@alpine-ski-house.example');
    const response = await push(clientId, [
      { id: 1, name: 'updateUser', args: { orgId, userId, version, lastName: 'Offline' }, baseVersion: version },
      { id: 2, name: 'deactivateUser', args: { orgId, userId }, baseVersion: version },
      { id: 3, name: 'createUser', args: after },
    ]);
    expect(response.status).toBe(200);
    expect(response.body.lastMutationId).toBe(3);
    const [conflict, staleDeactivate, applied] = response.body.outcomes;
    expect(conflict).toMatchObject({ mutationId: 1, status: 'conflict', code: 'VERSION_CONFLICT', current: { id: userId, lastName: 'Online', version: version + 1 } });
    expect(staleDeactivate).toMatchObject({ mutationId: 2, status: 'conflict', code: 'VERSION_CONFLICT', current: { id: userId, status: 'active' } });
    expect(applied).toEqual({ mutationId: 3, status: 'applied' });
    expect(await kit.one('SELECT last_name, status, version FROM users WHERE id = $1', [userId])).toEqual({ last_name: 'Online', status: 'active', version: version + 1 });
    expect(await kit.rows('SELECT 1 FROM users WHERE id = $1', [after.id])).toHaveLength(1);
    expect(await kit.rows('SELECT status, code, current IS NOT NULL AS has_current FROM sync_mutations WHERE client_id = $1 ORDER BY mutation_id', [clientId])).toEqual([
      { status: 'conflict', code: 'VERSION_CONFLICT', has_current: true },
      { status: 'conflict', code: 'VERSION_CONFLICT', has_current: true },
      { status: 'applied', code: null, has_current: false },
    ]);
  });

  it('records a refused command as rejected and rolls back its partial writes only', async () => {
    const orgId = await kit.orgId('Wingtip Toys');
    const clientId = randomUUID();
    const [admin] = await activeAdmins(kit, orgId);
    const adminId = String(admin?.['id']);
    const auditBefore = await auditOf(kit, adminId);
    const created = newUser(orgId, 'after-refusal@wingtip-toys.example');
    const otherOrg = await kit.orgId('Contoso Dental');
    const response = await push(clientId, [
      // deactivateUser writes the status before the LAST_ADMIN check refuses it.
      { id: 1, name: 'deactivateUser', args: { orgId, userId: adminId } },
      { id: 2, name: 'createUser', args: { ...created, email: 'not an email' } },
      { id: 3, name: 'createUser', args: created },
      { id: 4, name: 'createUser', args: newUser(otherOrg, 'after-refusal@wingtip-toys.example', created.id) },
    ]);
    expect(response.status).toBe(200);
    expect(response.body.outcomes).toEqual([
      { mutationId: 1, status: 'rejected', code: 'LAST_ADMIN', message: expect.any(String) },
      { mutationId: 2, status: 'rejected', code: 'VALIDATION', message: expect.stringMatching(/^email/) },
      { mutationId: 3, status: 'applied' },
      { mutationId: 4, status: 'rejected', code: 'VALIDATION', message: 'That id is already in use.' },
    ]);
    expect(await kit.one('SELECT status, version FROM users WHERE id = $1', [adminId])).toEqual({ status: 'active', version: admin?.['version'] });
    expect(await auditOf(kit, adminId)).toEqual(auditBefore);
    expect(await kit.rows('SELECT org_id FROM users WHERE id = $1', [created.id])).toEqual([{ org_id: orgId }]);
  });

  it('applies a push without refusals in one transaction with no savepoints, and one with a refusal with a savepoint per mutation', async () => {
    const orgId = await kit.orgId('Wingtip Toys');
    const owner = await actorOf(kit.owner.accessToken);
    const { transactions, deps } = notingStatements();
    const contact = (id: number, email: string) => ({ id, name: 'addBillingContact', args: { orgId, email, kinds: ['invoices'] } });
    const savepoints = (statements: readonly string[]) => statements.filter((text) => text.includes('SAVEPOINT')).length;

    const clean = await pushDirect(deps, owner, request(randomUUID(), Array.from({ length: 20 }, (_, index) => contact(index + 1, `clean-${index}@wingtip-toys.example`))), capturedLog());
    expect(clean.outcomes.every((outcome) => outcome.status === 'applied')).toBe(true);
    expect(transactions.map(savepoints)).toEqual([0]);
    // 20 contacts in one statement: the transaction's five round trips hold one for the contacts,
    // and one for their audit events, the outcomes and the client's advance together. The actor
    // is not loaded again inside it (nor its scope walked): its key there is the one it was loaded with.
    expect(transactions[0]!.filter((text) => text.includes('INSERT INTO billing_contacts'))).toHaveLength(1);
    expect(transactions[0]!.filter((text) => /u\.status = 'active'|WITH RECURSIVE/.test(text))).toEqual([]);
    expect(transactions[0]).toHaveLength(5);

    transactions.length = 0;
    const mixed = await pushDirect(
      deps,
      owner,
      request(randomUUID(), [contact(1, 'mixed-1@wingtip-toys.example'), contact(2, 'clean-3@wingtip-toys.example'), contact(3, 'mixed-3@wingtip-toys.example')]),
      capturedLog(),
    );
    expect(mixed.outcomes.map((outcome) => outcome.status)).toEqual(['applied', 'rejected', 'applied']);
    // The optimistic transaction is abandoned at the refusal; the chunk runs again guarded, one round trip per savepoint.
    expect(transactions.map(savepoints)).toEqual([0, 3 + 1]);
    expect(await kit.rows("SELECT email FROM billing_contacts WHERE email LIKE 'mixed-%' ORDER BY email")).toEqual([{ email: 'mixed-1@wingtip-toys.example' }, { email: 'mixed-3@wingtip-toys.example' }]);
  });

  it('applies a run of new billing contacts in one INSERT, with the outcomes, rows and audit events of applying them one by one', async () => {
    const wingtip = await kit.orgId('Wingtip Toys');
    const alpine = await kit.orgId('Alpine Ski House');
    const admin = await kit.test.signIn('admin@wingtip-toys.example');
    const adminActor = await actorOf(admin.accessToken);
    const { transactions, deps } = notingStatements();
    const contactInserts = (statements: readonly string[]) => statements.filter((text) => text.includes('INSERT INTO billing_contacts')).length;
    const contact = (id: number, email: string, extra: Record<string, unknown> = {}) => ({ id, name: 'addBillingContact', args: { orgId: wingtip, email, kinds: ['invoices'], ...extra } });

    // 12 contacts (half with the client's ids), a user, 8 more: two runs, one transaction, no savepoint.
    const ids = Array.from({ length: 20 }, () => randomUUID());
    const clientId = randomUUID();
    const batchId = randomUUID();
    const mutations = [
      ...Array.from({ length: 12 }, (_, index) => contact(index + 1, `run-${index}@wingtip-toys.example`, index % 2 === 0 ? { id: ids[index] } : {})),
      { id: 13, name: 'createUser', args: newUser(wingtip, 'between-runs@wingtip-toys.example') },
      ...Array.from({ length: 8 }, (_, index) => contact(14 + index, `run-${12 + index}@wingtip-toys.example`, { id: ids[12 + index] })),
    ].map((mutation) => ({ ...mutation, batchId }));
    const response = await pushDirect(deps, adminActor, request(clientId, mutations), capturedLog());
    expect(response).toEqual({ lastMutationId: 21, outcomes: mutations.map((mutation) => ({ mutationId: mutation.id, status: 'applied' })) });
    expect(transactions.map(contactInserts)).toEqual([2]);
    expect(transactions[0]!.filter((text) => text.includes('SAVEPOINT'))).toEqual([]);
    const rows = await kit.rows("SELECT id, email, user_id, kinds, version FROM billing_contacts WHERE email LIKE 'run-%@wingtip-toys.example' ORDER BY seq");
    expect(rows.map((row) => row['email'])).toEqual(Array.from({ length: 20 }, (_, index) => `run-${index}@wingtip-toys.example`));
    expect(rows.every((row) => row['user_id'] === null && row['version'] === 1 && JSON.stringify(row['kinds']) === '["invoices"]')).toBe(true);
    for (const [index, id] of ids.entries()) if (index >= 12 || index % 2 === 0) expect(rows[index]!['id']).toBe(id);
    // Each contact's audit event names its own mutation, as one pushed alone would.
    for (const [index, row] of rows.entries()) {
      const mutationId = index < 12 ? index + 1 : index + 2;
      expect((await auditOf(kit, String(row['id']))).map((event) => [event['action'], event['actor_email'], event['origin']])).toEqual([
        ['addBillingContact', 'admin@wingtip-toys.example', { kind: 'offline', clientId, batchId, mutationId }],
      ]);
    }
    expect(await kit.rows('SELECT count(*)::int AS n FROM sync_mutations WHERE client_id = $1', [clientId])).toEqual([{ n: 21 }]);

    // What one at a time refuses, a run refuses the same: an address given twice in the push (in
    // another case), one already a contact, an id already taken, an organization outside the scope.
    transactions.length = 0;
    const refused = await pushDirect(
      deps,
      adminActor,
      request(randomUUID(), [
        contact(1, 'twice@wingtip-toys.example'),
        contact(2, 'Twice@Wingtip-Toys.example'),
        contact(3, 'run-0@wingtip-toys.example'),
        contact(4, 'fresh-id@wingtip-toys.example', { id: ids[1 * 2] }),
        { id: 5, name: 'addBillingContact', args: { orgId: alpine, email: 'sideways@alpine-ski-house.example', kinds: ['invoices'] } },
        contact(6, 'after-refusals@wingtip-toys.example'),
      ]),
      capturedLog(),
    );
    expect(refused.outcomes.map((outcome) => [outcome.status, outcome.code])).toEqual([
      ['applied', undefined],
      ['rejected', 'VALIDATION'],
      ['rejected', 'VALIDATION'],
      ['rejected', 'VALIDATION'],
      ['rejected', 'NOT_FOUND'],
      ['applied', undefined],
    ]);
    // Each check alone, in a run that is otherwise addable at once.
    for (const [taken, email] of [
      [contact(1, 'run-1@WINGTIP-toys.example'), 'alone-after-address@wingtip-toys.example'],
      [contact(1, 'alone-id@wingtip-toys.example', { id: ids[4] }), 'alone-after-id@wingtip-toys.example'],
    ] as const) {
      const alone = await pushDirect(deps, adminActor, request(randomUUID(), [taken, contact(2, email)]), capturedLog());
      expect(alone.outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'applied']);
      expect(await kit.rows('SELECT 1 FROM billing_contacts WHERE email = $1', [email])).toHaveLength(1);
    }
    expect(await kit.rows("SELECT email FROM billing_contacts WHERE email IN ('twice@wingtip-toys.example', 'Twice@Wingtip-Toys.example', 'fresh-id@wingtip-toys.example', 'sideways@alpine-ski-house.example', 'after-refusals@wingtip-toys.example') ORDER BY email")).toEqual([
      { email: 'after-refusals@wingtip-toys.example' },
      { email: 'twice@wingtip-toys.example' },
    ]);
  });

  it('records a refusal whose message quotes a NUL or a lone surrogate the client sent, and applies what follows', async () => {
    // The HTTP edge refuses such keys before routing; push itself must not depend on that.
    const orgId = await kit.orgId('Contoso Dental');
    const clientId = randomUUID();
    const after = newUser(orgId, 'after-hostile-key@contoso-dental.example');
    const answer = await pushDirect(
      kit.test.service.deps,
      await actorOf(kit.owner.accessToken),
      request(clientId, [
        { id: 1, name: 'createUser', args: { ...newUser(orgId, 'hostile-key@contoso-dental.example'), 'bad\u0000key': 1 } },
        { id: 2, name: 'updateOrg', args: { orgId, version: 1, ['\ud800']: true } },
        { id: 3, name: 'createUser', args: after },
      ]),
      capturedLog(),
    );
    expect(answer.lastMutationId).toBe(3);
    expect(answer.outcomes.map((outcome) => [outcome.status, outcome.code])).toEqual([
      ['rejected', 'VALIDATION'],
      ['rejected', 'VALIDATION'],
      ['applied', undefined],
    ]);
    expect(answer.outcomes[0]!.message).toContain('bad\ufffdkey');
    for (const outcome of answer.outcomes.slice(0, 2)) expect(textProblem(outcome.message!, 'multiline')).toBeNull();
    expect(await kit.rows('SELECT 1 FROM users WHERE id = $1', [after.id])).toHaveLength(1);
    expect((await kit.rows('SELECT message FROM sync_mutations WHERE client_id = $1 AND mutation_id = 1', [clientId]))[0]!['message']).toBe(answer.outcomes[0]!.message);
  });

  it('applies a bulk role change with every role rule still checked per mutation, across transactions', async () => {
    const orgId = await kit.orgId('Lucerne Publishing');
    const clientId = randomUUID();
    const member = await kit.roleId(orgId, 'Member');
    const admins = await activeAdmins(kit, orgId);
    expect(admins.length).toBeGreaterThan(1);
    const others = await kit.rows(
      `SELECT u.* FROM users u WHERE u.org_id = $1 AND NOT EXISTS (
         SELECT 1 FROM roles r WHERE r.id = ANY (u.role_ids) AND r.built_in_key IN ('owner', 'administrator'))
       ORDER BY u.email`,
      [orgId],
    );
    expect(others.length).toBeGreaterThan(1);
    const [plain, stale] = others;
    const lastAdmin = admins.at(-1)!;
    const auditBefore = await auditOf(kit, String(lastAdmin['id']));
    const toMember = (user: Record<string, unknown>, roleId = member) => ({ orgId, userId: user['id'], version: user['version'], roleIds: [roleId] });
    // More mutations than one transaction takes, so the rules also hold across its boundary.
    const filler = Array.from({ length: 100 }, () => ({ name: 'activateUser', args: { orgId, userId: randomUUID() } }));
    const commands = [
      ...filler,
      // Every administrator but the last may lose the role; the last one may not.
      ...admins.map((admin) => ({ name: 'updateUser', args: toMember(admin) })),
      { name: 'updateUser', args: toMember(plain!, randomUUID()) },
      { name: 'updateUser', args: { ...toMember(stale!), version: Number(stale!['version']) + 1 } },
      // A role id in capitals is the same role.
      { name: 'updateUser', args: toMember(plain!, member.toUpperCase()) },
    ];
    const response = await push(clientId, commands.map((command, index) => ({ id: index + 1, ...command })));
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    const outcomes = response.body.outcomes.slice(filler.length);
    expect(outcomes.map((outcome: { status: string; code?: string }) => [outcome.status, outcome.code])).toEqual([
      ...admins.slice(0, -1).map(() => ['applied', undefined]),
      ['rejected', 'LAST_ADMIN'],
      ['rejected', 'VALIDATION'],
      ['conflict', 'VERSION_CONFLICT'],
      ['applied', undefined],
    ]);
    expect(await activeAdmins(kit, orgId)).toEqual([lastAdmin]);
    expect(await auditOf(kit, String(lastAdmin['id']))).toEqual(auditBefore);
    expect(await kit.one('SELECT role_ids, version FROM users WHERE id = $1', [plain!['id']])).toEqual({ role_ids: [member], version: Number(plain!['version']) + 1 });
    const demoted = await auditOf(kit, String(admins[0]!['id']));
    expect(demoted.at(-1)).toMatchObject({ action: 'updateUser', origin: { kind: 'offline', clientId, mutationId: filler.length + 1 }, after: { roleIds: [member] } });
    expect(await kit.one('SELECT count(*)::int AS n, max(mutation_id) AS last FROM sync_mutations WHERE client_id = $1', [clientId])).toEqual({ n: commands.length, last: commands.length });
    expect(await clientRow(clientId)).toMatchObject([{ last_mutation_id: commands.length }]);
  });

  it('rejects a command outside the caller’s scope or permissions as an outcome', async () => {
    const admin = await kit.test.signIn('admin@wingtip-toys.example');
    const readonly = await kit.test.signIn('readonly@northwind.example');
    const sibling = await kit.orgId('Alpine Ski House');
    const own = await kit.orgId('Wingtip Toys');
    const outside = await push(randomUUID(), [{ id: 1, name: 'createUser', args: newUser(sibling, 'sideways@alpine-ski-house.example') }], admin.accessToken);
    expect(outside.body.outcomes).toEqual([{ mutationId: 1, status: 'rejected', code: 'NOT_FOUND', message: 'No such organization.' }]);
    const forbidden = await push(randomUUID(), [{ id: 1, name: 'createUser', args: newUser(own, 'readonly-made@wingtip-toys.example') }], readonly.accessToken);
    expect(forbidden.body.outcomes).toEqual([{ mutationId: 1, status: 'rejected', code: 'FORBIDDEN', message: expect.stringMatching(/users\.manage/) }]);
    expect(await kit.rows("SELECT 1 FROM users WHERE email_key IN ('sideways@alpine-ski-house.example', 'readonly-made@wingtip-toys.example')")).toHaveLength(0);
  });

  it('sees what earlier mutations of the same push changed (a new organization, then a user in it)', async () => {
    const parentId = kit.owner.user.orgId;
    const orgId = randomUUID();
    const response = await push(randomUUID(), [
      {
        id: 1,
        name: 'createOrg',
        args: { id: orgId, parentId, kind: 'customer', name: 'Offline Org', accountEmail: 'office@offline-org.example', admin: { firstName: 'Off', lastName: 'Line', email: 'admin@offline-org.example' } },
      },
      { id: 2, name: 'createUser', args: newUser(orgId, 'second@offline-org.example') },
    ]);
    expect(response.body.outcomes).toEqual([{ mutationId: 1, status: 'applied' }, { mutationId: 2, status: 'applied' }]);
    expect(await kit.rows('SELECT email FROM users WHERE org_id = $1 ORDER BY email', [orgId])).toEqual([
      { email: 'admin@offline-org.example' },
      { email: 'second@offline-org.example' },
    ]);
  });

  it('refuses another schema version, another user’s client id and malformed pushes', async () => {
    const orgId = await kit.orgId('Contoso Dental');
    const clientId = randomUUID();
    const mismatch = await push(clientId, [{ id: 1, name: 'createUser', args: newUser(orgId, 'schema@contoso-dental.example') }], undefined, SCHEMA_VERSION + 1);
    expect(mismatch.status).toBe(409);
    expect(mismatch.body.error).toMatchObject({ code: 'SCHEMA_MISMATCH', details: { expected: SCHEMA_VERSION, received: SCHEMA_VERSION + 1 } });

    expect((await push(clientId, [{ id: 1, name: 'activateUser', args: { orgId, userId: randomUUID() } }])).status).toBe(200);
    const other = await kit.test.signIn('admin@contoso-dental.example');
    const taken = await push(clientId, [{ id: 2, name: 'createUser', args: newUser(orgId, 'taken@contoso-dental.example') }], other.accessToken);
    expect(taken.status).toBe(403);
    expect(taken.body.error.code).toBe('FORBIDDEN');
    const takenPull = await kit.call('GET', `/v1/sync/pull?cursor=0&limit=1&clientId=${clientId}`, undefined, other.accessToken);
    expect(takenPull.status).toBe(403);

    const bad = [
      { clientId, schemaVersion: SCHEMA_VERSION, mutations: [] },
      { clientId, schemaVersion: SCHEMA_VERSION, mutations: [{ id: 2, name: 'noSuchCommand', args: {} }] },
      { clientId, schemaVersion: SCHEMA_VERSION, mutations: [{ id: 2, name: 'createUser', args: {}, extra: true }] },
      { clientId: 'not-a-uuid', schemaVersion: SCHEMA_VERSION, mutations: [{ id: 1, name: 'createUser', args: {} }] },
      { clientId, schemaVersion: SCHEMA_VERSION, mutations: Array.from({ length: 501 }, (_, i) => ({ id: i + 2, name: 'activateUser', args: {} })) },
      { clientId, schemaVersion: SCHEMA_VERSION, mutations: [{ id: 3, name: 'activateUser', args: {} }, { id: 2, name: 'activateUser', args: {} }] },
    ];
    for (const body of bad) {
      const response = await kit.call('POST', '/v1/sync/push', body);
      expect(response.status, JSON.stringify(response.body)).toBe(400);
      expect(response.body.error.code).toBe('VALIDATION');
    }
    expect(await clientRow(clientId)).toMatchObject([{ last_mutation_id: 1 }]);
    expect((await kit.call('POST', '/v1/sync/push', { clientId, schemaVersion: 1, mutations: [{ id: 2, name: 'activateUser', args: {} }] }, 'nope')).status).toBe(401);
  });

  describe('a command that fails in the database', () => {
    beforeAll(async () => {
      await kit.test.store.exec(FAULT_TRIGGER);
      await kit.rows("INSERT INTO test_faults VALUES ('Poison', 'P0001'), ('Broken', '22023'), ('audit:AuditPoison', 'P0001')");
    });
    afterAll(async () => {
      await kit.test.store.exec(`DROP TRIGGER IF EXISTS test_fault ON users; DROP FUNCTION IF EXISTS test_fault();
        DROP TRIGGER IF EXISTS test_audit_fault ON audit_events; DROP FUNCTION IF EXISTS test_audit_fault(); DROP TABLE IF EXISTS test_faults;`);
    });

    it('is answered as rejected INTERNAL with a reference that is in the log, and never blocks the mutations after it', async () => {
      const orgId = await kit.orgId('Contoso Dental');
      const clientId = randomUUID();
      const first = newUser(orgId, 'before-poison@contoso-dental.example');
      const poison = { ...newUser(orgId, 'poison@contoso-dental.example'), firstName: 'Poison' };
      const after = newUser(orgId, 'after-poison@contoso-dental.example');
      const mutations: Mutation[] = [
        { id: 1, name: 'createUser', args: first },
        { id: 2, name: 'createUser', args: poison },
        { id: 3, name: 'createUser', args: after },
        { id: 4, name: 'updateUser', args: { orgId, userId: first.id, version: 1, lastName: 'Renamed' } },
      ];
      const log = capturedLog();
      const answer = await pushDirect(kit.test.service.deps, await actorOf(kit.owner.accessToken), request(clientId, mutations), log);
      expect(answer.lastMutationId).toBe(4);
      expect(answer.outcomes).toEqual([
        { mutationId: 1, status: 'applied' },
        { mutationId: 2, status: 'rejected', code: 'INTERNAL', message: expect.stringMatching(/reference [0-9a-f-]{36}/) },
        { mutationId: 3, status: 'applied' },
        { mutationId: 4, status: 'applied' },
      ]);
      const reference = /reference ([0-9a-f-]{36})/.exec(answer.outcomes[1]!.message!)![1];
      // The log names the reference, the mutation and the database's own error.
      expect(log.entries).toHaveLength(1);
      expect(log.entries[0]!.details).toMatchObject({ reference, clientId, mutationId: 2, command: 'createUser' });
      expect(String((log.entries[0]!.details['err'] as Error).message)).toContain('test fault for poison@contoso-dental.example');
      expect(log.entries[0]!.message).toContain(reference);

      expect(await kit.rows('SELECT id FROM users WHERE id = $1', [poison.id])).toHaveLength(0);
      expect(await kit.rows('SELECT id FROM users WHERE id = ANY ($1::uuid[]) ORDER BY email', [[first.id, after.id]])).toHaveLength(2);
      expect(await kit.one('SELECT last_name FROM users WHERE id = $1', [first.id])).toEqual({ last_name: 'Renamed' });
      expect(await auditOf(kit, poison.id)).toEqual([]);
      expect(await clientRow(clientId)).toMatchObject([{ last_mutation_id: 4 }]);
      expect(await kit.rows('SELECT mutation_id, status, code FROM sync_mutations WHERE client_id = $1 AND status <> $2', [clientId, 'applied'])).toEqual([
        { mutation_id: 2, status: 'rejected', code: 'INTERNAL' },
      ]);

      // Sent again (a lost answer), the recorded outcome is answered: same reference, nothing run twice.
      const again = await push(clientId, mutations);
      expect(again.status).toBe(200);
      expect(again.body).toEqual(answer);

      // Through the route too: a data error (class 22) of the database is an outcome, not a 500.
      const broken = { ...newUser(orgId, 'broken@contoso-dental.example'), firstName: 'Broken' };
      const later = newUser(orgId, 'later@contoso-dental.example');
      const viaRoute = await push(clientId, [
        { id: 5, name: 'createUser', args: broken },
        { id: 6, name: 'createUser', args: later },
      ]);
      expect(viaRoute.status, JSON.stringify(viaRoute.body)).toBe(200);
      expect(viaRoute.body).toEqual({
        lastMutationId: 6,
        outcomes: [
          { mutationId: 5, status: 'rejected', code: 'INTERNAL', message: expect.stringMatching(/reference [0-9a-f-]{36}/) },
          { mutationId: 6, status: 'applied' },
        ],
      });
      expect(await kit.rows('SELECT email FROM users WHERE id = ANY ($1::uuid[])', [[broken.id, later.id]])).toEqual([{ email: 'later@contoso-dental.example' }]);
    });

    it('writes the reference with the database error to the service log of the request', async () => {
      // A second instance on the same database whose log this test reads.
      const lines: string[] = [];
      const logged = await buildService({ store: kit.test.store, logger: true, logStream: { write: (line: string) => void lines.push(line) } });
      try {
        const login = await logged.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: 'owner@northwind.example', password: DEMO_PASSWORD } });
        const { accessToken } = login.json<{ accessToken: string }>();
        const orgId = await kit.orgId('Contoso Dental');
        const clientId = randomUUID();
        const pushed = await logged.app.inject({
          method: 'POST',
          url: '/v1/sync/push',
          headers: { authorization: `Bearer ${accessToken}` },
          payload: { clientId, schemaVersion: SCHEMA_VERSION, mutations: [{ id: 1, name: 'createUser', args: { ...newUser(orgId, 'logged-poison@contoso-dental.example'), firstName: 'Poison' } }] },
        });
        expect(pushed.statusCode, pushed.body).toBe(200);
        const [outcome] = pushed.json<{ outcomes: { code: string; message: string }[] }>().outcomes;
        expect(outcome).toMatchObject({ code: 'INTERNAL' });
        const reference = /reference ([0-9a-f-]{36})/.exec(outcome!.message)![1]!;
        const entry = lines.map((line) => JSON.parse(line) as Record<string, unknown>).find((line) => line['reference'] === reference);
        expect(entry).toMatchObject({ level: 50, clientId, mutationId: 1, command: 'createUser', err: { message: expect.stringContaining('test fault for logged-poison@contoso-dental.example') } });
        expect(String(entry!['msg'])).toContain(reference);
        // The request's own log line: the entry carries its request id.
        expect(entry!['reqId']).toBeDefined();
      } finally {
        await logged.close();
      }
    });

    it('answers a poisoned mutation in a later transaction of a large push the same way', async () => {
      const orgId = await kit.orgId('Contoso Dental');
      const clientId = randomUUID();
      // Cheap filler (each a NOT_FOUND outcome) so that the poison lands in the second transaction.
      const filler: Mutation[] = Array.from({ length: 120 }, (_, index) => ({ id: index + 1, name: 'activateUser', args: { orgId, userId: randomUUID() } }));
      const poison = { ...newUser(orgId, 'bulk-poison@contoso-dental.example'), firstName: 'Poison' };
      const after = newUser(orgId, 'bulk-after@contoso-dental.example');
      const log = capturedLog();
      const answer = await pushDirect(
        kit.test.service.deps,
        await actorOf(kit.owner.accessToken),
        request(clientId, [...filler, { id: 121, name: 'createUser', args: poison }, { id: 122, name: 'createUser', args: after }]),
        log,
      );
      expect(answer.lastMutationId).toBe(122);
      expect(answer.outcomes.slice(120)).toEqual([
        { mutationId: 121, status: 'rejected', code: 'INTERNAL', message: expect.stringMatching(/reference/) },
        { mutationId: 122, status: 'applied' },
      ]);
      expect(await kit.rows("SELECT email FROM users WHERE email_key LIKE 'bulk-%'")).toEqual([{ email: 'bulk-after@contoso-dental.example' }]);
      expect(log.entries.map((entry) => entry.details['mutationId'])).toEqual([121]);
      expect(await clientRow(clientId)).toMatchObject([{ last_mutation_id: 122 }]);
    });

    it('finds the mutation at fault when the failure is in the audit write the transaction shares', async () => {
      const orgId = await kit.orgId('Contoso Dental');
      const clientId = randomUUID();
      const first = newUser(orgId, 'audit-before@contoso-dental.example');
      const poison = { ...newUser(orgId, 'audit-poison@contoso-dental.example'), firstName: 'AuditPoison' };
      const after = newUser(orgId, 'audit-after@contoso-dental.example');
      const log = capturedLog();
      const answer = await pushDirect(
        kit.test.service.deps,
        await actorOf(kit.owner.accessToken),
        request(clientId, [first, poison, after].map((args, index) => ({ id: index + 1, name: 'createUser', args }))),
        log,
      );
      expect(answer).toEqual({
        lastMutationId: 3,
        outcomes: [
          { mutationId: 1, status: 'applied' },
          { mutationId: 2, status: 'rejected', code: 'INTERNAL', message: expect.stringMatching(/reference [0-9a-f-]{36}/) },
          { mutationId: 3, status: 'applied' },
        ],
      });
      expect(log.entries.map((entry) => entry.details['mutationId'])).toEqual([2]);
      expect(String((log.entries[0]!.details['err'] as Error).message)).toContain('test audit fault for audit-poison@contoso-dental.example');
      expect(await kit.rows("SELECT email FROM users WHERE email_key LIKE 'audit-%' ORDER BY email")).toEqual([
        { email: 'audit-after@contoso-dental.example' },
        { email: 'audit-before@contoso-dental.example' },
      ]);
      expect((await auditOf(kit, first.id)).map((event) => event['action'])).toEqual(['createUser']);
      expect((await auditOf(kit, after.id)).map((event) => event['action'])).toEqual(['createUser']);
      expect(await auditOf(kit, poison.id)).toEqual([]);
    });

    it.each([
      ['serialization failure', '40001'],
      ['deadlock', '40P01'],
      ['connection failure', '08006'],
      ['too many connections', '53300'],
      ['administrator shutdown', '57P01'],
    ])('fails the request on a transient %s, applies nothing of its transaction, and applies it all when retried', async (_what, sqlstate) => {
      const orgId = await kit.orgId('Contoso Dental');
      const clientId = randomUUID();
      const firstName = `Transient${sqlstate}`;
      await kit.rows('INSERT INTO test_faults VALUES ($1, $2)', [firstName, sqlstate]);
      const ok = newUser(orgId, `ok-${sqlstate}@contoso-dental.example`.toLowerCase());
      const flaky = { ...newUser(orgId, `flaky-${sqlstate}@contoso-dental.example`.toLowerCase()), firstName };
      const mutations: Mutation[] = [
        { id: 1, name: 'createUser', args: ok },
        { id: 2, name: 'createUser', args: flaky },
      ];
      const log = capturedLog();
      await expect(pushDirect(kit.test.service.deps, await actorOf(kit.owner.accessToken), request(clientId, mutations), log)).rejects.toMatchObject({ code: sqlstate });
      const viaRoute = await push(clientId, mutations);
      expect(viaRoute.status).toBe(500);
      expect(await kit.rows('SELECT id FROM users WHERE id = ANY ($1::uuid[])', [[ok.id, flaky.id]])).toEqual([]);
      expect(await clientRow(clientId)).toEqual([]);

      // The failure passes; the client's retry applies both.
      await kit.rows('DELETE FROM test_faults WHERE first_name = $1', [firstName]);
      const retried = await push(clientId, mutations);
      expect(retried.body).toEqual({ lastMutationId: 2, outcomes: [{ mutationId: 1, status: 'applied' }, { mutationId: 2, status: 'applied' }] });
      expect(log.entries).toEqual([]);
    });
  });

  describe('permissions that change while a push runs', () => {
    /**
     * The store the push writes through, with `between` run (through the real command path, on
     * the real store) right after the push's first transaction commits and before its second.
     */
    const afterFirstCommit = (between: () => Promise<void>): Store => {
      const store = kit.test.store;
      let commits = 0;
      return {
        ...store,
        async write(fn) {
          const result = await store.write(fn);
          commits += 1;
          if (commits === 1) await between();
          return result;
        },
      };
    };
    const runAsOwner = async (name: CommandName, args: unknown) => {
      const parsed = parseCommand(name, args);
      if (!parsed.success) throw parsed.error;
      await executeCommand(kit.test.service.deps, await actorOf(kit.owner.accessToken), parsed.command);
    };
    /** A new Administrator of Contoso Dental, signed in. */
    const newAdministrator = async (email: string) => {
      const orgId = await kit.orgId('Contoso Dental');
      const created = await kit.call('POST', `/v1/orgs/${orgId}/users`, { firstName: 'Soon', lastName: 'Demoted', email, roleIds: [await kit.roleId(orgId, 'Administrator')] });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      await giveDemoPassword(kit, String(created.body.id));
      const session = await kit.test.signIn(email);
      return { orgId, userId: String(created.body.id), version: Number(created.body.version), actor: await actorOf(session.accessToken) };
    };
    const roleMutations = (orgId: string, prefix: string, count: number): Mutation[] =>
      Array.from({ length: count }, (_, index) => ({ id: index + 1, name: 'createRole', args: { orgId, id: randomUUID(), name: `${prefix} ${index + 1}`, permissions: ['users.view'] } }));

    it('rejects every mutation after a demotion committed mid-push as FORBIDDEN', async () => {
      const admin = await newAdministrator('demoted-mid-push@contoso-dental.example');
      const member = await kit.roleId(admin.orgId, 'Member');
      const clientId = randomUUID();
      const deps = {
        ...kit.test.service.deps,
        store: afterFirstCommit(() => runAsOwner('updateUser', { orgId: admin.orgId, userId: admin.userId, version: admin.version, roleIds: [member] })),
      };
      const answer = await pushDirect(deps, admin.actor, request(clientId, roleMutations(admin.orgId, 'Mid-push role', 150)), capturedLog());
      expect(answer.lastMutationId).toBe(150);
      expect(answer.outcomes.slice(0, 100).every((outcome) => outcome.status === 'applied')).toBe(true);
      expect(answer.outcomes.slice(100).map((outcome) => [outcome.status, outcome.code])).toEqual(Array.from({ length: 50 }, () => ['rejected', 'FORBIDDEN']));
      expect(await kit.one("SELECT count(*)::int AS n FROM roles WHERE name LIKE 'Mid-push role %'")).toEqual({ n: 100 });
      // Nothing the pusher did is later than the demotion.
      const [demotion] = await kit.rows("SELECT seq FROM audit_events WHERE entity_id = $1 AND action = 'updateUser' ORDER BY seq DESC LIMIT 1", [admin.userId]);
      expect(await kit.rows('SELECT seq FROM audit_events WHERE actor_user_id = $1 AND seq > $2', [admin.userId, demotion!['seq']])).toEqual([]);
      expect(await clientRow(clientId)).toMatchObject([{ last_mutation_id: 150 }]);
    });

    it('applies a role edit committed mid-push to the mutations after it', async () => {
      const orgId = await kit.orgId('Contoso Dental');
      const roleId = randomUUID();
      await runAsOwner('createRole', { orgId, id: roleId, name: 'Role keepers', permissions: ['roles.manage', 'users.view'] });
      const created = await kit.call('POST', `/v1/orgs/${orgId}/users`, { firstName: 'Role', lastName: 'Keeper', email: 'role-keeper@contoso-dental.example', roleIds: [roleId] });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      await giveDemoPassword(kit, String(created.body.id));
      const actor = await actorOf((await kit.test.signIn('role-keeper@contoso-dental.example')).accessToken);
      const clientId = randomUUID();
      const deps = { ...kit.test.service.deps, store: afterFirstCommit(() => runAsOwner('updateRole', { orgId, roleId, version: 1, permissions: ['users.view'] })) };
      const answer = await pushDirect(deps, actor, request(clientId, roleMutations(orgId, 'Edited-role role', 120)), capturedLog());
      expect(answer.outcomes.slice(0, 100).every((outcome) => outcome.status === 'applied')).toBe(true);
      expect(answer.outcomes.slice(100).map((outcome) => outcome.code)).toEqual(Array.from({ length: 20 }, () => 'FORBIDDEN'));
      expect(await kit.one("SELECT count(*)::int AS n FROM roles WHERE name LIKE 'Edited-role role %'")).toEqual({ n: 100 });
    });

    it('stops a push whose user was deactivated mid-push, keeping the rest queued for them', async () => {
      const admin = await newAdministrator('deactivated-mid-push@contoso-dental.example');
      const clientId = randomUUID();
      const deps = {
        ...kit.test.service.deps,
        store: afterFirstCommit(async () => {
          await runAsOwner('updateUser', { orgId: admin.orgId, userId: admin.userId, version: admin.version, roleIds: [] });
          await runAsOwner('deactivateUser', { orgId: admin.orgId, userId: admin.userId });
        }),
      };
      await expect(pushDirect(deps, admin.actor, request(clientId, roleMutations(admin.orgId, 'Deactivated role', 150)), capturedLog())).rejects.toMatchObject({
        code: 'UNAUTHENTICATED',
      });
      expect(await kit.one("SELECT count(*)::int AS n FROM roles WHERE name LIKE 'Deactivated role %'")).toEqual({ n: 100 });
      expect(await clientRow(clientId)).toMatchObject([{ last_mutation_id: 100 }]);
    });
  });
});

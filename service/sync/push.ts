import { createHash, randomUUID } from 'node:crypto';
import { parseCommand, type CommandArgs } from '@shared/commands/catalogue';
import type { AuditOrigin } from '@shared/domain/audit';
import { SeatdeskError, isSeatdeskError, validationErrorFromZod } from '@shared/errors';
import { withTextProblemsReplaced } from '@shared/text';
import { SCHEMA_VERSION, type Mutation, type MutationOutcome, type PushRequest, type PushResponse } from '@shared/sync/protocol';
import { actorKeySql, loadActor, loadedKeyOf, type Actor } from '../auth/actor';
import type { Sql } from '../db/store';
import { providerTreeOf } from '../db/trees';
import type { ServiceDeps } from '../deps';
import { writeAuditEvents, type AuditRow } from '../commands/context';
import { runCommand } from '../commands/run';
import { lockSyncClient, readMutations, readSyncClient, recordMutations, type MutationRecord, type RecordedMutation } from './clients';
import { SMALLEST_RUN, addContactsAtOnce, addContactsRun } from './push-batches';

/**
 * JSON with object keys sorted (by UTF-16 code units), so the same mutation hashes the same however
 * it was serialised. Written by appending, with one array per object (its keys): the entries,
 * filtered, mapped and joined, were a quarter of all a push of 100 allocated (500 KB), and a push's
 * garbage is what its instance's scavenges, which stall every request in flight, mostly copy.
 */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) {
    let out = '[';
    for (let index = 0; index < value.length; index += 1) out += (index === 0 ? '' : ',') + canonicalJson(value[index]);
    return `${out}]`;
  }
  if (value !== null && typeof value === 'object') {
    const object = value as Record<string, unknown>;
    let out = '{';
    for (const key of Object.keys(object).sort()) {
      const item = object[key];
      if (item !== undefined) out += (out.length === 1 ? '' : ',') + JSON.stringify(key) + ':' + canonicalJson(item);
    }
    return `${out}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function payloadHash(mutation: Mutation): string {
  const { name, args, baseVersion, batchId } = mutation;
  return createHash('sha256')
    .update(canonicalJson({ name, args, baseVersion: baseVersion ?? null, batchId: batchId ?? null }))
    .digest('hex');
}

function gap(expected: number, received: number): SeatdeskError {
  return new SeatdeskError(
    'INVALID_TRANSITION',
    `Mutation ${received} cannot be applied before mutation ${expected}: push the queue in order, starting at ${expected}.`,
    { reason: 'gap', expected, received },
  );
}

function reusedId(mutationId: number): SeatdeskError {
  return new SeatdeskError(
    'INVALID_TRANSITION',
    `Mutation ${mutationId} was already applied with a different payload; a mutation id cannot be reused.`,
    { reason: 'reused_id', mutationId },
  );
}

/** Ids in one push must follow each other (n, n+1, ...). */
function checkOrder(mutations: readonly Mutation[]): void {
  mutations.forEach((mutation, index) => {
    const previous = mutations[index - 1];
    if (previous === undefined) return;
    if (mutation.id <= previous.id) {
      throw new SeatdeskError('VALIDATION', 'Mutation ids must increase by one within a push.', [
        { path: `mutations.${index}.id`, message: `Expected ${previous.id + 1}` },
      ]);
    }
    if (mutation.id > previous.id + 1) throw gap(previous.id + 1, mutation.id);
  });
}

function checkRecorded(mutation: Mutation, hash: string, recorded: RecordedMutation | undefined): MutationOutcome | null {
  if (recorded === undefined) return null;
  if (recorded.payloadHash !== hash) throw reusedId(mutation.id);
  return recorded.outcome;
}

/** Where push writes a failure it answered as INTERNAL: the request's logger (pino's `error(obj, msg)`). */
export interface PushLog {
  error(details: object, message: string): void;
}

/**
 * SQLSTATE classes of failures that pass on their own: the connection (08), a serialization
 * failure or deadlock (40), resources (53), operator intervention such as a shutdown or a
 * statement timeout (57). They fail the whole request so that the client retries the push.
 */
const TRANSIENT_SQLSTATE_CLASSES = new Set(['08', '40', '53', '57']);

/** Node's own codes for a connection that broke (node-postgres passes them through). */
const TRANSIENT_SOCKET_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH']);

export function isTransientFailure(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return false;
  if (/^[0-9A-Z]{5}$/.test(code)) return TRANSIENT_SQLSTATE_CLASSES.has(code.slice(0, 2));
  return TRANSIENT_SOCKET_CODES.has(code);
}

/**
 * What became of a command that threw: its refusal as a conflict or rejection outcome, or null
 * for a failure that is not the mutation's own (INTERNAL, a database error, a bug).
 */
function refusalOf(mutationId: number, error: unknown): MutationOutcome | null {
  if (!isSeatdeskError(error) || error.code === 'INTERNAL') return null;
  const outcome: MutationOutcome = {
    mutationId,
    status: error.code === 'VERSION_CONFLICT' ? 'conflict' : 'rejected',
    code: error.code,
    // A refusal may quote what the client sent: a NUL or a lone surrogate would fail the jsonb write of the outcomes.
    message: withTextProblemsReplaced(error.message),
  };
  const details = error.details;
  if (details !== null && typeof details === 'object' && 'current' in details && details.current !== undefined) outcome.current = details.current;
  return outcome;
}

/**
 * A poison pill: the mutation failed for a reason that is not transient and not a rule's. It is
 * answered as rejected INTERNAL so that the queue moves past it; the reference ties the
 * client's sync issue to the log line with the error.
 */
function internalFailure(log: PushLog, clientId: string, mutation: Mutation, error: unknown): MutationOutcome {
  const reference = randomUUID();
  log.error({ err: error, reference, clientId, mutationId: mutation.id, command: mutation.name }, `sync mutation failed (reference ${reference}); answered as rejected INTERNAL`);
  return {
    mutationId: mutation.id,
    status: 'rejected',
    code: 'INTERNAL',
    message: `The billing service could not apply this change because of a problem on its side (reference ${reference}). Nothing of it was saved; contact support with the reference if it keeps happening.`,
  };
}

/** The audit origin of a mutation pushed by a client. */
function originOf(mutation: Mutation, clientId: string): AuditOrigin {
  return { kind: mutation.queuedOffline === false ? 'online' : 'offline', clientId, batchId: mutation.batchId ?? null, mutationId: mutation.id };
}

/** Mutations applied per database transaction in a push. */
const MUTATIONS_PER_TRANSACTION = 100;

/**
 * Whether an applied command can change what the pushing user may do: their own user row, a role
 * they hold, or the organization tree. Anything else leaves the actor as it was.
 */
function mayChangeActor(mutation: Mutation, actor: Actor): boolean {
  const args = (mutation.args ?? {}) as { userId?: unknown; roleId?: unknown };
  switch (mutation.name) {
    case 'createOrg':
    case 'installBuiltInRoles':
      return true;
    case 'updateUser':
    case 'activateUser':
    case 'deactivateUser':
    case 'removeUser':
      return args.userId === actor.user.id;
    case 'updateRole':
    case 'deleteRole':
      return typeof args.roleId === 'string' && actor.user.roleIds.includes(args.roleId);
    default:
      return false;
  }
}

/**
 * The actor's key (auth/actor.ts actorKeySql) as of this transaction: it changes whenever
 * anything loadActor reads may have. One indexed query, where loadActor walks the whole tree: at
 * 2,000 organizations, 0.1 ms against 6 to 19 ms on PGlite and 0.4 against 3.8 ms on PostgreSQL
 * (a 100-mutation transaction takes about 20 to 30 ms).
 */
const ACTOR_KEY = `SELECT ${actorKeySql('$1', '$2')} AS key`;

async function actorKey(tx: Sql, actor: Actor): Promise<string> {
  const [row] = await tx.query<{ key: string | null }>(ACTOR_KEY, [actor.user.id, actor.sessionId]);
  return row?.key ?? 'gone';
}

/**
 * How a push transaction guards its mutations. A refused or failing command must roll back its
 * own writes while the others stay, which a savepoint per mutation gives, at a round trip each.
 * Most pushes have no refusal, so a chunk first runs without savepoints ('optimistic'); the first
 * command that throws abandons that transaction (AbandonOptimistic) and the chunk runs again
 * with them ('savepoints'). 'audit-each' also writes each mutation's audit events inside its
 * savepoint (see push).
 */
type ChunkMode = 'optimistic' | 'savepoints' | 'audit-each';

/** Thrown inside an optimistic chunk's transaction to roll it back and run it with savepoints. */
class AbandonOptimistic extends Error {}

/** One write transaction of a push: its mutations, then what they recorded. */
interface ChunkWrite {
  tx: Sql;
  mode: ChunkMode;
  /** The client's lastMutationId as of the mutations applied so far in this transaction. */
  lastMutationId: number;
  /** Audit events of the mutations applied so far (a refused one's are dropped with its savepoint). */
  pendingAudit: AuditRow[];
  /**
   * Whether the last mutation's savepoint is still open: it is released together with the next
   * one's start, in one round trip (COMMIT releases the last).
   */
  savepointOpen: boolean;
}

interface Applied {
  outcome: MutationOutcome;
  changedOrgs: ReadonlySet<string>;
  /** What to record for a mutation applied now; null for one that was already recorded. */
  record: MutationRecord | null;
}

/**
 * One mutation in the chunk's transaction: the command's change commits together with its audit
 * events, its recorded outcome and the client's lastMutationId (those three are written once
 * for the chunk, just before commit). The command runs inside a savepoint so that a refused
 * command rolls back its own writes, and drops its audit events, while its outcome is still
 * recorded.
 */
async function applyMutation(chunk: ChunkWrite, deps: ServiceDeps, log: PushLog, actor: Actor, clientId: string, mutation: Mutation, hash: string): Promise<Applied> {
  const { tx, lastMutationId, pendingAudit } = chunk;
  const now = deps.now();
  if (mutation.id <= lastMutationId) {
    const recorded = checkRecorded(mutation, hash, (await readMutations(tx, clientId, [mutation.id])).get(mutation.id));
    return { outcome: recorded ?? { mutationId: mutation.id, status: 'applied' }, changedOrgs: new Set(), record: null };
  }
  if (mutation.id > lastMutationId + 1) throw gap(lastMutationId + 1, mutation.id);

  const changedOrgs = new Set<string>();
  let outcome: MutationOutcome = { mutationId: mutation.id, status: 'applied' };
  const parsed = parseCommand(mutation.name, mutation.args);
  if (!parsed.success) {
    outcome = refusalOf(mutation.id, validationErrorFromZod(parsed.error))!;
  } else {
    const guarded = chunk.mode !== 'optimistic';
    if (guarded) {
      await tx.query(chunk.savepointOpen ? 'RELEASE SAVEPOINT sync_mutation; SAVEPOINT sync_mutation' : 'SAVEPOINT sync_mutation');
      chunk.savepointOpen = true;
    }
    const auditMark = pendingAudit.length;
    try {
      await runCommand(
        {
          tx,
          actor,
          now,
          origin: originOf(mutation, clientId),
          ...(mutation.baseVersion === undefined ? {} : { baseVersion: mutation.baseVersion }),
          changedOrgs,
          pendingAudit,
        },
        parsed.command,
      );
      if (chunk.mode === 'audit-each') await writeAuditEvents(tx, pendingAudit.splice(auditMark));
    } catch (error) {
      if (isTransientFailure(error)) throw error;
      // Without a savepoint the command's own writes cannot be undone alone: the chunk starts over with them.
      if (!guarded) throw new AbandonOptimistic();
      // A connection that broke without saying so fails here too, and so fails the request.
      await tx.query('ROLLBACK TO SAVEPOINT sync_mutation').catch(() => {
        throw error;
      });
      pendingAudit.length = auditMark;
      changedOrgs.clear();
      outcome = refusalOf(mutation.id, error) ?? internalFailure(log, clientId, mutation, error);
    }
  }
  return { outcome, changedOrgs, record: { payloadHash: hash, outcome, at: now } };
}

/** A run of new billing contacts in one statement (push-batches.ts), each applied and recorded as applyMutation would. */
async function applyAtOnce(
  write: ChunkWrite,
  now: Date,
  actor: Actor,
  clientId: string,
  items: readonly { mutation: Mutation; hash: string }[],
  run: readonly CommandArgs<'addBillingContact'>[],
): Promise<Applied[]> {
  let contacts: Awaited<ReturnType<typeof addContactsAtOnce>>;
  try {
    contacts = await addContactsAtOnce(write.tx, actor, now, write.pendingAudit, run.map((args, index) => ({ args, origin: originOf(items[index]!.mutation, clientId) })));
  } catch (error) {
    if (isTransientFailure(error)) throw error;
    throw new AbandonOptimistic();
  }
  if (contacts === null) throw new AbandonOptimistic();
  return contacts.map((contact, index) => {
    const { mutation, hash } = items[index]!;
    const outcome: MutationOutcome = { mutationId: mutation.id, status: 'applied' };
    return { outcome, changedOrgs: new Set([contact.orgId]), record: { payloadHash: hash, outcome, at: now } };
  });
}

/**
 * POST /v1/sync/push. Ids at or below the client's lastMutationId are skipped (their recorded
 * outcome is answered again); a gap or a reused id with a different payload refuses the request
 * (409 INVALID_TRANSITION, details.reason 'gap' with `expected`, or 'reused_id') before anything
 * is applied. Conflicts and rejections are outcomes and never stop the mutations after them,
 * and so is a poison pill: a command that fails for a reason that is not transient (a database
 * error, a bug) is answered as rejected INTERNAL with a reference that `log` records with the
 * error. Only a transient failure (isTransientFailure) fails the request, for the client to retry.
 */
export async function push(deps: ServiceDeps, requestActor: Actor, request: PushRequest, log: PushLog): Promise<PushResponse> {
  if (request.schemaVersion !== SCHEMA_VERSION) {
    throw new SeatdeskError('SCHEMA_MISMATCH', undefined, { expected: SCHEMA_VERSION, received: request.schemaVersion });
  }
  const { clientId, mutations } = request;
  checkOrder(mutations);
  const hashes = mutations.map(payloadHash);

  // Everything that refuses the whole request is checked before the first change.
  const client = await readSyncClient(deps.store, clientId, requestActor);
  const lastMutationId = client?.lastMutationId ?? 0;
  const firstNew = mutations.find((mutation) => mutation.id > lastMutationId);
  if (firstNew !== undefined && firstNew.id > lastMutationId + 1) throw gap(lastMutationId + 1, firstNew.id);
  const seen = mutations.filter((mutation) => mutation.id <= lastMutationId);
  const recorded = await readMutations(deps.store, clientId, seen.map((mutation) => mutation.id));
  const outcomes: MutationOutcome[] = [];
  mutations.forEach((mutation, index) => {
    if (mutation.id > lastMutationId) return;
    const outcome = checkRecorded(mutation, hashes[index]!, recorded.get(mutation.id));
    if (outcome !== null) outcomes.push(outcome);
  });

  let actor = requestActor;
  /** actorKey as of the last load (loadActor reads it with the actor); null when unknown (after a mutation that may change the actor). */
  let loadedKey: string | null = loadedKeyOf(requestActor);
  let last = lastMutationId;
  const changedOrgs = new Set<string>();
  const pending = mutations.map((mutation, index) => ({ mutation, hash: hashes[index]! })).filter(({ mutation }) => mutation.id > lastMutationId);

  // Every transaction is in the pushing user's provider tree: every organization a mutation may
  // act on is in their scope, which lies inside it (service/README.md, "Sequence order").
  const tree = await providerTreeOf(deps.store, requestActor.user.orgId);

  /** One transaction's worth of mutations, committed with their audit events and outcomes. */
  const writeChunk = (chunk: typeof pending, mode: ChunkMode) =>
    deps.store.write(async (tx) => {
      // Checked again under the write lock: another push of the same client may have run meanwhile.
      const write: ChunkWrite = {
        tx,
        mode,
        lastMutationId: await lockSyncClient(tx, clientId, actor, deps.now()),
        pendingAudit: [],
        savepointOpen: false,
      };
      const results: Applied[] = [];
      // Permissions are the actor's as of this transaction, which holds the write lock: a demotion,
      // deactivation or role edit committed since the push began applies to every mutation in it.
      const key = await actorKey(tx, actor);
      let actorStale = key !== loadedKey;
      loadedKey = key;
      const chunkMutations = chunk.map((item) => item.mutation);
      for (let index = 0; index < chunk.length; ) {
        if (actorStale) {
          const fresh = await loadActor(tx, { sub: actor.user.id, sid: actor.sessionId, exp: 0 });
          if (fresh === null) throw new SeatdeskError('UNAUTHENTICATED', 'Your session or account ended during the push. Sign in again.');
          actor = fresh;
          actorStale = false;
        }
        // A run that one statement can apply (push-batches.ts), in an optimistic chunk: if any of it
        // would be refused, the chunk runs again one mutation at a time.
        const run = mode === 'optimistic' ? addContactsRun(chunkMutations, index, write.lastMutationId, actor) : [];
        if (run.length >= SMALLEST_RUN) {
          const items = chunk.slice(index, index + run.length);
          results.push(...(await applyAtOnce(write, deps.now(), actor, clientId, items, run)));
          write.lastMutationId = items.at(-1)!.mutation.id;
          index += run.length;
          continue;
        }
        const { mutation, hash } = chunk[index]!;
        index += 1;
        const result = await applyMutation(write, deps, log, actor, clientId, mutation, hash);
        if (result.record !== null) write.lastMutationId = mutation.id;
        // An applied command may change the actor's own roles or scope (a new child organization).
        if (result.outcome.status === 'applied' && mayChangeActor(mutation, actor)) {
          actorStale = true;
          loadedKey = null;
        }
        results.push(result);
      }
      // The kept changes' audit events and every outcome: one statement for the whole transaction.
      await recordMutations(
        tx,
        clientId,
        results.flatMap((result) => (result.record === null ? [] : [result.record])),
        write.pendingAudit,
      );
      return results;
    }, [tree]);

  try {
    // Several mutations share one transaction (each still in its own savepoint): a commit per
    // mutation made a 10,000-command bulk edit take minutes. A transient failure rolls the chunk
    // back and fails the request; the client pushes again, and the ids already recorded before the
    // chunk are skipped, so every mutation still applies exactly once.
    for (let start = 0; start < pending.length; start += MUTATIONS_PER_TRANSACTION) {
      const chunk = pending.slice(start, start + MUTATIONS_PER_TRANSACTION);
      let applied: Applied[];
      try {
        applied = await writeChunk(chunk, 'optimistic').catch((error: unknown) => {
          if (error instanceof AbandonOptimistic) return writeChunk(chunk, 'savepoints');
          throw error;
        });
      } catch (error) {
        if (isTransientFailure(error) || isSeatdeskError(error)) throw error;
        // A failure outside every mutation's savepoint (the chunk's one audit statement): once
        // more with each mutation's audit written in its savepoint, where a failure is its own.
        applied = await writeChunk(chunk, 'audit-each');
      }
      for (const [index, result] of applied.entries()) {
        outcomes.push(result.outcome);
        last = Math.max(last, chunk[index]!.mutation.id);
        for (const orgId of result.changedOrgs) changedOrgs.add(orgId);
      }
    }
  } finally {
    if (changedOrgs.size > 0) deps.notifier.changed(changedOrgs);
  }
  return { lastMutationId: last, outcomes };
}

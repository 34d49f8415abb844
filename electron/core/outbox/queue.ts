import { randomUUID } from 'node:crypto';
import { clientIdFieldOf, COMMANDS, commandNameSchema, targetOrgOf, type Command, type CommandName } from '@shared/commands/catalogue';
import { SeatdeskError, isSeatdeskError, validationErrorFromZod, type ValidationIssue } from '@shared/errors';
import type { QueuedResult } from '@shared/ipc/models';
import type { Mutation } from '@shared/sync/protocol';
import { durably, type CacheDatabase } from '../db/open';
import { statement } from '../db/statements';
import { ensureSyncState, setNextMutationId } from '../sync/state';
import { LocalView, type TouchedRow } from './local-view';
import { applyLocally, targetOf, withClientIds } from './mutators';

export interface CommandInput {
  name: string;
  args?: unknown;
}

export interface QueueOptions {
  /** Groups a bulk edit in the audit log; one is made for a multi-command batch without one. */
  batchId?: string;
  now: Date;
  /**
   * For bulk actions: a command its mutator refuses (a missing row, a status that does not allow
   * it) is left out and listed in `skipped` instead of failing the batch. Invalid args still do.
   */
  skipRefused?: boolean;
  /** Made while the service could not be reached: the audit log records it as queued offline. */
  offline?: boolean;
}

export interface QueueDetails {
  result: QueuedResult;
  /** The rows the batch wrote in the view, for data.changed events. */
  touched: TouchedRow[];
}

/** An outbox row as stored. */
export interface OutboxRow {
  mutationId: number;
  name: CommandName;
  args: unknown;
  entity: string;
  entityId: string | null;
  orgId: string;
  baseVersion: number | null;
  batchId: string | null;
  queuedAt: string;
  queuedOffline: boolean;
}

interface RawOutboxRow {
  mutation_id: number;
  name: string;
  args: string;
  entity: string;
  entity_id: string | null;
  org_id: string;
  base_version: number | null;
  batch_id: string | null;
  queued_at: string;
  queued_offline: 0 | 1;
}

/** Parses every command with its schema; one bad command refuses the whole batch (VALIDATION). */
export function parseCommands(commands: readonly CommandInput[]): Command[] {
  const issues: ValidationIssue[] = [];
  const parsed: Command[] = [];
  const prefix = (index: number, path: string) => (commands.length === 1 ? path : [`commands.${index}`, path].filter((p) => p !== '').join('.'));
  commands.forEach((input, index) => {
    const name = commandNameSchema.safeParse(input.name);
    if (!name.success) {
      issues.push({ path: prefix(index, 'name'), message: `There is no command named ${String(input.name)}.` });
      return;
    }
    const args = COMMANDS[name.data].args.safeParse(input.args ?? {});
    if (!args.success) {
      const error = validationErrorFromZod(args.error);
      for (const issue of error.details as ValidationIssue[]) issues.push({ path: prefix(index, issue.path), message: issue.message });
      return;
    }
    parsed.push({ name: name.data, args: withClientIds(name.data, args.data as never) } as Command);
  });
  if (issues.length > 0) {
    const [first] = issues;
    const message = `${first!.path === '' ? '' : `${first!.path}: `}${first!.message}` + (issues.length > 1 ? ` (and ${issues.length - 1} more)` : '');
    throw new SeatdeskError('VALIDATION', message, issues);
  }
  return parsed;
}

/** The id a skipped command is reported under: its target row, else its organization. */
function reportedId(command: Command): string {
  return targetOf(command.name, command.args as never).id ?? targetOrgOf(command);
}

/**
 * Queues already-parsed commands inside the caller's transaction: mutation ids from
 * sync_state.next_mutation_id, the local mutators applied to the view (each write copying the
 * confirmed row first), and one outbox row per command with the version of its target row as
 * the command saw it. That is the confirmed version for the first pending command on a row; a
 * later one on the same row names the version the earlier ones lead to (mutators bump it as the
 * service does), so a queued "cancel" then "undo" is not mistaken for a conflict.
 */
export function queueInTransaction(db: CacheDatabase, commands: readonly Command[], options: QueueOptions): QueueDetails {
  const state = ensureSyncState(db);
  const view = new LocalView(db);
  const ctx = { view, now: options.now };
  const queuedAt = options.now.toISOString();
  const batchId = options.batchId ?? (commands.length > 1 ? randomUUID() : null);
  const insert = statement(
    db,
    `INSERT INTO outbox (mutation_id, name, args, entity, entity_id, org_id, base_version, batch_id, queued_at, queued_offline)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  // Only when commands may be skipped does each need its own savepoint; otherwise a refusal rolls back the batch.
  const applyOne = options.skipRefused === true ? db.transaction((command: Command) => applyLocally(ctx, command.name, command.args as never)) : null;
  let next = state.nextMutationId;
  const mutationIds: number[] = [];
  const skipped: QueuedResult['skipped'] = [];
  for (const command of commands) {
    const target = targetOf(command.name, command.args as never);
    const baseVersion = target.id === null ? null : view.versionOf(target.entity, target.id);
    if (applyOne === null) {
      applyLocally(ctx, command.name, command.args as never);
    } else {
      try {
        applyOne(command);
      } catch (error) {
        if (!isSeatdeskError(error) || error.code === 'INTERNAL') throw error;
        skipped.push({ id: reportedId(command), reason: error.message });
        continue;
      }
    }
    insert.run(
      next,
      command.name,
      JSON.stringify(command.args),
      target.entity,
      target.id,
      targetOrgOf(command),
      baseVersion,
      batchId,
      queuedAt,
      options.offline === true ? 1 : 0,
    );
    mutationIds.push(next);
    next += 1;
  }
  setNextMutationId(db, next);
  const single = commands.length === 1 ? commands[0]! : null;
  const entityId =
    single !== null && mutationIds.length === 1 && clientIdFieldOf(single.name) === 'id'
      ? targetOf(single.name, single.args as never).id
      : null;
  return { result: { batchId: mutationIds.length > 0 ? batchId : null, mutationIds, entityId, skipped }, touched: view.touched };
}

/**
 * Validates, applies locally and queues commands as one durable transaction (synchronous=FULL):
 * when this returns, the commands survive a crash; when it throws, nothing changed.
 */
export function queueCommandsDetailed(db: CacheDatabase, commands: readonly CommandInput[], options: QueueOptions): QueueDetails {
  const parsed = parseCommands(commands);
  return durably(db, () => db.transaction(() => queueInTransaction(db, parsed, options)).immediate());
}

export function pendingCount(db: CacheDatabase): number {
  return (statement(db, 'SELECT count(*) AS n FROM outbox').get() as { n: number }).n;
}

function toOutboxRow(raw: RawOutboxRow): OutboxRow {
  return {
    mutationId: raw.mutation_id,
    name: raw.name as CommandName,
    args: JSON.parse(raw.args) as unknown,
    entity: raw.entity,
    entityId: raw.entity_id,
    orgId: raw.org_id,
    baseVersion: raw.base_version,
    batchId: raw.batch_id,
    queuedAt: raw.queued_at,
    queuedOffline: raw.queued_offline === 1,
  };
}

/** Outbox rows after a mutation id, oldest first. */
export function outboxRows(db: CacheDatabase, afterId = 0, max = Number.MAX_SAFE_INTEGER): OutboxRow[] {
  return (statement(db, 'SELECT * FROM outbox WHERE mutation_id > ? ORDER BY mutation_id LIMIT ?').all(afterId, max) as RawOutboxRow[]).map(toOutboxRow);
}

export function outboxRow(db: CacheDatabase, mutationId: number): OutboxRow | null {
  const raw = statement(db, 'SELECT * FROM outbox WHERE mutation_id = ?').get(mutationId) as RawOutboxRow | undefined;
  return raw === undefined ? null : toOutboxRow(raw);
}

/** The next mutations to push, in id order, as the protocol carries them. */
export function outboxBatch(db: CacheDatabase, afterId: number, max: number): Mutation[] {
  return outboxRows(db, afterId, max).map((row) => {
    const mutation: Mutation = { id: row.mutationId, name: row.name, args: row.args };
    if (row.baseVersion !== null) mutation.baseVersion = row.baseVersion;
    if (row.batchId !== null) mutation.batchId = row.batchId;
    mutation.queuedOffline = row.queuedOffline;
    return mutation;
  });
}

import type { Statement as BetterStatement } from 'better-sqlite3';
import type { z } from 'zod';
import { ENTITY_SCHEMAS } from '@shared/domain/entities';
import { auditEventSchema } from '@shared/domain/audit';
import type { ChangedEntity, SettledRefusal } from '@shared/ipc/contract';
import type { Change, MutationOutcome, PullResponse, SyncedEntityName } from '@shared/sync/protocol';
import { EntityRows, tableOf } from '../cache/rows';
import type { CacheDatabase } from '../db/open';
import { LocalView } from '../outbox/local-view';
import { applyLocally, targetOf } from '../outbox/mutators';
import { outboxRow, outboxRows, type OutboxRow } from '../outbox/queue';
import { recordIssue, type IssueContext } from './issues';
import { advanceCursor, saveBootstrapProgress, settleThrough } from './state';

export type SyncLog = (level: 'info' | 'warn' | 'error', message: string, details?: unknown) => void;

/** Which entities changed in which organizations; orgId null when too many to list. */
export interface ChangedScope {
  entity: ChangedEntity;
  orgId: string | null;
}

/** Collects the (entity, organization) pairs a transaction changed, for data.changed events. */
export class ChangeTracker {
  private readonly byEntity = new Map<ChangedEntity, Set<string> | 'many'>();

  /** orgId null: the entity changed in organizations not worth listing (issues, a fresh copy). */
  add(entity: ChangedEntity, orgId: string | null): void {
    const orgs = this.byEntity.get(entity);
    if (orgs === 'many') return;
    if (orgId === null) this.byEntity.set(entity, 'many');
    else if (orgs === undefined) this.byEntity.set(entity, new Set([orgId]));
    else orgs.add(orgId);
  }

  get size(): number {
    return this.byEntity.size;
  }

  /** One event per organization, or one for the entity when a page touched many (a bootstrap). */
  scopes(maxOrgsPerEntity = 20): ChangedScope[] {
    const scopes: ChangedScope[] = [];
    for (const [entity, orgs] of this.byEntity) {
      if (orgs === 'many' || orgs.size > maxOrgsPerEntity) scopes.push({ entity, orgId: null });
      else for (const orgId of orgs) scopes.push({ entity, orgId });
    }
    return scopes;
  }
}

const ROW_SCHEMAS: Readonly<Record<SyncedEntityName, z.ZodType>> = { ...ENTITY_SCHEMAS, audit_event: auditEventSchema };

type Statement = BetterStatement<unknown[]>;

/** Statements prepared once per database; every entity table has the same four columns. */
class Statements {
  private static readonly cache = new WeakMap<CacheDatabase, Statements>();
  private readonly map = new Map<string, Statement>();

  static of(db: CacheDatabase): Statements {
    let statements = Statements.cache.get(db);
    if (statements === undefined) {
      statements = new Statements(db);
      Statements.cache.set(db, statements);
    }
    return statements;
  }

  private constructor(private readonly db: CacheDatabase) {}

  get(sql: string): Statement {
    let statement = this.map.get(sql);
    if (statement === undefined) {
      statement = this.db.prepare(sql);
      this.map.set(sql, statement);
    }
    return statement;
  }

  viewData(entity: SyncedEntityName): Statement {
    return this.get(`SELECT data FROM ${tableOf(entity)} WHERE id = ?`);
  }
}

interface ConfirmedRaw {
  entity: SyncedEntityName;
  id: string;
  org_id: string;
  version: number | null;
  data: string | null;
}

const parseJson = (text: string | null | undefined): unknown => (text === null || text === undefined ? null : (JSON.parse(text) as unknown));

/** The confirmed state of a row: its confirmed_rows copy when pending, else the view row. */
function confirmedData(db: CacheDatabase, entity: SyncedEntityName, id: string): unknown {
  const statements = Statements.of(db);
  const copy = statements.get('SELECT data FROM confirmed_rows WHERE entity = ? AND id = ?').get(entity, id) as { data: string | null } | undefined;
  if (copy !== undefined) return parseJson(copy.data);
  return parseJson((statements.viewData(entity).get(id) as { data: string } | undefined)?.data);
}

function viewData(db: CacheDatabase, entity: SyncedEntityName, id: string): unknown {
  return parseJson((Statements.of(db).viewData(entity).get(id) as { data: string } | undefined)?.data);
}

/**
 * For each conflict or rejection whose command is still queued and not yet an issue: the command,
 * its confirmed row (base) and what it made of the row (mine), taken before anything changes.
 */
export function issueContexts(db: CacheDatabase, outcomes: readonly MutationOutcome[]): Map<number, IssueContext> {
  const contexts = new Map<number, IssueContext>();
  const known = Statements.of(db).get('SELECT 1 FROM sync_issues WHERE mutation_id = ?');
  for (const outcome of outcomes) {
    if (outcome.status === 'applied' || known.get(outcome.mutationId) !== undefined) continue;
    const command = outboxRow(db, outcome.mutationId);
    if (command === null) continue;
    const entity = command.entity as SyncedEntityName;
    const base = command.entityId === null ? null : confirmedData(db, entity, command.entityId);
    const row = command.entityId === null ? null : viewData(db, entity, command.entityId);
    contexts.set(outcome.mutationId, { command, base, mine: { args: command.args, row } });
  }
  return contexts;
}

/**
 * The one path for outcomes, whether a push's answer or a pull (which repeats the last 500, so an
 * answer lost on the way is not lost) brought them: each conflict or rejection of a command still
 * queued, with its context taken before anything changed, becomes a sync issue once. `theirs` is
 * the row as it now is where the outcome does not carry it. Runs in the caller's transaction;
 * answers the issues that are new.
 */
export function recordOutcomes(
  db: CacheDatabase,
  outcomes: readonly MutationOutcome[],
  contexts: ReadonlyMap<number, IssueContext>,
  theirs: (context: IssueContext) => unknown,
  now: Date,
): SettledRefusal[] {
  const refused: SettledRefusal[] = [];
  for (const [mutationId, context] of contexts) {
    const outcome = outcomes.find((o) => o.mutationId === mutationId)!;
    const recorded = recordIssue(db, context, outcome, outcome.current ?? theirs(context), now);
    if (recorded !== null) refused.push(recorded);
  }
  return refused;
}

/**
 * Records the conflicts and rejections a push answered (in the caller's transaction). The view is
 * left as it is: the pull that follows settles the commands and rebases. Answers the new issues.
 */
export function recordPushAnswer(db: CacheDatabase, outcomes: readonly MutationOutcome[], now: Date): SettledRefusal[] {
  return recordOutcomes(db, outcomes, issueContexts(db, outcomes), (context) => context.base, now);
}

/** recordPushAnswer, answering how many issues were new. */
export function recordPushOutcomes(db: CacheDatabase, outcomes: readonly MutationOutcome[], now: Date): number {
  return recordPushAnswer(db, outcomes, now).length;
}

/** Told each queued command as a rebase replays it, with its target row's version just before. */
export type ReplayObserver = (command: OutboxRow, versionBefore: number | null) => void;

/**
 * Rebase: every confirmed copy goes back into the view (data NULL: the row is deleted), then the
 * queued commands are replayed in order by their local mutators, each at the time it was queued
 * and in its own savepoint; one that no longer applies is skipped (the service will decide, and a
 * refusal comes back as an issue). Runs in the caller's transaction.
 */
export function rebase(db: CacheDatabase, tracker: ChangeTracker, log: SyncLog, observe?: ReplayObserver): void {
  const statements = Statements.of(db);
  const rows = EntityRows.of(db);
  const confirmed = statements.get('SELECT entity, id, org_id, version, data FROM confirmed_rows').all() as ConfirmedRaw[];
  for (const row of confirmed) {
    if (row.data === null) rows.delete(row.entity, row.id);
    else rows.write(row.entity, row.id, row.org_id, row.version!, JSON.parse(row.data) as Record<string, unknown>, row.data);
    tracker.add(row.entity, row.org_id);
  }
  statements.get('DELETE FROM confirmed_rows').run();

  const view = new LocalView(db);
  const replay = db.transaction((ctx: { now: Date }, name: string, args: unknown) => applyLocally({ view, now: ctx.now }, name as never, args as never));
  for (const command of outboxRows(db)) {
    if (observe !== undefined) {
      const target = targetOf(command.name, command.args as never);
      observe(command, target.id === null ? null : view.versionOf(target.entity, target.id));
    }
    try {
      replay({ now: new Date(command.queuedAt) }, command.name, command.args);
    } catch (error) {
      log('info', `Queued ${command.name} (mutation ${command.mutationId}) no longer applies to the offline copy; the service will decide.`, error);
    }
  }
  for (const row of view.touched) tracker.add(row.entity, row.orgId);
}

export function hasPending(db: CacheDatabase): boolean {
  const statements = Statements.of(db);
  return (
    statements.get('SELECT 1 FROM outbox LIMIT 1').get() !== undefined || statements.get('SELECT 1 FROM confirmed_rows LIMIT 1').get() !== undefined
  );
}

export interface ApplyPageOptions {
  now: Date;
  log: SyncLog;
  /**
   * Settle the page: drop the commands the service has applied (<= lastMutationId), record the
   * outcomes and rebase. False for a leading chunk of a page split to keep transactions short.
   */
  settle?: boolean;
  /**
   * auto: rebase when the page settled commands or touched pending rows. defer: during a bootstrap
   * the rebase waits for the last page (one replay, not one per page). force: the last page of a
   * bootstrap replays the queue over the fresh rows whatever else happened.
   */
  rebase?: 'auto' | 'defer' | 'force';
  /** Persisted with the page, so a bootstrap resumes where it stopped. */
  bootstrap?: { done: number; total: number; complete: boolean };
  /**
   * False: write inside the caller's open transaction, which rolls back everything on a failure
   * (a bootstrap's batch of slices). A savepoint per slice would make FTS5 flush its index each time.
   */
  ownTransaction?: boolean;
}

export interface ApplyResult {
  changed: ChangedScope[];
  applied: number;
  dropped: number;
  issuesRecorded: number;
  /** The page's lastMutationId when it settled commands (dropped some or recorded issues), else null. */
  settledThrough: number | null;
  /** The new issues among them. */
  refused: SettledRefusal[];
}

/**
 * Writes one change: to confirmed_rows when a pending command has the row, else to the view.
 * `anyConfirmed` false (nothing pending) skips the confirmed_rows lookup, as in a bootstrap.
 */
function writeChange(db: CacheDatabase, change: Change, data: Record<string, unknown> | null, anyConfirmed: boolean): boolean {
  const json = data === null ? null : JSON.stringify(data);
  if (anyConfirmed) {
    const pending = Statements.of(db)
      .get('UPDATE confirmed_rows SET org_id = ?, version = ?, data = ? WHERE entity = ? AND id = ?')
      .run(change.orgId, change.version, json, change.entity, change.id);
    if (pending.changes > 0) return true;
  }
  const rows = EntityRows.of(db);
  if (data === null || json === null) rows.delete(change.entity, change.id);
  else rows.write(change.entity, change.id, change.orgId, change.version, data, json);
  return false;
}

/**
 * Applies one pull page (or a chunk of one) in ONE transaction, as the core's model of local
 * state says: confirmed_rows-aware writes, the settled commands dropped, conflicts and rejections
 * recorded as issues, a rebase when anything is pending, and the cursor advanced with it.
 */
export function applyPullPage(db: CacheDatabase, page: PullResponse, options: ApplyPageOptions): ApplyResult {
  const settle = options.settle ?? true;
  const tracker = new ChangeTracker();
  const apply = (): ApplyResult => {
      const contexts = settle ? issueContexts(db, page.outcomes) : new Map<number, IssueContext>();
      let applied = 0;
      let touchedPending = false;
      const anyConfirmed = Statements.of(db).get('SELECT 1 FROM confirmed_rows LIMIT 1').get() !== undefined;
      for (const change of page.changes) {
        let data: Record<string, unknown> | null = null;
        if (change.op === 'upsert') {
          const parsed = ROW_SCHEMAS[change.entity].safeParse(change.data);
          if (!parsed.success) {
            options.log('error', `The service sent a ${change.entity} that does not match this app's schema; it is left out.`, {
              id: change.id,
              issues: parsed.error.issues.slice(0, 3),
            });
            continue;
          }
          data = parsed.data as Record<string, unknown>;
        }
        if (writeChange(db, change, data, anyConfirmed)) touchedPending = true;
        tracker.add(change.entity, change.orgId);
        applied += 1;
      }

      const statements = Statements.of(db);
      let dropped = 0;
      let refused: SettledRefusal[] = [];
      if (settle) {
        dropped = statements.get('DELETE FROM outbox WHERE mutation_id <= ?').run(page.lastMutationId).changes;
        settleThrough(db, page.lastMutationId);
        refused = recordOutcomes(
          db,
          page.outcomes,
          contexts,
          ({ command }) => (command.entityId === null ? null : confirmedData(db, command.entity as SyncedEntityName, command.entityId)),
          options.now,
        );
        if (refused.length > 0) tracker.add('sync_issue', null);
        const mode = options.rebase ?? 'auto';
        const wanted = mode === 'force' || (mode === 'auto' && (dropped > 0 || touchedPending || refused.length > 0 || applied > 0));
        if (wanted && hasPending(db)) rebase(db, tracker, options.log);
      }

      advanceCursor(db, page.cursor, options.now);
      if (options.bootstrap !== undefined) saveBootstrapProgress(db, options.bootstrap);
      const settledThrough = settle && (dropped > 0 || refused.length > 0) ? page.lastMutationId : null;
      return { changed: tracker.scopes(), applied, dropped, issuesRecorded: refused.length, settledThrough, refused };
  };
  if (options.ownTransaction === false) {
    if (!db.inTransaction) throw new Error('applyPullPage: ownTransaction false needs an open transaction');
    return apply();
  }
  return db.transaction(apply).immediate();
}

import { randomUUID } from 'node:crypto';
import { SeatdeskError } from '@shared/errors';
import type { AuditOrigin } from '@shared/domain/audit';
import type { EntityName } from '@shared/domain/entities';
import type { Actor } from '../auth/actor';
import type { Sql } from '../db/store';

/** Everything a command function needs; one per command, inside the write transaction. */
export interface CommandContext {
  tx: Sql;
  actor: Actor;
  now: Date;
  origin: AuditOrigin;
  /** From a sync mutation: the version the client saw. A different current version is a conflict. */
  baseVersion?: number;
  /** Organizations whose data changed, so their subscribers are poked after commit. */
  changedOrgs: Set<string>;
  /**
   * When set, audit events are collected here instead of written at once, and the caller writes
   * them (writeAuditEvents) in the same transaction before it commits: a sync push writes a
   * whole transaction's worth in one statement.
   */
  pendingAudit?: AuditRow[];
}

export interface AuditEntry {
  orgId: string;
  entity: EntityName;
  entityId: string;
  action: string;
  before: unknown;
  after: unknown;
}

/** An audit_events row as it is inserted. */
export interface AuditRow {
  id: string;
  org_id: string;
  actor_user_id: string;
  actor_email: string;
  entity: EntityName;
  entity_id: string;
  action: string;
  before: unknown;
  after: unknown;
  at: Date;
  origin: AuditOrigin;
}

/** Every change writes its audit event in the same transaction. */
export async function recordAudit(ctx: CommandContext, entry: AuditEntry): Promise<void> {
  const row: AuditRow = {
    id: randomUUID(),
    org_id: entry.orgId,
    actor_user_id: ctx.actor.user.id,
    actor_email: ctx.actor.user.email,
    entity: entry.entity,
    entity_id: entry.entityId,
    action: entry.action,
    before: entry.before,
    after: entry.after,
    at: ctx.now,
    origin: ctx.origin,
  };
  if (ctx.pendingAudit === undefined) await writeAuditEvents(ctx.tx, [row]);
  else ctx.pendingAudit.push(row);
  ctx.changedOrgs.add(entry.orgId);
}

/** Inserts audit events in one statement, in the order given (each takes the next seq, as one INSERT each would). */
export async function writeAuditEvents(tx: Sql, rows: readonly AuditRow[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.query(auditInsertSql('$1'), [JSON.stringify(rows)]);
}

/** The INSERT of audit rows given as one JSON parameter (`param`: JSON.stringify of AuditRow[]). */
export function auditInsertSql(param: string): string {
  return `INSERT INTO audit_events (id, org_id, actor_user_id, actor_email, entity, entity_id, action, before, after, at, origin)
     SELECT id, org_id, actor_user_id, actor_email, entity, entity_id, action, before, after, at, origin
       FROM jsonb_to_recordset(${param}::jsonb)
         AS r(id uuid, org_id uuid, actor_user_id uuid, actor_email text, entity text, entity_id uuid, action text,
              before jsonb, after jsonb, at timestamptz, origin jsonb)`;
}

/**
 * Optimistic concurrency: a PATCH carries the version it read, a queued mutation its base
 * version. The current row travels in the error so the client can show base, mine and theirs.
 */
export function checkVersion(ctx: CommandContext, current: { version: number }, expected: number | undefined, currentWire: unknown): void {
  const wanted = expected ?? ctx.baseVersion;
  if (wanted !== undefined && wanted !== current.version) {
    throw new SeatdeskError('VERSION_CONFLICT', 'Someone else changed this since you loaded it.', { current: currentWire });
  }
}

export function notFound(what: string): SeatdeskError {
  return new SeatdeskError('NOT_FOUND', `No such ${what}.`);
}

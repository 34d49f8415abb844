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
}

export interface AuditEntry {
  orgId: string;
  entity: EntityName;
  entityId: string;
  action: string;
  before: unknown;
  after: unknown;
}

/** Every change writes its audit event in the same transaction. */
export async function recordAudit(ctx: CommandContext, entry: AuditEntry): Promise<void> {
  await ctx.tx.query(
    `INSERT INTO audit_events (id, org_id, actor_user_id, actor_email, entity, entity_id, action, before, after, at, origin)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
    [
      randomUUID(),
      entry.orgId,
      ctx.actor.user.id,
      ctx.actor.user.email,
      entry.entity,
      entry.entityId,
      entry.action,
      entry.before === null ? null : JSON.stringify(entry.before),
      entry.after === null ? null : JSON.stringify(entry.after),
      ctx.now,
      JSON.stringify(ctx.origin),
    ],
  );
  ctx.changedOrgs.add(entry.orgId);
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

import type { CommandName } from '@shared/commands/catalogue';
import { ERROR_CODES, SeatdeskError, errorCodeSchema, type ErrorCode } from '@shared/errors';
import type { SettledRefusal } from '@shared/ipc/contract';
import type { SyncIssue } from '@shared/ipc/models';
import type { MutationOutcome } from '@shared/sync/protocol';
import type { CacheDatabase } from '../db/open';
import type { OutboxRow } from '../outbox/queue';

/**
 * Conflicts and rejections the service answered for queued commands, kept in sync_issues until
 * the admin resolves them. sync_issues.mutation_id is unique: the same outcome arriving from a
 * push response and again from a pull is recorded once.
 */

const COMMAND_LABELS: Readonly<Record<CommandName, string>> = {
  createUser: 'Create user',
  updateUser: 'Edit user',
  activateUser: 'Activate user',
  deactivateUser: 'Deactivate user',
  removeUser: 'Remove user',
  inviteUsers: 'Invite users',
  resendInvitation: 'Resend invitation',
  createRole: 'Create role',
  updateRole: 'Edit role',
  deleteRole: 'Delete role',
  installBuiltInRoles: 'Install the built-in roles',
  addBillingContact: 'Add billing contact',
  updateBillingContact: 'Edit billing contact',
  removeBillingContact: 'Remove billing contact',
  cancelSubscription: 'Cancel subscription',
  reactivateSubscription: 'Reactivate subscription',
  removeScheduledCancellation: 'Remove scheduled cancellation',
  createOrg: 'Create organization',
  changeSubscriptionQuantity: 'Change seats',
  changeSubscriptionPlan: 'Change plan',
  updateOrg: 'Edit account details',
  setDefaultPaymentMethod: 'Set default payment method',
  removePaymentMethod: 'Remove payment method',
};

/** What a person calls the row: an email, a name, a product, a card. */
function subjectOf(row: unknown, args: unknown): string | null {
  for (const source of [row, args]) {
    if (source === null || typeof source !== 'object') continue;
    const data = source as Record<string, unknown>;
    if (typeof data['email'] === 'string') return data['email'];
    if (typeof data['product'] === 'string') return data['product'];
    if (typeof data['brand'] === 'string' && typeof data['last4'] === 'string') return `${data['brand']} ending in ${data['last4']}`;
    if (typeof data['name'] === 'string') return data['name'];
    if (Array.isArray(data['emails'])) return data['emails'].slice(0, 3).join(', ') + (data['emails'].length > 3 ? ', …' : '');
  }
  return null;
}

/** A command in words, with the row it is about: "Deactivate user (ann@contoso.example)". */
export function describeCommand(command: CommandName, row: unknown, args: unknown): string {
  const subject = subjectOf(row, args);
  return `${COMMAND_LABELS[command]}${subject === null ? '' : ` (${subject})`}`;
}

export function issueMessage(kind: 'conflict' | 'rejected', code: ErrorCode | null, serviceMessage: string | undefined, command: CommandName, row: unknown, args: unknown): string {
  const what = describeCommand(command, row, args);
  const reason =
    kind === 'conflict'
      ? ERROR_CODES.VERSION_CONFLICT.summary
      : (serviceMessage ?? (code === null ? ERROR_CODES.INTERNAL.summary : ERROR_CODES[code].summary));
  return `${what} was not applied. ${reason}`;
}

export interface IssueContext {
  command: OutboxRow;
  /** The confirmed row before (null: absent on the service, or no single target). */
  base: unknown;
  /** The command's args and the row as the command left it in the view. */
  mine: { args: unknown; row: unknown };
}

/** A rejection of an earlier command of the same batch on the same row, still queued. */
function refusedEarlierInBatch(db: CacheDatabase, command: IssueContext['command']): { code: ErrorCode | null; message: string } | null {
  if (command.batchId === null || command.entityId === null) return null;
  const row = db
    .prepare(
      `SELECT si.code, si.message FROM sync_issues si JOIN outbox o ON o.mutation_id = si.mutation_id
       WHERE si.kind = 'rejected' AND si.entity_id = ? AND o.batch_id = ? AND si.mutation_id < ?
       ORDER BY si.mutation_id DESC LIMIT 1`,
    )
    .get(command.entityId, command.batchId, command.mutationId) as { code: string | null; message: string | null } | undefined;
  if (row === undefined) return null;
  const code = errorCodeSchema.safeParse(row.code);
  return { code: code.success ? code.data : null, message: row.message ?? '' };
}

/** Records a conflict or rejection once; answers it when it was new (null: applied, or known already). */
export function recordIssue(db: CacheDatabase, context: IssueContext, outcome: MutationOutcome, theirs: unknown, now: Date): SettledRefusal | null {
  if (outcome.status === 'applied') return null;
  const { command } = context;
  let status: 'conflict' | 'rejected' = outcome.status;
  let code: ErrorCode | null = outcome.code ?? (outcome.status === 'conflict' ? 'VERSION_CONFLICT' : null);
  let serviceMessage = outcome.message;
  const refusedBefore = status === 'conflict' ? refusedEarlierInBatch(db, command) : null;
  if (refusedBefore !== null) {
    // Not a change by someone else: the command was made on top of one the service refused
    // (remove the Administrator role, then deactivate), so it is part of that refusal.
    status = 'rejected';
    code = refusedBefore.code ?? code;
    serviceMessage = `It depended on the change before it in the same action, which was refused. ${code === null ? '' : ERROR_CODES[code].summary}`.trim();
  }
  const message = issueMessage(status, code, serviceMessage, command.name, context.mine.row ?? context.base, command.args);
  const result = db
    .prepare(
      `INSERT OR IGNORE INTO sync_issues
         (mutation_id, kind, command_name, args, entity, entity_id, org_id, code, message, base, mine, theirs, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      command.mutationId,
      status,
      command.name,
      JSON.stringify(command.args),
      command.entity,
      command.entityId,
      command.orgId,
      code,
      message,
      JSON.stringify(context.base ?? null),
      JSON.stringify(context.mine),
      JSON.stringify(theirs ?? null),
      now.toISOString(),
    );
  if (result.changes === 0) return null;
  return {
    issueId: Number(result.lastInsertRowid),
    mutationId: command.mutationId,
    batchId: command.batchId,
    kind: status,
    code,
    commandName: command.name,
    message,
  };
}

interface RawIssue {
  id: number;
  mutation_id: number;
  kind: 'conflict' | 'rejected';
  command_name: string;
  args: string;
  entity: string;
  entity_id: string | null;
  org_id: string;
  code: string | null;
  message: string | null;
  base: string | null;
  mine: string | null;
  theirs: string | null;
  created_at: string;
  resolved_at: string | null;
  resolution: 'keep_mine' | 'take_theirs' | null;
}

const parseJson = (text: string | null): unknown => (text === null ? null : (JSON.parse(text) as unknown));

function toIssue(raw: RawIssue): SyncIssue {
  const code = errorCodeSchema.safeParse(raw.code);
  return {
    id: raw.id,
    mutationId: raw.mutation_id,
    kind: raw.kind,
    commandName: raw.command_name as CommandName,
    args: parseJson(raw.args),
    entity: raw.entity,
    entityId: raw.entity_id,
    orgId: raw.org_id,
    code: code.success ? code.data : null,
    message: raw.message ?? '',
    base: parseJson(raw.base),
    mine: parseJson(raw.mine),
    theirs: parseJson(raw.theirs),
    createdAt: raw.created_at,
    resolvedAt: raw.resolved_at,
    resolution: raw.resolution,
  };
}

export function listIssues(db: CacheDatabase, includeResolved = false): SyncIssue[] {
  const raws = db
    .prepare(`SELECT * FROM sync_issues${includeResolved ? '' : ' WHERE resolved_at IS NULL'} ORDER BY id`)
    .all() as RawIssue[];
  return raws.map(toIssue);
}

export function getIssue(db: CacheDatabase, issueId: number): SyncIssue {
  const raw = db.prepare('SELECT * FROM sync_issues WHERE id = ?').get(issueId) as RawIssue | undefined;
  if (raw === undefined) throw new SeatdeskError('NOT_FOUND', 'This sync issue does not exist.');
  return toIssue(raw);
}

export function openIssueCount(db: CacheDatabase): number {
  return (db.prepare('SELECT count(*) AS n FROM sync_issues WHERE resolved_at IS NULL').get() as { n: number }).n;
}

export function markResolved(db: CacheDatabase, issueId: number, resolution: 'keep_mine' | 'take_theirs', now: Date): void {
  db.prepare('UPDATE sync_issues SET resolved_at = ?, resolution = ? WHERE id = ?').run(now.toISOString(), resolution, issueId);
}

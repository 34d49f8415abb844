import { SeatdeskError, type ErrorCode } from '@shared/errors';
import { MAX_MUTATIONS_PER_PUSH, type MutationOutcome, type MutationStatus } from '@shared/sync/protocol';
import type { Actor } from '../auth/actor';
import type { Sql } from '../db/store';
import { auditInsertSql, writeAuditEvents, type AuditRow } from '../commands/context';

/** A client (one install) and how far its queue has been applied. */
export interface SyncClient {
  userId: string;
  lastMutationId: number;
}

export interface RecordedMutation {
  mutationId: number;
  payloadHash: string;
  outcome: MutationOutcome;
}

/**
 * A pull answers the outcomes of this client's latest mutations: at most one push worth, the
 * ids above lastMutationId - OUTCOME_WINDOW. That is bounded, reads the primary key only, and
 * still covers a whole push whose response was lost.
 */
export const OUTCOME_WINDOW = MAX_MUTATIONS_PER_PUSH;

export const clientOfAnotherUser = () => new SeatdeskError('FORBIDDEN', 'This client id is registered to another user. Use a client id of your own.');

/** The client row, or null before its first push. A client id belongs to one user only. */
export async function readSyncClient(sql: Sql, clientId: string, actor: Actor, lock = false): Promise<SyncClient | null> {
  const [row] = await sql.query<{ user_id: string; last_mutation_id: number }>(
    `SELECT user_id, last_mutation_id FROM sync_clients WHERE client_id = $1${lock ? ' FOR UPDATE' : ''}`,
    [clientId],
  );
  if (row === undefined) return null;
  if (row.user_id !== actor.user.id) throw clientOfAnotherUser();
  return { userId: row.user_id, lastMutationId: Number(row.last_mutation_id) };
}

export interface MutationRow {
  mutation_id: number;
  payload_hash: string;
  status: MutationStatus;
  code: string | null;
  message: string | null;
  current: unknown;
}

export function toRecorded(row: MutationRow): RecordedMutation {
  const outcome: MutationOutcome = { mutationId: Number(row.mutation_id), status: row.status };
  if (row.code !== null) outcome.code = row.code as ErrorCode;
  if (row.message !== null) outcome.message = row.message;
  if (row.current !== null && row.current !== undefined) outcome.current = row.current;
  return { mutationId: outcome.mutationId, payloadHash: row.payload_hash, outcome };
}

export async function readMutations(sql: Sql, clientId: string, mutationIds: readonly number[]): Promise<Map<number, RecordedMutation>> {
  if (mutationIds.length === 0) return new Map();
  const rows = await sql.query<MutationRow>(
    'SELECT mutation_id, payload_hash, status, code, message, current FROM sync_mutations WHERE client_id = $1 AND mutation_id = ANY ($2::int[])',
    [clientId, mutationIds],
  );
  return new Map(rows.map((row) => [Number(row.mutation_id), toRecorded(row)]));
}

/**
 * The client row locked for a write transaction of a push, created on its first push; answers
 * its lastMutationId. The lock keeps another push of the same client out until commit.
 */
export async function lockSyncClient(tx: Sql, clientId: string, actor: Actor, now: Date): Promise<number> {
  const client = await readSyncClient(tx, clientId, actor, true);
  if (client !== null) return client.lastMutationId;
  await tx.query('INSERT INTO sync_clients (client_id, user_id, last_mutation_id, updated_at) VALUES ($1, $2, 0, $3)', [clientId, actor.user.id, now]);
  return 0;
}

/** A mutation's outcome as it is recorded. */
export interface MutationRecord {
  payloadHash: string;
  outcome: MutationOutcome;
  at: Date;
}

/** recordMutations' statement: outcomes $2 (JSON) of client $1, its last mutation $3 at $4, and with audit rows $5 (JSON). */
const recordSql = (audit: boolean) => `WITH ${audit ? `audited AS (${auditInsertSql('$5')}),` : ''}
   recorded AS (
     INSERT INTO sync_mutations (client_id, mutation_id, payload_hash, status, code, message, current, created_at)
     SELECT $1, mutation_id, payload_hash, status, code, message, current, created_at
       FROM jsonb_to_recordset($2::jsonb)
         AS r(mutation_id integer, payload_hash text, status text, code text, message text, current jsonb, created_at timestamptz)
   )
   UPDATE sync_clients SET last_mutation_id = $3, updated_at = $4 WHERE client_id = $1`;
const RECORD = recordSql(false);
const RECORD_WITH_AUDIT = recordSql(true);

/**
 * Records the outcomes of consecutive mutations and advances the client to the last of them, in
 * the caller's transaction, with `audit` (the audit events of the mutations applied): one
 * statement for a whole transaction's worth of mutations, instead of three (and of two per
 * mutation before that). They commit (or roll back) together with the changes either way.
 */
export async function recordMutations(tx: Sql, clientId: string, records: readonly MutationRecord[], audit: readonly AuditRow[] = []): Promise<void> {
  const last = records.at(-1);
  if (last === undefined) {
    await writeAuditEvents(tx, audit);
    return;
  }
  const rows = records.map(({ payloadHash, outcome, at }) => ({
    mutation_id: outcome.mutationId,
    payload_hash: payloadHash,
    status: outcome.status,
    code: outcome.code ?? null,
    message: outcome.message ?? null,
    current: outcome.current ?? null,
    created_at: at,
  }));
  await tx.query(audit.length === 0 ? RECORD : RECORD_WITH_AUDIT, [clientId, JSON.stringify(rows), last.outcome.mutationId, last.at, ...(audit.length === 0 ? [] : [JSON.stringify(audit)])],
  );
}

import { z } from 'zod';
import { auditEventSchema } from '@shared/domain/audit';
import { uuidSchema } from '@shared/domain/ids';
import { authorize } from '../auth/actor';
import { toAuditEvent, type Row } from '../db/rows';
import { defineRoute } from '../http/route';
import { subtreeCte } from './subtree';

export const AUDIT_PAGE_DEFAULT = 50;
export const AUDIT_PAGE_MAX = 500;

interface Position {
  /** The event's time as Postgres prints it, so it compares back exactly (microseconds included). */
  at: string;
  seq: number;
}

/** The cursor is opaque to clients: the position of the last event of the page, base64url JSON. */
function encodeCursor(position: Position): string {
  return Buffer.from(JSON.stringify([position.at, position.seq])).toString('base64url');
}

// Postgres's text form of a timestamptz, e.g. 2026-11-22 23:44:54.123+00 (or +05:30 in such a zone).
const PG_TIMESTAMPTZ = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?([+-])(\d{2})(?::(\d{2}))?$/;

/**
 * Whether the text names an instant that exists: every part in its range and the date
 * round-trips through the calendar (Feb 30, year 0, hour 24 and a +23 h offset do not), so the
 * database never sees a value it refuses.
 */
export function isRealTimestamptz(text: string): boolean {
  const match = PG_TIMESTAMPTZ.exec(text);
  if (match === null) return false;
  const part = (index: number) => Number(match[index] ?? 0);
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map(part) as [number, number, number, number, number, number];
  const [offsetHours, offsetMinutes] = [part(9), part(10)];
  if (year < 1 || hour > 23 || minute > 59 || second > 59 || offsetMinutes > 59 || offsetHours * 60 + offsetMinutes > 14 * 60) return false;
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

const positionSchema = z.tuple([z.string().max(40).refine(isRealTimestamptz), z.int().min(0).max(Number.MAX_SAFE_INTEGER)]);

/** The cursor query parameter: base64url JSON of a real position, decoded into it, or one VALIDATION issue. */
export const auditCursorSchema = z
  .string()
  .min(1)
  .max(200)
  .transform((cursor, ctx): Position => {
    let decoded: unknown;
    try {
      decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    } catch {
      decoded = undefined;
    }
    const parsed = positionSchema.safeParse(decoded);
    if (parsed.success) return { at: parsed.data[0], seq: parsed.data[1] };
    ctx.addIssue({ code: 'custom', message: 'The cursor is not one this service gave out. Start again without a cursor.' });
    return z.NEVER;
  });

export const auditReadRoutes = [
  defineRoute({
    method: 'GET',
    url: '/v1/orgs/:orgId/audit',
    summary: "Audit events of the organization and every organization below it, newest first, paged with an opaque cursor",
    tag: 'audit_event',
    auth: 'bearer',
    params: z.strictObject({ orgId: uuidSchema }),
    query: z.strictObject({
      cursor: auditCursorSchema.optional().describe('nextCursor of the previous page'),
      limit: z.coerce.number().int().min(1).max(AUDIT_PAGE_MAX).optional().describe(`Events per page, default ${AUDIT_PAGE_DEFAULT}`),
    }),
    response: z.object({ items: z.array(auditEventSchema), nextCursor: z.string().nullable() }),
    errors: ['NOT_FOUND', 'FORBIDDEN'],
    handler: async ({ params, query, actor, deps }) => {
      authorize(actor, params.orgId, 'audit.view');
      const limit = query.limit ?? AUDIT_PAGE_DEFAULT;
      const after = query.cursor ?? null;
      // One row more than asked tells whether another page follows.
      const rows = await deps.store.query<Row & { at_text: string }>(
        `${subtreeCte('$1')}
         SELECT a.*, a.at::text AS at_text FROM audit_events a JOIN subtree t ON t.id = a.org_id
         WHERE $2::timestamptz IS NULL OR (a.at, a.seq) < ($2::timestamptz, $3::bigint)
         ORDER BY a.at DESC, a.seq DESC
         LIMIT $4`,
        [params.orgId, after?.at ?? null, after?.seq ?? 0, limit + 1],
      );
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      const nextCursor = rows.length > limit && last !== undefined ? encodeCursor({ at: last.at_text, seq: Number(last['seq']) }) : null;
      return { items: page.map(toAuditEvent), nextCursor };
    },
  }),
];

import type { z } from 'zod';
import type { AuditEvent } from '@shared/domain/audit';
import { auditQuerySchema, orgScopeSchema, type AuditActor, type AuditPage, type AuditQuery } from '@shared/ipc/models';
import type { CacheDatabase } from '../db/open';
import { resolveScope } from './scope';
import { all, containsPattern, entityOf, lookupId, one, parseQuery } from './sql';

/**
 * A page of the audit log, newest first. entity narrows to one kind of entity, entityId to one
 * item (its history), actorEmail to one person's changes (case-insensitively), from/to to the
 * instants [from, to); q finds text in the actor's email or the action (the command name),
 * case-insensitively. `at` is always the service's 24-character ISO form, so text order is time
 * order and the bounds are compared in that form; events of the same millisecond keep the order
 * the pull delivered them in (rowid).
 */
export function listAudit(db: CacheDatabase, query: AuditQuery): AuditPage {
  const q = parseQuery(auditQuerySchema.extend({ orgId: lookupId }), query);
  const text = q.q?.trim() ?? '';
  const filters: [boolean, string, Record<string, unknown>][] = [
    [q.entity !== undefined, 'a.entity = @entity', { entity: q.entity }],
    [q.entityId !== undefined, 'a.entity_id = @entityId', { entityId: q.entityId }],
    [q.actorEmail !== undefined, 'a.actor_email = @actorEmail COLLATE NOCASE', { actorEmail: q.actorEmail?.trim() }],
    [q.from !== undefined, 'a.at >= @from', { from: q.from === undefined ? undefined : new Date(q.from).toISOString() }],
    [q.to !== undefined, 'a.at < @to', { to: q.to === undefined ? undefined : new Date(q.to).toISOString() }],
    [text !== '', "(a.actor_email LIKE @text ESCAPE '\\' OR a.action LIKE @text ESCAPE '\\')", { text: containsPattern(text) }],
  ];
  const used = filters.filter(([on]) => on);
  const where = ['a.org_id IN (SELECT value FROM json_each(@orgIds))', ...used.map(([, sql]) => sql)].join(' AND ');
  const params: Record<string, unknown> = Object.assign({ orgIds: resolveScope(db, q).json }, ...used.map(([, , values]) => values));
  const items = all<{ data: string }>(
    db,
    `SELECT a.data FROM audit_events a
     WHERE ${where}
     ORDER BY a.at DESC, a.rowid DESC
     LIMIT @limit OFFSET @offset`,
    { ...params, limit: q.limit, offset: q.offset },
  ).map((row) => entityOf<AuditEvent>(row.data));
  const total = one<{ n: number }>(db, `SELECT count(*) AS n FROM audit_events a WHERE ${where}`, params)?.n ?? 0;
  return { items, total };
}

/**
 * Everyone who made changes in the scope, for the "Who" filter: their email as recorded (one entry
 * per address, whatever its case), their name when a user with that address is in the cache, and
 * how many changes they made. Sorted by the renderer, in the user's locale.
 */
export function auditActors(db: CacheDatabase, scope: z.input<typeof orgScopeSchema>): AuditActor[] {
  const q = parseQuery(orgScopeSchema.extend({ orgId: lookupId }), scope);
  return all<{ email: string; changes: number; name: string | null }>(
    db,
    `SELECT g.email, g.changes,
            (SELECT u.first_name || ' ' || u.last_name FROM users u WHERE u.email = g.email COLLATE NOCASE ORDER BY u.id LIMIT 1) AS name
     FROM (SELECT min(a.actor_email) AS email, count(*) AS changes FROM audit_events a
           WHERE a.org_id IN (SELECT value FROM json_each(@orgIds)) GROUP BY a.actor_email COLLATE NOCASE) AS g`,
    { orgIds: resolveScope(db, q).json },
  ).map((row) => ({ email: row.email, name: row.name, changes: row.changes }));
}

import type { AuditEvent } from '@shared/domain/audit';
import { auditQuerySchema, type AuditPage, type AuditQuery } from '@shared/ipc/models';
import type { CacheDatabase } from '../db/open';
import { scopeParams, WITH_SCOPE } from './scope';
import { all, containsPattern, entityOf, lookupId, one, parseQuery } from './sql';

/**
 * A page of the audit log, newest first. entity narrows to one kind of entity; q finds text in
 * the actor's email or the action (the command name), case-insensitively. `at` is always the
 * service's 24-character ISO form, so text order is time order; events of the same millisecond
 * keep the order the pull delivered them in (rowid).
 */
export function listAudit(db: CacheDatabase, query: AuditQuery): AuditPage {
  const q = parseQuery(auditQuerySchema.extend({ orgId: lookupId }), query);
  const text = q.q?.trim() ?? '';
  const where = [
    'a.org_id IN (SELECT id FROM scope)',
    ...(q.entity === undefined ? [] : ['a.entity = @entity']),
    ...(text === '' ? [] : ["(a.actor_email LIKE @text ESCAPE '\\' OR a.action LIKE @text ESCAPE '\\')"]),
  ].join(' AND ');
  const params: Record<string, unknown> = {
    ...scopeParams(db, q),
    ...(q.entity === undefined ? {} : { entity: q.entity }),
    ...(text === '' ? {} : { text: containsPattern(text) }),
  };
  const items = all<{ data: string }>(
    db,
    `${WITH_SCOPE}
     SELECT a.data FROM audit_events a
     WHERE ${where}
     ORDER BY a.at DESC, a.rowid DESC
     LIMIT @limit OFFSET @offset`,
    { ...params, limit: q.limit, offset: q.offset },
  ).map((row) => entityOf<AuditEvent>(row.data));
  const total = one<{ n: number }>(db, `${WITH_SCOPE} SELECT count(*) AS n FROM audit_events a WHERE ${where}`, params)?.n ?? 0;
  return { items, total };
}

import type { Store } from '../../service/db/store';
import type { TestService } from '../support/service';

/** The organization tree as the database holds it: each organization's parent. */
export async function parentsOf(store: Store): Promise<Map<string, string | null>> {
  const rows = await store.query<{ id: string; parent_id: string | null }>('SELECT id, parent_id FROM orgs');
  return new Map(rows.map((row) => [row.id, row.parent_id]));
}

/** An organization and everything below it, walked here rather than asked of the service under test. */
export function subtree(parents: ReadonlyMap<string, string | null>, root: string): Set<string> {
  const scope = new Set([root]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [id, parent] of parents) {
      if (parent !== null && scope.has(parent) && !scope.has(id)) {
        scope.add(id);
        grew = true;
      }
    }
  }
  return scope;
}

const ORG_KINDS = new Set(['provider', 'reseller', 'customer']);

/**
 * Every organization id an answer mentions that lies outside the scope: any object's orgId, and
 * the id of anything shaped like an organization (kind and parentId), at any depth.
 */
export function idsOutside(value: unknown, scope: ReadonlySet<string>, path = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((item, index) => idsOutside(item, scope, `${path}[${index}]`));
  if (value === null || typeof value !== 'object') return [];
  const record = value as Record<string, unknown>;
  const found: string[] = [];
  if (typeof record['orgId'] === 'string' && !scope.has(record['orgId'])) found.push(`${path}.orgId=${record['orgId']}`);
  if (typeof record['kind'] === 'string' && ORG_KINDS.has(record['kind']) && 'parentId' in record && typeof record['id'] === 'string' && !scope.has(record['id'])) {
    found.push(`${path}.id=${record['id']} (an organization)`);
  }
  for (const [key, item] of Object.entries(record)) found.push(...idsOutside(item, scope, `${path}.${key}`));
  return found;
}

export interface PulledChange {
  entity: string;
  id: string;
  orgId: string;
  op: 'upsert' | 'delete';
  data: unknown;
}

/** Pulls from a cursor to the end, page by page, as a client would. */
export async function pullAll(test: TestService, token: string, clientId: string, from = 0): Promise<{ status: number; changes: PulledChange[]; cursor: number }> {
  const changes: PulledChange[] = [];
  let cursor = from;
  for (let page = 0; page < 1000; page += 1) {
    const answer = await test.call('GET', `/v1/sync/pull?cursor=${cursor}&limit=1000&clientId=${clientId}`, { token });
    if (answer.status !== 200) return { status: answer.status, changes, cursor };
    changes.push(...(answer.body.changes as PulledChange[]));
    cursor = answer.body.cursor as number;
    if (answer.body.hasMore !== true) return { status: 200, changes, cursor };
  }
  throw new Error('pull did not end after 1000 pages');
}

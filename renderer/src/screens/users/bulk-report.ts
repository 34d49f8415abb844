import type { QueuedResult } from '@shared/ipc/models';
import { countOf } from '../../format/format';

/**
 * What a bulk action did, in words: how many users it changed and, when some were left alone,
 * who and why (the core's reasons), the first few by name.
 */
export function bulkSummary(
  requested: number,
  result: Pick<QueuedResult, 'skipped'>,
  pastTense: string,
  nameOf: (id: string) => string = (id) => id,
): { text: string; detail?: string } {
  const skipped = new Map(result.skipped.map((skip) => [skip.id, skip.reason]));
  const changed = Math.max(0, requested - skipped.size);
  const text = `${countOf(changed, 'user', 'users')} ${pastTense}.`;
  if (skipped.size === 0) return { text };
  const shown = [...skipped].slice(0, 3).map(([id, reason]) => `${nameOf(id)}: ${reason}`);
  const more = skipped.size > 3 ? ` And ${skipped.size - 3} more.` : '';
  return { text, detail: `${countOf(skipped.size, 'user was', 'users were')} left alone. ${shown.join(' ')}${more}` };
}

import type { QueuedResult } from '@shared/ipc/models';
import { countOf } from '../../format/format';

/**
 * What a bulk action did, in words: how many users it changed and, when some were left alone,
 * every one of them and why (the core's reasons: sentences that name the user, the rule's own
 * words), all of them after "N users were left alone:".
 */
export function bulkSummary(requested: number, result: Pick<QueuedResult, 'skipped'>, pastTense: string): { text: string; detail?: string } {
  const skipped = new Map(result.skipped.map((skip) => [skip.id, skip.reason]));
  const changed = Math.max(0, requested - skipped.size);
  const text = `${countOf(changed, 'user', 'users')} ${pastTense}.`;
  if (skipped.size === 0) return { text };
  return { text, detail: `${countOf(skipped.size, 'user was', 'users were')} left alone: ${[...skipped.values()].join(' ')}` };
}

/** Nothing was queued and someone was left alone: the dialog stays open with every reason (each once) instead of a toast. */
export function refusedEntirely(result: Pick<QueuedResult, 'mutationIds' | 'skipped'>): string | null {
  if (result.mutationIds.length > 0 || result.skipped.length === 0) return null;
  return [...new Set(result.skipped.map((skip) => skip.reason))].join(' ');
}

import type { EmailListResult } from '@shared/email';
import type { QueuedResult } from '@shared/ipc/models';
import { countOf } from '../../format/format';

/** One pasted entry that was not invited, and why, as a clause: "bad@ (not a valid email address)". */
export interface LeftOut {
  entry: string;
  why: string;
}

const SHOWN_ENTRY = 60;

/** A reason sentence as a clause inside brackets: no full stop, lower case unless it starts with an acronym. */
export function asClause(reason: string): string {
  const text = reason.trim().replace(/\.$/, '');
  // The email schema's sentence tells how to fix a field; beside the entry, what is wrong is enough.
  if (/^Enter a valid email address/.test(text)) return 'not a valid email address';
  return /^[A-Z][a-z]/.test(text) ? text.charAt(0).toLowerCase() + text.slice(1) : text;
}

function shown(entry: string): string {
  return entry.length > SHOWN_ENTRY ? `${entry.slice(0, SHOWN_ENTRY - 1)}…` : entry;
}

/**
 * Every pasted entry an invitation left out, in the order the reasons arose: those the dialog
 * found not to be addresses or listed twice, then those the core left out (already a user,
 * already invited, listed twice across the organization's rows).
 */
export function leftOutOfInvite(parsed: Pick<EmailListResult, 'invalid' | 'duplicates'>, skipped: QueuedResult['skipped']): LeftOut[] {
  return [
    ...parsed.invalid.map((entry) => ({ entry: shown(entry.input), why: asClause(entry.reason) })),
    ...parsed.duplicates.map((email) => ({ entry: shown(email), why: 'listed more than once' })),
    ...skipped.map((skip) => ({ entry: shown(skip.id), why: asClause(skip.reason) })),
  ];
}

/**
 * What an invitation did: "3 people invited." and, when some entries were left out, every one of
 * them and why: "2 left out: bad@ (not a valid email address), ann@x.com (already a user of
 * this organization)."
 */
export function inviteSummary(
  sent: readonly string[],
  parsed: Pick<EmailListResult, 'invalid' | 'duplicates'>,
  result: Pick<QueuedResult, 'skipped'>,
): { text: string; detail?: string; invited: number } {
  const sentSet = new Set(sent);
  const invited = Math.max(0, sent.length - result.skipped.filter((skip) => sentSet.has(skip.id)).length);
  const text = `${countOf(invited, 'person', 'people')} invited.`;
  const leftOut = leftOutOfInvite(parsed, result.skipped);
  if (leftOut.length === 0) return { text, invited };
  return { text, invited, detail: `${leftOut.length} left out: ${leftOut.map(({ entry, why }) => `${entry} (${why})`).join(', ')}.` };
}

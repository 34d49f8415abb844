import { SeatdeskError, type ErrorCode, type ValidationIssue } from '../errors';

/**
 * What a domain rule answers when a change would break it: the error code the service answers
 * and a sentence a person understands, naming the people and the organization where known. Each
 * rule is one function in shared/domain returning a Refusal or null; the service command, the
 * desktop's mutators and bulk planner, and the renderer (a disabled control says why) all call it.
 */
export interface Refusal<C extends ErrorCode = ErrorCode> {
  readonly code: C;
  readonly message: string;
  /** For VALIDATION: the fields at fault, so a form shows the message beside the field. */
  readonly details?: readonly ValidationIssue[] | Readonly<Record<string, unknown>>;
}

export function refusal<C extends ErrorCode>(code: C, message: string, details?: Refusal['details']): Refusal<C> {
  return details === undefined ? { code, message } : { code, message, details };
}

/** The refusal as the error the service answers and the core's IPC carries. */
export function refusalError(refused: Refusal): SeatdeskError {
  return new SeatdeskError(refused.code, refused.message, refused.details);
}

/** Throws the first refusal given; a rule that answers null lets the change through. */
export function refuseIf(...refusals: readonly (Refusal | null)[]): void {
  for (const refused of refusals) if (refused !== null) throw refusalError(refused);
}

/** "Owner", "Owner or Administrator", "Owner, Billing or Administrator". */
export function orList(words: readonly string[]): string {
  if (words.length <= 1) return words[0] ?? '';
  return `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;
}

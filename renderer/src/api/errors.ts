import { ERROR_CODES, errorCodeSchema, type ErrorCode } from '@shared/errors';
import { IpcCallError } from '@shared/ipc/contract';
import { fieldErrorsFromIssues, type FieldErrors } from '../forms/field-errors';
import { z } from 'zod';

/**
 * Errors from the core as sentences a person understands. Every IpcCallError carries a code; the
 * sentence is the code's summary from shared/errors.ts, except for the domain rule codes, where
 * the core's own message names the user, role or subscription concerned and is the better sentence.
 */

/** Codes whose core message is a specific, human sentence (the local rules' and the service's). */
const SPECIFIC_MESSAGE_CODES: ReadonlySet<ErrorCode> = new Set([
  'LAST_ADMIN',
  'ADMIN_ROLE_ASSIGNED',
  'DUPLICATE_EMAIL',
  'ROLE_IN_USE',
  'INVALID_TRANSITION',
]);

export type ErrorContext = 'general' | 'sign-in';

const SIGN_IN_SENTENCES: Partial<Record<ErrorCode, string>> = {
  UNAUTHENTICATED: 'That email and password do not match an account on this service. Check them and try again.',
  OFFLINE: 'Seatdesk cannot reach the service at this address. Check the Service URL and your network connection.',
  NOT_FOUND: 'There is no Seatdesk billing service at this address. Check the Service URL.',
  RATE_LIMITED: 'Too many sign-in attempts in a short time. Wait a minute and try again.',
  FORBIDDEN: 'This account may not sign in to Seatdesk. Ask an Administrator of your organization.',
};

export function errorCodeOf(error: unknown): ErrorCode | null {
  if (error instanceof IpcCallError) return error.code;
  if (error !== null && typeof error === 'object' && 'code' in error) {
    const parsed = errorCodeSchema.safeParse((error as { code: unknown }).code);
    if (parsed.success) return parsed.data;
  }
  return null;
}

function looksLikeSentence(message: string): boolean {
  return message.trim().length > 0 && /[.!?]$/.test(message.trim()) && !/^[A-Z_]+$/.test(message.trim());
}

/**
 * A VALIDATION message as people read it. It names its field in plain words (shared/errors.ts:
 * plainMessage) and is often about no field of the form (a CSV file's header, an unclosed
 * quote), so it is shown; the "path: " before it and the "(and N more)" after it are for API
 * clients and become words.
 */
function validationSentence(message: string): string | null {
  const more = /\s*\(and (\d+) more\)$/.exec(message);
  const plain = message
    .slice(0, more?.index ?? message.length)
    .replace(/^[A-Za-z0-9_.]+: /, '')
    .trim();
  if (!looksLikeSentence(plain)) return null;
  const count = Number(more?.[1] ?? 0);
  return count === 0 ? plain : `${plain} ${count === 1 ? 'One more field needs' : `${count} more fields need`} attention.`;
}

export function errorSentence(error: unknown, context: ErrorContext = 'general'): string {
  const code = errorCodeOf(error);
  if (code === null) return ERROR_CODES.INTERNAL.summary;
  if (context === 'sign-in') {
    const sentence = SIGN_IN_SENTENCES[code];
    if (sentence !== undefined) return sentence;
  }
  const message = error instanceof Error ? error.message : '';
  if (SPECIFIC_MESSAGE_CODES.has(code) && looksLikeSentence(message)) return message;
  if (code === 'VALIDATION') {
    const plain = validationSentence(message);
    if (plain !== null) return plain;
  }
  return ERROR_CODES[code].summary;
}

const issuesSchema = z.array(z.object({ path: z.string(), message: z.string() }));

/**
 * Field errors a VALIDATION error carries (details: [{path, message}]), for forms to show next to
 * their fields. The core reports commands.run issues under "args."; strip it.
 */
export function fieldErrorsOfError(error: unknown, strip = 'args'): FieldErrors {
  if (errorCodeOf(error) !== 'VALIDATION' || !(error instanceof IpcCallError)) return {};
  const parsed = issuesSchema.safeParse(error.details);
  if (!parsed.success) return {};
  return fieldErrorsFromIssues(parsed.data, { strip });
}

/** A form submit's failure: its field errors beside their fields when it names any, else one sentence for the form. */
export function showSubmitError(error: unknown, setErrors: (errors: FieldErrors) => void, setFormError: (sentence: string) => void): void {
  const fields = fieldErrorsOfError(error);
  if (Object.keys(fields).length > 0) setErrors(fields);
  else setFormError(errorSentence(error));
}

/** Rule failures that belong next to one field of a form, e.g. DUPLICATE_EMAIL → email. */
export function fieldForCode(code: ErrorCode | null): string | null {
  return code === 'DUPLICATE_EMAIL' ? 'email' : null;
}

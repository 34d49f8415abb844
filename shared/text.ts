import { z } from 'zod';

/**
 * The one text rule for every string that crosses a boundary (IPC, HTTP, CSV, push args):
 * no NUL or other C0 control character (tab and newline only in multi-line fields; a carriage
 * return only as part of CRLF there), no DEL, no lone UTF-16 surrogate. PostgreSQL refuses NUL
 * in text, a lone surrogate is not encodable as UTF-8, and the others hide text from people.
 */
export type TextKind = 'line' | 'multiline';

// eslint-disable-next-line no-control-regex -- the point of the rule
const LINE_FORBIDDEN = /[\u0000-\u001f\u007f]/;
// eslint-disable-next-line no-control-regex -- tab, newline and CRLF are allowed in multi-line text
const MULTILINE_FORBIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]|\r(?!\n)/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export type TextProblem = 'control' | 'surrogate';

/** What is wrong with a value under the text rule, or null when it is fine. */
export function textProblem(value: string, kind: TextKind = 'line'): TextProblem | null {
  if ((kind === 'line' ? LINE_FORBIDDEN : MULTILINE_FORBIDDEN).test(value)) return 'control';
  if (LONE_SURROGATE.test(value)) return 'surrogate';
  return null;
}

/**
 * The value with every character the rule refuses replaced (U+FFFD by default), for text that
 * must be kept or shown rather than refused: a refusal message that quotes what a client sent.
 */
export function withTextProblemsReplaced(value: string, kind: TextKind = 'multiline', replacement = '\ufffd'): string {
  const forbidden = kind === 'line' ? LINE_FORBIDDEN : MULTILINE_FORBIDDEN;
  return value.replace(new RegExp(`${forbidden.source}|${LONE_SURROGATE.source}`, 'g'), replacement);
}

/** The plain-words message for a refused value; `subject` is what the field holds, e.g. "Names". */
export function textProblemMessage(subject: string, problem: TextProblem): string {
  return problem === 'control'
    ? `${subject} cannot contain control characters.`
    : `${subject} cannot contain broken characters (a lone UTF-16 surrogate).`;
}

/**
 * The rule as a zod refinement, for a string schema that must change the value first (a VAT
 * number is normalised before it is checked). The issue stops the schema's later checks, so a
 * refused value gets this one message, not "not a valid email" or a length beside it.
 */
export function textRule(subject = 'Text', kind: TextKind = 'line') {
  return (value: string, ctx: z.RefinementCtx<string>): void => {
    const problem = textProblem(value, kind);
    if (problem !== null) ctx.addIssue({ code: 'custom', message: textProblemMessage(subject, problem), input: value, continue: false });
  };
}

/**
 * A string schema under the text rule, checked as sent (passwords, search text). Chain lengths
 * after it: `text('Passwords').min(1).max(1024)`.
 */
export function text(subject = 'Text', kind: TextKind = 'line'): z.ZodString {
  return z.string().superRefine(textRule(subject, kind));
}

/**
 * The same, for a field that keeps its value trimmed (names, addresses): trimmed first, then
 * checked, so a tab or line end pasted at either end is dropped rather than refused.
 */
export function trimmedText(subject = 'Text', kind: TextKind = 'line'): z.ZodString {
  return z.string().trim().superRefine(textRule(subject, kind));
}

/**
 * The first string (or object key) anywhere in a JSON value that breaks the line rule, as a
 * dotted path ("" for the value itself), or null. For inputs that have no field schema of
 * their own (an unknown command's args, a whole request body before routing).
 */
export function findTextProblem(value: unknown, kind: TextKind = 'multiline', path = ''): { path: string; problem: TextProblem } | null {
  if (typeof value === 'string') {
    const problem = textProblem(value, kind);
    return problem === null ? null : { path, problem };
  }
  if (value === null || typeof value !== 'object') return null;
  const entries = Array.isArray(value) ? value.map((item, index) => [String(index), item] as const) : Object.entries(value);
  for (const [key, item] of entries) {
    const at = path === '' ? key : `${path}.${key}`;
    const keyProblem = textProblem(key, 'line');
    if (keyProblem !== null) return { path: at, problem: keyProblem };
    const found = findTextProblem(item, kind, at);
    if (found !== null) return found;
  }
  return null;
}

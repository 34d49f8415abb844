import type { z } from 'zod';

/**
 * Form errors keyed by field path ("email", "billingAddress.city", "emails.3"); "" holds an
 * error about the form as a whole. One message per field: the first, which zod orders by the
 * schema's checks, so "Enter a name." wins over a later length check.
 */
export type FieldErrors = Readonly<Record<string, string>>;

export interface IssueLike {
  path: readonly PropertyKey[] | string;
  message: string;
}

export interface FieldErrorOptions {
  /** A path prefix to drop, e.g. "args" for issues the core reports on commands.run input. */
  strip?: string;
  /** Maps a full path to the form field that shows it (default: the path itself). */
  fieldOf?: (path: string) => string;
}

function pathText(path: IssueLike['path']): string {
  return typeof path === 'string' ? path : path.map((part) => String(part)).join('.');
}

export function fieldErrorsFromIssues(issues: readonly IssueLike[], options: FieldErrorOptions = {}): FieldErrors {
  const errors: Record<string, string> = {};
  for (const issue of issues) {
    let path = pathText(issue.path);
    if (options.strip !== undefined) {
      if (path === options.strip) path = '';
      else if (path.startsWith(`${options.strip}.`)) path = path.slice(options.strip.length + 1);
    }
    const field = options.fieldOf === undefined ? path : options.fieldOf(path);
    if (!(field in errors)) errors[field] = issue.message;
  }
  return errors;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors };

/** Runs a shared zod schema over form input before anything is queued. */
export function check<S extends z.ZodType>(schema: S, input: unknown, options: FieldErrorOptions = {}): Checked<z.output<S>> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, errors: fieldErrorsFromIssues(parsed.error.issues, options) };
}

/** The first problem a shared schema finds with one field's value, for a field checked as it is typed (a search box). */
export function problemOf(schema: z.ZodType, value: unknown): string | undefined {
  return schema.safeParse(value).error?.issues[0]?.message;
}

/** The error of a field or of anything inside it ("roleIds" also shows "roleIds.2"'s message). */
export function errorFor(errors: FieldErrors, field: string): string | undefined {
  if (errors[field] !== undefined) return errors[field];
  const nested = Object.keys(errors).find((path) => path.startsWith(`${field}.`));
  return nested === undefined ? undefined : errors[nested];
}

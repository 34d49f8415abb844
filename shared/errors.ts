import { z } from 'zod';

/**
 * Error codes of the v1 API (DESIGN.md) and of the desktop app. OFFLINE and SCHEMA_MISMATCH
 * are raised on the desktop side; their statuses are used only if one ever has to travel over
 * HTTP: OFFLINE is 503 (the service could not be reached), SCHEMA_MISMATCH is 409 (the local
 * copy's schema version conflicts with the service's and must be bootstrapped again).
 */
export const ERROR_CODES = {
  VALIDATION: { status: 400, summary: 'Some of the entered information is not valid. Check the highlighted fields.' },
  UNAUTHENTICATED: { status: 401, summary: 'Your session has ended. Sign in again to continue.' },
  FORBIDDEN: { status: 403, summary: 'You do not have permission to do this. Ask an Administrator of the organization.' },
  NOT_FOUND: { status: 404, summary: 'This item does not exist or is not in an organization you can manage.' },
  VERSION_CONFLICT: {
    status: 409,
    summary: 'Someone else changed this item since you opened it. Review the latest version and try again.',
  },
  LAST_ADMIN: {
    status: 409,
    summary:
      'Every organization needs at least one active Administrator or Owner. Give another active user that role first.',
  },
  ADMIN_ROLE_ASSIGNED: {
    status: 409,
    summary: 'This user holds the Administrator role. Remove the role before deactivating the user.',
  },
  DUPLICATE_EMAIL: { status: 409, summary: 'A user with this email address already exists in this organization.' },
  ROLE_IN_USE: { status: 409, summary: 'This role is still assigned to users. Unassign it from everyone before deleting it.' },
  INVALID_TRANSITION: {
    status: 409,
    summary: 'This action is not possible in the item’s current state. Refresh to see its latest status.',
  },
  PAYLOAD_TOO_LARGE: { status: 413, summary: 'The request is too large. Make the change in smaller batches.' },
  RATE_LIMITED: { status: 429, summary: 'Too many requests in a short time. Wait a moment and try again.' },
  INTERNAL: { status: 500, summary: 'Something went wrong on our side. Try again; if it keeps happening, contact support.' },
  OFFLINE: {
    status: 503,
    summary: 'Seatdesk cannot reach the billing service. Your changes are kept and sent when you are back online.',
  },
  SCHEMA_MISMATCH: {
    status: 409,
    summary: 'The billing service was updated. Seatdesk is downloading a fresh copy of your data; queued changes are kept.',
  },
} as const satisfies Record<string, { status: number; summary: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;
export type ErrorStatus = (typeof ERROR_CODES)[ErrorCode]['status'];

export const errorCodeSchema = z.enum(Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]]);

export function httpStatusOf(code: ErrorCode): ErrorStatus {
  return ERROR_CODES[code].status;
}

export const apiErrorBodySchema = z.object({
  error: z.object({ code: errorCodeSchema, message: z.string(), details: z.unknown().optional() }),
});
export type ApiErrorBody = z.infer<typeof apiErrorBodySchema>;

export class SeatdeskError extends Error {
  override name = 'SeatdeskError';

  constructor(
    readonly code: ErrorCode,
    message: string = ERROR_CODES[code].summary,
    readonly details?: unknown,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }

  get status(): ErrorStatus {
    return httpStatusOf(this.code);
  }

  toBody(): ApiErrorBody {
    const error: ApiErrorBody['error'] = { code: this.code, message: this.message };
    if (this.details !== undefined) error.details = this.details;
    return { error };
  }
}

/** Also recognises errors from another copy of this module (a second bundle), where instanceof fails. */
export function isSeatdeskError(x: unknown): x is SeatdeskError {
  if (x instanceof SeatdeskError) return true;
  return (
    x instanceof Error &&
    x.name === 'SeatdeskError' &&
    errorCodeSchema.safeParse((x as { code?: unknown }).code).success &&
    typeof (x as { toBody?: unknown }).toBody === 'function'
  );
}

export interface ValidationIssue {
  /** Dotted path to the field, e.g. "lines.0.amount"; "" for the input as a whole. */
  path: string;
  message: string;
}

export function validationErrorFromZod(error: z.ZodError): SeatdeskError {
  const issues: ValidationIssue[] = error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message,
  }));
  const [first] = issues;
  const message =
    first === undefined
      ? ERROR_CODES.VALIDATION.summary
      : `${first.path === '' ? '' : `${first.path}: `}${first.message}` +
        (issues.length > 1 ? ` (and ${issues.length - 1} more)` : '');
  return new SeatdeskError('VALIDATION', message, issues, { cause: error });
}

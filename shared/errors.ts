import { z } from 'zod';
import { withTextProblemsReplaced } from './text';

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

/**
 * A VALIDATION error from zod's issues: each issue with its dotted path in the details; the
 * message is the first issue as "path: sentence" (and how many more) for API clients and logs.
 * The sentence names its field in plain words (plainMessage), so the app shows it without the path.
 */
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

// ---------------------------------------------------------------- plain words for zod's issues

/** What people call the fields of the wire shapes; any other key is spelled out from camelCase. */
const FIELD_NAMES: Readonly<Record<string, string>> = {
  accountEmail: 'Account email',
  actorEmail: 'Actor email',
  asOf: 'Date',
  basis: 'Billing basis',
  billingAddress: 'Billing address',
  billingEmail: 'Billing email',
  city: 'City',
  clientId: 'Client id',
  contractEnd: 'Contract end',
  country: 'Country',
  csv: 'CSV file',
  currency: 'Currency',
  description: 'Description',
  email: 'Email address',
  emails: 'Email addresses',
  entityId: 'Item',
  expMonth: 'Expiry month',
  expYear: 'Expiry year',
  firstName: 'First name',
  from: 'Start date',
  id: 'Id',
  ids: 'Ids',
  kind: 'Kind',
  kinds: 'Email kinds',
  lastName: 'Last name',
  licenseKey: 'License key',
  line1: 'Street and number',
  line2: 'Address line 2',
  name: 'Name',
  orgId: 'Organization',
  parentId: 'Parent organization',
  password: 'Password',
  permissions: 'Permissions',
  postalCode: 'Postal code',
  primaryContactUserId: 'Primary contact',
  q: 'Search',
  quantity: 'Quantity',
  region: 'Region',
  roleId: 'Role',
  roleIds: 'Roles',
  serviceUrl: 'Service URL',
  shippingAddress: 'Shipping address',
  status: 'Status',
  taxRate: 'Tax rate',
  to: 'End date',
  token: 'Link',
  unitPrice: 'Unit price',
  userId: 'User',
  userIds: 'Users',
  vatNumber: 'VAT number',
  version: 'Version',
};

/** The field an issue is about, named for people: the last key of its path ("billingAddress.city" is "City"). */
export function fieldNameOf(path: readonly PropertyKey[]): string {
  const key = [...path].reverse().find((part): part is string => typeof part === 'string');
  if (key === undefined) return 'This value';
  const known = FIELD_NAMES[key];
  if (known !== undefined) return known;
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .trim()
    .toLowerCase();
  return words === '' ? 'This value' : words.charAt(0).toUpperCase() + words.slice(1);
}

const count = (n: number | bigint): string => (typeof n === 'bigint' ? n.toString() : n.toLocaleString('en'));
const plural = (n: number | bigint, one: string, many: string): string => `${count(n)} ${Number(n) === 1 ? one : many}`;

const TYPE_WORDS: Readonly<Record<string, string>> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  bigint: 'a whole number',
  boolean: 'yes or no (true or false)',
  array: 'a list',
  object: 'a group of fields',
  date: 'a date',
  null: 'empty (null)',
};

const FORMAT_SENTENCES: Readonly<Record<string, (field: string) => string>> = {
  email: () => 'Enter a valid email address, such as name@example.com.',
  uuid: (field) => `${field} must be a valid id (a UUID, such as 0b1c7c1e-5c77-4d4a-9a55-0c1b6b7a1a11).`,
  guid: (field) => `${field} must be a valid id (a UUID).`,
  url: () => 'Enter a full web address, such as https://billing.example.com.',
  datetime: (field) => `${field} must be a date and time, such as 2026-12-03T09:00:00Z.`,
  date: (field) => `${field} must be a date, such as 2026-12-03.`,
  time: (field) => `${field} must be a time, such as 09:30.`,
  regex: (field) => `${field} is not in the expected form.`,
};

function valueList(values: readonly unknown[]): string {
  const words = values.map((value) => (typeof value === 'string' ? value : JSON.stringify(value) ?? String(value)));
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} or ${words.at(-1)}`;
}

/** Object keys quoted back are shown, not refused: what the text rule refuses becomes U+FFFD. */
function shownKey(key: string): string {
  const safe = withTextProblemsReplaced(key, 'line');
  return safe.length > 40 ? `${safe.slice(0, 40)}…` : safe;
}

/**
 * One sentence per zod issue, in plain words and naming the field ("First name can be at most
 * 100 characters."), for every issue a schema does not word itself. Installed for every
 * process by installPlainMessages; schemas' own messages ("Enter the city.") still win.
 */
export const plainMessage: z.core.$ZodErrorMap = (issue) => {
  const field = fieldNameOf(issue.path ?? []);
  switch (issue.code) {
    case 'invalid_type': {
      if (issue.input === undefined) return `${field} is missing.`;
      if (issue.input === null) return `${field} cannot be empty.`;
      const expected = TYPE_WORDS[issue.expected] ?? issue.expected;
      return `${field} must be ${expected}.`;
    }
    case 'too_big': {
      const max = issue.maximum;
      const exactly = issue.exact === true;
      switch (issue.origin) {
        case 'string':
          return exactly ? `${field} must be exactly ${plural(max, 'character', 'characters')}.` : `${field} can be at most ${plural(max, 'character', 'characters')}.`;
        case 'array':
        case 'set':
          return exactly ? `${field} must have exactly ${plural(max, 'entry', 'entries')}.` : `${field} can have at most ${plural(max, 'entry', 'entries')}.`;
        case 'date':
          return `${field} must be ${issue.inclusive === false ? 'before' : 'on or before'} ${new Date(Number(max)).toISOString().slice(0, 10)}.`;
        case 'file':
          return `${field} can be at most ${plural(max, 'byte', 'bytes')}.`;
        default:
          return issue.inclusive === false ? `${field} must be less than ${count(max)}.` : `${field} can be at most ${count(max)}.`;
      }
    }
    case 'too_small': {
      const min = issue.minimum;
      const exactly = issue.exact === true;
      switch (issue.origin) {
        case 'string':
          if (Number(min) === 1 && !exactly) return `${field} cannot be empty.`;
          return exactly ? `${field} must be exactly ${plural(min, 'character', 'characters')}.` : `${field} must be at least ${plural(min, 'character', 'characters')}.`;
        case 'array':
        case 'set':
          if (Number(min) === 1 && !exactly) return `${field} must have at least one entry.`;
          return exactly ? `${field} must have exactly ${plural(min, 'entry', 'entries')}.` : `${field} must have at least ${plural(min, 'entry', 'entries')}.`;
        case 'date':
          return `${field} must be ${issue.inclusive === false ? 'after' : 'on or after'} ${new Date(Number(min)).toISOString().slice(0, 10)}.`;
        default:
          return issue.inclusive === false ? `${field} must be more than ${count(min)}.` : `${field} must be at least ${count(min)}.`;
      }
    }
    case 'invalid_format': {
      const known = FORMAT_SENTENCES[issue.format];
      if (known !== undefined) return known(field);
      if (issue.format === 'starts_with') return `${field} must start with “${(issue as { prefix?: string }).prefix ?? ''}”.`;
      if (issue.format === 'ends_with') return `${field} must end with “${(issue as { suffix?: string }).suffix ?? ''}”.`;
      return `${field} is not in the expected form.`;
    }
    case 'invalid_value':
      return issue.values.length <= 8 ? `${field} must be ${valueList(issue.values)}.` : `${field} is not one of the allowed values.`;
    case 'not_multiple_of':
      return `${field} must be a multiple of ${count(issue.divisor)}.`;
    case 'unrecognized_keys': {
      const keys = issue.keys.slice(0, 5).map((key) => `“${shownKey(key)}”`);
      const more = issue.keys.length > 5 ? ` and ${issue.keys.length - 5} more` : '';
      return `${issue.keys.length === 1 ? 'Unknown field' : 'Unknown fields'} ${keys.join(', ')}${more}: leave ${issue.keys.length === 1 ? 'it' : 'them'} out.`;
    }
    case 'invalid_union':
      return `${field} is not in any of the accepted forms.`;
    case 'invalid_key':
      return `${field} has a key that is not allowed.`;
    case 'invalid_element':
      return `${field} has an entry that is not allowed.`;
    default:
      return `${field} is not valid.`;
  }
};

/** Installs plainMessage as zod's error map for this process (idempotent): each entry point calls it once. */
export function installPlainMessages(): void {
  z.config({ customError: plainMessage });
}

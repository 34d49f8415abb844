import { auditSentence, type AuditEvent } from '@shared/domain/audit';
import type { ExportedFile, InvoiceSummary, UserRow } from '@shared/ipc/models';
import { minorUnitDigits } from '@shared/money';
import { writeCsv } from './rfc4180';

/**
 * CSV exports of what the view holds. Amounts are exact decimal strings of the minor units
 * next to their currency (no floating point), instants stay ISO 8601 UTC, and the users file
 * starts with the columns the users import reads, so an export can be imported elsewhere.
 */

export interface ExportOptions {
  /** When the file is made: its date goes into the file name (local calendar day). */
  now?: Date;
  /** The organization (or scope) exported, added to the file name. */
  scopeName?: string;
}

/** Exact decimal text of an amount in minor units: (-5, 'EUR') → "-0.05", (1200, 'JPY') → "1200". */
export function decimalAmount(minorUnits: number, currency: string): string {
  if (!Number.isSafeInteger(minorUnits)) throw new RangeError(`Amount must be safe integer minor units, got ${minorUnits}.`);
  const digits = minorUnitDigits(currency);
  const abs = String(Math.abs(minorUnits)).padStart(digits + 1, '0');
  const whole = abs.slice(0, abs.length - digits);
  const fraction = abs.slice(abs.length - digits);
  return `${minorUnits < 0 ? '-' : ''}${whole}${digits > 0 ? `.${fraction}` : ''}`;
}

function localDate(now: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** A file-name-safe slug: "Northwind IT B.V." → "northwind-it-b-v". */
export function fileSlug(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
}

export function exportFileName(kind: string, options: ExportOptions, extension = 'csv'): string {
  const scope = options.scopeName === undefined ? '' : fileSlug(options.scopeName);
  return `seatdesk-${kind}${scope === '' ? '' : `-${scope}`}-${localDate(options.now ?? new Date())}.${extension}`;
}

function csvFile(kind: string, rows: string[][], options: ExportOptions): ExportedFile {
  return { fileName: exportFileName(kind, options), mimeType: 'text/csv', encoding: 'utf8', content: writeCsv(rows) };
}

export const USERS_CSV_COLUMNS = [
  'first_name',
  'last_name',
  'email',
  'roles',
  'active',
  'status',
  'organization',
  'last_active_at',
  'created_at',
  'id',
  'org_id',
] as const;

/** roleNames: role id → name. Roles are joined with "; ", as the import reads them. */
export function usersCsv(users: readonly UserRow[], roleNames: ReadonlyMap<string, string>, options: ExportOptions = {}): ExportedFile {
  const rows: string[][] = [[...USERS_CSV_COLUMNS]];
  for (const user of users) {
    rows.push([
      user.firstName,
      user.lastName,
      user.email,
      user.roleIds.map((id) => roleNames.get(id) ?? id).join('; '),
      user.status === 'active' ? 'yes' : 'no',
      user.status,
      user.orgName,
      user.lastActiveAt ?? '',
      user.createdAt,
      user.id,
      user.orgId,
    ]);
  }
  return csvFile('users', rows, options);
}

export const INVOICES_CSV_COLUMNS = [
  'number',
  'organization',
  'status',
  'period_start',
  'period_end',
  'issued_at',
  'due_at',
  'currency',
  'subtotal',
  'tax',
  'total',
  'id',
  'org_id',
] as const;

export function invoicesCsv(invoices: readonly InvoiceSummary[], options: ExportOptions = {}): ExportedFile {
  const rows: string[][] = [[...INVOICES_CSV_COLUMNS]];
  for (const invoice of invoices) {
    rows.push([
      invoice.number,
      invoice.orgName,
      invoice.status,
      invoice.periodStart,
      invoice.periodEnd,
      invoice.issuedAt,
      invoice.dueAt,
      invoice.currency,
      decimalAmount(invoice.subtotal, invoice.currency),
      decimalAmount(invoice.tax, invoice.currency),
      decimalAmount(invoice.total, invoice.currency),
      invoice.id,
      invoice.orgId,
    ]);
  }
  return csvFile('invoices', rows, options);
}

export const AUDIT_CSV_COLUMNS = [
  'at',
  'organization',
  'actor_email',
  'description',
  'action',
  'entity',
  'entity_id',
  'origin',
  'batch_id',
  'mutation_id',
  'before',
  'after',
  'id',
  'org_id',
] as const;

function json(value: unknown): string {
  return value === null || value === undefined ? '' : JSON.stringify(value);
}

/** The change in words, and before and after as JSON, so the file keeps the whole change. */
export function auditCsv(
  events: readonly AuditEvent[],
  options: ExportOptions & { orgNames?: ReadonlyMap<string, string> } = {},
): ExportedFile {
  const rows: string[][] = [[...AUDIT_CSV_COLUMNS]];
  for (const event of events) {
    // A change made in the app names its queued command, online or not; the lifecycle scheduler's none.
    const { batchId, mutationId } = event.origin.kind === 'scheduler' ? { batchId: null, mutationId: undefined } : event.origin;
    rows.push([
      event.at,
      options.orgNames?.get(event.orgId) ?? '',
      event.actorEmail,
      // The sentence the audit screen shows (one rule, shared/domain/audit auditSentence).
      auditSentence(event, { org: (orgId) => options.orgNames?.get(orgId) }),
      event.action,
      event.entity,
      event.entityId,
      event.origin.kind,
      batchId ?? '',
      mutationId === undefined ? '' : String(mutationId),
      json(event.before),
      json(event.after),
      event.id,
      event.orgId,
    ]);
  }
  return csvFile('audit', rows, options);
}

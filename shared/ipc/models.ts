import { z } from 'zod';
import { text, trimmedText } from '../text';
import { isoDateTimeSchema, uuidSchema } from '../domain/ids';
import type { Organization, OrgKind } from '../domain/organization';
import type { User } from '../domain/user';
import type { Role } from '../domain/role';
import type { BillingContact } from '../domain/billing-contact';
import type { Subscription, SubscriptionStatus } from '../domain/subscription';
import type { Invoice, InvoiceStatus } from '../domain/invoice';
import type { PaymentMethod } from '../domain/payment-method';
import type { AuditEvent } from '../domain/audit';
import type { Permission } from '../domain/permissions';
import type { ErrorCode } from '../errors';
import type { CommandName } from '../commands/catalogue';
import type { Money } from '../money';

/**
 * What the core answers the renderer: the domain entities plus what a screen needs beside them.
 * Every row a pending (unsynced) command has changed carries `pending: true`.
 */

export interface OrgNode {
  id: string;
  name: string;
  kind: OrgKind;
  parentId: string | null;
  /** The signed-in user's effective permissions in this organization. */
  permissions: Permission[];
  activeUsers: number;
  /** Created (or changed) by a queued command the service has not confirmed yet. */
  pending: boolean;
}

export type UserSortField = 'name' | 'email' | 'status' | 'lastActiveAt' | 'organization';

export const orgScopeSchema = z.strictObject({
  orgId: uuidSchema,
  includeChildren: z.boolean().default(false),
});

export const userListQuerySchema = orgScopeSchema.extend({
  status: z.enum(['pending', 'active', 'deactivated']).optional(),
  roleId: uuidSchema.optional(),
  q: trimmedText('Searches').max(200).optional(),
  sort: z.enum(['name', 'email', 'status', 'lastActiveAt', 'organization']).default('name'),
  direction: z.enum(['asc', 'desc']).default('asc'),
  offset: z.number().int().min(0).default(0),
  limit: z.number().int().min(1).max(1000).default(200),
});
export type UserListQuery = z.input<typeof userListQuerySchema>;

export interface UserRow extends User {
  orgName: string;
  pending: boolean;
}

export interface UserPage {
  items: UserRow[];
  /** Rows matching the filters. */
  total: number;
  /** Active users (billed seats) in the scope, whatever the filters. */
  activeCount: number;
}

export interface RoleRow extends Role {
  memberCount: number;
  pending: boolean;
}

export interface BillingContactRow extends BillingContact {
  pending: boolean;
}

export interface SubscriptionRow extends Subscription {
  orgName: string;
  pending: boolean;
}

export const invoiceListQuerySchema = orgScopeSchema.extend({
  status: z.enum(['open', 'paid', 'void', 'overdue']).optional(),
  /** ISO dates: invoices whose period starts in [from, to). */
  from: text('Dates').optional(),
  to: text('Dates').optional(),
});
export type InvoiceListQuery = z.input<typeof invoiceListQuerySchema>;

export interface InvoiceSummary {
  id: string;
  orgId: string;
  orgName: string;
  number: string;
  periodStart: string;
  periodEnd: string;
  issuedAt: string;
  dueAt: string;
  status: InvoiceStatus;
  currency: string;
  subtotal: number;
  tax: number;
  total: number;
}

export interface InvoiceDetail extends Invoice {
  orgName: string;
}

/** One month of the spend chart: what was invoiced and the seats billed. */
export interface SpendMonth {
  /** YYYY-MM */
  month: string;
  totals: Money[];
  activeSeats: number;
}

/** The next invoice as it would be issued now, from the current active seats. */
export interface ProjectedInvoice {
  orgId: string;
  periodStart: string;
  periodEnd: string;
  lines: { subscriptionId: string; description: string; quantity: number; unitPrice: number; amount: number; currency: string }[];
  totals: { currency: string; subtotal: number; tax: number; total: number }[];
  activeSeats: number;
}

export interface AccountDetails extends Organization {
  pending: boolean;
  primaryContactEmail: string | null;
}

export interface PaymentMethodRow extends PaymentMethod {
  pending: boolean;
}

export const auditQuerySchema = orgScopeSchema.extend({
  entity: text('Kinds of item').max(50).optional(),
  q: trimmedText('Searches').max(200).optional(),
  /** Changes made at or after this instant (the start of a local day, sent in UTC). */
  from: isoDateTimeSchema.optional(),
  /** Changes made before this instant. */
  to: isoDateTimeSchema.optional(),
  /** Changes made by this person (their email as recorded, compared case-insensitively). */
  actorEmail: text('Email addresses').max(320).optional(),
  /** Changes to this one item (a user, a role, ...): its history. */
  entityId: uuidSchema.optional(),
  offset: z.number().int().min(0).default(0),
  limit: z.number().int().min(1).max(1000).default(200),
});
export type AuditQuery = z.input<typeof auditQuerySchema>;

export interface AuditPage {
  items: AuditEvent[];
  total: number;
}

/** Someone who made changes in the scope, for the audit log's "Who" filter. */
export interface AuditActor {
  email: string;
  /** Their name when they are a user in the offline copy; null for the system or someone unknown. */
  name: string | null;
  changes: number;
}

/** A subscription on the Home screen's list: the date is the trial end, contract end or cancellation. */
export interface HomeSubscriptionItem {
  subscriptionId: string;
  orgId: string;
  orgName: string;
  product: string;
  plan: string;
  status: SubscriptionStatus;
  date: string;
}

/**
 * The Home screen: an organization and everything below it, from the offline cache, as of the
 * core's clock (asOf). Money is per currency, never added across currencies; lists hold the first
 * few items (soonest or largest first), counts all of them.
 */
export interface HomeSummary {
  orgId: string;
  asOf: string;
  /** Organizations in the scope, the one in view included. */
  organizations: number;
  attention: {
    overdueInvoices: {
      count: number;
      totals: Money[];
      items: { invoiceId: string; orgId: string; orgName: string; number: string; dueAt: string; total: number; currency: string }[];
    };
    trialsEnding: { days: number; count: number; items: HomeSubscriptionItem[] };
    /** One entry per window (30, 60, 90 days), each counting the contracts ending by then. */
    contracts: { windows: { days: number; renewing: number; ending: number }[]; items: HomeSubscriptionItem[] };
    scheduledCancellations: { count: number; items: HomeSubscriptionItem[] };
    staleInvitations: {
      days: number;
      count: number;
      items: { userId: string; orgId: string; orgName: string; email: string; sentAt: string }[];
    };
    /** Open sync issues of this install (they are about queued changes, not one organization). */
    syncIssues: { count: number };
  };
  money: {
    /** Recurring subscriptions now: monthly ones plus a twelfth of annual ones (rounded half-even). */
    monthlyRecurring: Money[];
    /** Monthly ones times 12 plus annual ones. */
    annualRunRate: Money[];
    /** Open and overdue invoices. */
    outstanding: Money[];
    overdue: Money[];
    /** The next invoices of every organization in the scope as they would be issued now (with tax). */
    projected: { periodStart: string | null; periodEnd: string | null; organizations: number; totals: Money[] };
  };
  seats: {
    /** Active users of the organizations billed per active user now. */
    activeNow: number;
    /** Seats billed per active user on each organization's latest invoice, summed. */
    lastInvoiced: number;
    /** The month (YYYY-MM) of the latest of those invoices; null when none has per-seat lines. */
    lastInvoicedMonth: string | null;
    /** The organizations whose seats moved most since their latest invoice, largest change first. */
    changes: { orgId: string; orgName: string; now: number; invoiced: number; change: number }[];
  };
}

export type SyncState = 'signed-out' | 'offline' | 'online' | 'syncing' | 'bootstrapping';

export interface SyncStatus {
  state: SyncState;
  lastSyncedAt: string | null;
  pendingCount: number;
  issueCount: number;
  /** During a bootstrap or a long push: rows (or commands) done of total. */
  progress: { phase: 'bootstrap' | 'push'; done: number; total: number } | null;
  /** Why the last attempt failed, in a sentence, when offline. */
  lastError: string | null;
}

export interface SyncIssue {
  id: number;
  mutationId: number;
  kind: 'conflict' | 'rejected';
  commandName: CommandName;
  args: unknown;
  entity: string;
  entityId: string | null;
  orgId: string;
  code: ErrorCode | null;
  /** A sentence a person understands. */
  message: string;
  base: unknown;
  mine: unknown;
  theirs: unknown;
  createdAt: string;
  resolvedAt: string | null;
  resolution: 'keep_mine' | 'take_theirs' | null;
}

/** What queueing a command (or a bulk action) did. */
export interface QueuedResult {
  batchId: string | null;
  mutationIds: number[];
  /** The id of the entity a create made (client-made UUID). */
  entityId: string | null;
  /** Items a bulk action left alone, each with why. */
  skipped: { id: string; reason: string }[];
}

export interface CsvImportRow {
  line: number;
  values: { firstName: string; lastName: string; email: string; roles: string; active: string };
  errors: { field: string; message: string }[];
}

export interface CsvImportPreview {
  previewId: string;
  orgId: string;
  rows: CsvImportRow[];
  validCount: number;
  invalidCount: number;
}

export interface ExportedFile {
  fileName: string;
  mimeType: string;
  /** Text files as UTF-8, binary (PDF) as base64. */
  encoding: 'utf8' | 'base64';
  content: string;
}


import { z } from 'zod';
import { text, trimmedText } from '../text';
import { channel, type IpcBridge, type IpcClient, type IpcHandlers } from './contract';
import { uuidSchema } from '../domain/ids';
import { emailSchema } from '../email';
import { commandNameSchema } from '../commands/catalogue';
import { discardQueuedSchema, queuedChangesQuerySchema, type DiscardResult, type QueuedChanges } from './queued-changes';
import type { User } from '../domain/user';
import {
  auditQuerySchema,
  invoiceListQuerySchema,
  orgScopeSchema,
  userListQuerySchema,
  type AccountDetails,
  type AuditActor,
  type AuditPage,
  type BillingContactRow,
  type CsvImportPreview,
  type ExportedFile,
  type HomeSummary,
  type InvoiceDetail,
  type InvoiceSummary,
  type OrgNode,
  type PaymentMethodRow,
  type ProjectedInvoice,
  type QueuedResult,
  type RoleRow,
  type SpendMonth,
  type SubscriptionRow,
  type SyncIssue,
  type SyncStatus,
  type UserPage,
  type UserRow,
} from './models';

export const appInfoSchema = z.object({
  name: text('App names'),
  version: text('Versions'),
  host: z.enum(['electron', 'browser-host', 'test']),
});
export type AppInfo = z.infer<typeof appInfoSchema>;

export const sessionStatusSchema = z.discriminatedUnion('state', [
  z.object({ state: z.literal('signed-out'), defaultServiceUrl: text('Service addresses').nullable() }),
  z.object({
    state: z.literal('signed-in'),
    serviceUrl: text('Service addresses'),
    userId: uuidSchema,
    email: text('Email addresses'),
  }),
]);
export type SessionStatus = z.infer<typeof sessionStatusSchema>;

export const signInSchema = z.strictObject({
  // The rule before the URL check: a URL parser drops tabs and line ends instead of refusing them.
  serviceUrl: trimmedText('Service addresses').pipe(
    z.url({ protocol: /^https?$/, error: 'Enter the service address, starting with https://.' }),
  ),
  email: emailSchema,
  // Not trimmed: a password is kept exactly as typed.
  password: text('Passwords').min(1, 'Enter your password.').max(1024),
});

const orgId = z.strictObject({ orgId: uuidSchema });

/**
 * Commands with a channel of their own are not taken by commands.run: deactivating goes through
 * bulk.deactivate for one user or many, whatever their roles (it takes the Administrator role
 * away first where asked), so there is one contract for it.
 */
const OWN_CHANNEL = ['deactivateUser'] as const;
export const runnableCommandNameSchema = commandNameSchema.exclude([...OWN_CHANNEL], {
  error: 'Deactivate users through bulk.deactivate, for one user or many.',
});
export type RunnableCommandName = z.infer<typeof runnableCommandNameSchema>;

export function isRunnableCommand(name: string): name is RunnableCommandName {
  return runnableCommandNameSchema.safeParse(name).success;
}

/** A whole CSV file: the one string input checked cell by cell (electron/core/csv) instead of here. */
export const CSV_FILE = z.string().max(20_000_000);
const userIds = z.array(uuidSchema).min(1).max(10_000);

/** Every channel between renderer and core, declared once. */
export const ipcContract = {
  app: {
    version: channel(z.void()).returns<AppInfo>(),
  },
  session: {
    status: channel(z.void()).returns<SessionStatus>(),
    signIn: channel(signInSchema).returns<SessionStatus>(),
    signOut: channel(z.void()).returns<SessionStatus>(),
  },
  sync: {
    status: channel(z.void()).returns<SyncStatus>(),
    /** Pull now, then push the outbox (the "sync" shortcut). */
    now: channel(z.void()).returns<SyncStatus>(),
  },
  orgs: {
    /** Every organization in the signed-in user's scope, for the switcher. */
    tree: channel(z.void()).returns<OrgNode[]>(),
  },
  home: {
    /** The Home screen of an organization and everything below it, from the offline cache. */
    summary: channel(orgId).returns<HomeSummary>(),
  },
  users: {
    list: channel(userListQuerySchema).returns<UserPage>(),
    get: channel(z.strictObject({ userId: uuidSchema })).returns<UserRow | null>(),
    /** Users of the organization holding billing.view: the billing contact picker. */
    billingViewers: channel(orgId).returns<User[]>(),
  },
  roles: {
    list: channel(orgId).returns<RoleRow[]>(),
  },
  billingContacts: {
    list: channel(orgId).returns<BillingContactRow[]>(),
  },
  subscriptions: {
    list: channel(orgScopeSchema).returns<SubscriptionRow[]>(),
  },
  invoices: {
    list: channel(invoiceListQuerySchema).returns<InvoiceSummary[]>(),
    get: channel(z.strictObject({ invoiceId: uuidSchema })).returns<InvoiceDetail | null>(),
    /** The last 12 months of invoiced spend and billed seats. */
    spend: channel(orgScopeSchema).returns<SpendMonth[]>(),
    projected: channel(orgId).returns<ProjectedInvoice>(),
  },
  account: {
    get: channel(orgId).returns<AccountDetails | null>(),
  },
  paymentMethods: {
    list: channel(orgId).returns<PaymentMethodRow[]>(),
  },
  audit: {
    list: channel(auditQuerySchema).returns<AuditPage>(),
    /** Who made changes in the scope, for the "Who" filter. */
    actors: channel(orgScopeSchema).returns<AuditActor[]>(),
  },
  commands: {
    /** Queues one command of the catalogue; its args are checked against the command's schema. */
    run: channel(z.strictObject({ name: runnableCommandNameSchema, args: z.unknown().optional() })).returns<QueuedResult>(),
  },
  bulk: {
    /** Gives every listed user exactly these roles (replace), or adds or removes them. */
    setRoles: channel(
      z.strictObject({ userIds, roleIds: z.array(uuidSchema).max(50), mode: z.enum(['replace', 'add', 'remove']) }),
    ).returns<QueuedResult>(),
    activate: channel(z.strictObject({ userIds })).returns<QueuedResult>(),
    /**
     * Deactivates one user or many, whatever their roles: the one way to deactivate.
     * removeAdminRole: take the Administrator role away first where a user holds it.
     */
    deactivate: channel(z.strictObject({ userIds, removeAdminRole: z.boolean().default(false) })).returns<QueuedResult>(),
    remove: channel(z.strictObject({ userIds })).returns<QueuedResult>(),
    invite: channel(
      z.strictObject({ orgId: uuidSchema, emails: z.array(text('Email addresses').max(320)).min(1).max(1000), roleIds: z.array(uuidSchema).max(50) }),
    ).returns<QueuedResult>(),
  },
  importExport: {
    /**
     * Parses and validates a users CSV; nothing is queued until confirmUsers. The file is not put
     * through the text rule whole: its cells are, row by row, so one bad cell refuses one row.
     */
    previewUsers: channel(z.strictObject({ orgId: uuidSchema, csv: CSV_FILE })).returns<CsvImportPreview>(),
    confirmUsers: channel(z.strictObject({ previewId: uuidSchema })).returns<QueuedResult>(),
    usersCsv: channel(userListQuerySchema.omit({ offset: true, limit: true })).returns<ExportedFile>(),
    invoicesCsv: channel(invoiceListQuerySchema).returns<ExportedFile>(),
    invoicePdf: channel(z.strictObject({ invoiceId: uuidSchema })).returns<ExportedFile>(),
    auditCsv: channel(auditQuerySchema.omit({ offset: true, limit: true })).returns<ExportedFile>(),
  },
  pendingChanges: {
    /** The queued changes (what, where, when, batch) and how the last sync ended: the status bar's panel. */
    list: channel(queuedChangesQuerySchema).returns<QueuedChanges>(),
    /** Discards queued changes never sent, one by one or a whole bulk action; the rest are replayed. */
    discard: channel(discardQueuedSchema).returns<DiscardResult>(),
  },
  syncIssues: {
    list: channel(z.strictObject({ includeResolved: z.boolean().default(false) })).returns<SyncIssue[]>(),
    resolve: channel(z.strictObject({ issueId: z.number().int().min(1), resolution: z.enum(['keep_mine', 'take_theirs']) })).returns<SyncIssue>(),
  },
};


export type IpcContract = typeof ipcContract;
export type SeatdeskBridge = IpcBridge<IpcContract>;
export type SeatdeskClient = IpcClient<IpcContract>;
export type SeatdeskHandlers<Ctx = void> = IpcHandlers<IpcContract, Ctx>;

/** The IPC channel name Electron uses for every call; the contract's names travel inside. */
export const IPC_INVOKE_CHANNEL = 'seatdesk:invoke';
export const IPC_EVENT_CHANNEL = 'seatdesk:event';

import { randomUUID } from 'node:crypto';
import { SeatdeskError } from '@shared/errors';
import type { AppInfo, SeatdeskHandlers } from '@shared/ipc/channels';
import type { QueuedResult, SyncStatus, UserListQuery, UserRow, AuditQuery } from '@shared/ipc/models';
import type { AuditEvent } from '@shared/domain/audit';
import { planActivate, planDeactivate, planInvite, planRemove, planSetRoles, type BulkPlan } from '../bulk/plan';
import { previewUsersImport, toCsvImportPreview } from '../csv/users-import';
import { auditCsv, invoicesCsv, usersCsv } from '../csv/exports';
import { invoicePdf } from '../pdf/invoice-pdf';
import { getAccount } from '../reads/account';
import { auditActors, listAudit } from '../reads/audit';
import { listBillingContacts } from '../reads/billing-contacts';
import { homeSummary } from '../reads/home';
import { getInvoice, listInvoices } from '../reads/invoices';
import { orgTree } from '../reads/orgs';
import { listPaymentMethods } from '../reads/payment-methods';
import { projectedInvoice } from '../reads/projected-invoice';
import { listRoles } from '../reads/roles';
import { spend } from '../reads/spend';
import { listSubscriptions } from '../reads/subscriptions';
import { billingViewers, getUser, listUsers } from '../reads/users';
import type { SessionManager } from '../session/session-manager';
import type { AccountRuntime } from './account';
import { adminContextOf, allRoleNames, rolesOfOrgs, usersByIds, usersOfOrg } from './view-rows';

export interface CoreContext {
  appInfo: AppInfo;
  session: SessionManager;
  /** The signed-in account's cache and engine; UNAUTHENTICATED when nobody is signed in. */
  account(): AccountRuntime;
  /** Opens (or closes) the account runtime to match the session; resolves when done. */
  followSession(): Promise<void>;
  locale: string;
}

const EXPORT_PAGE = 1000;

const SIGNED_OUT_STATUS: SyncStatus = { state: 'signed-out', lastSyncedAt: null, pendingCount: 0, issueCount: 0, progress: null, lastError: null };

function queuePlan(account: AccountRuntime, plan: BulkPlan): QueuedResult {
  if (plan.commands.length === 0) return { batchId: null, mutationIds: [], entityId: null, skipped: plan.skipped };
  const result = account.engine.queue(plan.commands, plan.commands.length > 1 ? randomUUID() : undefined, { skipRefused: true });
  return { ...result, skipped: [...plan.skipped, ...result.skipped] };
}

function allUsers(account: AccountRuntime, query: Omit<UserListQuery, 'offset' | 'limit'>): UserRow[] {
  const rows: UserRow[] = [];
  for (let offset = 0; ; offset += EXPORT_PAGE) {
    const page = listUsers(account.db, { ...query, offset, limit: EXPORT_PAGE });
    rows.push(...page.items);
    if (page.items.length < EXPORT_PAGE) return rows;
  }
}

function allAudit(account: AccountRuntime, query: Omit<AuditQuery, 'offset' | 'limit'>): AuditEvent[] {
  const rows: AuditEvent[] = [];
  for (let offset = 0; ; offset += EXPORT_PAGE) {
    const page = listAudit(account.db, { ...query, offset, limit: EXPORT_PAGE });
    rows.push(...page.items);
    if (page.items.length < EXPORT_PAGE) return rows;
  }
}

function orgName(account: AccountRuntime, orgId: string): string | undefined {
  return getAccount(account.db, orgId)?.name;
}

/** Handlers for every channel of the contract: reads answer from the cache, changes go through the outbox. */
export function createHandlers(): SeatdeskHandlers<CoreContext> {
  return {
    app: {
      version: (_input, ctx) => ctx.appInfo,
    },
    session: {
      status: (_input, ctx) => ctx.session.status(),
      signIn: async (input, ctx) => {
        const status = await ctx.session.signIn(input);
        await ctx.followSession();
        return status;
      },
      signOut: async (_input, ctx) => {
        const status = await ctx.session.signOut();
        await ctx.followSession();
        return status;
      },
    },
    sync: {
      status: (_input, ctx) => (ctx.session.current() === null ? SIGNED_OUT_STATUS : ctx.account().engine.status()),
      now: async (_input, ctx) => {
        const account = ctx.account();
        await account.refreshMe();
        return account.engine.syncNow();
      },
    },
    orgs: {
      tree: (_input, ctx) => orgTree(ctx.account().db),
    },
    home: {
      summary: (input, ctx) => homeSummary(ctx.account().db, input),
    },
    users: {
      list: (input, ctx) => listUsers(ctx.account().db, input),
      get: (input, ctx) => getUser(ctx.account().db, input.userId),
      billingViewers: (input, ctx) => billingViewers(ctx.account().db, input.orgId),
    },
    roles: {
      list: (input, ctx) => listRoles(ctx.account().db, input.orgId),
    },
    billingContacts: {
      list: (input, ctx) => listBillingContacts(ctx.account().db, input.orgId),
    },
    subscriptions: {
      list: (input, ctx) => listSubscriptions(ctx.account().db, input),
    },
    invoices: {
      list: (input, ctx) => listInvoices(ctx.account().db, input),
      get: (input, ctx) => getInvoice(ctx.account().db, input.invoiceId),
      spend: (input, ctx) => spend(ctx.account().db, input),
      projected: (input, ctx) => projectedInvoice(ctx.account().db, input.orgId),
    },
    account: {
      get: (input, ctx) => getAccount(ctx.account().db, input.orgId),
    },
    paymentMethods: {
      list: (input, ctx) => listPaymentMethods(ctx.account().db, input.orgId),
    },
    audit: {
      list: (input, ctx) => listAudit(ctx.account().db, input),
      actors: (input, ctx) => auditActors(ctx.account().db, input),
    },
    commands: {
      run: (input, ctx) => ctx.account().engine.queue([{ name: input.name, args: input.args }]),
    },
    pendingChanges: {
      list: (input, ctx) => ctx.account().engine.queued(input.limit),
      discard: (input, ctx) => ctx.account().engine.discard(input),
    },
    bulk: {
      setRoles: (input, ctx) => {
        const account = ctx.account();
        const users = usersByIds(account.db, input.userIds);
        const orgIds = users.map((u) => u.orgId);
        const roles = rolesOfOrgs(account.db, orgIds);
        return queuePlan(account, planSetRoles(users, roles, input, adminContextOf(account.db, orgIds, roles)));
      },
      activate: (input, ctx) => {
        const account = ctx.account();
        return queuePlan(account, planActivate(usersByIds(account.db, input.userIds), input));
      },
      deactivate: (input, ctx) => {
        const account = ctx.account();
        const users = usersByIds(account.db, input.userIds);
        const orgIds = users.map((u) => u.orgId);
        const roles = rolesOfOrgs(account.db, orgIds);
        return queuePlan(account, planDeactivate(users, roles, input, adminContextOf(account.db, orgIds, roles)));
      },
      remove: (input, ctx) => {
        const account = ctx.account();
        const users = usersByIds(account.db, input.userIds);
        const orgIds = users.map((u) => u.orgId);
        const roles = rolesOfOrgs(account.db, orgIds);
        return queuePlan(account, planRemove(users, roles, input, adminContextOf(account.db, orgIds, roles)));
      },
      invite: (input, ctx) => {
        const account = ctx.account();
        const plan = planInvite(input, { orgUsers: usersOfOrg(account.db, input.orgId), roles: rolesOfOrgs(account.db, [input.orgId]) });
        return queuePlan(account, plan);
      },
    },
    importExport: {
      previewUsers: (input, ctx) => {
        const account = ctx.account();
        if (getAccount(account.db, input.orgId) === null) throw new SeatdeskError('NOT_FOUND', 'This organization is not in your offline copy.');
        const plan = previewUsersImport(input.csv, {
          orgId: input.orgId,
          roles: rolesOfOrgs(account.db, [input.orgId]),
          existingEmails: usersOfOrg(account.db, input.orgId).map((user) => user.email),
        });
        return toCsvImportPreview(plan, account.previews.put(plan));
      },
      confirmUsers: (input, ctx) => {
        const account = ctx.account();
        const plan = account.previews.take(input.previewId);
        if (plan === null) throw new SeatdeskError('NOT_FOUND', 'This import preview has expired. Choose the file again.');
        return queuePlan(account, { commands: plan.commands, skipped: [] });
      },
      usersCsv: (input, ctx) => {
        const account = ctx.account();
        const scopeName = orgName(account, input.orgId);
        return usersCsv(allUsers(account, input), allRoleNames(account.db), scopeName === undefined ? {} : { scopeName });
      },
      invoicesCsv: (input, ctx) => {
        const account = ctx.account();
        const scopeName = orgName(account, input.orgId);
        return invoicesCsv(listInvoices(account.db, input), scopeName === undefined ? {} : { scopeName });
      },
      invoicePdf: async (input, ctx) => {
        const account = ctx.account();
        const invoice = getInvoice(account.db, input.invoiceId);
        const org = invoice === null ? null : getAccount(account.db, invoice.orgId);
        if (invoice === null || org === null) throw new SeatdeskError('NOT_FOUND', 'This invoice is not in your offline copy.');
        return invoicePdf(invoice, org, { locale: ctx.locale });
      },
      auditCsv: (input, ctx) => {
        const account = ctx.account();
        const scopeName = orgName(account, input.orgId);
        const orgNames = new Map(orgTree(account.db).map((org) => [org.id, org.name]));
        return auditCsv(allAudit(account, input), { orgNames, ...(scopeName === undefined ? {} : { scopeName }) });
      },
    },
    syncIssues: {
      list: (input, ctx) => ctx.account().engine.listIssues(input.includeResolved),
      resolve: (input, ctx) => ctx.account().engine.resolveIssue(input.issueId, input.resolution),
    },
  };
}

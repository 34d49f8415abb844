import type { AuditQuery, InvoiceListQuery, UserListQuery } from '@shared/ipc/models';

/**
 * TanStack Query keys. Every key is [root, scope, ...params]: the root names the data (mostly a
 * ChangedEntity, so core events map onto it), the scope the organization it was read for (null when
 * the data is not tied to one). invalidation.ts decides from these two which queries an event touches.
 */
export interface QueryScope {
  orgId: string;
  includeChildren: boolean;
}

export type QueryRoot =
  | 'app'
  | 'session'
  | 'sync'
  | 'orgs'
  | 'user'
  | 'billing-viewers'
  | 'role'
  | 'billing_contact'
  | 'subscription'
  | 'invoice'
  | 'spend'
  | 'projected'
  | 'organization'
  | 'payment_method'
  | 'audit_event'
  | 'sync_issue'
  | 'home';

export type UserFilters = Omit<UserListQuery, 'orgId' | 'includeChildren' | 'offset' | 'limit'>;
export type InvoiceFilters = Omit<InvoiceListQuery, 'orgId' | 'includeChildren'>;
export type AuditFilters = Omit<AuditQuery, 'orgId' | 'includeChildren' | 'offset' | 'limit'>;

const one = (orgId: string): QueryScope => ({ orgId, includeChildren: false });

export const queryKeys = {
  appInfo: ['app', null, 'version'] as const,
  session: ['session', null] as const,
  syncStatus: ['sync', null, 'status'] as const,
  /** The pending-changes panel: refetched with every sync status. */
  pendingChanges: ['sync', null, 'pending'] as const,
  orgTree: ['orgs', null, 'tree'] as const,
  /** The Home screen: always the organization and everything below it. */
  home: (orgId: string) => ['home', { orgId, includeChildren: true }] as const,
  userPage: (scope: QueryScope, filters: UserFilters, page: number, pageSize: number) =>
    ['user', scope, 'page', filters, page, pageSize] as const,
  userPages: (scope: QueryScope) => ['user', scope, 'page'] as const,
  /** Any user event refreshes it: the user may be in any organization of the scope. */
  user: (userId: string) => ['user', null, 'one', userId] as const,
  billingViewers: (orgId: string) => ['billing-viewers', one(orgId)] as const,
  roles: (orgId: string) => ['role', one(orgId)] as const,
  billingContacts: (orgId: string) => ['billing_contact', one(orgId)] as const,
  subscriptions: (scope: QueryScope) => ['subscription', scope] as const,
  invoices: (scope: QueryScope, filters: InvoiceFilters) => ['invoice', scope, 'list', filters] as const,
  invoice: (invoiceId: string) => ['invoice', null, 'one', invoiceId] as const,
  spend: (scope: QueryScope) => ['spend', scope] as const,
  projected: (orgId: string) => ['projected', one(orgId)] as const,
  account: (orgId: string) => ['organization', one(orgId)] as const,
  paymentMethods: (orgId: string) => ['payment_method', one(orgId)] as const,
  audit: (scope: QueryScope, filters: AuditFilters) => ['audit_event', scope, filters] as const,
  auditActors: (scope: QueryScope) => ['audit_event', scope, 'actors'] as const,
  syncIssues: (includeResolved: boolean) => ['sync_issue', null, includeResolved] as const,
};

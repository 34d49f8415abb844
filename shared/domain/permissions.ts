import { z } from 'zod';

export const PERMISSIONS = [
  'users.view',
  'users.invite',
  'users.manage',
  'roles.manage',
  'billing.view',
  'billing.edit',
  'subscriptions.view',
  'subscriptions.manage',
  'account.edit',
  'orgs.manage',
  'audit.view',
] as const;

export const permissionSchema = z.enum(PERMISSIONS);
export type Permission = z.infer<typeof permissionSchema>;

/** A role's or a user's individual permissions: catalogue entries, each at most once. */
export const permissionListSchema = z.array(permissionSchema).superRefine((permissions, ctx) => {
  permissions.forEach((permission, index) => {
    if (permissions.indexOf(permission) !== index) {
      ctx.addIssue({ code: 'custom', message: `Duplicate permission ${permission}`, path: [index] });
    }
  });
});

export const PERMISSION_DESCRIPTIONS: Readonly<Record<Permission, string>> = {
  'users.view': 'See the users of the organization and their roles',
  'users.invite': 'Invite new users and resend or revoke invitations',
  'users.manage': 'Create, edit, activate, deactivate and remove users',
  'roles.manage': 'Create, edit and delete roles and assign permissions',
  'billing.view': 'See invoices, payment methods and billing contacts',
  'billing.edit': 'Manage payment methods and billing contacts',
  'subscriptions.view': 'See subscriptions, including those of child companies',
  'subscriptions.manage': 'Cancel, reactivate and remove scheduled cancellations',
  'account.edit': 'Edit account details, addresses, VAT number and primary contact',
  'orgs.manage': 'Create and manage reseller and customer organizations',
  'audit.view': 'See and export the audit log',
};

export interface PermissionArea {
  readonly key: string;
  readonly label: string;
  readonly permissions: readonly Permission[];
}

/** Groups the catalogue for the permission checklist; every permission is in exactly one area. */
export const PERMISSION_AREAS: readonly PermissionArea[] = [
  { key: 'users', label: 'Users', permissions: ['users.view', 'users.invite', 'users.manage'] },
  { key: 'roles', label: 'Roles', permissions: ['roles.manage'] },
  { key: 'billing', label: 'Billing', permissions: ['billing.view', 'billing.edit'] },
  { key: 'subscriptions', label: 'Subscriptions', permissions: ['subscriptions.view', 'subscriptions.manage'] },
  { key: 'account', label: 'Account', permissions: ['account.edit'] },
  { key: 'orgs', label: 'Organizations', permissions: ['orgs.manage'] },
  { key: 'audit', label: 'Audit', permissions: ['audit.view'] },
];

export const BUILT_IN_ROLE_KEYS = ['owner', 'administrator', 'billing', 'member', 'read_only'] as const;
export type BuiltInRoleKey = (typeof BUILT_IN_ROLE_KEYS)[number];

export interface BuiltInRole {
  readonly key: BuiltInRoleKey;
  readonly name: string;
  readonly description: string;
  readonly permissions: readonly Permission[];
}

export const BUILT_IN_ROLES: readonly BuiltInRole[] = [
  {
    key: 'owner',
    name: 'Owner',
    description: 'Full access, including organizations below this one',
    permissions: [...PERMISSIONS],
  },
  {
    key: 'administrator',
    name: 'Administrator',
    description: 'Full access to users, roles, billing, subscriptions and the account',
    permissions: [...PERMISSIONS],
  },
  {
    key: 'billing',
    name: 'Billing',
    description: 'Sees and manages invoices, payment methods and billing contacts',
    permissions: ['billing.view', 'billing.edit'],
  },
  {
    key: 'member',
    name: 'Member',
    description: 'Sees users and invites new ones',
    permissions: ['users.view', 'users.invite'],
  },
  {
    key: 'read_only',
    name: 'Read Only',
    description: 'Sees everything, changes nothing',
    permissions: PERMISSIONS.filter((permission) => permission.endsWith('.view')),
  },
];

/** Organizations created before this day have no built-in roles until an admin installs them. */
export const BUILT_IN_ROLES_CUTOFF = '2024-01-15';

/** True when an organization created at `createdAt` (ISO datetime) predates built-in roles. */
export function predatesBuiltInRoles(createdAt: string): boolean {
  return Date.parse(createdAt) < Date.parse(`${BUILT_IN_ROLES_CUTOFF}T00:00:00Z`);
}

/** The union of the roles' and the individual permissions, in catalogue order. */
export function effectivePermissions(
  roles: readonly { readonly permissions: readonly Permission[] }[],
  individual: readonly Permission[],
): Permission[] {
  const held = new Set<Permission>(individual);
  for (const role of roles) {
    for (const permission of role.permissions) held.add(permission);
  }
  return PERMISSIONS.filter((permission) => held.has(permission));
}

import { createHash, randomUUID } from 'node:crypto';
import { clientIdFieldOf, COMMANDS, type CommandArgs, type CommandName } from '@shared/commands/catalogue';
import { SeatdeskError } from '@shared/errors';
import { emailKey } from '@shared/email';
import {
  adminRoleAssignedRefusal,
  adminRolesHeld,
  installBuiltInRolesRefusal,
  lastAdminRefusal,
  legacyAdministrators,
  RoleLookup,
  type AdminChange,
} from '@shared/domain/administrators';
import { contactTakenRefusal, pickedUserRefusal, type BillingContact } from '@shared/domain/billing-contact';
import { idInUseRefusal } from '@shared/domain/ids';
import { childOrgRefusal, primaryContactRefusal, type Organization } from '@shared/domain/organization';
import { removePaymentMethodRefusal, type PaymentMethod } from '@shared/domain/payment-method';
import { refuseIf } from '@shared/domain/refusal';
import { builtInRoleNames, deleteRoleRefusal, isAdminRole, roleNameKey, roleNameTakenRefusal, unknownRoleRefusal, type Role } from '@shared/domain/role';
import {
  cancelRefusal,
  cancellationOutcome,
  reactivateRefusal,
  removeScheduledCancellationRefusal,
  statusBeforeCancellation,
  type Subscription,
} from '@shared/domain/subscription';
import { planChangeEffect, planChangeRefusal, quantityChangeRefusal } from '@shared/domain/subscription-change';
import { findPlan, planOfferRefusal } from '@shared/domain/plans';
import {
  activateRefusal,
  deactivateRefusal,
  duplicateEmailRefusal,
  invitationEmailsRefusal,
  namesFromEmail,
  resendInvitationRefusal,
  type User,
} from '@shared/domain/user';
import type { EntityName } from '@shared/domain/entities';
import type { LocalView, ViewRow } from './local-view';

/**
 * The local mutators: each command's effect on the view, applied optimistically when it is queued
 * and replayed on top of confirmed rows after every pull. They mirror service/commands/*.ts (the
 * same field changes, and a version bump wherever the service bumps one, so a later queued command
 * names the version the service will have by then). They refuse, with the shared rules of
 * shared/domain and so with the service's own code and message, whatever the local copy shows
 * would break a rule (a missing row, a status that does not allow the change, a taken email or
 * role name, the last administrator, a role in use); the service stays the judge of what only it
 * can know (permissions, rows outside the copy, what changed meanwhile).
 *
 * A mutator makes all its checks before its first write, so a refusal leaves nothing half done.
 */
export interface MutationContext {
  view: LocalView;
  now: Date;
}

export interface LocalMutator<N extends CommandName> {
  /** The row the command targets (outbox entity_id and base version); null when it makes several. */
  target(args: CommandArgs<N>): string | null;
  apply(ctx: MutationContext, args: CommandArgs<N>): void;
}

type Mutators = { [N in CommandName]: LocalMutator<N> };

function notFound(what: string): SeatdeskError {
  return new SeatdeskError('NOT_FOUND', `This ${what} does not exist in your offline copy, or is not in an organization you can manage.`);
}

function existing<T>(ctx: MutationContext, entity: EntityName, id: string, orgId: string, what: string): ViewRow<T> {
  const row = ctx.view.get<T>(entity, id);
  if (row === null || row.orgId !== orgId) throw notFound(what);
  return row;
}

/** The row after a change, as the service writes it: version + 1, updatedAt now. */
function changed<T extends object>(ctx: MutationContext, row: ViewRow<T>, changes: Partial<T>): ViewRow<T> {
  const version = row.version + 1;
  return { ...row, version, data: { ...row.data, ...changes, version, updatedAt: ctx.now.toISOString() } };
}

function created<T extends { id: string; orgId: string }>(ctx: MutationContext, data: Omit<T, 'version' | 'createdAt' | 'updatedAt'>): ViewRow<T> {
  const at = ctx.now.toISOString();
  return { id: data.id, orgId: data.orgId, version: 1, data: { ...data, version: 1, createdAt: at, updatedAt: at } as unknown as T };
}

/**
 * An id for a row the service will make with an id of its own (the built-in roles of a new
 * organization, its first administrator): stable across replays, so the view does not churn and
 * a later command in the same session can name it. The pull replaces it with the service's row.
 */
export function derivedId(seed: string): string {
  const hex = createHash('sha256').update(seed).digest('hex');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}



/** The fields of an update command that were given: an absent field leaves the row's value alone. */
function fieldsGiven<A extends object, K extends keyof A>(args: A, keys: readonly K[]): { [P in K]?: Exclude<A[P], undefined> } {
  const given: { [P in K]?: Exclude<A[P], undefined> } = {};
  for (const key of keys) if (args[key] !== undefined) given[key] = args[key] as Exclude<A[K], undefined>;
  return given;
}

function assertEmailFree(ctx: MutationContext, orgId: string, email: string): void {
  const taken = ctx.view.where<User>('user', 'org_id = ? AND email = ? COLLATE NOCASE', orgId, emailKey(email));
  refuseIf(duplicateEmailRefusal(email, taken.map((row) => row.data.email)));
}

function assertIdFree(ctx: MutationContext, entity: EntityName, id: string, path?: string): void {
  refuseIf(idInUseRefusal(ctx.view.exists(entity, id), path));
}

function assertRoleNameFree(ctx: MutationContext, orgId: string, name: string, exceptId: string | null): void {
  const taken = ctx.view.where<Role>('role', 'org_id = ? AND lower(trim(name)) = ? AND id IS NOT ?', orgId, roleNameKey(name), exceptId);
  refuseIf(roleNameTakenRefusal(name, taken.map((row) => row.data.name)));
}

/** A contact picked from the users: one of the organization's users who may see billing, with that user's address. */
function assertPickableUser(ctx: MutationContext, orgId: string, userId: string, email: string): void {
  const user = ctx.view.get<User>('user', userId);
  const inOrg = user !== null && user.orgId === orgId ? user.data : undefined;
  const roles = inOrg === undefined ? [] : inOrg.roleIds.flatMap((id) => ctx.view.get<Role>('role', id)?.data ?? []).filter((role) => role.orgId === orgId);
  refuseIf(pickedUserRefusal(inOrg, roles, email));
}

function assertNotAContact(ctx: MutationContext, orgId: string, email: string, exceptId: string | null): void {
  const taken = ctx.view.where<BillingContact>('billing_contact', 'org_id = ? AND email = ? COLLATE NOCASE AND id IS NOT ?', orgId, emailKey(email), exceptId);
  refuseIf(contactTakenRefusal(email, taken.map((row) => row.data.email)));
}

function rolesOf(ctx: MutationContext, orgId: string): Role[] {
  return ctx.view.where<Role>('role', 'org_id = ?', orgId).map((row) => row.data);
}

/**
 * LAST_ADMIN over the copy's rows: the organization's name, roles and active holders of an Owner
 * or Administrator role (user_roles finds them without reading every user), judged by the shared
 * rule. Called only for a change that takes such a role, or its holder, away.
 */
function assertKeepsAdministrator(ctx: MutationContext, orgId: string, roles: readonly Role[], change: AdminChange): void {
  const adminRoleIds = roles.filter(isAdminRole).map((role) => role.id);
  const administrators = ctx.view
    .where<User>(
      'user',
      "org_id = ? AND status = 'active' AND id IN (SELECT user_id FROM user_roles WHERE role_id IN (SELECT value FROM json_each(?)))",
      orgId,
      JSON.stringify(adminRoleIds),
    )
    .map((row) => row.data);
  const org = ctx.view.get<Organization>('organization', orgId);
  refuseIf(lastAdminRefusal({ name: org?.data.name ?? 'This organization' }, administrators, roles, change));
}

/** The five built-in roles of an organization, named around names already taken (as the service does). */
function builtInRoles(ctx: MutationContext, orgId: string, takenNames: Iterable<string>): ViewRow<Role>[] {
  return builtInRoleNames(takenNames).map(({ spec, name }) => {
    return created<Role>(ctx, {
      id: derivedId(`${orgId}:built-in-role:${spec.key}`),
      orgId,
      name,
      description: spec.description,
      permissions: [...spec.permissions],
      builtIn: true,
      builtInKey: spec.key,
    });
  });
}

export const MUTATORS: Mutators = {
  createUser: {
    target: (args) => args.id ?? null,
    apply(ctx, args) {
      const id = args.id ?? randomUUID();
      assertIdFree(ctx, 'user', id);
      assertEmailFree(ctx, args.orgId, args.email);
      if (args.roleIds.length > 0) refuseIf(unknownRoleRefusal(args.roleIds, rolesOf(ctx, args.orgId).map((role) => role.id)));
      const user = created<User>(ctx, {
        id,
        orgId: args.orgId,
        firstName: args.firstName,
        lastName: args.lastName,
        email: args.email,
        status: args.active ? 'active' : 'deactivated',
        roleIds: args.roleIds,
        permissions: args.permissions,
        lastActiveAt: null,
      });
      ctx.view.insert('user', user);
    },
  },
  updateUser: {
    target: (args) => args.userId,
    apply(ctx, args) {
      const before = existing<User>(ctx, 'user', args.userId, args.orgId, 'user');
      const roleIds = args.roleIds;
      if (roleIds !== undefined) {
        const added = roleIds.filter((id) => !before.data.roleIds.includes(id));
        const removed = before.data.roleIds.filter((id) => !roleIds.includes(id));
        // One look-up per role involved: a bulk role change queues thousands of these.
        const involved = new RoleLookup([...added, ...removed].flatMap((id) => ctx.view.get<Role>('role', id)?.data ?? []).filter((role) => role.orgId === args.orgId));
        refuseIf(unknownRoleRefusal(added, added.filter((id) => involved.get(id) !== undefined)));
        if (before.data.status === 'active' && adminRolesHeld({ roleIds: removed }, involved).length > 0) {
          assertKeepsAdministrator(ctx, args.orgId, rolesOf(ctx, args.orgId), { kind: 'setRoles', user: before.data, roleIds });
        }
      }
      const changes: Partial<User> = fieldsGiven(args, ['firstName', 'lastName', 'roleIds', 'permissions']);
      ctx.view.upsert('user', changed(ctx, before, changes));
    },
  },
  activateUser: {
    target: (args) => args.userId,
    apply(ctx, args) {
      const before = existing<User>(ctx, 'user', args.userId, args.orgId, 'user');
      refuseIf(activateRefusal(before.data));
      ctx.view.upsert('user', changed(ctx, before, { status: 'active' }));
    },
  },
  deactivateUser: {
    target: (args) => args.userId,
    apply(ctx, args) {
      const before = existing<User>(ctx, 'user', args.userId, args.orgId, 'user');
      refuseIf(deactivateRefusal(before.data));
      if (before.data.roleIds.length > 0) {
        const roles = rolesOf(ctx, args.orgId);
        // The last administrator is the more useful thing to say, as on the service.
        if (adminRolesHeld(before.data, new RoleLookup(roles)).length > 0) assertKeepsAdministrator(ctx, args.orgId, roles, { kind: 'deactivate', user: before.data });
        refuseIf(adminRoleAssignedRefusal(before.data, roles));
      }
      ctx.view.upsert('user', changed(ctx, before, { status: 'deactivated' }));
    },
  },
  removeUser: {
    target: (args) => args.userId,
    apply(ctx, args) {
      const before = existing<User>(ctx, 'user', args.userId, args.orgId, 'user');
      if (before.data.status === 'active' && before.data.roleIds.length > 0) {
        const roles = rolesOf(ctx, args.orgId);
        if (adminRolesHeld(before.data, new RoleLookup(roles)).length > 0) assertKeepsAdministrator(ctx, args.orgId, roles, { kind: 'remove', user: before.data });
      }
      // What pointed at the user stays, unlinked (each a new version), as on the service.
      for (const contact of ctx.view.where<BillingContact>('billing_contact', 'user_id = ?', before.id)) {
        ctx.view.upsert('billing_contact', changed(ctx, contact, { userId: null }));
      }
      for (const org of ctx.view.where<Organization>('organization', "json_extract(data, '$.primaryContactUserId') = ?", before.id)) {
        ctx.view.upsert('organization', changed(ctx, org, { primaryContactUserId: null }));
      }
      ctx.view.delete('user', before.id, before.orgId);
    },
  },
  inviteUsers: {
    target: () => null,
    apply(ctx, args) {
      const ids = args.ids ?? args.emails.map(() => randomUUID());
      const taken = ctx.view.where<User>('user', 'org_id = ? AND email COLLATE NOCASE IN (SELECT value FROM json_each(?))', args.orgId, JSON.stringify(args.emails.map(emailKey)));
      refuseIf(invitationEmailsRefusal(args.emails, taken.map((row) => row.data.email)));
      ids.forEach((id, index) => assertIdFree(ctx, 'user', id, `ids.${index}`));
      if (args.roleIds.length > 0) refuseIf(unknownRoleRefusal(args.roleIds, rolesOf(ctx, args.orgId).map((role) => role.id)));
      args.emails.forEach((email, index) => {
        ctx.view.insert(
          'user',
          created<User>(ctx, {
            id: ids[index]!,
            orgId: args.orgId,
            ...namesFromEmail(email),
            email,
            status: 'pending',
            roleIds: args.roleIds,
            permissions: [],
            lastActiveAt: null,
          }),
        );
      });
    },
  },
  resendInvitation: {
    target: (args) => args.userId,
    apply(ctx, args) {
      // A new link; the user row itself does not change (no version bump on the service either).
      const user = existing<User>(ctx, 'user', args.userId, args.orgId, 'user');
      refuseIf(resendInvitationRefusal(user.data));
    },
  },
  createRole: {
    target: (args) => args.id ?? null,
    apply(ctx, args) {
      const id = args.id ?? randomUUID();
      assertIdFree(ctx, 'role', id);
      assertRoleNameFree(ctx, args.orgId, args.name, null);
      ctx.view.insert(
        'role',
        created<Role>(ctx, {
          id,
          orgId: args.orgId,
          name: args.name,
          description: args.description,
          permissions: args.permissions,
          builtIn: false,
          builtInKey: null,
        }),
      );
    },
  },
  updateRole: {
    target: (args) => args.roleId,
    apply(ctx, args) {
      const before = existing<Role>(ctx, 'role', args.roleId, args.orgId, 'role');
      if (args.name !== undefined) assertRoleNameFree(ctx, args.orgId, args.name, before.id);
      if (args.permissions !== undefined && isAdminRole(before.data)) {
        assertKeepsAdministrator(ctx, args.orgId, rolesOf(ctx, args.orgId), { kind: 'setRolePermissions', role: before.data, permissions: args.permissions });
      }
      const changes: Partial<Role> = fieldsGiven(args, ['name', 'description', 'permissions']);
      ctx.view.upsert('role', changed(ctx, before, changes));
    },
  },
  deleteRole: {
    target: (args) => args.roleId,
    apply(ctx, args) {
      const before = existing<Role>(ctx, 'role', args.roleId, args.orgId, 'role');
      const holders = ctx.view.count('user', 'org_id = ? AND id IN (SELECT user_id FROM user_roles WHERE role_id = ?)', args.orgId, before.id);
      refuseIf(deleteRoleRefusal(before.data, holders));
      ctx.view.delete('role', before.id, before.orgId);
    },
  },
  installBuiltInRoles: {
    target: () => null,
    apply(ctx, args) {
      const org = existing<Organization>(ctx, 'organization', args.orgId, args.orgId, 'organization');
      const roles = rolesOf(ctx, args.orgId);
      const users = ctx.view.where<User>('user', "org_id = ? AND status = 'active' ORDER BY json_extract(data, '$.createdAt')", args.orgId);
      refuseIf(installBuiltInRolesRefusal(org.data, roles, users.map((user) => user.data)));
      // Its admins so far, the active users holding every permission, get the Administrator role.
      const legacyAdmins = legacyAdministrators(users.map((user) => ({ ...user.data, row: user })), roles).map((user) => user.row);
      const installed = builtInRoles(ctx, args.orgId, roles.map((role) => role.name));
      for (const role of installed) ctx.view.upsert('role', role);
      const administrator = installed.find((role) => role.data.builtInKey === 'administrator')!;
      for (const user of legacyAdmins) ctx.view.upsert('user', changed(ctx, user, { roleIds: [...user.data.roleIds, administrator.id] }));
    },
  },
  addBillingContact: {
    target: (args) => args.id ?? null,
    apply(ctx, args) {
      const id = args.id ?? randomUUID();
      assertIdFree(ctx, 'billing_contact', id);
      if (args.userId !== null) assertPickableUser(ctx, args.orgId, args.userId, args.email);
      assertNotAContact(ctx, args.orgId, args.email, null);
      ctx.view.insert(
        'billing_contact',
        created<BillingContact>(ctx, { id, orgId: args.orgId, email: args.email, userId: args.userId, kinds: args.kinds }),
      );
    },
  },
  updateBillingContact: {
    target: (args) => args.contactId,
    apply(ctx, args) {
      const before = existing<BillingContact>(ctx, 'billing_contact', args.contactId, args.orgId, 'billing contact');
      if (args.email !== undefined) {
        if (before.data.userId !== null) assertPickableUser(ctx, args.orgId, before.data.userId, args.email);
        assertNotAContact(ctx, args.orgId, args.email, before.id);
      }
      const changes: Partial<BillingContact> = fieldsGiven(args, ['email', 'kinds']);
      ctx.view.upsert('billing_contact', changed(ctx, before, changes));
    },
  },
  removeBillingContact: {
    target: (args) => args.contactId,
    apply(ctx, args) {
      const before = existing<BillingContact>(ctx, 'billing_contact', args.contactId, args.orgId, 'billing contact');
      ctx.view.delete('billing_contact', before.id, before.orgId);
    },
  },
  cancelSubscription: {
    target: (args) => args.subscriptionId,
    apply(ctx, args) {
      const before = existing<Subscription>(ctx, 'subscription', args.subscriptionId, args.orgId, 'subscription');
      refuseIf(cancelRefusal(before.data));
      const outcome = cancellationOutcome(before.data, ctx.now.toISOString());
      ctx.view.upsert(
        'subscription',
        outcome.status === 'cancel_scheduled'
          ? changed(ctx, before, { status: 'cancel_scheduled', cancelAt: new Date(outcome.cancelAt).toISOString() })
          : changed(ctx, before, { status: 'cancelled', cancelAt: ctx.now.toISOString() }),
      );
    },
  },
  reactivateSubscription: {
    target: (args) => args.subscriptionId,
    apply(ctx, args) {
      const before = existing<Subscription>(ctx, 'subscription', args.subscriptionId, args.orgId, 'subscription');
      refuseIf(reactivateRefusal(before.data));
      // The service gives it a new environment; the pull brings that id.
      ctx.view.upsert('subscription', changed(ctx, before, { status: 'active', cancelAt: null, environmentId: randomUUID() }));
    },
  },
  removeScheduledCancellation: {
    target: (args) => args.subscriptionId,
    apply(ctx, args) {
      const before = existing<Subscription>(ctx, 'subscription', args.subscriptionId, args.orgId, 'subscription');
      refuseIf(removeScheduledCancellationRefusal(before.data));
      ctx.view.upsert('subscription', changed(ctx, before, { status: statusBeforeCancellation(before.data, ctx.now.toISOString()), cancelAt: null }));
    },
  },
  changeSubscriptionQuantity: {
    target: (args) => args.subscriptionId,
    apply(ctx, args) {
      const before = existing<Subscription>(ctx, 'subscription', args.subscriptionId, args.orgId, 'subscription');
      refuseIf(quantityChangeRefusal(before.data, args.quantity));
      ctx.view.upsert('subscription', changed(ctx, before, { quantity: args.quantity }));
    },
  },
  changeSubscriptionPlan: {
    target: (args) => args.subscriptionId,
    apply(ctx, args) {
      const before = existing<Subscription>(ctx, 'subscription', args.subscriptionId, args.orgId, 'subscription');
      refuseIf(planChangeRefusal(before.data, args.plan));
      ctx.view.upsert('subscription', changed(ctx, before, planChangeEffect(before.data, args.plan)));
    },
  },
  createOrg: {
    target: (args) => args.id ?? null,
    apply(ctx, args) {
      const parent = ctx.view.get<Organization>('organization', args.parentId);
      if (parent === null) throw notFound('organization');
      refuseIf(childOrgRefusal(parent.data, args.kind), args.subscription === null ? null : planOfferRefusal(args.subscription));
      const id = args.id ?? randomUUID();
      assertIdFree(ctx, 'organization', id);
      const adminId = derivedId(`${id}:first-administrator`);
      ctx.view.insert(
        'organization',
        created<Organization>(ctx, {
          id,
          orgId: id,
          name: args.name,
          kind: args.kind,
          parentId: parent.id,
          accountEmail: args.accountEmail,
          billingEmail: args.billingEmail,
          vatNumber: null,
          billingAddress: args.billingAddress,
          shippingAddress: null,
          primaryContactUserId: adminId,
          taxRate: parent.data.taxRate,
        }),
      );
      const roles = builtInRoles(ctx, id, []);
      for (const role of roles) ctx.view.upsert('role', role);
      const administrator = roles.find((role) => role.data.builtInKey === 'administrator')!;
      ctx.view.upsert(
        'user',
        created<User>(ctx, {
          id: adminId,
          orgId: id,
          firstName: args.admin.firstName,
          lastName: args.admin.lastName,
          email: args.admin.email,
          status: 'active',
          roleIds: [administrator.id],
          permissions: [],
          lastActiveAt: null,
        }),
      );
      if (args.subscription !== null) {
        const offer = findPlan(args.subscription.product, args.subscription.plan)!;
        // The service picks the license key and environment; the pull brings them.
        ctx.view.upsert(
          'subscription',
          created<Subscription>(ctx, {
            id: derivedId(`${id}:first-subscription`),
            orgId: id,
            product: offer.product,
            plan: offer.plan,
            basis: offer.basis,
            quantity: offer.basis === 'fixed_quantity' ? args.subscription.quantity : 1,
            unitPrice: offer.prices[args.subscription.currency]!,
            currency: args.subscription.currency,
            interval: offer.interval,
            contractEnd: null,
            trialEnd: null,
            cancelAt: null,
            licenseKey: 'Issued when synced',
            environmentId: derivedId(`${id}:first-subscription-environment`),
            status: 'active',
          }),
        );
      }
    },
  },
  updateOrg: {
    target: (args) => args.orgId,
    apply(ctx, args) {
      const before = existing<Organization>(ctx, 'organization', args.orgId, args.orgId, 'organization');
      const contactId = args.primaryContactUserId;
      if (contactId !== undefined && contactId !== null) refuseIf(primaryContactRefusal(ctx.view.get<User>('user', contactId)?.orgId === args.orgId));
      const changes: Partial<Organization> = fieldsGiven(args, ['name', 'accountEmail', 'billingEmail', 'vatNumber', 'billingAddress', 'shippingAddress', 'primaryContactUserId']);
      ctx.view.upsert('organization', changed(ctx, before, changes));
    },
  },
  setDefaultPaymentMethod: {
    target: (args) => args.paymentMethodId,
    apply(ctx, args) {
      const chosen = existing<PaymentMethod>(ctx, 'payment_method', args.paymentMethodId, args.orgId, 'payment method');
      // Exactly one default afterwards; each method that changes gets a new version.
      for (const previous of ctx.view.where<PaymentMethod>('payment_method', 'org_id = ? AND is_default AND id <> ?', args.orgId, chosen.id)) {
        ctx.view.upsert('payment_method', changed(ctx, previous, { isDefault: false }));
      }
      if (!chosen.data.isDefault) ctx.view.upsert('payment_method', changed(ctx, chosen, { isDefault: true }));
    },
  },
  removePaymentMethod: {
    target: (args) => args.paymentMethodId,
    apply(ctx, args) {
      const before = existing<PaymentMethod>(ctx, 'payment_method', args.paymentMethodId, args.orgId, 'payment method');
      if (before.data.isDefault) refuseIf(removePaymentMethodRefusal(before.data, ctx.view.count('payment_method', 'org_id = ? AND id <> ?', args.orgId, before.id)));
      ctx.view.delete('payment_method', before.id, before.orgId);
    },
  },
};

/** Runs a command's local mutator (args already parsed by the command's schema). */
export function applyLocally<N extends CommandName>(ctx: MutationContext, name: N, args: CommandArgs<N>): void {
  (MUTATORS[name] as LocalMutator<N>).apply(ctx, args);
}

export function targetOf<N extends CommandName>(name: N, args: CommandArgs<N>): { entity: EntityName; id: string | null } {
  return { entity: COMMANDS[name].entity, id: (MUTATORS[name] as LocalMutator<N>).target(args) };
}

/** Records created offline get their client-made ids before they are stored, so every replay and the push agree. */
export function withClientIds<N extends CommandName>(name: N, args: CommandArgs<N>): CommandArgs<N> {
  const a = args as Record<string, unknown>;
  const field = clientIdFieldOf(name);
  if (field === null || a[field] !== undefined) return args;
  // One id per row made: inviteUsers, the only command making many, makes one per address.
  return { ...a, [field]: field === 'id' ? randomUUID() : (a['emails'] as string[]).map(() => randomUUID()) } as CommandArgs<N>;
}

import { createHash, randomUUID } from 'node:crypto';
import { COMMANDS, type CommandArgs, type CommandName } from '@shared/commands/catalogue';
import { SeatdeskError } from '@shared/errors';
import { emailKey } from '@shared/email';
import type { BillingContact } from '@shared/domain/billing-contact';
import type { Organization } from '@shared/domain/organization';
import { canHaveChild } from '@shared/domain/organization';
import type { PaymentMethod } from '@shared/domain/payment-method';
import { BUILT_IN_ROLES, PERMISSIONS, effectivePermissions } from '@shared/domain/permissions';
import type { Role } from '@shared/domain/role';
import {
  canCancel,
  canReactivate,
  canRemoveScheduledCancellation,
  cancellationOutcome,
  statusBeforeCancellation,
  type Subscription,
} from '@shared/domain/subscription';
import { namesFromEmail, type User } from '@shared/domain/user';
import type { EntityName } from '@shared/domain/entities';
import type { LocalView, ViewRow } from './local-view';

/**
 * The local mutators: each command's effect on the view, applied optimistically when it is queued
 * and replayed on top of confirmed rows after every pull. They mirror service/commands/*.ts (the
 * same field changes, and a version bump wherever the service bumps one, so a later queued command
 * names the version the service will have by then). They refuse only what is plainly impossible
 * from the local copy (a missing row, a status that does not allow the change); the service judges
 * the rest (LAST_ADMIN, ADMIN_ROLE_ASSIGNED, permissions, ...).
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

const roleNameKey = (name: string): string => name.trim().toLowerCase();

function assertEmailFree(ctx: MutationContext, orgId: string, email: string, exceptId: string | null = null): void {
  const taken = ctx.view.count('user', 'org_id = ? AND email = ? COLLATE NOCASE AND id IS NOT ?', orgId, emailKey(email), exceptId);
  if (taken > 0) throw new SeatdeskError('DUPLICATE_EMAIL', `${email} already has an account in this organization.`);
}

function assertIdFree(ctx: MutationContext, entity: EntityName, id: string): void {
  if (ctx.view.exists(entity, id)) {
    throw new SeatdeskError('VALIDATION', 'That id is already in use.', [{ path: 'id', message: 'Already in use' }]);
  }
}

function assertRoleNameFree(ctx: MutationContext, orgId: string, name: string, exceptId: string | null): void {
  const taken = ctx.view.count('role', 'org_id = ? AND lower(trim(name)) = ? AND id IS NOT ?', orgId, roleNameKey(name), exceptId);
  if (taken > 0) {
    throw new SeatdeskError('VALIDATION', `A role named ${name} already exists in this organization.`, [
      { path: 'name', message: 'A role with this name already exists' },
    ]);
  }
}

function refuseStatus(message: string, details?: unknown): SeatdeskError {
  return new SeatdeskError('INVALID_TRANSITION', message, details);
}

/** The five built-in roles of an organization, named around names already taken (as the service does). */
function builtInRoles(ctx: MutationContext, orgId: string, takenNames: Iterable<string>): ViewRow<Role>[] {
  const taken = new Set([...takenNames].map(roleNameKey));
  return BUILT_IN_ROLES.map((spec) => {
    let name = spec.name;
    for (let n = 1; taken.has(roleNameKey(name)); n += 1) name = n === 1 ? `${spec.name} (built-in)` : `${spec.name} (built-in ${n})`;
    taken.add(roleNameKey(name));
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

const SUBSCRIPTION_STATUS_WORDS: Readonly<Record<Subscription['status'], string>> = {
  trial: 'on trial',
  active: 'active',
  cancel_scheduled: 'scheduled to be cancelled',
  cancelled: 'cancelled',
};

function subscriptionRefusal(subscription: Subscription, rule: string): SeatdeskError {
  return refuseStatus(`${subscription.product} (${subscription.plan}) is ${SUBSCRIPTION_STATUS_WORDS[subscription.status]}; ${rule}.`, {
    status: subscription.status,
  });
}

export const MUTATORS: Mutators = {
  createUser: {
    target: (args) => args.id ?? null,
    apply(ctx, args) {
      const id = args.id ?? randomUUID();
      assertIdFree(ctx, 'user', id);
      assertEmailFree(ctx, args.orgId, args.email);
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
      const changes: Partial<User> = fieldsGiven(args, ['firstName', 'lastName', 'roleIds', 'permissions']);
      ctx.view.upsert('user', changed(ctx, before, changes));
    },
  },
  activateUser: {
    target: (args) => args.userId,
    apply(ctx, args) {
      const before = existing<User>(ctx, 'user', args.userId, args.orgId, 'user');
      if (before.data.status === 'active') throw refuseStatus(`${before.data.email} is already active.`);
      if (before.data.status === 'pending') {
        throw refuseStatus(`${before.data.email} has not accepted the invitation yet. Resend the invitation instead.`);
      }
      ctx.view.upsert('user', changed(ctx, before, { status: 'active' }));
    },
  },
  deactivateUser: {
    target: (args) => args.userId,
    apply(ctx, args) {
      const before = existing<User>(ctx, 'user', args.userId, args.orgId, 'user');
      if (before.data.status === 'deactivated') throw refuseStatus(`${before.data.email} is already deactivated.`);
      if (before.data.status === 'pending') {
        throw refuseStatus(`${before.data.email} has not accepted the invitation yet. Revoke the invitation instead.`);
      }
      ctx.view.upsert('user', changed(ctx, before, { status: 'deactivated' }));
    },
  },
  removeUser: {
    target: (args) => args.userId,
    apply(ctx, args) {
      const before = existing<User>(ctx, 'user', args.userId, args.orgId, 'user');
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
      const seen = new Set<string>();
      args.emails.forEach((email, index) => {
        if (seen.has(emailKey(email))) {
          throw new SeatdeskError('VALIDATION', `${email} is listed more than once.`, [{ path: `emails.${index}`, message: `${email} is listed more than once.` }]);
        }
        seen.add(emailKey(email));
        assertEmailFree(ctx, args.orgId, email);
        assertIdFree(ctx, 'user', ids[index]!);
      });
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
      if (user.data.status !== 'pending') {
        throw refuseStatus(`${user.data.email} is ${user.data.status}, not invited: only a pending invitation can be resent.`);
      }
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
      const changes: Partial<Role> = fieldsGiven(args, ['name', 'description', 'permissions']);
      ctx.view.upsert('role', changed(ctx, before, changes));
    },
  },
  deleteRole: {
    target: (args) => args.roleId,
    apply(ctx, args) {
      const before = existing<Role>(ctx, 'role', args.roleId, args.orgId, 'role');
      if (before.data.builtIn) {
        throw refuseStatus(`${before.data.name} is a built-in role: it can be renamed or edited, but not deleted.`);
      }
      ctx.view.delete('role', before.id, before.orgId);
    },
  },
  installBuiltInRoles: {
    target: () => null,
    apply(ctx, args) {
      const org = existing<Organization>(ctx, 'organization', args.orgId, args.orgId, 'organization');
      const roles = ctx.view.where<Role>('role', 'org_id = ?', args.orgId);
      if (roles.some((role) => role.data.builtInKey !== null)) throw refuseStatus(`${org.data.name} already has the built-in roles.`);
      // Its admins so far, the active users holding every permission, get the Administrator role.
      const users = ctx.view.where<User>('user', "org_id = ? AND status = 'active' ORDER BY json_extract(data, '$.createdAt')", args.orgId);
      const legacyAdmins = users.filter(
        (user) =>
          effectivePermissions(
            roles.filter((role) => user.data.roleIds.includes(role.id)).map((role) => role.data),
            user.data.permissions,
          ).length === PERMISSIONS.length,
      );
      const installed = builtInRoles(ctx, args.orgId, roles.map((role) => role.data.name));
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
      if (!canCancel(before.data.status)) throw subscriptionRefusal(before.data, 'only a trial or active subscription can be cancelled');
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
      if (!canReactivate(before.data.status)) throw subscriptionRefusal(before.data, 'only a cancelled subscription can be reactivated');
      // The service gives it a new environment; the pull brings that id.
      ctx.view.upsert('subscription', changed(ctx, before, { status: 'active', cancelAt: null, environmentId: randomUUID() }));
    },
  },
  removeScheduledCancellation: {
    target: (args) => args.subscriptionId,
    apply(ctx, args) {
      const before = existing<Subscription>(ctx, 'subscription', args.subscriptionId, args.orgId, 'subscription');
      if (!canRemoveScheduledCancellation(before.data.status)) {
        throw subscriptionRefusal(before.data, 'there is no scheduled cancellation to remove');
      }
      ctx.view.upsert('subscription', changed(ctx, before, { status: statusBeforeCancellation(before.data, ctx.now.toISOString()), cancelAt: null }));
    },
  },
  createOrg: {
    target: (args) => args.id ?? null,
    apply(ctx, args) {
      const parent = ctx.view.get<Organization>('organization', args.parentId);
      if (parent === null) throw notFound('organization');
      if (!canHaveChild(parent.data.kind, args.kind)) {
        throw new SeatdeskError('VALIDATION', `A ${parent.data.kind} organization cannot have a ${args.kind} organization below it.`, [
          { path: 'kind', message: `Not allowed below a ${parent.data.kind}` },
        ]);
      }
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
          billingEmail: null,
          vatNumber: null,
          billingAddress: null,
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
    },
  },
  updateOrg: {
    target: (args) => args.orgId,
    apply(ctx, args) {
      const before = existing<Organization>(ctx, 'organization', args.orgId, args.orgId, 'organization');
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
      if (before.data.isDefault && ctx.view.count('payment_method', 'org_id = ? AND id <> ?', args.orgId, before.id) > 0) {
        throw refuseStatus(
          `${before.data.brand} ending in ${before.data.last4} is the default payment method. Set another payment method as the default first, then remove this one.`,
        );
      }
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
  if ((name === 'createUser' || name === 'createRole' || name === 'addBillingContact' || name === 'createOrg') && a['id'] === undefined) {
    return { ...a, id: randomUUID() } as CommandArgs<N>;
  }
  if (name === 'inviteUsers' && a['ids'] === undefined) {
    return { ...a, ids: (a['emails'] as string[]).map(() => randomUUID()) } as CommandArgs<N>;
  }
  return args;
}

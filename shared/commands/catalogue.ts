import { z } from 'zod';
import { uuidSchema } from '../domain/ids';
import { permissionListSchema, type Permission } from '../domain/permissions';
import { addressSchema, organizationSchema } from '../domain/organization';
import { emailKindListSchema } from '../domain/billing-contact';
import { personNameSchema, roleIdListSchema } from '../domain/user';
import { roleSchema } from '../domain/role';
import { subscriptionSchema } from '../domain/subscription';
import { MAX_SEATS } from '../domain/subscription-change';
import type { EntityName } from '../domain/entities';
import { emailSchema } from '../email';
import { isKnownCurrency } from '../money';
import { text } from '../text';
import { vatNumberSchema } from '../vat';
import type { ErrorCode } from '../errors';

/**
 * Every change in Seatdesk is one of these commands. A command's args are its REST route's
 * path parameters merged with its JSON body; the service's REST handlers and sync push both
 * parse them with the same schema and run the same command function.
 */
export interface CommandDef<A extends z.ZodType = z.ZodType> {
  method: 'POST' | 'PATCH' | 'DELETE';
  /** The v1 route, with `:param` segments that are also keys of args. */
  path: string;
  args: A;
  /** The entity the command changes (and answers with). */
  entity: EntityName;
  /** Needed at the target organization (`orgId`, or `parentId` for createOrg). */
  permission: Permission;
  /**
   * Makes new rows the client may name: `args.id` (or `args.ids`, one per row, when `many`), so a
   * record created offline can be edited before it syncs. Its route answers 201.
   */
  creates: boolean;
  /** Answers several rows (`{items}` on its route) rather than one. */
  many: boolean;
  /** The rule refusals it can answer, besides NOT_FOUND, FORBIDDEN and VALIDATION (every command can). */
  errors: readonly ErrorCode[];
}

/** A command as declared: the facts default to "changes one existing row and refuses nothing else". */
type CommandSpec<A extends z.ZodType> = Omit<CommandDef<A>, 'creates' | 'many' | 'errors'> & Partial<Pick<CommandDef<A>, 'creates' | 'many' | 'errors'>>;

const personName = personNameSchema;
const version = z.number().int().min(1);
const roleIds = roleIdListSchema.max(50);
const permissions = permissionListSchema;
const emailKinds = emailKindListSchema;
const roleName = roleSchema.shape.name;
const roleDescription = roleSchema.shape.description;
const orgName = organizationSchema.shape.name;
/** A currency as typed: the text rule first (a control character is refused in its words), then the ISO 4217 code. */
const currency = text('Currencies').regex(/^[A-Z]{3}$/, 'A currency is a 3-letter ISO 4217 code in capitals, such as EUR.').refine(isKnownCurrency, 'Unknown currency code.');
/** Strict in a command (the entity's address is not): an unknown field is a mistake to report, not drop. */
const address = z.strictObject(addressSchema.shape);
/** Records created offline carry a client-made id, so later queued commands can refer to them. */
const clientId = { id: uuidSchema.optional() };

const orgArgs = { orgId: uuidSchema };
const userArgs = { orgId: uuidSchema, userId: uuidSchema };
const roleArgs = { orgId: uuidSchema, roleId: uuidSchema };
const contactArgs = { orgId: uuidSchema, contactId: uuidSchema };
const subscriptionArgs = { orgId: uuidSchema, subscriptionId: uuidSchema };
const paymentMethodArgs = { orgId: uuidSchema, paymentMethodId: uuidSchema };

function command<A extends z.ZodType>(spec: CommandSpec<A>): CommandDef<A> {
  return { creates: false, many: false, errors: [], ...spec };
}

export const COMMANDS = {
  createUser: command({
    method: 'POST',
    path: '/v1/orgs/:orgId/users',
    entity: 'user',
    permission: 'users.manage',
    creates: true,
    errors: ['DUPLICATE_EMAIL'],
    args: z.strictObject({
      ...orgArgs,
      ...clientId,
      firstName: personName,
      lastName: personName,
      email: emailSchema,
      roleIds: roleIds.default([]),
      permissions: permissions.default([]),
      active: z.boolean().default(true),
    }),
  }),
  updateUser: command({
    method: 'PATCH',
    path: '/v1/orgs/:orgId/users/:userId',
    entity: 'user',
    permission: 'users.manage',
    errors: ['VERSION_CONFLICT', 'LAST_ADMIN'],
    args: z.strictObject({
      ...userArgs,
      version,
      firstName: personName.optional(),
      lastName: personName.optional(),
      roleIds: roleIds.optional(),
      permissions: permissions.optional(),
    }),
  }),
  activateUser: command({
    method: 'POST',
    path: '/v1/orgs/:orgId/users/:userId/activate',
    entity: 'user',
    permission: 'users.manage',
    errors: ['INVALID_TRANSITION'],
    args: z.strictObject(userArgs),
  }),
  deactivateUser: command({
    method: 'POST',
    path: '/v1/orgs/:orgId/users/:userId/deactivate',
    entity: 'user',
    permission: 'users.manage',
    errors: ['INVALID_TRANSITION', 'LAST_ADMIN', 'ADMIN_ROLE_ASSIGNED'],
    args: z.strictObject(userArgs),
  }),
  removeUser: command({
    method: 'DELETE',
    path: '/v1/orgs/:orgId/users/:userId',
    entity: 'user',
    permission: 'users.manage',
    errors: ['LAST_ADMIN'],
    args: z.strictObject(userArgs),
  }),
  inviteUsers: command({
    method: 'POST',
    path: '/v1/orgs/:orgId/invitations',
    entity: 'user',
    permission: 'users.invite',
    creates: true,
    many: true,
    errors: ['DUPLICATE_EMAIL'],
    args: z
      .strictObject({
        ...orgArgs,
        emails: z.array(emailSchema).min(1, 'Enter at least one email').max(500),
        roleIds: roleIds.default([]),
        /** Client-made ids for the pending users, one per email, for offline invitations. */
        ids: z.array(uuidSchema).max(500).optional(),
      })
      .refine((a) => a.ids === undefined || a.ids.length === a.emails.length, {
        message: 'ids must have one entry per email',
        path: ['ids'],
      }),
  }),
  resendInvitation: command({
    method: 'POST',
    path: '/v1/orgs/:orgId/invitations/:userId/resend',
    entity: 'user',
    permission: 'users.invite',
    errors: ['INVALID_TRANSITION'],
    args: z.strictObject(userArgs),
  }),
  createRole: command({
    method: 'POST',
    path: '/v1/orgs/:orgId/roles',
    entity: 'role',
    permission: 'roles.manage',
    creates: true,
    args: z.strictObject({
      ...orgArgs,
      ...clientId,
      name: roleName,
      description: roleDescription.default(''),
      permissions: permissions.default([]),
    }),
  }),
  updateRole: command({
    method: 'PATCH',
    path: '/v1/orgs/:orgId/roles/:roleId',
    entity: 'role',
    permission: 'roles.manage',
    errors: ['VERSION_CONFLICT', 'LAST_ADMIN'],
    args: z.strictObject({
      ...roleArgs,
      version,
      name: roleName.optional(),
      description: roleDescription.optional(),
      permissions: permissions.optional(),
    }),
  }),
  deleteRole: command({
    method: 'DELETE',
    path: '/v1/orgs/:orgId/roles/:roleId',
    entity: 'role',
    permission: 'roles.manage',
    errors: ['ROLE_IN_USE', 'INVALID_TRANSITION'],
    args: z.strictObject(roleArgs),
  }),
  installBuiltInRoles: command({
    method: 'POST',
    path: '/v1/orgs/:orgId/roles/built-in',
    entity: 'role',
    permission: 'roles.manage',
    many: true,
    errors: ['INVALID_TRANSITION', 'LAST_ADMIN'],
    args: z.strictObject(orgArgs),
  }),
  addBillingContact: command({
    method: 'POST',
    path: '/v1/orgs/:orgId/billing-contacts',
    entity: 'billing_contact',
    permission: 'billing.edit',
    creates: true,
    args: z.strictObject({
      ...orgArgs,
      ...clientId,
      email: emailSchema,
      userId: uuidSchema.nullable().default(null),
      kinds: emailKinds,
    }),
  }),
  updateBillingContact: command({
    method: 'PATCH',
    path: '/v1/orgs/:orgId/billing-contacts/:contactId',
    entity: 'billing_contact',
    permission: 'billing.edit',
    errors: ['VERSION_CONFLICT'],
    args: z.strictObject({ ...contactArgs, version, email: emailSchema.optional(), kinds: emailKinds.optional() }),
  }),
  removeBillingContact: command({
    method: 'DELETE',
    path: '/v1/orgs/:orgId/billing-contacts/:contactId',
    entity: 'billing_contact',
    permission: 'billing.edit',
    args: z.strictObject(contactArgs),
  }),
  cancelSubscription: command({
    method: 'POST',
    path: '/v1/orgs/:orgId/subscriptions/:subscriptionId/cancel',
    entity: 'subscription',
    permission: 'subscriptions.manage',
    errors: ['INVALID_TRANSITION'],
    args: z.strictObject(subscriptionArgs),
  }),
  reactivateSubscription: command({
    method: 'POST',
    path: '/v1/orgs/:orgId/subscriptions/:subscriptionId/reactivate',
    entity: 'subscription',
    permission: 'subscriptions.manage',
    errors: ['INVALID_TRANSITION'],
    args: z.strictObject(subscriptionArgs),
  }),
  removeScheduledCancellation: command({
    method: 'POST',
    path: '/v1/orgs/:orgId/subscriptions/:subscriptionId/remove-scheduled-cancellation',
    entity: 'subscription',
    permission: 'subscriptions.manage',
    errors: ['INVALID_TRANSITION'],
    args: z.strictObject(subscriptionArgs),
  }),
  changeSubscriptionQuantity: command({
    method: 'POST',
    path: '/v1/orgs/:orgId/subscriptions/:subscriptionId/quantity',
    entity: 'subscription',
    permission: 'subscriptions.manage',
    errors: ['INVALID_TRANSITION'],
    args: z.strictObject({
      ...subscriptionArgs,
      quantity: z.int('Enter a whole number of seats.').min(1, 'Enter at least 1 seat; to stop, cancel the subscription.').max(MAX_SEATS, `Enter at most ${MAX_SEATS.toLocaleString('en')} seats.`),
    }),
  }),
  changeSubscriptionPlan: command({
    method: 'POST',
    path: '/v1/orgs/:orgId/subscriptions/:subscriptionId/plan',
    entity: 'subscription',
    permission: 'subscriptions.manage',
    errors: ['INVALID_TRANSITION'],
    args: z.strictObject({ ...subscriptionArgs, plan: subscriptionSchema.shape.plan }),
  }),
  createOrg: command({
    method: 'POST',
    path: '/v1/orgs',
    entity: 'organization',
    permission: 'orgs.manage',
    creates: true,
    args: z.strictObject({
      ...clientId,
      parentId: uuidSchema,
      kind: z.enum(['reseller', 'customer']),
      name: orgName,
      accountEmail: emailSchema,
      admin: z.strictObject({ firstName: personName, lastName: personName, email: emailSchema }),
      billingEmail: emailSchema.nullable().default(null),
      /** Where invoices go; its country is the organization's. */
      billingAddress: address.nullable().default(null),
      /** The first subscription, a plan of the price list (shared/domain/plans.ts) in the chosen currency. */
      subscription: z
        .strictObject({
          product: subscriptionSchema.shape.product,
          plan: subscriptionSchema.shape.plan,
          currency,
          quantity: z.int('Enter a whole number of seats.').min(1, 'Enter at least 1 seat.').max(MAX_SEATS, `Enter at most ${MAX_SEATS.toLocaleString('en')} seats.`).default(1),
        })
        .nullable()
        .default(null),
    }),
  }),
  updateOrg: command({
    method: 'PATCH',
    path: '/v1/orgs/:orgId',
    entity: 'organization',
    permission: 'account.edit',
    errors: ['VERSION_CONFLICT'],
    args: z.strictObject({
      ...orgArgs,
      version,
      name: orgName.optional(),
      accountEmail: emailSchema.optional(),
      billingEmail: emailSchema.nullable().optional(),
      vatNumber: vatNumberSchema.nullable().optional(),
      billingAddress: address.nullable().optional(),
      shippingAddress: address.nullable().optional(),
      primaryContactUserId: uuidSchema.nullable().optional(),
    }),
  }),
  setDefaultPaymentMethod: command({
    method: 'POST',
    path: '/v1/orgs/:orgId/payment-methods/:paymentMethodId/default',
    entity: 'payment_method',
    permission: 'billing.edit',
    args: z.strictObject(paymentMethodArgs),
  }),
  removePaymentMethod: command({
    method: 'DELETE',
    path: '/v1/orgs/:orgId/payment-methods/:paymentMethodId',
    entity: 'payment_method',
    permission: 'billing.edit',
    errors: ['INVALID_TRANSITION'],
    args: z.strictObject(paymentMethodArgs),
  }),
} as const;

export type CommandName = keyof typeof COMMANDS;
export const COMMAND_NAMES = Object.keys(COMMANDS) as CommandName[];
export const commandNameSchema = z.enum(COMMAND_NAMES as [CommandName, ...CommandName[]]);

/** Args as the caller writes them (defaults optional) and as a command function receives them. */
export type CommandInput<N extends CommandName> = z.input<(typeof COMMANDS)[N]['args']>;
export type CommandArgs<N extends CommandName> = z.output<(typeof COMMANDS)[N]['args']>;

/** A parsed command: its name and args, discriminated by name. */
export type Command = { [N in CommandName]: { name: N; args: CommandArgs<N> } }[CommandName];

/** The `:param` names of a command's route, in order. */
export function pathParamsOf(name: CommandName): string[] {
  return [...COMMANDS[name].path.matchAll(/:(\w+)/g)].map((m) => m[1]!);
}

/** REST: a command's args are its path parameters merged with its JSON body (path wins). */
export function argsFromRequest(params: Record<string, string>, body: unknown): unknown {
  const base = body !== null && typeof body === 'object' && !Array.isArray(body) ? body : {};
  return { ...base, ...params };
}

/** Parses a command's args; answers zod's result so callers choose how to report errors. */
export function parseCommand(name: CommandName, args: unknown) {
  const parsed = COMMANDS[name].args.safeParse(args);
  return parsed.success ? { success: true as const, command: { name, args: parsed.data } as Command } : parsed;
}

/** The field of a creating command that carries its client-made id(s); null for the others. */
export function clientIdFieldOf(name: CommandName): 'id' | 'ids' | null {
  const def = COMMANDS[name];
  return def.creates ? (def.many ? 'ids' : 'id') : null;
}

/** The organization a command acts in: where its permission is checked. */
export function targetOrgOf(command: Command): string {
  return command.name === 'createOrg' ? command.args.parentId : command.args.orgId;
}

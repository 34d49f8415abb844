import type { CommandArgs, CommandName } from '@shared/commands/catalogue';
import type { CommandContext } from './context';
import { activateUser, createUser, deactivateUser, removeUser, updateUser } from './users';
import { inviteUsers, resendInvitation } from './invitations';
import { createRole, deleteRole, installBuiltInRoles, updateRole } from './roles';
import { addBillingContact, removeBillingContact, updateBillingContact } from './billing-contacts';
import { cancelSubscription, changeSubscriptionPlan, changeSubscriptionQuantity, reactivateSubscription, removeScheduledCancellation } from './subscriptions';
import { createOrg, updateOrg } from './orgs';
import { removePaymentMethod, setDefaultPaymentMethod } from './payment-methods';

export type CommandHandler<N extends CommandName> = (ctx: CommandContext, args: CommandArgs<N>) => Promise<unknown>;

/** One function per command of the shared catalogue; REST and sync push both call these. */
export const COMMAND_HANDLERS: { [N in CommandName]: CommandHandler<N> } = {
  createUser,
  updateUser,
  activateUser,
  deactivateUser,
  removeUser,
  inviteUsers,
  resendInvitation,
  createRole,
  updateRole,
  deleteRole,
  installBuiltInRoles,
  addBillingContact,
  updateBillingContact,
  removeBillingContact,
  cancelSubscription,
  reactivateSubscription,
  removeScheduledCancellation,
  changeSubscriptionQuantity,
  changeSubscriptionPlan,
  createOrg,
  updateOrg,
  setDefaultPaymentMethod,
  removePaymentMethod,
};

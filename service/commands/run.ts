import { COMMANDS, targetOrgOf, type Command } from '@shared/commands/catalogue';
import type { AuditOrigin } from '@shared/domain/audit';
import { authorize, type Actor } from '../auth/actor';
import { providerTreeOf } from '../db/trees';
import type { ServiceDeps } from '../deps';
import type { CommandContext } from './context';
import { COMMAND_HANDLERS, type CommandHandler } from './registry';

/** Checks the command's permission at its target organization, then runs it. */
export async function runCommand(ctx: CommandContext, command: Command): Promise<unknown> {
  authorize(ctx.actor, targetOrgOf(command), COMMANDS[command.name].permission);
  const handler = COMMAND_HANDLERS[command.name] as CommandHandler<typeof command.name>;
  return handler(ctx, command.args as never);
}

/**
 * An online command: its own write transaction, in the actor's provider tree (every organization
 * a command may act on is in the actor's scope, which lies inside that tree); subscribers are
 * poked after it commits.
 */
export async function executeCommand(deps: ServiceDeps, actor: Actor, command: Command, origin: AuditOrigin = { kind: 'online' }): Promise<unknown> {
  const changedOrgs = new Set<string>();
  const tree = await providerTreeOf(deps.store, actor.user.orgId);
  const result = await deps.store.write(
    (tx) => runCommand({ tx, actor, now: deps.now(), origin, changedOrgs }, command),
    [tree],
  );
  deps.notifier.changed(changedOrgs);
  return result;
}

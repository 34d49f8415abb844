import { z } from 'zod';
import { COMMAND_NAMES, COMMANDS, argsFromRequest, parseCommand, pathParamsOf, type CommandName } from '@shared/commands/catalogue';
import { ENTITY_SCHEMAS } from '@shared/domain/entities';
import { validationErrorFromZod } from '@shared/errors';
import { uuidSchema } from '@shared/domain/ids';
import { defineRoute, type RouteDef } from '../http/route';
import { executeCommand } from './run';

const CREATES = new Set<CommandName>(['createUser', 'inviteUsers', 'createRole', 'addBillingContact', 'createOrg']);
const MANY = new Set<CommandName>(['inviteUsers', 'installBuiltInRoles']);

const COMMAND_ERRORS: Partial<Record<CommandName, readonly string[]>> = {
  createUser: ['DUPLICATE_EMAIL'],
  updateUser: ['VERSION_CONFLICT', 'LAST_ADMIN'],
  activateUser: ['INVALID_TRANSITION'],
  deactivateUser: ['INVALID_TRANSITION', 'LAST_ADMIN', 'ADMIN_ROLE_ASSIGNED'],
  removeUser: ['LAST_ADMIN'],
  inviteUsers: ['DUPLICATE_EMAIL'],
  resendInvitation: ['INVALID_TRANSITION'],
  updateRole: ['VERSION_CONFLICT', 'LAST_ADMIN'],
  deleteRole: ['ROLE_IN_USE', 'INVALID_TRANSITION'],
  installBuiltInRoles: ['INVALID_TRANSITION', 'LAST_ADMIN'],
  updateBillingContact: ['VERSION_CONFLICT'],
  cancelSubscription: ['INVALID_TRANSITION'],
  reactivateSubscription: ['INVALID_TRANSITION'],
  removeScheduledCancellation: ['INVALID_TRANSITION'],
  updateOrg: ['VERSION_CONFLICT'],
  removePaymentMethod: ['INVALID_TRANSITION'],
};

/**
 * The command's JSON body as documented: its args without the path parameters (the same field
 * schemas, unknown keys refused and refinements kept); undefined when the path says everything.
 */
export function commandBodySchema(name: CommandName): z.ZodType | undefined {
  const args: z.ZodObject = COMMANDS[name].args;
  const params = new Set(pathParamsOf(name));
  const fields = Object.entries(args.shape).filter(([key]) => !params.has(key));
  if (fields.length === 0) return undefined;
  // .omit() refuses objects with refinements (inviteUsers has one), so rebuild and re-add its checks.
  const body = z.strictObject(Object.fromEntries(fields));
  const checks = args._zod.def.checks ?? [];
  return checks.length === 0 ? body : body.check(...(checks as z.core.$ZodCheck<object>[]));
}

/**
 * A REST route for every command of the catalogue: path parameters merged with the JSON body.
 * The body is read with commandBodySchema, so a body field that names a path parameter (a
 * foreign orgId) is refused as unknown instead of being overridden by the path.
 */
export const commandRoutes: RouteDef[] = COMMAND_NAMES.map((name) => {
  const def = COMMANDS[name];
  const params = pathParamsOf(name);
  const entity = ENTITY_SCHEMAS[def.entity];
  const body = commandBodySchema(name);
  return defineRoute({
    method: def.method,
    url: def.path,
    summary: name,
    tag: def.entity,
    auth: 'bearer',
    params: z.strictObject(Object.fromEntries(params.map((p) => [p, uuidSchema]))),
    ...(body === undefined ? {} : { body }),
    response: MANY.has(name) ? z.object({ items: z.array(entity) }) : entity,
    status: CREATES.has(name) ? 201 : 200,
    errors: ['NOT_FOUND', 'FORBIDDEN', ...(COMMAND_ERRORS[name] ?? [])],
    handler: async ({ params: pathParams, body: fields, actor, deps }) => {
      const parsed = parseCommand(name, argsFromRequest(pathParams as Record<string, string>, fields));
      if (!parsed.success) throw validationErrorFromZod(parsed.error);
      const result = await executeCommand(deps, actor, parsed.command);
      return MANY.has(name) ? { items: result } : result;
    },
  });
});

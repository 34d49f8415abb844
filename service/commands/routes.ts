import { z } from 'zod';
import { COMMAND_NAMES, COMMANDS, argsFromRequest, parseCommand, pathParamsOf, type CommandName } from '@shared/commands/catalogue';
import { ENTITY_SCHEMAS } from '@shared/domain/entities';
import { validationErrorFromZod } from '@shared/errors';
import { uuidSchema } from '@shared/domain/ids';
import { defineRoute, type RouteDef } from '../http/route';
import { executeCommand } from './run';

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
    // The command's facts (creates, many, errors) come from the catalogue, as the outbox and mutators read them.
    response: def.many ? z.object({ items: z.array(entity) }) : entity,
    status: def.creates ? 201 : 200,
    errors: ['NOT_FOUND', 'FORBIDDEN', ...def.errors],
    handler: async ({ params: pathParams, body: fields, actor, deps }) => {
      const parsed = parseCommand(name, argsFromRequest(pathParams as Record<string, string>, fields));
      if (!parsed.success) throw validationErrorFromZod(parsed.error);
      const result = await executeCommand(deps, actor, parsed.command);
      return def.many ? { items: result } : result;
    },
  });
});

import { useCallback, useState } from 'react';
import { useQueryClient, type QueryClient } from '@tanstack/react-query';
import { COMMANDS, type CommandInput, type CommandName } from '@shared/commands/catalogue';
import type { QueuedResult } from '@shared/ipc/models';
import { check, type Checked } from '../forms/field-errors';
import { useCore } from './core-context';
import { isAffected } from './invalidation';
import { queryKeys } from './query-keys';

/**
 * Queues commands in the core. A queued command has changed the local view already (the core's
 * optimistic replay), so the affected queries are refetched at once rather than on the next event.
 */

export function refreshAfterChange(queryClient: QueryClient, entity: string, orgId: string | null): void {
  void queryClient.invalidateQueries({ predicate: (query) => isAffected(query.queryKey, { entity, orgId }, () => null) });
  void queryClient.invalidateQueries({ queryKey: queryKeys.syncStatus });
}

function orgIdOf(args: unknown): string | null {
  if (args === null || typeof args !== 'object') return null;
  const { orgId } = args as { orgId?: unknown };
  return typeof orgId === 'string' ? orgId : null;
}

/** Checks a command's args with the catalogue's schema: the same check the core and service make. */
export function checkCommand<N extends CommandName>(name: N, args: unknown): Checked<CommandInput<N>> {
  // The parsed output is what we send, so defaults and normalisation (trimmed names, lower-case domains) apply.
  return check(COMMANDS[name].args, args) as Checked<CommandInput<N>>;
}

export function useCommand() {
  const core = useCore();
  const queryClient = useQueryClient();
  const [pending, setPending] = useState(false);
  const run = useCallback(
    async <N extends CommandName>(name: N, args: CommandInput<N>): Promise<QueuedResult> => {
      setPending(true);
      try {
        const result = await core.commands.run({ name, args });
        refreshAfterChange(queryClient, COMMANDS[name].entity, orgIdOf(args));
        return result;
      } finally {
        setPending(false);
      }
    },
    [core, queryClient],
  );
  return { run, pending };
}

/** Runs any core call that changes data, then refreshes what it touched. */
export function useChange() {
  const queryClient = useQueryClient();
  const [pending, setPending] = useState(false);
  const change = useCallback(
    async <T,>(call: () => Promise<T>, touched: { entity: string; orgId: string | null }[]): Promise<T> => {
      setPending(true);
      try {
        const result = await call();
        for (const { entity, orgId } of touched) refreshAfterChange(queryClient, entity, orgId);
        return result;
      } finally {
        setPending(false);
      }
    },
    [queryClient],
  );
  return { change, pending };
}

import { useCallback, useState } from 'react';
import { COMMANDS, type CommandInput, type CommandName } from '@shared/commands/catalogue';
import type { RunnableCommandName } from '@shared/ipc/channels';
import type { QueuedResult } from '@shared/ipc/models';
import { check, type Checked } from '../forms/field-errors';
import { useCore } from './core-context';

/**
 * Queues commands in the core. A queued command has changed the local view already (the core's
 * optimistic replay), and the core says so with data.changed events before it answers: those
 * refresh the affected queries (core-context.tsx), once per change. Nothing is invalidated here,
 * which did it a second time.
 */

/** Checks a command's args with the catalogue's schema: the same check the core and service make. */
export function checkCommand<N extends CommandName>(name: N, args: unknown): Checked<CommandInput<N>> {
  // The parsed output is what we send, so defaults and normalisation (trimmed names, lower-case domains) apply.
  return check(COMMANDS[name].args, args) as Checked<CommandInput<N>>;
}

export function useCommand() {
  const core = useCore();
  const [pending, setPending] = useState(false);
  const run = useCallback(
    async <N extends RunnableCommandName>(name: N, args: CommandInput<N>): Promise<QueuedResult> => {
      setPending(true);
      try {
        return await core.commands.run({ name, args });
      } finally {
        setPending(false);
      }
    },
    [core],
  );
  return { run, pending };
}

/** Runs any core call that queues changes (a bulk action, an import), with its pending state. */
export function useChange() {
  const [pending, setPending] = useState(false);
  const change = useCallback(async <T,>(call: () => Promise<T>): Promise<T> => {
    setPending(true);
    try {
      return await call();
    } finally {
      setPending(false);
    }
  }, []);
  return { change, pending };
}

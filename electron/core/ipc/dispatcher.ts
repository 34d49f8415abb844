import { findChannel, type Contract, type IpcHandlers, type IpcResult } from '@shared/ipc/contract';
import { isSeatdeskError, validationErrorFromZod } from '@shared/errors';

export interface Dispatcher {
  /** Parses the input with the channel's schema, runs its handler, and answers a typed result. */
  dispatch(name: unknown, input: unknown): Promise<IpcResult<unknown>>;
}

type AnyHandler<Ctx> = (input: unknown, ctx: Ctx) => unknown;

/**
 * The one entry point for ipcMain and the browser host. Nothing that a handler throws crosses
 * as a stack trace: known errors keep their code, anything else becomes INTERNAL and is logged.
 */
export function createDispatcher<C extends Contract, Ctx>(
  contract: C,
  handlers: IpcHandlers<C, Ctx>,
  ctx: Ctx,
  log: (message: string, error: unknown) => void = (message, error) => console.error(message, error),
): Dispatcher {
  const table = handlers as unknown as Record<string, Record<string, AnyHandler<Ctx>>>;
  return {
    async dispatch(name, input) {
      const channel = typeof name === 'string' ? findChannel(contract, name) : undefined;
      const [ns = '', method = ''] = typeof name === 'string' ? name.split('.') : [];
      const handler = table[ns]?.[method];
      if (channel === undefined || handler === undefined) {
        return { ok: false, error: { code: 'NOT_FOUND', message: `Unknown channel ${String(name)}.` } };
      }
      const parsed = channel.input.safeParse(input);
      if (!parsed.success) {
        const error = validationErrorFromZod(parsed.error);
        return { ok: false, error: { code: error.code, message: error.message, details: error.details } };
      }
      try {
        return { ok: true, value: await handler(parsed.data, ctx) };
      } catch (error) {
        if (isSeatdeskError(error)) {
          return { ok: false, error: { code: error.code, message: error.message, details: error.details } };
        }
        log(`IPC ${String(name)} failed`, error);
        return { ok: false, error: { code: 'INTERNAL', message: 'Something went wrong inside Seatdesk. The details are in the log.' } };
      }
    },
  };
}

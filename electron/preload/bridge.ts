import { buildBridgeCalls, coreEventSchema, type CoreEvent } from '@shared/ipc/contract';
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL, ipcContract, type SeatdeskBridge } from '@shared/ipc/channels';

/** The slice of ipcRenderer the bridge uses (injected, so the bridge is testable under Node). */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, payload: unknown) => void): unknown;
  off(channel: string, listener: (event: unknown, payload: unknown) => void): unknown;
}

/**
 * window.seatdesk: one function per channel of the shared contract, plus onEvent. Nothing
 * else: no ipcRenderer, no channel names, no Electron objects cross into the page. Events
 * are parsed before the page sees them; a listener that is not a function is refused.
 */
export function createSeatdeskBridge(ipc: IpcRendererLike): SeatdeskBridge {
  const calls = buildBridgeCalls(ipcContract, (name, input) => ipc.invoke(IPC_INVOKE_CHANNEL, name, input));
  return {
    ...calls,
    onEvent(listener: (event: CoreEvent) => void) {
      if (typeof listener !== 'function') throw new TypeError('onEvent needs a function.');
      const forward = (_event: unknown, payload: unknown) => {
        const parsed = coreEventSchema.safeParse(payload);
        if (parsed.success) listener(parsed.data);
      };
      ipc.on(IPC_EVENT_CHANNEL, forward);
      return () => void ipc.off(IPC_EVENT_CHANNEL, forward);
    },
  } as unknown as SeatdeskBridge;
}

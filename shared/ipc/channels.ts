import { z } from 'zod';
import { channel, type IpcBridge, type IpcClient, type IpcHandlers } from './contract';

export const appInfoSchema = z.object({
  name: z.string(),
  version: z.string(),
  host: z.enum(['electron', 'browser-host', 'test']),
});
export type AppInfo = z.infer<typeof appInfoSchema>;

export const sessionStatusSchema = z.discriminatedUnion('state', [
  z.object({ state: z.literal('signed-out'), defaultServiceUrl: z.string().nullable() }),
  z.object({
    state: z.literal('signed-in'),
    serviceUrl: z.string(),
    userId: z.string(),
    email: z.string(),
  }),
]);
export type SessionStatus = z.infer<typeof sessionStatusSchema>;

/** Every channel between renderer and core, declared once. */
export const ipcContract = {
  app: {
    version: channel(z.void()).returns<AppInfo>(),
  },
  session: {
    status: channel(z.void()).returns<SessionStatus>(),
  },
};

export type IpcContract = typeof ipcContract;
export type SeatdeskBridge = IpcBridge<IpcContract>;
export type SeatdeskClient = IpcClient<IpcContract>;
export type SeatdeskHandlers<Ctx = void> = IpcHandlers<IpcContract, Ctx>;

/** The IPC channel name Electron uses for every call; the contract's names travel inside. */
export const IPC_INVOKE_CHANNEL = 'seatdesk:invoke';
export const IPC_EVENT_CHANNEL = 'seatdesk:event';

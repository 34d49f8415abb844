import type { AppInfo, SeatdeskHandlers } from '@shared/ipc/channels';

export interface CoreContext {
  appInfo: AppInfo;
  defaultServiceUrl: string | null;
}

/** Handlers for every channel of the contract; the core issue replaces the session ones. */
export function createHandlers(): SeatdeskHandlers<CoreContext> {
  return {
    app: {
      version: (_input, ctx) => ctx.appInfo,
    },
    session: {
      status: (_input, ctx) => ({ state: 'signed-out', defaultServiceUrl: ctx.defaultServiceUrl }),
    },
  };
}

import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { buildBridgeCalls, coreEventSchema, type CoreEvent } from '@shared/ipc/contract';
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL, ipcContract } from '@shared/ipc/channels';

// window.seatdesk, generated from the shared contract; nothing else is exposed.
contextBridge.exposeInMainWorld('seatdesk', {
  ...buildBridgeCalls(ipcContract, (name, input) => ipcRenderer.invoke(IPC_INVOKE_CHANNEL, name, input)),
  onEvent(listener: (event: CoreEvent) => void) {
    const forward = (_event: IpcRendererEvent, payload: unknown) => {
      const parsed = coreEventSchema.safeParse(payload);
      if (parsed.success) listener(parsed.data);
    };
    ipcRenderer.on(IPC_EVENT_CHANNEL, forward);
    return () => ipcRenderer.off(IPC_EVENT_CHANNEL, forward);
  },
});

import { describe, expect, it } from 'vitest';
import { channelNames } from '@shared/ipc/contract';
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL, ipcContract } from '@shared/ipc/channels';
import { createSeatdeskBridge, type IpcRendererLike } from './bridge';

function fakeIpc() {
  const invoked: unknown[][] = [];
  const listeners = new Map<string, Set<(event: unknown, payload: unknown) => void>>();
  const ipc: IpcRendererLike = {
    invoke: async (...args) => {
      invoked.push(args);
      return { ok: true, value: null };
    },
    on: (channel, listener) => listeners.set(channel, (listeners.get(channel) ?? new Set()).add(listener)),
    off: (channel, listener) => listeners.get(channel)?.delete(listener),
  };
  const emit = (payload: unknown) => listeners.get(IPC_EVENT_CHANNEL)?.forEach((l) => l({}, payload));
  return { ipc, invoked, emit, listeners };
}

describe('window.seatdesk', () => {
  it('exposes exactly the contract’s channels and onEvent', () => {
    const bridge = createSeatdeskBridge(fakeIpc().ipc) as unknown as Record<string, unknown>;
    expect(Object.keys(bridge).sort()).toEqual([...Object.keys(ipcContract), 'onEvent'].sort());
    const exposed = Object.entries(bridge)
      .filter(([key]) => key !== 'onEvent')
      .flatMap(([ns, group]) => Object.keys(group as object).map((method) => `${ns}.${method}`));
    expect(exposed.sort()).toEqual(channelNames(ipcContract).sort());
  });

  it('sends every call over the one invoke channel with the contract’s name', async () => {
    const { ipc, invoked } = fakeIpc();
    const bridge = createSeatdeskBridge(ipc);
    await bridge.users.get({ userId: '0b4f6e0c-6f1e-4d8a-9a51-2f0e6f3d1c2b' });
    await bridge.app.version();
    expect(invoked).toEqual([
      [IPC_INVOKE_CHANNEL, 'users.get', { userId: '0b4f6e0c-6f1e-4d8a-9a51-2f0e6f3d1c2b' }],
      [IPC_INVOKE_CHANNEL, 'app.version', undefined],
    ]);
  });

  it('passes on only well-formed core events, and unsubscribes', () => {
    const { ipc, emit, listeners } = fakeIpc();
    const bridge = createSeatdeskBridge(ipc);
    const seen: unknown[] = [];
    const unsubscribe = bridge.onEvent((event) => seen.push(event));
    emit({ type: 'data.changed', entity: 'user', orgId: null });
    emit({ type: 'run.this', code: 'alert(1)' });
    emit('session.changed');
    expect(seen).toEqual([{ type: 'data.changed', entity: 'user', orgId: null }]);
    unsubscribe();
    expect(listeners.get(IPC_EVENT_CHANNEL)?.size).toBe(0);
  });

  it('refuses a listener that is not a function', () => {
    const bridge = createSeatdeskBridge(fakeIpc().ipc);
    expect(() => bridge.onEvent('alert(1)' as unknown as () => void)).toThrow(TypeError);
  });
});

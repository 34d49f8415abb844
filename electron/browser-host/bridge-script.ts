/**
 * The script that defines window.seatdesk in a browser: the same shape the preload exposes,
 * each call sent over the host's loopback WebSocket to the core's dispatcher.
 */
export function bridgeScript(channelNames: readonly string[]): string {
  return `(() => {
  const names = ${JSON.stringify(channelNames)};
  const socket = new WebSocket('ws://' + location.host + '/__seatdesk/ws');
  const pending = new Map();
  const listeners = new Set();
  let nextId = 1;
  const opened = new Promise((resolve, reject) => {
    socket.addEventListener('open', resolve, { once: true });
    socket.addEventListener('error', () => reject(new Error('no connection')), { once: true });
  });
  const lost = (message) => ({ ok: false, error: { code: 'INTERNAL', message } });
  socket.addEventListener('message', (message) => {
    const data = JSON.parse(message.data);
    if (data.kind === 'result' && pending.has(data.id)) {
      pending.get(data.id)(data.result);
      pending.delete(data.id);
    } else if (data.kind === 'event') {
      for (const listener of listeners) listener(data.event);
    }
  });
  socket.addEventListener('close', () => {
    for (const resolve of pending.values()) resolve(lost('The connection to the Seatdesk host closed. Restart it and reload.'));
    pending.clear();
  });
  async function call(name, input) {
    try { await opened; } catch { return lost('Seatdesk could not reach its host.'); }
    const id = nextId++;
    return new Promise((resolve) => {
      pending.set(id, resolve);
      socket.send(JSON.stringify({ id, name, input }));
    });
  }
  const api = {};
  for (const name of names) {
    const [ns, method] = name.split('.');
    (api[ns] ??= {})[method] = (input) => call(name, input);
  }
  api.onEvent = (listener) => { listeners.add(listener); return () => listeners.delete(listener); };
  Object.defineProperty(window, 'seatdesk', { value: Object.freeze(api), writable: false });
})();
`;
}

export const UNLOCK_SCRIPT = `(() => {
  const token = new URLSearchParams(location.hash.slice(1)).get('token');
  if (token) location.replace('/__seatdesk/unlock?token=' + encodeURIComponent(token));
})();
`;

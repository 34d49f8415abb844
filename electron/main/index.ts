import { join } from 'node:path';
import { app, BrowserWindow, ipcMain } from 'electron';
import { createDispatcher } from '../core/ipc/dispatcher';
import { createHandlers } from '../core/app/handlers';
import { IPC_INVOKE_CHANNEL, ipcContract } from '@shared/ipc/channels';

// The Electron shell. The hardened version (app:// protocol, CSP, navigation rules, menus,
// embedded service) is the Electron shell issue; this wires the window to the core's dispatcher.
const dispatcher = createDispatcher(ipcContract, createHandlers(), {
  appInfo: { name: 'Seatdesk', version: app.getVersion(), host: 'electron' },
  defaultServiceUrl: null,
});

function createWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 800,
    show: false,
    webPreferences: {
      preload: join(import.meta.dirname, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    },
  });
  window.once('ready-to-show', () => window.show());
  window.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  const devUrl = process.env['ELECTRON_RENDERER_URL'];
  if (devUrl !== undefined) void window.loadURL(devUrl);
  else void window.loadFile(join(import.meta.dirname, '../renderer/index.html'));
  return window;
}

ipcMain.handle(IPC_INVOKE_CHANNEL, (event, name: unknown, input: unknown) => {
  // Only the app's own top frame may call the core.
  if (event.senderFrame === null || event.senderFrame !== event.sender.mainFrame) {
    return { ok: false, error: { code: 'FORBIDDEN', message: 'Calls are accepted only from the app window.' } };
  }
  return dispatcher.dispatch(name, input);
});

void app.whenReady().then(() => {
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

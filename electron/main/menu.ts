import type { MenuItemConstructorOptions } from 'electron';

export interface MenuActions {
  openDocumentation(): void;
  openLogsFolder(): void;
  /** null when no update feed is configured: the menu then offers no update check. */
  checkForUpdates: (() => void) | null;
}

export interface MenuOptions {
  platform: NodeJS.Platform;
  appName: string;
  /** Development adds Reload and the DevTools toggle. */
  isPackaged: boolean;
  actions: MenuActions;
}

/** The native menu bar: the macOS app menu, then File (not macOS), Edit, View, Window, Help. */
export function buildMenuTemplate(options: MenuOptions): MenuItemConstructorOptions[] {
  const mac = options.platform === 'darwin';
  const { actions } = options;
  const separator: MenuItemConstructorOptions = { type: 'separator' };

  const appMenu: MenuItemConstructorOptions = {
    label: options.appName,
    submenu: [
      { role: 'about' },
      separator,
      { role: 'services' },
      separator,
      { role: 'hide' },
      { role: 'hideOthers' },
      { role: 'unhide' },
      separator,
      { role: 'quit' },
    ],
  };
  const fileMenu: MenuItemConstructorOptions = { label: '&File', submenu: [{ role: 'quit', label: 'E&xit' }] };
  const editMenu: MenuItemConstructorOptions = {
    label: mac ? 'Edit' : '&Edit',
    submenu: [
      { role: 'undo' },
      { role: 'redo' },
      separator,
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
      ...(mac ? [{ role: 'pasteAndMatchStyle' } as const] : []),
      { role: 'delete' },
      separator,
      { role: 'selectAll' },
    ],
  };
  const viewMenu: MenuItemConstructorOptions = {
    label: mac ? 'View' : '&View',
    submenu: [
      ...(options.isPackaged ? [] : [{ role: 'reload' } as const, { role: 'forceReload' } as const, { role: 'toggleDevTools' } as const, separator]),
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      separator,
      { role: 'togglefullscreen' },
    ],
  };
  const windowMenu: MenuItemConstructorOptions = {
    label: mac ? 'Window' : '&Window',
    submenu: mac ? [{ role: 'minimize' }, { role: 'zoom' }, separator, { role: 'front' }] : [{ role: 'minimize' }, { role: 'close' }],
  };
  const helpMenu: MenuItemConstructorOptions = {
    role: 'help',
    label: mac ? 'Help' : '&Help',
    submenu: [
      { label: 'Seatdesk Documentation', click: () => actions.openDocumentation() },
      ...(actions.checkForUpdates === null ? [] : [{ label: 'Check for Updates…', click: actions.checkForUpdates }]),
      separator,
      { label: 'Show Log Files', click: () => actions.openLogsFolder() },
      ...(mac ? [] : [separator, { role: 'about', label: `About ${options.appName}` } as const]),
    ],
  };
  return mac ? [appMenu, editMenu, viewMenu, windowMenu, helpMenu] : [fileMenu, editMenu, viewMenu, windowMenu, helpMenu];
}

export const DOCUMENTATION_URL = 'https://docs.seatdesk.app/';

import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import { crashDialogContent } from './crash';
import { buildMenuTemplate, DOCUMENTATION_URL, type MenuActions } from './menu';
import { isAllowedExternalUrl } from './security/navigation';
import { createQuitGuard, type ShutdownStep } from './shutdown';
import { updateCheckMessage, updateFeed } from './updates';
import { DEFAULT_SIZE, restoreWindowState, windowStateToSave } from './window-state';

const actions: MenuActions = { openDocumentation: () => {}, openLogsFolder: () => {}, checkForUpdates: () => {} };
const labels = (template: MenuItemConstructorOptions[]) => template.map((item) => item.label);
const submenu = (item: MenuItemConstructorOptions | undefined) => (Array.isArray(item?.submenu) ? item.submenu : []);
const roles = (item: MenuItemConstructorOptions | undefined) => submenu(item).map((entry) => entry.role ?? entry.label ?? entry.type);

describe('the native menu', () => {
  it('on macOS: the app menu, then Edit, View, Window, Help', () => {
    const template = buildMenuTemplate({ platform: 'darwin', appName: 'Seatdesk', isPackaged: true, actions });
    expect(labels(template)).toEqual(['Seatdesk', 'Edit', 'View', 'Window', 'Help']);
    expect(roles(template[0])).toEqual(['about', 'separator', 'services', 'separator', 'hide', 'hideOthers', 'unhide', 'separator', 'quit']);
    expect(roles(template[3])).toContain('front');
  });

  it('on Windows: File, Edit, View, Window, Help, with About in Help', () => {
    const template = buildMenuTemplate({ platform: 'win32', appName: 'Seatdesk', isPackaged: true, actions });
    expect(labels(template)).toEqual(['&File', '&Edit', '&View', '&Window', '&Help']);
    expect(roles(template[0])).toEqual(['quit']);
    expect(roles(template[4])).toContain('about');
  });

  it('offers Edit’s clipboard roles, so copy and paste work in the renderer', () => {
    const template = buildMenuTemplate({ platform: 'win32', appName: 'Seatdesk', isPackaged: true, actions });
    expect(roles(template[1])).toEqual(expect.arrayContaining(['undo', 'redo', 'cut', 'copy', 'paste', 'selectAll']));
  });

  it('has no DevTools or reload in a packaged app', () => {
    const packaged = buildMenuTemplate({ platform: 'darwin', appName: 'Seatdesk', isPackaged: true, actions });
    expect(roles(packaged[2])).not.toContain('toggleDevTools');
    expect(roles(packaged[2])).not.toContain('reload');
    const dev = buildMenuTemplate({ platform: 'darwin', appName: 'Seatdesk', isPackaged: false, actions });
    expect(roles(dev[2])).toContain('toggleDevTools');
  });

  it('offers Check for Updates only when a feed is configured, and calls it', () => {
    let checked = 0;
    const withFeed = buildMenuTemplate({ platform: 'linux', appName: 'Seatdesk', isPackaged: true, actions: { ...actions, checkForUpdates: () => checked++ } });
    const item = submenu(withFeed[4]).find((entry) => entry.label === 'Check for Updates…');
    expect(item).toBeDefined();
    (item?.click as () => void)();
    expect(checked).toBe(1);
    const without = buildMenuTemplate({ platform: 'linux', appName: 'Seatdesk', isPackaged: true, actions: { ...actions, checkForUpdates: null } });
    expect(submenu(without[4]).map((entry) => entry.label)).not.toContain('Check for Updates…');
  });

  it('links the documentation to an allowlisted https page', () => {
    expect(isAllowedExternalUrl(DOCUMENTATION_URL)).toBe(true);
  });
});

describe('updates', () => {
  it('are off without a feed and use the generic provider with one', () => {
    expect(updateFeed(null)).toBeNull();
    expect(updateFeed('https://updates.northwind.example/seatdesk/')).toEqual({ provider: 'generic', url: 'https://updates.northwind.example/seatdesk/' });
  });

  it('tell the user what a check found', () => {
    expect(updateCheckMessage({ kind: 'up-to-date', currentVersion: '1.2.0' }).message).toBe('Seatdesk is up to date.');
    expect(updateCheckMessage({ kind: 'available', currentVersion: '1.2.0', version: '1.3.0' }).message).toBe('Seatdesk 1.3.0 is available.');
    expect(updateCheckMessage({ kind: 'failed', reason: 'The update server could not be reached.' }).type).toBe('warning');
  });
});

describe('quitting', () => {
  const event = () => {
    const e = { prevented: 0, preventDefault: () => void e.prevented++ };
    return e;
  };

  it('holds the first quit until the core has finished its write, then quits once', async () => {
    const order: string[] = [];
    let release!: () => void;
    const outboxWrite = new Promise<void>((resolve) => (release = resolve));
    const steps: ShutdownStep[] = [
      { name: 'core', run: () => outboxWrite.then(() => void order.push('core closed')) },
      { name: 'embedded service', run: async () => void order.push('service stopped') },
    ];
    let quits = 0;
    const guard = createQuitGuard({ steps: () => steps, quit: () => quits++, log: () => {} });

    const first = event();
    guard.onBeforeQuit(first);
    expect(first.prevented).toBe(1);
    expect(guard.state).toBe('stopping');
    const second = event(); // Cmd+Q pressed again while the write is still going
    guard.onBeforeQuit(second);
    expect(second.prevented).toBe(1);
    await Promise.resolve();
    expect(order).toEqual([]);
    expect(quits).toBe(0);

    release();
    await guard.finished;
    expect(order).toEqual(['core closed', 'service stopped']);
    expect(quits).toBe(1);
    const last = event();
    guard.onBeforeQuit(last);
    expect(last.prevented).toBe(0);
  });

  it('logs a failing or hanging step and still quits', async () => {
    const logged: string[] = [];
    let quits = 0;
    const guard = createQuitGuard({
      steps: () => [
        { name: 'core', run: () => Promise.reject(new Error('disk full')) },
        { name: 'embedded service', run: () => new Promise<void>(() => {}) },
      ],
      quit: () => quits++,
      log: (message) => logged.push(message),
      stepTimeoutMs: 10,
    });
    guard.onBeforeQuit(event());
    await guard.finished;
    expect(logged).toEqual(['Quit: core failed', 'Quit: embedded service did not finish in time; quitting anyway.']);
    expect(quits).toBe(1);
  });
});

describe('the crash dialog', () => {
  it('says what happened and where the log is, without the stack or a secret', () => {
    const error = new Error('refresh failed: {"refreshToken":"q7GkM2x9VfR0bT4nLwZ8aC1dE6hJ3sUyP5oIuKlNmQe"}');
    const content = crashDialogContent(error, '/home/a/.config/Seatdesk/logs/main.log');
    expect(content.detail).toContain('/home/a/.config/Seatdesk/logs/main.log');
    expect(content.detail).toContain('refresh failed');
    expect(content.detail).not.toContain('q7GkM2x9');
    expect(content.detail).not.toContain('    at ');
  });

  it('copes with things thrown that are not errors', () => {
    expect(crashDialogContent('plain text', 'log').detail.startsWith('plain text')).toBe(true);
    expect(crashDialogContent({ odd: true }, 'log').detail.startsWith('An unknown error.')).toBe(true);
  });
});

describe('window size and position', () => {
  const screens = [
    { x: 0, y: 0, width: 1920, height: 1050 },
    { x: 1920, y: 0, width: 2560, height: 1400 },
  ];

  it('reopens where it was, on any connected screen', () => {
    expect(restoreWindowState({ x: 2000, y: 100, width: 1400, height: 900, maximized: true }, screens)).toEqual({
      bounds: { x: 2000, y: 100, width: 1400, height: 900 },
      maximized: true,
    });
  });

  it('centres the window when its screen is gone, keeping the size', () => {
    expect(restoreWindowState({ x: 5000, y: 100, width: 1400, height: 900, maximized: false }, screens)).toEqual({
      bounds: { width: 1400, height: 900 },
      maximized: false,
    });
    // Title bar above the top of every screen: unreachable.
    expect(restoreWindowState({ x: 100, y: -500, width: 1400, height: 900 }, screens).bounds).toEqual({ width: 1400, height: 900 });
  });

  it('keeps the size within the primary screen and above the minimum', () => {
    expect(restoreWindowState({ x: 0, y: 0, width: 9000, height: 9000 }, screens).bounds).toEqual({ x: 0, y: 0, width: 1920, height: 1050 });
    expect(restoreWindowState({ x: 0, y: 0, width: 10, height: 10 }, screens).bounds).toEqual({ x: 0, y: 0, width: 960, height: 600 });
  });

  it.each([undefined, null, 'garbage', { x: 'a' }, { x: 0, y: 0, width: Infinity, height: 5 }, { x: 1.5, y: 0, width: 100, height: 100 }])(
    'falls back to the default size for a saved state of %j',
    (saved) => {
      expect(restoreWindowState(saved, screens)).toEqual({ bounds: DEFAULT_SIZE, maximized: false });
    },
  );

  it('saves the normal bounds, rounded, and whether it was maximised', () => {
    expect(windowStateToSave({ x: 10.4, y: 20.6, width: 1280, height: 800 }, true)).toEqual({ x: 10, y: 21, width: 1280, height: 800, maximized: true });
  });
});

import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { _electron, expect, test, type ElectronApplication, type Page } from '@playwright/test';
import { electronBinary } from './electron-binary';

// The packaged shape of the app (out/main, out/preload, out/renderer, out/service) in the real
// Electron: the embedded billing service, the sign-in, every screen, and the shell's rules
// checked from the inside. Runs only where the Electron binary is installed.
const ROOT = resolve(import.meta.dirname, '../..');
const { binary, missingReason } = await electronBinary();
if (binary === null) console.log(`Electron smoke suite skipped: ${missingReason}`);
test.skip(binary === null, missingReason);

let app: ElectronApplication;
let page: Page;
let userData: string;

test.beforeAll(async () => {
  userData = await mkdtemp(join(tmpdir(), 'seatdesk-electron-'));
  app = await _electron.launch({
    executablePath: binary!,
    // Chromium refuses its OS sandbox as root (CI containers); the renderer's own sandbox
    // (sandbox, contextIsolation, no Node) is unaffected and checked below.
    args: [...(process.getuid?.() === 0 ? ['--no-sandbox'] : []), ROOT],
    env: { ...process.env, SEATDESK_USER_DATA_DIR: userData, SEATDESK_EMBEDDED_SERVICE: '1', SEATDESK_SERVICE_URL: '' },
  });
  page = await app.firstWindow();
});

test.afterAll(async () => {
  // Quitting waits for the core and the embedded service; the process must then be gone.
  const exited = new Promise<void>((done) => app.process().once('exit', () => done()));
  await app.close();
  await exited;
});

test('the window is served from app:// with the strict CSP, sandboxed, without Node', async () => {
  await expect(page).toHaveURL(/^app:\/\/seatdesk\//);
  // The options themselves are unit-tested (window-options); here: what the page can reach.
  const inPage = await page.evaluate(async () => ({
    require: typeof (globalThis as { require?: unknown }).require,
    process: typeof (globalThis as { process?: unknown }).process,
    bridge: Object.keys((globalThis as { seatdesk?: object }).seatdesk ?? {}).sort(),
    csp: (await fetch('/index.html')).headers.get('content-security-policy'),
    popup: (globalThis as unknown as { open(url: string): unknown }).open('https://evil.example/') === null,
  }));
  expect(inPage.require).toBe('undefined');
  expect(inPage.process).toBe('undefined');
  expect(inPage.bridge).toContain('onEvent');
  expect(inPage.bridge).toContain('session');
  expect(inPage.csp).toContain("script-src 'self';");
  expect(inPage.csp).toContain("default-src 'none'");
  expect(inPage.popup).toBe(true);
  expect(app.windows()).toHaveLength(1);
});

test('a path outside the renderer is not served', async () => {
  const status = await page.evaluate(async () => (await fetch('/assets/..%2F..%2Fmain%2Findex.js')).status);
  expect(status).not.toBe(200);
});

test('signs in to the embedded demo service pre-filled on the sign-in screen', async () => {
  await expect(page.getByLabel('Service URL')).toHaveValue(/^http:\/\/127\.0\.0\.1:\d+\/?$/, { timeout: 120_000 });
  await page.getByLabel('Email').fill('owner@northwind.example');
  await page.getByLabel('Password').fill('seatdesk-demo');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('navigation', { name: 'Screens' })).toBeVisible({ timeout: 120_000 });
});

test('opens each screen', async () => {
  const links = page.getByRole('navigation', { name: 'Screens' }).getByRole('link');
  const names = (await links.allTextContents()).map((text) => text.trim());
  expect(names.length).toBeGreaterThanOrEqual(8);
  for (const [i, name] of names.entries()) {
    await links.nth(i).click();
    await expect(page.getByRole('heading', { level: 1 }), name).toBeVisible();
    // A failed read shows a .load-error alert; none may appear on a healthy demo.
    await expect(page.locator('.load-error'), name).toHaveCount(0);
    await page.screenshot({ path: join(ROOT, `test-results/electron/screens/${String(i).padStart(2, '0')}-${name.replace(/[^a-z0-9]+/gi, '-')}.png`) });
  }
});

test('the log holds no password or token', async () => {
  const logs = join(userData, 'logs');
  const text = (await Promise.all((await readdir(logs)).map((file) => readFile(join(logs, file), 'utf8')))).join('\n');
  expect(text).toContain('Embedded billing service at http://127.0.0.1:');
  expect(text).not.toContain('seatdesk-demo');
  expect(text).not.toMatch(/sd1\.[A-Za-z0-9_-]{10,}/);
});

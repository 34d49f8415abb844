import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import type { BrowserWindowConstructorOptions } from 'electron';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join, sep } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { appResponseHeaders, createAppProtocolHandler, resolveAppRequest } from './app-protocol';
import { contentSecurityPolicy, parseCsp } from './csp';
import { decideNavigation, decideWindowOpen, isAllowedDownload, isAllowedExternalUrl } from './navigation';
import { APP_ENTRY_URL, APP_ORIGIN, originOf, trustedOrigins } from './origins';
import { isTrustedSender } from './sender';
import { createMainWindow } from './window-options';

const PROD = trustedOrigins(null);
const DEV = trustedOrigins('http://localhost:5173/');

describe('the window', () => {
  class RecordingWindow {
    constructor(readonly options: BrowserWindowConstructorOptions) {}
  }
  const open = (isPackaged: boolean) =>
    createMainWindow(RecordingWindow, { preload: '/app/out/preload/index.cjs', isPackaged, bounds: { x: 10, y: 20, width: 1200, height: 700 } }).options;

  it('isolates, sandboxes and denies Node to the renderer', () => {
    const prefs = open(true).webPreferences;
    expect(prefs).toMatchObject({
      preload: '/app/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      devTools: false,
    });
    expect(prefs?.disableBlinkFeatures).toContain('Auxclick');
    expect(prefs).not.toHaveProperty('enableBlinkFeatures');
    expect(prefs).not.toHaveProperty('additionalArguments');
  });

  it('allows DevTools only in development', () => {
    expect(open(false).webPreferences?.devTools).toBe(true);
    expect(open(true).webPreferences?.devTools).toBe(false);
  });

  it('opens hidden (shown when ready) at the given bounds, never below the minimum size', () => {
    expect(open(true)).toMatchObject({ x: 10, y: 20, width: 1200, height: 700, show: false, minWidth: 960, minHeight: 600 });
  });
});

describe('Content-Security-Policy', () => {
  const policy = parseCsp(contentSecurityPolicy());

  it('allows only the app’s own scripts: no inline, no eval, no remote code', () => {
    expect(policy.get('script-src')).toEqual(["'self'"]);
    expect(policy.get('default-src')).toEqual(["'none'"]);
    expect(contentSecurityPolicy()).not.toMatch(/unsafe-(inline|eval)|wasm-unsafe-eval|\*|https?:/);
  });

  it('gives the renderer no network, frames, plugins, forms or base-URL rewriting', () => {
    expect(policy.get('connect-src')).toEqual(["'self'"]);
    for (const directive of ['object-src', 'frame-src', 'worker-src', 'base-uri', 'form-action', 'frame-ancestors']) {
      expect(policy.get(directive), directive).toEqual(["'none'"]);
    }
  });

  it('in development allows exactly the dev server’s inline preamble and HMR socket', () => {
    const dev = parseCsp(contentSecurityPolicy({ devServerOrigin: 'http://localhost:5173' }));
    expect(dev.get('script-src')).toEqual(["'self'", "'unsafe-inline'"]);
    expect(dev.get('connect-src')).toEqual(["'self'", 'ws://localhost:5173']);
    expect(dev.get('object-src')).toEqual(["'none'"]);
    expect(contentSecurityPolicy({ devServerOrigin: 'http://localhost:5173' })).not.toContain('unsafe-eval');
  });
});

describe('the app:// protocol', () => {
  let root: string;
  let outside: string;

  beforeAll(async () => {
    outside = await mkdtemp(join(tmpdir(), 'seatdesk-protocol-'));
    root = join(outside, 'renderer');
    await mkdir(join(root, 'assets'), { recursive: true });
    await writeFile(join(root, 'index.html'), '<!doctype html><title>Seatdesk</title>');
    await writeFile(join(root, 'assets/app-1234.js'), 'console.log("app")');
    await writeFile(join(outside, 'secret.txt'), 'outside the renderer');
    await writeFile(join(outside, 'renderer-evil.js'), 'sibling folder with the same prefix');
  });

  it('serves the renderer’s files with their type and the CSP', () => {
    expect(resolveAppRequest('app://seatdesk/assets/app-1234.js', 'GET', root)).toEqual({
      kind: 'file',
      path: join(root, 'assets/app-1234.js'),
      contentType: 'text/javascript; charset=utf-8',
    });
    expect(resolveAppRequest(APP_ENTRY_URL, 'GET', root)).toMatchObject({ kind: 'file', path: join(root, 'index.html') });
    expect(resolveAppRequest('app://seatdesk/', 'GET', root)).toMatchObject({ kind: 'file', path: join(root, 'index.html') });
  });

  it('answers a client-side route with index.html', () => {
    expect(resolveAppRequest('app://seatdesk/users/42?tab=roles', 'GET', root)).toMatchObject({ path: join(root, 'index.html') });
  });

  it.each([
    ['a ../ escape', 'app://seatdesk/../secret.txt'],
    ['an encoded ../ escape', 'app://seatdesk/%2e%2e/secret.txt'],
    ['an encoded slash escape', 'app://seatdesk/assets/..%2F..%2Fsecret.txt'],
    ['a double-encoded escape', 'app://seatdesk/..%252f..%252fsecret.txt'],
    ['a backslash escape', 'app://seatdesk/..%5C..%5Csecret.txt'],
    ['a literal backslash', 'app://seatdesk/assets\\..\\..\\secret.txt'],
    ['a NUL byte', 'app://seatdesk/index.html%00.js'],
    ['a drive letter', 'app://seatdesk/C:/Windows/win.ini'],
    ['a sibling folder with the same prefix', 'app://seatdesk/../renderer-evil.js'],
  ])('refuses %s', (_name, url) => {
    const resolved = resolveAppRequest(url, 'GET', root);
    if (resolved.kind === 'file') {
      // Only acceptable where URL parsing already dropped the dot segments: the file is then
      // looked up inside the renderer folder (and does not exist there).
      expect(resolved.path.startsWith(root + sep)).toBe(true);
      expect(resolved.path).not.toBe(join(outside, 'secret.txt'));
      expect(resolved.path).not.toBe(join(outside, 'renderer-evil.js'));
    } else {
      expect([400, 403, 404]).toContain(resolved.status);
    }
  });

  it.each([
    ['another host', 'app://evil/index.html'],
    ['credentials in the URL', 'app://seatdesk@evil/index.html'],
    ['another scheme', 'file:///etc/passwd'],
    ['not a URL', 'app:/:/'],
  ])('refuses %s', (_name, url) => {
    expect(resolveAppRequest(url, 'GET', root).kind).toBe('refused');
  });

  it('refuses methods other than GET and HEAD, and unknown file types', () => {
    expect(resolveAppRequest(APP_ENTRY_URL, 'POST', root)).toEqual({ kind: 'refused', status: 405 });
    expect(resolveAppRequest('app://seatdesk/data.sqlite', 'GET', root)).toEqual({ kind: 'refused', status: 404 });
  });

  it('answers real requests with the file, the CSP and nosniff; a traversal gets no file', async () => {
    const handle = createAppProtocolHandler({ rendererRoot: root, csp: contentSecurityPolicy() });
    const ok = await handle(new Request('app://seatdesk/assets/app-1234.js'));
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('console.log("app")');
    expect(ok.headers.get('content-security-policy')).toBe(contentSecurityPolicy());
    expect(ok.headers.get('x-content-type-options')).toBe('nosniff');
    const escape = await handle(new Request('app://seatdesk/assets/..%2F..%2Fsecret.txt'));
    expect(escape.status).toBe(403);
    expect(await escape.text()).toBe('');
    for (const url of ['app://seatdesk/../secret.txt', 'app://seatdesk/%2e%2e/secret.txt', 'app://seatdesk/..%5Csecret.txt']) {
      const response = await handle(new Request(url));
      expect(response.status, url).not.toBe(200);
      expect(await response.text()).not.toContain('outside the renderer');
    }
    const missing = await handle(new Request('app://seatdesk/assets/missing.js'));
    expect(missing.status).toBe(404);
  });

  it('puts the policy on every response', () => {
    expect(appResponseHeaders('text/html', 'x')).toMatchObject({ 'content-security-policy': 'x', 'referrer-policy': 'no-referrer' });
  });
});

describe('origins', () => {
  it('builds the origin of app:// URLs by hand and rejects hostless schemes and credentials', () => {
    expect(originOf('app://seatdesk/index.html')).toBe(APP_ORIGIN);
    expect(originOf('APP://SEATDESK/x')).toBe(APP_ORIGIN);
    expect(originOf('http://localhost:5173/src/main.tsx')).toBe('http://localhost:5173');
    expect(originOf('javascript:alert(1)')).toBeNull();
    expect(originOf('data:text/html,<script>alert(1)</script>')).toBeNull();
    expect(originOf('file:///etc/passwd')).toBeNull();
    expect(originOf('app://seatdesk@evil.example/')).toBeNull();
    expect(originOf('not a url')).toBeNull();
  });

  it('trusts the dev server only when it is on loopback', () => {
    expect(PROD).toEqual([APP_ORIGIN]);
    expect(DEV).toEqual([APP_ORIGIN, 'http://localhost:5173']);
    expect(trustedOrigins('https://evil.example/')).toEqual([APP_ORIGIN]);
    expect(trustedOrigins('http://192.168.1.5:5173/')).toEqual([APP_ORIGIN]);
  });
});

describe('navigation and new windows', () => {
  it('stay on the app’s own origin', () => {
    expect(decideNavigation('app://seatdesk/index.html#/users', PROD)).toEqual({ action: 'allow' });
    expect(decideNavigation('http://localhost:5173/', DEV)).toEqual({ action: 'allow' });
    expect(decideNavigation('http://localhost:5173/', PROD)).toEqual({ action: 'deny' });
  });

  it.each([
    'javascript:alert(document.domain)',
    'JaVaScRiPt:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'file:///C:/Windows/System32/calc.exe',
    'https://evil.example/',
    'app://evil/index.html',
    'http://seatdesk.app/docs',
    'https://seatdesk.app.evil.example/',
    'https://seatdesk.app@evil.example/',
    'https://user:pass@seatdesk.app/',
    'smb://attacker/share',
    'ms-msdt:/id PCWDiagnostic',
    'about:blank',
  ])('denies %s', (url) => {
    const decision = decideNavigation(url, DEV);
    expect(decision.action).toBe('deny');
    expect(decideWindowOpen(url).action).toBe('deny');
  });

  it('hands an allowlisted https link to the browser instead of loading it', () => {
    expect(decideNavigation('https://docs.seatdesk.app/guide', PROD)).toEqual({ action: 'open-external', url: 'https://docs.seatdesk.app/guide' });
    expect(decideWindowOpen('https://seatdesk.app/')).toEqual({ action: 'open-external', url: 'https://seatdesk.app/' });
  });

  it('opens externally only https URLs on the allowlist, on the default port', () => {
    expect(isAllowedExternalUrl('https://seatdesk.app/pricing')).toBe(true);
    expect(isAllowedExternalUrl('https://SEATDESK.APP/')).toBe(true);
    expect(isAllowedExternalUrl('https://seatdesk.app:8443/')).toBe(false);
    expect(isAllowedExternalUrl('http://seatdesk.app/')).toBe(false);
    expect(isAllowedExternalUrl('javascript:alert(1)')).toBe(false);
    expect(isAllowedExternalUrl('https://evil.example/', ['seatdesk.app'])).toBe(false);
    expect(isAllowedExternalUrl('https://evil.example/', ['evil.example'])).toBe(true);
  });

  it('lets through only downloads the app made itself', () => {
    expect(isAllowedDownload('blob:app://seatdesk/7d3f0b4e-0000-4000-8000-000000000000', PROD)).toBe(true);
    expect(isAllowedDownload('blob:https://evil.example/7d3f', PROD)).toBe(false);
    expect(isAllowedDownload('https://evil.example/payload.exe', PROD)).toBe(false);
    expect(isAllowedDownload('data:application/octet-stream;base64,AAAA', PROD)).toBe(false);
  });
});

describe('the IPC sender check', () => {
  const top = { url: 'app://seatdesk/index.html', isTopFrame: true, inAppWindow: true };

  it('accepts the app’s own top frame', () => {
    expect(isTrustedSender(top, PROD)).toBe(true);
    expect(isTrustedSender({ ...top, url: 'http://localhost:5173/' }, DEV)).toBe(true);
  });

  it.each([
    ['a foreign origin', { ...top, url: 'https://evil.example/' }],
    ['a look-alike app host', { ...top, url: 'app://seatdesk.evil/index.html' }],
    ['credentials smuggling another host', { ...top, url: 'app://seatdesk@evil/index.html' }],
    ['a file: page', { ...top, url: 'file:///tmp/index.html' }],
    ['a javascript: URL', { ...top, url: 'javascript:alert(1)' }],
    ['about:blank', { ...top, url: 'about:blank' }],
    ['an iframe of the app', { ...top, isTopFrame: false }],
    ['a page outside the app’s windows', { ...top, inAppWindow: false }],
    ['a destroyed frame', { ...top, url: null }],
    ['the dev server in a packaged app', { ...top, url: 'http://localhost:5173/' }],
  ])('refuses %s', (_name, frame) => {
    expect(isTrustedSender(frame, PROD)).toBe(false);
  });

  it('refuses when there is no frame at all', () => {
    expect(isTrustedSender(null, PROD)).toBe(false);
  });
});

describe('the production CSP under Google’s CSP Evaluator (as Electronegativity runs it)', () => {
  it('draws only the note that script-src ’self’ must not host JSONP or uploads', () => {
    // A transitive dependency of @doyensec/electronegativity, loaded from there.
    const require = createRequire(createRequire(import.meta.url).resolve('@doyensec/electronegativity'));
    const csp = require('@doyensec/csp-evaluator') as {
      CspParser: new (policy: string) => { csp: unknown };
      CspEvaluator: new (csp: unknown, version: unknown) => { evaluate(): { severity: number; directive: string; value?: string }[] };
      Version: { CSP3: unknown };
      severities: Record<string, number>;
    };
    const findings = new csp.CspEvaluator(new csp.CspParser(contentSecurityPolicy()).csp, csp.Version.CSP3).evaluate();
    expect(findings.map((f) => ({ severity: f.severity, directive: f.directive, value: f.value }))).toEqual([
      { severity: csp.severities['MEDIUM_MAYBE'], directive: 'script-src', value: "'self'" },
    ]);
  });
});

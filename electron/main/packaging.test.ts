import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { FuseState, FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import { beforeAll, describe, expect, it } from 'vitest';

// The packaging configuration and the afterPack hook (scripts/after-pack.mjs), checked the
// way electron-builder uses them: the hook is loaded by path and run against a binary that
// carries an Electron fuse wire; the YAML goes through electron-builder's own schema.
const ROOT = resolve(import.meta.dirname, '../..');
const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX'; // @electron/fuses' marker before the wire

interface PackContext {
  appOutDir: string;
  electronPlatformName: string;
  packager: { appInfo: { productFilename: string }; executableName?: string };
}
interface AfterPackModule {
  afterPack(context: PackContext): Promise<void>;
  electronBinaryPath(context: PackContext): string;
  FUSES: Record<number, boolean>;
}

let hook: AfterPackModule;
beforeAll(async () => {
  hook = (await import(pathToFileURL(join(ROOT, 'scripts/after-pack.mjs')).href)) as AfterPackModule;
});

/** A stand-in binary: noise, the sentinel, version 1, the wire as a stock Electron ships it. */
function fakeElectronBinary(wireLength = 9): Buffer {
  const stock = '1011000110'.slice(0, wireLength).padEnd(wireLength, '0');
  return Buffer.concat([randomBytes(4096), Buffer.from(SENTINEL), Buffer.from([1, wireLength]), Buffer.from(stock), randomBytes(4096)]);
}

describe('the afterPack hook', () => {
  it.each([
    ['win32', 'Seatdesk.exe'],
    ['linux', 'seatdesk'],
  ])('flips every fuse in the packaged %s binary', async (platform, file) => {
    const appOutDir = await mkdtemp(join(tmpdir(), 'seatdesk-pack-'));
    await writeFile(join(appOutDir, file), fakeElectronBinary());
    const context = { appOutDir, electronPlatformName: platform, packager: { appInfo: { productFilename: 'Seatdesk' }, executableName: 'seatdesk' } };
    expect(hook.electronBinaryPath(context)).toBe(join(appOutDir, file));
    await hook.afterPack(context);
    const wire = await getCurrentFuseWire(join(appOutDir, file));
    expect(wire).toMatchObject({
      [FuseV1Options.RunAsNode]: FuseState.DISABLE,
      [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: FuseState.DISABLE,
      [FuseV1Options.EnableNodeCliInspectArguments]: FuseState.DISABLE,
      [FuseV1Options.EnableCookieEncryption]: FuseState.ENABLE,
      [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: FuseState.ENABLE,
      [FuseV1Options.OnlyLoadAppFromAsar]: FuseState.ENABLE,
      [FuseV1Options.GrantFileProtocolExtraPrivileges]: FuseState.DISABLE,
    });
  });

  it('names every fuse Electron has, so an unknown new fuse stops the build', async () => {
    expect(Object.keys(hook.FUSES).map(Number).sort((a, b) => a - b)).toEqual(
      Object.values(FuseV1Options).filter((v): v is number => typeof v === 'number').sort((a, b) => a - b),
    );
    const appOutDir = await mkdtemp(join(tmpdir(), 'seatdesk-pack-'));
    await writeFile(join(appOutDir, 'Seatdesk.exe'), fakeElectronBinary(10));
    await expect(
      hook.afterPack({ appOutDir, electronPlatformName: 'win32', packager: { appInfo: { productFilename: 'Seatdesk' } } }),
    ).rejects.toThrow(/not long enough|strictlyRequireAllFuses/);
  });

  it('finds the macOS binary inside the app bundle', () => {
    const context = { appOutDir: '/out/mac-arm64', electronPlatformName: 'darwin', packager: { appInfo: { productFilename: 'Seatdesk' } } };
    expect(hook.electronBinaryPath(context)).toBe('/out/mac-arm64/Seatdesk.app');
  });

  it('refuses a binary without a fuse wire', async () => {
    const appOutDir = await mkdtemp(join(tmpdir(), 'seatdesk-pack-'));
    await writeFile(join(appOutDir, 'Seatdesk.exe'), randomBytes(1024));
    await expect(hook.afterPack({ appOutDir, electronPlatformName: 'win32', packager: { appInfo: { productFilename: 'Seatdesk' } } })).rejects.toThrow(
      /sentinel/,
    );
  });
});

describe('electron-builder.yml', () => {
  // electron-builder's own loader and JSON schema (app-builder-lib ships with electron-builder).
  const require = createRequire(createRequire(import.meta.url).resolve('electron-builder'));
  const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config') as {
    getConfig(projectDir: string, configPath: string | null): Promise<Record<string, unknown>>;
    validateConfiguration(config: unknown, debugLogger: { isEnabled: boolean; add(): void }): Promise<void>;
  };
  interface BuilderConfig {
    appId: string;
    productName: string;
    asar: boolean;
    asarUnpack: string[];
    npmRebuild: boolean;
    afterPack: string;
    win: { target: unknown };
    mac: { target: unknown; hardenedRuntime: boolean; entitlements: string; entitlementsInherit: string };
  }
  let config: BuilderConfig;

  beforeAll(async () => {
    config = (await getConfig(ROOT, join(ROOT, 'electron-builder.yml'))) as unknown as BuilderConfig;
  });

  it('passes electron-builder’s schema', async () => {
    await expect(validateConfiguration(config, { isEnabled: false, add: () => {} })).resolves.toBeUndefined();
  });

  it('names the app and its icons', () => {
    expect(config.appId).toBe('app.seatdesk.desktop');
    expect(config.productName).toBe('Seatdesk');
    for (const icon of ['icon.icns', 'icon.ico', 'icon.png']) expect(existsSync(join(ROOT, 'resources', icon)), icon).toBe(true);
    expect(readFileSync(join(ROOT, 'resources/icon.icns')).subarray(0, 4).toString()).toBe('icns');
    expect(readFileSync(join(ROOT, 'resources/icon.ico')).readUInt16LE(2)).toBe(1);
  });

  it('builds NSIS for Windows and dmg for macOS, each for x64 and arm64', () => {
    expect(config.win.target).toEqual([{ target: 'nsis', arch: ['x64', 'arm64'] }]);
    expect(config.mac.target).toEqual([{ target: 'dmg', arch: ['x64', 'arm64'] }]);
  });

  it('unpacks the native modules from asar and rebuilds them for Electron', () => {
    expect(config.asar).toBe(true);
    expect(config.asarUnpack).toEqual(expect.arrayContaining(['node_modules/better-sqlite3/**', 'node_modules/keytar/**']));
    expect(config.npmRebuild).toBe(true);
  });

  it('runs the fuse hook after packing', () => {
    expect(resolve(ROOT, config.afterPack)).toBe(join(ROOT, 'scripts/after-pack.mjs'));
  });

  it('signs macOS with the hardened runtime and only the JIT entitlement', () => {
    expect(config.mac.hardenedRuntime).toBe(true);
    const entitlements = readFileSync(join(ROOT, config.mac.entitlements), 'utf8');
    expect(config.mac.entitlementsInherit).toBe(config.mac.entitlements);
    expect([...entitlements.matchAll(/<key>([^<]+)<\/key>/g)].map((m) => m[1])).toEqual(['com.apple.security.cs.allow-jit']);
  });

  it('keeps signing secrets out of the file (they come from the environment)', () => {
    const text = readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8');
    expect(text).not.toMatch(/^\s*(cscLink|cscKeyPassword|certificatePassword|appleIdPassword)\s*:/m);
  });
});

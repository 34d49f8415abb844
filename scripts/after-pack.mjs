// electron-builder afterPack hook: flips the Electron fuses in the packaged binary, right
// before electron-builder signs it (DESIGN.md, "Security rules"). The configuration is
// exported so a test can check it against the binary this hook produces.
import { join } from 'node:path';
import { flipFuses, FuseV1Options, FuseVersion } from '@electron/fuses';

/** Every fuse named, so a new fuse in an Electron upgrade is a decision, not a default. */
export const FUSES = {
  // Off: the app binary can never be turned into a plain Node (ELECTRON_RUN_AS_NODE),
  // take NODE_OPTIONS from the environment, or open a debugger port from the command line.
  [FuseV1Options.RunAsNode]: false,
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
  [FuseV1Options.EnableNodeCliInspectArguments]: false,
  // On: cookies encrypted with the OS key store; app.asar checked against the hash the
  // packager embedded; the app loaded only from that asar.
  [FuseV1Options.EnableCookieEncryption]: true,
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
  [FuseV1Options.OnlyLoadAppFromAsar]: true,
  // Unchanged defaults, written down: no separate browser V8 snapshot; file:// gets no extra
  // privileges (the app uses app://); WebAssembly trap handlers stay on (faster, and PGlite's WASM
  // runs in the utility process).
  [FuseV1Options.LoadBrowserProcessSpecificV8Snapshot]: false,
  [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
  [FuseV1Options.WasmTrapHandlers]: true,
};

/** Where the fuse wire lives for a packaged app of this platform. */
export function electronBinaryPath(context) {
  const name = context.packager.appInfo.productFilename;
  switch (context.electronPlatformName) {
    case 'darwin':
    case 'mas':
      return join(context.appOutDir, `${name}.app`);
    case 'win32':
      return join(context.appOutDir, `${name}.exe`);
    default:
      return join(context.appOutDir, context.packager.executableName ?? name);
  }
}

export async function afterPack(context) {
  const binary = electronBinaryPath(context);
  const mac = context.electronPlatformName === 'darwin' || context.electronPlatformName === 'mas';
  await flipFuses(binary, {
    version: FuseVersion.V1,
    strictlyRequireAllFuses: true,
    // Flipping fuses breaks the ad-hoc signature of an arm64 macOS binary; reset it, and
    // electron-builder signs properly right after this hook when an identity is configured.
    resetAdHocDarwinSignature: mac,
    ...FUSES,
  });
  console.log(`afterPack: Electron fuses set in ${binary}`);
}

export default afterPack;

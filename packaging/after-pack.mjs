// electron-builder's afterPack hook: flips Corral's fuses (packaging/fuses.mjs) in the packed
// Electron binary, after packing and before signing, so the signature covers them.
import { flipFuses } from '@electron/fuses';
import { join } from 'node:path';
import { fuseConfig } from './fuses.mjs';

/** The file that carries the fuse wire: the executable, or the .app bundle on macOS. */
function electronBinary(context) {
  const { appOutDir, electronPlatformName, packager } = context;
  if (electronPlatformName === 'darwin' || electronPlatformName === 'mas') {
    return join(appOutDir, `${packager.appInfo.productFilename}.app`);
  }
  if (electronPlatformName === 'win32') {
    return join(appOutDir, `${packager.appInfo.productFilename}.exe`);
  }
  return join(appOutDir, packager.executableName);
}

export default async function afterPack(context) {
  const darwin =
    context.electronPlatformName === 'darwin' || context.electronPlatformName === 'mas';
  await flipFuses(electronBinary(context), {
    ...fuseConfig(),
    // arm64 macOS refuses a binary whose ad-hoc signature no longer matches; electron-builder
    // signs properly afterwards when an identity is configured. builder-util's Arch: 3 is arm64,
    // 4 universal (which holds an arm64 slice).
    resetAdHocDarwinSignature: darwin && (context.arch === 3 || context.arch === 4),
  });
}

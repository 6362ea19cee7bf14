// Corral's Electron fuses: one decision per fuse, with its reason, flipped into the packed binary
// by the afterPack hook before signing (docs/security.md, "Fuses"). strictlyRequireAllFuses
// makes a fuse that a newer Electron adds fail the build until it has a decision here.
import { FuseV1Options, FuseVersion } from '@electron/fuses';

/** Each fuse: on or off, and why. */
export const FUSE_DECISIONS = [
  {
    fuse: FuseV1Options.RunAsNode,
    on: true,
    why: 'the node runtime of extensions is the Electron binary run as Node (contracts section 1), inside the sandbox; see docs/security.md for the risk this keeps and why it is acceptable',
  },
  {
    fuse: FuseV1Options.EnableCookieEncryption,
    on: true,
    why: 'Corral sets no cookies, but anything Chromium stores is encrypted with the OS keyring',
  },
  {
    fuse: FuseV1Options.EnableNodeOptionsEnvironmentVariable,
    on: false,
    why: 'NODE_OPTIONS (and NODE_EXTRA_CA_CERTS) would let the environment inject code or trust into the app',
  },
  {
    fuse: FuseV1Options.EnableNodeCliInspectArguments,
    on: false,
    why: '--inspect and SIGUSR1 would open a debugger into main, which holds the host service',
  },
  {
    fuse: FuseV1Options.EnableEmbeddedAsarIntegrityValidation,
    on: true,
    why: 'app.asar is checked against the hash signed into the app (macOS, Windows; Linux has no such check)',
  },
  {
    fuse: FuseV1Options.OnlyLoadAppFromAsar,
    on: true,
    why: 'only app.asar is loaded: a planted resources/app folder is never run instead',
  },
  {
    fuse: FuseV1Options.LoadBrowserProcessSpecificV8Snapshot,
    on: false,
    why: 'Corral ships no browser-process V8 snapshot',
  },
  {
    fuse: FuseV1Options.GrantFileProtocolExtraPrivileges,
    on: false,
    why: 'the UI is served from app://, never file://: file pages get no extra privileges',
  },
  {
    fuse: FuseV1Options.WasmTrapHandlers,
    on: true,
    why: "V8's WebAssembly trap handlers stay (Electron's default): they bound-check by guard pages, faster and no weaker",
  },
];

/** The configuration @electron/fuses' flipFuses takes. */
export function fuseConfig() {
  return {
    version: FuseVersion.V1,
    strictlyRequireAllFuses: true,
    ...Object.fromEntries(FUSE_DECISIONS.map((d) => [d.fuse, d.on])),
  };
}

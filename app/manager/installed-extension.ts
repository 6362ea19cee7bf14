// Running an installed extension (`corral run ID`, the app): load it the way `corral run DIR`
// does, refusing a disabled, quarantined or altered one, with the policy the user shaped
// (revocations, "allow always"); then keep the running copy in step with the state, so that a
// revocation made anywhere — this process, the CLI, the app — is felt on its next decision.
//
// How the app wires it: start the host with `loadInstalledExtension(manager, id).extension`, pass
// `onAllowedAlways: (labels) => manager.recordAllowedAlways(id, allowedAlwaysIds(policy, labels))`,
// and after `host.start()` call `watchInstalled(manager, id, { grants: () => host.grantState,
// policy, stop })`. A revocation the app makes itself can skip the watcher's poll:
// `revokeLive(host.grantState, policy, manager.revoke(id, rule).rule)`.
import { existsSync } from 'node:fs';
import { parseRevocation, grantId, grantLines, labelsRevokedBySection } from '../consent/grants.ts';
import { EXTENSION_ID_PATTERN, type PolicyInput } from '../policy/manifest.ts';
import {
  ExtensionError,
  loadExtension,
  type LoadedExtension,
} from '../runtime/extension-package.ts';
import type { GrantState } from '../runtime/grant-state.ts';
import type { ExtensionManager } from './manager.ts';
import { ManagerError, type ExtensionRecord } from './manager.ts';
import { StateError } from './state-db.ts';
import { hashTree } from './tree-hash.ts';

/** True when `arg` names an installed extension rather than a folder (`corral run ID`). */
export function looksLikeInstalledId(arg: string, cwd: string): boolean {
  return EXTENSION_ID_PATTERN.test(arg) && !existsSync(arg.startsWith('/') ? arg : `${cwd}/${arg}`);
}

/**
 * The installed extension `id`, ready for ExtensionRunner: its folder checked against the tree hash
 * recorded at install, and its policy with the user's revocations and "allow always" answers.
 * Every refusal is an ExtensionError of one line.
 */
export async function loadInstalledExtension(
  manager: ExtensionManager,
  id: string,
): Promise<{ extension: LoadedExtension; record: ExtensionRecord }> {
  let record: ExtensionRecord;
  try {
    record = manager.require(id);
  } catch (e) {
    if (e instanceof ManagerError || e instanceof StateError) throw new ExtensionError(e.message);
    throw e;
  }
  const dir = manager.dirOf(record.current);
  if (record.quarantine)
    throw new ExtensionError(
      `${id} is quarantined since ${record.quarantine.at} (${record.quarantine.reason}), so it does not run; fix: inspect ${dir}, then run "corral enable ${id} --lift-quarantine"`,
    );
  if (!record.enabled)
    throw new ExtensionError(
      `${id} is disabled, so it does not run; fix: run "corral enable ${id}"`,
    );
  let loaded: Awaited<ReturnType<typeof loadExtension>>;
  try {
    loaded = await loadExtension(dir, '/');
  } catch (e) {
    throw replacedMeanwhile(manager, record) ?? e;
  }
  // The files must be the ones the user consented to: a change after install is refused.
  if (loaded.manifest.id !== id || hashTree(loaded.dir) !== record.current.contentSha256)
    throw (
      replacedMeanwhile(manager, record) ??
      new ExtensionError(
        `the files of ${id} ${record.current.version} in ${dir} changed after it was installed, so it does not run; fix: run "corral uninstall ${id} --keep-data" and install it again`,
      )
    );
  return { extension: { ...loaded, policy: manager.policyFor(record) }, record };
}

/**
 * Why the files read for `record` were missing or different, when another corral uninstalled,
 * updated or rolled back the extension while they were read: then that is the reason, not a
 * broken package. Null when the extension is still the version read.
 */
function replacedMeanwhile(manager: ExtensionManager, record: ExtensionRecord): Error | null {
  const now = manager.get(record.id);
  if (!now) return new ExtensionError(`${record.id} was uninstalled while it started`);
  if (now.current.dir === record.current.dir) return null;
  return new ExtensionError(
    `${record.id} changed to version ${now.current.version} while it started; fix: run it again`,
  );
}

/**
 * Applies a revocation (a canonical rule, as ExtensionManager.revoke returns) to a running
 * extension's live grants (required and optional grants apart); returns the labels revoked.
 * GrantState revokes whole grants, so a
 * partial revocation (write → read, some ports, one ipc direction) takes the whole grant away
 * until the next start, which then runs with exactly what is left.
 */
export function revokeLive(grants: GrantState, policy: PolicyInput, rule: string): string[] {
  const parsed = parseRevocation(rule);
  if (!parsed.ok) return [];
  const { required, optional } = labelsRevokedBySection(policy, parsed.revocation);
  for (const label of required) grants.revoke(label, 'required');
  for (const label of optional) grants.revoke(label, 'optional');
  return [...new Set([...required, ...optional])];
}

/** The grant ids ExtensionManager.recordAllowedAlways takes, for the optional labels the broker reports. */
export function allowedAlwaysIds(policy: PolicyInput, labels: readonly string[]): string[] {
  return grantLines(policy)
    .filter((l) => l.section === 'optionalPermissions' && labels.includes(l.label))
    .map(grantId);
}

export interface RunningInstalled {
  /** The live grants (ExtensionRunner.grantState); null before the first start. */
  grants: () => GrantState | null;
  /** The policy it was started with (the LoadedExtension's). */
  policy: PolicyInput;
  /** Stops it: it was disabled, quarantined or uninstalled while running. */
  stop: (why: string) => void;
  onRevoked?: (rule: string, labels: string[]) => void;
  /** A round that could not read the state (the next round tries again). */
  onError?: (message: string) => void;
}

/**
 * Watches the state for changes to `id` every `intervalMs` (a cheap PRAGMA data_version while
 * nothing changes): new revocations apply to the live grants at once; disable, quarantine and
 * uninstall stop it. `check()` runs one round now.
 */
export function watchInstalled(
  manager: ExtensionManager,
  id: string,
  running: RunningInstalled,
  intervalMs = 200,
): { check(): void; close(): void } {
  let stamp = manager.changeStamp();
  const applied = new Set(manager.get(id)?.revoked ?? []);
  let stopped = false;
  const stop = (why: string) => {
    stopped = true;
    clearInterval(timer);
    running.stop(why);
  };
  const check = () => {
    if (stopped) return;
    const now = manager.changeStamp();
    if (now === stamp) return;
    stamp = now;
    const record = manager.get(id);
    if (!record) return stop('it was uninstalled');
    for (const rule of record.revoked) {
      if (applied.has(rule)) continue;
      applied.add(rule);
      const grants = running.grants();
      if (grants) running.onRevoked?.(rule, revokeLive(grants, running.policy, rule));
    }
    if (record.quarantine) return stop(`it was quarantined (${record.quarantine.reason})`);
    if (!record.enabled) return stop('it was disabled');
  };
  const timer = setInterval(() => {
    try {
      check();
    } catch (e) {
      running.onError?.(e instanceof Error ? e.message : String(e));
    }
  }, intervalMs);
  timer.unref();
  return { check, close: () => clearInterval(timer) };
}

/** `corral run ID`: an installed extension opened for one run, kept in step with the state. */
export interface InstalledRun {
  extension: LoadedExtension;
  /** ExtensionRunnerOptions.onAllowedAlways: records the answer for the next starts. */
  onAllowedAlways: (labels: string[]) => void;
  /**
   * After host.start(): applies revocations at once (telling `say`), and calls `stop` when the
   * extension is disabled, quarantined or uninstalled.
   */
  watch: (
    host: { grantState: GrantState | null },
    stop: (why: string) => void,
    say: (line: string) => void,
  ) => void;
  close: () => void;
}

/** Opens the installed extension `id` for one run (`corral run ID`), kept in step with the state. */
export async function openInstalledRun(
  manager: ExtensionManager,
  id: string,
): Promise<InstalledRun> {
  const { extension } = await loadInstalledExtension(manager, id);
  let watcher: { close(): void } | null = null;
  return {
    extension,
    onAllowedAlways: (labels) =>
      void manager.recordAllowedAlways(id, allowedAlwaysIds(extension.policy, labels)),
    watch: (host, stop, say) => {
      watcher = watchInstalled(manager, id, {
        grants: () => host.grantState,
        policy: extension.policy,
        stop,
        onRevoked: (rule, labels) =>
          say(`revoked ${rule} (${labels.join(', ') || 'nothing left to revoke'})`),
        onError: (message) => say(`cannot read the extension state: ${message}`),
      });
    },
    close: () => watcher?.close(),
  };
}

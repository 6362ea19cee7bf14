// The extension manager: install (stage, verify, consent, rename into place), update (permission
// diff; new permissions wait for consent as a pending update), rollback, enable, disable,
// uninstall, revoke, quarantine, and the publisher keys the user trusts. Used by the CLI and the
// app alike, at the same time if need be.
//
// Crash safety rests on one ordering. A version's folder is renamed from .staging/ into
// ID/VERSION inside the same IMMEDIATE transaction that records it, and nothing that a record
// points to is ever moved before the commit that stops pointing to it. So after a `kill -9` at any
// moment, the state is the last commit, and every folder it does not name is garbage, which
// collectGarbage() (on every open and after every change, under the same lock) moves to .trash/
// and deletes. A staging folder is kept while the process that made it (its name's PID) lives.
import { randomUUID } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  rmdirSync,
  writeSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import type { AuditEventInput } from '../audit-event/event.ts';
import { diffPermissions, type PermissionDiff } from '../consent/diff.ts';
import {
  effectivePolicy,
  grantLines,
  labelsRevokedBy,
  parseRevocation,
  policyRules,
} from '../consent/grants.ts';
import { summarizePermissions, type ConsentItem } from '../consent/summary.ts';
import { extensionDataDir, extensionsDir, managerStateFile } from '../platform/corral-dirs.ts';
import { EXTENSION_ID_PATTERN, policyOf, type PolicyInput } from '../policy/manifest.ts';
import type { PackageCaps } from '../package/package-caps.ts';
import { compareVersions } from '../package/semver.ts';
import { describeSignature, keyIdOf, parsePublicKey, type TrustedKey } from './signature.ts';
import { STAGING, discardStaged, stagePackage, type StagedPackage } from './stage-package.ts';
import {
  deleteExtension,
  deleteTrustedKey,
  openStateDb,
  readExtension,
  readExtensions,
  readSetting,
  readTrustedKeys,
  stateError,
  writeExtension,
  writeSetting,
  writeTrustedKey,
  type ExtensionRecord,
  type InstalledVersion,
  type StateDatabase,
} from './state-db.ts';

export type { ExtensionRecord, InstalledVersion } from './state-db.ts';

/** A request the manager refuses: one line with the fix. */
export class ManagerError extends Error {
  override name = 'ManagerError';
}

/** The extension asked for is not installed (the UI answers "not found", not "refused"). */
export class NotInstalledError extends ManagerError {
  override name = 'NotInstalledError';
  constructor(id: string) {
    super(`${id} is not installed; fix: run "corral list" for the installed extensions`);
  }
}

export interface ManagerOptions {
  /** Where things live ($XDG_DATA_HOME) and the test hooks (CORRAL_TEST_INSTALL_PAUSE). */
  env: NodeJS.ProcessEnv;
  caps?: PackageCaps;
  /** Receives one event per change (install, revoke, quarantine, …). */
  audit?: (event: AuditEventInput) => void;
  now?: () => Date;
}

/** What installing a staged package would do, for the consent step. */
export interface PreparedInstall {
  staged: StagedPackage;
  id: string;
  version: string;
  /** install: new; update: newer than the installed version; same: already installed as is. */
  kind: 'install' | 'update' | 'same';
  installed: ExtensionRecord | null;
  /** Everything the new version asks for, in plain words with risks. */
  summary: ConsentItem[];
  /** For an update: what changes against what the user consented to. */
  diff: PermissionDiff | null;
  /** True for a new install, and for an update that adds, widens or raises anything. */
  needsConsent: boolean;
}

export type InstallOutcome =
  | { status: 'installed' | 'updated' | 'pending' | 'unchanged'; record: ExtensionRecord }
  | { status: 'refused' };

const TRASH = '.trash';
const REQUIRE_SIGNED = 'requireSigned';

export class ExtensionManager {
  private localCommits = 0;

  private constructor(
    private readonly db: StateDatabase,
    /** The extensions folder: ID/VERSION folders, .staging/ and .trash/. */
    readonly root: string,
    private readonly o: ManagerOptions,
  ) {}

  /** Opens the state (creating it on first use) and clears what an interrupted corral left. */
  static open(o: ManagerOptions): ExtensionManager {
    const root = extensionsDir(o.env);
    const file = managerStateFile(o.env);
    const db = openStateDb(file);
    mkdirSync(root, { recursive: true, mode: 0o755 });
    const manager = new ExtensionManager(db, root, o);
    manager.collectGarbage();
    return manager;
  }

  close(): void {
    this.db.close();
  }

  // ---- reading ------------------------------------------------------------------------------

  get(id: string): ExtensionRecord | null {
    return this.read(() => readExtension(this.db, id));
  }

  /** The record of `id`, or a ManagerError saying it is not installed. */
  require(id: string): ExtensionRecord {
    const record = this.get(id);
    if (!record) throw new NotInstalledError(id);
    return record;
  }

  list(): ExtensionRecord[] {
    return this.read(() => readExtensions(this.db));
  }

  /** The absolute folder of an installed version. */
  dirOf(version: InstalledVersion): string {
    return join(this.root, version.dir);
  }

  /** The policy the extension runs with: the manifest's, minus revoked, plus allowed-always grants. */
  policyFor(record: ExtensionRecord): PolicyInput {
    return effectivePolicy(policyOf(record.current.manifest), record.revoked, record.allowedAlways);
  }

  /** Changes whenever any corral commits a change to the state (for watchers). */
  changeStamp(): string {
    return `${this.db.pragma('data_version', { simple: true })}:${this.localCommits}`;
  }

  // ---- install and update ------------------------------------------------------------------

  /** Stages and verifies `pkg`, and says what installing it would do; nothing is installed yet. */
  async prepare(pkg: string, cwd: string): Promise<PreparedInstall> {
    const staged = await stagePackage(pkg, {
      cwd,
      extensionsRoot: this.root,
      trusted: this.trustedKeys(),
      caps: this.o.caps,
    });
    try {
      return this.classify(staged, this.get(staged.extension.manifest.id));
    } catch (e) {
      discardStaged(staged);
      throw e;
    }
  }

  /** Drops a prepared install the caller will not commit. */
  discard(prepared: PreparedInstall): void {
    discardStaged(prepared.staged);
  }

  /**
   * Installs what prepare() staged. `consent`: the user agreed to the summary (for an update, to
   * the diff). A new install without consent installs nothing; an update that needs consent and
   * lacks it is kept as a pending update, not applied.
   */
  commit(prepared: PreparedInstall, consent: boolean): InstallOutcome {
    const { staged, id } = prepared;
    try {
      if (prepared.kind === 'same') {
        discardStaged(staged);
        return { status: 'unchanged', record: prepared.installed! };
      }
      if (prepared.kind === 'install' && !consent) {
        discardStaged(staged);
        return { status: 'refused' };
      }
      const pending = prepared.kind === 'update' && prepared.needsConsent && !consent;
      this.testPause('staged');
      const record = this.write(() => {
        const fresh = readExtension(this.db, id);
        if (
          (fresh?.current.contentSha256 ?? null) !==
          (prepared.installed?.current.contentSha256 ?? null)
        )
          throw new ManagerError(
            `${id} was changed by another corral while this install waited; fix: run the install again`,
          );
        const dir = this.placeFolder(staged.root, id, prepared.version, fresh);
        this.testPause('renamed');
        const now = this.now();
        const version: InstalledVersion = {
          version: prepared.version,
          dir,
          format: staged.format,
          source: staged.source,
          packageSha256: staged.packageSha256,
          contentSha256: staged.contentSha256,
          signature: staged.signature,
          manifest: staged.extension.manifest,
          stagedAt: now,
          consentedAt: pending ? null : now,
        };
        const next: ExtensionRecord =
          fresh === null
            ? {
                id,
                enabled: true,
                quarantine: null,
                installedAt: now,
                updatedAt: now,
                current: version,
                previous: null,
                pending: null,
                revoked: [],
                allowedAlways: [],
              }
            : pending
              ? { ...fresh, pending: version }
              : {
                  ...fresh,
                  current: version,
                  previous: fresh.current,
                  pending: null,
                  updatedAt: now,
                };
        writeExtension(this.db, next);
        return next;
      });
      rmSync(staged.stagingDir, { recursive: true, force: true });
      const status = pending ? 'pending' : prepared.kind === 'update' ? 'updated' : 'installed';
      this.event(
        id,
        status === 'installed' ? 'install' : status === 'updated' ? 'update' : 'pending',
        record,
        {
          installed: `installed ${prepared.version} from ${staged.source} (${describeSignature(staged.signature)}, sha256 ${staged.packageSha256})`,
          updated: `updated ${prepared.installed?.current.version} → ${prepared.version} from ${staged.source} (${describeSignature(staged.signature)})`,
          pending: `update to ${prepared.version} waits for consent to new permissions`,
        }[status],
      );
      this.collectGarbage();
      return { status, record };
    } catch (e) {
      discardStaged(staged);
      throw e;
    }
  }

  /** The pending update of `id` with its diff against what the user consented to. */
  pendingReview(id: string): {
    record: ExtensionRecord;
    pending: InstalledVersion;
    diff: PermissionDiff;
    summary: ConsentItem[];
  } {
    const record = this.require(id);
    if (!record.pending) throw new ManagerError(`${id} has no update waiting for consent`);
    const after = policyOf(record.pending.manifest);
    return {
      record,
      pending: record.pending,
      diff: diffPermissions(policyOf(record.current.manifest), after),
      summary: summarizePermissions(after),
    };
  }

  /** Applies the pending update of `id`: the user consented to its permissions. */
  approvePending(id: string, version: string): ExtensionRecord {
    const record = this.write(() => {
      const fresh = this.requireIn(id);
      if (fresh.pending?.version !== version)
        throw new ManagerError(
          `the update of ${id} waiting for consent is no longer ${version}; fix: run "corral approve ${id}" again`,
        );
      const now = this.now();
      const next: ExtensionRecord = {
        ...fresh,
        current: { ...fresh.pending, consentedAt: now },
        previous: fresh.current,
        pending: null,
        updatedAt: now,
      };
      writeExtension(this.db, next);
      return next;
    });
    this.event(id, 'update', record, `updated to ${version} after consent to its new permissions`);
    this.collectGarbage();
    return record;
  }

  /** Drops the pending update of `id`. */
  rejectPending(id: string): ExtensionRecord {
    const record = this.change(id, (r) => {
      if (!r.pending) throw new ManagerError(`${id} has no update waiting for consent`);
      return { ...r, pending: null };
    });
    this.event(id, 'reject', record, 'the update waiting for consent was dropped');
    this.collectGarbage();
    return record;
  }

  /**
   * Makes the version before the last update current again. Rollback goes back only: the version
   * rolled back from is dropped, not kept as "previous", so a second rollback never goes forward
   * (issue 13); with nothing older kept it refuses and changes nothing.
   */
  rollback(id: string): ExtensionRecord {
    const before = this.require(id);
    const record = this.change(id, (r) => {
      // A state written before issue 13 may name the newer version as previous: not a way back.
      if (!r.previous || compareVersions(r.previous.version, r.current.version) >= 0)
        throw new ManagerError(
          `${id} ${r.current.version} is the oldest version kept, so there is nothing older to roll back to; nothing changed; fix: install the version you want (an older one after "corral uninstall ${id} --keep-data")`,
        );
      return { ...r, current: r.previous, previous: null, updatedAt: this.now() };
    });
    this.event(
      id,
      'rollback',
      record,
      `rolled back ${before.current.version} → ${record.current.version}; ${before.current.version} removed`,
    );
    this.collectGarbage();
    return record;
  }

  // ---- enable, disable, uninstall, quarantine ------------------------------------------------

  /** Enables or disables `id`; a quarantined extension is enabled only with `liftQuarantine`. */
  setEnabled(id: string, enabled: boolean, liftQuarantine = false): ExtensionRecord {
    const record = this.change(id, (r) => {
      if (enabled && r.quarantine && !liftQuarantine)
        throw new ManagerError(
          `${id} is quarantined (${r.quarantine.reason}); fix: inspect its files in ${this.dirOf(r.current)}, then run "corral enable ${id} --lift-quarantine"`,
        );
      return { ...r, enabled, quarantine: enabled ? null : r.quarantine };
    });
    this.event(id, enabled ? 'enable' : 'disable', record, enabled ? 'enabled' : 'disabled');
    return record;
  }

  /**
   * Incident response: disables `id`, revokes its optional grants (and every "allow always"),
   * and flags it; its files stay for inspection. Running copies stop (see watchInstalled).
   */
  quarantine(id: string, reason: string): ExtensionRecord {
    const record = this.change(id, (r) => {
      const optional = grantLines(policyOf(r.current.manifest))
        .filter((l) => l.section === 'optionalPermissions')
        .flatMap((l) => l.rules.map((rule) => `optional ${rule}`));
      return {
        ...r,
        enabled: false,
        quarantine: { at: this.now(), reason },
        revoked: [...new Set([...r.revoked, ...optional])],
        allowedAlways: [],
      };
    });
    this.event(id, 'quarantine', record, `quarantined: ${reason}`);
    return record;
  }

  /** Removes `id` and its versions; its data folder too unless `keepData`. */
  uninstall(id: string, keepData: boolean): void {
    const record = this.write(() => {
      const fresh = this.requireIn(id);
      deleteExtension(this.db, id);
      return fresh;
    });
    this.collectGarbage();
    if (!keepData) rmSync(extensionDataDir(this.o.env, id), { recursive: true, force: true });
    this.event(
      id,
      'uninstall',
      record,
      keepData ? 'uninstalled; its data kept' : 'uninstalled with its data',
    );
  }

  // ---- grants -------------------------------------------------------------------------------

  /**
   * Revokes the grants `ruleText` names (a rule line: "read ${downloads}", "connect
   * api.github.com:443"); the next run's policy omits them. Returns the canonical rule and the
   * labels it touched in the policy the extension ran with, for revokeLive().
   */
  revoke(
    id: string,
    ruleText: string,
  ): { rule: string; labels: string[]; record: ExtensionRecord } {
    const parsed = parseRevocation(ruleText);
    if (!parsed.ok) throw new ManagerError(parsed.error);
    let labels: string[] = [];
    const record = this.change(id, (r) => {
      const policy = this.policyFor(r);
      labels = labelsRevokedBy(policy, parsed.revocation);
      if (labels.length === 0) {
        const rules = policyRules(policy);
        throw new ManagerError(
          `${id} has no grant "${parsed.rule}"${r.revoked.includes(parsed.rule) ? ' (it is revoked already)' : ''}; its grants: ${rules.length ? rules.join(', ') : 'none'}`,
        );
      }
      return { ...r, revoked: [...r.revoked, parsed.rule] };
    });
    this.event(id, 'revoke', record, `revoked ${parsed.rule} (${labels.join(', ')})`, 'permission');
    return { rule: parsed.rule, labels, record };
  }

  /** Takes back a revocation; the grant returns on the extension's next start. */
  unrevoke(id: string, ruleText: string): ExtensionRecord {
    const parsed = parseRevocation(ruleText);
    if (!parsed.ok) throw new ManagerError(parsed.error);
    const record = this.change(id, (r) => {
      if (!r.revoked.includes(parsed.rule))
        throw new ManagerError(
          `${id} has no revoked grant "${parsed.rule}"; revoked: ${r.revoked.join(', ') || 'none'}`,
        );
      return { ...r, revoked: r.revoked.filter((x) => x !== parsed.rule) };
    });
    this.event(id, 'unrevoke', record, `restored ${parsed.rule} from the next start`, 'permission');
    return record;
  }

  /** Records optional grants the user allowed always (grant ids, app/consent/grants.ts). */
  recordAllowedAlways(id: string, grantIds: readonly string[]): ExtensionRecord {
    return this.change(id, (r) => ({
      ...r,
      allowedAlways: [...new Set([...r.allowedAlways, ...grantIds])],
    }));
  }

  // ---- trust and settings -------------------------------------------------------------------

  trustedKeys(): (TrustedKey & { addedAt: string })[] {
    return this.read(() => readTrustedKeys(this.db));
  }

  /** Trusts an ed25519 public key (PEM) for one publisher's packages. */
  trustKey(pem: string, publisher: string): TrustedKey {
    if (!/^[a-z0-9][a-z0-9-]*$/.test(publisher))
      throw new ManagerError(
        `"${publisher}" is not a publisher name; fix: give the publisher as manifests write it, e.g. "acme"`,
      );
    const parsed = parsePublicKey(pem);
    if (!parsed.ok) throw new ManagerError(`the key file ${parsed.error}`);
    const key: TrustedKey = {
      keyId: keyIdOf(parsed.key),
      publisher,
      publicKey: parsed.key.export({ type: 'spki', format: 'pem' }).toString(),
    };
    this.write(() => writeTrustedKey(this.db, key, this.now()));
    return key;
  }

  /** Stops trusting the key whose id starts with `prefix` (8 hex digits at least, unambiguous). */
  untrustKey(prefix: string): TrustedKey {
    return this.write(() => {
      const matches = readTrustedKeys(this.db).filter((k) => k.keyId.startsWith(prefix));
      if (prefix.length < 8 || matches.length !== 1)
        throw new ManagerError(
          matches.length > 1
            ? `"${prefix}" matches ${matches.length} keys; fix: give more of the key id`
            : `no trusted key has the id "${prefix}"; fix: run "corral trust list" (give 8 hex digits at least)`,
        );
      deleteTrustedKey(this.db, matches[0]!.keyId);
      return matches[0]!;
    });
  }

  /** Whether unsigned packages are refused (`corral trust require on`). */
  requireSigned(): boolean {
    return this.read(() => readSetting(this.db, REQUIRE_SIGNED)) === 'true';
  }

  setRequireSigned(on: boolean): void {
    this.write(() => writeSetting(this.db, REQUIRE_SIGNED, String(on)));
  }

  // ---- internals ----------------------------------------------------------------------------

  private classify(staged: StagedPackage, installed: ExtensionRecord | null): PreparedInstall {
    const { id, version } = staged.extension.manifest;
    const base = {
      staged,
      id,
      version,
      installed,
      summary: summarizePermissions(staged.extension.policy),
    };
    if (this.requireSigned() && staged.signature.status !== 'signed')
      throw new ManagerError(
        `${staged.source} is ${describeSignature(staged.signature)}, and this Corral installs signed packages only; fix: get a signed package, trust its publisher's key ("corral trust add"), or run "corral trust require off"`,
      );
    if (!installed) return { ...base, kind: 'install', diff: null, needsConsent: true };
    const current = installed.current;
    const order = compareVersions(version, current.version);
    if (order === 0) {
      if (staged.contentSha256 === current.contentSha256)
        return { ...base, kind: 'same', diff: null, needsConsent: false };
      throw new ManagerError(
        `${id} ${version} is installed already, with other files; fix: give the package a new version, or run "corral uninstall ${id}" first`,
      );
    }
    if (order < 0)
      throw new ManagerError(
        `${staged.source} holds ${id} ${version}, older than the installed ${current.version}; fix: "corral rollback ${id}" returns to the previous version; to install an older one, uninstall first`,
      );
    if (
      current.signature.status === 'signed' &&
      !(
        staged.signature.status === 'signed' &&
        staged.signature.publisher === current.signature.publisher
      )
    )
      throw new ManagerError(
        `${id} ${current.version} is ${describeSignature(current.signature)}, but this update is ${describeSignature(staged.signature)}; fix: get an update signed with a key you trust for ${current.signature.publisher}, or uninstall first`,
      );
    const diff = diffPermissions(policyOf(current.manifest), staged.extension.policy);
    return { ...base, kind: 'update', diff, needsConsent: diff.needsConsent };
  }

  /**
   * Renames the staged root to ID/VERSION (inside the caller's transaction) and returns that
   * folder relative to the root. A folder of that name still named by the record (the previous
   * or pending version) is left alone and the new one gets a suffix; an unnamed one is garbage.
   */
  private placeFolder(
    from: string,
    id: string,
    version: string,
    fresh: ExtensionRecord | null,
  ): string {
    const idDir = join(this.root, id);
    mkdirSync(idDir, { recursive: true, mode: 0o755 });
    const named = new Set([fresh?.current.dir, fresh?.previous?.dir, fresh?.pending?.dir]);
    let dir = `${id}/${version}`;
    if (named.has(dir)) dir = `${id}/${version}~${randomUUID().slice(0, 8)}`;
    else if (existsSync(join(this.root, dir))) this.toTrash(join(this.root, dir));
    renameSync(from, join(this.root, dir));
    fsyncDir(idDir);
    fsyncDir(dirname(from));
    return dir;
  }

  /** Moves every folder no record names (and dead installers' staging folders) to .trash, then empties it. */
  collectGarbage(): void {
    mkdirSync(join(this.root, TRASH), { recursive: true, mode: 0o700 });
    this.write(() => {
      const named = new Set<string>();
      for (const r of readExtensions(this.db))
        for (const v of [r.current, r.previous, r.pending]) if (v) named.add(v.dir);
      for (const name of readdirSync(this.root)) {
        if (name === STAGING) {
          for (const s of readdirSync(join(this.root, STAGING)))
            if (!processAlive(Number.parseInt(s, 10))) this.toTrash(join(this.root, STAGING, s));
        } else if (EXTENSION_ID_PATTERN.test(name)) {
          const idDir = join(this.root, name);
          for (const v of readdirSync(idDir))
            if (!named.has(`${name}/${v}`)) this.toTrash(join(idDir, v));
          if (readdirSync(idDir).length === 0) rmdirSync(idDir);
        }
      }
    });
    for (const name of readdirSync(join(this.root, TRASH))) {
      try {
        rmSync(join(this.root, TRASH, name), { recursive: true, force: true });
      } catch {
        // Another corral is deleting it at the same moment; whoever comes next finishes.
      }
    }
  }

  private toTrash(path: string): void {
    renameSync(path, join(this.root, TRASH, randomUUID()));
  }

  private requireIn(id: string): ExtensionRecord {
    const record = readExtension(this.db, id);
    if (!record) throw new NotInstalledError(id);
    return record;
  }

  /** Reads, changes and writes one record in one transaction. */
  private change(id: string, edit: (r: ExtensionRecord) => ExtensionRecord): ExtensionRecord {
    return this.write(() => {
      const next = edit(this.requireIn(id));
      writeExtension(this.db, next);
      return next;
    });
  }

  /** Runs `fn` in an IMMEDIATE transaction: it holds the write lock from its first statement. */
  private write<T>(fn: () => T): T {
    try {
      const result = this.db.transaction(fn).immediate();
      this.localCommits++;
      return result;
    } catch (e) {
      if (e instanceof ManagerError || (e instanceof Error && e.name === 'PackageError')) throw e;
      if (
        (e as { code?: unknown }).code !== undefined &&
        String((e as { code: unknown }).code).startsWith('SQLITE')
      )
        throw stateError(managerStateFile(this.o.env), e);
      throw e;
    }
  }

  private read<T>(fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      if (
        (e as { code?: unknown }).code !== undefined &&
        String((e as { code: unknown }).code).startsWith('SQLITE')
      )
        throw stateError(managerStateFile(this.o.env), e);
      throw e;
    }
  }

  private now(): string {
    return (this.o.now?.() ?? new Date()).toISOString();
  }

  private event(
    id: string,
    op: string,
    record: ExtensionRecord,
    reason: string,
    kind: 'lifecycle' | 'permission' = 'lifecycle',
  ): void {
    this.o.audit?.({
      ext: id,
      layer: 'host',
      kind,
      op,
      target: this.dirOf(record.current),
      outcome: 'ok',
      reason,
    });
  }

  /**
   * Test hook: with CORRAL_TEST_INSTALL_PAUSE=staged|renamed, an install stops at that point for
   * CORRAL_TEST_PAUSE_MS (default 30 s) after saying so on stderr, so that a test can kill -9 it
   * there. "renamed" is inside the transaction, after the rename and before the commit.
   */
  private testPause(point: 'staged' | 'renamed'): void {
    if (this.o.env.CORRAL_TEST_INSTALL_PAUSE !== point) return;
    writeSync(2, `corral-test: paused at ${point}\n`);
    const ms = Number(this.o.env.CORRAL_TEST_PAUSE_MS ?? 30_000);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
  }
}

/** fsync a folder, so a rename in it survives a power cut (not only a killed process). */
function fsyncDir(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Whether process `pid` exists (EPERM: it does, as another user). */
function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as { code?: string }).code === 'EPERM';
  }
}

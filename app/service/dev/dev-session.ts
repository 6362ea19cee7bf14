// One `corral dev` session: an extension folder run in the production sandbox with production's
// rules (through the one pipeline: wireRunner → ExtensionRunner → confine), plus what an author
// needs, each relaxation said in the banner and marked in the log: a relaxed network only when
// asked (--net log|allow), mock folders instead of real files, synthetic endpoints, reload on
// change (linted first; a lint error stops the reload and the previous version keeps running),
// the access log inline with "would be denied in production" on what only debug mode allowed,
// the extension on a pseudo-terminal of the session's own, its questions for the author, and the
// learning run. A start that fails says why once, as `corral run` does: the exit witness reads the
// terminal (after the filter) for the cause and fix, and the extension waits for the next change
// instead of failing again the same way. The CLI (app/cli/dev.ts) and the app's debug view (dev.*
// contract methods) both drive this class; neither copies any of it.
import { createHash, randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readFileSync,
  realpathSync,
  watch,
  writeFileSync,
  type FSWatcher,
} from 'node:fs';
import { join, relative } from 'node:path';
import type { AuditEventInput } from '../../audit-event/event.ts';
import type { AuditSink } from '../../audit/jsonl-sink.ts';
import { lintPath, RULES_FILE } from '../../author/lint-folder.ts';
import { lintText } from '../../author/lint-text.ts';
import type {
  DevLogLine,
  DevProposal,
  DevQuestion,
  DevSessionView,
  DevState,
} from '../../contract/dev.ts';
import type { PathVariables } from '../../policy/variables.ts';
import type { PolicyFragment } from '../../policy/manifest.ts';
import { printRules } from '../../policy/rules.ts';
import { loadExtension, type LoadedExtension } from '../../runtime/extension-package.ts';
import { exitWitness, KEEP_LINE_CHARS, type ExitWitness } from '../../runtime/exit-diagnosis.ts';
import { explainFailure, visible } from '../../runtime/failure-cause.ts';
import { createNetFetcher } from '../../runtime/net-fetch.ts';
import { runtimeSupport } from '../../runtime/runtime-support.ts';
import { PATH_VARIABLE_ENV } from '../../policy/variables.ts';
import {
  withTimeout,
  type PermissionPrompt,
  type PromptAnswer,
  type PromptService,
} from '../../runtime/prompts.ts';
import type { ProxyStarter } from '../../sandbox/confine.ts';
import { lineSplitter } from '../../sandbox/status.ts';
import { plainTerminalLine } from '../../terminal/plain-line.ts';
import { openPty, type OwnedPty } from '../../terminal/pty.ts';
import { createRunFolder, removeRunFolder } from '../../platform/run-folder.ts';
import { sanitizeTerminalText } from '../../terminal/sanitize.ts';
import { wireRunner, type WiredRunner } from '../extension-runners.ts';
import type { Services } from '../services.ts';
import { debugLens, WOULD_BE_DENIED, type NetRelaxation } from './debug-lens.ts';
import { loadEndpoints, syntheticFetcher, type Endpoints } from './endpoints.ts';
import { LearningRecorder } from './learning-run.ts';
import { mockFolders, type MockFolders } from './mock-folders.ts';

export interface DevOptions {
  /** The extension folder (absolute). */
  dir: string;
  /** A real folder for ${workspace}; otherwise the mock one. */
  workspace?: string;
  net: NetRelaxation;
  fixtures?: string;
  endpoints?: string;
  learn: boolean;
  /** The terminal's size at the start. */
  size?: { cols: number; rows: number };
}

/** What the session tells whoever shows it. */
export type DevEvent =
  | { type: 'line'; line: DevLogLine }
  | { type: 'output'; data: string }
  | { type: 'state'; session: DevSessionView }
  | { type: 'question'; question: DevQuestion | null };

/** How long the extension's question waits for the author, as production's prompts do. */
const QUESTION_TIMEOUT_MS = 60_000;
/** Changes closer together than this make one reload. */
const RELOAD_DEBOUNCE_MS = 200;
/**
 * After a failed start the extension is gone and all it wrote is in the terminal's kernel buffer;
 * the session reads it before asking the witness: until the terminal has been quiet this long
 * since the failure…
 */
const TERMINAL_QUIET_MS = 100;
/** …but no longer than this (a buffer holds a few kilobytes: read in a few turns of the loop). */
const TERMINAL_SETTLE_MS = 1_000;
// What a change in the folder never reloads for: dependencies, version control, editors' swap.
const IGNORED = /(^|\/)(node_modules|\.git|__pycache__)(\/|$)|(~|\.swp|\.swx)$/;

/** A session that cannot start: one line naming the option and the fix. */
export class DevSessionError extends Error {}

export class DevSession {
  readonly id = randomBytes(8).toString('hex');
  private readonly scratch: string;
  private readonly mock: MockFolders;
  private readonly endpoints: Endpoints | null;
  private readonly pty: OwnedPty;
  private readonly recorder: LearningRecorder | null;
  private readonly relaxations: string[];
  private wired: WiredRunner | null = null;
  private extension: LoadedExtension | null = null;
  private stateValue: DevState = 'starting';
  private detail = 'starting';
  private reloads = 0;
  private lintErrors: string[] = [];
  private watcher: FSWatcher | null = null;
  private reloadTimer: NodeJS.Timeout | null = null;
  private reloading: Promise<void> = Promise.resolve();
  private question: { q: DevQuestion; answer: (a: PromptAnswer) => void } | null = null;
  private runCount = 0;
  private closed = false;
  /** The run's exit witness: what its terminal showed and its sandbox reported. */
  private witness: ExitWitness | null = null;
  /** The terminal's output in lines, for the witness: a line without end is cut, not kept whole. */
  private readonly terminalLines = lineSplitter(
    (line) => this.witness?.output('terminal', plainTerminalLine(line)),
    KEEP_LINE_CHARS,
  );
  private lastOutput = 0;
  /** The session's own start of the extension is under way (it says the outcome itself). */
  private starting = false;
  /** The runner's state changes, said in order (a crash's cause is read before it is said). */
  private stateSteps: Promise<void> = Promise.resolve();

  constructor(
    private readonly services: Services,
    private readonly o: DevOptions,
    private readonly audit: AuditSink,
    private readonly emit: (event: DevEvent) => void,
  ) {
    // Checked first: the session watches its folder recursively, which must be an extension's.
    if (!existsSync(join(o.dir, 'corral.json')))
      throw new DevSessionError(
        `${o.dir} has no corral.json; fix: give an extension's folder ("corral new NAME" makes one)`,
      );
    // A run folder: removed at the end whatever the extension left, swept if the session is killed.
    this.scratch = realpathSync(createRunFolder('corral-dev'));
    try {
      this.mock = mockFolders({
        scratch: join(this.scratch, 'files'),
        ...(o.fixtures !== undefined ? { fixtures: o.fixtures } : {}),
        workspace: o.workspace ?? null,
      });
      this.endpoints = o.endpoints === undefined ? null : loadEndpoints(o.endpoints);
    } catch (e) {
      removeRunFolder(this.scratch);
      throw new DevSessionError(e instanceof Error ? e.message : String(e));
    }
    this.recorder = o.learn ? new LearningRecorder(() => this.vars(0)) : null;
    this.relaxations = [
      ...(o.net === 'deny'
        ? []
        : [
            `network: --net ${o.net}: an access production would deny is allowed${o.net === 'log' ? ', and each is shown' : ''}, marked "${WOULD_BE_DENIED}"`,
          ]),
      ...this.mock.lines.map((l) => `files: ${l}`),
      ...(this.endpoints
        ? [
            `endpoints: ${[...this.endpoints.targets].join(', ')} answered from ${o.endpoints} (never the real service)`,
          ]
        : []),
      ...(o.learn
        ? [
            'learning: files in the mock folders, ipc and synthetic hosts production would deny are allowed and recorded; undeclared permission requests are granted',
          ]
        : []),
      'terminal: the extension runs on a pseudo-terminal of this session; its output is filtered',
    ];
    this.pty = openPty(o.size);
    // The witness reads what the filter let through, as the author saw it: what it quotes in the
    // cause is never more than the terminal showed, and the filter has already joined sequences
    // and characters cut between reads.
    this.pty.onOutput((data) => {
      this.lastOutput = performance.now();
      this.terminalLines.push(data);
      this.emit({ type: 'output', data });
    });
  }

  /** The session as the debug view shows it. */
  view(): DevSessionView {
    const m = this.extension?.manifest;
    return {
      id: this.id,
      dir: this.o.dir,
      extension: m ? { id: m.id, name: m.name, version: m.version } : null,
      state: this.stateValue,
      detail: this.detail,
      reloads: this.reloads,
      lintErrors: this.lintErrors,
      relaxations: this.relaxations,
      learning: this.o.learn,
      commands: (m?.contributes?.commands ?? []).map((c) => ({ id: c.id, title: c.title })),
    };
  }

  /** Lints, loads and starts the extension, then reloads it whenever its folder changes. */
  async start(): Promise<void> {
    await this.load('start');
    this.watcher = watch(this.o.dir, { recursive: true }, (_event, name) => {
      if (name && IGNORED.test(String(name))) return;
      if (this.reloadTimer) clearTimeout(this.reloadTimer);
      this.reloadTimer = setTimeout(() => {
        this.reloadTimer = null;
        void this.reload(String(name ?? ''));
      }, RELOAD_DEBOUNCE_MS);
    });
    this.watcher.on('error', (e) => this.note(`watching ${this.o.dir} stopped: ${e.message}`));
  }

  /** Lints again and, when clean, restarts with the new code and manifest. */
  reload(changed = ''): Promise<void> {
    this.reloading = this.reloading.then(() => (this.closed ? undefined : this.load(changed)));
    return this.reloading;
  }

  /** Runs one of the extension's commands. */
  async execute(command: string, args: unknown[]): Promise<unknown> {
    await this.reloading;
    const runner = this.wired?.runner;
    if (!runner || runner.state !== 'ready')
      throw new DevSessionError(
        `the extension is not running (${this.stateValue}: ${this.detail})`,
      );
    return runner.execute(command, args);
  }

  /** Text or keys for the extension's terminal. */
  input(data: string): void {
    this.pty.write(data);
  }

  resize(cols: number, rows: number): void {
    this.pty.resize(cols, rows);
  }

  /** The author's answer to the extension's open question. */
  answer(id: string, answer: PromptAnswer): boolean {
    if (!this.question || this.question.q.id !== id) return false;
    this.question.answer(answer);
    return true;
  }

  /** The open question, if any. */
  openQuestion(): DevQuestion | null {
    return this.question?.q ?? null;
  }

  /** What the learning run proposes now (null when this session is not learning). */
  proposal(): DevProposal | null {
    if (!this.recorder || !this.extension) return null;
    const current = this.extension.policy;
    const p = this.recorder.propose(current);
    const manifest = proposedManifest(this.o.dir, p.permissions, p.optionalPermissions);
    const lint = lintText(manifest, 'corral.json');
    const keepsRules = existsSync(join(this.o.dir, RULES_FILE));
    return {
      id: createHash('sha256').update(manifest).digest('hex').slice(0, 16),
      files: keepsRules ? ['corral.json', RULES_FILE] : ['corral.json'],
      manifest,
      rules: p.rules,
      diff: p.diff,
      notes: p.notes,
      findings: lint.findings.map((f) => `${f.severity} ${f.rule}: ${f.message}`),
    };
  }

  /**
   * Writes the proposal into corral.json, and into corral.rules when the folder keeps one (printed
   * from the same permissions and the manifest's limits, so the two never drift; the rules file's
   * comments are not kept, which the prompt says). Returns the files written.
   */
  writeProposal(proposal: DevProposal): string[] {
    const written = [join(this.o.dir, 'corral.json')];
    writeFileSync(written[0]!, proposal.manifest);
    if (proposal.files.includes(RULES_FILE)) {
      const m = JSON.parse(proposal.manifest) as PolicyFragment;
      written.push(join(this.o.dir, RULES_FILE));
      writeFileSync(
        written[1]!,
        printRules({
          permissions: m.permissions ?? {},
          ...(m.optionalPermissions ? { optionalPermissions: m.optionalPermissions } : {}),
          ...(m.limits ? { limits: m.limits } : {}),
        }),
      );
    }
    this.note(`wrote the proposal to ${written.join(' and ')}`);
    return written;
  }

  /** Writes the proposal named `id` if it is still what the run proposes; else says it changed. */
  writeProposalById(id: string): string[] {
    const now = this.proposal();
    if (!now) throw new DevSessionError('this session is not learning; start it with --learn');
    if (now.id !== id)
      throw new DevSessionError(
        'the proposal changed since it was shown (the extension tried more); look at it again, then answer',
      );
    return this.writeProposal(now);
  }

  /** Stops the extension and the watcher, removes the scratch folders. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.watcher?.close();
    if (this.reloadTimer) clearTimeout(this.reloadTimer);
    this.question?.answer('deny');
    await this.reloading;
    await this.wired?.dispose();
    this.wired = null;
    this.setState('stopped', 'the session ended');
    this.pty.close();
    const failed = removeRunFolder(this.scratch);
    if (failed) this.note(`${failed}; the next corral dev removes it`);
  }

  private vars(run: number): PathVariables {
    return { ...this.mock.vars, tmp: join(this.scratch, `tmp-${run}`) };
  }

  private async load(changed: string): Promise<void> {
    const first = changed === 'start';
    if (!first) {
      this.setState('reloading', changed ? `${changed} changed` : 'reload asked');
      this.line('reload', `${changed || 'reload asked'}: linting, then restarting`, 'info');
    }
    const errors = await this.lint();
    if (errors.length > 0) {
      this.lintErrors = errors;
      for (const e of errors) this.line('lint', e, 'error');
      this.setState(
        'lint-failed',
        `lint: ${errors.length} error${errors.length === 1 ? '' : 's'}; ${this.wired ? 'the previous version keeps running' : 'nothing runs'} until they are fixed`,
      );
      return;
    }
    this.lintErrors = [];
    let extension: LoadedExtension;
    try {
      extension = await loadExtension(this.o.dir, this.o.dir);
    } catch (e) {
      this.line('lint', e instanceof Error ? e.message : String(e), 'error');
      this.setState('lint-failed', 'the extension could not be loaded');
      return;
    }
    await this.wired?.dispose();
    this.wired = null;
    this.extension = extension;
    if (!first) this.reloads++;
    const run = ++this.runCount;
    const witness = exitWitness(extension.manifest, extension.policy, this.vars(run));
    this.witness = witness;
    this.wired = this.wire(extension, run, witness);
    this.starting = true;
    try {
      await this.wired.runner.start();
      this.setState('ready', first ? 'started' : `reloaded (${this.reloads})`);
    } catch (e) {
      await this.terminalQuiet();
      this.terminalLines.end(); // its last words may lack a newline
      const why = explainFailure(e, witness);
      // Started again unchanged, it would fail the same way: a change in the folder (or "reload")
      // is the retry. Said once, in the state (the CLI's "[dev] crashed:" line, the view's status).
      await this.wired.dispose();
      this.wired = null;
      this.setState('crashed', why);
    } finally {
      this.starting = false;
    }
  }

  /** Runs `step` after the state changes before it: a crash is said before the restart after it. */
  private afterState(step: () => void | Promise<void>): void {
    this.stateSteps = this.stateSteps
      .then(step)
      .catch((e: unknown) =>
        this.line(
          'lifecycle',
          `the session's state: ${e instanceof Error ? e.message : String(e)}`,
          'error',
        ),
      );
  }

  /**
   * The running extension went away: said once, in the state, with the cause and fix when what
   * its terminal showed or its sandbox reported explains it (read once the terminal is quiet).
   */
  private async wentAway(why: string): Promise<void> {
    await this.terminalQuiet();
    const d = this.witness?.diagnose();
    if (!d || d.evidence === 'exit') return this.setState('crashed', visible(why));
    // "exit status 3; restarting in 500 ms": the cause names the exit already, the rest stays.
    const [exit = '', ...next] = why.split('; ');
    const said = d.cause.includes(exit) ? next : [exit, ...next];
    this.setState('crashed', visible([d.cause, ...said, `fix: ${d.fix}`].join('; ')));
  }

  /** Resolves once the terminal has been quiet for TERMINAL_QUIET_MS, or TERMINAL_SETTLE_MS on. */
  private async terminalQuiet(): Promise<void> {
    // Measured from now at the earliest: output not read yet has not moved lastOutput.
    const from = performance.now();
    const until = from + TERMINAL_SETTLE_MS;
    for (;;) {
      const quietAt = Math.max(this.lastOutput, from) + TERMINAL_QUIET_MS;
      const wait = Math.min(quietAt, until) - performance.now();
      if (wait <= 0) return;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }

  private async lint(): Promise<string[]> {
    const reports = await lintPath(this.o.dir, this.o.dir);
    const out: string[] = [];
    for (const r of reports) {
      const name = relative(this.o.dir, r.file) || r.file;
      if (r.error) out.push(`${name}: ${r.error}`);
      for (const f of r.findings) {
        if (f.severity === 'error')
          out.push(
            `${name}:${f.line ?? 1}: ${f.rule}: ${f.message}${f.fix ? `; fix: ${f.fix}` : ''}`,
          );
        else
          this.line(
            'lint',
            `${name}:${f.line ?? 1}: ${f.severity} ${f.rule}: ${f.message}`,
            'warning',
          );
      }
    }
    return out;
  }

  private wire(extension: LoadedExtension, run: number, witness: ExitWitness): WiredRunner {
    const vars = this.vars(run);
    mkdirSync(vars.tmp, { recursive: true, mode: 0o700 });
    const endpoints = this.endpoints;
    const real = createNetFetcher();
    const net = endpoints
      ? syntheticFetcher(endpoints, real, (url, matched) =>
          this.note(
            matched
              ? `synthetic endpoint answered ${url}`
              : `no synthetic endpoint for ${url}: answered 404 (the real service was not asked)`,
          ),
        )
      : real;
    const recorder = this.recorder;
    const support = runtimeSupport(extension.manifest.runtime);
    return wireRunner(this.services, {
      extension,
      // A learning run starts from a manifest that may name no folder: the SDKs learn where every
      // (mock) folder is, which production tells only an extension granted something there.
      runtimeSupport: recorder
        ? { ...support, env: { ...support.env, ...this.mockEnvironment() } }
        : support,
      workspace: vars.workspace,
      vars: { home: vars.home, documents: vars.documents, downloads: vars.downloads },
      dataDir: vars.extensionData,
      tmpDir: vars.tmp,
      audit: (event) => {
        witness.audit(event);
        this.record(event);
      },
      prompts: this.prompts(),
      net,
      terminalSlave: this.pty.slave,
      lens: debugLens({
        net: this.o.net,
        learn: this.o.learn,
        learnRoots: this.mock.roots,
        synthetic: (host, port) => endpoints?.covers(host, port) ?? false,
        ...(recorder ? { observe: (r, d) => recorder.observe(r, d) } : {}),
      }),
      ...(recorder
        ? {
            undeclaredRequest: (p) => {
              recorder.requested(p);
              return true;
            },
          }
        : {}),
      proxyAlways: this.o.net !== 'deny' || endpoints !== null,
      startProxy: this.proxyStarter(),
      onLog: (level, message) =>
        this.line(
          'log',
          `${level}: ${sanitizeTerminalText(message)}`,
          level === 'error' ? 'error' : 'info',
        ),
      onState: (state, why) => {
        // A failed start is said once, by load(), with its cause: not as each step of its failure.
        if (this.starting) return;
        if (state === 'crashed' || state === 'disabled') {
          const wired = this.wired;
          // Unless a reload has replaced the runner meanwhile: its state is the session's now.
          this.afterState(() => (this.wired === wired ? this.wentAway(why) : undefined));
        }
        // The runner started it again after a crash: the session says so, or it would go on
        // saying "crashed" about an extension that runs.
        if (state === 'ready')
          this.afterState(() => {
            if (this.stateValue === 'crashed') this.setState('ready', 'restarted after a crash');
          });
      },
      restart: { maxCrashes: 3, windowMs: 60_000, baseDelayMs: 500, maxDelayMs: 5_000 },
    });
  }

  /**
   * The proxy for tools that honour HTTP(S)_PROXY. A host the endpoints file answers is refused
   * there: the proxy would reach the real service, which a synthetic endpoint exists to avoid.
   */
  private proxyStarter(): ProxyStarter {
    const endpoints = this.endpoints;
    return async (o) => {
      const { startSandboxProxy } = await import('../../net/sandbox-proxy.ts');
      return startSandboxProxy({
        ...o,
        decider: () => {
          const d = o.decider();
          if (!endpoints) return d;
          return (request) =>
            request.kind === 'net' && endpoints.covers(request.host, request.port)
              ? {
                  decision: 'deny',
                  reason: `${request.host}:${request.port} has synthetic endpoints, which answer net.fetch only; the proxy would reach the real service`,
                }
              : d(request);
        },
      });
    };
  }

  private mockEnvironment(): Record<string, string> {
    const v = this.mock.vars;
    return {
      [PATH_VARIABLE_ENV.home]: v.home,
      [PATH_VARIABLE_ENV.documents]: v.documents,
      [PATH_VARIABLE_ENV.downloads]: v.downloads,
    };
  }

  private prompts(): PromptService {
    return withTimeout(
      {
        ask: (prompt: PermissionPrompt, signal: AbortSignal) =>
          new Promise<PromptAnswer>((resolve) => {
            const q: DevQuestion = {
              session: this.id,
              id: randomBytes(8).toString('hex'),
              question: sanitizeTerminalText(prompt.question),
              target: sanitizeTerminalText(prompt.target),
            };
            const done = (a: PromptAnswer) => {
              if (this.question?.q.id === q.id) this.question = null;
              this.emit({ type: 'question', question: null });
              resolve(a);
            };
            this.question?.answer('deny'); // one at a time, as production asks
            this.question = { q, answer: done };
            signal.addEventListener('abort', () => done('deny'));
            this.emit({ type: 'question', question: q });
          }),
      },
      QUESTION_TIMEOUT_MS,
    );
  }

  private record(event: AuditEventInput): void {
    this.audit.record(event);
    if (event.layer === 'kernel' && event.decision === 'deny')
      this.recorder?.kernelDenial(event.op);
    // Lifecycle steps that went well are the state line's business, not the log's.
    if (event.kind === 'lifecycle' && (event.outcome ?? 'ok') === 'ok' && event.decision !== 'deny')
      return;
    const debug = event.reason.startsWith(WOULD_BE_DENIED);
    if (debug && this.o.net === 'allow' && event.kind === 'net' && this.seenAllowed(event)) return;
    // Event version 2: the policy's decision, and how the step came out when it says so.
    const result = [event.decision, event.outcome].filter(Boolean).join(', ');
    this.line(
      'access',
      `${event.layer} ${event.kind} ${event.op} ${sanitizeTerminalText(event.target)}: ${result} (${sanitizeTerminalText(event.reason)})`,
      event.decision ?? (event.outcome === 'ok' ? 'info' : 'error'),
      debug,
    );
  }

  private readonly allowedHosts = new Set<string>();

  /** With --net allow, each relaxed host is shown once, not on every access. */
  private seenAllowed(event: AuditEventInput): boolean {
    if (this.allowedHosts.has(event.target)) return true;
    this.allowedHosts.add(event.target);
    return false;
  }

  private note(text: string): void {
    this.line('note', text, 'info');
  }

  private line(
    kind: DevLogLine['kind'],
    text: string,
    level: DevLogLine['level'],
    debug = false,
  ): void {
    this.emit({
      type: 'line',
      line: { ts: new Date().toISOString(), kind, text: text.slice(0, 4096), debug, level },
    });
  }

  private setState(state: DevState, detail: string): void {
    this.stateValue = state;
    this.detail = detail.slice(0, 4096);
    this.emit({ type: 'state', session: this.view() });
  }
}

/** corral.json with the proposed permissions in place of its own, formatted as a person would. */
function proposedManifest(dir: string, permissions: object, optionalPermissions: object): string {
  const current = JSON.parse(readManifest(dir)) as Record<string, unknown>;
  const next: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(current)) {
    if (k === 'optionalPermissions') continue;
    next[k] = k === 'permissions' ? permissions : v;
    if (k === 'permissions' && Object.keys(optionalPermissions).length > 0)
      next.optionalPermissions = optionalPermissions;
  }
  if (!('permissions' in next)) next.permissions = permissions;
  return JSON.stringify(next, null, 2) + '\n';
}

/** corral.json as the author has it now (not as it was loaded): what the proposal replaces. */
function readManifest(dir: string): string {
  return readFileSync(join(dir, 'corral.json'), 'utf8');
}

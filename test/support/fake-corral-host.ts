// A fake Corral host that speaks the UI contract: every call's input is parsed with the method's
// schema and every answer and event is checked against the contract before it leaves, so the
// renderer under test only ever sees what a real host could send. It keeps enough state (installed
// extensions, prompts, the audit log with seqs, settings) for the views to be used end to end.
// Pure: the renderer's unit tests drive it through a transport, the e2e fixture over a WebSocket.
import {
  CONTRACT_VERSION,
  events as eventSchemas,
  fail,
  isMethodName,
  isPolicyDenial,
  methods,
  ok,
  policyDecision,
  type AlertView,
  type ContractError,
  type ContractResult,
  type ContractTransport,
  type DeniedAlways,
  type DevProposal,
  type DevSessionView,
  type DoctorReportView,
  type EventName,
  type EventPayload,
  type ExtensionDetails,
  type MethodName,
  type MethodOutput,
  type MethodParsedInput,
  type PendingUpdate,
  type PromptAnswerView,
  type PromptView,
  type Settings,
  type StagedInstall,
  type TrustedKeyView,
} from '../../app/contract/index.ts';
import { csvHeader, csvRow, jsonLine } from '../../app/audit-event/export-format.ts';
import {
  cannedAlerts,
  cannedDeniedAlways,
  cannedExtensions,
  cannedSettings,
  cannedTrustedKeys,
  commandsOf,
  generateAuditEvents,
  reducedDoctor,
  type AuditEvent,
} from './fake-corral-data.ts';

type Handler<M extends MethodName> = (
  input: MethodParsedInput<M>,
) => MethodOutput<M> | ContractError | Promise<MethodOutput<M> | ContractError>;
type Handlers = { [M in MethodName]: Handler<M> };
type Listener = (name: EventName, payload: unknown) => void;

export interface FakeHostOptions {
  shell?: 'serve' | 'electron';
  contractVersion?: number;
  /** Audit events in the log at start, spread over the last hour. */
  auditEvents?: number;
  doctor?: DoctorReportView;
  now?: () => number;
}

const ANSWER_WORDS: Record<PromptAnswerView, string> = {
  'allow-once': 'Allow once',
  'allow-always': 'Allow always',
  deny: 'Deny',
  'deny-always': 'Deny always',
};

/** The empty answer of methods that answer nothing. */
const DONE: Record<string, never> = {};

const isError = (x: unknown): x is ContractError =>
  typeof x === 'object' && x !== null && 'code' in x && 'message' in x;

export class FakeCorralHost {
  readonly calls: { method: string; input: unknown }[] = [];
  extensions: ExtensionDetails[];
  prompts: PromptView[] = [];
  audit: AuditEvent[];
  settings: Settings = { ...cannedSettings };
  trusted: TrustedKeyView[];
  deniedAlways: DeniedAlways[];
  doctor: DoctorReportView;
  alerts: AlertView[];
  readonly staged = new Map<string, StagedInstall>();
  readonly pendingUpdates = new Map<string, PendingUpdate>();
  private readonly listeners = new Set<Listener>();
  private readonly failures = new Map<string, ContractError>();
  private readonly now: () => number;
  private readonly options: FakeHostOptions;
  private tokens = 0;

  constructor(options: FakeHostOptions = {}) {
    this.options = options;
    this.now = options.now ?? (() => Date.now());
    const now = this.now();
    this.extensions = cannedExtensions(now);
    this.audit = generateAuditEvents(0, options.auditEvents ?? 0, now, 3_600_000);
    for (const e of this.extensions)
      e.recentEvents = this.audit.filter((a) => a.ext === e.summary.id).slice(-20);
    this.trusted = cannedTrustedKeys(now);
    this.deniedAlways = cannedDeniedAlways(now);
    this.doctor = options.doctor ?? reducedDoctor;
    this.alerts = cannedAlerts(now);
    const git = this.find('devtools.git-helper');
    if (git)
      this.pendingUpdates.set(git.summary.id, {
        id: git.summary.id,
        name: git.summary.name,
        fromVersion: git.summary.version,
        toVersion: '1.0.0',
        summary: [...git.grants.map((g) => g.item)],
        diff: {
          grants: [
            {
              change: 'added',
              item: {
                sentence: 'Connect to github.com (port 443)',
                risk: 'medium',
                grant: 'net[0]',
                optional: false,
                rules: ['connect github.com:443'],
                notes: [],
              },
              rules: ['connect github.com:443'],
            },
          ],
          limits: [{ limit: 'limits.memoryMB', from: 256, to: 512, raised: true }],
          unchanged: [],
          needsConsent: true,
        },
      });
  }

  /** The next call of `method` answers with this error instead. */
  failNext(method: MethodName, error: ContractError): void {
    this.failures.set(method, error);
  }

  /** One call, as a transport delivers it: the raw result envelope. */
  async call(method: string, input: unknown): Promise<ContractResult<unknown>> {
    this.calls.push({ method, input });
    if (!isMethodName(method)) return fail('unknown-method', `No method ${method}.`);
    const parsed = methods[method].input.safeParse(input);
    if (!parsed.success)
      return fail('invalid-input', `${method}: ${parsed.error.issues[0]?.message ?? 'bad input'}`);
    const failure = this.failures.get(method);
    if (failure) {
      this.failures.delete(method);
      return { ok: false, error: failure };
    }
    const handler = this.handlers[method] as Handler<MethodName>;
    const value = await handler(parsed.data as never);
    if (isError(value)) return { ok: false, error: value };
    // A fake that answers outside the contract is a bug in the test, not in the UI.
    methods[method].output.parse(value);
    return ok(value);
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Pushes an event to every connected UI, checked against the contract first. */
  emit<E extends EventName>(name: E, payload: EventPayload<E>): void {
    eventSchemas[name].parse(payload);
    for (const listener of this.listeners) listener(name, payload);
  }

  /**
   * Appends `count` new audit events (now) and pushes them in contract-sized batches (unless
   * `push` is false: a gap for the UI to find); `distinct` gives each its own target string.
   */
  addAuditEvents(
    count: number,
    options: { push?: boolean; distinct?: boolean } = {},
  ): AuditEvent[] {
    const fresh = generateAuditEvents(
      this.headSeq() + 1,
      count,
      this.now(),
      1000,
      11,
      options.distinct,
    );
    this.audit.push(...fresh);
    if (options.push !== false)
      for (let i = 0; i < fresh.length; i += 2000)
        this.emit('onAuditEvents', { events: fresh.slice(i, i + 2000) });
    return fresh;
  }

  headSeq(): number {
    return this.audit.at(-1)?.seq ?? -1;
  }

  /** Asks a permission question, as an extension's request would. */
  ask(prompt: Partial<PromptView> = {}): PromptView {
    const now = this.now();
    const full: PromptView = {
      id: `prompt-${++this.tokens}-abcdef`,
      ext: 'acme.notes-sync',
      extName: 'Notes Sync',
      question: 'Notes Sync wants to read files in your Downloads folder.',
      target: '/home/alex/Downloads/receipts-2026.pdf',
      rules: ['read ${downloads}'],
      risk: 'medium',
      waiting: 1,
      createdAt: new Date(now).toISOString(),
      deadline: new Date(now + this.settings.promptTimeoutSeconds * 1000).toISOString(),
      ...prompt,
    };
    this.prompts.push(full);
    this.emit('onPrompt', full);
    return full;
  }

  /** Closes a question as the host would (answered elsewhere, timed out, extension stopped). */
  closePrompt(
    id: string,
    why: EventPayload<'onPromptClosed'>['why'],
    message: string,
    answer?: PromptAnswerView,
  ): void {
    const prompt = this.prompts.find((p) => p.id === id);
    if (!prompt) throw new Error(`no prompt ${id}`);
    this.prompts = this.prompts.filter((p) => p.id !== id);
    this.emit('onPromptClosed', {
      id,
      ext: prompt.ext,
      why,
      message,
      ...(answer ? { answer } : {}),
    });
  }

  find(id: string): ExtensionDetails | undefined {
    return this.extensions.find((e) => e.summary.id === id);
  }

  private change(
    id: string,
    patch: Partial<ExtensionDetails['summary']>,
  ): ExtensionDetails['summary'] | ContractError {
    const ext = this.find(id);
    if (!ext) return { code: 'not-found', message: `${id} is not installed.` };
    ext.summary = { ...ext.summary, ...patch };
    this.emit('onExtensionState', { extension: ext.summary });
    return ext.summary;
  }

  private setGrant(id: string, rule: string, state: 'granted' | 'revoked') {
    const ext = this.find(id);
    if (!ext) return { code: 'not-found' as const, message: `${id} is not installed.` };
    const grant = ext.grants.find((g) => g.rule === rule);
    if (!grant) return { code: 'not-found' as const, message: `${id} has no grant "${rule}".` };
    grant.state = state;
    return structuredClone(ext);
  }

  private matching(filter: MethodParsedInput<'audit.query'>): AuditEvent[] {
    const text = filter.text?.toLowerCase();
    return this.audit.filter(
      (e) =>
        (filter.ext === undefined || e.ext === filter.ext) &&
        (filter.layer === undefined || e.layer === filter.layer) &&
        (filter.kind === undefined || e.kind === filter.kind) &&
        (filter.decision === undefined || policyDecision(e) === filter.decision) &&
        (filter.outcome === undefined || e.outcome === filter.outcome) &&
        (filter.afterSeq === undefined || e.seq > filter.afterSeq) &&
        (filter.beforeSeq === undefined || e.seq < filter.beforeSeq) &&
        (text === undefined ||
          e.op.toLowerCase().includes(text) ||
          e.target.toLowerCase().includes(text) ||
          e.reason.toLowerCase().includes(text)),
    );
  }

  private stageFrom(name: string): StagedInstall {
    const token = `staged-token-${String(++this.tokens).padStart(6, '0')}`;
    const staged: StagedInstall = {
      token,
      id: 'acme.todo',
      name: 'Todo Lists',
      version: '1.0.0',
      publisher: 'acme',
      description: `Keeps your todo lists (from ${name}).`,
      signature: { status: 'signed', keyId: 'ed25519:7f3a9c21', publisher: 'acme' },
      kind: 'install',
      installedVersion: null,
      summary: [
        {
          sentence: 'Read and change files in Documents/Todo',
          risk: 'medium',
          grant: 'fs[0]',
          optional: false,
          rules: ['write ${documents}/Todo'],
          notes: [],
        },
        {
          sentence: 'Connect to sync.acme-cloud.example (port 443)',
          risk: 'medium',
          grant: 'net[0]',
          optional: false,
          rules: ['connect sync.acme-cloud.example:443'],
          notes: [],
        },
      ],
      overallRisk: 'medium',
      diff: null,
      needsConsent: true,
    };
    this.staged.set(token, staged);
    return staged;
  }

  private readonly handlers: Handlers = {
    'session.hello': () => ({
      contractVersion: this.options.contractVersion ?? CONTRACT_VERSION,
      hostVersion: '0.1.0',
      shell: this.options.shell ?? 'serve',
    }),
    'extensions.list': () => this.extensions.map((e) => e.summary),
    'extensions.get': ({ id }) =>
      this.find(id)
        ? structuredClone(this.find(id)!)
        : { code: 'not-found', message: `${id} is not installed.` },
    'extensions.stage': ({ source }) =>
      this.stageFrom(source.kind === 'upload' ? source.name : source.path),
    'extensions.choosePackage': () => this.stageFrom('the file you chose'),
    'extensions.install': ({ token }) => {
      const staged = this.staged.get(token);
      if (!staged)
        return { code: 'not-found', message: 'That package is no longer staged: choose it again.' };
      this.staged.delete(token);
      const summary = {
        id: staged.id,
        name: staged.name,
        version: staged.version,
        publisher: staged.publisher,
        description: staged.description,
        state: 'stopped' as const,
        stateReason: 'Installed; starts on demand',
        enabled: true,
        quarantine: null,
        signature: staged.signature,
        pendingUpdate: null,
        previousVersion: null,
        resources: null,
      };
      this.extensions.push({
        summary,
        grants: staged.summary.map((item) => ({ rule: item.rules[0]!, item, state: 'granted' })),
        commands: [],
        limits: [],
        recentLog: [],
        recentEvents: [],
      });
      this.emit('onExtensionState', { extension: summary });
      return summary;
    },
    'extensions.cancelInstall': ({ token }) => {
      this.staged.delete(token);
      return DONE;
    },
    'extensions.pendingUpdate': ({ id }) =>
      this.pendingUpdates.get(id) ?? { code: 'not-found', message: `${id} has no update waiting.` },
    'extensions.approveUpdate': ({ id, version, approve }) => {
      this.pendingUpdates.delete(id);
      return this.change(
        id,
        approve
          ? {
              version,
              pendingUpdate: null,
              previousVersion: this.find(id)?.summary.version ?? null,
            }
          : { pendingUpdate: null },
      );
    },
    'extensions.enable': ({ id, liftQuarantine }) => {
      const ext = this.find(id);
      if (ext?.summary.quarantine && !liftQuarantine)
        return {
          code: 'refused',
          message: `${id} is quarantined: lift the quarantine to enable it.`,
        };
      return this.change(id, {
        enabled: true,
        quarantine: null,
        state: 'stopped',
        stateReason: 'Enabled by you; starts on demand',
      });
    },
    'extensions.disable': ({ id }) =>
      this.change(id, {
        enabled: false,
        state: 'disabled',
        stateReason: 'Disabled by you',
        resources: null,
      }),
    'extensions.start': ({ id }) =>
      this.change(id, { state: 'running', stateReason: 'Started by you' }),
    'extensions.stop': ({ id }) =>
      this.change(id, { state: 'stopped', stateReason: 'Stopped by you', resources: null }),
    'extensions.restart': ({ id }) =>
      this.change(id, { state: 'running', stateReason: 'Restarted by you' }),
    'extensions.quarantine': ({ id, reason }) =>
      this.change(id, {
        enabled: false,
        state: 'quarantined',
        stateReason: 'Quarantined by you',
        quarantine: { at: new Date(this.now()).toISOString(), reason },
        resources: null,
      }),
    'extensions.uninstall': ({ id }) => {
      if (!this.find(id)) return { code: 'not-found', message: `${id} is not installed.` };
      this.extensions = this.extensions.filter((e) => e.summary.id !== id);
      this.emit('onExtensionState', { id, removed: true });
      return DONE;
    },
    'extensions.rollback': ({ id }) => {
      const previous = this.find(id)?.summary.previousVersion;
      if (!previous)
        return { code: 'refused', message: `${id} has no earlier version to return to.` };
      return this.change(id, { version: previous, previousVersion: null });
    },
    'grants.revoke': ({ id, rule }) => this.setGrant(id, rule, 'revoked'),
    'grants.restore': ({ id, rule }) => this.setGrant(id, rule, 'granted'),
    'grants.listDeniedAlways': () => this.deniedAlways,
    'grants.resetDeniedAlways': ({ ext, rule }) => {
      this.deniedAlways = this.deniedAlways.filter((d) => !(d.ext === ext && d.rule === rule));
      const grant = this.find(ext)?.grants.find((g) => g.rule === rule);
      if (grant?.state === 'denied-always') grant.state = 'ask';
      return this.deniedAlways;
    },
    'prompts.list': () => this.prompts,
    'prompts.answer': ({ id, answer }) => {
      if (!this.prompts.some((p) => p.id === id))
        return { code: 'not-found', message: 'This question was already answered or has ended.' };
      this.closePrompt(
        id,
        'answered',
        `Answered in another window: ${ANSWER_WORDS[answer]}`,
        answer,
      );
      return DONE;
    },
    'prompts.hold': ({ id }) => {
      const prompt = this.prompts.find((p) => p.id === id);
      if (!prompt)
        return { code: 'not-found', message: 'This question was already answered or has ended.' };
      prompt.deadline = null;
      this.emit('onPrompt', prompt);
      return DONE;
    },
    'audit.query': (input) => {
      const all = this.matching(input);
      const page = all.slice(-input.limit).reverse();
      return { events: page, headSeq: this.headSeq(), more: all.length > input.limit };
    },
    'audit.export': ({ filter, format }) => {
      const events = this.matching({ ...filter, limit: 10_000 });
      const content =
        format === 'csv'
          ? csvHeader() + events.map(csvRow).join('')
          : events.map(jsonLine).join('');
      return {
        fileName: `corral-audit.${format === 'csv' ? 'csv' : 'jsonl'}`,
        mimeType: format === 'csv' ? 'text/csv' : 'application/x-ndjson',
        content,
        events: events.length,
        truncated: false,
      };
    },
    'audit.event': ({ seq }) =>
      this.audit.find((e) => e.seq === seq) ?? { code: 'not-found', message: `No event ${seq}.` },
    'commands.list': () => commandsOf(this.extensions),
    'commands.run': ({ extensionId, command, args }) => {
      if (command === 'wordcount.count') {
        if (typeof args[0] !== 'string')
          return {
            code: 'extension-failed',
            message: 'Word Count failed: give the file as the first argument, e.g. ["notes.md"].',
          };
        return { result: { file: args[0], words: 1234 }, durationMs: 42 };
      }
      if (!this.find(extensionId))
        return { code: 'not-found', message: `${extensionId} is not installed.` };
      return { result: `ran ${command}`, durationMs: 7 };
    },
    'dashboard.get': ({ minutes }) => {
      const since = this.now() - minutes * 60_000;
      const series = new Map<string, Map<number, number>>();
      for (const e of this.audit) {
        const t = Date.parse(e.ts);
        if (!isPolicyDenial(e) || t < since) continue;
        const minute = Math.floor(t / 60_000) * 60_000;
        const points = series.get(e.ext) ?? new Map<number, number>();
        points.set(minute, (points.get(minute) ?? 0) + 1);
        series.set(e.ext, points);
      }
      return {
        denials: [...series].map(([ext, points]) => ({
          ext,
          points: [...points].map(([t, denials]) => ({ t: new Date(t).toISOString(), denials })),
        })),
        alerts: this.alerts,
        resources: this.extensions
          .filter((e) => e.summary.resources)
          .map((e) => ({ id: e.summary.id, use: e.summary.resources! })),
        mode: this.doctor,
      };
    },
    'doctor.report': () => this.doctor,
    'settings.get': () => this.settings,
    'settings.set': (patch) => {
      this.settings = { ...this.settings, ...patch };
      return this.settings;
    },
    'trust.list': () => this.trusted,
    'trust.add': ({ publisher, publicKeyPem }) => {
      if (!publicKeyPem.includes('BEGIN PUBLIC KEY'))
        return {
          code: 'invalid-input',
          message:
            'That is not a PEM public key: paste the text that starts with -----BEGIN PUBLIC KEY-----.',
        };
      this.trusted = [
        ...this.trusted,
        {
          keyId: `ed25519:${(this.trusted.length + 1).toString(16).padStart(8, '0')}`,
          publisher,
          addedAt: new Date(this.now()).toISOString(),
        },
      ];
      return this.trusted;
    },
    'trust.remove': ({ keyId }) => {
      this.trusted = this.trusted.filter((k) => k.keyId !== keyId);
      return this.trusted;
    },
    ...this.devHandlers(),
  };

  /** Debug sessions: a terminal that echoes what is typed, as a shell on a pty would. */
  readonly devSessions = new Map<string, DevSessionView>();
  /** What was typed into each session's terminal, in order. */
  readonly devTyped: string[] = [];
  /** What a learning session proposes (a test may change it, as a run that learned more). */
  devProposal: DevProposal = {
    id: '0123456789abcdef',
    files: ['corral.json'],
    manifest:
      '{\n  "id": "acme.notes",\n  "permissions": {\n    "fs": [{ "path": "${workspace}", "access": "read" }],\n    "net": [{ "host": "api.example.com" }]\n  }\n}\n',
    rules: ['read ${workspace}', 'connect api.example.com:443'],
    diff: ['  read ${workspace}', '+ connect api.example.com:443', '- write ${documents}'],
    notes: ['/etc/shadow was tried and refused: not proposed (outside every folder)'],
    findings: ['warning net-http: api.example.com is reached over HTTPS only'],
  };
  /** The proposal ids a yes wrote, in order. */
  readonly devWritten: string[] = [];

  private devHandlers(): Pick<Handlers, `dev.${string}` & MethodName> {
    const session = (id: string) =>
      this.devSessions.get(id) ?? { code: 'not-found' as const, message: `no debug session ${id}` };
    return {
      'dev.start': (input) => {
        const id = `${(this.devSessions.size + 1).toString(16).padStart(8, '0')}feedface`;
        const view: DevSessionView = {
          id,
          dir: input.dir,
          extension: { id: 'acme.notes', name: 'Notes', version: '1.0.0' },
          state: 'ready',
          detail: 'started',
          reloads: 0,
          lintErrors: [],
          // What app/service/dev/dev-session.ts lists for the same options.
          relaxations: [
            ...(input.net === 'deny'
              ? []
              : [
                  `network: --net ${input.net}: an access production would deny is allowed, marked "would be denied in production"`,
                ]),
            ...['workspace', 'home', 'documents', 'downloads', 'extensionData'].map(
              (v) => `files: \${${v}} → /tmp/corral-dev-4242-a1b2c3/files/${v} (mock: empty)`,
            ),
            ...(input.learn
              ? [
                  'learning: files in the mock folders, ipc and synthetic hosts production would deny are allowed and recorded; undeclared permission requests are granted',
                ]
              : []),
            'terminal: the extension runs on a pseudo-terminal of this session; its output is filtered',
          ],
          learning: input.learn,
          commands: [
            { id: 'notes.count', title: 'Count' },
            { id: 'notes.add', title: 'Add a note' },
          ],
        };
        this.devSessions.set(id, view);
        this.emit('onDevState', view);
        return view;
      },
      'dev.list': () => [...this.devSessions.values()],
      'dev.stop': ({ session: id }) => {
        const view = session(id);
        if (isError(view)) return view;
        this.devSessions.delete(id);
        this.emit('onDevState', { ...view, state: 'stopped', detail: 'the session ended' });
        return DONE;
      },
      'dev.input': ({ session: id, data }) => {
        const view = session(id);
        if (isError(view)) return view;
        this.devTyped.push(data);
        this.emit('onDevOutput', { session: id, data: data.replaceAll('\r', '\r\n') });
        return DONE;
      },
      'dev.resize': ({ session: id }) => {
        const view = session(id);
        return isError(view) ? view : DONE;
      },
      'dev.reload': ({ session: id }) => session(id),
      'dev.run': ({ session: id, command, args }) => {
        const view = session(id);
        if (isError(view)) return view;
        if (!view.commands.some((c) => c.id === command))
          return { code: 'refused', message: `"${command}" is not a command of this extension` };
        return { result: { ran: command, args } };
      },
      'dev.answer': ({ session: id }) => {
        const view = session(id);
        return isError(view) ? view : DONE;
      },
      'dev.proposal': ({ session: id }) => {
        const view = session(id);
        if (isError(view)) return view;
        if (!view.learning)
          return {
            code: 'refused',
            message: 'this session is not learning; start it with learn',
          };
        return this.devProposal;
      },
      'dev.writeProposal': ({ session: id, id: proposal }) => {
        const view = session(id);
        if (isError(view)) return view;
        if (proposal !== this.devProposal.id)
          return {
            code: 'refused',
            message:
              'the proposal changed since it was shown (the extension tried more); look at it again, then answer',
          };
        this.devWritten.push(proposal);
        return { files: [`${view.dir}/corral.json`] };
      },
    };
  }
}

/** A transport straight into `host`, as one connected UI. */
export function fakeHostTransport(host: FakeCorralHost): ContractTransport {
  return {
    call: (method, input) => host.call(method, structuredClone(input)),
    subscribe: (event, listener) =>
      host.subscribe((name, payload) => {
        if (name === event) listener(structuredClone(payload));
      }),
  };
}

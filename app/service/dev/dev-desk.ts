// The host's debug sessions (the app's debug view: dev.* contract methods, onDev* events). Each is
// the same DevSession `corral dev` drives, so production's sandbox and rules and every flagged
// relaxation are the same in the app; its terminal output (already filtered) is batched for the
// UIs, and its events are recorded as debug:ID in the debug audit store, never the production one.
import { realpathSync, statSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import {
  DEV_OUTPUT_MAX,
  type DevLogLine,
  type DevProposal,
  type DevSessionView,
  type MethodParsedInput,
} from '../../contract/index.ts';
import type { AuditSink } from '../../audit/jsonl-sink.ts';
import type { EventHub } from '../event-hub.ts';
import type { Services } from '../services.ts';
import { openDebugAudit } from './debug-audit.ts';
import { DevSession, DevSessionError, type DevEvent } from './dev-session.ts';

/** How long terminal output and log lines wait to be sent with more (a flood is a few messages). */
const FLUSH_MS = 50;
/** At most this many sessions at once: each is a sandboxed process and a pty. */
export const DEV_SESSIONS_MAX = 8;

/** A request the desk refuses: one sentence with the fix (the handler makes it a ContractFailure). */
export class DevDeskError extends Error {
  constructor(
    readonly code: 'not-found' | 'refused',
    message: string,
  ) {
    super(message);
  }
}

interface Entry {
  session: DevSession;
  audit: AuditSink;
  output: string;
  lines: DevLogLine[];
  timer: NodeJS.Timeout | null;
  /** The stop under way: a second Stop (another tab, a double click) waits for the same one. */
  stopping?: Promise<void>;
}

export class DevDesk {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly services: Services,
    private readonly hub: EventHub,
  ) {}

  /** Starts a session on `input.dir`; resolves once its first start (or lint failure) is known. */
  async start(input: MethodParsedInput<'dev.start'>): Promise<DevSessionView> {
    if (this.entries.size >= DEV_SESSIONS_MAX)
      throw new DevDeskError(
        'refused',
        `${DEV_SESSIONS_MAX} debug sessions are open; stop one before starting another`,
      );
    const dir = folder(input.dir, 'dir');
    const workspace =
      input.workspace === undefined ? undefined : folder(input.workspace, 'workspace');
    for (const [name, path] of [
      ['fixtures', input.fixtures],
      ['endpoints', input.endpoints],
    ] as const)
      if (path !== undefined && !isAbsolute(path))
        throw new DevDeskError(
          'refused',
          `${name}: ${path} is not an absolute path; fix: give the full path`,
        );
    const audit = openDebugAudit(this.services.env, '/');
    // The session's events reach its entry, which exists once the session does.
    const holder: { entry?: Entry } = {};
    let session: DevSession;
    try {
      session = new DevSession(
        this.services,
        {
          dir,
          ...(workspace ? { workspace } : {}),
          net: input.net,
          ...(input.fixtures !== undefined ? { fixtures: input.fixtures } : {}),
          ...(input.endpoints !== undefined ? { endpoints: input.endpoints } : {}),
          learn: input.learn,
          size: { cols: input.cols, rows: input.rows },
        },
        audit,
        (event) => {
          if (holder.entry) this.receive(holder.entry, event);
        },
      );
    } catch (e) {
      audit.close();
      if (e instanceof DevSessionError) throw new DevDeskError('refused', e.message);
      throw e;
    }
    holder.entry = { session, audit, output: '', lines: [], timer: null };
    this.entries.set(session.id, holder.entry);
    try {
      await session.start();
    } catch (e) {
      await this.stop(session.id);
      throw e;
    }
    return session.view();
  }

  list(): DevSessionView[] {
    return [...this.entries.values()].map((e) => e.session.view());
  }

  /** The session by id, or a not-found refusal. */
  get(id: string): DevSession {
    const entry = this.entries.get(id);
    if (!entry)
      throw new DevDeskError('not-found', `no debug session ${id}; it ended or never started`);
    return entry.session;
  }

  /** The learning run's proposal, or a refusal when the session is not learning. */
  proposal(id: string): DevProposal {
    const p = this.get(id).proposal();
    if (!p) throw new DevDeskError('refused', 'this session is not learning; start it with learn');
    return p;
  }

  /** Writes the proposal the author saw; refused when the run has learned more since. */
  writeProposal(id: string, proposal: string): string[] {
    try {
      return this.get(id).writeProposalById(proposal);
    } catch (e) {
      if (e instanceof DevSessionError) throw new DevDeskError('refused', e.message);
      throw e;
    }
  }

  async stop(id: string): Promise<void> {
    const entry = this.entries.get(id);
    if (!entry) throw new DevDeskError('not-found', `no debug session ${id}; it already ended`);
    entry.stopping ??= (async () => {
      await entry.session.close();
      this.flush(id, entry);
      this.entries.delete(id);
      entry.audit.close();
    })();
    return entry.stopping;
  }

  /** Stops every session (the host is closing). */
  async close(): Promise<void> {
    await Promise.all([...this.entries.keys()].map((id) => this.stop(id)));
  }

  private receive(entry: Entry, event: DevEvent): void {
    const id = entry.session.id;
    switch (event.type) {
      case 'output':
        entry.output += event.data;
        break;
      case 'line':
        entry.lines.push(event.line);
        break;
      case 'state':
        this.flush(id, entry);
        this.hub.publish('onDevState', event.session);
        return;
      case 'question':
        this.hub.publish('onDevQuestion', { session: id, question: event.question });
        return;
    }
    entry.timer ??= setTimeout(() => this.flush(id, entry), FLUSH_MS);
  }

  private flush(id: string, entry: Entry): void {
    if (entry.timer) clearTimeout(entry.timer);
    entry.timer = null;
    for (let at = 0; at < entry.output.length; at += DEV_OUTPUT_MAX)
      this.hub.publish('onDevOutput', {
        session: id,
        data: entry.output.slice(at, at + DEV_OUTPUT_MAX),
      });
    entry.output = '';
    for (let at = 0; at < entry.lines.length; at += 500)
      this.hub.publish('onDevLog', { session: id, lines: entry.lines.slice(at, at + 500) });
    entry.lines = [];
  }
}

/** An existing folder, as a real path; else a refusal naming the field. */
function folder(path: string, field: string): string {
  if (!isAbsolute(path))
    throw new DevDeskError(
      'refused',
      `${field}: ${path} is not an absolute path; fix: give the full path of a folder`,
    );
  try {
    const real = realpathSync(path);
    if (statSync(real).isDirectory()) return real;
  } catch {
    // said below
  }
  throw new DevDeskError(
    'refused',
    `${field}: ${path} is not a folder; fix: give an existing folder`,
  );
}

/** The dev.* contract handlers over one desk (contract-handlers.ts spreads them in). */
export function devHandlers(desk: DevDesk) {
  return {
    'dev.start': (input: MethodParsedInput<'dev.start'>) => desk.start(input),
    'dev.list': () => desk.list(),
    'dev.stop': async ({ session }: MethodParsedInput<'dev.stop'>) => {
      await desk.stop(session);
      return {};
    },
    'dev.input': ({ session, data }: MethodParsedInput<'dev.input'>) => {
      desk.get(session).input(data);
      return {};
    },
    'dev.resize': ({ session, cols, rows }: MethodParsedInput<'dev.resize'>) => {
      desk.get(session).resize(cols, rows);
      return {};
    },
    'dev.reload': async ({ session }: MethodParsedInput<'dev.reload'>) => {
      const s = desk.get(session);
      await s.reload();
      return s.view();
    },
    'dev.run': async ({ session, command, args }: MethodParsedInput<'dev.run'>) => {
      const s = desk.get(session);
      if (!s.view().commands.some((c) => c.id === command))
        throw new DevDeskError(
          'refused',
          `"${command}" is not a command of this extension (it contributes: ${
            s
              .view()
              .commands.map((c) => c.id)
              .join(', ') || 'none'
          })`,
        );
      return { result: await s.execute(command, args) };
    },
    'dev.answer': ({ session, id, answer }: MethodParsedInput<'dev.answer'>) => {
      if (!desk.get(session).answer(id, answer))
        throw new DevDeskError('not-found', 'that question is no longer waiting');
      return {};
    },
    'dev.proposal': ({ session }: MethodParsedInput<'dev.proposal'>) => desk.proposal(session),
    'dev.writeProposal': ({ session, id }: MethodParsedInput<'dev.writeProposal'>) => ({
      files: desk.writeProposal(session, id),
    }),
  };
}

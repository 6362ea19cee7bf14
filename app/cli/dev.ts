// `corral dev DIR`: debug mode for extension authors (contracts section 3). The session itself is
// app/service/dev/dev-session.ts; this file shows it on the terminal (the banner of relaxations,
// the inline access log with its debug marks, the extension's own terminal output) and reads the
// dev> prompt: commands with arguments, answers to the extension's questions, reload, learn.
import { realpathSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { CliIO } from './io.ts';
import { command } from './command.ts';
import { devSpec } from './specs.ts';
import { writerStream } from './terminal-prompt.ts';
import type { AuditSink } from '../audit/jsonl-sink.ts';
import { AuditStoreError } from '../audit/sqlite.ts';
import type { DevLogLine, DevProposal } from '../contract/dev.ts';
import type { PromptAnswer } from '../runtime/prompts.ts';
import { ConfineError } from '../sandbox/confine.ts';
import { ServiceError } from '../service/services.ts';
import { DebugAuditError, openDebugAudit } from '../service/dev/debug-audit.ts';
import { DevSession, DevSessionError, type DevEvent } from '../service/dev/dev-session.ts';
import { parseCommandLine } from '../service/dev/command-line.ts';

const ANSWERS: Record<string, PromptAnswer> = {
  allow: 'allow-once',
  once: 'allow-once',
  always: 'allow-always',
  deny: 'deny',
};

const HELP = `dev> commands:
  COMMAND [ARGS]   run one of the extension's commands; ARGS as JSON values or plain words
  allow | always | deny   answer the extension's question (allow = this once)
  send TEXT        type TEXT and Enter into the extension's terminal
  reload           lint and restart now
  learn            show what the learning run proposes (--learn), and offer to write it
  help             this list
  quit             stop the extension and end the session (Ctrl-D too)
`;

export const devCommand = command(devSpec, async ({ options, positionals }, io, services) => {
  const dir = folder(positionals.dir, io.cwd);
  if (!dir)
    return fail(io, `${positionals.dir} is not a folder; fix: give the extension's folder`, 2);
  const workspace = options.workspace === undefined ? undefined : folder(options.workspace, io.cwd);
  if (workspace === null)
    return fail(
      io,
      `--workspace ${options.workspace} is not a folder; fix: give an existing folder`,
      2,
    );
  try {
    services.sandbox();
  } catch (e) {
    if (e instanceof ConfineError) return fail(io, e.message, 125);
    throw e;
  }
  let audit: AuditSink & { path: string };
  try {
    audit = openDebugAudit(io.env, io.cwd, options.audit);
  } catch (e) {
    if (e instanceof DebugAuditError || e instanceof ServiceError || e instanceof AuditStoreError)
      return fail(io, e.message, 1);
    return fail(
      io,
      `cannot open the debug audit log (${e instanceof Error ? e.message : String(e)}); fix: give a writable file with --audit FILE`,
      1,
    );
  }
  const show = (event: DevEvent) => render(io, event);
  let session: DevSession;
  try {
    session = new DevSession(
      services,
      {
        dir,
        ...(workspace ? { workspace } : {}),
        net: options.net ?? 'deny',
        ...(options.fixtures !== undefined ? { fixtures: resolve(io.cwd, options.fixtures) } : {}),
        ...(options.endpoints !== undefined
          ? { endpoints: resolve(io.cwd, options.endpoints) }
          : {}),
        learn: options.learn,
        ...(io.terminal ? { size: io.terminal.size() } : {}),
      },
      audit,
      show,
    );
  } catch (e) {
    audit.close();
    if (e instanceof DevSessionError) return fail(io, e.message, 1);
    throw e;
  }
  io.stderr(`corral dev: ${dir} (debug mode: not production)\n`);
  for (const line of session.view().relaxations) io.stderr(`  ${line}\n`);
  io.stderr(`  audit: debug events go to ${audit.path}, as extension "debug:ID"\n`);
  try {
    await session.start();
    io.stderr('corral dev: type "help" for the commands; Ctrl-D or "quit" ends the session\n');
    await repl(io, session);
    return 0;
  } finally {
    await session.close();
    audit.close();
  }
});

/** The dev> prompt, until quit, end of input or a stop signal. */
async function repl(io: CliIO, session: DevSession): Promise<void> {
  const rl = createInterface({ input: io.stdin, output: writerStream(io.stderr), prompt: 'dev> ' });
  const lines = rl[Symbol.asyncIterator]();
  const stop = io.untilSignal().then(() => null);
  const next = async (): Promise<string | null> => {
    rl.prompt();
    const got = await Promise.race([lines.next(), stop]);
    return got === null || got.done ? null : got.value;
  };
  try {
    for (;;) {
      const line = await next();
      if (line === null) break;
      const done = await step(io, session, line.trim(), next);
      if (done) break;
    }
    if (session.view().learning) await offerProposal(io, session, next);
  } finally {
    rl.close();
  }
}

/** One line of the prompt; true when the session should end. */
async function step(
  io: CliIO,
  session: DevSession,
  line: string,
  next: () => Promise<string | null>,
): Promise<boolean> {
  if (line === '') return false;
  const [word = '', ...restWords] = line.split(/\s+/);
  const rest = line.slice(word.length).trim();
  if (word === 'quit' || word === 'exit') return true;
  if (word === 'help') {
    io.stderr(HELP);
    return false;
  }
  if (word === 'reload') {
    await session.reload();
    return false;
  }
  if (word === 'send') {
    session.input(`${rest}\r`);
    return false;
  }
  if (word === 'learn') {
    await offerProposal(io, session, next);
    return false;
  }
  if (Object.hasOwn(ANSWERS, word) && restWords.length === 0) {
    const q = session.openQuestion();
    if (!q) io.stderr('corral dev: no question is waiting\n');
    else session.answer(q.id, ANSWERS[word]!);
    return false;
  }
  const commands = session.view().commands.map((c) => c.id);
  if (!commands.includes(word)) {
    io.stderr(
      `corral dev: "${word}" is not a command of this extension (it contributes: ${commands.join(', ') || 'none'}); "help" lists the prompt's own\n`,
    );
    return false;
  }
  const args = parseCommandLine(rest);
  if (!args.ok) {
    io.stderr(`corral dev: ${args.error}\n`);
    return false;
  }
  try {
    const result = await session.execute(word, args.values);
    io.stdout(`${JSON.stringify(result ?? null, null, 2)}\n`);
  } catch (e) {
    io.stderr(`corral dev: ${word} failed: ${e instanceof Error ? e.message : String(e)}\n`);
  }
  return false;
}

/** Shows the learning run's proposal and writes it only on "y". */
async function offerProposal(
  io: CliIO,
  session: DevSession,
  next: () => Promise<string | null>,
): Promise<void> {
  const proposal = session.proposal();
  if (!proposal) {
    io.stderr('corral dev: the learning run is off; start the session with --learn\n');
    return;
  }
  io.stderr(describeProposal(proposal));
  const also = proposal.files.includes('corral.rules')
    ? ' and corral.rules (printed afresh: its comments are not kept)'
    : '';
  io.stderr(`Write this to corral.json${also}? [y/N] `);
  const answer = await next();
  if (answer !== null && /^y(es)?$/i.test(answer.trim())) {
    for (const file of session.writeProposal(proposal)) io.stderr(`corral dev: wrote ${file}\n`);
  } else io.stderr('corral dev: nothing written\n');
}

/** The proposal as the terminal shows it: the diff, the rules, the notes and the findings. */
export function describeProposal(p: DevProposal): string {
  const section = (title: string, lines: string[]) =>
    lines.length === 0 ? '' : `${title}\n${lines.map((l) => `  ${l}`).join('\n')}\n`;
  return (
    'corral dev: the learning run proposes (against corral.json):\n' +
    section('diff (+ to add, - to remove):', p.diff.length ? p.diff : ['(no permissions)']) +
    section('as rules (corral.rules):', p.rules) +
    section('not proposed:', p.notes) +
    section('lint on the proposal:', p.findings.length ? p.findings : ['clean'])
  );
}

function render(io: CliIO, event: DevEvent): void {
  switch (event.type) {
    case 'output':
      io.stdout(event.data);
      return;
    case 'line':
      io.stderr(`${lineText(event.line)}\n`);
      return;
    case 'state':
      io.stderr(`[dev] ${event.session.state}: ${event.session.detail}\n`);
      return;
    case 'question':
      if (event.question)
        io.stderr(
          `[question] ${event.question.question} Answer "allow" (this once), "always" or "deny".\n`,
        );
  }
}

/** One inline log line; what only debug mode allowed says so first. */
export function lineText(l: DevLogLine): string {
  const mark = l.debug ? ' DEBUG ONLY:' : '';
  return `[${l.kind}]${mark} ${l.text}`;
}

function folder(path: string, cwd: string): string | null {
  try {
    const real = realpathSync(resolve(cwd, path));
    return statSync(real).isDirectory() ? real : null;
  } catch {
    return null;
  }
}

function fail(io: CliIO, message: string, code: number): number {
  io.stderr(`corral dev: ${message}\n`);
  return code;
}

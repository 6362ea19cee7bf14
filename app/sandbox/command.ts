// Finds the program to run and what it needs to start: its real path and its interpreters
// (the ELF loader, a #! interpreter), which are exactly the files Landlock lets it execute
// when the policy does not grant `process.spawn`.
import { closeSync, openSync, readSync, realpathSync, statSync, constants } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';

/** The PATH inside the sandbox: the command must exist there, so it is resolved there. */
export const SANDBOX_PATH = '/usr/local/bin:/usr/bin:/bin';

export interface ResolvedCommand {
  /** The real path that the helper executes. */
  path: string;
  /** Real paths of the command and every interpreter it needs, in the order they load. */
  startupExecutables: string[];
}

export class CommandError extends Error {}

/** Resolves `cmd` as the sandbox will see it; throws CommandError with a one-line reason. */
export function resolveCommand(cmd: string, cwd: string): ResolvedCommand {
  const found = cmd.includes('/') ? resolve(cwd, cmd) : searchPath(cmd);
  if (!found) {
    throw new CommandError(
      `command "${cmd}" is not in the sandbox's PATH (${SANDBOX_PATH}); give its path, e.g. ./${cmd}`,
    );
  }
  const path = realExecutable(found, cmd);
  const startupExecutables = [path];
  collectInterpreters(path, startupExecutables, 0);
  return { path, startupExecutables };
}

function searchPath(name: string): string | null {
  for (const dir of SANDBOX_PATH.split(':')) {
    const candidate = `${dir}/${name}`;
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not in this folder
    }
  }
  return null;
}

function realExecutable(path: string, shownAs: string): string {
  let real: string;
  try {
    real = realpathSync(path);
  } catch {
    throw new CommandError(`command "${shownAs}" was not found at ${path}`);
  }
  const stat = statSync(real);
  if (!stat.isFile() || (stat.mode & 0o111) === 0) {
    throw new CommandError(`command "${shownAs}" (${real}) is not an executable file; chmod +x it`);
  }
  return real;
}

// A #! chain deeper than this is refused by the kernel too (BINPRM_MAX_RECURSION is 4).
const MAX_INTERPRETER_DEPTH = 4;

function collectInterpreters(path: string, out: string[], depth: number): void {
  if (depth > MAX_INTERPRETER_DEPTH) {
    throw new CommandError(`command ${out[0]} has a chain of #! interpreters deeper than 4`);
  }
  const head = readHead(path);
  const elfInterp = elfInterpreter(head);
  const shebang = elfInterp === null ? shebangInterpreter(head) : null;
  for (const next of elfInterp ? [elfInterp] : (shebang ?? [])) {
    const resolved = next.includes('/') ? next : searchPath(next);
    if (!resolved || !isAbsolute(resolved)) {
      throw new CommandError(
        `${path} needs the interpreter "${next}", which the sandbox does not have`,
      );
    }
    const real = realExecutable(resolved, next);
    if (!out.includes(real)) {
      out.push(real);
      collectInterpreters(real, out, depth + 1);
    }
  }
}

function readHead(path: string): Buffer {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    const buf = Buffer.alloc(4096);
    const n = readSync(fd, buf, 0, buf.length, 0);
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

/** PT_INTERP of a 64-bit little-endian ELF file (the dynamic loader), or null. */
export function elfInterpreter(head: Buffer): string | null {
  if (head.length < 64 || head.readUInt32BE(0) !== 0x7f454c46) return null;
  if (head[4] !== 2 || head[5] !== 1) return null; // only ELF64 LE: x86_64 and aarch64
  const phoff = Number(head.readBigUInt64LE(0x20));
  const phentsize = head.readUInt16LE(0x36);
  const phnum = head.readUInt16LE(0x38);
  for (let i = 0; i < phnum; i++) {
    const at = phoff + i * phentsize;
    if (at + 56 > head.length) return null;
    if (head.readUInt32LE(at) !== 3 /* PT_INTERP */) continue;
    const offset = Number(head.readBigUInt64LE(at + 8));
    const size = Number(head.readBigUInt64LE(at + 32));
    if (offset + size > head.length || size < 2) return null;
    return head.toString('latin1', offset, offset + size - 1);
  }
  return null;
}

/**
 * The programs a #! line starts: the interpreter, and for `#!/usr/bin/env NAME` also NAME,
 * since env executes it as part of the script's own start-up.
 */
export function shebangInterpreter(head: Buffer): string[] | null {
  if (head.length < 3 || head[0] !== 0x23 || head[1] !== 0x21) return null;
  const line = head.toString(
    'utf8',
    2,
    head.indexOf(0x0a) === -1 ? head.length : head.indexOf(0x0a),
  );
  const [interpreter, ...rest] = line.trim().split(/\s+/);
  if (!interpreter) return null;
  if (interpreter.endsWith('/env')) {
    const name = rest.find((arg) => !arg.startsWith('-'));
    return name ? [interpreter, name] : [interpreter];
  }
  return [interpreter];
}

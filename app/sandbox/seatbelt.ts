// Compiles a sandbox plan into a macOS Seatbelt profile (SBPL) for sandbox-exec(1). Pure: the
// profile text depends only on the plan's shape; every path reaches it as a (param …) value.
// UNTESTED on a Mac (none is available where this was written): see docs/platforms.md.
import { sandboxPlanSchema, type SandboxPlan } from './plan.ts';

export type SeatbeltRuntime = 'node' | 'python' | 'exec';

export interface SeatbeltOptions {
  /** The host's filtering proxy on localhost: the only network the profile allows. null: none. */
  proxyPort: number | null;
  runtime: SeatbeltRuntime;
  /**
   * The policy grants process.spawn: fork is allowed and execPaths hold folders (subpath). The
   * plan does not carry this bit, so the caller passes it; absent means no (fail closed).
   */
  spawn?: boolean;
}

export interface SeatbeltProfile {
  /** SBPL text, identical for every plan of the same shape (counts, spawn, port, runtime). */
  profile: string;
  /** Values for `sandbox-exec -D KEY=VALUE`: each path the profile names as (param "KEY"). */
  params: Record<string, string>;
}

/** A plan this profile cannot express faithfully; the message is one actionable line. */
export class SeatbeltError extends Error {}

/** Absolute, so no PATH lookup can put another program in its place. */
export const SANDBOX_EXEC = '/usr/bin/sandbox-exec';

export interface MacosSystemPath {
  path: string;
  /** subpath: the folder and everything beneath it; literal: exactly this path. */
  match: 'subpath' | 'literal';
  /**
   * code: read, and map as executable code (libraries); read: read only; device: read and
   * write data; open: open and list this folder itself, nothing beneath; stat: metadata only.
   */
  access: 'code' | 'read' | 'device' | 'open' | 'stat';
  why: string;
}

// Real paths only: Seatbelt matches the path a look-up resolves to, so /etc, /tmp and /var
// (links into /private) never match. Nothing of /Users, /Library or /Applications: a runtime
// installed there (python.org's framework, Homebrew, the packaged app) arrives as a read-only
// grant of the plan, never as part of the system view.
const SYSTEM_VIEW: readonly MacosSystemPath[] = Object.freeze([
  {
    path: '/',
    match: 'literal',
    access: 'open',
    why: "dyld opens / as the base of its openat() look-ups (Apple's dyld-support.sb)",
  },
  {
    path: '/usr/lib',
    match: 'subpath',
    access: 'code',
    why: 'dyld itself and the system libraries outside the shared cache',
  },
  {
    path: '/System/Library/Frameworks',
    match: 'subpath',
    access: 'code',
    why: 'public frameworks the runtimes link (CoreFoundation, Security): resources, binaries',
  },
  {
    path: '/System/Cryptexes/OS',
    match: 'subpath',
    access: 'code',
    why: 'macOS 13+: the dyld shared cache lives in the OS cryptex (dyld-support.sb)',
  },
  {
    path: '/System/Volumes/Preboot/Cryptexes/OS',
    match: 'subpath',
    access: 'code',
    why: 'the same cryptex under its mount point; which spelling dyld sees depends on the boot',
  },
  {
    path: '/System/Library/CoreServices/SystemVersion.plist',
    match: 'literal',
    access: 'read',
    why: "the OS version (CoreFoundation, Python's platform.mac_ver())",
  },
  {
    path: '/private/var/db/timezone',
    match: 'subpath',
    access: 'read',
    why: "time zone data that /etc/localtime and /usr/share/zoneinfo point into (libc, ICU, Python's zoneinfo)",
  },
  {
    path: '/private/etc/localtime',
    match: 'literal',
    access: 'read',
    why: "the link that names the user's time zone; ICU readlink()s it",
  },
  {
    path: '/usr/share/locale',
    match: 'subpath',
    access: 'read',
    why: "locale data for setlocale(): the plan's LANG, Python's start-up, wide-character functions",
  },
  {
    path: '/private/etc/ssl',
    match: 'subpath',
    access: 'read',
    why: "the system's public CA bundle, for TLS clients that do not ship their own",
  },
  {
    path: '/dev/null',
    match: 'literal',
    access: 'device',
    why: 'the empty input and the sink that runtimes and shells open',
  },
  {
    path: '/dev/urandom',
    match: 'literal',
    access: 'read',
    why: 'randomness for code that reads the device rather than calling getentropy()',
  },
  {
    path: '/dev/random',
    match: 'literal',
    access: 'read',
    why: 'the same, under its other name',
  },
  {
    path: '/etc',
    match: 'literal',
    access: 'stat',
    why: 'realpath() lstat()s these links into /private when it resolves a path through them',
  },
  { path: '/tmp', match: 'literal', access: 'stat', why: 'the same, for paths under /tmp' },
  {
    path: '/var',
    match: 'literal',
    access: 'stat',
    why: 'the same, for paths under /var, such as $TMPDIR (/var/folders/…)',
  },
]);

/** The macOS system paths every sandboxed runtime may use, each with why it needs it. */
export function macosSystemView(): readonly MacosSystemPath[] {
  return SYSTEM_VIEW;
}

interface Sysctl {
  name: string;
  /** Matches every sysctl whose name starts with `name`. */
  prefix?: boolean;
  why: string;
}

// Read at start-up by libSystem or by anything calling uname(3); none reveals user data.
const SYSCTLS_EVERY_PROCESS: readonly Sysctl[] = [
  { name: 'kern.osvariant_status', why: "libSystem's os_variant checks during start-up" },
  { name: 'kern.secure_kernel', why: 'the same' },
  { name: 'kern.osproductversion', why: 'the macOS version (libSystem, CoreFoundation)' },
  { name: 'kern.ostype', why: 'uname(3): os.type(), os.uname(), platform.system()' },
  { name: 'kern.osrelease', why: 'uname(3): os.release()' },
  { name: 'kern.version', why: 'uname(3): os.version()' },
  { name: 'hw.machine', why: 'uname(3): os.machine(), platform.machine()' },
  {
    name: 'kern.hostname',
    why: 'uname(3) fails without it; the real host name shows (Linux shows "corral")',
  },
  { name: 'hw.ncpu', why: 'CPU count: sysconf(_SC_NPROCESSORS_CONF), os.cpu_count()' },
  { name: 'hw.activecpu', why: 'CPUs online: libuv and V8 size their thread pools' },
  { name: 'hw.pagesize', why: 'page size for allocators that ask sysctl' },
  { name: 'sysctl.proc_cputype', why: 'the CPU type this process runs as (native or Rosetta 2)' },
];

const RUNTIME_SYSCTLS: Record<SeatbeltRuntime, readonly Sysctl[]> = {
  node: [
    { name: 'hw.memsize', why: 'Node sizes the V8 heap from total memory at start-up' },
    { name: 'hw.optional.', prefix: true, why: 'CPU features for V8 and OpenSSL (Apple silicon)' },
  ],
  python: [{ name: 'hw.optional.', prefix: true, why: 'CPU features for OpenSSL (hashlib, ssl)' }],
  exec: [],
};

// No runtime needs a Mach service to start, so the profile allows no mach-lookup at all; each
// service is a door out of the sandbox. docs/platforms.md lists the ones deliberately left out
// (user look-ups, DNS, notifications, logging) and what breaks without them.
const RUNTIME_MACH_SERVICES: Record<SeatbeltRuntime, readonly { name: string; why: string }[]> = {
  node: [],
  python: [],
  exec: [],
};

// Top-level folders that are links into /private: a path through them never matches a rule.
const PRIVATE_LINKS = ['/etc', '/tmp', '/var'];

/**
 * The Seatbelt profile and its -D values for one plan: deny by default, the plan's grants as
 * params, the system view, and network only to localhost:proxyPort.
 */
export function seatbeltProfile(plan: SandboxPlan, options: SeatbeltOptions): SeatbeltProfile {
  const checked = sandboxPlanSchema.safeParse(plan);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    throw new SeatbeltError(
      `sandbox plan: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`,
    );
  }
  checkMacosPlan(checked.data, options);

  const params: Record<string, string> = {};
  const name = (kind: string, index: number, path: string): Filter => {
    const key = `${kind}_${index}`;
    params[key] = path;
    return { text: `(param "${key}")` };
  };
  const ro = checked.data.mounts.filter((m) => m.access === 'ro');
  const rw = checked.data.mounts.filter((m) => m.access === 'rw');
  const roParams = ro.map((m, i) => name('GRANT_RO', i, m.path));
  const rwParams = rw.map((m, i) => name('GRANT_RW', i, m.path));
  const execParams = checked.data.execPaths.map((p, i) => name('EXEC', i, p));
  const spawn = options.spawn === true;

  const lines = [
    '; Corral: one extension under Seatbelt, compiled from its sandbox plan by',
    '; app/sandbox/seatbelt.ts. Every path from the plan arrives as (param "…"), set by',
    "; sandbox-exec -D, so no path can change this text. Apple's system.sb is not imported:",
    '; it allows far more than a runtime needs.',
    '(version 1)',
    '',
    '; Everything that no rule below allows is refused.',
    '(deny default)',
    '',
    ...programRules(execParams, spawn),
    '',
    ...grantRules(roParams, rwParams, execParams, spawn),
    '',
    ...systemRules(),
    '',
    ...networkRules(options.proxyPort),
    '',
    ...sysctlRules(options.runtime),
    '',
    ...machRules(options.runtime),
  ];
  return { profile: lines.join('\n') + '\n', params };
}

/**
 * The argument vector that runs `command` under the profile at `profilePath`: element 0 is
 * sandbox-exec itself, then `-f PROFILE`, one `-D KEY=VALUE` per param, `--`, the command.
 */
export function sandboxExecArgv(
  profilePath: string,
  params: Record<string, string>,
  command: string,
  args: readonly string[],
): string[] {
  if (!profilePath.startsWith('/') || profilePath.includes('\0')) {
    throw new SeatbeltError(`profile path "${profilePath}" must be absolute, without a NUL byte`);
  }
  if (!command.startsWith('/') || command.includes('\0')) {
    throw new SeatbeltError(
      `command "${command}" must be an absolute path, as the plan resolved it`,
    );
  }
  const argv = [SANDBOX_EXEC, '-f', profilePath];
  for (const [key, value] of Object.entries(params)) {
    // sandbox-exec splits -D at the first "=", so a key must not hold one; argv cannot hold NUL.
    if (!/^[A-Z][A-Z0-9_]*$/.test(key)) {
      throw new SeatbeltError(`profile param "${key}" must be upper-case letters, digits and _`);
    }
    if (value.includes('\0')) throw new SeatbeltError(`profile param ${key} holds a NUL byte`);
    argv.push('-D', `${key}=${value}`);
  }
  if (args.some((a) => a.includes('\0'))) throw new SeatbeltError('an argument holds a NUL byte');
  return [...argv, '--', command, ...args];
}

interface Filter {
  text: string;
  why?: string;
}

function checkMacosPlan(plan: SandboxPlan, options: SeatbeltOptions): void {
  const port = options.proxyPort;
  // The port is the one value written into the text: (remote ip "HOST:PORT") takes a single
  // literal string. An integer in 1..65535 prints as digits only, so it cannot close the
  // string or add a rule; anything else is refused before it is printed.
  if (port !== null && !(Number.isInteger(port) && port >= 1 && port <= 65535)) {
    throw new SeatbeltError(`proxy port ${String(port)} must be an integer from 1 to 65535`);
  }
  if (!Object.hasOwn(RUNTIME_SYSCTLS, options.runtime)) {
    throw new SeatbeltError(`runtime "${String(options.runtime)}" must be node, python or exec`);
  }
  const paths = [...plan.mounts.map((m) => m.path), ...plan.execPaths];
  for (const path of paths) {
    if (path === '/') {
      throw new SeatbeltError('the plan grants "/", the whole disk; grant the folders it needs');
    }
    const link = PRIVATE_LINKS.find((l) => path === l || path.startsWith(`${l}/`));
    if (link) {
      throw new SeatbeltError(
        `${path} goes through the link ${link} -> /private${link}, which Seatbelt never matches; pass the real path /private${path}`,
      );
    }
  }
}

// Without spawn, execPaths are the start-up files (the command and its interpreters): literal.
// With spawn they are folders too: subpath, which for a file matches exactly that file, the same
// rule as the helper's Landlock EXECUTE on Linux.
function execMatch(spawn: boolean): 'literal' | 'subpath' {
  return spawn ? 'subpath' : 'literal';
}

function programRules(exec: Filter[], spawn: boolean): string[] {
  const execFilters = exec.map((f) => ({ text: `(${execMatch(spawn)} ${f.text})` }));
  if (!spawn) {
    return [
      '; The command and its #! interpreters, each exactly: sandbox-exec applies this profile and',
      '; then executes the command. (process-exec is process-exec*, which covers the #! check.)',
      '; No process-fork: the policy does not grant process.spawn.',
      ...allow('process-exec', execFilters),
      '; A runtime signals only itself (abort(), re-raised fatal signals).',
      '(allow signal (target self))',
    ];
  }
  return [
    "; process.spawn is granted: the extension may start programs from the plan's execPaths",
    '; (subpath: a folder and all beneath it, or exactly a file; buildPlan puts only read-only',
    '; folders there). Children inherit this profile.',
    '(allow process-fork)',
    ...allow('process-exec', execFilters),
    '; Signals to itself, and to its own children, which share this sandbox.',
    '(allow signal (target self) (target same-sandbox))',
  ];
}

function grantRules(ro: Filter[], rw: Filter[], exec: Filter[], spawn: boolean): string[] {
  const lines = [
    '; What it executes must also be readable and mappable as code for dyld to load it.',
    ...allow(
      'file-read* file-map-executable',
      exec.map((f) => ({ text: `(${execMatch(spawn)} ${f.text})` })),
    ),
  ];
  if (ro.length > 0) {
    lines.push(
      '; Read-only grants: the extension package, the runtime, folders the policy lets it read.',
      "; Also mappable as code (native modules, the runtime's libraries); rw grants are not.",
      ...allow(
        'file-read* file-map-executable',
        ro.map((f) => ({ text: `(subpath ${f.text})` })),
      ),
    );
  }
  if (rw.length > 0) {
    lines.push(
      '; Read-write grants: the private ${tmp} (TMPDIR), ${extensionData}, folders it may write.',
      ...allow(
        'file-read* file-write*',
        rw.map((f) => ({ text: `(subpath ${f.text})` })),
      ),
    );
  }
  lines.push(
    '; realpath() and the module loaders lstat() each folder from / down to a path: metadata,',
    '; never contents, of the folders above each grant.',
    ...metadataOfAncestors([...exec, ...ro, ...rw].map((f) => f.text)),
  );
  return lines;
}

const ACCESS_OPERATIONS: Record<MacosSystemPath['access'], string> = {
  open: 'file-read-data',
  code: 'file-read* file-map-executable',
  read: 'file-read*',
  device: 'file-read* file-write-data',
  stat: 'file-read-metadata',
};

function systemRules(): string[] {
  const lines = [
    '; The macOS system view (macosSystemView()): fixed paths, the same on every Mac.',
  ];
  for (const access of Object.keys(ACCESS_OPERATIONS) as MacosSystemPath['access'][]) {
    const entries = SYSTEM_VIEW.filter((e) => e.access === access);
    lines.push(
      ...allow(
        ACCESS_OPERATIONS[access],
        entries.map((e) => ({ text: `(${e.match} ${sbplString(e.path)})`, why: e.why })),
      ),
    );
  }
  const ancestorsOf = SYSTEM_VIEW.filter((e) => e.access !== 'stat' && e.path !== '/');
  lines.push(
    '; Metadata of the folders above them, for realpath() as above.',
    ...metadataOfAncestors(ancestorsOf.map((e) => sbplString(e.path))),
  );
  return lines;
}

function networkRules(port: number | null): string[] {
  if (port === null) return ['; No network: no proxy port was given (the policy grants no host).'];
  return [
    "; Network: only the host's filtering proxy, which enforces the policy's hosts and ports.",
    '; (remote ip "localhost:PORT") takes one literal string, so the port is printed here; it',
    '; was checked to be an integer 1..65535. No DNS: the proxy resolves names.',
    `(allow network-outbound (remote ip "localhost:${port}"))`,
  ];
}

function sysctlRules(runtime: SeatbeltRuntime): string[] {
  const sysctls = [...SYSCTLS_EVERY_PROCESS, ...RUNTIME_SYSCTLS[runtime]];
  return [
    `; Kernel values the ${runtime} runtime reads; nothing about other processes or users.`,
    ...allow(
      'sysctl-read',
      sysctls.map((s) => ({
        text: `(${s.prefix ? 'sysctl-name-prefix' : 'sysctl-name'} ${sbplString(s.name)})`,
        why: s.why,
      })),
    ),
  ];
}

function machRules(runtime: SeatbeltRuntime): string[] {
  const services = RUNTIME_MACH_SERVICES[runtime];
  if (services.length === 0) {
    return [
      `; No mach-lookup: the ${runtime} runtime needs no system service to run, and each one is a`,
      '; way out of the sandbox (see docs/platforms.md for those left out and why).',
    ];
  }
  return allow(
    'mach-lookup',
    services.map((s) => ({ text: `(global-name ${sbplString(s.name)})`, why: s.why })),
  );
}

/**
 * file-read-metadata on every folder above the given paths, through the prelude's path-ancestors
 * (macOS 10.15+), which takes (param …) values, so the folders never appear in the text.
 */
function metadataOfAncestors(paths: readonly string[]): string[] {
  const last = paths.length - 1;
  return [
    '(allow file-read-metadata',
    '  (path-ancestors',
    ...paths.map((p, i) => `    ${p}${i === last ? '))' : ''}`),
  ];
}

/** One (allow OPERATIONS FILTER…) form, one filter a line, each preceded by its reason. */
function allow(operations: string, filters: readonly Filter[]): string[] {
  if (filters.length === 0) return [];
  const lines = [`(allow ${operations}`];
  filters.forEach((f, i) => {
    if (f.why) lines.push(`  ; ${f.why}`);
    lines.push(`  ${f.text}${i === filters.length - 1 ? ')' : ''}`);
  });
  return lines;
}

/** An SBPL string literal for one of this file's constants (never for data from a plan). */
function sbplString(value: string): string {
  if ([...value].some((c) => c < ' ' || c === '\x7f')) {
    throw new SeatbeltError(`control character in "${value}"`);
  }
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}
